//! Duplicate groups from verified pairs, guarded against transitive over-merging.
//!
//! Verified pairs link documents; connected components of those links are candidate groups.
//! Links alone can chain documents that are not duplicates of each other (A~B and B~C through
//! shared boilerplate while A and C differ), so every component is split until **each member is
//! within the threshold of its group's representative**:
//!
//! 1. order the component's documents by publication time (documents without a date come after
//!    all dated ones), ties broken by input order;
//! 2. the first remaining document becomes a representative; every remaining document whose
//!    similarity to it is at or above the threshold joins its group;
//! 3. repeat with the documents left until none remain. A representative left alone is a
//!    singleton and not reported.
//!
//! So the representative is the earliest published document of its group (input order breaks
//! ties and orders undated documents), and groups are returned in the input order of their
//! representatives.

use std::cmp::Ordering;

use super::{Deduper, Relation};

/// A group of near-duplicate documents.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Group {
    /// Internal id of the representative (kept when deduplicating).
    pub representative: u32,
    /// The other documents of the group, in input order.
    pub members: Vec<Member>,
}

/// A non-representative member of a group.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Member {
    /// Internal document id.
    pub doc: u32,
    /// Similarity to the representative (1.0 for exact copies).
    pub similarity: f64,
    /// `exact` when its normalized text equals the representative's.
    pub relation: Relation,
}

/// Union-find with path halving and union by size.
struct DisjointSets {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl DisjointSets {
    fn new(n: usize) -> Self {
        DisjointSets {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
    }
}

/// Order: dated documents first by time, then undated; ties by input order.
fn precedence(dedup: &Deduper, a: u32, b: u32) -> Ordering {
    let (da, db) = (dedup.doc(a), dedup.doc(b));
    match (da.published, db.published) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then(da.seq.cmp(&db.seq))
}

/// Build the groups of a deduper's verified pairs (see the module documentation).
pub fn build_groups(dedup: &Deduper) -> Vec<Group> {
    let n = dedup.len();
    let mut sets = DisjointSets::new(n);
    for pair in dedup.pairs() {
        sets.union(pair.a, pair.b);
    }
    let mut components: std::collections::HashMap<u32, Vec<u32>> = Default::default();
    for doc in 0..n as u32 {
        let root = sets.find(doc);
        if sets.size[root as usize] > 1 {
            components.entry(root).or_default().push(doc);
        }
    }
    let threshold = dedup.config().threshold;
    let mut groups = Vec::new();
    for (_, mut docs) in components {
        docs.sort_by(|&a, &b| precedence(dedup, a, b));
        while let Some((&rep, rest)) = docs.split_first() {
            let mut members = Vec::new();
            let mut left = Vec::with_capacity(rest.len());
            for &doc in rest {
                let exact = dedup.same_text(rep, doc);
                let similarity = if exact {
                    1.0
                } else {
                    dedup.similarity(rep, doc)
                };
                if exact || similarity >= threshold {
                    members.push(Member {
                        doc,
                        similarity,
                        relation: if exact {
                            Relation::Exact
                        } else {
                            Relation::NearDuplicate
                        },
                    });
                } else {
                    left.push(doc);
                }
            }
            if !members.is_empty() {
                members.sort_by_key(|m| dedup.doc(m.doc).seq);
                groups.push(Group {
                    representative: rep,
                    members,
                });
            }
            docs = left;
        }
    }
    groups.sort_by_key(|g| dedup.doc(g.representative).seq);
    groups
}
