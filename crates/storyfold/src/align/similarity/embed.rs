//! Static word embeddings (model2vec format) for sentence similarity: a BERT WordPiece tokenizer
//! (uncased), the embedding matrix read from a `safetensors` file, sentence vectors (mean of the
//! token vectors) and soft token alignment.
//!
//! The format is the one of `minilm-l6-static-256` (`tokenizer.json` with a `WordPiece` model
//! and `BertNormalizer`, `model.safetensors` with one `embeddings` matrix of `F16` or `F32`).
//! Text is normalized like BERT's uncased tokenizer (control characters dropped, lowercased,
//! accents stripped), split on whitespace and punctuation, and every word cut into the longest
//! vocabulary pieces (`##` marks a continuation); words that cannot be cut are dropped (they
//! would be `[UNK]`, which model2vec ignores as well).
//!
//! Not used by the shipped score (it gained too little on MRPC to justify a 15 MB model); the
//! CLI loads a model folder with `storyfold-train similarity --embeddings DIR` for experiments.

use std::collections::HashMap;
use std::path::Path;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// An error while reading an embedding model.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The files are not in the expected format.
    #[error("invalid embedding model: {0}")]
    Format(String),
}

/// Words longer than this (in characters) are dropped, like WordPiece's `[UNK]`.
const MAX_WORD_CHARS: usize = 100;

/// A static embedding model: vocabulary and one vector per vocabulary entry.
#[derive(Clone, Debug)]
pub struct Embeddings {
    vocab: HashMap<String, u32>,
    dim: usize,
    /// Row-major `vocab × dim` matrix.
    vectors: Vec<f32>,
    /// `1 / ‖row‖` per row (0 for a zero row).
    inv_norm: Vec<f32>,
    unk: Option<u32>,
}

fn f16_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let mant = (h & 0x3ff) as f32;
    match exp {
        0 => sign * mant * 2f32.powi(-24),
        31 => {
            if mant == 0.0 {
                sign * f32::INFINITY
            } else {
                f32::NAN
            }
        }
        e => sign * (1.0 + mant / 1024.0) * 2f32.powi(e - 15),
    }
}

fn format_err(msg: impl Into<String>) -> EmbedError {
    EmbedError::Format(msg.into())
}

