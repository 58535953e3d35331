//! Boilerplate removal: drops the "Read more", "Share this article", "Advertisement",
//! newsletter, social-media and copyright lines that scrapers leave around article bodies, so
//! that two copies of a story differing only in their page furniture compare as equal.
//!
//! [`strip_boilerplate`] works line by line (lines end at `\n`; a trailing `\r` is ignored):
//!
//! * Each line is [normalized](super::normalize()) (NFKC, quote/dash/whitespace folding, case
//!   folding), a leading `(c)` is read as `©`, and decoration around it is trimmed
//!   (bullets, arrows, brackets, quotes, dashes, `*`, `|`, `:`, `.`, `!`, `…` and the like).
//!   The result is compared with [`BOILERPLATE_PATTERNS`].
//! * Lines longer than [`BOILERPLATE_MAX_LINE_CHARS`] characters (after normalization) are never
//!   boilerplate. Phrases that can open a real sentence ("read more", "see also", "also read")
//!   match only as a whole line or followed by a colon (`Read more: ...`), so a closing sentence
//!   such as "Read more about the plan online, officials said." survives, and so does any
//!   sentence that merely contains "read more".
//! * **Trailing** boilerplate lines (and blank lines among them) are removed from the end of the
//!   text, and **leading** ones from its start, with every pattern kind.
//! * In the **middle** of the text only lines that consist *entirely* of a boilerplate phrase
//!   ([`BoilerplateMatch::Line`], e.g. a lone "Advertisement" or "Read more") are removed;
//!   prefix and suffix patterns are not applied there.
//!
//! The text is returned borrowed when nothing is removed, or when only leading/trailing lines
//! are removed (a sub-slice), and as a new string when a middle line is removed (the remaining
//! lines keep their original bytes and line endings).

use std::borrow::Cow;

use super::normalize::normalize;

/// Lines with more characters than this (after normalization) are never treated as
/// boilerplate.
pub const BOILERPLATE_MAX_LINE_CHARS: usize = 160;

/// Middle lines longer than this (in bytes) are not even normalized: no whole-line pattern,
/// even decorated, is that long.
const MIDDLE_LINE_MAX_BYTES: usize = 256;

/// How a [`BoilerplatePattern`] is compared with a normalized, decoration-trimmed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoilerplateMatch {
    /// The whole line equals the pattern. Applied anywhere in the text.
    Line,
    /// The line starts with the pattern, followed by the end of the line or a character that is
    /// not a letter or digit (`click here` matches `click here to subscribe` but not
    /// `click hereafter`). In
    /// the pattern, `#` stands for any ASCII digit. Applied to leading and trailing lines only.
    Prefix,
    /// The line ends with the pattern, preceded by the start of the line or a character that is
    /// not a letter or digit. Applied to leading and trailing lines only.
    Suffix,
}

/// One boilerplate phrase (already normalized: lowercase, ASCII quotes and dashes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoilerplatePattern {
    /// The normalized phrase.
    pub text: &'static str,
    /// How the phrase is matched.
    pub kind: BoilerplateMatch,
}

const fn line(text: &'static str) -> BoilerplatePattern {
    BoilerplatePattern {
        text,
        kind: BoilerplateMatch::Line,
    }
}

const fn prefix(text: &'static str) -> BoilerplatePattern {
    BoilerplatePattern {
        text,
        kind: BoilerplateMatch::Prefix,
    }
}

const fn suffix(text: &'static str) -> BoilerplatePattern {
    BoilerplatePattern {
        text,
        kind: BoilerplateMatch::Suffix,
    }
}

