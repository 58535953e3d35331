//! Text pieces for the web page: a sentence cut into plain and highlighted pieces (the values
//! of a disagreement), and the word-level difference of two edited sentences (with the
//! `similar` crate). The page escapes every piece when it renders it.

use similar::{ChangeTag, TextDiff};

/// A piece of text, highlighted or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The text.
    pub text: String,
    /// Whether it is highlighted (a disagreeing value, an edited word).
    pub hot: bool,
}

fn piece(text: &str, hot: bool) -> Piece {
    Piece {
        text: text.to_string(),
        hot,
    }
}

/// `text` cut so that the first occurrence of each of `values` is highlighted (values not
/// found, or overlapping one already marked, are left alone).
pub fn marked(text: &str, values: &[&str]) -> Vec<Piece> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for v in values.iter().filter(|v| !v.is_empty()) {
        if let Some(s) = text.find(v) {
            let r = (s, s + v.len());
            if ranges.iter().all(|&(a, b)| r.1 <= a || b <= r.0) {
                ranges.push(r);
            }
        }
    }
    ranges.sort_unstable();
    let mut out = Vec::new();
    let mut pos = 0;
    for (s, e) in ranges {
        if s > pos {
            out.push(piece(&text[pos..s], false));
        }
        out.push(piece(&text[s..e], true));
        pos = e;
    }
    if pos < text.len() || out.is_empty() {
        out.push(piece(&text[pos..], false));
    }
    out
}

/// The two sides of an edited sentence pair: A with the words B dropped or changed
/// highlighted, B with the words it added or changed highlighted.
pub fn word_diff(a: &str, b: &str) -> (Vec<Piece>, Vec<Piece>) {
    let diff = TextDiff::from_words(a, b);
    let (mut left, mut right) = (Vec::<Piece>::new(), Vec::<Piece>::new());
    let push = |side: &mut Vec<Piece>, text: &str, hot: bool| {
        // Merge equal neighbours; whitespace alone is never highlighted.
        let hot = hot && !text.trim().is_empty();
        match side.last_mut() {
            Some(last) if last.hot == hot => last.text.push_str(text),
            _ => side.push(piece(text, hot)),
        }
    };
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut left, text, false);
                push(&mut right, text, false);
            }
            ChangeTag::Delete => push(&mut left, text, true),
            ChangeTag::Insert => push(&mut right, text, true),
        }
    }
    (join_runs(left), join_runs(right))
}

/// Join two highlighted pieces separated only by whitespace, so that a changed phrase is one
/// highlight.
fn join_runs(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    let mut it = pieces.into_iter().peekable();
    while let Some(p) = it.next() {
        let gap = !p.hot && p.text.trim().is_empty();
        let joins = gap && out.last().is_some_and(|l| l.hot) && it.peek().is_some_and(|n| n.hot);
        if joins {
            let next = it.next().expect("peeked");
            let last = out.last_mut().expect("checked");
            last.text.push_str(&p.text);
            last.text.push_str(&next.text);
        } else {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hot(p: &[Piece]) -> Vec<&str> {
        p.iter()
            .filter(|p| p.hot)
            .map(|p| p.text.as_str())
            .collect()
    }

    fn whole(p: &[Piece]) -> String {
        p.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn marked_highlights_each_value_once_and_keeps_the_text() {
        let t = "The council voted 6-3 to raise rates by 14 percent.";
        let p = marked(t, &["14 percent", "6-3", "absent"]);
        assert_eq!(whole(&p), t);
        assert_eq!(hot(&p), vec!["6-3", "14 percent"]);
        let none = marked(t, &[]);
        assert_eq!(whole(&none), t);
        assert!(hot(&none).is_empty());
        assert_eq!(whole(&marked("", &["x"])), "");
    }

    #[test]
    fn word_diff_marks_changed_words_on_each_side() {
        let (a, b) = word_diff(
            "About 400 jobs will be cut by March.",
            "Nearly 600 jobs will be cut by March.",
        );
        assert_eq!(whole(&a), "About 400 jobs will be cut by March.");
        assert_eq!(whole(&b), "Nearly 600 jobs will be cut by March.");
        assert_eq!(hot(&a), vec!["About 400"]);
        assert_eq!(hot(&b), vec!["Nearly 600"]);
    }
}
