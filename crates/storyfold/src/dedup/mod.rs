//! Near-duplicate detection: candidate retrieval with LSH, verification, and grouping.
//!
//! A [`Deduper`] receives documents one at a time (in input order) together with their
//! [`Fingerprint`]. For each document it
//!
//! 1. looks up the exact hash of its normalized text: a document whose normalized text was
//!    already seen is linked to that first occurrence (relation `exact`) and not indexed again;
//! 2. otherwise queries the [`LshIndex`] for candidates sharing at least one band of the MinHash
//!    signature, verifies every candidate (estimated Jaccard from the full signatures, or exact
//!    Jaccard of the shingle sets when [`DedupConfig::exact`] is set) and keeps the candidates at or
//!    above [`DedupConfig::threshold`] as verified pairs;
//! 3. inserts the document into the index.
//!
//! [`Deduper::groups`] then folds verified pairs into groups (see [`group`] for the guard
//! against transitive over-merging and the choice of representative).

pub mod brute;
pub mod group;

use std::collections::HashMap;

use crate::fingerprint::{estimate_jaccard, exact_jaccard, Fingerprint, FingerprintConfig};
use crate::index::lsh::{LshIndex, LshParams};

pub use brute::{vs_exact, SampleDoc, VsExactReport};
pub use group::{Group, Member};

/// Settings of a dedup run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DedupConfig {
    /// Jaccard similarity at or above which two documents are near-duplicates.
    pub threshold: f64,
    /// Shingling and MinHash settings.
    pub fingerprint: FingerprintConfig,
    /// Verify candidates with the exact Jaccard of shingle sets (needs
    /// `fingerprint.shingle_set`) instead of the signature estimate.
    pub exact: bool,
    /// LSH banding; `None` derives it from the threshold ([`LshParams::for_threshold`]).
    pub lsh: Option<LshParams>,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            threshold: 0.8,
            fingerprint: FingerprintConfig::default(),
            exact: false,
            lsh: None,
        }
    }
}

impl DedupConfig {
    /// The LSH parameters this configuration uses.
    pub fn lsh_params(&self) -> LshParams {
        self.lsh
            .unwrap_or_else(|| LshParams::for_threshold(self.threshold, self.fingerprint.num_perm))
    }
}

/// How two documents of a pair or group relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Same text after normalization and boilerplate removal.
    Exact,
    /// Jaccard similarity of shingle sets at or above the threshold.
    NearDuplicate,
}

/// A verified pair of documents (internal ids, `a` was added after `b`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Pair {
    /// The later document.
    pub a: u32,
    /// The earlier document it matched.
    pub b: u32,
    /// Jaccard estimated from the MinHash signatures.
    pub estimated: f64,
    /// Exact Jaccard of the shingle sets, when computed.
    pub exact: Option<f64>,
    /// `exact` when the normalized texts are identical.
    pub relation: Relation,
}

/// What the deduper keeps per document.
#[derive(Clone, Debug)]
pub struct DocInfo {
    /// The document's id as given in the input.
    pub id: String,
    /// Position in the input (see [`crate::ingest::Article::seq`]).
    pub seq: u64,
    /// Publication time as Unix seconds, if known.
    pub published: Option<i64>,
    /// Slot of the first document with the same normalized text (itself when first).
    canonical: u32,
    /// Row of this document's signature (and shingle set) in the stores; only canonical
    /// documents have one.
    slot: u32,
}

/// Running totals, for summaries.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct DedupStats {
    /// Documents added.
    pub documents: u64,
    /// Documents linked to an earlier one by exact hash.
    pub exact_links: u64,
    /// Candidate pairs returned by the LSH index (before verification).
    pub candidates: u64,
    /// Candidate pairs that passed verification.
    pub verified: u64,
}

/// Incremental near-duplicate detector. See the module documentation.
pub struct Deduper {
    config: DedupConfig,
    params: LshParams,
    index: LshIndex,
    docs: Vec<DocInfo>,
    /// Signatures of canonical documents, `num_perm` values each, contiguous.
    signatures: Vec<u32>,
    /// Shingle sets of canonical documents (exact mode only).
    shingles: Vec<Vec<u64>>,
    /// slot -> internal doc id of the canonical document.
    slot_doc: Vec<u32>,
    by_exact: HashMap<u64, u32>,
    pairs: Vec<Pair>,
    stats: DedupStats,
    scratch: Vec<u32>,
}

