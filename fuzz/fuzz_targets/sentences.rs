//! Fuzz sentence segmentation: the fast UAX #29 pass gives exactly the pieces of
//! `unicode-segmentation` (its oracle), and the sentences are ordered, non-empty, trimmed
//! spans at character boundaries that never cross a line break.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyfold::text::{sentence_bound_indices, sentences};
use unicode_segmentation::UnicodeSegmentation;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let fast: Vec<(usize, &str)> = sentence_bound_indices(s).collect();
    let oracle: Vec<(usize, &str)> = s.split_sentence_bound_indices().collect();
    assert_eq!(fast, oracle);
    let mut last_end = 0;
    for r in sentences(s) {
        assert!(last_end <= r.start && r.start < r.end && r.end <= s.len(), "{r:?}");
        assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
        let text = &s[r.clone()];
        assert_eq!(text.trim(), text, "untrimmed sentence");
        assert!(
            !text.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']),
            "a sentence crosses a line break: {text:?}"
        );
        last_end = r.end;
    }
});
