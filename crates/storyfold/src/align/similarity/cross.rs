//! A cross-encoder for the paraphrase decision, for inference: load a fine-tuned model folder and
//! score sentence pairs with it. The two sentences go together through a BERT
//! (`[CLS] a [SEP] b [SEP]`), so that every word of one attends to every word of the other.
//! Fine-tuning one is `storyfold-train train-cross`.
//!
//! **Why.** A frozen bi-encoder sees each sentence alone; a cross-encoder attends from every
//! word of one sentence to every word of the other, so it can see the one detail or extra clause
//! that makes MRPC's near-miss pairs non-paraphrases. See the figures in docs/evaluation.md.
//!
//! **Model.** A sentence-transformers BERT (all-MiniLM-L6-v2: 6 layers, 384 dimensions, 12
//! heads, the base [`super::Encoder`] reads) fine-tuned with a 2-logit head. Pairs are tokenized
//! as a pair (token types 0/1) by the folder's `tokenizer.json`, truncated to
//! [`CrossEncoder::max_tokens`] (longest side first), and run through candle-transformers'
//! `BertModel` in batches of pairs of similar length (padding masked out). The head is the
//! masked mean of the last layer's token vectors ([`masked_mean`]: padding excluded, as the base
//! model was trained) through a linear layer to 2 logits; the score is the softmax probability
//! of the "paraphrase" logit.
//!
//! **Model folder** ([`CrossFolder`]): `model.safetensors` (the base's names plus
//! `classifier.weight` `[2, hidden]` and `classifier.bias` `[2]`), the base's `config.json` and
//! `tokenizer.json`, and `cross_config.json` (`max_tokens`, `threshold`). Training reads its
//! base model through the same [`CrossFolder`], [`CrossFolder::tokenize`], [`pad`] and
//! [`masked_mean`], so that the two sides agree on the format and the inputs.
//!
//! Everything but [`both_ways`], [`ensemble`], [`DEFAULT_CROSS_THRESHOLD`] and
//! [`DEFAULT_CROSS_MAX_TOKENS`] needs the cargo feature `encoder`; without it
//! [`CrossEncoder::load`] fails with [`EncoderError::Disabled`](super::EncoderError::Disabled).

/// The cross-encoder's score of a pair taken both ways round, from its scores `(p(a, b),
/// p(b, a))`: their mean.
pub fn both_ways((ab, ba): (f64, f64)) -> f64 {
    (ab + ba) / 2.0
}

/// The scores of an ensemble of cross-encoders (say, trained with different seeds) from each
/// member's scores of the same pairs: the per-pair mean (over the shortest member's pairs; empty
/// without members). Members that err on different pairs average their errors out.
pub fn ensemble(members: &[Vec<f64>]) -> Vec<f64> {
    let n = members.iter().map(Vec::len).min().unwrap_or(0);
    (0..n)
        .map(|i| members.iter().map(|m| m[i]).sum::<f64>() / members.len() as f64)
        .collect()
}

/// Probability at or above which the cross-encoder calls a pair a paraphrase, unless the saved
/// model says otherwise (the argmax of the two logits).
pub const DEFAULT_CROSS_THRESHOLD: f64 = 0.5;

/// Longest pair in tokens (`[CLS]` and both `[SEP]`s included) unless the saved model or the
/// caller says otherwise.
pub const DEFAULT_CROSS_MAX_TOKENS: usize = 128;

#[cfg(feature = "encoder")]
pub use model::{masked_mean, pad, CrossEncoder, CrossFolder, PairTokens};

#[cfg(not(feature = "encoder"))]
pub use disabled::CrossEncoder;

/// Stand-in for the cross-encoder when the library is built without the `encoder` feature.
#[cfg(not(feature = "encoder"))]
mod disabled {
    use super::super::EncoderError;

    /// Stand-in for the cross-encoder: loading it fails with [`EncoderError::Disabled`].
    pub struct CrossEncoder(std::convert::Infallible);

    impl CrossEncoder {
        /// Always [`EncoderError::Disabled`].
        pub fn load(
            _dir: &std::path::Path,
            _max_tokens: Option<usize>,
        ) -> Result<Self, EncoderError> {
            Err(EncoderError::Disabled)
        }