/// The boilerplate phrases recognized by [`strip_boilerplate`] (case-insensitive, because lines
/// are normalized before matching).
pub const BOILERPLATE_PATTERNS: &[BoilerplatePattern] = &[
    // Lone page-furniture lines, removed anywhere.
    line("advertisement"),
    line("advertisements"),
    line("advert"),
    line("ad"),
    line("sponsored"),
    line("sponsored content"),
    line("paid content"),
    line("skip advertisement"),
    line("story continues below"),
    line("story continues below advertisement"),
    line("article continues below"),
    line("article continues below advertisement"),
    line("continue reading"),
    line("continue reading below"),
    line("keep reading"),
    line("read more"),
    line("read more below"),
    line("scroll to continue"),
    line("scroll to continue with content"),
    line("source link"),
    line("share"),
    line("share this"),
    line("share this article"),
    line("share this story"),
    line("share on facebook"),
    line("share on twitter"),
    line("tweet"),
    line("email"),
    line("print"),
    line("related"),
    line("related articles"),
    line("related stories"),
    line("related content"),
    line("related coverage"),
    line("recommended"),
    line("recommended stories"),
    line("listen to this article"),
    // Leading/trailing prompts and credits.
    // (Phrases that can open a real sentence only match with a colon: "read more:".)
    prefix("read more:"),
    prefix("read more at"),
    prefix("read the full story"),
    prefix("read the full article"),
    prefix("read the original"),
    prefix("continue reading"),
    prefix("also read:"),
    prefix("read also:"),
    prefix("see also:"),
    prefix("related:"),
    prefix("source link"),
    prefix("share this"),
    prefix("share on"),
    prefix("subscribe to"),
    prefix("subscribe now"),
    prefix("sign up for"),
    prefix("sign up to"),
    prefix("click here"),
    prefix("tap here"),
    prefix("follow us"),
    prefix("like us on facebook"),
    prefix("join us on"),
    prefix("download our app"),
    prefix("download the app"),
    prefix("this article was originally published"),
    prefix("this article originally appeared"),
    prefix("this story was originally published"),
    prefix("this story originally appeared"),
    prefix("originally published"),
    prefix("reporting by"),
    prefix("additional reporting by"),
    prefix("editing by"),
    prefix("writing by"),
    // Copyright lines (`(c)` is read as `©`).
    prefix("©"),
    prefix("copyright ©"),
    prefix("copyright ####"),
    prefix("all rights reserved"),
    suffix("all rights reserved"),
];

/// Characters trimmed from both ends of a normalized line before matching.
fn is_decoration(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '*'
                | '•'
                | '·'
                | '>'
                | '<'
                | '|'
                | '['
                | ']'
                | '('
                | ')'
                | '{'
                | '}'
                | '#'
                | ':'
                | '='
                | '_'
                | '~'
                | '+'
                | '.'
                | '!'
                | '"'
                | '\''
                | '/'
                | '\\'
                | '▶'
                | '►'
                | '▸'
                | '→'
                | '↑'
                | '›'
                | '»'
        )
}

/// Length in bytes of `pat` matched at the start of `key` (`#` matches one ASCII digit).
fn match_prefix(key: &str, pat: &str) -> Option<usize> {
    let mut k = key.char_indices();
    for p in pat.chars() {
        let (_, c) = k.next()?;
        let ok = if p == '#' { c.is_ascii_digit() } else { c == p };
        if !ok {
            return None;
        }
    }
    Some(k.next().map_or(key.len(), |(i, _)| i))
}

fn pattern_matches(key: &str, p: &BoilerplatePattern) -> bool {
    match p.kind {
        BoilerplateMatch::Line => key == p.text,
        BoilerplateMatch::Prefix => match match_prefix(key, p.text) {
            None => false,
            Some(len) => {
                let needs_boundary = p
                    .text
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == '#');
                !needs_boundary || !key[len..].starts_with(char::is_alphanumeric)
            }
        },
        BoilerplateMatch::Suffix => key
            .strip_suffix(p.text)
            .is_some_and(|before| !before.ends_with(char::is_alphanumeric)),
    }
}

