//! Text normalization: the canonical form every fingerprint and comparison is computed on.
//!
//! [`normalize`] applies, in order:
//!
//! 1. **Unicode NFKC** (compatibility composition): ligatures such as `ﬁ` become `fi`,
//!    full-width forms such as `ＡＢＣ１２３` become `ABC123`, half-width katakana become
//!    full-width, `…` becomes `...`, no-break and ideographic spaces become plain spaces.
//!    The spacing acute accent `´` is folded to `'` *before* NFKC (NFKC would otherwise turn it
//!    into a space plus a combining accent).
//! 2. **Quote folding**: `‘ ’ ‚ ‛ ‹ › ´ ` ʼ` become `'` and `“ ” „ ‟ « »` become `"`.
//! 3. **Dash folding**: `‐ ‑ ‒ – — ― − ﹘ ﹣ －` become `-`.
//! 4. **Whitespace folding**: every run of Unicode whitespace (`White_Space` property: ASCII
//!    spaces, tabs and line breaks, NBSP, the `U+2000`–`U+200A` spaces, line/paragraph
//!    separators, ideographic space, ...) becomes one ASCII space; leading and trailing
//!    whitespace is removed.
//! 5. **Invisible characters are removed**: zero-width space, zero-width (non-)joiner, word
//!    joiner, byte-order mark, soft hyphen, bidirectional marks/embeddings/isolates and other
//!    invisible format characters, and all other control characters. Removal does not separate
//!    words: `foo\u{200B}bar` becomes `foobar`.
//! 6. **Full Unicode case folding** (`CaseFolding.txt`, statuses C+F, via the `caseless`
//!    crate): `A`→`a`, `Σ`/`ς`→`σ`, `Ж`→`ж`, `ß`→`ss`.
//! 7. **NFC** of the result when steps 5–6 left a composable sequence (a fold that expands into
//!    a letter plus a combining mark such as `ΐ`, or a removed invisible character between a
//!    letter and its accent), so the output is always NFC.
//!
//! The function is idempotent: `normalize(&normalize(s)) == normalize(s)`.
//!
//! **ASCII fast path**: pure-ASCII input (the common case once quotes and dashes are plain)
//! skips NFKC and case-folding tables entirely and runs a single byte loop (lowercase, `` ` ``
//! → `'`, whitespace runs → one space, control bytes dropped). It produces exactly what the
//! general path produces (checked by a property test).

use caseless::Caseless;
use unicode_normalization::{is_nfc_quick, is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Return the normalized form of `s` (NFKC, quote/dash folding, whitespace folding and
/// trimming, invisible-character removal, full case folding; see the [module docs](self)).
///
/// ```
/// use storyfold::text::normalize;
/// assert_eq!(normalize("  “Don’t”\u{00A0}— ﬁne  ΣΟΦΊΑ\u{200B}! "), "\"don't\" - fine σοφία!");
/// ```
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out);
    out
}

/// Whether `s` normalizes to nothing: only whitespace, control and invisible characters
/// (zero-width spaces, byte-order marks, ...). Exactly `normalize(s).is_empty()`, decided from
/// the first visible character in the usual case, without normalizing the whole text.
///
/// ```
/// use storyfold::text::normalize::is_blank;
/// assert!(is_blank(" \u{200B}\u{FEFF}\n"));
/// assert!(!is_blank("\u{200B}a"));
/// ```
pub fn is_blank(s: &str) -> bool {
    let Some(first) = s
        .char_indices()
        .find(|&(_, c)| !(c.is_whitespace() || c.is_control() || is_invisible(c)))
        .map(|(i, _)| i)
    else {
        return true;
    };
    if s.as_bytes()[first].is_ascii() {
        // An ASCII character that is neither whitespace nor control is always emitted.
        return false;
    }
    // A window from the first visible character: if anything of it survives, the whole text
    // is not blank (normalization maps characters, and composing never removes one).
    let mut end = (first + 256).min(s.len());
    while !s.is_char_boundary(end) {
        end += 1;
    }
    normalize(&s[first..end]).is_empty() && (end == s.len() || normalize(&s[end..]).is_empty())
}