impl Deduper {
    /// A new, empty deduper.
    pub fn new(config: DedupConfig) -> Self {
        let params = config.lsh_params();
        Deduper {
            index: LshIndex::new(params),
            params,
            config,
            docs: Vec::new(),
            signatures: Vec::new(),
            shingles: Vec::new(),
            slot_doc: Vec::new(),
            by_exact: HashMap::new(),
            pairs: Vec::new(),
            stats: DedupStats::default(),
            scratch: Vec::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    /// The LSH banding in use.
    pub fn lsh_params(&self) -> LshParams {
        self.params
    }

    /// Add one document; returns its internal id (0, 1, 2, ... in the order of calls).
    pub fn add(
        &mut self,
        id: String,
        seq: u64,
        published: Option<i64>,
        fingerprint: Fingerprint,
    ) -> u32 {
        let doc = self.docs.len() as u32;
        self.stats.documents += 1;
        if let Some(&first) = self.by_exact.get(&fingerprint.exact) {
            let canonical = self.docs[first as usize].canonical;
            let slot = self.docs[first as usize].slot;
            self.docs.push(DocInfo {
                id,
                seq,
                published,
                canonical,
                slot,
            });
            self.stats.exact_links += 1;
            self.pairs.push(Pair {
                a: doc,
                b: first,
                estimated: 1.0,
                exact: self.config.exact.then_some(1.0),
                relation: Relation::Exact,
            });
            return doc;
        }
        self.by_exact.insert(fingerprint.exact, doc);
        let slot = self.slot_doc.len() as u32;
        self.slot_doc.push(doc);
        self.docs.push(DocInfo {
            id,
            seq,
            published,
            canonical: doc,
            slot,
        });
        let sig = fingerprint.minhash;
        self.signatures.extend_from_slice(&sig);
        if self.config.exact {
            self.shingles.push(fingerprint.shingles.unwrap_or_default());
        }
        if fingerprint.n_shingles == 0 {
            // No shingles (no word tokens): only the exact hash can match it.
            return doc;
        }

        let mut candidates = std::mem::take(&mut self.scratch);
        candidates.clear();
        self.index.query_into(&sig, &mut candidates);
        self.stats.candidates += candidates.len() as u64;
        for &other in &candidates {
            let (estimated, exact) = self.similarity_slots(slot, self.docs[other as usize].slot);
            if exact.unwrap_or(estimated) >= self.config.threshold {
                self.stats.verified += 1;
                self.pairs.push(Pair {
                    a: doc,
                    b: other,
                    estimated,
                    exact,
                    relation: Relation::NearDuplicate,
                });
            }
        }
        self.scratch = candidates;
        self.index.insert(doc, &sig);
        doc
    }

    fn signature(&self, slot: u32) -> &[u32] {
        let k = self.config.fingerprint.num_perm;
        &self.signatures[slot as usize * k..(slot as usize + 1) * k]
    }

    /// Estimated and (in exact mode) exact Jaccard of two canonical slots.
    fn similarity_slots(&self, a: u32, b: u32) -> (f64, Option<f64>) {
        if a == b {
            return (1.0, self.config.exact.then_some(1.0));
        }
        let estimated = estimate_jaccard(self.signature(a), self.signature(b));
        let exact = self
            .config
            .exact
            .then(|| exact_jaccard(&self.shingles[a as usize], &self.shingles[b as usize]));
        (estimated, exact)
    }

    /// Similarity of two documents as used for decisions: exact Jaccard in exact mode,
    /// otherwise the signature estimate; 1.0 for documents with the same normalized text.
    pub fn similarity(&self, a: u32, b: u32) -> f64 {
        let (sa, sb) = (self.docs[a as usize].slot, self.docs[b as usize].slot);
        let (estimated, exact) = self.similarity_slots(sa, sb);
        exact.unwrap_or(estimated)
    }

    /// Whether two documents have the same normalized text.
    pub fn same_text(&self, a: u32, b: u32) -> bool {
        self.docs[a as usize].canonical == self.docs[b as usize].canonical
    }

    /// Information about a document.
    pub fn doc(&self, doc: u32) -> &DocInfo {
        &self.docs[doc as usize]
    }

    /// Number of documents added.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no document was added.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Verified pairs, in the order they were found.
    pub fn pairs(&self) -> &[Pair] {
        &self.pairs
    }

    /// Running totals.
    pub fn stats(&self) -> DedupStats {
        self.stats
    }

    /// Fold the verified pairs into groups (see [`group::build_groups`]).
    pub fn groups(&self) -> Vec<Group> {
        group::build_groups(self)
    }
}