/// Classify one line: `None` when it is not boilerplate, `Some(Line)` when a whole-line pattern
/// matches, otherwise the kind of the (prefix/suffix) pattern that matched.
fn classify(line: &str) -> Option<BoilerplateMatch> {
    let trimmed = line.trim();
    // Cheap pre-check: a char is at most 4 bytes, and normalization rarely grows text.
    if trimmed.is_empty() || trimmed.len() > 4 * BOILERPLATE_MAX_LINE_CHARS {
        return None;
    }
    let mut n = normalize(trimmed);
    if n.chars().count() > BOILERPLATE_MAX_LINE_CHARS {
        return None;
    }
    if n.contains("(c)") {
        n = n.replace("(c)", "©");
    }
    let key = n.trim_matches(is_decoration);
    if key.is_empty() {
        return None;
    }
    let mut found = None;
    for p in BOILERPLATE_PATTERNS {
        if pattern_matches(key, p) {
            if p.kind == BoilerplateMatch::Line {
                return Some(BoilerplateMatch::Line);
            }
            found = Some(p.kind);
        }
    }
    found
}

/// Length of the longest whole-line ([`BoilerplateMatch::Line`]) pattern, in bytes.
const MAX_LINE_PATTERN_LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < BOILERPLATE_PATTERNS.len() {
        let p = &BOILERPLATE_PATTERNS[i];
        if matches!(p.kind, BoilerplateMatch::Line) && p.text.len() > max {
            max = p.text.len();
        }
        i += 1;
    }
    max
};

/// `classify(line) == Some(BoilerplateMatch::Line)`, with a cheap exact pre-check for the
/// common case of an ordinary line of text.
///
/// Whole-line patterns are lowercase ASCII letters and spaces (a test checks it). Every ASCII
/// letter or digit of `line` survives normalization as one character that is not decoration:
/// as itself (lowercased), as part of a composed non-ASCII letter (`e` + U+0301 → `é`), or
/// inside a `©` that replaced `(c)`. The last two make a match impossible, so a line that
/// matches has at most [`MAX_LINE_PATTERN_LEN`] ASCII letters and digits; lines with more are
/// rejected without being normalized.
fn is_lone_boilerplate(line: &str) -> bool {
    let mut alnum = 0usize;
    for &b in line.as_bytes() {
        alnum += usize::from(b.is_ascii_alphanumeric());
        if alnum > MAX_LINE_PATTERN_LEN {
            return false;
        }
    }
    classify(line) == Some(BoilerplateMatch::Line)
}

/// Markers of page furniture inside a sentence (ASCII lowercase): photo and video captions,
/// credits and gallery counters that scrapers leave in article bodies ([`is_page_furniture`]).
pub const FURNITURE_MARKERS: &[&str] = &[
    "hide caption",
    "toggle caption",
    "image caption",
    "image copyright",
    "media caption",
    "media playback",
    "just watched",
    "must watch",
    "replay more videos",
    "story highlights",
    "(photo:",
    "(photo by",
    "photo credit",
    "file photo",
    "ap photo",
    "getty images",
    "/reuters",
    "reuters/",
    "photos:",
    "enlarge this image",
    "slideshow (",
    "read or share this story",
    "http://",
    "https://",
    "www.",
];

/// Whether a sentence is page furniture: it holds a [`FURNITURE_MARKERS`] marker (a caption,
/// a photo or video credit, a gallery counter such as `Hide Caption 3 of 22` or `Slideshow (7
/// Images)`, a share line or a web address, whose digits are no facts), or opens with
/// the video-player label `CLOSE`. Its figures, dates and names are those of a picture or a
/// player, not of the story: the aligner reports no disagreement on it.
///
/// ```
/// use storyfold::text::is_page_furniture;
/// assert!(is_page_furniture("Photos: The storm Hide Caption 16 of 16"));
/// assert!(is_page_furniture("The mayor speaks on Monday. (Photo: Jane Doe, Getty Images)"));
/// assert!(!is_page_furniture("The photo was taken on Monday, police said."));
/// ```
pub fn is_page_furniture(sentence: &str) -> bool {
    if sentence.trim_start().starts_with("CLOSE ") {
        return true;
    }
    // A comment or post time stamp on its own: "7 years ago".
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if let [n, unit, "ago"] = words.as_slice() {
        if n.chars().all(|c| c.is_ascii_digit())
            && matches!(
                unit.trim_end_matches('s'),
                "year" | "month" | "week" | "day" | "hour" | "minute"
            )
        {
            return true;
        }
    }
    let lower = sentence.to_ascii_lowercase();
    FURNITURE_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(lower.as_bytes(), m.as_bytes()).is_some())
}

