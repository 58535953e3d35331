//! The shared English lexicon: stemming, stopwords, month and weekday names, number words and
//! name connectors, used by the aligner ([`crate::align`]) and by story clustering
//! ([`crate::story`]) alike. Every function takes a lowercase word unless it says otherwise.
//!
//! Where the two users want different rules, the lexicon offers each variant by name instead
//! of one compromise, so that neither changes:
//!
//! * **Stems.** The aligner cuts a word to its first few characters ([`prefix_stem`]: 5 in its
//!   content overlaps, `shipment` → `shipm`); story clustering removes a plural ending
//!   ([`plural_stem`]: `earthquakes` → `earthquake`, `cities` → `citie`).
//! * **Stopwords.** The aligner down-weights 69 function words ([`is_stopword`]); story
//!   clustering leaves out a broader list ([`is_broad_stopword`]: those and 111 more, such as
//!   pronouns, auxiliaries, sentence openers, the number words `one` to `ten` and news verbs
//!   such as `told`).
//! * **Months.** Fact extraction reads any three-letter abbreviation and `sept`, with or
//!   without trailing periods ([`month_of`]); story dates read only full names and the forms of
//!   [`MONTH_ABBREVIATIONS`] as written ([`month_of_listed`]: `mar` alone is a verb, `jun`
//!   and `jul` are not taken).

/// Month names, January first.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Month abbreviations as story dates accept them ([`month_of_listed`]), with their month
/// (1-12). `mar` and `sep` count only with their period.
pub const MONTH_ABBREVIATIONS: &[(&str, u32)] = &[
    ("jan", 1),
    ("jan.", 1),
    ("feb", 2),
    ("feb.", 2),
    ("mar.", 3),
    ("apr", 4),
    ("apr.", 4),
    ("aug", 8),
    ("aug.", 8),
    ("sept", 9),
    ("sept.", 9),
    ("sep.", 9),
    ("oct", 10),
    ("oct.", 10),
    ("nov", 11),
    ("nov.", 11),
    ("dec", 12),
    ("dec.", 12),
];

/// Lowercase words joining the capitalized words of one name (`Bank of England`, `Ludwig van
/// Beethoven`).
pub const NAME_CONNECTORS: &[&str] = &["of", "de", "van", "von", "al", "bin", "la", "del", "da"];

/// The first `chars` characters of `w` (all of it when shorter): the aligner's stem.
pub fn prefix_stem(w: &str, chars: usize) -> &str {
    let end = w.char_indices().nth(chars).map_or(w.len(), |(i, _)| i);
    &w[..end]
}

/// `w` without a plural ending, for ASCII words of more than 3 bytes: `-ies` → `-ie` (the
/// `-y` would need an allocation; `-ie` is close enough and stays a slice), a final `-s`
/// dropped unless the word ends in `ss`, `us` or `is`. Story clustering's stem.
pub fn plural_stem(w: &str) -> &str {
    if w.len() > 3 && w.is_ascii() {
        if let Some(s) = w.strip_suffix("ies") {
            return &w[..s.len() + 2];
        }
        if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
            return &w[..w.len() - 1];
        }
    }
    w
}

/// Whether `w` is one of 69 common English function words (`the`, `would`, `said`): the
/// aligner's stopwords.
pub fn is_stopword(w: &str) -> bool {
    // A `match` compiles to a switch on the length and a few byte compares: this is called
    // for every token the aligner looks at.
    matches!(
        w,
        "a" | "about"
            | "after"
            | "all"
            | "also"
            | "an"
            | "and"
            | "any"
            | "are"
            | "as"
            | "at"
            | "be"
            | "been"
            | "before"
            | "but"
            | "by"
            | "can"
            | "could"
            | "did"
            | "do"
            | "for"
            | "from"
            | "had"
            | "has"
            | "have"
            | "he"
            | "her"
            | "his"
            | "i"
            | "if"
            | "in"
            | "into"
            | "is"
            | "it"
            | "its"
            | "more"
            | "not"
            | "of"
            | "on"
            | "one"
            | "or"
            | "our"
            | "out"
            | "over"
            | "said"
            | "says"
            | "she"
            | "so"
            | "than"
            | "that"
            | "the"
            | "their"
            | "them"
            | "there"
            | "they"
            | "this"
            | "to"
            | "up"
            | "was"
            | "we"
            | "were"
            | "what"
            | "when"
            | "which"
            | "who"
            | "will"
            | "with"
            | "would"
            | "you"
    )
}