        /// Never called (no value exists).
        pub fn threshold(&self) -> f64 {
            match self.0 {}
        }

        /// Never called (no value exists).
        pub fn score_both_ways(&self, _pairs: &[(&str, &str)]) -> Result<Vec<f64>, EncoderError> {
            match self.0 {}
        }
    }
}

/// The cross-encoder itself (feature `encoder`).
#[cfg(feature = "encoder")]
mod model {
    use std::collections::HashMap;
    use std::path::Path;

    use candle_core::{DType, Device, Tensor, D};
    use candle_nn::VarBuilder;
    use candle_transformers::models::bert::{BertModel, Config};
    use tokenizers::{Tokenizer, TruncationParams, TruncationStrategy};

    use super::{DEFAULT_CROSS_MAX_TOKENS, DEFAULT_CROSS_THRESHOLD};
    use crate::align::similarity::encoder::bert_layer_linears;
    use crate::align::similarity::EncoderError;

    /// Pairs per forward pass at inference.
    const INFER_BATCH: usize = 32;

    fn model_err(e: candle_core::Error) -> EncoderError {
        EncoderError::Model(e.to_string())
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EncoderError + '_ {
        move |source| EncoderError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// A cross-encoder model folder, read and checked (see the [module docs](super)): a base
    /// BERT folder, or one with a trained head.
    #[derive(Clone)]
    pub struct CrossFolder {
        /// `config.json`, parsed.
        pub config: Config,
        /// `config.json` as read (written back unchanged by training).
        pub config_text: String,
        /// The pair tokenizer: truncation to `max_tokens` (longest side first), no padding.
        pub tokenizer: Tokenizer,
        /// `tokenizer.json` as read.
        pub tokenizer_text: String,
        /// Longest pair in tokens.
        pub max_tokens: usize,
        /// Probability at or above which a pair is a paraphrase.
        pub threshold: f64,
        /// The BERT's weights by safetensors name (each checked against `config.json`'s sizes;
        /// other tensors of the file, such as a pooler, are left out), and `classifier.weight`
        /// and `classifier.bias` when the folder has a head.
        pub weights: HashMap<String, Tensor>,
    }

    /// A tokenized pair.
    #[derive(Clone, Debug)]
    pub struct PairTokens {
        /// Token ids (`[CLS] a [SEP] b [SEP]`).
        pub ids: Vec<u32>,
        /// Token types (0 for `a`, 1 for `b`).
        pub types: Vec<u32>,
    }

    /// Name of the word-piece embedding table.
    pub(crate) const WORD_EMBEDDINGS: &str = "embeddings.word_embeddings.weight";

    /// The names and shapes of a BERT's weights for `config`.
    fn bert_shapes(config: &Config) -> Vec<(String, Vec<usize>)> {
        let h = config.hidden_size;
        let mut expected: Vec<(String, Vec<usize>)> = vec![
            (WORD_EMBEDDINGS.into(), vec![config.vocab_size, h]),
            (
                "embeddings.position_embeddings.weight".into(),
                vec![config.max_position_embeddings, h],
            ),
            (
                "embeddings.token_type_embeddings.weight".into(),
                vec![config.type_vocab_size, h],
            ),
            ("embeddings.LayerNorm.weight".into(), vec![h]),
            ("embeddings.LayerNorm.bias".into(), vec![h]),
        ];
        for l in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{l}.");
            for (name, shape) in bert_layer_linears(h, config.intermediate_size) {
                expected.push((format!("{p}{name}.weight"), shape.to_vec()));
                expected.push((format!("{p}{name}.bias"), vec![shape[0]]));
            }
            for ln in ["attention.output.LayerNorm", "output.LayerNorm"] {
                expected.push((format!("{p}{ln}.weight"), vec![h]));
                expected.push((format!("{p}{ln}.bias"), vec![h]));
            }
        }
        expected
    }

