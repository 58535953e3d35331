//! Fuzz sentence segmentation: the fast UAX #29 pass gives exactly the pieces of
//! `unicode-segmentation` (its oracle), and the sentences are ordered, non-empty, trimmed
//! spans at character boundaries that never cross a line break.
#![no_main]

mod shared;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shared::check_sentences(data));
