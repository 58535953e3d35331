//! Fine-tuning the cross-encoder for the paraphrase decision: a differentiable BERT forward pass
//! written from candle primitives, cross-entropy against labels or graded targets, and AdamW.
//! The model it writes is read for inference by the engine's
//! `storyfold::align::similarity::cross::CrossEncoder` (candle-transformers' `BertModel`), the
//! one `storyfold similarity --cross DIR` scores with.
//!
//! **Model.** The base is a sentence-transformers BERT folder (all-MiniLM-L6-v2: 6 layers, 384
//! dimensions, 12 heads), read with the engine's [`CrossFolder`]. The forward pass is written
//! here from candle primitives so that it is differentiable end to end (candle-nn's fused
//! `layer_norm` has no backward pass): embeddings (word + position + token type, layer norm),
//! then per layer multi-head self-attention (softmax with max subtraction, padding keys masked by
//! adding −10⁴·(1 − mask)), output projection, residual and layer norm (mean/variance, ε from
//! `config.json`), a GELU (erf) feed-forward block, residual and layer norm. The head is the
//! engine's [`masked_mean`] of the last layer's token vectors through a linear layer to 2
//! logits; the score is the softmax probability of the "paraphrase" logit. Without dropout this
//! is the engine's inference forward pass (a test checks the two agree).
//!
//! **Training** ([`train`]): cross-entropy, AdamW (β = 0.9/0.999, ε = 10⁻⁸; weight decay on the
//! weight matrices only, not on biases and layer-norm parameters), learning rate warmed up
//! linearly over the first [`TrainParams::warmup`] share of the steps then decayed linearly to 0,
//! gradients clipped to global norm 1, dropout [`TrainParams::dropout`] on the embeddings' output,
//! the attention output, the feed-forward output and the pooled vector (not on attention
//! probabilities). The word-piece embedding table (11.7 M of the model's 22.7 M parameters)
//! stays frozen: MRPC touches a small part of the vocabulary, and it spares the optimizer a
//! dense 47 MB update per step. Pairs are tokenized as a pair (token types 0/1), truncated to
//! [`TrainParams::max_tokens`] (longest side first), shuffled, grouped in chunks of 50 batches
//! sorted by length (so padding stays small), and the batch order is shuffled again. With
//! [`TrainParams::random_order`] (the default) each pair goes in as `(a, b)` or `(b, a)`, drawn
//! afresh every epoch. A base model without a `classifier.*` head gets a fresh one (weights
//! N(0, 0.02²) from the seed, bias 0). Every random choice (head initialisation, order, dropout
//! masks) comes from [`TrainParams::seed`]: the same seed and thread count give the same model.
//!
//! **Saved model** ([`TrainableCross::save`]): `model.safetensors` (the base's names plus
//! `classifier.weight`, `classifier.bias`), the base's `config.json` and `tokenizer.json`, and
//! `cross_config.json` (`max_tokens`, `threshold`): the engine's cross-encoder folder.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use storyfold::align::similarity::cross::{
    masked_mean, pad, CrossEncoder, CrossFolder, PairTokens, DEFAULT_CROSS_MAX_TOKENS,
};
use storyfold::align::similarity::EncoderError;

/// Fine-tuning settings (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq)]
pub struct TrainParams {
    /// Passes over the training pairs.
    pub epochs: usize,
    /// Pairs per optimizer step.
    pub batch: usize,
    /// Peak learning rate.
    pub lr: f64,
    /// AdamW weight decay (weight matrices only).
    pub weight_decay: f64,
    /// Share of the steps over which the learning rate warms up linearly from 0.
    pub warmup: f64,
    /// Dropout probability while training.
    pub dropout: f64,
    /// Longest pair in tokens (`[CLS]` and both `[SEP]`s included).
    pub max_tokens: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Feed each pair in a random order, `(a, b)` or `(b, a)`, drawn afresh every epoch, so that
    /// the model learns the task as symmetric (it is scored both ways round) at no extra cost
    /// (the default, for symmetric scores; on MRPC its accuracy is within the spread between
    /// seeds of pairs fed as written, see docs/history.md).
    pub random_order: bool,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            epochs: 3,
            batch: 16,
            lr: 5e-5,
            weight_decay: 0.01,
            warmup: 0.1,
            dropout: 0.1,
            max_tokens: DEFAULT_CROSS_MAX_TOKENS,
            seed: 42,
            random_order: true,
        }
    }
}

/// Learning rate at optimizer step `step` (0-based) of `total`: linear warmup over the first
/// `warmup` share of the steps, then linear decay to 0.
pub fn learning_rate(params: &TrainParams, step: usize, total: usize) -> f64 {
    let total = total.max(1) as f64;
    let warm = (params.warmup * total).ceil().max(1.0);
    let s = step as f64 + 1.0;
    if s <= warm {
        params.lr * s / warm
    } else {
        params.lr * ((total - s + 1.0) / (total - warm + 1.0)).clamp(0.0, 1.0)
    }
}

/// Batches per length-sorted chunk while training.
const SORT_CHUNK: usize = 50;
/// Global gradient norm above which gradients are scaled down.
const MAX_GRAD_NORM: f64 = 1.0;
/// Added to the attention scores of padding keys.
const MASK_BIAS: f64 = -1e4;
/// Name of the frozen word-piece embedding table.
const WORD_EMBEDDINGS: &str = "embeddings.word_embeddings.weight";

fn model_err(e: candle_core::Error) -> EncoderError {
    EncoderError::Model(e.to_string())
}

/// Sizes read from `config.json`.
#[derive(Clone, Debug)]
struct Dims {
    hidden: usize,
    heads: usize,
    layers: usize,
    eps: f64,
}