    impl CrossFolder {
        /// Read a BERT folder (`config.json`, `tokenizer.json`, `model.safetensors`, optional
        /// `cross_config.json`). `max_tokens` overrides the saved or default
        /// ([`DEFAULT_CROSS_MAX_TOKENS`]) input length; it is capped by the position table.
        pub fn read(dir: &Path, max_tokens: Option<usize>) -> Result<Self, EncoderError> {
            let config_path = dir.join("config.json");
            let config_text = std::fs::read_to_string(&config_path).map_err(io(&config_path))?;
            let config: Config = serde_json::from_str(&config_text)
                .map_err(|e| EncoderError::Format(format!("config.json: {e}")))?;
            if config.num_attention_heads == 0
                || !config
                    .hidden_size
                    .is_multiple_of(config.num_attention_heads)
            {
                return Err(EncoderError::Format(
                    "config.json: hidden_size is not a multiple of num_attention_heads".into(),
                ));
            }
            let cross_path = dir.join("cross_config.json");
            let saved: Option<serde_json::Value> = match std::fs::read_to_string(&cross_path) {
                Ok(text) => Some(
                    serde_json::from_str(&text)
                        .map_err(|e| EncoderError::Format(format!("cross_config.json: {e}")))?,
                ),
                Err(_) => None,
            };
            let threshold = saved
                .as_ref()
                .and_then(|v| v["threshold"].as_f64())
                .filter(|t| t.is_finite())
                .unwrap_or(DEFAULT_CROSS_THRESHOLD);
            let max_tokens = max_tokens
                .or_else(|| {
                    saved
                        .as_ref()
                        .and_then(|v| v["max_tokens"].as_u64())
                        .map(|n| n as usize)
                })
                .unwrap_or(DEFAULT_CROSS_MAX_TOKENS)
                .min(config.max_position_embeddings)
                .max(3);
            let tok_path = dir.join("tokenizer.json");
            let tokenizer_text = std::fs::read_to_string(&tok_path).map_err(io(&tok_path))?;
            let mut tokenizer = Tokenizer::from_bytes(tokenizer_text.as_bytes())
                .map_err(|e| EncoderError::Format(format!("tokenizer.json: {e}")))?;
            tokenizer
                .with_truncation(Some(TruncationParams {
                    max_length: max_tokens,
                    strategy: TruncationStrategy::LongestFirst,
                    ..TruncationParams::default()
                }))
                .map_err(|e| EncoderError::Format(format!("tokenizer.json: {e}")))?;
            tokenizer.with_padding(None);
            let weights_path = dir.join("model.safetensors");
            let bytes = std::fs::read(&weights_path).map_err(io(&weights_path))?;
            let mut tensors =
                candle_core::safetensors::load_buffer(&bytes, &Device::Cpu).map_err(model_err)?;
            let take = |tensors: &mut HashMap<String, Tensor>,
                        name: &str,
                        shape: &[usize]|
             -> Result<Tensor, EncoderError> {
                let t = tensors.remove(name).ok_or_else(|| {
                    EncoderError::Format(format!("model.safetensors: no tensor {name}"))
                })?;
                if t.dims() != shape {
                    return Err(EncoderError::Format(format!(
                        "model.safetensors: {name} has shape {:?}, expected {shape:?}",
                        t.dims()
                    )));
                }
                Ok(t)
            };
            let mut weights = HashMap::new();
            for (name, shape) in bert_shapes(&config) {
                let t = take(&mut tensors, &name, &shape)?;
                weights.insert(name, t);
            }
            let h = config.hidden_size;
            if tensors.contains_key("classifier.weight") && tensors.contains_key("classifier.bias")
            {
                for (name, shape) in [
                    ("classifier.weight", vec![2, h]),
                    ("classifier.bias", vec![2]),
                ] {
                    let t = take(&mut tensors, name, &shape)?;
                    weights.insert(name.to_string(), t);
                }
            }
            Ok(CrossFolder {
                config,
                config_text,
                tokenizer,
                tokenizer_text,
                max_tokens,
                threshold,
                weights,
            })
        }

        /// Whether the folder has a classifier head (a trained cross-encoder; a base encoder
        /// folder has none).
        pub fn has_head(&self) -> bool {
            self.weights.contains_key("classifier.weight")
                && self.weights.contains_key("classifier.bias")
        }

        /// Tokenize sentence pairs as pairs, truncated to `max_tokens`.
        pub fn tokenize(&self, pairs: &[(&str, &str)]) -> Result<Vec<PairTokens>, EncoderError> {
            let inputs: Vec<tokenizers::EncodeInput> =
                pairs.iter().map(|&(a, b)| (a, b).into()).collect();
            let enc = self
                .tokenizer
                .encode_batch(inputs, true)
                .map_err(|e| EncoderError::Tokenizer(e.to_string()))?;
            Ok(enc
                .into_iter()
                .map(|e| PairTokens {
                    ids: e.get_ids().to_vec(),
                    types: e.get_type_ids().to_vec(),
                })
                .collect())
        }
    }