/// Append the normalized form of `s` to `out` (exactly `out.push_str(&normalize(s))`, without
/// the intermediate allocation). No separator is inserted between what `out` already holds and
/// the appended text: push a `' '` yourself when concatenating fields.
pub fn normalize_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        normalize_ascii_into(s, out);
    } else {
        normalize_unicode_into(s, out);
    }
}

/// [`ASCII_KIND`]: a character that is emitted (lowercased, `` ` `` → `'`).
const KIND_PLAIN: u8 = 0;
/// [`ASCII_KIND`]: whitespace.
const KIND_SPACE: u8 = 1;
/// [`ASCII_KIND`]: a dropped control byte (non-ASCII bytes never reach the table).
const KIND_DROP: u8 = 2;

/// What [`Emitter::ascii`] does with each byte value (the table form used by
/// [`Emitter::ascii_run`]).
static ASCII_KIND: [u8; 256] = {
    let mut t = [KIND_DROP; 256];
    let mut b = 0x21;
    while b <= 0x7E {
        t[b] = KIND_PLAIN;
        b += 1;
    }
    t[b'\t' as usize] = KIND_SPACE;
    t[b'\n' as usize] = KIND_SPACE;
    t[0x0B] = KIND_SPACE;
    t[0x0C] = KIND_SPACE;
    t[b'\r' as usize] = KIND_SPACE;
    t[b' ' as usize] = KIND_SPACE;
    t
};

/// The byte [`Emitter::ascii`] emits for each plain byte (lowercase, `` ` `` → `'`).
static ASCII_LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    t[b'`' as usize] = b'\'';
    t
};

/// Bytes per block of the fast path of [`Emitter::ascii_run`].
const BLOCK: usize = 16;
/// Mask of the [`BLOCK`] bits of a block.
const FULL: u32 = (1 << BLOCK) - 1;

/// Bit `k` of the first mask: `block[k]` is printable and not a backtick (0x21..=0x7E except
/// `` ` ``); of the second: `block[k]` is a space. `block` has [`BLOCK`] bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn block_masks(block: &[u8]) -> (u32, u32) {
    use std::arch::x86_64::*;
    let mut bytes = [0u8; BLOCK];
    bytes.copy_from_slice(&block[..BLOCK]);
    // SAFETY: SSE2 is part of the x86-64 baseline; the load reads the 16 bytes of a local
    // array (unaligned load allowed).
    unsafe {
        let v = _mm_loadu_si128(bytes.as_ptr().cast());
        let above_space = _mm_cmpgt_epi8(v, _mm_set1_epi8(0x20));
        let below_del = _mm_cmplt_epi8(v, _mm_set1_epi8(0x7F));
        let backtick = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'`' as i8));
        let plain = _mm_andnot_si128(backtick, _mm_and_si128(above_space, below_del));
        let space = _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8));
        (
            _mm_movemask_epi8(plain) as u32,
            _mm_movemask_epi8(space) as u32,
        )
    }
}

/// Portable version of the x86-64 [`block_masks`].
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn block_masks(block: &[u8]) -> (u32, u32) {
    let mut plain = 0u32;
    let mut space = 0u32;
    for (k, &c) in block.iter().enumerate().take(BLOCK) {
        plain |= u32::from(c.wrapping_sub(0x21) < 0x5E && c != b'`') << k;
        space |= u32::from(c == b' ') << k;
    }
    (plain, space)
}

/// Whitespace/trim bookkeeping shared by both paths.
#[derive(Default)]
struct Emitter {
    /// A whitespace run was seen after the last emitted character.
    pending_space: bool,
    /// Something has been emitted by this call (so a later space is an inner one).
    emitted: bool,
}