/// A cross-encoder being fine-tuned: a BERT with trainable weights and a 2-logit head (see the
/// [module docs](self)).
pub struct TrainableCross {
    /// Trainable parameters by safetensors name (sorted, so iteration is deterministic).
    vars: BTreeMap<String, Var>,
    /// The word-piece embedding table (frozen).
    word_embeddings: Tensor,
    dims: Dims,
    /// The folder it was read from, without its weights (those are `vars`).
    folder: CrossFolder,
    device: Device,
    dtype: DType,
}

/// Figures of one training epoch.
#[derive(Clone, Debug)]
pub struct EpochReport {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss over the epoch's batches.
    pub loss: f64,
    /// Wall time of the epoch in seconds.
    pub seconds: f64,
    /// Training pairs in the epoch.
    pub pairs: usize,
}

/// The tensors of one forward pass (tracked or detached from the variables).
struct Weights {
    word: Tensor,
    map: BTreeMap<String, Tensor>,
}

impl Weights {
    fn get(&self, name: &str) -> candle_core::Result<&Tensor> {
        self.map
            .get(name)
            .ok_or_else(|| candle_core::Error::Msg(format!("missing weight {name}")))
    }
}

/// Dropout masks drawn from the training seed (`None` at inference).
struct Dropout<'a> {
    rng: &'a mut StdRng,
    p: f64,
}

impl Dropout<'_> {
    fn apply(&mut self, x: &Tensor) -> candle_core::Result<Tensor> {
        if self.p <= 0.0 {
            return Ok(x.clone());
        }
        let n = x.elem_count();
        let keep = (1.0 / (1.0 - self.p)) as f32;
        let p = self.p as f32;
        let mask: Vec<f32> = (0..n)
            .map(|_| {
                if self.rng.random::<f32>() < p {
                    0.0
                } else {
                    keep
                }
            })
            .collect();
        let mask = Tensor::from_vec(mask, x.shape(), x.device())?.to_dtype(x.dtype())?;
        x * mask
    }
}

fn maybe_dropout(d: &mut Option<Dropout<'_>>, x: Tensor) -> candle_core::Result<Tensor> {
    match d {
        Some(d) => d.apply(&x),
        None => Ok(x),
    }
}

/// `x · wᵀ + b` over the last dimension of a `(batch, seq, in)` tensor.
fn linear(x: &Tensor, w: &Tensor, b: &Tensor) -> candle_core::Result<Tensor> {
    let (bs, seq, inp) = x.dims3()?;
    let out = w.dim(0)?;
    x.reshape((bs * seq, inp))?
        .matmul(&w.t()?)?
        .broadcast_add(b)?
        .reshape((bs, seq, out))
}

/// Layer norm over the last dimension from mean and (biased) variance.
fn layer_norm(x: &Tensor, w: &Tensor, b: &Tensor, eps: f64) -> candle_core::Result<Tensor> {
    let mean = x.mean_keepdim(D::Minus1)?;
    let centered = x.broadcast_sub(&mean)?;
    let var = centered.sqr()?.mean_keepdim(D::Minus1)?;
    let norm = centered.broadcast_div(&(var + eps)?.sqrt()?)?;
    norm.broadcast_mul(w)?.broadcast_add(b)
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f32 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random::<f64>();
    ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
}

impl TrainableCross {
    /// Load a BERT folder (`config.json`, `tokenizer.json`, `model.safetensors`, optional
    /// `cross_config.json`) to fine-tune: a base model, or a cross-encoder folder to train
    /// further, head included. A base model without a `classifier.*` head gets a fresh one
    /// (weights N(0, 0.02²) from `seed`, bias 0). `max_tokens` overrides the saved or default
    /// (128) input length.
    pub fn load(dir: &Path, max_tokens: Option<usize>, seed: u64) -> Result<Self, EncoderError> {
        Self::load_with(dir, max_tokens, seed, DType::F32)
    }

    fn load_with(
        dir: &Path,
        max_tokens: Option<usize>,
        seed: u64,
        dtype: DType,
    ) -> Result<Self, EncoderError> {
        let mut folder = CrossFolder::read(dir, max_tokens)?;
        let device = Device::Cpu;
        let h = folder.config.hidden_size;
        let dims = Dims {
            hidden: h,
            heads: folder.config.num_attention_heads,
            layers: folder.config.num_hidden_layers,
            eps: folder.config.layer_norm_eps,
        };
        if !folder.has_head() {
            let mut rng = StdRng::seed_from_u64(seed ^ 0xC1A5_51F1E4);
            let w: Vec<f32> = (0..2 * h).map(|_| normal(&mut rng) * 0.02).collect();
            let weight = Tensor::from_vec(w, (2, h), &device).map_err(model_err)?;
            let bias = Tensor::zeros(2, DType::F32, &device).map_err(model_err)?;
            folder.weights.insert("classifier.weight".into(), weight);
            folder.weights.insert("classifier.bias".into(), bias);
        }
        let mut weights = std::mem::take(&mut folder.weights);
        let word_embeddings = weights
            .remove(WORD_EMBEDDINGS)
            .ok_or_else(|| {
                EncoderError::Format(format!("model.safetensors: no {WORD_EMBEDDINGS}"))
            })?
            .to_dtype(dtype)
            .map_err(model_err)?;
        let vars = weights
            .into_iter()
            .map(|(name, t)| {
                let v = t
                    .to_dtype(dtype)
                    .and_then(|t| Var::from_tensor(&t))
                    .map_err(model_err)?;
                Ok((name, v))
            })
            .collect::<Result<BTreeMap<_, _>, EncoderError>>()?;
        Ok(TrainableCross {
            vars,
            word_embeddings,
            dims,
            folder,
            device,
            dtype,
        })
    }

