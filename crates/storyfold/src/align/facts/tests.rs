//! Tests of fact extraction, comparison and key terms through the module's functions, and
//! against the test oracle ([`super::oracle`]).

use super::*;
use proptest::prelude::*;

fn kinds_values(s: &str) -> Vec<(FactKind, String)> {
    extract(s).into_iter().map(|f| (f.kind, f.text)).collect()
}

fn disagree(a: &str, b: &str) -> Vec<(String, String, FactKind)> {
    compare_sentences(0, a, 0, b)
        .into_iter()
        .map(|d| (d.a_value, d.b_value, d.kind))
        .collect()
}

#[test]
fn extracts_kinds() {
    let f = kinds_values("Acme Corp paid $1.2 billion on Jan. 5, 2020, up 85% from 2019.");
    assert_eq!(
        f,
        vec![
            (FactKind::Name, "Acme Corp".to_string()),
            (FactKind::Money, "$1.2 billion".to_string()),
            (FactKind::Date, "Jan. 5, 2020".to_string()),
            (FactKind::Percent, "85%".to_string()),
            (FactKind::Date, "2019".to_string()),
        ]
    );
}

#[test]
fn percent_forms_agree() {
    for b in [
        "85 percent",
        "85 per cent",
        "85 pct",
        "nearly 90%",
        "about 84%",
    ] {
        let d = disagree(
            "Turnout was 85% on the day.",
            &format!("Turnout was {b} on the day."),
        );
        assert!(d.is_empty(), "{b}: {d:?}");
    }
    let d = disagree("Turnout was 85% on the day.", "Turnout was 58% on the day.");
    assert_eq!(d, vec![("85%".into(), "58%".into(), FactKind::Percent)]);
}

