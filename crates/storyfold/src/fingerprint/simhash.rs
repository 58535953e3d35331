//! SimHash (Charikar) fingerprints and Hamming distance.
//!
//! The 64-bit SimHash of a document is computed over its **deduplicated shingle hashes**
//! (the same set the MinHash signature describes), each with weight 1: bit `i` of the
//! result is set when strictly more than half of the shingle hashes have bit `i` set
//! (standard sign-of-sum; ties give 0). A document without shingles has SimHash 0.
//! Similar shingle sets give SimHashes at a small Hamming distance.

/// SimHash of a set of 64-bit feature hashes, each with weight 1.
pub fn simhash(features: &[u64]) -> u64 {
    let mut counts = [0u64; 64];
    for &h in features {
        for (bit, c) in counts.iter_mut().enumerate() {
            *c += (h >> bit) & 1;
        }
    }
    let n = features.len() as u64;
    counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c.saturating_mul(2) > n)
        .fold(0u64, |acc, (bit, _)| acc | (1u64 << bit))
}

/// Number of differing bits between two 64-bit fingerprints.
#[inline]
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hamming_counts_bits() {
        assert_eq!(hamming(0, 0), 0);
        assert_eq!(hamming(0b1011, 0b0001), 2);
        assert_eq!(hamming(0, u64::MAX), 64);
    }

    #[test]
    fn simhash_majority_vote() {
        assert_eq!(simhash(&[]), 0);
        assert_eq!(simhash(&[0xF0]), 0xF0);
        // Bit 0 set in 2 of 3, bit 1 in 1 of 3, bit 2 in 3 of 3.
        assert_eq!(simhash(&[0b101, 0b111, 0b100]), 0b101);
        // Tie (1 of 2) gives 0.
        assert_eq!(simhash(&[0b01, 0b10]), 0);
    }

    #[test]
    fn similar_sets_are_close() {
        let mut state = 42u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let base: Vec<u64> = (0..500).map(|_| next()).collect();
        let mut near = base.clone();
        for v in near.iter_mut().take(5) {
            *v = next();
        }
        let other: Vec<u64> = (0..500).map(|_| next()).collect();
        let d_near = hamming(simhash(&base), simhash(&near));
        let d_far = hamming(simhash(&base), simhash(&other));
        assert!(d_near <= 8, "near distance {d_near}");
        assert!(d_far >= 16, "far distance {d_far}");
    }
}
