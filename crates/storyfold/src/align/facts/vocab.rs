//! The words fact extraction recognizes besides those of the shared lexicon
//! ([`crate::text::lexicon`]): currencies, hedges, titles and capitalized sentence starters.
//! Public so that other tools and the test oracle read the same words.

/// ISO code of a currency word or code written after or before a figure (`dollars`,
/// `pounds`, `eur`), if `w` (lowercase) is one.
pub fn currency_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "dollar" | "dollars" | "usd" => "USD",
        "pound" | "pounds" | "sterling" | "gbp" => "GBP",
        "euro" | "euros" | "eur" => "EUR",
        "yen" | "jpy" => "JPY",
        "yuan" | "renminbi" | "cny" => "CNY",
        "rupee" | "rupees" | "inr" => "INR",
        _ => return None,
    })
}

/// ISO code of a currency sign (`$`, `£`, `€`, `¥`).
pub fn currency_sym(c: char) -> Option<&'static str> {
    Some(match c {
        '$' => "USD",
        '£' => "GBP",
        '€' => "EUR",
        '¥' => "JPY",
        _ => return None,
    })
}

/// How a hedge word turns a figure `v` into a range (see the [module docs](super)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hedge {
    /// `about`, `around`, `some`: `[0.9v, 1.1v]`.
    About,
    /// `nearly`, `up to`, `close to`: `[0.9v, v]`.
    Nearly,
    /// `more than`, `over`, `at least`: `[v, 1.2v]`.
    MoreThan,
    /// `less than`, `under`, `below`: `[0.8v, v]`.
    LessThan,
}

impl Hedge {
    /// The range of a figure `v` under this hedge.
    pub fn range(self, v: f64) -> (f64, f64) {
        match self {
            Hedge::About => (0.9 * v, 1.1 * v),
            Hedge::Nearly => (0.9 * v, v),
            Hedge::MoreThan => (v, 1.2 * v),
            Hedge::LessThan => (0.8 * v, v),
        }
    }
}

/// Hedge phrases (lowercase word sequences).
pub const HEDGES: &[(&[&str], Hedge)] = &[
    (&["more", "than"], Hedge::MoreThan),
    (&["at", "least"], Hedge::MoreThan),
    (&["just", "over"], Hedge::MoreThan),
    (&["upwards", "of"], Hedge::MoreThan),
    (&["over"], Hedge::MoreThan),
    (&["above"], Hedge::MoreThan),
    (&["less", "than"], Hedge::LessThan),
    (&["fewer", "than"], Hedge::LessThan),
    (&["under"], Hedge::LessThan),
    (&["below"], Hedge::LessThan),
    (&["just", "under"], Hedge::Nearly),
    (&["close", "to"], Hedge::Nearly),
    (&["up", "to"], Hedge::Nearly),
    (&["nearly"], Hedge::Nearly),
    (&["almost"], Hedge::Nearly),
    (&["about"], Hedge::About),
    (&["around"], Hedge::About),
    (&["roughly"], Hedge::About),
    (&["approximately"], Hedge::About),
    (&["an", "estimated"], Hedge::About),
    (&["some"], Hedge::About),
];

/// Titles left out of a name's words (`Mr.`, `Governor` ...: `Governor Andrew Cuomo` is
/// `andrew cuomo`).
pub const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sir",
    "gen",
    "sen",
    "rep",
    "gov",
    "president",
    "minister",
    "judge",
    "lord",
    "lady",
    "king",
    "queen",
    "pope",
    "st",
];

/// Capitalized sentence starters that are not names.
pub const COMMON_STARTERS: &[&str] = &[
    "however",
    "meanwhile",
    "while",
    "although",
    "officials",
    "police",
    "according",
    "yet",
    "still",
    "now",
    "then",
    "last",
    "next",
    "later",
    "earlier",
    "many",
    "most",
    "some",
    "several",
    "both",
    "each",
    "every",
    "no",
    "these",
    "those",
    "such",
    "since",
    "because",
    "during",
    "under",
    "despite",
    "instead",
    "thus",
    "why",
    "how",
    "where",
    "once",
    "among",
    "until",
    "neither",
    "nor",
    "though",
    "critics",
    "supporters",
    "experts",
    "analysts",
    "residents",
    "authorities",
    "sources",
    "witnesses",
    "doctors",
    "patients",
];
