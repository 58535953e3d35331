//! The checks of the fuzz targets, one function per target: what no input may break. The
//! targets call them on the fuzzer's bytes; `crates/storyfold/tests/fuzz_corpora.rs` replays
//! the committed corpora and the regression inputs through them in the ordinary test suite.
#![allow(dead_code)] // each target uses its own check

use std::collections::HashSet;
use std::sync::OnceLock;

use storyfold::align::alignment::{AlignConfig, Aligner, MatchKind, Relation};
use storyfold::align::facts::{self, Fact};
use storyfold::align::sentence::{MAX_FACT_TEXT_BYTES, MAX_SENTENCE_FACTS};
use storyfold::align::similarity::Idf;
use storyfold::align::{PreparedDoc, Sentence};
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

/// Two texts of a fuzz input: the bytes before and after the first NUL (lossy UTF-8); an input
/// without one is a text and itself.
fn two_texts(data: &[u8]) -> (String, String) {
    match data.iter().position(|&c| c == 0) {
        Some(i) => (
            String::from_utf8_lossy(&data[..i]).into_owned(),
            String::from_utf8_lossy(&data[i + 1..]).into_owned(),
        ),
        None => {
            let s = String::from_utf8_lossy(data).into_owned();
            (s.clone(), s)
        }
    }
}

/// The facts of a text are spans of it, in order, written as the text has them.
fn check_facts_of(text: &str, facts: &[Fact]) {
    let mut last = 0;
    for f in facts {
        assert!(
            f.span.start <= f.span.end && f.span.end <= text.len(),
            "{f:?}"
        );
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        assert_eq!(&text[f.span.clone()], f.text, "{f:?}");
        assert!(f.span.start >= last, "facts out of order: {facts:?}");
        last = f.span.start;
    }
}

/// The fact parser and comparison on two arbitrary sentences: facts are spans of their text in
/// order; each fact agrees with itself and agreement is symmetric; a sentence never disagrees
/// with itself; the disagreements of two sentences pair a fact of each, of one kind; a prepared
/// sentence keeps at most `MAX_SENTENCE_FACTS` of them, the first ones.
pub fn check_facts(data: &[u8]) {
    let (a, b) = two_texts(data);
    let (fa, fb) = (facts::extract(&a), facts::extract(&b));
    check_facts_of(&a, &fa);
    check_facts_of(&b, &fb);
    let few = |f: &[Fact]| f.len().min(40);
    for x in &fa[..few(&fa)] {
        for y in &fb[..few(&fb)] {
            assert_eq!(x.agrees(y), y.agrees(x), "{x:?} {y:?}");
        }
    }
    let self_disagreements = facts::compare_facts(0, &a, &fa, 0, &a, &fa);
    assert!(self_disagreements.is_empty(), "{self_disagreements:?}");
    for d in facts::compare_facts(3, &a, &fa, 5, &b, &fb) {
        assert_eq!((d.a_sentence, d.b_sentence), (3, 5));
        assert!(
            fa.iter().any(|f| f.kind == d.kind && f.text == d.a_value),
            "{d:?}"
        );
        assert!(
            fb.iter().any(|f| f.kind == d.kind && f.text == d.b_value),
            "{d:?}"
        );
    }
    let _ = facts::key_terms_of(&fa);
    let sentence = Sentence::new(&a);
    let kept = sentence.facts();
    if a.len() <= MAX_FACT_TEXT_BYTES {
        assert_eq!(kept.truncated, fa.len() > MAX_SENTENCE_FACTS);
        assert_eq!(kept.facts[..], fa[..fa.len().min(MAX_SENTENCE_FACTS)]);
    }
    for (i, w) in sentence.content_words() {
        assert!(!w.is_empty());
        if let Some(i) = i {
            assert_eq!(sentence.tokens[i], w);
        }
    }
}

/// The aligner with the builtin IDF table (prepared once per process).
fn aligners() -> &'static [Aligner; 2] {
    static ALIGNERS: OnceLock<[Aligner; 2]> = OnceLock::new();
    ALIGNERS.get_or_init(|| {
        let default = Aligner::new(Idf::builtin());
        // Tiny limits, so that every cut of the work is reached by small inputs.
        let tiny = AlignConfig {
            max_candidates: 2,
            max_candidate_work: 300,
            max_fact_work: 300,
            max_grid_cells: 12,
            max_token_cells: 40,
            ..AlignConfig::default()
        };
        let tiny = default.clone().with_config(tiny).expect("a valid config");
        [default, tiny]
    })
}

/// The alignment of two arbitrary documents (the first byte chooses the default limits or tiny
/// ones): one match per B sentence pointing into A, `added` and `dropped` as the matches say,
/// shares in [0, 1], disagreements between the sentences they name, the work within the
/// limits (and `truncated` whenever a limit was reached), the same result analyzed or not.
pub fn check_alignment(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let aligner = &aligners()[usize::from(which & 1)];
    let config = aligner.config();
    let (ta, tb) = two_texts(rest);
    let (a, b) = (PreparedDoc::new(&ta), PreparedDoc::new(&tb));
    let (na, nb) = (a.sentences.len(), b.sentences.len());
    let al = aligner.align(&a, &b);
    assert_eq!(al.matches.len(), nb);
    let mut used = vec![false; na];
    for (i, m) in al.matches.iter().enumerate() {
        assert_eq!(m.b, i);
        assert_eq!(m.a.is_none(), m.kind == MatchKind::Unmatched, "{m:?}");
        if let Some(x) = m.a {
            assert!(x < na);
            used[x] = true;
        }
        assert!((0.0..=1.0).contains(&m.score), "{m:?}");
    }
    let added: Vec<usize> = (0..nb).filter(|&i| al.matches[i].a.is_none()).collect();
    let dropped: Vec<usize> = (0..na).filter(|&i| !used[i]).collect();
    assert_eq!((&al.added, &al.dropped), (&added, &dropped));
    for x in [
        al.score,
        al.containment_a_in_b,
        al.containment_b_in_a,
        al.shingle_jaccard,
        al.shingle_a_in_b,
        al.shingle_b_in_a,
        al.key_term_overlap,
        al.content_a_in_b,
        al.content_b_in_a,
    ] {
        assert!((0.0..=1.0).contains(&x), "{al:?}");
    }
    if al.relation == Relation::Exact {
        assert_eq!(al.score, 1.0);
    }
    for d in &al.disagreements {
        let (sa, sb) = (&a.sentences[d.a_sentence], &b.sentences[d.b_sentence]);
        assert!(
            sa.text.contains(&d.a_value) && sb.text.contains(&d.b_value),
            "{d:?}"
        );
    }
    let w = al.work;
    assert!(
        w.candidate_work <= config.max_candidate_work as u64,
        "{w:?}"
    );
    assert!(w.fact_work <= config.max_fact_work as u64, "{w:?}");
    assert!(w.grid_cells <= config.max_grid_cells as u64, "{w:?}");
    assert!(w.most_candidates <= config.max_candidates, "{w:?}");
    assert!(w.long_pairs == 0 || al.truncated, "{w:?}");
    let (aa, ab) = (aligner.analyze(&a), aligner.analyze(&b));
    assert_eq!(aligner.align_analyzed(&a, &aa, &b, &ab), al);
}