/// The words of [`is_broad_stopword`] besides those of [`is_stopword`].
pub const MORE_STOPWORDS: &[&str] = &[
    "above",
    "again",
    "against",
    "am",
    "because",
    "being",
    "below",
    "between",
    "both",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "even",
    "few",
    "further",
    "having",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "how",
    "however",
    "itself",
    "just",
    "me",
    "meanwhile",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "now",
    "off",
    "once",
    "only",
    "other",
    "ours",
    "ourselves",
    "own",
    "same",
    "should",
    "some",
    "such",
    "theirs",
    "themselves",
    "then",
    "these",
    "those",
    "though",
    "through",
    "too",
    "under",
    "until",
    "upon",
    "very",
    "where",
    "while",
    "whom",
    "why",
    "yet",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "according",
    "another",
    "already",
    "although",
    "since",
    "still",
    "many",
    "much",
    "may",
    "might",
    "must",
    "new",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "first",
    "last",
    "year",
    "years",
    "told",
    "say",
    "like",
    "get",
    "got",
    "make",
    "made",
    "well",
    "back",
    "way",
    "going",
    "around",
    "s",
    "t",
    "re",
    "ve",
    "ll",
    "d",
    "m",
];

/// Whether `w` is a stopword of story clustering: one of [`is_stopword`] or of
/// [`MORE_STOPWORDS`] (180 words: function words, pronouns, auxiliaries, sentence openers,
/// small number words, common news verbs and the pieces of split contractions).
pub fn is_broad_stopword(w: &str) -> bool {
    static MORE: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    // No stopword is longer than 10 bytes: longer words skip the lookup.
    w.len() <= 10
        && (is_stopword(w)
            || MORE
                .get_or_init(|| MORE_STOPWORDS.iter().copied().collect())
                .contains(w))
}

/// The month (1-12) `w` names: a full name, or an abbreviation of three letters or `sept`,
/// trailing periods ignored (`jan`, `jan.`, `sept.`). Fact extraction's rule.
pub fn month_of(w: &str) -> Option<u32> {
    let w = w.trim_end_matches('.');
    for (i, m) in MONTHS.iter().enumerate() {
        if w == *m || (w.len() >= 3 && m.starts_with(w) && (w.len() == 3 || w == "sept")) {
            return Some(i as u32 + 1);
        }
    }
    None
}

/// The month (1-12) `w` names as story dates read it: a full name or one of
/// [`MONTH_ABBREVIATIONS`], exactly as written there.
pub fn month_of_listed(w: &str) -> Option<u32> {
    // Month names are 3 to 9 bytes and start with one of `adfjmnos`: other words skip the scan.
    if !(3..=9).contains(&w.len())
        || !matches!(
            w.as_bytes()[0],
            b'a' | b'd' | b'f' | b'j' | b'm' | b'n' | b'o' | b's'
        )
    {
        return None;
    }
    (MONTHS
        .iter()
        .zip(1..)
        .find(|(m, _)| **m == w)
        .map(|(_, i)| i))
    .or_else(|| {
        MONTH_ABBREVIATIONS
            .iter()
            .find(|(k, _)| *k == w)
            .map(|(_, i)| *i)
    })
}

/// The weekday (0 = Monday ... 6 = Sunday) `w` names: a full name or its first three
/// letters, trailing periods ignored (`mon`, `tue.`).
pub fn weekday_of(w: &str) -> Option<u32> {
    let w = w.trim_end_matches('.');
    WEEKDAYS
        .iter()
        .position(|d| w == *d || (w.len() == 3 && d.starts_with(w)))
        .map(|i| i as u32)
}