#[test]
fn hedged_ranges_must_overlap_beyond_an_edge() {
    // "up to 110" is 99-110 and "around 90" is 81-99: they touch at 99 only.
    let d = disagree(
        "Gusts of up to 110 kilometers per hour are expected.",
        "Gusts of around 90 kilometers per hour are expected.",
    );
    assert_eq!(d.len(), 1, "{d:?}");
    // "about 100" (90-110) and "nearly 100" (90-100) overlap: the same figure.
    let d = disagree(
        "About 100 homes lost power.",
        "Nearly 100 homes lost power.",
    );
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn a_decade_is_ten() {
    assert!(disagree(
        "He became the first local winner in more than a decade.",
        "He became the first local winner in over ten years."
    )
    .is_empty());
    let f = extract("It has been a decade.");
    assert!(f.iter().any(|f| matches!(
        f.value,
        Value::Quantity { lo, hi, .. } if lo == 10.0 && hi == 10.0
    )));
}

#[test]
fn number_words_and_money() {
    assert!(disagree("Three people died.", "3 people died.").is_empty());
    // "three dozen" is 36: more than 36 agrees with 41, 2 dozen with 24.
    assert!(disagree(
        "A lawyer representing more than three dozen of the groups spoke.",
        "A lawyer representing 41 of the groups spoke."
    )
    .is_empty());
    assert!(disagree("They bought 2 dozen eggs.", "They bought 24 eggs.").is_empty());
    assert_eq!(
        disagree("They bought three dozen eggs.", "They bought 30 eggs."),
        vec![("three dozen".into(), "30".into(), FactKind::Number)]
    );
    assert!(disagree("Twenty-five people died.", "25 people died.").is_empty());
    assert!(disagree(
        "The deal is worth $1.2 billion.",
        "The deal is worth 1.2bn dollars."
    )
    .is_empty());
    assert!(disagree(
        "The deal is worth $1.2bn.",
        "The deal is worth $1.23 billion."
    )
    .is_empty());
    assert_eq!(
        disagree(
            "The deal is worth $1.2 billion.",
            "The deal is worth $2.1 billion."
        ),
        vec![(
            "$1.2 billion".into(),
            "$2.1 billion".into(),
            FactKind::Money
        )]
    );
    assert_eq!(
        disagree(
            "The deal is worth $1.2 billion.",
            "The deal is worth €1.2 billion."
        ),
        vec![(
            "$1.2 billion".into(),
            "€1.2 billion".into(),
            FactKind::Money
        )]
    );
    assert_eq!(
        disagree("Three people died.", "Four people died."),
        vec![("Three".into(), "Four".into(), FactKind::Number)]
    );
}

#[test]
fn dates() {
    assert!(disagree("It opened on Jan. 5.", "It opened on January 5.").is_empty());
    assert!(disagree(
        "It opened on 5 January 2020.",
        "It opened on January 5, 2020."
    )
    .is_empty());
    assert_eq!(
        disagree("It opened on Jan. 5.", "It opened on Jan. 6."),
        vec![("Jan. 5".into(), "Jan. 6".into(), FactKind::Date)]
    );
    assert_eq!(
        disagree(
            "Voters went to the polls on Tuesday.",
            "Voters went to the polls on Wednesday."
        ),
        vec![("Tuesday".into(), "Wednesday".into(), FactKind::Date)]
    );
    assert_eq!(
        disagree("The law passed in 2019.", "The law passed in 2018."),
        vec![("2019".into(), "2018".into(), FactKind::Date)]
    );
    // A weekday and a calendar date share no field: not compared.
    assert!(disagree("It opened on Tuesday.", "It opened on March 3.").is_empty());
}

#[test]
fn names_in_the_same_slot() {
    assert_eq!(
        disagree(
            "The bill was signed by Governor Andrew Cuomo on Monday.",
            "The bill was signed by Governor Kathy Hochul on Monday."
        ),
        vec![(
            "Governor Andrew Cuomo".into(),
            "Governor Kathy Hochul".into(),
            FactKind::Name
        )]
    );
    // A shorter form of the same name agrees.
    assert!(disagree(
        "John Smith resigned as chairman.",
        "Mr. Smith resigned as chairman."
    )
    .is_empty());
    // A sentence-initial function word is not a name, and names in different slots are
    // additions, not disagreements.
    assert!(disagree(
        "The minister met Angela Merkel.",
        "Emmanuel Macron said the minister met her."
    )
    .is_empty());
}

#[test]
fn issue_examples() {
    assert_eq!(
        disagree(
            "Officials said 85 percent of residents backed the plan.",
            "Officials said more than 50% of residents backed the plan."
        ),
        vec![(
            "85 percent".into(),
            "more than 50%".into(),
            FactKind::Percent
        )]
    );
    assert_eq!(
        disagree(
            "The reform reached 250 of the 400 districts.",
            "The reform reached around half of 400 districts."
        ),
        vec![(
            "250 of the 400".into(),
            "around half of 400".into(),
            FactKind::Number
        )]
    );
    assert_eq!(
        disagree(
            "Support rose to 85 percent.",
            "Support rose to more than half."
        ),
        vec![(
            "85 percent".into(),
            "more than half".into(),
            FactKind::Percent
        )]
    );
    assert!(disagree(
        "Support rose to nearly 40%.",
        "Support rose to 39 per cent."
    )
    .is_empty());
    assert!(disagree(
        "It reached 200 of the 400 districts.",
        "It reached around half of 400 districts."
    )
    .is_empty());
}

#[test]
fn untrusted_input_does_not_panic() {
    for s in [
        "",
        "$",
        "%%",
        "1,",
        "1.2.3",
        "$bn",
        "Jan.",
        "5th",
        "ü€1,234.5bn",
        "a half of",
    ] {
        let _ = extract(s);
        let _ = compare_sentences(0, s, 1, "$ 5");
    }
}

#[test]
fn months_alone_and_ambiguous_words() {
    let kinds = |s: &str| -> Vec<FactKind> { extract(s).into_iter().map(|f| f.kind).collect() };
    assert_eq!(kinds("The vote is in January."), vec![FactKind::Date]);
    assert!(kinds("Prices may rise.").is_empty());
    assert!(kinds("Protesters will March on the capital.").is_empty());
    assert_eq!(kinds("It happened on May 3."), vec![FactKind::Date]);
    // A number word standing alone is a number; "one" alone is too vague.
    assert_eq!(
        kinds("He has one plan and three ideas."),
        vec![FactKind::Number]
    );
    assert_eq!(
        extract("She earned 5m pounds in the 5th year.")
            .into_iter()
            .map(|f| f.text)
            .collect::<Vec<_>>(),
        vec!["5m pounds", "5th"]
    );
}

#[test]
fn key_terms_normalize_forms() {
    let a = key_terms("Mayor Linda Carter promised $4.2 million on Jan. 5, 2020.");
    let b = key_terms("Linda Carter pledged 4.2 million dollars on 5 January 2020.");
    for t in &b {
        assert!(a.contains(t), "{t} missing from {a:?}");
    }
    assert!(a.contains(&"carter".to_string()));
}

#[test]
fn name_variants_agree() {
    assert!(disagree(
        "Despite Obama’s reassurances, Republicans objected.",
        "Despite Obama's reassurances, Republicans objected."
    )
    .is_empty());
    assert!(disagree(
        "The 98% of Americans earning less will pay.",
        "The 98% of American families earning less will pay."
    )
    .is_empty());
    assert!(disagree(
        "The US could leave the United Nations Framework Convention on Climate Change.",
        "The US could leave the UN Framework Convention on Climate Change."
    )
    .is_empty());
    // Clock times are not numbers.
    assert!(disagree(
        "MUST WATCH Ebola screenings 02:19",
        "MUST WATCH Ebola screenings 02:11"
    )
    .is_empty());
}

#[test]
fn names_must_fill_the_same_small_slot() {
    // Whole headlines differ: the names are not replacements of each other.
    assert!(disagree(
        "JUST WATCHED Israel: Hamas rocket hit Gaza hospital Replay More Videos",
        "JUST WATCHED Voices of the Gaza conflict Replay More Videos"
    )
    .is_empty());
    assert_eq!(
        disagree(
            "The officer who shot and killed Scott was not charged.",
            "The officer who shot and killed Edwards was not charged."
        ),
        vec![("Scott".into(), "Edwards".into(), FactKind::Name)]
    );
}

#[test]
fn kickers_acronyms_and_model_numbers() {
    let names = |s: &str| -> Vec<String> {
        extract(s)
            .into_iter()
            .filter(|f| f.kind == FactKind::Name)
            .map(|f| f.text)
            .collect()
    };
    assert_eq!(
        names("JUST WATCHED Obama: Ebola threat could grow"),
        vec!["Obama"]
    );
    assert_eq!(
        names("MUST WATCH The shutdown and security"),
        Vec::<String>::new()
    );
    assert!(disagree(
        "Migrants reach the US border.",
        "Migrants reach the U.S. border."
    )
    .is_empty());
    assert!(disagree(
        "Advocates for the U.S. industry cheered.",
        "Advocates for the United States industry cheered."
    )
    .is_empty());
    assert!(disagree(
        "Gains were made by Democrats in the House.",
        "Gains were made by Dems in the House."
    )
    .is_empty());
    assert_eq!(
        disagree(
            "The DAX slid to 10,447.53 on Friday.",
            "The CAC 40 slid on Friday."
        ),
        vec![("DAX".into(), "CAC".into(), FactKind::Name)]
    );
    // A lone capitalized first word is not taken for a name (a known gap).
    assert_eq!(
        disagree(
            "Gross concluded in the 2013 report.",
            "Goss concluded in the 2013 report."
        ),
        vec![]
    );
    assert_eq!(
        disagree(
            "The report, Gross concluded, was final.",
            "The report, Goss concluded, was final."
        ),
        vec![("Gross".into(), "Goss".into(), FactKind::Name)]
    );
}

/// Words and marks the extraction treats specially, with some it must leave alone:
/// numbers in every written form, hedges, currencies, months and weekdays, titles and
/// connectors, capitals, abbreviations, clock times, and non-ASCII words whose lowercase
/// has another length or is ASCII (`İ`, the Kelvin sign `K`, `Σ`).
const VOCAB: &[&str] = &[
    "the",
    "The",
    "a",
    "A",
    "of",
    "Of",
    "and",
    "said",
    "on",
    "in",
    "to",
    "was",
    "per",
    "cent",
    "percent",
    "pct",
    "%",
    "$",
    "US$",
    "£",
    "€",
    "¥",
    "USD",
    "usd",
    "dollars",
    "euros",
    "yen",
    "pounds",
    "billion",
    "bn",
    "m",
    "mn",
    "k",
    "million",
    "thousand",
    "hundred",
    "1",
    "5",
    "12",
    "40",
    "85",
    "250",
    "400",
    "1,200",
    "10,447.53",
    "3.5",
    "1.2bn",
    "5m",
    "5th",
    "2nd",
    "2019",
    "2020",
    "1999",
    "02:19",
    "3:1",
    "one",
    "One",
    "three",
    "Three",
    "twenty-five",
    "Twenty-Five",
    "dozen",
    "decade",
    "half",
    "third",
    "quarter",
    "two-thirds",
    "more",
    "than",
    "about",
    "About",
    "nearly",
    "up",
    "at",
    "least",
    "just",
    "over",
    "under",
    "some",
    "an",
    "estimated",
    "close",
    "upwards",
    "Jan.",
    "Jan",
    "January",
    "May",
    "march",
    "March",
    "June",
    "Sept.",
    "Monday",
    "Tuesday",
    "mon",
    "Mr.",
    "Mrs",
    "Dr.",
    "Governor",
    "President",
    "St.",
    "U.S.",
    "U.N.",
    "US",
    "UN",
    "United",
    "Nations",
    "States",
    "Andrew",
    "Cuomo",
    "Kathy",
    "Hochul",
    "Smith",
    "Smith’s",
    "Obama's",
    "Americans",
    "Democrats",
    "Dems",
    "de",
    "van",
    "al",
    "Bin",
    "JUST",
    "WATCHED",
    "MUST",
    "WATCH",
    "CAC",
    "DAX",
    "Boeing",
    "737",
    "However",
    "Police",
    "Neither",
    "İstanbul",
    "İ",
    "\u{212A}elvin",
    "ΣΑΣ",
    "Ünïcode",
    "straße",
    "STRASSE",
    "東京",
    "Ⅻ",
    "Ⓐ",
    "½",
    ",",
    ".",
    ":",
    ";",
    "!",
    "?",
    "\"",
    "“",
    "”",
    "‘",
    "(",
    ")",
    "—",
    "-",
    "'",
    "’",
    "",
];

/// Hedges, currencies, figures, scales and units, to build quantities of (most
/// often meaningful) pieces in a row.
const HEDGE_PARTS: &[&str] = &[
    "",
    "",
    "more than",
    "at least",
    "just over",
    "upwards of",
    "less than",
    "fewer than",
    "just under",
    "close to",
    "up to",
    "nearly",
    "about",
    "around",
    "an estimated",
    "some",
    "Over",
    "About",
];
const CURRENCY_PARTS: &[&str] = &["", "", "", "$", "US$", "£", "€", "¥", "USD", "eur"];
const FIGURE_PARTS: &[&str] = &[
    "5",
    "40",
    "1,200",
    "3.5",
    "2019",
    "250 of the 400",
    "half of 400",
    "a third of the 90",
    "a dozen",
    "three dozen",
    "a decade",
    "twenty-five",
    "three",
    "one hundred",
    "half",
    "a third",
    "two-thirds",
    "5th",
    "10,447.53",
    "02:19",
    "1.2bn",
    "5m",
    "31",
    "Jan. 5",
    "5 January",
    "January 5, 2020",
    "Tuesday, March 3",
    "May 3",
    "March",
    "Sept. 2019",
];
const SCALE_PARTS: &[&str] = &[
    "", "", "", "million", "billion", "bn", "m", "mn", "k", "thousand",
];
const UNIT_PARTS: &[&str] = &[
    "",
    "",
    "",
    "%",
    "percent",
    "per cent",
    "pct",
    "dollars",
    "pounds",
    "euros",
    "yen",
    "of",
    "of the 300",
    "people",
];

/// One piece of text: a word or mark of [`VOCAB`], or a quantity built from the parts.
fn piece_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(VOCAB).prop_map(str::to_string),
        1 => (
            prop::sample::select(HEDGE_PARTS),
            prop::sample::select(CURRENCY_PARTS),
            prop::sample::select(FIGURE_PARTS),
            prop::sample::select(SCALE_PARTS),
            prop::sample::select(UNIT_PARTS),
            any::<bool>(),
        )
            .prop_map(|(h, c, f, sc, u, glued)| {
                let mut s = String::from(h);
                for (part, sep) in [(c, " "), (f, if glued { "" } else { " " })] {
                    if !part.is_empty() {
                        if !s.is_empty() {
                            s.push_str(sep);
                        }
                        s.push_str(part);
                    }
                }
                for part in [sc, u] {
                    if !part.is_empty() {
                        s.push_str(if glued { "" } else { " " });
                        s.push_str(part);
                    }
                }
                s
            }),
    ]
}