    /// Id, type and mask tensors `(batch, longest)` of some tokenized pairs, padded with id 0,
    /// type 0 and mask 0 (the mask in `dtype`, 1 for tokens).
    pub fn pad(
        items: &[&PairTokens],
        device: &Device,
        dtype: DType,
    ) -> candle_core::Result<(Tensor, Tensor, Tensor)> {
        let len = items.iter().map(|t| t.ids.len()).max().unwrap_or(0).max(1);
        let n = items.len();
        let mut ids = vec![0u32; n * len];
        let mut types = vec![0u32; n * len];
        let mut mask = vec![0f32; n * len];
        for (r, t) in items.iter().enumerate() {
            let k = t.ids.len().min(len);
            ids[r * len..r * len + k].copy_from_slice(&t.ids[..k]);
            types[r * len..r * len + k].copy_from_slice(&t.types[..k]);
            mask[r * len..r * len + k].iter_mut().for_each(|m| *m = 1.0);
        }
        Ok((
            Tensor::from_vec(ids, (n, len), device)?,
            Tensor::from_vec(types, (n, len), device)?,
            Tensor::from_vec(mask, (n, len), device)?.to_dtype(dtype)?,
        ))
    }

    /// The mean of the token vectors of `hidden` `(batch, seq, dim)` where `mask` `(batch, seq)`
    /// is 1: `(batch, dim)`, the cross-encoder's pooled vector.
    pub fn masked_mean(hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        let m = mask.unsqueeze(2)?;
        hidden
            .broadcast_mul(&m)?
            .sum(1)?
            .broadcast_div(&m.sum(1)?.clamp(1.0, 1e9)?)
    }

    /// A trained cross-encoder (see the [module docs](super)).
    pub struct CrossEncoder {
        bert: BertModel,
        classifier_weight: Tensor,
        classifier_bias: Tensor,
        folder: CrossFolder,
        device: Device,
    }

    impl CrossEncoder {
        /// Load a trained cross-encoder folder (see the [module docs](super)); `max_tokens`
        /// overrides its saved input length.
        pub fn load(dir: &Path, max_tokens: Option<usize>) -> Result<Self, EncoderError> {
            Self::from_folder(CrossFolder::read(dir, max_tokens)?)
        }

        /// A cross-encoder from a folder's contents (for example a model just trained, before
        /// it is saved). A folder without a classifier head is an error: it is a base model,
        /// not a trained cross-encoder.
        pub fn from_folder(mut folder: CrossFolder) -> Result<Self, EncoderError> {
            let (Some(weight), Some(bias)) = (
                folder.weights.remove("classifier.weight"),
                folder.weights.remove("classifier.bias"),
            ) else {
                return Err(EncoderError::Format(
                    "model.safetensors: no classifier head (classifier.weight, classifier.bias): \
                     a base model, not a trained cross-encoder (storyfold-train train-cross)"
                        .into(),
                ));
            };
            let device = Device::Cpu;
            let classifier_weight = weight.to_dtype(DType::F32).map_err(model_err)?;
            let classifier_bias = bias.to_dtype(DType::F32).map_err(model_err)?;
            let weights = std::mem::take(&mut folder.weights);
            let vb = VarBuilder::from_tensors(weights, DType::F32, &device);
            let bert = BertModel::load(vb, &folder.config).map_err(model_err)?;
            Ok(CrossEncoder {
                bert,
                classifier_weight,
                classifier_bias,
                folder,
                device,
            })
        }

        /// Probability at or above which a pair is a paraphrase.
        pub fn threshold(&self) -> f64 {
            self.folder.threshold
        }

        /// Longest pair in tokens.
        pub fn max_tokens(&self) -> usize {
            self.folder.max_tokens
        }

        /// The 2 logits `(batch, 2)` of a padded batch.
        fn logits(
            &self,
            ids: &Tensor,
            types: &Tensor,
            mask: &Tensor,
        ) -> candle_core::Result<Tensor> {
            let hidden = self.bert.forward(ids, types, Some(mask))?;
            masked_mean(&hidden, mask)?
                .matmul(&self.classifier_weight.t()?)?
                .broadcast_add(&self.classifier_bias)
        }

