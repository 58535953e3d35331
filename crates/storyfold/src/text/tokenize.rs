//! Word tokenization of normalized text (input of shingling, MinHash and SimHash).
//!
//! Rules, applied by [`for_each_token`] / [`tokens`]:
//!
//! * **Unicode words** (UAX #29 word boundaries, `unicode-segmentation`'s
//!   `unicode_word_indices`): a token is a word segment containing at least one letter or digit.
//!   UAX #29 keeps together `don't`, `u.s` (letters joined by `.`, `'` or `:`), `3.5`, `1,000`
//!   (digits joined by `.`, `,`, `;` or `'`), letter/digit mixes such as `covid19`, and words
//!   joined by underscores (`foo_bar`). Everything else (spaces, punctuation, symbols, emoji)
//!   separates tokens and is never part of one; `e.g.` yields `e.g`, `5:30` yields `5` and `30`.
//! * **Scripts written without spaces** — Han (CJK ideographs), Hiragana, Katakana, Thai, Lao,
//!   Khmer, Myanmar — are emitted as **overlapping character bigrams** over each maximal run of
//!   such characters (`東京都` → `東京`, `京都`); a run of a single character is emitted alone.
//!   A run ends at any other character (space, punctuation, Latin letter, digit, ...).
//! * Tokens are sub-slices of the input (no allocation); they are produced in text order.
//!
//! Tokenization does not change case or fold anything: run [`normalize`](super::normalize())
//! first.
//!
//! **ASCII fast path**: ASCII text is split with the UAX #29 rules above restricted to ASCII
//! (letters/digits/underscore runs; `:` `.` `'` between two letters; `.` `,` `;` `'` between two
//! digits), computed 64 bytes at a time as an SSE2 bitmap whose runs of set bits are the words.
//! In mixed text, the whitespace-delimited pieces that hold a non-ASCII character go through
//! the Unicode segmenter (UAX #29 never joins across ASCII whitespace) and the ASCII stretches
//! between them through the fast path. Property tests check the fast path against the plain
//! Unicode path, on texts long enough to cross the 64-byte blocks.

use unicode_segmentation::UnicodeSegmentation;

use super::ascii::first_non_ascii;

/// Call `f` with every token of `s`, in order (see the [module docs](self) for the rules).
///
/// ```
/// use storyfold::text::for_each_token;
/// let mut seen = Vec::new();
/// for_each_token("don't pay $3.5m to 東京都", |t| seen.push(t));
/// assert_eq!(seen, ["don't", "pay", "3.5m", "to", "東京", "京都"]);
/// ```
pub fn for_each_token<'a>(s: &'a str, mut f: impl FnMut(&'a str)) {
    let bytes = s.as_bytes();
    // ASCII stretches go to the byte path in one piece; each whitespace-delimited chunk that
    // holds a non-ASCII character goes to the Unicode path (UAX #29 never joins across ASCII
    // whitespace, and ASCII whitespace is never part of a token, so the split changes nothing).
    let mut i = 0;
    while let Some(off) = first_non_ascii(&bytes[i..]) {
        let j = i + off;
        let chunk_start = bytes[i..j]
            .iter()
            .rposition(|&c| is_ascii_ws(c))
            .map_or(i, |p| i + p + 1);
        let chunk_end = bytes[j..]
            .iter()
            .position(|&c| is_ascii_ws(c))
            .map_or(bytes.len(), |p| j + p);
        // `chunk_start` follows an ASCII byte (or is `i`), `chunk_end` is an ASCII byte (or
        // the end): both are char boundaries.
        ascii_words(&s[i..chunk_start], &mut f);
        unicode_words(&s[chunk_start..chunk_end], &mut f);
        i = chunk_end;
    }
    ascii_words(&s[i..], &mut f);
}

/// Collect the tokens of `s` (see [`for_each_token`]).
pub fn tokens(s: &str) -> Vec<&str> {
    let mut v = Vec::new();
    for_each_token(s, |t| v.push(t));
    v
}

