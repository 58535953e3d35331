//! Tests of fact extraction, comparison and key terms through the module's functions (the
//! property tests against the former code are in `tests/facts_oracle/`).

use super::*;

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

#[test]
fn figures_that_are_no_counts() {
    assert!(not_a_count(
        "Chiquita, Fyffes Agree to Deal -- 3rd Update",
        "3rd"
    ));
    assert!(not_a_count("She left shortly after 6 p.m. that day.", "6"));
    assert!(not_a_count(
        "The hearing begins at 10 a.m. (1500 GMT).",
        "1500"
    ));
    assert!(not_a_count(
        "Game of Thrones Season 4: Trailer #3 - Secrets",
        "3"
    ));
    assert!(not_a_count("Apple releases iOS 7.1 update", "7.1"));
    // Counts and amounts stay.
    assert!(!not_a_count("The attack killed 41 people.", "41"));
    assert!(!not_a_count("Apple sold 7 million phones.", "7 million"));
    assert!(!not_a_count("The value is absent here.", "12"));
}

#[test]
fn headline_case_and_one_entity() {
    assert!(headline_case("U.S. Stocks Decline as Oil Prices Slide"));
    assert!(!headline_case(
        "U.S. stocks declined on Tuesday as oil prices slid."
    ));
    assert!(!headline_case("Obama spoke."));
    let set = |s: &str| -> std::collections::HashSet<String> {
        s.split(' ').map(str::to_lowercase).collect()
    };
    let none = set("");
    assert!(same_entity("ISIL", "Islamic State", &none, &none));
    assert!(same_entity("UN", "United Nations", &none, &none));
    assert!(!same_entity("UK", "United States", &none, &none));
    // Each article also writes the other's name.
    assert!(same_entity(
        "Clinton",
        "Hillary",
        &set("hillary clinton said"),
        &set("clinton and hillary")
    ));
    assert!(!same_entity(
        "Osei",
        "Marsh",
        &set("councilman osei"),
        &set("councilman marsh")
    ));
}

#[test]
fn money_in_two_currencies_is_not_compared() {
    let d = compare_sentences(
        0,
        "Colorado collects $2m in marijuana taxes.",
        0,
        "Colorado collects £1.2m in marijuana taxes.",
    );
    assert!(d.iter().all(|d| d.kind != FactKind::Money), "{d:?}");
    let d = compare_sentences(
        0,
        "Colorado collects $2m in marijuana taxes.",
        0,
        "Colorado collects $3.5m in marijuana taxes.",
    );
    assert!(d.iter().any(|d| d.kind == FactKind::Money), "{d:?}");
}
