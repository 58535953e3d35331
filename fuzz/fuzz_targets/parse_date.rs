//! Fuzz date parsing: any string is a date, no date, or an error message, never a panic; a
//! parsed date prints as RFC 3339 and parses back to the same instant and offset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyfold::ingest::parse_date;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match parse_date(s) {
        Ok(Some(d)) => {
            let _ = d.timestamp();
            let printed = d.to_rfc3339();
            assert_eq!(parse_date(&printed), Ok(Some(d)), "{s:?} printed as {printed:?}");
        }
        Ok(None) => assert!(s.trim().is_empty()),
        Err(msg) => assert!(!msg.is_empty()),
    }
});
