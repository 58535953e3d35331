//! Fuzz the fact parser and the fact comparison (`align::facts`) on two arbitrary sentences
//! (the bytes before and after the first NUL): facts are in-order spans of their text, agreement
//! is reflexive and symmetric, a sentence never disagrees with itself, and a prepared sentence
//! keeps its first `MAX_SENTENCE_FACTS` facts.
#![no_main]

mod shared;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shared::check_facts(data));
