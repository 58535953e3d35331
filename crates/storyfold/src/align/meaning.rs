//! The meaning pass: disagreeing figures of independent reports that state one fact in other
//! words, found by the contextual sentence encoder.
//!
//! Two reports of one event rarely share a sentence: "Brightline Robotics will shed nearly 600
//! positions" and "said it would cut about 400 jobs" neither align nor share wording, so the
//! aligner's first two fact passes never compare them, and quantity frames
//! ([`super::frames`]) judge them by a few words around the figures only. The encoder
//! ([`Encoder`], all-MiniLM-L6-v2) reads the whole sentence: the two above have a sentence
//! cosine of 0.74, "will add about 9 dollars to a typical monthly bill" / "will pay roughly 7
//! dollars more per month" 0.49, while two sentences of the same story about different things
//! are mostly below 0.3.
//!
//! **Rule** (`via: meaning`), for `same_story` pairs when the aligner has sentence vectors
//! ([`super::alignment::Aligner::with_meaning`]): a sentence of A and one of B that are not
//! aligned to each other, each with a figure (number, percentage, proportion or money amount,
//! as a quantity [`Frame`](super::frames::Frame)) that agrees with no figure of its kind
//! anywhere in the other article; their sentence cosine is at least [`MEANING_MIN`]; they are
//! not about different dates ([`super::frames::dates_differ`]); the two figures can count the
//! same thing ([`super::frames::FrameMatch::of`]: same kind, same unit for measures, same total
//! for proportions, not part of a tally) and their values disagree. Candidates are taken by
//! sentence cosine, best first (a shared head word breaks ties), each figure once.
//!
//! [`SentenceVectors`] encodes only the sentences the rule needs (those with an open figure),
//! in one batch per article pair, and keeps each sentence's vector by the hash of its text, so
//! a sentence met again in another pair is not encoded twice.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use xxhash_rust::xxh3::xxh3_64;

use super::similarity::Encoder;

/// Sentence cosine (of the encoder's unit-length sentence embeddings) at or above which two
/// unaligned sentences with figures are taken to state the same fact.
pub const MEANING_MIN: f64 = 0.45;

/// Cosine of the two head words' contextual vectors at or above which two differently worded
/// heads count the same thing (`positions` / `jobs` 0.43, `workers` / `people` 0.48; `jobs` /
/// `people familiar with the plan` 0.23).
pub const HEAD_MIN: f64 = 0.4;

/// Whether two figures of sentences with cosine `cos` state the same fact: the sentences are
/// close enough ([`MEANING_MIN`]) and the heads are the same word (`lexical`) or have a
/// contextual cosine `head` of at least [`HEAD_MIN`].
pub fn same_fact(cos: f64, lexical: bool, head: f64) -> bool {
    cos >= MEANING_MIN && (lexical || head >= HEAD_MIN)
}

/// Most sentence vectors kept; the cache is emptied when full (about 1.5 kB a sentence).
pub const CACHE_MAX: usize = 200_000;

/// The encoder's view of one sentence, as the meaning pass keeps it: the sentence embedding and
/// the contextual vectors of the few words it asked for (the figures' head words and the words
/// before them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SentenceVector {
    /// Unit-length sentence embedding.
    pub sentence: Vec<f32>,
    /// Unit-length contextual vectors of the wanted words found in the sentence (lowercase; the
    /// first occurrence of each).
    pub words: Vec<(String, Vec<f32>)>,
}

impl SentenceVector {
    /// The contextual vector of a lowercase word, when it was wanted and found.
    pub fn word(&self, w: &str) -> Option<&[f32]> {
        self.words
            .iter()
            .find(|(x, _)| x == w)
            .map(|(_, v)| v.as_slice())
    }
}

/// Sentence embeddings by sentence text, computed on demand (see the [module docs](self)).
pub struct SentenceVectors {
    encoder: Encoder,
    cache: Mutex<HashMap<u64, Arc<SentenceVector>>>,
    encoded: AtomicUsize,
    failed: AtomicUsize,
}

impl std::fmt::Debug for SentenceVectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentenceVectors")
            .field("encoded", &self.encoded())
            .field("failed", &self.failed())
            .finish_non_exhaustive()
    }
}

impl SentenceVectors {
    /// Sentence vectors from this encoder.
    pub fn new(encoder: Encoder) -> Self {
        SentenceVectors {
            encoder,
            cache: Mutex::new(HashMap::new()),
            encoded: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
        }
    }

    /// The encoder.
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// The encoding of each text with the contextual vectors of its wanted words, in order;
    /// `None` for a text the encoder failed on (counted by [`SentenceVectors::failed`]) or that
    /// has no token. A text's wanted words must be the same every time it is asked for (they
    /// are kept with it).
    pub fn vectors(&self, texts: &[(&str, Vec<&str>)]) -> Vec<Option<Arc<SentenceVector>>> {
        let keys: Vec<u64> = texts.iter().map(|(t, _)| xxh3_64(t.as_bytes())).collect();
        let mut out: Vec<Option<Arc<SentenceVector>>> = vec![None; texts.len()];
        let mut missing: Vec<usize> = Vec::new();
        {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            for (i, k) in keys.iter().enumerate() {
                match cache.get(k) {
                    Some(v) => out[i] = Some(v.clone()),
                    None if !missing.iter().any(|&j| keys[j] == *k) => missing.push(i),
                    None => {}
                }
            }
        }
        if missing.is_empty() {
            return out;
        }
        let batch: Vec<&str> = missing.iter().map(|&i| texts[i].0).collect();
        let Ok(encodings) = self.encoder.encode(&batch) else {
            self.failed.fetch_add(batch.len(), Ordering::Relaxed);
            return out;
        };
        self.encoded.fetch_add(batch.len(), Ordering::Relaxed);
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() + missing.len() > CACHE_MAX {
            cache.clear();
        }
        for (&i, e) in missing.iter().zip(encodings) {
            if e.sentence.is_empty() {
                continue;
            }
            let mut words: Vec<(String, Vec<f32>)> = Vec::new();
            for w in &texts[i].1 {
                if words.iter().any(|(x, _)| x == w) {
                    continue;
                }
                if let Some(at) = e.words.iter().position(|x| x == w) {
                    words.push((w.to_string(), e.word(at).to_vec()));
                }
            }
            let v = SentenceVector {
                sentence: e.sentence,
                words,
            };
            cache.insert(keys[i], Arc::new(v));
        }
        // Fill every slot, repeated texts included.
        for (i, k) in keys.iter().enumerate() {
            if out[i].is_none() {
                out[i] = cache.get(k).cloned();
            }
        }
        out
    }

    /// Sentences encoded so far (cache misses).
    pub fn encoded(&self) -> usize {
        self.encoded.load(Ordering::Relaxed)
    }

    /// Sentences the encoder failed on so far (their figures were not compared by meaning).
    pub fn failed(&self) -> usize {
        self.failed.load(Ordering::Relaxed)
    }
}