impl Embeddings {
    /// Read `model.safetensors` and `tokenizer.json` from a model2vec folder.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| EmbedError::Io {
                path: path.display().to_string(),
                source,
            })
        };
        let st = read("model.safetensors")?;
        let tok = read("tokenizer.json")?;
        let tok =
            std::str::from_utf8(&tok).map_err(|_| format_err("tokenizer.json is not UTF-8"))?;
        Self::from_bytes(&st, tok)
    }

    /// Build from the bytes of a `safetensors` file (tensor `embeddings`, `F16` or `F32`, shape
    /// `[vocab, dim]`) and the text of a `tokenizer.json` with a `WordPiece` model.
    pub fn from_bytes(safetensors: &[u8], tokenizer_json: &str) -> Result<Self, EmbedError> {
        let tok: serde_json::Value = serde_json::from_str(tokenizer_json)
            .map_err(|e| format_err(format!("tokenizer.json: {e}")))?;
        let vocab_json = tok["model"]["vocab"]
            .as_object()
            .ok_or_else(|| format_err("tokenizer.json has no model.vocab object"))?;
        let mut vocab = HashMap::with_capacity(vocab_json.len());
        for (piece, id) in vocab_json {
            let id = id
                .as_u64()
                .and_then(|x| u32::try_from(x).ok())
                .ok_or_else(|| format_err(format!("vocabulary id of {piece:?} is not a u32")))?;
            vocab.insert(piece.clone(), id);
        }
        let unk = tok["model"]["unk_token"]
            .as_str()
            .and_then(|u| vocab.get(u).copied());

        if safetensors.len() < 8 {
            return Err(format_err("safetensors file too short"));
        }
        let mut len_bytes = [0u8; 8];
        len_bytes.copy_from_slice(&safetensors[..8]);
        let header_len = usize::try_from(u64::from_le_bytes(len_bytes))
            .ok()
            .filter(|&n| n <= safetensors.len() - 8)
            .ok_or_else(|| format_err("safetensors header length out of range"))?;
        let header: serde_json::Value = serde_json::from_slice(&safetensors[8..8 + header_len])
            .map_err(|e| format_err(format!("safetensors header: {e}")))?;
        let data = &safetensors[8 + header_len..];
        let t = &header["embeddings"];
        let dtype = t["dtype"].as_str().unwrap_or("");
        let usizes = |v: &serde_json::Value| -> Vec<usize> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_u64())
                        .map(|x| x as usize)
                        .collect()
                })
                .unwrap_or_default()
        };
        let shape = usizes(&t["shape"]);
        let offsets = usizes(&t["data_offsets"]);
        let ([rows, dim], [start, end]) = (shape.as_slice(), offsets.as_slice()) else {
            return Err(format_err("tensor `embeddings` with a 2-d shape not found"));
        };
        let (rows, dim, start, end) = (*rows, *dim, *start, *end);
        let width = match dtype {
            "F16" => 2,
            "F32" => 4,
            other => return Err(format_err(format!("unsupported dtype {other:?}"))),
        };
        let n = rows
            .checked_mul(dim)
            .ok_or_else(|| format_err("tensor too large"))?;
        if dim == 0 || start > end || end > data.len() || end - start != n.saturating_mul(width) {
            return Err(format_err("tensor data does not match its shape"));
        }
        let raw = &data[start..end];
        let vectors: Vec<f32> = if width == 2 {
            raw.chunks_exact(2)
                .map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])))
                .collect()
        } else {
            raw.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        };
        if vocab.values().any(|&id| id as usize >= rows) {
            return Err(format_err("vocabulary id beyond the embedding matrix"));
        }
        let inv_norm = vectors
            .chunks_exact(dim)
            .map(|r| {
                let n = r.iter().map(|x| x * x).sum::<f32>().sqrt();
                if n > 0.0 && n.is_finite() {
                    1.0 / n
                } else {
                    0.0
                }
            })
            .collect();
        Ok(Embeddings {
            vocab,
            dim,
            vectors,
            inv_norm,
            unk,
        })
    }

    /// Vector dimension.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The vector of a vocabulary id.
    pub fn vector(&self, id: u32) -> &[f32] {
        let i = id as usize * self.dim;
        &self.vectors[i..i + self.dim]
    }

    /// Norm of a vocabulary entry's vector.
    pub fn norm(&self, id: u32) -> f32 {
        let n = self.inv_norm[id as usize];
        if n > 0.0 {
            1.0 / n
        } else {
            0.0
        }
    }

    /// Cosine of two vocabulary entries.
    pub fn cosine(&self, a: u32, b: u32) -> f32 {
        let d: f32 = self
            .vector(a)
            .iter()
            .zip(self.vector(b))
            .map(|(x, y)| x * y)
            .sum();
        d * self.inv_norm[a as usize] * self.inv_norm[b as usize]
    }

    /// WordPiece ids of a text (BERT uncased normalization; unknown words dropped).
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        let mut word = String::new();
        let clean = text
            .chars()
            .filter(|c| (c.is_whitespace() || !c.is_control()) && *c != '\u{fffd}')
            .flat_map(char::to_lowercase)
            .collect::<String>();
        for c in clean.nfd().filter(|c| !is_combining_mark(*c)) {
            if c.is_whitespace() {
                self.word_pieces(&word, &mut out);
                word.clear();
            } else if is_punctuation(c) || is_cjk(c) {
                self.word_pieces(&word, &mut out);
                word.clear();
                let mut buf = [0u8; 4];
                if let Some(&id) = self.vocab.get(c.encode_utf8(&mut buf) as &str) {
                    out.push(id);
                }
            } else {
                word.push(c);
            }
        }
        self.word_pieces(&word, &mut out);
        out.retain(|&id| Some(id) != self.unk);
        out
    }

    fn word_pieces(&self, word: &str, out: &mut Vec<u32>) {
        if word.is_empty() || word.chars().count() > MAX_WORD_CHARS {
            return;
        }
        let mark = out.len();
        let mut start = 0;
        let mut piece = String::new();
        while start < word.len() {
            let mut end = word.len();
            let mut found = None;
            while end > start {
                piece.clear();
                if start > 0 {
                    piece.push_str("##");
                }
                piece.push_str(&word[start..end]);
                if let Some(&id) = self.vocab.get(&piece) {
                    found = Some(id);
                    break;
                }
                end = word[..end]
                    .char_indices()
                    .next_back()
                    .map_or(start, |(i, _)| i);
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(mark);
                    return;
                }
            }
        }
    }

    /// Unit-length mean of the vectors of `ids` (model2vec's sentence embedding); empty when
    /// `ids` is empty.
    pub fn mean(&self, ids: &[u32]) -> Vec<f32> {
        if ids.is_empty() {
            return Vec::new();
        }
        let mut m = vec![0.0f32; self.dim];
        for &id in ids {
            for (x, v) in m.iter_mut().zip(self.vector(id)) {
                *x += v;
            }
        }
        let n = m.iter().map(|x| x * x).sum::<f32>().sqrt();
        if n > 0.0 {
            m.iter_mut().for_each(|x| *x /= n);
        }
        m
    }
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || (!c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace())
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

