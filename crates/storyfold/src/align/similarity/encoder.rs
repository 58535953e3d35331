//! A contextual sentence encoder (all-MiniLM-L6-v2, a 6-layer BERT) for the paraphrase decision,
//! run in pure Rust with the candle crates, and the features it gives a sentence pair.
//!
//! **Model.** A sentence-transformers folder (`config.json`, `tokenizer.json`,
//! `model.safetensors`, optionally `sentence_bert_config.json` with `max_seq_length`), read from a
//! local directory only (never downloaded; `scripts/fetch_encoder.sh` puts it in
//! `models/all-minilm-l6-v2`). Text is tokenized by the model's own `tokenizer.json` with the
//! `tokenizers` crate (BERT uncased normalization, WordPiece, `[CLS]`/`[SEP]` added, truncated to
//! `max_seq_length`, 256 tokens), run through candle's `BertModel` in batches of sentences of
//! similar length (padding masked out), and the last layer's token vectors are
//!
//! * mean-pooled over all tokens (`[CLS]` and `[SEP]` included, padding excluded) and scaled to
//!   unit length: the sentence embedding of sentence-transformers ([`mean_pool`]);
//! * averaged per word (the pieces of one pre-tokenized word: `un`, `##believ`, `##able`) and
//!   scaled to unit length: the word vectors of the soft alignment ([`word_vectors`]).
//!
//! **Features** ([`encoder_features`]), all symmetric in the two sentences:
//!
//! * `enc_cosine`: cosine of the two sentence embeddings;
//! * a BERTScore-like soft alignment: each word of one sentence is matched greedily with the
//!   word of the other of highest cosine; `R = Σ_a w(a)·max_b cos(a, b) / Σ_a w(a)` over the words
//!   of A, `P` the same over the words of B, with `w` the IDF weight of the lowercased word
//!   ([`Idf::weight`]; words without a letter or digit weigh 0). `enc_align_f` is `2PR/(P+R)`,
//!   `enc_align_min` is `min(P, R)`;
//! * `enc_new_mass`: the larger over the two sides of the IDF share of words whose best cosine is
//!   below [`NEW_WORD_COSINE`] (content the other sentence does not say in any form).
//!
//! The [`Encoder`] itself needs the cargo feature `encoder` (on by default in the CLI);
//! [`Encoding`] and the feature math do not.

use super::Idf;

/// Best word cosine below which a word counts as new content (`enc_new_mass`).
pub const NEW_WORD_COSINE: f32 = 0.5;

/// Longest input in tokens (`[CLS]` and `[SEP]` included) when the model folder does not say
/// (`max_seq_length` of `sentence_bert_config.json`, 256 for all-MiniLM-L6-v2).
pub const DEFAULT_MAX_TOKENS: usize = 256;

/// Number of encoder features ([`encoder_features`]).
pub const NUM_ENC: usize = 4;

/// An error while loading or running the encoder.
#[derive(Debug, thiserror::Error)]
pub enum EncoderError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The model folder is not in the expected format.
    #[error("invalid encoder model: {0}")]
    Format(String),
    /// The tokenizer failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The transformer failed.
    #[error("encoder: {0}")]
    Model(String),
    /// The library was built without the `encoder` feature.
    #[error("storyfold was built without the `encoder` feature")]
    Disabled,
}

/// The encoder's view of one sentence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Encoding {
    /// Unit-length sentence embedding (mean of the token vectors); empty for no input.
    pub sentence: Vec<f32>,
    /// The words of the sentence that fit in the model's input, lowercased, in order.
    pub words: Vec<String>,
    /// One unit-length vector per word (row-major, `words.len() × dim`).
    pub word_vectors: Vec<f32>,
}

impl Encoding {
    /// Vector dimension (0 for an empty encoding).
    pub fn dim(&self) -> usize {
        self.sentence.len()
    }

    /// The vector of word `i`.
    pub fn word(&self, i: usize) -> &[f32] {
        let d = self.dim();
        &self.word_vectors[i * d..(i + 1) * d]
    }
}