    /// The current weights by safetensors name, the frozen word embeddings included.
    fn tensors(&self) -> HashMap<String, Tensor> {
        let mut tensors: HashMap<String, Tensor> = self
            .vars
            .iter()
            .map(|(k, v)| (k.clone(), v.as_tensor().detach()))
            .collect();
        tensors.insert(WORD_EMBEDDINGS.into(), self.word_embeddings.clone());
        tensors
    }

    /// The model as it stands, for inference: the engine's [`CrossEncoder`] on the current
    /// weights (what `storyfold similarity --cross` would score once it is saved).
    pub fn to_inference(&self) -> Result<CrossEncoder, EncoderError> {
        CrossEncoder::from_folder(CrossFolder {
            weights: self.tensors(),
            ..self.folder.clone()
        })
    }

    /// Write the model to `dir` (created if needed): `model.safetensors`, `config.json`,
    /// `tokenizer.json`, `cross_config.json`.
    pub fn save(&self, dir: &Path) -> Result<(), EncoderError> {
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| EncoderError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        candle_core::safetensors::save(&self.tensors(), dir.join("model.safetensors"))
            .map_err(model_err)?;
        let write = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, text).map_err(io(&p))
        };
        write("config.json", &self.folder.config_text)?;
        write("tokenizer.json", &self.folder.tokenizer_text)?;
        let cross = serde_json::json!({
            "max_tokens": self.folder.max_tokens,
            "threshold": self.folder.threshold,
            "head": "masked mean of the last layer, linear to 2 logits (0 = not, 1 = paraphrase)",
        });
        write("cross_config.json", &format!("{cross:#}\n"))
    }

    fn weights(&self, track: bool) -> Weights {
        let map = self
            .vars
            .iter()
            .map(|(k, v)| {
                let t = if track {
                    v.as_tensor().clone()
                } else {
                    v.as_tensor().detach()
                };
                (k.clone(), t)
            })
            .collect();
        Weights {
            word: self.word_embeddings.clone(),
            map,
        }
    }

    /// The last layer's token vectors `(batch, seq, hidden)`.
    fn hidden(
        &self,
        w: &Weights,
        ids: &Tensor,
        types: &Tensor,
        mask: &Tensor,
        dropout: &mut Option<Dropout<'_>>,
    ) -> candle_core::Result<Tensor> {
        let (bs, seq) = ids.dims2()?;
        let Dims {
            hidden: h,
            heads,
            layers,
            eps,
        } = self.dims.clone();
        let hd = h / heads;
        let pos = w.get("embeddings.position_embeddings.weight")?;
        if seq > pos.dim(0)? {
            candle_core::bail!("input of {seq} tokens is longer than the position table");
        }
        let words = w
            .word
            .index_select(&ids.flatten_all()?, 0)?
            .reshape((bs, seq, h))?;
        let typ = w
            .get("embeddings.token_type_embeddings.weight")?
            .index_select(&types.flatten_all()?, 0)?
            .reshape((bs, seq, h))?;
        let x = (words + typ)?.broadcast_add(&pos.narrow(0, 0, seq)?)?;
        let x = layer_norm(
            &x,
            w.get("embeddings.LayerNorm.weight")?,
            w.get("embeddings.LayerNorm.bias")?,
            eps,
        )?;
        let mut x = maybe_dropout(dropout, x)?;
        // (bs, 1, 1, seq): 0 for tokens, MASK_BIAS for padding keys.
        let bias = mask
            .affine(-MASK_BIAS, MASK_BIAS)?
            .reshape((bs, 1, 1, seq))?;
        let scale = 1.0 / (hd as f64).sqrt();
        for l in 0..layers {
            let p = |n: &str| format!("encoder.layer.{l}.{n}");
            let heads_of = |name: &str| -> candle_core::Result<Tensor> {
                linear(
                    &x,
                    w.get(&p(&format!("{name}.weight")))?,
                    w.get(&p(&format!("{name}.bias")))?,
                )?
                .reshape((bs, seq, heads, hd))?
                .transpose(1, 2)?
                .contiguous()
            };
            let q = heads_of("attention.self.query")?;
            let k = heads_of("attention.self.key")?;
            let v = heads_of("attention.self.value")?;
            let scores = (q.matmul(&k.t()?)? * scale)?.broadcast_add(&bias)?;
            let probs = candle_nn::ops::softmax(&scores, D::Minus1)?;
            let ctx = probs
                .matmul(&v)?
                .transpose(1, 2)?
                .contiguous()?
                .reshape((bs, seq, h))?;
            let a = linear(
                &ctx,
                w.get(&p("attention.output.dense.weight"))?,
                w.get(&p("attention.output.dense.bias"))?,
            )?;
            let a = maybe_dropout(dropout, a)?;
            let x1 = layer_norm(
                &(a + &x)?,
                w.get(&p("attention.output.LayerNorm.weight"))?,
                w.get(&p("attention.output.LayerNorm.bias"))?,
                eps,
            )?;
            let inter = linear(
                &x1,
                w.get(&p("intermediate.dense.weight"))?,
                w.get(&p("intermediate.dense.bias"))?,
            )?
            .gelu_erf()?;
            let o = linear(
                &inter,
                w.get(&p("output.dense.weight"))?,
                w.get(&p("output.dense.bias"))?,
            )?;
            let o = maybe_dropout(dropout, o)?;
            x = layer_norm(
                &(o + x1)?,
                w.get(&p("output.LayerNorm.weight"))?,
                w.get(&p("output.LayerNorm.bias"))?,
                eps,
            )?;
        }
        Ok(x)
    }

    /// The 2 logits `(batch, 2)` of a batch.
    fn logits(
        &self,
        w: &Weights,
        items: &[&PairTokens],
        dropout: &mut Option<Dropout<'_>>,
    ) -> candle_core::Result<Tensor> {
        let (ids, types, mask) = pad(items, &self.device, self.dtype)?;
        let x = self.hidden(w, &ids, &types, &mask, dropout)?;
        let pooled = maybe_dropout(dropout, masked_mean(&x, &mask)?)?;
        pooled
            .matmul(&w.get("classifier.weight")?.t()?)?
            .broadcast_add(w.get("classifier.bias")?)
    }

    /// Mean cross-entropy of a batch against targets in [0, 1] (the probability that the
    /// pair is a paraphrase: 0 or 1 for labels, a graded similarity otherwise), with dropout
    /// from `rng` when given. A batch of 0/1 targets takes candle's cross-entropy; graded
    /// targets take `−(y·log p + (1 − y)·log(1 − p))`, which is the same loss for y = 0 or 1.
    fn loss(
        &self,
        w: &Weights,
        items: &[&PairTokens],
        targets: &[f64],
        dropout: &mut Option<Dropout<'_>>,
    ) -> candle_core::Result<Tensor> {
        let logits = self.logits(w, items, dropout)?;
        if targets.iter().all(|&y| y == 0.0 || y == 1.0) {
            let y: Vec<u32> = targets.iter().map(|&y| u32::from(y == 1.0)).collect();
            let y = Tensor::from_vec(y, targets.len(), &self.device)?;
            return candle_nn::loss::cross_entropy(&logits, &y);
        }
        let dist: Vec<f64> = targets.iter().flat_map(|&y| [1.0 - y, y]).collect();
        let dist =
            Tensor::from_vec(dist, (targets.len(), 2), &self.device)?.to_dtype(logits.dtype())?;
        let log_p = candle_nn::ops::log_softmax(&logits, D::Minus1)?;
        (log_p * dist)?.sum(D::Minus1)?.mean(0)?.neg()
    }
}