/// Cosine of two equal-length vectors (0 when either is empty or zero).
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let (mut d, mut na, mut nb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        d += (*x as f64) * (*y as f64);
        na += (*x as f64) * (*x as f64);
        nb += (*y as f64) * (*y as f64);
    }
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        d / (na * nb).sqrt()
    }
}

/// One direction of a soft alignment (see [`soft_alignment`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Direction {
    /// Mean over the distinct pieces of this side of the best cosine with the other side's
    /// pieces (1 for the same piece).
    pub mean_best: f64,
    /// The same mean, each piece weighted by the norm of its vector (model2vec's vectors carry
    /// a frequency weight in their norm: frequent pieces are short).
    pub weighted_best: f64,
    /// Share of the norm mass of this side's pieces whose best cosine is below
    /// [`NEW_CONTENT_COSINE`] (content the other side does not say in any form).
    pub new_mass: f64,
    /// Number of such pieces.
    pub new_count: usize,
    /// Mean best cosine over the pieces the other side does not have verbatim (1 when there are
    /// none).
    pub unmatched_best: f64,
}

/// Best cosine below which a piece counts as new content.
pub const NEW_CONTENT_COSINE: f32 = 0.5;

/// Soft alignment of two piece lists: for each distinct piece of one side its best cosine with
/// the other side's pieces, summarized per direction `(a→b, b→a)`; defaults when either side is
/// empty.
pub fn soft_alignment(e: &Embeddings, a: &[u32], b: &[u32]) -> (Direction, Direction) {
    let mut ua = a.to_vec();
    ua.sort_unstable();
    ua.dedup();
    let mut ub = b.to_vec();
    ub.sort_unstable();
    ub.dedup();
    if ua.is_empty() || ub.is_empty() {
        return (Direction::default(), Direction::default());
    }
    let mut best_a = vec![f32::NEG_INFINITY; ua.len()];
    let mut best_b = vec![f32::NEG_INFINITY; ub.len()];
    for (i, &x) in ua.iter().enumerate() {
        for (j, &y) in ub.iter().enumerate() {
            let c = if x == y { 1.0 } else { e.cosine(x, y) };
            best_a[i] = best_a[i].max(c);
            best_b[j] = best_b[j].max(c);
        }
    }
    let summarize = |ids: &[u32], best: &[f32], other: &[u32]| {
        let (mut sum, mut wsum, mut wtot, mut new_w, mut new_n) = (0.0, 0.0, 0.0, 0.0, 0);
        let (mut un_sum, mut un_n) = (0.0, 0);
        for (&id, &c) in ids.iter().zip(best) {
            let c = c as f64;
            let w = e.norm(id) as f64;
            sum += c;
            wsum += w * c;
            wtot += w;
            if c < NEW_CONTENT_COSINE as f64 {
                new_w += w;
                new_n += 1;
            }
            if other.binary_search(&id).is_err() {
                un_sum += c;
                un_n += 1;
            }
        }
        Direction {
            mean_best: sum / ids.len() as f64,
            weighted_best: if wtot > 0.0 { wsum / wtot } else { 0.0 },
            new_mass: if wtot > 0.0 { new_w / wtot } else { 0.0 },
            new_count: new_n,
            unmatched_best: if un_n > 0 { un_sum / un_n as f64 } else { 1.0 },
        }
    };
    (summarize(&ua, &best_a, &ub), summarize(&ub, &best_b, &ua))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny model: 2-d vectors, F32.
    fn tiny() -> Embeddings {
        let vocab = r###"{"model":{"type":"WordPiece","unk_token":"[UNK]","vocab":
            {"[UNK]":0,"the":1,"car":2,"auto":3,"##mobile":4,",":5,"cafe":6,"big":7}}}"###;
        let rows: [[f32; 2]; 8] = [
            [0.0, 0.0],
            [1.0, 1.0],
            [1.0, 0.0],
            [0.9, 0.1],
            [0.8, 0.2],
            [0.0, 1.0],
            [0.3, 0.7],
            [-1.0, 0.0],
        ];
        let data: Vec<u8> = rows
            .iter()
            .flatten()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let header = format!(
            r#"{{"embeddings":{{"dtype":"F32","shape":[8,2],"data_offsets":[0,{}]}}}}"#,
            data.len()
        );
        let mut st = (header.len() as u64).to_le_bytes().to_vec();
        st.extend_from_slice(header.as_bytes());
        st.extend_from_slice(&data);
        Embeddings::from_bytes(&st, vocab).expect("valid tiny model")
    }

    #[test]
    fn wordpiece_tokenizer() {
        let e = tiny();
        // Lowercased, accents stripped, punctuation split, continuation pieces, unknown dropped.
        assert_eq!(e.tokenize("The AUTOMOBILE, Café zzz"), vec![1, 3, 4, 5, 6]);
        assert_eq!(e.tokenize(""), Vec::<u32>::new());
        assert_eq!(e.tokenize("\u{0}\u{fffd}"), Vec::<u32>::new());
    }

    #[test]
    fn f16_conversion() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0000), 0.0);
        assert!((f16_to_f32(0x0001) - 5.960_464_5e-8).abs() < 1e-12);
    }

    #[test]
    fn vectors_and_alignment() {
        let e = tiny();
        assert!((e.cosine(2, 3) - 0.9939).abs() < 1e-3);
        let m = e.mean(&[2, 5]);
        assert!((m[0] - m[1]).abs() < 1e-6 && (m[0] - 0.70710677).abs() < 1e-6);
        assert!((cosine(&e.mean(&[1]), &m) - 1.0).abs() < 1e-9);
        let (ab, ba) = soft_alignment(&e, &[1, 2], &[1, 3]);
        assert!(ab.mean_best > 0.99 && ba.mean_best > 0.99, "{ab:?} {ba:?}");
        assert!((ab.unmatched_best - 0.9939).abs() < 1e-3);
        assert_eq!(ab.new_count, 0);
        // Piece 2 = (1, 0) against 7 = (−1, 0) and 1 = (1, 1): best cosine 1/√2 (not new).
        let (ab, _) = soft_alignment(&e, &[2, 1], &[7, 1]);
        assert!(
            (ab.mean_best - (1.0 + 0.5f64.sqrt()) / 2.0).abs() < 1e-6,
            "{ab:?}"
        );
        assert!((ab.unmatched_best - 0.5f64.sqrt()).abs() < 1e-6);
        assert_eq!(ab.new_count, 0);
        // Against 7 alone, piece 2 (norm 1) is new, piece 1 (norm √2, cosine −1/√2) too.
        let (ab, _) = soft_alignment(&e, &[2, 1], &[7]);
        assert_eq!(ab.new_count, 2);
        assert!((ab.new_mass - 1.0).abs() < 1e-6);
        let (ab, _) = soft_alignment(&e, &[2, 6], &[7, 6]);
        assert_eq!(ab.new_count, 1);
        let (n2, n6) = (1.0, (0.58f64).sqrt());
        assert!((ab.new_mass - n2 / (n2 + n6)).abs() < 1e-6, "{ab:?}");
        assert_eq!(
            soft_alignment(&e, &[], &[1]),
            (Direction::default(), Direction::default())
        );
    }

    #[test]
    fn malformed_models_are_errors() {
        assert!(Embeddings::from_bytes(b"", "{}").is_err());
        assert!(Embeddings::from_bytes(&[255; 16], r#"{"model":{"vocab":{}}}"#).is_err());
        let header = r#"{"embeddings":{"dtype":"F32","shape":[1,2],"data_offsets":[0,4]}}"#;
        let mut st = (header.len() as u64).to_le_bytes().to_vec();
        st.extend_from_slice(header.as_bytes());
        st.extend_from_slice(&[0; 4]);
        assert!(Embeddings::from_bytes(&st, r#"{"model":{"vocab":{"a":0}}}"#).is_err());
    }
}
