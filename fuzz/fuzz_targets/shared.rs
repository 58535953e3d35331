//! The checks of the fuzz targets, one function per target: what no input may break. The
//! targets call them on the fuzzer's bytes; `crates/storyfold/tests/fuzz_corpora.rs` replays
//! the committed corpora and the regression inputs through them in the ordinary test suite.
#![allow(dead_code)] // each target uses its own check

use std::collections::HashSet;

use storyfold::ingest::{parse_date, Format, ReadOptions, Reader};
use storyfold::text::normalize::is_blank;
use storyfold::text::{sentence_bound_indices, sentences};
use unicode_segmentation::UnicodeSegmentation;

/// Read `data` (first byte: options; the rest: the input) as a file `name` in `format`, and
/// check that every article is valid and that no record is lost silently: every record read
/// is an article, an error or a counted skip, and an input-ending error is the only extra.
pub fn read_and_check(data: &[u8], name: &str, format: Format) {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let opts = ReadOptions {
        skip_invalid: flags & 1 != 0,
        lossy_utf8: flags & 2 != 0,
        lenient_dates: flags & 4 != 0,
        auto_id: flags & 8 != 0,
        // Small limits exercise the cut of oversized records and the re-read of CSV lines.
        max_bytes: if flags & 16 != 0 { 48 } else { 1 << 20 },
        ..ReadOptions::default()
    };
    let skip = opts.skip_invalid;
    let mut reader = Reader::from_bytes(name, bytes.to_vec(), format, opts);
    let mut ids = HashSet::new();
    let (mut articles, mut errors) = (0u64, 0u64);
    for item in reader.by_ref() {
        match item {
            Ok(a) => {
                assert!(!is_blank(&a.text), "blank text accepted: {:?}", a.text);
                assert!(!a.id.is_empty() && a.id.trim() == a.id, "bad id {:?}", a.id);
                assert!(ids.insert(a.id.clone()), "duplicate id {:?}", a.id);
                assert_eq!(a.seq, articles, "seq numbers are dense");
                if let Some(d) = a.published {
                    let _ = d.timestamp();
                }
                articles += 1;
            }
            Err(e) => {
                assert!(!e.location.file.is_empty());
                let _ = e.to_string();
                errors += 1;
                // Under skip_invalid only an error ending the input is yielded: one at most.
                assert!(
                    !skip || errors == 1,
                    "a second error under skip_invalid: {e}"
                );
            }
        }
    }
    let accounted = articles + errors + reader.skipped().total();
    let read = reader.read_count();
    assert!(
        read <= accounted && accounted <= read + 1,
        "{read} records read, {articles} articles + {errors} errors + {} skipped",
        reader.skipped().total()
    );
    let _ = reader.skipped().to_string();
}

/// Date parsing: any string is a date, no date, or an error message; a parsed date prints as
/// RFC 3339 and parses back to the same instant and offset.
pub fn check_date(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match parse_date(s) {
        Ok(Some(d)) => {
            let _ = d.timestamp();
            let printed = d.to_rfc3339();
            assert_eq!(
                parse_date(&printed),
                Ok(Some(d)),
                "{s:?} printed as {printed:?}"
            );
        }
        Ok(None) => assert!(s.trim().is_empty()),
        Err(msg) => assert!(!msg.is_empty()),
    }
}

/// Sentence segmentation: the fast UAX #29 pass gives exactly the pieces of
/// `unicode-segmentation` (its oracle), and the sentences are ordered, non-empty, trimmed
/// spans at character boundaries that never cross a line break.
pub fn check_sentences(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let fast: Vec<(usize, &str)> = sentence_bound_indices(s).collect();
    let oracle: Vec<(usize, &str)> = s.split_sentence_bound_indices().collect();
    assert_eq!(fast, oracle);
    let mut last_end = 0;
    for r in sentences(s) {
        assert!(
            last_end <= r.start && r.start < r.end && r.end <= s.len(),
            "{r:?}"
        );
        assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
        let text = &s[r.clone()];
        assert_eq!(text.trim(), text, "untrimmed sentence");
        assert!(
            !text.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']),
            "a sentence crosses a line break: {text:?}"
        );
        last_end = r.end;
    }
}