/// Whether the first character of `w` (as written) is upper case.
pub fn is_capitalized(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// Value of a number word below a hundred without a hyphen (`zero` ... `nineteen`, `twenty`,
/// `thirty`, ..., `ninety`).
fn unit_word(w: &str) -> Option<f64> {
    Some(match w {
        "zero" => 0.0,
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    })
}

/// Value of a number word (`three`, `twenty-five`, `dozen`), if `w` is one.
pub fn number_word(w: &str) -> Option<f64> {
    // Number words have 3 ("one") to 13 ("seventy-seven") bytes, compounds at least 9
    // ("forty-one"): the length rules out most words before any comparison.
    if !(3..=13).contains(&w.len()) {
        return None;
    }
    if w == "dozen" {
        return Some(12.0);
    }
    if let Some(v) = unit_word(w) {
        return Some(v);
    }
    if w.len() < 9 {
        return None;
    }
    let (tens, unit) = w.split_once('-')?;
    let t = unit_word(tens)?;
    let u = unit_word(unit)?;
    (t >= 20.0 && t % 10.0 == 0.0 && (1.0..10.0).contains(&u)).then_some(t + u)
}

/// Value of a fraction word (`half`, `third`, `two-thirds`), if `w` is one.
pub fn fraction_word(w: &str) -> Option<f64> {
    Some(match w {
        "half" => 0.5,
        "third" => 1.0 / 3.0,
        "quarter" => 0.25,
        "two-thirds" => 2.0 / 3.0,
        "three-quarters" => 0.75,
        "one-third" => 1.0 / 3.0,
        "one-quarter" => 0.25,
        "one-half" => 0.5,
        _ => return None,
    })
}

/// Factor of a scale word (`hundred`, `thousand`/`k`, `million`/`m`/`mn`, `billion`/`bn`,
/// `trillion`/`tn`, ...), if `w` is one.
pub fn scale_word(w: &str) -> Option<f64> {
    Some(match w {
        "hundred" => 1e2,
        "thousand" | "k" => 1e3,
        "million" | "millions" | "m" | "mn" | "mln" => 1e6,
        "billion" | "billions" | "bn" | "b" | "bln" => 1e9,
        "trillion" | "trillions" | "tn" | "trn" => 1e12,
        _ => return None,
    })
}

/// Whether `w` is a number word, a fraction word or a scale word.
pub fn is_number_word(w: &str) -> bool {
    number_word(w).is_some() || fraction_word(w).is_some() || scale_word(w).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(prefix_stem("shipment", 5), "shipm");
        assert_eq!(prefix_stem("jobs", 5), "jobs");
        assert_eq!(prefix_stem("öffentlich", 3), "öff");
        assert_eq!(prefix_stem("", 5), "");
        assert_eq!(plural_stem("earthquakes"), "earthquake");
        assert_eq!(plural_stem("cities"), "citie");
        assert_eq!(plural_stem("bus"), "bus");
        assert_eq!(plural_stem("glass"), "glass");
        assert_eq!(plural_stem("virus"), "virus");
        assert_eq!(plural_stem("crisis"), "crisis");
    }

    #[test]
    fn stopwords() {
        assert!(is_stopword("the"));
        assert!(is_stopword("would"));
        assert!(is_stopword("a"));
        assert!(!is_stopword("minister"));
        assert!(!is_stopword("The"));
        assert!(!is_stopword(""));
        // The broad list holds the short one and more.
        assert!(is_broad_stopword("the") && is_broad_stopword("themselves"));
        assert!(is_broad_stopword("told") && !is_stopword("told"));
        assert!(!is_broad_stopword("minister") && !is_broad_stopword(""));
        for w in MORE_STOPWORDS {
            assert!(!is_stopword(w), "{w} is listed twice");
            assert!(w.len() <= 10, "{w} is longer than the lookup allows");
        }
    }

    #[test]
    fn months_and_weekdays() {
        assert_eq!(month_of("jan."), Some(1));
        assert_eq!(month_of("sept"), Some(9));
        assert_eq!(month_of("mar"), Some(3));
        assert_eq!(month_of("janu"), None);
        assert_eq!(month_of_listed("mar"), None);
        assert_eq!(month_of_listed("mar."), Some(3));
        assert_eq!(month_of_listed("jun"), None);
        assert_eq!(month_of_listed("june"), Some(6));
        assert_eq!(month_of_listed("sept."), Some(9));
        // Every listed abbreviation is one fact extraction reads too.
        for (w, m) in MONTH_ABBREVIATIONS {
            assert_eq!(month_of(w), Some(*m), "{w}");
        }
        assert_eq!(weekday_of("tue."), Some(1));
        assert_eq!(weekday_of("sunday"), Some(6));
        assert_eq!(weekday_of("sun"), Some(6));
        assert_eq!(weekday_of("tues"), None);
    }

    #[test]
    fn number_words_of_every_length() {
        assert_eq!(number_word("one"), Some(1.0));
        assert_eq!(number_word("seventeen"), Some(17.0));
        assert_eq!(number_word("forty-one"), Some(41.0));
        assert_eq!(number_word("seventy-seven"), Some(77.0));
        assert_eq!(number_word("dozen"), Some(12.0));
        assert_eq!(number_word("ten-one"), None);
        assert_eq!(number_word("on"), None);
        assert!(is_number_word("half") && is_number_word("bn") && !is_number_word("none"));
    }
}