impl Emitter {
    #[inline]
    fn space(&mut self) {
        self.pending_space = self.emitted;
    }

    #[inline]
    fn push(&mut self, c: char, out: &mut String) {
        if self.pending_space {
            out.push(' ');
            self.pending_space = false;
        }
        out.push(c);
        self.emitted = true;
    }

    /// Handle a run of ASCII text: exactly equivalent to calling [`ascii`](Self::ascii) on
    /// every byte, as a block-wise fast path for plain text and a branch-light
    /// table-driven loop over the bytes for the rest.
    #[inline]
    fn ascii_run(&mut self, s: &str, out: &mut String) {
        let bytes = s.as_bytes();
        if bytes.is_empty() {
            return;
        }
        let old = out.len();
        // SAFETY: only ASCII bytes are written and the vector is truncated to the written
        // length, so the string stays valid UTF-8.
        let buf = unsafe { out.as_mut_vec() };
        // The output never exceeds the input (a space is only written in place of at least
        // one whitespace byte); spare bytes take the tentative writes below (whole blocks are
        // stored even when fewer bytes are kept).
        buf.resize(old + bytes.len() + BLOCK + 2, 0);
        let dst = &mut buf[old..];
        let mut w = 0usize;
        let mut pending = self.pending_space;
        let mut emitted = self.emitted;
        let n = bytes.len();
        let mut i = 0;
        while i < n {
            // Fast path: a block of printable characters and single spaces (no other
            // whitespace, no control byte, no backtick) is lowercased and copied in one go.
            if let Some(block) = bytes.get(i..i + BLOCK) {
                let (plain, space) = block_masks(block);
                if (!plain & !space) & FULL == 0 && space & (space >> 1) == 0 {
                    // Twice the block, so a block-sized store can start at `from`.
                    let mut lower = [0u8; 2 * BLOCK];
                    for (d, &c) in lower.iter_mut().zip(block) {
                        *d = c + (u8::from(c.wrapping_sub(b'A') < 26) << 5);
                    }
                    let first_space = space & 1 != 0;
                    let last_space = space >> (BLOCK - 1) != 0;
                    // A leading space is kept only after emitted text (it then also stands
                    // for a pending space); otherwise a pending space is written first.
                    let from = usize::from(first_space && !emitted);
                    dst[w] = b' ';
                    w += usize::from(!first_space && pending);
                    let to = BLOCK - usize::from(last_space);
                    // A fixed-size store (no length-dependent copy); the bytes past `to`
                    // are overwritten later or cut off by the final truncation.
                    dst[w..w + BLOCK].copy_from_slice(&lower[from..from + BLOCK]);
                    w += to - from;
                    // No two adjacent spaces: the block has a printable character.
                    pending = last_space;
                    emitted = true;
                    i += BLOCK;
                    continue;
                }
            }
            let end = (i + BLOCK).min(n);
            for &c in &bytes[i..end] {
                let kind = ASCII_KIND[c as usize];
                let plain = kind == KIND_PLAIN;
                let space = kind == KIND_SPACE;
                // Tentatively write a space, keep it only when one is pending before a char.
                dst[w] = b' ';
                w += usize::from(pending & plain);
                dst[w] = ASCII_LOWER[c as usize];
                w += usize::from(plain);
                pending = (pending & !plain & !space) | (space & emitted);
                emitted |= plain;
            }
            i = end;
        }
        buf.truncate(old + w);
        self.pending_space = pending;
        self.emitted = emitted;
    }

    /// Handle one ASCII byte (shared by the fast and the general path so they agree).
    #[inline]
    fn ascii(&mut self, b: u8, out: &mut String) {
        match b {
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => self.space(),
            0x00..=0x1F | 0x7F => {}
            b'`' => self.push('\'', out),
            _ => self.push(char::from(b.to_ascii_lowercase()), out),
        }
    }
}