        /// Paraphrase probabilities of sentence pairs, in order (batches of similar length).
        pub fn score(&self, pairs: &[(&str, &str)]) -> Result<Vec<f64>, EncoderError> {
            let tokens = self.folder.tokenize(pairs)?;
            let mut order: Vec<usize> = (0..pairs.len()).collect();
            order.sort_by_key(|&i| tokens[i].ids.len());
            let mut out = vec![0.0; pairs.len()];
            for chunk in order.chunks(INFER_BATCH) {
                let items: Vec<&PairTokens> = chunk.iter().map(|&i| &tokens[i]).collect();
                let probs = pad(&items, &self.device, DType::F32)
                    .and_then(|(ids, types, mask)| self.logits(&ids, &types, &mask))
                    .and_then(|l| candle_nn::ops::softmax(&l, D::Minus1))
                    .and_then(|p| p.to_dtype(DType::F64))
                    .and_then(|p| p.to_vec2::<f64>())
                    .map_err(model_err)?;
                for (&i, p) in chunk.iter().zip(probs) {
                    let x = p.get(1).copied().unwrap_or(0.0);
                    out[i] = if x.is_finite() {
                        x.clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                }
            }
            Ok(out)
        }

        /// Paraphrase probabilities of sentence pairs taken both ways round: the mean of the
        /// scores of `(a, b)` and `(b, a)` ([`both_ways`](super::both_ways)). Being a
        /// paraphrase is symmetric, the cross-encoder's input is not, and the mean of the two
        /// orders ranks MRPC pairs better than either (see the README figures).
        pub fn score_both_ways(&self, pairs: &[(&str, &str)]) -> Result<Vec<f64>, EncoderError> {
            Ok(self
                .score_each_way(pairs)?
                .into_iter()
                .map(super::both_ways)
                .collect())
        }

        /// The scores of `(a, b)` and of `(b, a)` for every pair.
        pub fn score_each_way(
            &self,
            pairs: &[(&str, &str)],
        ) -> Result<Vec<(f64, f64)>, EncoderError> {
            let mut all = pairs.to_vec();
            all.extend(pairs.iter().map(|&(a, b)| (b, a)));
            let p = self.score(&all)?;
            let (ab, ba) = p.split_at(pairs.len());
            Ok(ab.iter().copied().zip(ba.iter().copied()).collect())
        }

        /// Whether a [`score`](Self::score) probability is a paraphrase.
        pub fn is_paraphrase(&self, p: f64) -> bool {
            p >= self.folder.threshold
        }
    }
}

/// Tests of inference on a tiny random BERT with a head (no real model needed): loading,
/// scores, batch independence, the head requirement and malformed folders.
#[cfg(all(test, feature = "encoder"))]
mod model_tests {
    use super::*;
    use crate::align::similarity::encoder::testing::{tiny_cross_model, tiny_model};
    use crate::align::similarity::EncoderError;

    const PAIRS: [(&str, &str); 4] = [
        ("the cat sat .", "the cat"),
        ("unbelievable", "the sat cat sat"),
        ("cat", "cat"),
        ("the cat sat the cat sat the cat sat", "sat"),
    ];