/// Fine-tune the cross-encoder `model` on labelled pairs (see the [module docs](self));
/// `progress` is called after every epoch. An empty training set leaves the model unchanged.
pub fn train(
    model: &mut TrainableCross,
    pairs: &[(&str, &str)],
    labels: &[bool],
    params: &TrainParams,
    progress: impl FnMut(&EpochReport),
) -> Result<(), EncoderError> {
    let targets: Vec<f64> = labels.iter().map(|&l| f64::from(u8::from(l))).collect();
    train_graded(model, pairs, &targets, params, progress)
}

/// Fine-tune the cross-encoder `model` on pairs with graded targets in [0, 1] (for example
/// an STS similarity divided by 5) by cross-entropy against them; 0/1 targets make it
/// [`train`]. Used to train on graded pairs first and on labelled ones after, starting from
/// the saved model.
pub fn train_graded(
    model: &mut TrainableCross,
    pairs: &[(&str, &str)],
    targets: &[f64],
    params: &TrainParams,
    mut progress: impl FnMut(&EpochReport),
) -> Result<(), EncoderError> {
    if pairs.len() != targets.len() {
        return Err(EncoderError::Model(format!(
            "{} pairs but {} targets",
            pairs.len(),
            targets.len()
        )));
    }
    if !targets.iter().all(|y| (0.0..=1.0).contains(y)) {
        return Err(EncoderError::Model("targets must be in [0, 1]".into()));
    }
    if !(params.dropout >= 0.0 && params.dropout < 1.0) || params.batch == 0 {
        return Err(EncoderError::Model(
            "dropout must be in [0, 1) and the batch at least 1".into(),
        ));
    }
    if pairs.is_empty() || params.epochs == 0 {
        return Ok(());
    }
    let tokens = model.folder.tokenize(pairs)?;
    // Both orders, when the order is drawn per epoch (same lengths up to truncation).
    let swapped = if params.random_order {
        let rev: Vec<(&str, &str)> = pairs.iter().map(|&(a, b)| (b, a)).collect();
        model.folder.tokenize(&rev)?
    } else {
        Vec::new()
    };
    let mut rng = StdRng::seed_from_u64(params.seed);
    let (decay, no_decay): (Vec<Var>, Vec<Var>) = {
        let (d, n): (Vec<_>, Vec<_>) = model.vars.iter().partition(|(k, v)| {
            k.ends_with(".weight") && !k.contains("LayerNorm") && v.rank() == 2
        });
        (
            d.into_iter().map(|(_, v)| v.clone()).collect(),
            n.into_iter().map(|(_, v)| v.clone()).collect(),
        )
    };
    let adam = |wd: f64| ParamsAdamW {
        lr: params.lr,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weight_decay: wd,
    };
    let mut opt_decay = AdamW::new(decay, adam(params.weight_decay)).map_err(model_err)?;
    let mut opt_plain = AdamW::new(no_decay, adam(0.0)).map_err(model_err)?;
    let all_vars: Vec<Var> = model.vars.values().cloned().collect();
    let per_epoch = pairs.len().div_ceil(params.batch);
    let total = per_epoch * params.epochs;
    let mut step = 0usize;
    for epoch in 1..=params.epochs {
        let start = std::time::Instant::now();
        let mut order: Vec<usize> = (0..pairs.len()).collect();
        order.shuffle(&mut rng);
        let mut batches: Vec<Vec<usize>> = Vec::with_capacity(per_epoch);
        for chunk in order.chunks_mut(params.batch * SORT_CHUNK) {
            chunk.sort_by_key(|&i| tokens[i].ids.len());
            batches.extend(chunk.chunks(params.batch).map(<[usize]>::to_vec));
        }
        batches.shuffle(&mut rng);
        // Which pairs go in as (b, a) this epoch.
        let flip: Vec<bool> = if params.random_order {
            (0..pairs.len()).map(|_| rng.random::<bool>()).collect()
        } else {
            vec![false; pairs.len()]
        };
        let mut loss_sum = 0.0;
        for b in &batches {
            let lr = learning_rate(params, step, total);
            opt_decay.set_learning_rate(lr);
            opt_plain.set_learning_rate(lr);
            let items: Vec<&PairTokens> = b
                .iter()
                .map(|&i| if flip[i] { &swapped[i] } else { &tokens[i] })
                .collect();
            let ys: Vec<f64> = b.iter().map(|&i| targets[i]).collect();
            let w = model.weights(true);
            let mut drop = Some(Dropout {
                rng: &mut rng,
                p: params.dropout,
            });
            let step_result = (|| -> candle_core::Result<f64> {
                let loss = model.loss(&w, &items, &ys, &mut drop)?;
                let value = loss.to_dtype(DType::F64)?.to_scalar::<f64>()?;
                let mut grads = loss.backward()?;
                clip(&mut grads, &all_vars, MAX_GRAD_NORM)?;
                opt_decay.step(&grads)?;
                opt_plain.step(&grads)?;
                Ok(value)
            })();
            loss_sum += step_result.map_err(model_err)?;
            step += 1;
        }
        progress(&EpochReport {
            epoch,
            loss: loss_sum / batches.len().max(1) as f64,
            seconds: start.elapsed().as_secs_f64(),
            pairs: pairs.len(),
        });
    }
    Ok(())
}