/// True for characters of scripts written without spaces between words, which are tokenized
/// into overlapping character bigrams: Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar.
pub fn is_bigram_script(c: char) -> bool {
    matches!(
        c as u32,
        0x0E00..=0x0EFF            // Thai, Lao
        | 0x1000..=0x109F          // Myanmar
        | 0x1780..=0x17FF          // Khmer
        | 0x19E0..=0x19FF          // Khmer symbols
        | 0x3005 | 0x3007          // ideographic iteration mark, ideographic zero
        | 0x3021..=0x3029          // Hangzhou numerals
        | 0x3038..=0x303B          // more Han marks
        | 0x3040..=0x309F          // Hiragana
        | 0x30A0..=0x30FF          // Katakana
        | 0x31F0..=0x31FF          // Katakana phonetic extensions
        | 0x3400..=0x4DBF          // CJK extension A
        | 0x4E00..=0x9FFF          // CJK unified ideographs
        | 0xA9E0..=0xA9FF          // Myanmar extended-B
        | 0xAA60..=0xAA7F          // Myanmar extended-A
        | 0xF900..=0xFAFF          // CJK compatibility ideographs
        | 0xFF66..=0xFF9F          // half-width Katakana
        | 0x1AFF0..=0x1B16F        // Kana extended / supplement / small Kana
        | 0x20000..=0x3FFFF // CJK extensions B.. and compatibility supplement
    )
}

#[inline]
fn is_ascii_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Word-break class of an ASCII byte, as far as the UAX #29 word rules care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Underscore,
    Other,
}

/// [`Class`] of every byte value (non-ASCII bytes are `Other`), so classifying is one load.
static CLASS: [Class; 256] = {
    let mut t = [Class::Other; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            Class::Letter
        } else if c.is_ascii_digit() {
            Class::Digit
        } else if c == b'_' {
            Class::Underscore
        } else {
            Class::Other
        };
        b += 1;
    }
    t
};

#[inline]
fn class(b: u8) -> Class {
    CLASS[b as usize]
}

/// Bytes per block of [`WordBits`].
const WORD_BLOCK: usize = 64;

/// Per-byte class bitmaps of a block of at most [`WORD_BLOCK`] bytes (bit `k` is `block[k]`;
/// missing bytes are in no class).
#[derive(Clone, Copy, Default)]
struct BlockMasks {
    /// ASCII letters.
    letter: u64,
    /// ASCII digits.
    digit: u64,
    /// `_`.
    under: u64,
    /// Characters that join two letters (WB6/WB7): `:` `.` `'`.
    mid_letter: u64,
    /// Characters that join two digits (WB11/WB12): `,` `;` `.` `'`.
    mid_digit: u64,
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn block_masks(block: &[u8]) -> BlockMasks {
    use std::arch::x86_64::*;
    let mut bytes = [0u8; WORD_BLOCK];
    bytes[..block.len()].copy_from_slice(block);
    let mut m = BlockMasks::default();
    for k in 0..WORD_BLOCK / 16 {
        // SAFETY: SSE2 is part of the x86-64 baseline; the load reads 16 bytes of a local
        // array (unaligned load allowed).
        let (letter, digit, under, mid_letter, mid_digit) = unsafe {
            let v = _mm_loadu_si128(bytes.as_ptr().add(16 * k).cast());
            let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
            // Letters: (c | 0x20) - 'a' < 26 (unsigned); digits: c - '0' < 10.
            let letter = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8(0x61));
            let letter = _mm_cmpeq_epi8(_mm_min_epu8(letter, _mm_set1_epi8(25)), letter);
            let digit = _mm_sub_epi8(v, _mm_set1_epi8(0x30));
            let digit = _mm_cmpeq_epi8(_mm_min_epu8(digit, _mm_set1_epi8(9)), digit);
            let both = _mm_or_si128(eq(b'.'), eq(b'\''));
            let mid_letter = _mm_or_si128(both, eq(b':'));
            let mid_digit = _mm_or_si128(both, _mm_or_si128(eq(b','), eq(b';')));
            (
                _mm_movemask_epi8(letter) as u16,
                _mm_movemask_epi8(digit) as u16,
                _mm_movemask_epi8(eq(b'_')) as u16,
                _mm_movemask_epi8(mid_letter) as u16,
                _mm_movemask_epi8(mid_digit) as u16,
            )
        };
        let shift = 16 * k;
        m.letter |= u64::from(letter) << shift;
        m.digit |= u64::from(digit) << shift;
        m.under |= u64::from(under) << shift;
        m.mid_letter |= u64::from(mid_letter) << shift;
        m.mid_digit |= u64::from(mid_digit) << shift;
    }
    m
}

