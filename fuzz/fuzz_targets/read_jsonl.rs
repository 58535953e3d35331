//! Fuzz the JSONL reader: any bytes, read with options from the first byte, give valid
//! articles, errors naming the input, or counted skips, never a panic or a lost record.
#![no_main]

mod shared;

use libfuzzer_sys::fuzz_target;
use storyfold::ingest::Format;

fuzz_target!(|data: &[u8]| {
    shared::read_and_check(data, "fuzz.jsonl", Format::Jsonl);
});
