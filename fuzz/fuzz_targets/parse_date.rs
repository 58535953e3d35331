//! Fuzz date parsing: any string is a date, no date, or an error message, never a panic; a
//! parsed date prints as RFC 3339 and parses back to the same instant and offset.
#![no_main]

mod shared;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shared::check_date(data));