fn normalize(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 && n.is_finite() {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// Unit-length mean of the first `len` rows of a row-major `rows × dim` matrix (the masked mean
/// pooling of sentence-transformers, then L2 normalization); empty when `len` or `dim` is 0.
pub fn mean_pool(hidden: &[f32], dim: usize, len: usize) -> Vec<f32> {
    if dim == 0 || len == 0 || hidden.len() < dim * len {
        return Vec::new();
    }
    let mut m = vec![0.0f32; dim];
    for row in hidden[..dim * len].chunks_exact(dim) {
        m.iter_mut().zip(row).for_each(|(x, v)| *x += v);
    }
    m.iter_mut().for_each(|x| *x /= len as f32);
    normalize(&mut m);
    m
}

/// Per-word unit vectors: the mean of the rows of the tokens with the same word id (`None` for
/// special tokens, which are skipped), in the order of the words' first tokens; returns the word
/// ids in that order and the row-major vectors.
pub fn word_vectors(hidden: &[f32], dim: usize, word_ids: &[Option<u32>]) -> (Vec<u32>, Vec<f32>) {
    let mut ids: Vec<u32> = Vec::new();
    let mut out: Vec<f32> = Vec::new();
    let mut count = 0usize;
    let flush = |out: &mut Vec<f32>, count: usize| {
        if count > 0 {
            let start = out.len() - dim;
            let last = &mut out[start..];
            last.iter_mut().for_each(|x| *x /= count as f32);
            normalize(last);
        }
    };
    for (t, w) in word_ids.iter().enumerate() {
        let Some(w) = *w else { continue };
        let Some(row) = hidden.get(t * dim..(t + 1) * dim) else {
            break;
        };
        if ids.last() == Some(&w) {
            out.iter_mut()
                .rev()
                .take(dim)
                .zip(row.iter().rev())
                .for_each(|(x, v)| *x += v);
            count += 1;
        } else {
            flush(&mut out, count);
            ids.push(w);
            out.extend_from_slice(row);
            count = 1;
        }
    }
    flush(&mut out, count);
    (ids, out)
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// IDF weight of an encoder word: 0 without a letter or digit (punctuation).
fn word_weight(word: &str, idf: &Idf) -> f64 {
    if word.chars().any(char::is_alphanumeric) {
        idf.weight(word)
    } else {
        0.0
    }
}

/// The [`NUM_ENC`] encoder features of a pair, in the order of the [module docs](self):
/// `enc_cosine`, `enc_align_f`, `enc_align_min`, `enc_new_mass`. All 0 when either side has no
/// sentence vector; the alignment features are 0 when either side has no weighted word.
pub fn encoder_features(a: &Encoding, b: &Encoding, idf: &Idf) -> [f64; NUM_ENC] {
    let d = a.dim();
    if d == 0 || b.dim() != d {
        return [0.0; NUM_ENC];
    }
    let cos = dot(&a.sentence, &b.sentence) as f64;
    let wa: Vec<f64> = a.words.iter().map(|w| word_weight(w, idf)).collect();
    let wb: Vec<f64> = b.words.iter().map(|w| word_weight(w, idf)).collect();
    let mut best_a = vec![f32::NEG_INFINITY; a.words.len()];
    let mut best_b = vec![f32::NEG_INFINITY; b.words.len()];
    for (i, ba) in best_a.iter_mut().enumerate() {
        let x = a.word(i);
        for (j, bb) in best_b.iter_mut().enumerate() {
            let c = dot(x, b.word(j));
            *ba = ba.max(c);
            *bb = bb.max(c);
        }
    }
    let side = |w: &[f64], best: &[f32]| -> Option<(f64, f64)> {
        let total: f64 = w.iter().sum();
        if total <= 0.0 {
            return None;
        }
        let matched: f64 = w.iter().zip(best).map(|(w, &c)| w * c as f64).sum();
        let new: f64 = w
            .iter()
            .zip(best)
            .filter(|(_, &c)| c < NEW_WORD_COSINE)
            .map(|(w, _)| w)
            .sum();
        Some((matched / total, new / total))
    };
    let (f, min, new) = match (side(&wa, &best_a), side(&wb, &best_b)) {
        (Some((r, new_a)), Some((p, new_b))) => {
            let f = if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            };
            (f, p.min(r), new_a.max(new_b))
        }
        _ => (0.0, 0.0, 0.0),
    };
    let clean = |x: f64| if x.is_finite() { x } else { 0.0 };
    [clean(cos), clean(f), clean(min), clean(new)]
}

#[cfg(feature = "encoder")]
pub use model::Encoder;

/// The linear layers of one BERT layer (names under `encoder.layer.N.`) and their weight
/// shapes `[out, in]` for hidden size `h` and feed-forward size `i`; each has a bias `[out]`.
#[cfg(feature = "encoder")]
pub(crate) fn bert_layer_linears(h: usize, i: usize) -> [(&'static str, [usize; 2]); 6] {
    [
        ("attention.self.query", [h, h]),
        ("attention.self.key", [h, h]),
        ("attention.self.value", [h, h]),
        ("attention.output.dense", [h, h]),
        ("intermediate.dense", [i, h]),
        ("output.dense", [h, i]),
    ]
}

/// Stand-in for the encoder when the library is built without the `encoder` feature: loading
/// it fails with [`EncoderError::Disabled`].
#[cfg(not(feature = "encoder"))]
pub struct Encoder(std::convert::Infallible);

#[cfg(not(feature = "encoder"))]
impl Encoder {
    /// Always [`EncoderError::Disabled`].
    pub fn load(_dir: &std::path::Path) -> Result<Self, EncoderError> {
        Err(EncoderError::Disabled)
    }

    /// Never called (no value exists).
    pub fn dim(&self) -> usize {
        match self.0 {}
    }

    /// Never called (no value exists).
    pub fn max_tokens(&self) -> usize {
        match self.0 {}
    }

    /// Never called (no value exists).
    pub fn token_ids(&self, _text: &str) -> Result<Vec<u32>, EncoderError> {
        match self.0 {}
    }

    /// Never called (no value exists).
    pub fn encode(&self, _texts: &[&str]) -> Result<Vec<Encoding>, EncoderError> {
        match self.0 {}
    }
}

/// The encoder itself (feature `encoder`).
#[cfg(feature = "encoder")]
mod model {
    use std::path::Path;

    use candle_core::{DType, Device, Tensor};
    use candle_nn::VarBuilder;
    use candle_transformers::models::bert::{BertModel, Config};
    use tokenizers::{Tokenizer, TruncationParams};

    use super::{mean_pool, word_vectors, EncoderError, Encoding, DEFAULT_MAX_TOKENS};

    /// Sentences per forward pass (sorted by length first, so padding stays small).
    const BATCH: usize = 32;

    /// A loaded sentence encoder (see the [module docs](super)).
    pub struct Encoder {
        model: BertModel,
        tokenizer: Tokenizer,
        device: Device,
        dim: usize,
        max_tokens: usize,
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EncoderError + '_ {
        move |source| EncoderError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    fn model_err(e: candle_core::Error) -> EncoderError {
        EncoderError::Model(e.to_string())
    }

    impl Encoder {
        /// Load a sentence-transformers BERT folder (`config.json`, `tokenizer.json`,
        /// `model.safetensors`, optional `sentence_bert_config.json`) from a local directory.
        pub fn load(dir: &Path) -> Result<Self, EncoderError> {
            let config_path = dir.join("config.json");
            let config_text = std::fs::read_to_string(&config_path).map_err(io(&config_path))?;
            let config: Config = serde_json::from_str(&config_text)
                .map_err(|e| EncoderError::Format(format!("config.json: {e}")))?;
            let st_config = dir.join("sentence_bert_config.json");
            let max_seq = match std::fs::read_to_string(&st_config) {
                Ok(text) => serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v["max_seq_length"].as_u64())
                    .map_or(DEFAULT_MAX_TOKENS, |n| n as usize),
                Err(_) => DEFAULT_MAX_TOKENS,
            };
            let max_tokens = max_seq.min(config.max_position_embeddings).max(2);
            let tok_path = dir.join("tokenizer.json");
            if !tok_path.is_file() {
                return Err(EncoderError::Io {
                    path: tok_path.display().to_string(),
                    source: std::io::Error::from(std::io::ErrorKind::NotFound),
                });
            }
            let mut tokenizer = Tokenizer::from_file(&tok_path)
                .map_err(|e| EncoderError::Format(format!("tokenizer.json: {e}")))?;
            tokenizer
                .with_truncation(Some(TruncationParams {
                    max_length: max_tokens,
                    ..TruncationParams::default()
                }))
                .map_err(|e| EncoderError::Format(format!("tokenizer.json: {e}")))?;
            tokenizer.with_padding(None);
            let weights_path = dir.join("model.safetensors");
            let weights = std::fs::read(&weights_path).map_err(io(&weights_path))?;
            let device = Device::Cpu;
            let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
                .map_err(model_err)?;
            let model = BertModel::load(vb, &config).map_err(model_err)?;
            Ok(Encoder {
                model,
                tokenizer,
                device,
                dim: config.hidden_size,
                max_tokens,
            })
        }

        /// Vector dimension.
        pub fn dim(&self) -> usize {
            self.dim
        }

        /// Longest input in tokens (`[CLS]` and `[SEP]` included).
        pub fn max_tokens(&self) -> usize {
            self.max_tokens
        }

        /// The token ids the model sees for a text (`[CLS]`, pieces, `[SEP]`, truncated).
        pub fn token_ids(&self, text: &str) -> Result<Vec<u32>, EncoderError> {
            let e = self
                .tokenizer
                .encode(text, true)
                .map_err(|e| EncoderError::Tokenizer(e.to_string()))?;
            Ok(e.get_ids().to_vec())
        }

        /// Encode sentences (in batches of similar length); one [`Encoding`] per input, in order.
        pub fn encode(&self, texts: &[&str]) -> Result<Vec<Encoding>, EncoderError> {
            let tokenized = self
                .tokenizer
                .encode_batch(texts.to_vec(), true)
                .map_err(|e| EncoderError::Tokenizer(e.to_string()))?;
            let mut order: Vec<usize> = (0..texts.len()).collect();
            order.sort_by_key(|&i| tokenized[i].get_ids().len());
            let mut out = vec![Encoding::default(); texts.len()];
            for chunk in order.chunks(BATCH) {
                let len = chunk
                    .iter()
                    .map(|&i| tokenized[i].get_ids().len())
                    .max()
                    .unwrap_or(0);
                if len == 0 {
                    continue;
                }
                let mut ids = vec![0u32; chunk.len() * len];
                let mut mask = vec![0u32; chunk.len() * len];
                for (r, &i) in chunk.iter().enumerate() {
                    let t = tokenized[i].get_ids();
                    ids[r * len..r * len + t.len()].copy_from_slice(t);
                    mask[r * len..r * len + t.len()]
                        .iter_mut()
                        .for_each(|m| *m = 1);
                }
                let shape = (chunk.len(), len);
                let ids = Tensor::from_vec(ids, shape, &self.device).map_err(model_err)?;
                let mask = Tensor::from_vec(mask, shape, &self.device).map_err(model_err)?;
                let types = ids.zeros_like().map_err(model_err)?;
                let hidden = self
                    .model
                    .forward(&ids, &types, Some(&mask))
                    .and_then(|h| h.flatten_all())
                    .and_then(|h| h.to_vec1::<f32>())
                    .map_err(model_err)?;
                let per = len * self.dim;
                if hidden.len() != chunk.len() * per {
                    return Err(EncoderError::Model(format!(
                        "unexpected output size {} for {} × {len} × {}",
                        hidden.len(),
                        chunk.len(),
                        self.dim
                    )));
                }
                for (r, &i) in chunk.iter().enumerate() {
                    let t = &tokenized[i];
                    let rows = &hidden[r * per..(r + 1) * per];
                    let n = t.get_ids().len();
                    let (word_ids, vectors) = word_vectors(rows, self.dim, t.get_word_ids());
                    let words = word_ids
                        .iter()
                        .map(|&w| word_text(texts[i], t, w))
                        .collect();
                    out[i] = Encoding {
                        sentence: mean_pool(rows, self.dim, n),
                        words,
                        word_vectors: vectors,
                    };
                }
            }
            Ok(out)
        }
    }

    /// The lowercased text of word `w` (from its tokens' byte offsets in `text`).
    fn word_text(text: &str, t: &tokenizers::Encoding, w: u32) -> String {
        let (mut start, mut end) = (usize::MAX, 0);
        for (wid, &(s, e)) in t.get_word_ids().iter().zip(t.get_offsets()) {
            if *wid == Some(w) {
                start = start.min(s);
                end = end.max(e);
            }
        }
        text.get(start..end).unwrap_or("").to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_pool_averages_the_unmasked_rows_and_normalizes() {
        // 3 rows of dim 2, only the first 2 are tokens (the third is padding).
        let h = [3.0, 0.0, 1.0, 4.0, 100.0, 100.0];
        let m = mean_pool(&h, 2, 2);
        // mean (2, 2) → unit length (1/√2, 1/√2)
        assert!((m[0] - 0.5f32.sqrt()).abs() < 1e-6 && (m[1] - 0.5f32.sqrt()).abs() < 1e-6);
        assert!(mean_pool(&h, 2, 0).is_empty());
        assert!(mean_pool(&h, 2, 4).is_empty());
        assert_eq!(mean_pool(&[0.0, 0.0], 2, 1), vec![0.0, 0.0]);
    }

    #[test]
    fn word_vectors_average_the_pieces_of_a_word() {
        // [CLS] un ##do it [SEP], dim 2
        let h = [9.0, 9.0, 1.0, 0.0, 0.0, 1.0, 0.0, 2.0, 9.0, 9.0];
        let ids = [None, Some(0), Some(0), Some(1), None];
        let (w, v) = word_vectors(&h, 2, &ids);
        assert_eq!(w, vec![0, 1]);
        let s = 0.5f32.sqrt();
        assert!((v[0] - s).abs() < 1e-6 && (v[1] - s).abs() < 1e-6, "{v:?}");
        assert_eq!(&v[2..], &[0.0, 1.0]);
        // Word ids past the rows are ignored rather than read out of bounds.
        let (w, _) = word_vectors(&h[..4], 2, &ids);
        assert_eq!(w, vec![0]);
    }

    fn enc(sentence: [f32; 2], words: &[(&str, [f32; 2])]) -> Encoding {
        let mut e = Encoding {
            sentence: sentence.to_vec(),
            words: words.iter().map(|(w, _)| w.to_string()).collect(),
            word_vectors: words.iter().flat_map(|(_, v)| *v).collect(),
        };
        normalize(&mut e.sentence);
        for c in e.word_vectors.chunks_mut(2) {
            normalize(c);
        }
        e
    }

    #[test]
    fn features_of_identical_and_disjoint_encodings() {
        let idf = Idf::builtin();
        let a = enc([1.0, 0.0], &[("profit", [1.0, 0.0]), ("rose", [0.0, 1.0])]);
        let f = encoder_features(&a, &a, &idf);
        for x in &f[..3] {
            assert!((x - 1.0).abs() < 1e-6, "{f:?}");
        }
        assert_eq!(f[3], 0.0);
        let b = enc([-1.0, 0.0], &[("snow", [-1.0, 0.0]), (",", [1.0, 0.0])]);
        let f = encoder_features(&a, &b, &idf);
        assert!((f[0] + 1.0).abs() < 1e-6, "{f:?}");
        // "snow" (the only weighted word of b) has best cosine 0 (against "rose"): all new.
        assert!(f[2] <= 0.0 + 1e-6 && (f[3] - 1.0).abs() < 1e-9, "{f:?}");
        assert_eq!(
            encoder_features(&a, &b, &idf),
            encoder_features(&a, &b, &idf)
        );
        let g = encoder_features(&b, &a, &idf);
        for (x, y) in f.iter().zip(&g) {
            assert!((x - y).abs() < 1e-9, "not symmetric: {f:?} {g:?}");
        }
        assert_eq!(
            encoder_features(&Encoding::default(), &a, &idf),
            [0.0; NUM_ENC]
        );
    }
}

/// Test fixtures (for this crate's tests and, with the cargo feature `testing`, for other
/// crates' tests): a tiny random BERT folder with the layout of all-MiniLM-L6-v2 and an
/// 11-word vocabulary (`the cat sat un ##believ ##able .`), written to a folder.
#[cfg(all(feature = "encoder", any(test, feature = "testing")))]
#[doc(hidden)]
pub mod testing {
    use std::collections::HashMap;
    use std::path::Path;

    use candle_core::{DType, Device, Tensor};

    const TOKENIZER: &str = r###"{"version":"1.0","truncation":null,"padding":null,"added_tokens":[
    {"id":0,"special":true,"content":"[PAD]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false},
    {"id":1,"special":true,"content":"[UNK]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false},
    {"id":2,"special":true,"content":"[CLS]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false},
    {"id":3,"special":true,"content":"[SEP]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false}],
  "normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true},
  "pre_tokenizer":{"type":"BertPreTokenizer"},
  "post_processor":{"type":"TemplateProcessing",
    "single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}}],
    "pair":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}},{"Sequence":{"id":"B","type_id":1}},{"SpecialToken":{"id":"[SEP]","type_id":1}}],
    "special_tokens":{"[CLS]":{"id":"[CLS]","ids":[2],"tokens":["[CLS]"]},"[SEP]":{"id":"[SEP]","ids":[3],"tokens":["[SEP]"]}}},
  "decoder":{"type":"WordPiece","prefix":"##","cleanup":true},
  "model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,
    "vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"the":4,"cat":5,"sat":6,"un":7,"##believ":8,"##able":9,".":10}}}"###;

    const CONFIG: &str = r#"{"vocab_size":11,"hidden_size":8,"num_hidden_layers":1,
        "num_attention_heads":2,"intermediate_size":16,"hidden_act":"gelu",
        "hidden_dropout_prob":0.1,"max_position_embeddings":16,"type_vocab_size":2,
        "initializer_range":0.02,"layer_norm_eps":1e-12,"pad_token_id":0}"#;

    /// Write a tiny model with deterministic pseudo-random weights.
    pub fn tiny_model(dir: &Path, max_seq_length: Option<usize>) {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut tensor = |shape: &[usize]| {
            let n: usize = shape.iter().product();
            let v: Vec<f32> = (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    ((seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.8
                })
                .collect();
            Tensor::from_vec(v, shape, &Device::Cpu).expect("tensor")
        };
        let mut t: HashMap<String, Tensor> = HashMap::new();
        let (h, i) = (8, 16);
        t.insert("embeddings.word_embeddings.weight".into(), tensor(&[11, h]));
        t.insert(
            "embeddings.position_embeddings.weight".into(),
            tensor(&[16, h]),
        );
        t.insert(
            "embeddings.token_type_embeddings.weight".into(),
            tensor(&[2, h]),
        );
        let p = "encoder.layer.0.";
        for (name, shape) in super::bert_layer_linears(h, i) {
            t.insert(format!("{p}{name}.weight"), tensor(&shape));
            t.insert(format!("{p}{name}.bias"), tensor(&[shape[0]]));
        }
        for ln in [
            "embeddings.LayerNorm".to_string(),
            format!("{p}attention.output.LayerNorm"),
            format!("{p}output.LayerNorm"),
        ] {
            t.insert(
                format!("{ln}.weight"),
                Tensor::ones(h, DType::F32, &Device::Cpu).expect("ones"),
            );
            t.insert(format!("{ln}.bias"), tensor(&[h]));
        }
        candle_core::safetensors::save(&t, dir.join("model.safetensors")).expect("save");
        std::fs::write(dir.join("config.json"), CONFIG).expect("write");
        std::fs::write(dir.join("tokenizer.json"), TOKENIZER).expect("write");
        if let Some(n) = max_seq_length {
            let st = format!(r#"{{"max_seq_length": {n}, "do_lower_case": false}}"#);
            std::fs::write(dir.join("sentence_bert_config.json"), st).expect("write");
        }
    }

    /// [`tiny_model`] with a classifier head (a fixed pattern of weights times `scale`, large
    /// enough at 0.4 to tell pairs apart) and a `cross_config.json` with `threshold`: a trained
    /// cross-encoder folder.
    pub fn tiny_cross_model(dir: &Path, threshold: f64, scale: f32) {
        tiny_model(dir, None);
        let path = dir.join("model.safetensors");
        let mut t = candle_core::safetensors::load(&path, &Device::Cpu).expect("load");
        let w: Vec<f32> = (0..16)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) * scale)
            .collect();
        t.insert(
            "classifier.weight".into(),
            Tensor::from_vec(w, (2, 8), &Device::Cpu).expect("tensor"),
        );
        t.insert(
            "classifier.bias".into(),
            Tensor::new(&[0.1f32, -0.1], &Device::Cpu).expect("tensor"),
        );
        candle_core::safetensors::save(&t, &path).expect("save");
        let config = format!(r#"{{"max_tokens": 128, "threshold": {threshold}}}"#);
        std::fs::write(dir.join("cross_config.json"), config).expect("write");
    }
}

/// Tests of the encoder on a tiny random BERT written to a temporary folder (no real model
/// needed): tokenization, truncation, padding invariance, pooling, errors.
#[cfg(all(test, feature = "encoder"))]
mod model_tests {
    use super::testing::tiny_model;
    use super::*;

    fn load(max_seq_length: Option<usize>) -> (tempfile::TempDir, Encoder) {
        let dir = tempfile::tempdir().expect("tempdir");
        tiny_model(dir.path(), max_seq_length);
        let e = Encoder::load(dir.path()).expect("tiny model loads");
        (dir, e)
    }

    #[test]
    fn token_ids_wordpiece_with_cls_sep_and_truncation() {
        let (_d, e) = load(None);
        assert_eq!(e.dim(), 8);
        assert_eq!(e.max_tokens(), 16); // capped by max_position_embeddings
        assert_eq!(
            e.token_ids("The CAT unbelievable.").expect("ids"),
            vec![2, 4, 5, 7, 8, 9, 10, 3]
        );
        assert_eq!(e.token_ids("the dog").expect("ids"), vec![2, 4, 1, 3]);
        assert_eq!(e.token_ids("").expect("ids"), vec![2, 3]);
        let (_d, e) = load(Some(5));
        assert_eq!(e.max_tokens(), 5);
        assert_eq!(
            e.token_ids("the cat sat the cat").expect("ids"),
            vec![2, 4, 5, 6, 3]
        );
    }

    #[test]
    fn encodings_do_not_depend_on_the_batch_and_words_are_pooled() {
        let (_d, e) = load(None);
        let short = "The cat.";
        let long = "the cat sat unbelievable . the cat sat the cat";
        let alone = e.encode(&[short]).expect("encode");
        let batch = e.encode(&[long, short, ""]).expect("encode");
        assert_eq!(batch.len(), 3);
        for (x, y) in alone[0].sentence.iter().zip(&batch[1].sentence) {
            assert!((x - y).abs() < 1e-5, "padding changed the embedding");
        }
        let norm: f32 = batch[0].sentence.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert_eq!(alone[0].words, vec!["the", "cat", "."]);
        let w = e.encode(&["The unbelievable cat"]).expect("encode");
        assert_eq!(w[0].words, vec!["the", "unbelievable", "cat"]);
        assert_eq!(w[0].word_vectors.len(), 3 * 8);
        // The empty sentence still has [CLS] and [SEP]: a vector, no words.
        assert_eq!(batch[2].sentence.len(), 8);
        assert!(batch[2].words.is_empty());
        let f = encoder_features(&alone[0], &batch[1], &Idf::builtin());
        assert!(
            (f[0] - 1.0).abs() < 1e-5 && (f[1] - 1.0).abs() < 1e-5,
            "{f:?}"
        );
        assert!(e.encode(&[]).expect("encode").is_empty());
    }

    #[test]
    fn missing_or_malformed_models_are_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            Encoder::load(&dir.path().join("nope")),
            Err(EncoderError::Io { .. })
        ));
        tiny_model(dir.path(), None);
        std::fs::write(dir.path().join("config.json"), "{").expect("write");
        assert!(matches!(
            Encoder::load(dir.path()),
            Err(EncoderError::Format(_))
        ));
        tiny_model(dir.path(), None);
        std::fs::write(dir.path().join("model.safetensors"), b"not a model").expect("write");
        assert!(matches!(
            Encoder::load(dir.path()),
            Err(EncoderError::Model(_))
        ));
        tiny_model(dir.path(), None);
        std::fs::write(dir.path().join("tokenizer.json"), "[]").expect("write");
        assert!(matches!(
            Encoder::load(dir.path()),
            Err(EncoderError::Format(_))
        ));
    }
}