/// Portable version of the x86-64 [`block_masks`].
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn block_masks(block: &[u8]) -> BlockMasks {
    let mut m = BlockMasks::default();
    for (k, &c) in block.iter().enumerate().take(WORD_BLOCK) {
        let bit = 1u64 << k;
        match class(c) {
            Class::Letter => m.letter |= bit,
            Class::Digit => m.digit |= bit,
            Class::Underscore => m.under |= bit,
            Class::Other => {}
        }
        if matches!(c, b':' | b'.' | b'\'') {
            m.mid_letter |= bit;
        }
        if matches!(c, b',' | b';' | b'.' | b'\'') {
            m.mid_digit |= bit;
        }
    }
    m
}

/// Bit `k`: byte `k` of the block starting at `start` belongs to a word: a letter, digit or
/// `_`, or a middle character between two letters / two digits (WB6/WB7, WB11/WB12). Runs of
/// set bits are exactly the words of [`ascii_words`].
#[inline(always)]
fn word_mask(bytes: &[u8], start: usize) -> u64 {
    let end = (start + WORD_BLOCK).min(bytes.len());
    let m = block_masks(&bytes[start..end]);
    // The classes of the bytes just before and after the block, for the middle characters
    // at its edges.
    let before = start
        .checked_sub(1)
        .map_or(Class::Other, |i| class(bytes[i]));
    let after = bytes.get(end).map_or(Class::Other, |&c| class(c));
    let letter_prev = (m.letter << 1) | u64::from(before == Class::Letter);
    let letter_next = (m.letter >> 1) | (u64::from(after == Class::Letter) << 63);
    let digit_prev = (m.digit << 1) | u64::from(before == Class::Digit);
    let digit_next = (m.digit >> 1) | (u64::from(after == Class::Digit) << 63);
    let joins =
        (m.mid_letter & letter_prev & letter_next) | (m.mid_digit & digit_prev & digit_next);
    m.letter | m.digit | m.under | joins
}

/// Word bitmap ([`word_mask`]) of a byte string, computed one [`WORD_BLOCK`] at a time as the
/// scan moves forward (the last block is cached).
struct WordBits<'a> {
    bytes: &'a [u8],
    block: usize,
    mask: u64,
}

impl<'a> WordBits<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        WordBits {
            bytes,
            block: usize::MAX,
            mask: 0,
        }
    }

    #[inline(always)]
    fn bits(&mut self, block: usize) -> u64 {
        if block != self.block {
            self.mask = word_mask(self.bytes, block * WORD_BLOCK);
            self.block = block;
        }
        self.mask
    }

    /// The first position at or after `pos` (`pos <= len`) holding a word character when
    /// `word`, a non-word character otherwise; the length when there is none.
    #[inline(always)]
    fn next(&mut self, pos: usize, word: bool) -> usize {
        let n = self.bytes.len();
        let flip = if word { 0 } else { u64::MAX };
        let mut block = pos / WORD_BLOCK;
        let mut m = (self.bits(block) ^ flip) & (u64::MAX << (pos % WORD_BLOCK));
        loop {
            if m != 0 {
                return (block * WORD_BLOCK + m.trailing_zeros() as usize).min(n);
            }
            block += 1;
            if block * WORD_BLOCK >= n {
                return n;
            }
            m = self.bits(block) ^ flip;
        }
    }
}

