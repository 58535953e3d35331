//! Parsing of publication dates.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};

/// Parse a publication date.
///
/// Accepted forms (surrounding whitespace is ignored):
/// * RFC 3339, e.g. `2021-07-17T10:30:00+02:00` or `2021-07-17 10:30:00Z`;
/// * `YYYY-MM-DD`, taken as midnight UTC;
/// * `YYYY-MM-DDTHH:MM:SS` and `YYYY-MM-DD HH:MM:SS` (optionally with fractional
///   seconds) without an offset, taken as UTC;
/// * RFC 2822, e.g. `Sat, 17 Jul 2021 10:30:00 +0200` (common in RSS feeds).
///
/// An empty string is `Ok(None)`. Anything else, including impossible dates such as
/// `2021-02-30` or month 13, and years outside 0000 to 9999 (`-021-07-17`, which RFC 3339
/// cannot write), is an error message.
pub fn parse_date(s: &str) -> Result<Option<DateTime<FixedOffset>>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let d = parse_any(s)?;
    if !(0..=9999).contains(&chrono::Datelike::year(&d)) {
        return Err(format!("{s:?}: the year is outside 0000 to 9999"));
    }
    Ok(Some(d))
}

/// The date of a non-empty string in any accepted form.
fn parse_any(s: &str) -> Result<DateTime<FixedOffset>, String> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d);
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if s.len() == 10 {
            return Ok(utc(d.and_time(chrono::NaiveTime::MIN)));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(utc(d));
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Ok(d);
    }
    Err(format!(
        "cannot parse {s:?} as a date (expected RFC 3339 or YYYY-MM-DD)"
    ))
}

fn utc(d: NaiveDateTime) -> DateTime<FixedOffset> {
    DateTime::<Utc>::from_naive_utc_and_offset(d, Utc).fixed_offset()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse_date(s)
            .expect("valid date")
            .expect("non-empty date")
            .to_rfc3339()
    }

    #[test]
    fn accepted_forms() {
        assert_eq!(p("2021-07-17"), "2021-07-17T00:00:00+00:00");
        assert_eq!(
            p(" 2021-07-17T10:30:00+02:00 "),
            "2021-07-17T10:30:00+02:00"
        );
        assert_eq!(p("2021-07-17T10:30:00Z"), "2021-07-17T10:30:00+00:00");
        assert_eq!(p("2021-07-17T10:30:00"), "2021-07-17T10:30:00+00:00");
        assert_eq!(p("2021-07-17 10:30:00"), "2021-07-17T10:30:00+00:00");
        assert_eq!(p("2021-07-17 10:30:00.5"), "2021-07-17T10:30:00.500+00:00");
        assert_eq!(
            p("Sat, 17 Jul 2021 10:30:00 +0200"),
            "2021-07-17T10:30:00+02:00"
        );
    }

    #[test]
    fn empty_is_none() {
        assert_eq!(parse_date("  "), Ok(None));
    }

    #[test]
    fn impossible_and_garbage_dates_are_errors() {
        for bad in [
            "2021-02-30",
            "2021-13-01",
            "2021-07-17T25:00:00",
            "yesterday",
            "2021-7-1x",
            "17/07/2021",
            // Found by the parse_date fuzz target: year -21, which RFC 3339 cannot print.
            "-021-07-17",
            "+12345-07-17T00:00:00",
        ] {
            assert!(parse_date(bad).is_err(), "{bad} should be rejected");
        }
    }
}