/// Is `line` a boilerplate line, by any pattern kind (see the [module docs](self))?
pub fn is_boilerplate_line(line: &str) -> bool {
    classify(line).is_some()
}

/// Remove boilerplate lines from `s`: trailing and leading ones by any pattern, lone
/// boilerplate lines ([`BoilerplateMatch::Line`]) anywhere; see the [module docs](self).
/// Returns `s` borrowed when nothing is removed.
///
/// ```
/// use storyfold::text::strip_boilerplate;
/// let s = "Advertisement\nThe council voted.\nRead more about it online, officials said.\n\nShare this article\n© 2021 Example News";
/// assert_eq!(strip_boilerplate(s), "The council voted.\nRead more about it online, officials said.");
/// ```
pub fn strip_boilerplate(s: &str) -> Cow<'_, str> {
    // Lines are the pieces of `s.split_inclusive('\n')`, found with memchr without collecting
    // them: the leading block is scanned forward, the trailing block backward, then the
    // middle forward.
    let bytes = s.as_bytes();
    // Leading block: blank or boilerplate lines before the first kept line.
    let mut pos = 0;
    let mut removed_leading = false;
    let first = loop {
        if pos == bytes.len() {
            return if removed_leading {
                Cow::Borrowed("")
            } else {
                Cow::Borrowed(s)
            };
        }
        let line = line_at(bytes, pos);
        let content = &s[line.0..line.1];
        if content.trim().is_empty() {
        } else if classify(content).is_some() {
            removed_leading = true;
        } else {
            break line;
        }
        pos = line.2;
    };
    // Trailing block, down to (not including) the first kept line.
    let mut end_pos = bytes.len();
    let mut removed_trailing = false;
    let mut last = first;
    while end_pos > first.2 {
        let line = line_before(bytes, end_pos);
        if s[line.0..line.1].trim().is_empty() {
        } else if classify(&s[line.0..line.1]).is_some() {
            removed_trailing = true;
        } else {
            last = line;
            break;
        }
        end_pos = line.0;
    }
    let start = if removed_leading { first.0 } else { 0 };
    let end = if removed_trailing { last.1 } else { s.len() };
    // Middle: lone boilerplate lines strictly between the first and last kept lines.
    let mut out: Option<String> = None;
    let mut cursor = start;
    let mut pos = first.2;
    while pos < last.0 {
        let (a, b, full_end) = line_at(bytes, pos);
        // Whole-line patterns are short: skip the normalization for long lines.
        if b - a <= MIDDLE_LINE_MAX_BYTES && is_lone_boilerplate(&s[a..b]) {
            let o = out.get_or_insert_with(|| String::with_capacity(end - start));
            o.push_str(&s[cursor..a]);
            cursor = full_end;
        }
        pos = full_end;
    }
    match out {
        None => Cow::Borrowed(&s[start..end]),
        Some(mut o) => {
            o.push_str(&s[cursor..end]);
            Cow::Owned(o)
        }
    }
}