/// The UAX #29 word rules restricted to ASCII (WB5–WB13b); emits words that contain a letter or
/// a digit. Words are the runs of set bits of a SIMD bitmap ([`WordBits`], [`word_mask`]) that
/// already includes the middle characters joining two letters or two digits, so finding a word
/// takes two bit scans and no per-byte branch.
fn ascii_words<'a>(s: &'a str, f: &mut impl FnMut(&'a str)) {
    let b = s.as_bytes();
    let n = b.len();
    let mut bits = WordBits::new(b);
    let mut i = 0;
    loop {
        let start = bits.next(i, true);
        if start >= n {
            return;
        }
        let end = bits.next(start, false);
        let word = &b[start..end];
        // Words made of underscores (and middle characters) only are not tokens.
        if class(word[0]) != Class::Underscore || word.iter().any(|c| c.is_ascii_alphanumeric()) {
            f(&s[start..end]);
        }
        i = end;
    }
}

/// Unicode path: UAX #29 words, with bigram-script runs turned into character bigrams.
fn unicode_words<'a>(s: &'a str, f: &mut impl FnMut(&'a str)) {
    // Current run of bigram-script characters, as a byte range of `s`.
    let mut run: Option<(usize, usize)> = None;
    for (off, word) in s.unicode_word_indices() {
        // A word can start with whitespace when a combining mark follows a space (UAX #29 WB4);
        // tokens never contain whitespace.
        let trimmed = word.trim_start();
        let mut pos = off + (word.len() - trimmed.len());
        let end = off + word.len();
        // Split the word into maximal segments of bigram-script / other characters.
        while pos < end {
            let rest = &s[pos..end];
            let script = rest.chars().next().is_some_and(is_bigram_script);
            let seg_len = rest
                .char_indices()
                .find(|&(_, c)| is_bigram_script(c) != script)
                .map_or(rest.len(), |(j, _)| j);
            let seg_end = pos + seg_len;
            if script {
                run = match run {
                    Some((rs, re)) if re == pos => Some((rs, seg_end)),
                    other => {
                        if let Some((rs, re)) = other {
                            emit_bigrams(&s[rs..re], f);
                        }
                        Some((pos, seg_end))
                    }
                };
            } else {
                if let Some((rs, re)) = run.take() {
                    emit_bigrams(&s[rs..re], f);
                }
                let seg = &s[pos..seg_end];
                if seg.chars().any(char::is_alphanumeric) {
                    f(seg);
                }
            }
            pos = seg_end;
        }
    }
    if let Some((rs, re)) = run {
        emit_bigrams(&s[rs..re], f);
    }
}