/// Texts built from pieces ([`piece_strategy`]) with spaces, or nothing, between them.
fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec((piece_strategy(), any::<bool>()), 0..24).prop_map(|parts| {
        let mut s = String::new();
        for (w, glued) in parts {
            if !glued && !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&w);
        }
        s
    })
}

/// Words around names, for pairs of texts that share or swap names.
const NAME_VOCAB: &[&str] = &[
    "“",
    "”",
    "’s",
    "—",
    "Ⅻ",
    "Smith’s",
    "Smith",
    "Jones",
    "Andrew",
    "Cuomo",
    "Mr.",
    "Governor",
    "United",
    "Nations",
    "UN",
    "US",
    "U.S.",
    "States",
    "Democrats",
    "Dems",
    "Americans",
    "İstanbul",
    "the",
    "The",
    "met",
    "said",
    "and",
    "of",
    "in",
    "by",
    ".",
    ",",
    "JUST",
    "WATCHED",
];

/// A text and a variant of it: each piece kept, replaced or dropped, so that the two
/// share most words (as aligned sentences do) and names and figures change in place.
fn pair_strategy() -> impl Strategy<Value = (String, String)> {
    // Few names, so that the two texts often share or swap them.
    let name_piece = || {
        prop_oneof![
            2 => prop::sample::select(NAME_VOCAB).prop_map(str::to_string),
            1 => piece_strategy(),
        ]
    };
    prop::collection::vec((name_piece(), name_piece(), 0u8..8), 0..24).prop_map(|parts| {
        let (mut a, mut b) = (String::new(), String::new());
        for (w, other, op) in parts {
            let (x, y) = match op {
                0 => (w.as_str(), other.as_str()),
                1 => (w.as_str(), ""),
                2 => ("", w.as_str()),
                _ => (w.as_str(), w.as_str()),
            };
            for (s, piece) in [(&mut a, x), (&mut b, y)] {
                if !piece.is_empty() {
                    if !s.is_empty() {
                        s.push(' ');
                    }
                    s.push_str(piece);
                }
            }
        }
        (a, b)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The extraction gives exactly what the former one ([`oracle::extract`]) gives.
    #[test]
    fn extract_matches_the_oracle(s in text_strategy()) {
        prop_assert_eq!(format!("{:?}", extract(&s)), format!("{:?}", oracle::extract(&s)));
    }

    /// The key terms are exactly those of the former code ([`oracle::key_terms_of`]).
    #[test]
    fn key_terms_match_the_oracle(s in text_strategy()) {
        let f = extract(&s);
        prop_assert_eq!(key_terms_of(&f), oracle::key_terms_of(&f));
    }

    /// The comparison gives exactly what the former one ([`oracle::compare_facts`]) gives.
    #[test]
    fn compare_facts_matches_the_oracle((a, b) in pair_strategy()) {
        let (fa, fb) = (extract(&a), extract(&b));
        prop_assert_eq!(
            compare_facts(1, &a, &fa, 2, &b, &fb),
            oracle::compare_facts(1, &a, &fa, 2, &b, &fb)
        );
    }
}

#[test]
fn non_ascii_words_are_lowercased_whole() {
    // "İ" lowercases to two chars, the Kelvin sign to an ASCII "k", a final sigma to "ς".
    for s in [
        "İstanbul Mayor Ekrem İmamoğlu met \u{212A}elvin Smith on Jan. 5.",
        "ΣΑΣ said the ÜNÏCODE Group paid €5m.",
    ] {
        assert_eq!(
            format!("{:?}", extract(s)),
            format!("{:?}", oracle::extract(s))
        );
    }
    let (a, b) = (
        "Officials of İstanbul met Smith.",
        "Officials of istanbul met Jones.",
    );
    let (fa, fb) = (extract(a), extract(b));
    assert_eq!(
        compare_facts(0, a, &fa, 0, b, &fb),
        oracle::compare_facts(0, a, &fa, 0, b, &fb)
    );
}

/// `FACTS_ORACLE_CORPUS=FILE.jsonl cargo test --release -p storyfold -- --ignored
/// corpus_matches_the_oracle`: every sentence of a corpus extracts (and gives its key
/// terms) as with the oracle, and every pair of neighbouring sentences of an article
/// compares as with it.
#[test]
#[ignore = "needs a corpus: FACTS_ORACLE_CORPUS=FILE.jsonl"]
fn corpus_matches_the_oracle() {
    use crate::align::PreparedDoc;
    use crate::ingest::{Input, ReadOptions, Reader};
    let Some(path) = std::env::var_os("FACTS_ORACLE_CORPUS") else {
        return;
    };
    let input = Input::from_arg(&path.to_string_lossy());
    let (mut sentences, mut pairs) = (0usize, 0usize);
    for article in Reader::open(vec![input], ReadOptions::default()).flatten() {
        let doc = PreparedDoc::new(&article.text);
        let mut prev: Option<(&str, Vec<Fact>)> = None;
        for s in &doc.sentences {
            let f = extract(&s.text);
            assert_eq!(
                format!("{f:?}"),
                format!("{:?}", oracle::extract(&s.text)),
                "{}",
                s.text
            );
            assert_eq!(key_terms_of(&f), oracle::key_terms_of(&f), "{}", s.text);
            sentences += 1;
            if let Some((p, fp)) = &prev {
                assert_eq!(
                    compare_facts(0, p, fp, 1, &s.text, &f),
                    oracle::compare_facts(0, p, fp, 1, &s.text, &f),
                    "{p} / {}",
                    s.text
                );
                pairs += 1;
            }
            prev = Some((&s.text, f));
        }
    }
    eprintln!("{sentences} sentences, {pairs} pairs as with the oracle");
}