/// The line (piece of `split_inclusive('\n')`) starting at `pos < bytes.len()`: its start, the
/// end of its content (without `\n` and a `\r` before it) and its end (after the `\n`).
#[inline]
fn line_at(bytes: &[u8], pos: usize) -> (usize, usize, usize) {
    match memchr::memchr(b'\n', &bytes[pos..]) {
        Some(i) => {
            let nl = pos + i;
            let content_end = if nl > pos && bytes[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            };
            (pos, content_end, nl + 1)
        }
        None => {
            let end = bytes.len();
            let content_end = if end > pos && bytes[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            (pos, content_end, end)
        }
    }
}

/// The line that ends (after its `\n`, or at the end of the text) at `end > 0`.
#[inline]
fn line_before(bytes: &[u8], end: usize) -> (usize, usize, usize) {
    let start = memchr::memrchr(b'\n', &bytes[..end - 1]).map_or(0, |p| p + 1);
    line_at(bytes, start)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The straightforward implementation (all lines collected first) the memchr scan must match.
    fn reference_strip(s: &str) -> Cow<'_, str> {
        // (start, content end without line terminator, end including terminator)
        let mut lines: Vec<(usize, usize, usize)> = Vec::new();
        let mut pos = 0;
        for piece in s.split_inclusive('\n') {
            let full_end = pos + piece.len();
            let content = piece.strip_suffix('\n').unwrap_or(piece);
            let content = content.strip_suffix('\r').unwrap_or(content);
            lines.push((pos, pos + content.len(), full_end));
            pos = full_end;
        }
        let is_blank = |l: &(usize, usize, usize)| s[l.0..l.1].trim().is_empty();

        // Leading block: blank or boilerplate lines before the first kept line.
        let mut first = 0;
        let mut removed_leading = false;
        while first < lines.len() {
            let l = lines[first];
            if is_blank(&l) {
                first += 1;
            } else if classify(&s[l.0..l.1]).is_some() {
                removed_leading = true;
                first += 1;
            } else {
                break;
            }
        }
        if first == lines.len() {
            return if removed_leading {
                Cow::Borrowed("")
            } else {
                Cow::Borrowed(s)
            };
        }
        // Trailing block.
        let mut last = lines.len();
        let mut removed_trailing = false;
        while last > first {
            let l = lines[last - 1];
            if is_blank(&l) {
                last -= 1;
            } else if classify(&s[l.0..l.1]).is_some() {
                removed_trailing = true;
                last -= 1;
            } else {
                break;
            }
        }
        let start = if removed_leading { lines[first].0 } else { 0 };
        let end = if removed_trailing {
            lines[last - 1].1
        } else {
            s.len()
        };
        // Middle: lone boilerplate lines strictly between the first and last kept lines.
        let middle: Vec<usize> = (first + 1..last.saturating_sub(1))
            .filter(|&i| {
                let (a, b, _) = lines[i];
                // Whole-line patterns are short: skip the normalization for long lines.
                b - a <= MIDDLE_LINE_MAX_BYTES && classify(&s[a..b]) == Some(BoilerplateMatch::Line)
            })
            .collect();
        if middle.is_empty() {
            return Cow::Borrowed(&s[start..end]);
        }
        let mut out = String::with_capacity(end - start);
        let mut cursor = start;
        for i in middle {
            let (a, _, full_end) = lines[i];
            out.push_str(&s[cursor..a]);
            cursor = full_end;
        }
        out.push_str(&s[cursor..end]);
        Cow::Owned(out)
    }

    #[test]
    fn line_patterns_are_lowercase_ascii_words() {
        // `is_lone_boilerplate` relies on it.
        for p in BOILERPLATE_PATTERNS {
            if p.kind == BoilerplateMatch::Line {
                assert!(
                    p.text.bytes().all(|b| b.is_ascii_lowercase() || b == b' '),
                    "{p:?}"
                );
            }
        }
        assert_eq!(
            MAX_LINE_PATTERN_LEN,
            "article continues below advertisement".len()
        );
    }

    proptest::proptest! {
        #[test]
        fn strip_matches_reference(
            lines in proptest::collection::vec(proptest::sample::select(vec![
                "", " ", "\r", "Advertisement", "  * Advertisement *", "Read more", "Read more: the plan",
                "Share this article", "© 2021 Example News", "Reporting by Jane Doe",
                "The council voted on Tuesday.", "“We’re going,” she said.", "x", "Related",
                "Source link\r", "All rights reserved", "Click here to subscribe",
            ]), 0..12),
            newline_end in proptest::bool::ANY,
            crlf in proptest::bool::ANY,
        ) {
            let sep = if crlf { "\r\n" } else { "\n" };
            let mut text = lines.join(sep);
            if newline_end {
                text.push_str(sep);
            }
            proptest::prop_assert_eq!(strip_boilerplate(&text), reference_strip(&text));
        }

        #[test]
        fn lone_boilerplate_pre_check_is_exact(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "Advertisement", "ADVERTISEMENT", "story continues below advertisement",
                "Read more", "share", "(c)", "(C)", "©", " ", "  ", "\t", "*", "•", "—", ">>",
                "“", "”", "e\u{301}", "\u{301}", "Ａｄ", "ﬁ", "ß", "x", "1", "the council voted",
                "Continue reading below", "abcdefghijklmnopqrstuvwxyz0123456789",
            ]), 0..8),
        ) {
            let line: String = parts.concat();
            proptest::prop_assert_eq!(
                is_lone_boilerplate(&line),
                classify(&line) == Some(BoilerplateMatch::Line),
                "line {:?}", line
            );
        }
    }

    #[test]
    fn nothing_removed_is_borrowed_unchanged() {
        let s = "First paragraph.\n\nSecond paragraph.\n";
        let out = strip_boilerplate(s);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(out, s);
        assert_eq!(strip_boilerplate(""), "");
        assert_eq!(strip_boilerplate("\n\n"), "\n\n");
    }

    #[test]
    fn trailing_boilerplate_removed() {
        let s = "The mayor resigned on Monday.\nShe cited health reasons.\n\nSource link\nRead more: Mayor's full statement\nShare this article\nSubscribe to our newsletter for daily updates\nClick here to get the app\nFollow us on Twitter\nAdvertisement\nRelated: Council meets\n© 2021 Example News Ltd. All rights reserved.\n";
        let out = strip_boilerplate(s);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(
            out,
            "The mayor resigned on Monday.\nShe cited health reasons."
        );
    }

    #[test]
    fn copyright_variants() {
        for l in [
            "© 2021 Reuters",
            "(c) 2019 The Times",
            "Copyright 2020 The Associated Press. All rights reserved.",
            "Copyright © Example Media",
            "Example Media Group. All Rights Reserved.",
            "ALL RIGHTS RESERVED",
        ] {
            assert!(is_boilerplate_line(l), "{l:?}");
        }
        assert!(!is_boilerplate_line("Copyright law was changed in 2020."));
        assert!(!is_boilerplate_line("Copyrights matter"));
    }

    #[test]
    fn real_sentences_with_read_more_are_kept() {
        let s = "Officials urged residents to read more about the evacuation plan online.\nRead more about the plan on the city website, officials said.\nRead more than one report before deciding, experts say, because the first account is often incomplete and the facts tend to shift over the first days of any fast-moving news event like this one.";
        assert!(matches!(strip_boilerplate(s), Cow::Borrowed(x) if x == s));
        assert!(!is_boilerplate_line("Read moreover the fine print."));
        assert!(!is_boilerplate_line(
            "Advertisement spending rose 5% this year."
        ));
    }

    #[test]
    fn leading_boilerplate_removed() {
        let s = "Advertisement\n\nShare on Facebook\n  The storm hit at dawn.\nIt was strong.";
        assert_eq!(
            strip_boilerplate(s),
            "  The storm hit at dawn.\nIt was strong."
        );
    }

    #[test]
    fn middle_lone_lines_removed_prefixes_kept() {
        let s = "Para one.\nADVERTISEMENT\n— Story continues below advertisement —\nRead more: other story\nPara two.\r\n[Read more]\r\nPara three.";
        let out = strip_boilerplate(s);
        assert!(matches!(out, Cow::Owned(_)));
        assert_eq!(
            out,
            "Para one.\nRead more: other story\nPara two.\r\nPara three."
        );
    }

    #[test]
    fn all_boilerplate_gives_empty() {
        assert_eq!(strip_boilerplate("Advertisement\nRead more\n"), "");
    }

    #[test]
    fn long_lines_are_never_boilerplate() {
        let long = format!("Read more {}", "word ".repeat(40));
        assert!(!is_boilerplate_line(&long));
        let s = format!("Body.\n{long}");
        assert_eq!(strip_boilerplate(&s), s.as_str());
    }

    #[test]
    fn decorations_and_case_are_ignored() {
        for l in [
            "  » READ MORE «  ",
            "*** Advertisement ***",
            "(Reporting by Jane Doe; Editing by John Roe)",
            "• Follow us on Instagram",
            "Read more…",
            "[Advertisement]",
        ] {
            assert!(is_boilerplate_line(l), "{l:?}");
        }
    }
}
