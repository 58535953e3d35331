//! Document frequencies of the live index: how many indexed articles hold each term, kept in a
//! fixed-size table of hashed counters so that memory does not grow with the history.
//!
//! A term key ([`crate::story::features::term_key`]) counts in bucket `key mod 2^22`; a
//! bucket shared by two terms counts both (on a million news articles most buckets hold rare
//! terms, so the error is on rare terms, whose weight is high either way). The counts grow on
//! insert and shrink on remove and evict. The weight of a term is [`SeenCounts::idf`], the one
//! place where the table is read: the counts blended with the shipped background document
//! frequencies ([`crate::story::features::background`]) as `fold` blends them, so that a new index of a
//! handful of articles on one event weighs their shared words as news at large does.
//!
//! Persistence: the table is checkpointed to the store (sparse: bucket deltas and counts as
//! variable-length integers) every [`CHECKPOINT_EVERY`] changes and when the index is closed;
//! reopening loads the checkpoint, adds the articles inserted after it and subtracts the
//! removals logged after it, so the replay is bounded by the checkpoint interval.

use crate::story::features::{idf_of, pseudo, Prior, RawTerms};

/// Number of counters (a power of two).
pub const BUCKETS: usize = 1 << 22;

/// Changes between two checkpoints.
pub const CHECKPOINT_EVERY: u64 = 20_000;

/// Hashed document frequencies (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct SeenCounts {
    counts: Vec<u32>,
    docs: u64,
    /// The background blended in (`None`: the counts alone).
    prior: Option<Prior>,
}

impl Default for SeenCounts {
    fn default() -> Self {
        SeenCounts {
            counts: vec![0; BUCKETS],
            docs: 0,
            prior: None,
        }
    }
}

/// The bucket of a term key.
pub fn bucket(key: u64) -> u32 {
    // Keys carry their kind in the top byte; the low bits are the hash.
    (key as usize & (BUCKETS - 1)) as u32
}

/// The distinct buckets of an article's terms, sorted.
pub fn buckets_of(raw: &RawTerms) -> Vec<u32> {
    let mut b: Vec<u32> = raw.terms.iter().map(|&(k, _)| bucket(k)).collect();
    b.sort_unstable();
    b.dedup();
    b
}

impl SeenCounts {
    /// Empty counts blended with `prior` when weighing.
    pub fn with_prior(prior: Option<Prior>) -> Self {
        SeenCounts {
            prior,
            ..Self::default()
        }
    }

    /// The background blended in.
    pub fn prior(&self) -> Option<Prior> {
        self.prior
    }

    /// The same counts blended with `prior` instead.
    pub fn set_prior(&mut self, prior: Option<Prior>) {
        self.prior = prior;
    }

    /// Number of documents counted.
    pub fn docs(&self) -> u64 {
        self.docs
    }

    /// Count one article (its distinct buckets).
    pub fn add(&mut self, buckets: &[u32]) {
        self.docs += 1;
        for &b in buckets {
            if let Some(c) = self.counts.get_mut(b as usize) {
                *c = c.saturating_add(1);
            }
        }
    }

    /// Uncount one article.
    pub fn remove(&mut self, buckets: &[u32]) {
        self.docs = self.docs.saturating_sub(1);
        for &b in buckets {
            if let Some(c) = self.counts.get_mut(b as usize) {
                *c = c.saturating_sub(1);
            }
        }
    }

    /// The inverse document frequency of a term key over the articles counted, blended with
    /// the background ([`crate::story::features::DocFreq::idf`]'s formula).
    pub fn idf(&self, key: u64) -> f32 {
        idf_of(
            self.docs,
            self.counts[bucket(key) as usize],
            pseudo(self.prior, key),
        )
    }

    /// The checkpoint encoding: document count, then `(bucket delta, count)` of every
    /// non-zero bucket, all as variable-length integers.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_varint(&mut out, self.docs);
        let mut prev = 0usize;
        for (b, &c) in self.counts.iter().enumerate() {
            if c > 0 {
                put_varint(&mut out, (b - prev) as u64);
                put_varint(&mut out, u64::from(c));
                prev = b;
            }
        }
        out
    }

    /// Decode [`encode`](Self::encode); `None` when the encoding is damaged.
    pub fn decode(buf: &[u8]) -> Option<Self> {
        let mut s = SeenCounts::default();
        let mut pos = 0;
        s.docs = get_varint(buf, &mut pos)?;
        let mut b = 0usize;
        while pos < buf.len() {
            b = b.checked_add(usize::try_from(get_varint(buf, &mut pos)?).ok()?)?;
            let c = u32::try_from(get_varint(buf, &mut pos)?).ok()?;
            *s.counts.get_mut(b)? = c;
        }
        Some(s)
    }
}

/// Encode bucket lists (sorted) as deltas in variable-length integers.
pub fn encode_buckets(b: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() * 3);
    let mut prev = 0u32;
    for &x in b {
        put_varint(&mut out, u64::from(x.wrapping_sub(prev)));
        prev = x;
    }
    out
}

/// Decode [`encode_buckets`] (stops at damage).
pub fn decode_buckets(buf: &[u8]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut prev = 0u32;
    while pos < buf.len() {
        let Some(d) = get_varint(buf, &mut pos) else {
            break;
        };
        prev = prev.wrapping_add(d as u32);
        out.push(prev);
    }
    out
}

fn put_varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

fn get_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let (mut x, mut shift) = (0u64, 0u32);
    loop {
        let b = *buf.get(*pos)?;
        *pos += 1;
        if shift >= 64 {
            return None;
        }
        x |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(x);
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_remove_and_round_trip() {
        let mut s = SeenCounts::default();
        let a = vec![1, 5, BUCKETS as u32 - 1];
        let b = vec![5, 9];
        s.add(&a);
        s.add(&b);
        assert_eq!(s.docs(), 2);
        let key5 = 5u64 | (u64::from(b'w') << 56);
        let key9 = 9u64 | (u64::from(b'w') << 56);
        assert!(s.idf(key5) < s.idf(key9));
        let back = SeenCounts::decode(&s.encode()).expect("decodes");
        assert_eq!(back.docs(), 2);
        assert_eq!(back.counts, s.counts);
        s.remove(&b);
        assert_eq!(s.counts[5], 1);
        assert_eq!(s.counts[9], 0);
        assert_eq!(decode_buckets(&encode_buckets(&a)), a);
        assert!(SeenCounts::decode(&[0x80]).is_none());
    }
}
