//! What the three reader targets share: read the fuzzer's bytes as one input of a format, with
//! options taken from the first byte, and check what no input may break.

use std::collections::HashSet;

use storyfold::ingest::{Format, ReadOptions, Reader};
use storyfold::text::normalize::is_blank;

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
                if skip {
                    assert!(
                        !e.kind.is_record_error(),
                        "a record error yielded under skip_invalid: {e}"
                    );
                }
                let _ = e.to_string();
                errors += 1;
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
