//! Fuzz the aligner (`Aligner::align`) on two arbitrary documents (the bytes before and after
//! the first NUL; the first byte chooses the default limits or tiny ones): a consistent
//! alignment, shares in [0, 1], and the work within the limits.
#![no_main]

mod shared;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shared::check_alignment(data));
