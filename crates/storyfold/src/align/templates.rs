//! Outlet templates: sentences an outlet repeats across many of its own articles (newsletter
//! sign-ups, donation appeals, licensing notes, photo-gallery captions), learnt from the corpus.
//!
//! The built-in boilerplate list ([`crate::text::strip_boilerplate`]) knows common footers;
//! every outlet also has its own. Two articles of one outlet that share such a block are not
//! rewrites of each other, yet the block would align verbatim and count as derived text.
//!
//! [`TemplateCounter`] counts, for each source, in how many of its articles each normalized
//! sentence occurs (once per article). A sentence found in at least [`TEMPLATE_MIN_DOCS`] (5)
//! articles of one source is a template *of that source*; [`OutletTemplates::stripped`] gives
//! that source's articles without it, the view to align (copying is still judged on the whole
//! texts: [`super::alignment::Alignment::with_whole_texts`]). The rule is per source on purpose: a
//! wire story republished by many outlets repeats its sentences across sources, which is the
//! reuse storyfold must find, not boilerplate. Articles without a source are never stripped.

use std::collections::{HashMap, HashSet};

use xxhash_rust::xxh3::xxh3_64;

use super::PreparedDoc;

/// Articles of one source a sentence must occur in to be one of its templates.
pub const TEMPLATE_MIN_DOCS: u32 = 5;

/// Key of a sentence of a source: hashes of the source name and of the normalized sentence.
type Key = (u64, u64);

fn key(source: &str, norm: &str) -> Key {
    (xxh3_64(source.as_bytes()), xxh3_64(norm.as_bytes()))
}

/// Per-source document frequency of sentences (see the [module docs](self)).
#[derive(Debug, Default)]
pub struct TemplateCounter {
    counts: HashMap<Key, u32>,
}

impl TemplateCounter {
    /// An empty counter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Count the distinct sentences of one article of `source` (nothing without a source).
    pub fn add(&mut self, source: Option<&str>, doc: &PreparedDoc) {
        let Some(source) = source.filter(|s| !s.trim().is_empty()) else {
            return;
        };
        let distinct: HashSet<Key> = doc.sentences.iter().map(|s| key(source, &s.norm)).collect();
        for k in distinct {
            *self.counts.entry(k).or_insert(0) += 1;
        }
    }

    /// Add the counts of another counter (for counting in parallel).
    pub fn merge(&mut self, other: TemplateCounter) {
        for (k, n) in other.counts {
            *self.counts.entry(k).or_insert(0) += n;
        }
    }

    /// The templates: sentences found in at least `min_docs` articles of one source.
    pub fn finish(self, min_docs: u32) -> OutletTemplates {
        OutletTemplates {
            set: self
                .counts
                .into_iter()
                .filter(|&(_, n)| n >= min_docs)
                .map(|(k, _)| k)
                .collect(),
        }
    }
}

/// The template sentences of each source of a corpus.
#[derive(Debug, Default, Clone)]
pub struct OutletTemplates {
    set: HashSet<Key>,
}

impl OutletTemplates {
    /// Number of (source, sentence) templates.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Whether the normalized sentence `norm` is a template of `source`.
    pub fn is_template(&self, source: &str, norm: &str) -> bool {
        self.set.contains(&key(source, norm))
    }

    /// The article without the templates of `source`, or `None` when it has none of them
    /// (then the article itself is the view to align). The text is kept: the remaining
    /// sentence spans still point into it.
    pub fn stripped(&self, source: Option<&str>, doc: &PreparedDoc) -> Option<PreparedDoc> {
        let source = source.filter(|s| !s.trim().is_empty())?;
        if self.set.is_empty()
            || !doc
                .sentences
                .iter()
                .any(|s| self.is_template(source, &s.norm))
        {
            return None;
        }
        Some(PreparedDoc {
            text: doc.text.clone(),
            sentences: doc
                .sentences
                .iter()
                .filter(|s| !self.is_template(source, &s.norm))
                .cloned()
                .collect(),
            truncated: doc.truncated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(story: &str) -> PreparedDoc {
        PreparedDoc::new(&format!(
            "{story}\nSign up for our daily newsletter to get the news you need.\n\
             Your support keeps our reporting free for everyone."
        ))
    }

    #[test]
    fn an_outlets_repeated_sentences_are_stripped_from_its_articles_only() {
        let stories: Vec<String> = (0..6)
            .map(|i| {
                format!("The council met on day {i} to discuss item number {i} of the budget.")
            })
            .collect();
        let mut counter = TemplateCounter::new();
        let docs: Vec<PreparedDoc> = stories.iter().map(|s| article(s)).collect();
        for d in &docs[..3] {
            counter.add(Some("Daily Planet"), d);
        }
        let mut other = TemplateCounter::new();
        for d in &docs[3..] {
            other.add(Some("Daily Planet"), d);
        }
        counter.merge(other);
        // The same footer in four articles of another outlet stays below the threshold.
        for d in &docs[..4] {
            counter.add(Some("Evening Star"), d);
        }
        // Articles without a source are not counted.
        for d in &docs {
            counter.add(None, d);
        }
        let templates = counter.finish(TEMPLATE_MIN_DOCS);
        assert_eq!(
            templates.len(),
            2,
            "the two footer sentences of the Daily Planet"
        );

        let d = article("A new story about the harbour.");
        let view = templates
            .stripped(Some("Daily Planet"), &d)
            .expect("templates found");
        assert_eq!(view.sentences.len(), 1);
        assert_eq!(view.sentences[0].text, "A new story about the harbour.");
        assert!(templates.stripped(Some("Evening Star"), &d).is_none());
        assert!(templates.stripped(None, &d).is_none());
    }
}