/// The byte-loop path for pure-ASCII input.
fn normalize_ascii_into(s: &str, out: &mut String) {
    out.reserve(s.len());
    let mut em = Emitter::default();
    em.ascii_run(s, out);
}

/// The general path: NFKC (skipped when a quick check proves the input already is NFKC),
/// punctuation folding, whitespace folding, invisible removal, full case folding.
fn normalize_unicode_into(s: &str, out: &mut String) {
    out.reserve(s.len());
    let start = out.len();
    let mut em = Emitter::default();
    // NFKC is applied unit by unit. A position right before an ASCII character is a safe
    // boundary for NFKC (ASCII characters are starters without decompositions that never
    // compose with a preceding character), so the text is cut into ASCII runs, copied by
    // the byte loop, and units made of a run of non-ASCII characters plus the ASCII
    // character before it (which a combining mark may compose with).
    let bytes = s.as_bytes();
    let len = bytes.len();
    // Whether a non-ASCII character was emitted or removed (only then can NFC change anything).
    let mut may_need_nfc = false;
    let mut i = 0;
    while i < len {
        let j = i + super::ascii::first_non_ascii(&bytes[i..]).unwrap_or(len - i);
        if j == len {
            em.ascii_run(&s[i..], out);
            break;
        }
        let unit_start = if j > i { j - 1 } else { j };
        em.ascii_run(&s[i..unit_start], out);
        let k = j + bytes[j..]
            .iter()
            .position(|&b| b.is_ascii())
            .unwrap_or(len - j);
        // `unit_start` and `k` are positions of ASCII bytes (or the end): char boundaries.
        let unit = &s[unit_start..k];
        if is_nfkc_quick(unit.chars()) == IsNormalized::Yes {
            for c in unit.chars() {
                may_need_nfc |= push_char(c, out, &mut em);
            }
        } else {
            for c in unit.chars().map(fold_before_nfkc).nfkc() {
                may_need_nfc |= push_char(c, out, &mut em);
            }
        }
        i = k;
    }
    // Case folding and the removal of invisible characters can leave a base character next to
    // a combining mark that composes with it (`J\u{30C}` → `j\u{30C}` → `ǰ`): re-compose.
    if may_need_nfc && is_nfc_quick(out[start..].chars()) != IsNormalized::Yes {
        let composed: String = out[start..].nfc().collect();
        out.truncate(start);
        out.push_str(&composed);
    }
}

/// Folds applied before NFKC because NFKC would decompose the character into a space plus a
/// combining mark.
#[inline]
fn fold_before_nfkc(c: char) -> char {
    match c {
        '\u{00B4}' => '\'',
        _ => c,
    }
}

/// Quote and dash folding (applied after NFKC). Returns `None` for other characters.
#[inline]
pub(crate) fn fold_punct(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2039}' | '\u{203A}'
        | '\u{00B4}' | '`' | '\u{02BC}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => Some('"'),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => Some('-'),
        _ => None,
    }
}

/// Invisible format characters removed by normalization (besides control characters).
#[inline]
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'                 // soft hyphen
        | '\u{034F}'               // combining grapheme joiner
        | '\u{061C}'               // Arabic letter mark
        | '\u{115F}' | '\u{1160}'  // Hangul fillers
        | '\u{180B}'..='\u{180F}'  // Mongolian variation selectors / vowel separator
        | '\u{200B}'..='\u{200F}'  // ZWSP, ZWNJ, ZWJ, LRM, RLM
        | '\u{202A}'..='\u{202E}'  // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}'  // word joiner, invisible operators
        | '\u{2066}'..='\u{206F}'  // bidi isolates, deprecated format chars
        | '\u{3164}'               // Hangul filler
        | '\u{FE00}'..='\u{FE0F}'  // variation selectors
        | '\u{FEFF}'               // byte-order mark / ZWNBSP
        | '\u{FFA0}'               // half-width Hangul filler
        | '\u{E0000}'..='\u{E007F}' // tags
        | '\u{E0100}'..='\u{E01EF}' // variation selectors supplement
    )
}