    #[test]
    fn scores_are_probabilities_that_do_not_depend_on_the_batch() {
        let dir = tempfile::tempdir().expect("tempdir");
        tiny_cross_model(dir.path(), 0.3, 0.4);
        let m = CrossEncoder::load(dir.path(), None).expect("loads");
        assert_eq!(m.threshold(), 0.3);
        assert_eq!(m.max_tokens(), 16, "capped by the position table");
        let scores = m.score(&PAIRS).expect("scores");
        assert!(scores.iter().all(|p| (0.0..=1.0).contains(p)), "{scores:?}");
        let spread = scores
            .iter()
            .fold(0.0f64, |a, &p| a.max((p - scores[0]).abs()));
        assert!(spread > 1e-3, "the head tells pairs apart: {scores:?}");
        for (i, pair) in PAIRS.iter().enumerate() {
            let alone = m.score(&[*pair]).expect("scores");
            assert!(
                (alone[0] - scores[i]).abs() < 1e-5,
                "{} vs {}",
                alone[0],
                scores[i]
            );
        }
        let each = m.score_each_way(&PAIRS).expect("scores");
        let both = m.score_both_ways(&PAIRS).expect("scores");
        let swapped: Vec<(&str, &str)> = PAIRS.iter().map(|&(a, b)| (b, a)).collect();
        let reverse = m.score(&swapped).expect("scores");
        for i in 0..PAIRS.len() {
            assert!((each[i].0 - scores[i]).abs() < 1e-5);
            assert!((each[i].1 - reverse[i]).abs() < 1e-5);
            assert!((both[i] - both_ways(each[i])).abs() < 1e-12);
        }
        assert!(m.is_paraphrase(0.3) && !m.is_paraphrase(0.29));
        assert!(m.score(&[]).expect("empty").is_empty());
        // A shorter input length truncates the pairs: the long pair's score changes.
        let short = CrossEncoder::load(dir.path(), Some(5)).expect("loads");
        assert_eq!(short.max_tokens(), 5);
        let cut = short.score(&PAIRS[3..]).expect("scores");
        assert!((cut[0] - scores[3]).abs() > 1e-6, "{cut:?} {scores:?}");
    }

    #[test]
    fn a_base_model_without_a_head_is_not_a_cross_encoder() {
        let dir = tempfile::tempdir().expect("tempdir");
        tiny_model(dir.path(), None);
        let folder = CrossFolder::read(dir.path(), None).expect("a base folder reads");
        assert!(!folder.has_head());
        assert_eq!(folder.threshold, DEFAULT_CROSS_THRESHOLD);
        let tokens = folder.tokenize(&[("the cat", "sat")]).expect("tokens");
        assert_eq!(tokens[0].ids, vec![2, 4, 5, 3, 6, 3]);
        assert_eq!(tokens[0].types, vec![0, 0, 0, 0, 1, 1]);
        match CrossEncoder::load(dir.path(), None) {
            Err(EncoderError::Format(m)) => assert!(m.contains("no classifier head"), "{m}"),
            _ => panic!("a base model loaded as a cross-encoder"),
        }
    }

    #[test]
    fn a_malformed_model_folder_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            CrossEncoder::load(&dir.path().join("nope"), None),
            Err(EncoderError::Io { .. })
        ));
        tiny_cross_model(dir.path(), 0.5, 0.4);
        std::fs::write(dir.path().join("cross_config.json"), "{").expect("write");
        assert!(matches!(
            CrossEncoder::load(dir.path(), None),
            Err(EncoderError::Format(_))
        ));
        tiny_cross_model(dir.path(), 0.5, 0.4);
        std::fs::write(dir.path().join("model.safetensors"), b"junk").expect("write");
        assert!(matches!(
            CrossEncoder::load(dir.path(), None),
            Err(EncoderError::Model(_))
        ));
    }

    #[test]
    fn pad_masks_the_padding() {
        let a = PairTokens {
            ids: vec![2, 4, 3, 5, 3],
            types: vec![0, 0, 0, 1, 1],
        };
        let b = PairTokens {
            ids: vec![2, 3, 3],
            types: vec![0, 0, 1],
        };
        let (ids, types, mask) = pad(
            &[&a, &b],
            &candle_core::Device::Cpu,
            candle_core::DType::F32,
        )
        .expect("pads");
        assert_eq!(ids.to_vec2::<u32>().unwrap()[1], vec![2, 3, 3, 0, 0]);
        assert_eq!(types.to_vec2::<u32>().unwrap()[1], vec![0, 0, 1, 0, 0]);
        assert_eq!(
            mask.to_vec2::<f32>().unwrap()[1],
            vec![1.0, 1.0, 1.0, 0.0, 0.0]
        );
        // The pooled vector of the padded row is the mean of its 3 tokens only.
        let hidden = candle_core::Tensor::arange(0f32, 10.0, &candle_core::Device::Cpu)
            .and_then(|t| t.reshape((2, 5, 1)))
            .expect("hidden");
        let pooled = masked_mean(&hidden, &mask).expect("pools");
        assert_eq!(pooled.to_vec2::<f32>().unwrap(), vec![vec![2.0], vec![6.0]]);
    }
}