/// Overlapping character bigrams of `run` (the run itself when it has a single character).
fn emit_bigrams<'a>(run: &'a str, f: &mut impl FnMut(&'a str)) {
    let mut it = run
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(run.len()));
    let (Some(mut a), Some(mut b)) = (it.next(), it.next()) else {
        return;
    };
    match it.next() {
        None => f(&run[a..b]),
        Some(mut c) => loop {
            f(&run[a..c]);
            a = b;
            b = c;
            match it.next() {
                Some(next) => c = next,
                None => break,
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unicode_only(s: &str) -> Vec<&str> {
        let mut v = Vec::new();
        unicode_words(s, &mut |t| v.push(t));
        v
    }

    fn ascii_only(s: &str) -> Vec<&str> {
        let mut v = Vec::new();
        ascii_words(s, &mut |t| v.push(t));
        v
    }

    #[test]
    fn empty_input() {
        assert!(tokens("").is_empty());
        assert!(tokens("  ... !!! ").is_empty());
        assert!(tokens("___").is_empty());
    }

    #[test]
    fn english_words() {
        assert_eq!(
            tokens("don't stop: u.s. growth hit 3.5% of $1,000; e.g. covid19 foo_bar 5:30"),
            [
                "don't", "stop", "u.s", "growth", "hit", "3.5", "of", "1,000", "e.g", "covid19",
                "foo_bar", "5", "30"
            ]
        );
        assert_eq!(
            tokens("end. 'quoted' -dash- a-b"),
            ["end", "quoted", "dash", "a", "b"]
        );
    }

    #[test]
    fn cjk_bigrams() {
        assert_eq!(tokens("東京都"), ["東京", "京都"]);
        assert_eq!(tokens("東"), ["東"]);
        assert_eq!(tokens("東京 大阪"), ["東京", "大阪"]);
        assert_eq!(tokens("東京、大阪"), ["東京", "大阪"]);
        // Hiragana and Katakana join the same run
        assert_eq!(tokens("カタかな"), ["カタ", "タか", "かな"]);
    }

    #[test]
    fn thai_bigrams() {
        // "สวัสดี" = ส ว ั ส ด ี (6 chars)
        assert_eq!(tokens("สวัสดี"), ["สว", "วั", "ัส", "สด", "ดี"]);
        assert_eq!(tokens("ก"), ["ก"]);
    }

    #[test]
    fn mixed_scripts() {
        assert_eq!(
            tokens("2021年东京奥运会 tokyo olympics café 日本abc"),
            [
                "2021", "年东", "东京", "京奥", "奥运", "运会", "tokyo", "olympics", "café",
                "日本", "abc"
            ]
        );
        assert_eq!(tokens("москва, αθήνα"), ["москва", "αθήνα"]);
    }

    #[test]
    fn tokens_are_subslices() {
        let s = "héllo 東京都 don't";
        let base = s.as_ptr() as usize;
        for t in tokens(s) {
            let off = t.as_ptr() as usize - base;
            assert_eq!(&s[off..off + t.len()], t);
        }
    }

    proptest! {
        #[test]
        fn ascii_fast_path_matches_unicode_path(s in "[a-zA-Z0-9 _.,;:'\"!?()$%\t\n\r\u{b}\u{c}\u{1f}-]{0,60}") {
            prop_assert_eq!(ascii_only(&s), unicode_only(&s));
            prop_assert_eq!(tokens(&s), unicode_only(&s));
        }

        #[test]
        fn ascii_fast_path_matches_unicode_path_any_ascii(s in "[\u{0}-\u{7f}]{0,200}") {
            prop_assert_eq!(ascii_only(&s), unicode_only(&s));
        }

        #[test]
        fn ascii_fast_path_matches_unicode_path_across_blocks(s in "([a-z0-9_]{1,12}[ .,;:'_\n-]{1,2}){0,60}") {
            // Long texts of word-like runs: words and joins straddle the 64-byte blocks.
            prop_assert_eq!(ascii_only(&s), unicode_only(&s));
        }

        #[test]
        fn hybrid_matches_unicode_path_long(s in "([a-zA-Z0-9_]{1,10}[ .,'\u{2019}\u{201c}\u{e9}\u{4e00}\u{3000}-]{1,2}){0,60}") {
            prop_assert_eq!(tokens(&s), unicode_only(&s));
        }

        #[test]
        fn hybrid_matches_unicode_path(s in "[a-z0-9 .'\u{e9}\u{301}\u{e31}\u{200d}\u{ad}\u{4e00}-\u{4e03}\u{3042}\u{30a2}\u{e01}\u{3000}_\n-]{0,40}") {
            prop_assert_eq!(tokens(&s), unicode_only(&s));
        }

        #[test]
        fn hybrid_matches_unicode_path_any(s in "\\PC{0,40}") {
            prop_assert_eq!(tokens(&s), unicode_only(&s));
        }
    }
}