/// Emit one (already NFKC) character with punctuation, whitespace, invisible and case folding.
/// Returns true when a non-ASCII character was emitted or removed (the output may then need
/// NFC recomposition); ASCII output and whitespace never do.
#[inline]
fn push_char(c: char, out: &mut String, em: &mut Emitter) -> bool {
    if c.is_ascii() {
        em.ascii(c as u8, out);
        false
    } else if let Some(p) = fold_punct(c) {
        em.push(p, out);
        false
    } else if c.is_whitespace() {
        em.space();
        false
    } else if c.is_control() || is_invisible(c) {
        // dropped
        true
    } else {
        for folded in std::iter::once(c).default_case_fold() {
            em.push(folded, out);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Straightforward reference implementation of the documented rules.
    fn reference(s: &str) -> String {
        let nfkc: String = s.chars().map(fold_before_nfkc).nfkc().collect();
        let punct: String = nfkc
            .chars()
            .map(|c| fold_punct(c).unwrap_or(c))
            .filter(|&c| c.is_whitespace() || !(c.is_control() || is_invisible(c)))
            .collect();
        let folded: String = caseless::default_case_fold_str(&punct).nfc().collect();
        folded.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn empty_and_blank() {
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \t\n\r "), "");
        assert_eq!(normalize("\u{00A0}\u{3000}\u{200B}"), "");
    }

    #[test]
    fn quotes_are_folded() {
        assert_eq!(normalize("‘a’ ‚b‛ ‹c› ´d` ʼe"), "'a' 'b' 'c' 'd' 'e");
        assert_eq!(normalize("“a” „b‟ «c»"), "\"a\" \"b\" \"c\"");
        assert_eq!(normalize("Don’t"), "don't");
        // full-width apostrophe / quotation mark through NFKC
        assert_eq!(normalize("\u{FF07}x\u{FF02}"), "'x\"");
    }

    #[test]
    fn dashes_are_folded() {
        assert_eq!(
            normalize("a‐b‑c‒d–e—f―g−h﹘i﹣j－k"),
            "a-b-c-d-e-f-g-h-i-j-k"
        );
    }

    #[test]
    fn whitespace_is_folded_and_trimmed() {
        assert_eq!(
            normalize("  a \t\n b\u{00A0}c\u{2003}d\u{3000}e\u{2028}f  "),
            "a b c d e f"
        );
        assert_eq!(normalize("a\r\n\r\nb"), "a b");
    }

    #[test]
    fn blank_is_normalizing_to_nothing() {
        for s in [
            "",
            " \t\n",
            "\u{200B}",
            "\u{FEFF}\u{200D} \u{2060}",
            "\u{0}\u{7}",
        ] {
            assert!(is_blank(s), "{s:?}");
        }
        let long_invisible = "\u{3164}".repeat(300) + "x";
        for s in ["a", "\u{200B}é", "\u{3000}日本", long_invisible.as_str()] {
            assert!(!is_blank(s), "{s:?}");
        }
        assert!(is_blank(&"\u{3164}".repeat(300)));
    }

    #[test]
    fn invisibles_are_removed() {
        assert_eq!(normalize("foo\u{200B}bar"), "foobar");
        assert_eq!(
            normalize("a\u{200C}b\u{200D}c\u{FEFF}d\u{00AD}e\u{2060}f"),
            "abcdef"
        );
        assert_eq!(normalize("a \u{200B} b"), "a b");
        assert_eq!(normalize("a\u{0}b\u{7F}c\u{1B}d"), "abcd");
        assert_eq!(normalize("\u{200E}left\u{200F}"), "left");
    }

    #[test]
    fn nfkc_applies() {
        assert_eq!(normalize("ﬁle ﬂow"), "file flow");
        assert_eq!(normalize("１２３ ＡＢＣ"), "123 abc");
        assert_eq!(normalize("ｶﾀｶﾅ"), "カタカナ");
        assert_eq!(normalize("wait…"), "wait...");
        // combining sequence composes
        assert_eq!(normalize("Cafe\u{0301}"), "café");
        assert_eq!(normalize("x²"), "x2");
    }

    #[test]
    fn case_folding_non_latin() {
        assert_eq!(normalize("ΟΔΥΣΣΕΥΣ"), "οδυσσευσ");
        assert_eq!(normalize("Οδυσσεύς"), "οδυσσεύσ");
        assert_eq!(normalize("МОСКВА Москва"), "москва москва");
        assert_eq!(normalize("Straße STRASSE"), "strasse strasse");
        assert_eq!(normalize("ΐ"), "ΐ");
        assert_eq!(normalize("ÉCOLE"), "école");
    }

    #[test]
    fn recomposes_after_fold_or_removal() {
        assert_eq!(normalize("J\u{030C}"), "\u{01F0}");
        assert_eq!(normalize("a\u{200B}\u{0301}"), "\u{00E1}");
    }

    #[test]
    fn idempotent_examples() {
        for s in ["ΐΰ ǰ İstanbul", "ﬁ — “x”", "Ａ\u{00A0}Ｂ", "ς Σ"] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once, "input {s:?}");
        }
    }

    #[test]
    fn into_appends_without_separator() {
        let mut out = String::from("x");
        normalize_into("  Y Z ", &mut out);
        assert_eq!(out, "xy z");
        let mut out = String::from("x");
        normalize_into("  Ü ", &mut out);
        assert_eq!(out, "xü");
    }

    fn unicode_sample() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(vec![
            'a', 'Z', ' ', '\n', '\t', '`', '\'', '-', '.', 'é', 'É', 'ß', 'Σ', 'ς', 'ΐ', 'İ', 'ǰ',
            '\u{0301}', '\u{0308}', '\u{00A0}', '\u{200B}', '\u{200D}', '’', '“', '—', '−', 'ﬁ',
            'Ａ', '１', 'ｶ', 'ﾞ', '中', 'ก', 'ั', '\u{00B4}', '\u{3000}', 'Ж', '\u{1}', '…', 'J',
            '\u{030C}', '\u{1100}', '\u{1161}', 'Å', '\u{212B}',
        ]);
        prop::collection::vec(chars, 0..40).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn ascii_fast_path_matches_general_path(s in "[ -~\t\n\r\u{0b}\u{0c}\u{00}-\u{1f}\u{7f}]{0,80}") {
            let mut fast = String::new();
            normalize_ascii_into(&s, &mut fast);
            let mut general = String::new();
            normalize_unicode_into(&s, &mut general);
            prop_assert_eq!(&fast, &general);
            prop_assert_eq!(&fast, &reference(&s));
        }

        #[test]
        fn block_fast_path_matches_reference(
            s in "[a-zA-Z0-9 .,'`\n]{0,200}",
            t in "[a-zA-Z ]{0,40}",
        ) {
            prop_assert_eq!(normalize(&s), reference(&s));
            let mixed = format!("{t}\u{e9}{s}\u{2019}{t} \u{201c}{s}");
            prop_assert_eq!(normalize(&mixed), reference(&mixed));
        }

        #[test]
        fn general_path_matches_reference(s in unicode_sample()) {
            prop_assert_eq!(normalize(&s), reference(&s));
        }

        #[test]
        fn is_blank_matches_normalize(s in unicode_sample()) {
            prop_assert_eq!(is_blank(&s), normalize(&s).is_empty(), "{:?}", s);
        }

        #[test]
        fn normalize_is_idempotent(s in unicode_sample()) {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn output_has_no_outer_or_double_spaces(s in "\\PC{0,60}") {
            let n = normalize(&s);
            prop_assert!(!n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "));
        }
    }
}