/// Scale the gradients of `vars` down to global L2 norm `max` when above it.
fn clip(
    grads: &mut candle_core::backprop::GradStore,
    vars: &[Var],
    max: f64,
) -> candle_core::Result<()> {
    let mut sq = 0.0f64;
    for v in vars {
        if let Some(g) = grads.get(v.as_tensor()) {
            sq += g
                .sqr()?
                .sum_all()?
                .to_dtype(DType::F64)?
                .to_scalar::<f64>()?;
        }
    }
    let norm = sq.sqrt();
    if norm.is_finite() && norm > max {
        let f = max / (norm + 1e-6);
        for v in vars {
            if let Some(g) = grads.remove(v.as_tensor()) {
                grads.insert(v.as_tensor(), (g * f)?);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod testing {
    //! Hooks for the tests of the differentiable forward pass.
    use super::*;

    /// Load in a chosen precision.
    pub fn load(dir: &Path, dtype: DType) -> TrainableCross {
        TrainableCross::load_with(dir, None, 7, dtype).expect("loads")
    }

    /// Last-layer token vectors of single sentences (`[CLS] s [SEP]`), as the encoder
    /// sees them: `(batch, seq, hidden)` and the lengths.
    pub fn hidden_single(m: &TrainableCross, texts: &[&str]) -> (Vec<Vec<f32>>, Vec<usize>) {
        let enc = m
            .folder
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .expect("tok");
        let toks: Vec<PairTokens> = enc
            .iter()
            .map(|e| PairTokens {
                ids: e.get_ids().to_vec(),
                types: e.get_type_ids().to_vec(),
            })
            .collect();
        let items: Vec<&PairTokens> = toks.iter().collect();
        let (ids, types, mask) = pad(&items, &m.device, m.dtype).expect("batch");
        let w = m.weights(false);
        let h = m
            .hidden(&w, &ids, &types, &mask, &mut None)
            .expect("forward");
        let rows: Vec<Vec<f32>> = (0..texts.len())
            .map(|r| {
                h.get(r)
                    .and_then(|t| t.flatten_all())
                    .and_then(|t| t.to_dtype(DType::F32))
                    .and_then(|t| t.to_vec1::<f32>())
                    .expect("rows")
            })
            .collect();
        (rows, toks.iter().map(|t| t.ids.len()).collect())
    }

    /// Paraphrase probabilities of pairs by the training forward pass without dropout (one
    /// batch).
    pub fn probabilities(m: &TrainableCross, pairs: &[(&str, &str)]) -> Vec<f64> {
        let toks = m.folder.tokenize(pairs).expect("tok");
        let items: Vec<&PairTokens> = toks.iter().collect();
        let w = m.weights(false);
        m.logits(&w, &items, &mut None)
            .and_then(|l| candle_nn::ops::softmax(&l, D::Minus1))
            .and_then(|p| p.to_dtype(DType::F64))
            .and_then(|p| p.to_vec2::<f64>())
            .expect("probabilities")
            .into_iter()
            .map(|p| p[1])
            .collect()
    }

    /// Loss of a fixed batch and its gradient with respect to every variable.
    pub fn loss_and_grads(
        m: &TrainableCross,
        pairs: &[(&str, &str)],
        targets: &[f64],
    ) -> (f64, BTreeMap<String, Vec<f64>>) {
        let toks = m.folder.tokenize(pairs).expect("tok");
        let items: Vec<&PairTokens> = toks.iter().collect();
        let w = m.weights(true);
        let loss = m.loss(&w, &items, targets, &mut None).expect("loss");
        let grads = loss.backward().expect("backward");
        let g = m
            .vars
            .iter()
            .filter_map(|(k, v)| {
                let g = grads.get(v.as_tensor())?;
                let g = g
                    .flatten_all()
                    .and_then(|t| t.to_dtype(DType::F64))
                    .and_then(|t| t.to_vec1::<f64>())
                    .ok()?;
                Some((k.clone(), g))
            })
            .collect();
        let value = loss
            .to_dtype(DType::F64)
            .and_then(|t| t.to_scalar::<f64>())
            .expect("scalar");
        (value, g)
    }

    /// Add `delta` to element `i` of variable `name`.
    pub fn nudge(m: &TrainableCross, name: &str, i: usize, delta: f64) {
        let v = &m.vars[name];
        let shape = v.shape().clone();
        let mut x = v
            .as_tensor()
            .flatten_all()
            .and_then(|t| t.to_dtype(DType::F64))
            .and_then(|t| t.to_vec1::<f64>())
            .expect("values");
        x[i] += delta;
        let t = Tensor::from_vec(x, shape, &m.device)
            .and_then(|t| t.to_dtype(m.dtype))
            .expect("tensor");
        v.set(&t).expect("set");
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learning_rate_warms_up_then_decays_to_zero() {
        let p = TrainParams {
            lr: 1.0,
            warmup: 0.1,
            ..TrainParams::default()
        };
        let lrs: Vec<f64> = (0..100).map(|s| learning_rate(&p, s, 100)).collect();
        assert!((lrs[0] - 0.1).abs() < 1e-12);
        assert!((lrs[9] - 1.0).abs() < 1e-12, "{}", lrs[9]);
        assert!(lrs[10] < 1.0 && lrs[10] > 0.95);
        assert!(lrs[99] > 0.0 && lrs[99] < 0.02, "{}", lrs[99]);
        assert!(lrs.windows(2).skip(10).all(|w| w[1] < w[0]));
        assert!(learning_rate(&p, 0, 0).is_finite());
    }
}

/// Tests of the differentiable forward pass: it equals candle's `BertModel` (tiny random model,
/// and the real all-MiniLM-L6-v2 when `models/all-minilm-l6-v2` is present), its gradients match
/// finite differences, and training is deterministic and learns.
#[cfg(test)]
mod model_tests {
    use std::path::{Path, PathBuf};

    use candle_core::{DType, Device, Tensor};
    use candle_nn::VarBuilder;
    use candle_transformers::models::bert::{BertModel, Config};

    use storyfold::align::similarity::cross::{CrossEncoder, DEFAULT_CROSS_THRESHOLD};
    use storyfold::align::similarity::encoder::testing::{tiny_cross_model, tiny_model};

    use super::testing;
    use super::{train, train_graded, TrainParams, TrainableCross};

    /// `BertModel`'s last-layer token vectors for single sentences.
    fn reference(dir: &Path, texts: &[&str]) -> Vec<Vec<f32>> {
        let cfg: Config =
            serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).expect("cfg"))
                .expect("config");
        let vb = VarBuilder::from_buffered_safetensors(
            std::fs::read(dir.join("model.safetensors")).expect("weights"),
            DType::F32,
            &Device::Cpu,
        )
        .expect("vb");
        let bert = BertModel::load(vb, &cfg).expect("bert");
        let mut tok = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json")).expect("tok");
        tok.with_padding(None);
        let enc = tok.encode_batch(texts.to_vec(), true).expect("enc");
        let len = enc.iter().map(|e| e.get_ids().len()).max().unwrap_or(1);
        let mut ids = vec![0u32; texts.len() * len];
        let mut mask = vec![0u32; texts.len() * len];
        for (r, e) in enc.iter().enumerate() {
            let n = e.get_ids().len();
            ids[r * len..r * len + n].copy_from_slice(e.get_ids());
            mask[r * len..r * len + n].iter_mut().for_each(|x| *x = 1);
        }
        let ids = Tensor::from_vec(ids, (texts.len(), len), &Device::Cpu).expect("ids");
        let mask = Tensor::from_vec(mask, (texts.len(), len), &Device::Cpu).expect("mask");
        let h = bert
            .forward(&ids, &ids.zeros_like().expect("z"), Some(&mask))
            .expect("forward");
        (0..texts.len())
            .map(|r| {
                h.get(r)
                    .and_then(|t| t.flatten_all())
                    .and_then(|t| t.to_vec1::<f32>())
                    .expect("rows")
            })
            .collect()
    }

    /// Largest difference between our forward pass and `BertModel`'s over the real tokens.
    fn max_token_diff(dir: &Path, texts: &[&str]) -> f32 {
        let m = testing::load(dir, DType::F32);
        let (ours, lens) = testing::hidden_single(&m, texts);
        let theirs = reference(dir, texts);
        let padded = lens.iter().copied().max().unwrap_or(1);
        let mut worst = 0.0f32;
        for ((a, b), &n) in ours.iter().zip(&theirs).zip(&lens) {
            assert_eq!(a.len(), b.len());
            // Only the real tokens (padding rows are not used by anyone).
            let dim = a.len() / padded;
            for (x, y) in a[..n * dim].iter().zip(&b[..n * dim]) {
                worst = worst.max((x - y).abs());
            }
        }
        worst
    }

    #[test]
    fn forward_equals_bert_model_on_a_tiny_random_model() {
        let dir = tempfile::tempdir().expect("tempdir");
        tiny_model(dir.path(), None);
        let d = max_token_diff(
            dir.path(),
            &["The cat sat.", "the cat sat unbelievable . the cat", ""],
        );
        assert!(d < 1e-5, "max difference {d}");
    }

    /// The all-MiniLM-L6-v2 folder: `$STORYFOLD_ENCODER`, else `models/all-minilm-l6-v2`.
    fn real_model() -> Option<PathBuf> {
        let dir = std::env::var_os("STORYFOLD_ENCODER")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/all-minilm-l6-v2")
            });
        if dir.join("model.safetensors").is_file() {
            Some(dir)
        } else {
            note!(
                "skipped: no encoder model at {} (run scripts/fetch_encoder.sh or set STORYFOLD_ENCODER)",
                dir.display()
            );
            None
        }
    }

    #[test]
    fn forward_equals_bert_model_on_all_minilm() {
        let Some(dir) = real_model() else { return };
        let d = max_token_diff(
            &dir,
            &[
                "The company said its quarterly profit rose 12 percent to $1.2 billion.",
                "Heavy snow closed schools.",
                "Referring to him as only \"the witness\", Amrozi accused his brother of deliberately distorting his evidence.",
            ],
        );
        assert!(d < 1e-4, "max difference {d}");
    }

    #[test]
    fn the_training_forward_pass_scores_as_the_engines_inference() {
        let dir = tempfile::tempdir().expect("tempdir");
        tiny_cross_model(dir.path(), 0.5, 0.4);
        let pairs = [
            ("the cat sat .", "the cat"),
            ("unbelievable", "the sat cat sat"),
            ("cat", "cat"),
            ("the cat sat the cat sat the cat sat", "sat"),
        ];
        let ours = testing::probabilities(&testing::load(dir.path(), DType::F32), &pairs);
        let engine = CrossEncoder::load(dir.path(), None)
            .and_then(|m| m.score(&pairs))
            .expect("scores");
        let spread = ours.iter().fold(0.0f64, |a, &p| a.max((p - ours[0]).abs()));
        assert!(spread > 0.01, "the head tells pairs apart: {ours:?}");
        for (x, y) in ours.iter().zip(&engine) {
            assert!((x - y).abs() < 1e-5, "{x} vs {y}");
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        let dir = tempfile::tempdir().expect("tempdir");
        tiny_model(dir.path(), None);
        let m = testing::load(dir.path(), DType::F64);
        let pairs = [
            ("the cat sat .", "the cat"),
            ("unbelievable", "the sat cat sat"),
        ];
        // Labels (candle's cross-entropy) and graded targets (the soft cross-entropy).
        for targets in [[1.0, 0.0], [0.8, 0.25]] {
            let (_, grads) = testing::loss_and_grads(&m, &pairs, &targets);
            let eps = 1e-6;
            let mut checked = 0;
            for (name, i) in [
                ("classifier.weight", 3),
                ("classifier.bias", 1),
                ("embeddings.LayerNorm.weight", 2),
                ("embeddings.position_embeddings.weight", 9),
                ("embeddings.token_type_embeddings.weight", 12),
                ("encoder.layer.0.attention.self.query.weight", 5),
                ("encoder.layer.0.attention.self.key.bias", 1),
                ("encoder.layer.0.attention.self.value.weight", 17),
                ("encoder.layer.0.attention.output.LayerNorm.bias", 4),
                ("encoder.layer.0.intermediate.dense.weight", 30),
                ("encoder.layer.0.output.dense.weight", 7),
                ("encoder.layer.0.output.LayerNorm.weight", 6),
            ] {
                let g = grads[name][i];
                testing::nudge(&m, name, i, eps);
                let (up, _) = testing::loss_and_grads(&m, &pairs, &targets);
                testing::nudge(&m, name, i, -2.0 * eps);
                let (down, _) = testing::loss_and_grads(&m, &pairs, &targets);
                testing::nudge(&m, name, i, eps);
                let fd = (up - down) / (2.0 * eps);
                assert!(
                    (fd - g).abs() <= 1e-6 + 1e-4 * fd.abs().max(g.abs()),
                    "{targets:?} {name}[{i}]: backprop {g}, finite difference {fd}"
                );
                checked += usize::from(g.abs() > 1e-9);
            }
            assert!(checked >= 8, "too many zero gradients ({checked} non-zero)");
        }
    }

    #[test]
    fn graded_loss_is_the_cross_entropy_of_the_scores() {
        let dir = tempfile::tempdir().expect("tempdir");
        tiny_model(dir.path(), None);
        let m = testing::load(dir.path(), DType::F64);
        let pairs = [
            ("the cat sat .", "the cat"),
            ("unbelievable", "the sat cat sat"),
            ("cat", "cat"),
        ];
        let p = testing::probabilities(&m, &pairs);
        let ce = |targets: &[f64]| {
            -targets
                .iter()
                .zip(&p)
                .map(|(y, p)| y * p.ln() + (1.0 - y) * (1.0 - p).ln())
                .sum::<f64>()
                / targets.len() as f64
        };
        for targets in [[0.8, 0.25, 0.5], [1.0, 0.0, 1.0], [0.0, 0.0, 0.6]] {
            let (loss, _) = testing::loss_and_grads(&m, &pairs, &targets);
            let want = ce(&targets);
            assert!(
                (loss - want).abs() < 1e-9,
                "{targets:?}: loss {loss}, expected {want}"
            );
        }
    }

    /// Short texts over the tiny model's vocabulary.
    const TINY_WORDS: &[&str] = &[
        "the cat",
        "sat",
        "unbelievable",
        "the cat sat",
        "cat .",
        "the sat",
    ];

    /// Every ordered pair `(a, b)` of `words` for which `target(i, j)` gives a value, with it.
    fn word_pairs<T>(
        words: &'static [&'static str],
        target: impl Fn(usize, usize) -> Option<T>,
    ) -> (Vec<(&'static str, &'static str)>, Vec<T>) {
        let (mut pairs, mut ys) = (Vec::new(), Vec::new());
        for (i, a) in words.iter().enumerate() {
            for (j, b) in words.iter().enumerate() {
                if let Some(y) = target(i, j) {
                    pairs.push((*a, *b));
                    ys.push(y);
                }
            }
        }
        (pairs, ys)
    }

    /// Training settings for the tiny model: no dropout, a large learning rate.
    fn tiny_params(epochs: usize, batch: usize, lr: f64) -> TrainParams {
        TrainParams {
            epochs,
            batch,
            lr,
            dropout: 0.0,
            ..TrainParams::default()
        }
    }

    #[test]
    fn training_is_deterministic_learns_and_round_trips() {
        let dir = tempfile::tempdir().expect("tempdir");
        tiny_model(dir.path(), None);
        // Identical sides are paraphrases, different ones are not.
        let (pairs, labels) = word_pairs(TINY_WORDS, |i, j| Some(i == j));
        let params = tiny_params(8, 6, 3e-3);
        let run = || {
            let mut m = TrainableCross::load(dir.path(), None, params.seed).expect("loads");
            let mut losses = Vec::new();
            train(&mut m, &pairs, &labels, &params, |r| losses.push(r.loss)).expect("trains");
            let scores = testing::probabilities(&m, &pairs);
            (m, losses, scores)
        };
        let (m, losses, scores) = run();
        assert_eq!(losses.len(), 8);
        assert!(losses[7] < losses[0], "{losses:?}");
        let (_, losses2, scores2) = run();
        assert_eq!(losses, losses2, "same seed, same training");
        assert_eq!(scores, scores2);
        assert!(scores.iter().all(|p| (0.0..=1.0).contains(p)));
        // The saved model, read by the engine's inference cross-encoder (candle-transformers'
        // BertModel, pairs in length-sorted batches), scores as the training forward pass does.
        let out = tempfile::tempdir().expect("tempdir");
        m.save(out.path()).expect("saves");
        let back = CrossEncoder::load(out.path(), None).expect("loads back");
        assert_eq!(back.threshold(), DEFAULT_CROSS_THRESHOLD);
        let again = back.score(&pairs).expect("scores");
        for (x, y) in scores.iter().zip(&again) {
            assert!((x - y).abs() < 1e-5, "{x} vs {y}");
        }
        let in_memory = m
            .to_inference()
            .expect("inference")
            .score(&pairs)
            .expect("scores");
        assert_eq!(in_memory, again, "before and after saving");
        let mut m2 = TrainableCross::load(dir.path(), None, 1).expect("loads");
        assert!(train(&mut m2, &pairs, &labels[1..], &params, |_| {}).is_err());
        assert!(train(&mut m2, &[], &[], &params, |_| {}).is_ok());
    }

    #[test]
    fn graded_training_learns_the_grades_and_a_second_stage_starts_from_it() {
        use std::collections::HashSet;
        let dir = tempfile::tempdir().expect("tempdir");
        tiny_model(dir.path(), None);
        // Target: the share of words the two sides have in common (Jaccard).
        let (pairs, targets) = word_pairs(TINY_WORDS, |i, j| {
            let (x, y): (HashSet<&str>, HashSet<&str>) = (
                TINY_WORDS[i].split(' ').collect(),
                TINY_WORDS[j].split(' ').collect(),
            );
            Some(x.intersection(&y).count() as f64 / x.union(&y).count() as f64)
        });
        let params = tiny_params(30, 6, 1e-2);
        let mae = |m: &TrainableCross| {
            let p = testing::probabilities(m, &pairs);
            p.iter()
                .zip(&targets)
                .map(|(p, y)| (p - y).abs())
                .sum::<f64>()
                / p.len() as f64
        };
        let mut m = TrainableCross::load(dir.path(), None, params.seed).expect("loads");
        let before = mae(&m);
        train_graded(&mut m, &pairs, &targets, &params, |_| {}).expect("trains");
        let after = mae(&m);
        assert!(
            after < 0.5 * before,
            "mean error {before} before, {after} after"
        );
        // Out-of-range targets are refused.
        let mut bad = targets.clone();
        bad[0] = 1.5;
        assert!(train_graded(&mut m, &pairs, &bad, &params, |_| {}).is_err());
        // A saved graded model keeps its head and trains on labels from where it stopped.
        let out = tempfile::tempdir().expect("tempdir");
        m.save(out.path()).expect("saves");
        let mut second = TrainableCross::load(out.path(), None, 5).expect("loads back");
        assert!((mae(&second) - after).abs() < 1e-6);
        let labels: Vec<bool> = targets.iter().map(|&y| y == 1.0).collect();
        let mut losses = Vec::new();
        train(&mut second, &pairs, &labels, &params, |r| {
            losses.push(r.loss)
        })
        .expect("trains");
        assert!(losses[29] < losses[0], "{losses:?}");
    }

    #[test]
    fn random_order_training_makes_the_scores_symmetric() {
        let dir = tempfile::tempdir().expect("tempdir");
        tiny_model(dir.path(), None);
        // An order-dependent labelling: (a, b) is "paraphrase" when a comes first in the list.
        // Plain training learns it; with random order each input is seen with both labels.
        let (pairs, labels) = word_pairs(&TINY_WORDS[..5], |i, j| (i != j).then_some(i < j));
        let asymmetry = |random_order: bool| {
            let params = TrainParams {
                random_order,
                ..tiny_params(40, 4, 1e-2)
            };
            let mut m = TrainableCross::load(dir.path(), None, params.seed).expect("loads");
            train(&mut m, &pairs, &labels, &params, |_| {}).expect("trains");
            let each = m
                .to_inference()
                .and_then(|c| c.score_each_way(&pairs))
                .expect("scores");
            each.iter().map(|(ab, ba)| (ab - ba).abs()).sum::<f64>() / each.len() as f64
        };
        let (plain, random) = (asymmetry(false), asymmetry(true));
        assert!(random < plain / 2.0, "random order {random}, plain {plain}");
    }
}
