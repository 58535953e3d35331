//! ASCII fast paths shared by normalization and tokenization.

/// Position of the first non-ASCII byte of `b`, checked a machine word at a time.
#[inline]
pub(crate) fn first_non_ascii(b: &[u8]) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while let Some(word) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        if w & HIGH != 0 {
            return Some(i + ((w & HIGH).trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..].iter().position(|c| !c.is_ascii()).map(|p| i + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_non_ascii_finds_the_first_high_byte() {
        assert_eq!(first_non_ascii(b""), None);
        assert_eq!(
            first_non_ascii(b"plain ascii text, longer than a word"),
            None
        );
        for len in 0..20 {
            for pos in 0..len {
                let mut v = vec![b'a'; len];
                v[pos] = 0xC3;
                if pos + 1 < len {
                    v[pos + 1] = 0x80;
                }
                assert_eq!(first_non_ascii(&v), Some(pos), "len {len} pos {pos}");
            }
        }
    }
}
