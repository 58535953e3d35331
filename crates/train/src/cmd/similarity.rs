//! `storyfold-train similarity`: fit, cross-validate and evaluate the paraphrase decision of
//! `storyfold similarity` (which scores pairs with the shipped models).
//!
//! * `--pairs FILE`: labelled pairs in MRPC's layout (header `Quality<TAB>#1 ID<TAB>#2
//!   ID<TAB>#1 String<TAB>#2 String`), with `--cv K` or `--fit`.
//! * `--cv K` (with an MRPC-layout `--pairs`): cross-validated accuracy and F1 of a classifier
//!   (`--classifier logistic|gbt|hybrid`, default the shipped `logistic`) on feature groups
//!   (`--variant lexical|kld|emb|all` or a comma list, default the shipped `lexical`; TF-KLD
//!   weights are fitted inside the training folds, `emb` needs `--embeddings DIR`).
//! * `--fit --model-out FILE`: fit the shipped model on the whole file, write it to FILE and print
//!   the `PARAPHRASE_THRESHOLD` const.
//! * `--sts FILE`: Pearson and Spearman correlation of the score with STS Benchmark gold scores.
//! * `--encoder DIR`: the contextual sentence encoder (all-MiniLM-L6-v2, see
//!   `storyfold::align::similarity::encoder`): `--sts` and `--fit` use the encoder model
//!   (lexical + encoder features), `--cv` defaults to the `lexical,enc` variant, and
//!   `--encoder-dump FILE` prints the token ids and sentence embedding of each line of FILE (to
//!   check against `scripts/encoder_reference.py`).
//! * `--build-idf OUT CORPUS...`: count document frequencies over corpora and write an IDF table.
//! * `--cv K --cross-train BASE`: fine-tune a cross-encoder ([`crate::cross`]) on each fold's
//!   training pairs and write its out-of-fold probabilities (`--cross-oof`), which `--cv` and
//!   `--fit` read back with `--cross-scores` to cross-validate and calibrate the blend.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use storyfold::align::similarity::cross;
use storyfold::align::similarity::features::{kld_features, FIRST_EMB, FIRST_ENC, FIRST_KLD};
use storyfold::align::similarity::{
    self, features, features_with, tfidf_cosine, with_encoder, Embeddings, Encoder, Gbt, Idf, Kld,
    NUM_FEATURES,
};
use storyfold::align::Sentence;
use storyfold::ingest::Reader;
use storyfold_cli::common::{
    check_outputs, create_output, path_inputs, write_json_line, InputArgs, Out, Output,
};
use storyfold_cli::pairs::{
    encode_pairs, labels, lines, load_idf, pair_score, pair_texts, read_all, read_pairs, Confusion,
    Pair, PairEncodings, Skipped,
};

use crate::cross::{self as train_cross, TrainParams, TrainableCross};
use crate::fit::{
    best_threshold, cross_validate, fit_logistic, pearson, spearman, CrossValidation,
};
use crate::gbt::{fit_gbt, GbtParams};
use crate::idf;
use crate::kld::{fit_kld, KLD_ALPHA, KLD_MIN_COUNT};

/// Arguments of `storyfold-train similarity`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Labelled sentence pairs in MRPC layout (with its `Quality` header), for --cv or --fit; `-` is stdin.
    #[arg(long, value_name = "FILE")]
    pub pairs: Option<PathBuf>,
    /// Print K-fold cross-validated accuracy/F1 of the paraphrase decision (needs the Quality column).
    #[arg(long, value_name = "K", requires = "pairs")]
    pub cv: Option<usize>,
    /// With --cv: write each pair's out-of-fold score as JSON lines here
    /// (`{"line", "fold", "score", "threshold", "paraphrase", "quality"}`, and with
    /// --cross-scores also `cross`, `blend`, `blend_threshold`, `blend_paraphrase`), for error
    /// analysis.
    #[arg(long, value_name = "FILE", requires = "cv")]
    pub oof: Option<PathBuf>,
    /// Fit the model and threshold on the whole --pairs file and print them as Rust consts.
    #[arg(long, requires = "pairs")]
    pub fit: bool,
    /// L2 penalty of the logistic regression (with --cv / --fit).
    #[arg(long, default_value_t = 3.0)]
    pub l2: f64,
    /// STS Benchmark file(s) (tab-separated, no header): print Pearson/Spearman of the score against the gold score.
    #[arg(long, value_name = "FILE")]
    pub sts: Vec<PathBuf>,
    /// With --sts: genre to keep (`all` keeps every pair).
    #[arg(long, default_value = "main-news")]
    pub genre: String,
    /// IDF table to use (TSV written by --build-idf) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub idf: Option<PathBuf>,
    /// Count document frequencies over the INPUT corpora and write an IDF table here.
    #[arg(long, value_name = "OUT")]
    pub build_idf: Option<PathBuf>,
    /// With --build-idf: number of tokens kept (the most frequent).
    #[arg(long, default_value_t = 50_000)]
    pub idf_keep: usize,
    /// With --build-idf: smallest document frequency kept.
    #[arg(long, default_value_t = 3)]
    pub idf_min_df: u64,
    /// With --fit: where to write the fitted model (the shipped one is
    /// `crates/storyfold/data/paraphrase_model.tsv`).
    #[arg(long, value_name = "FILE")]
    pub model_out: Option<PathBuf>,
    /// With --cv and the `emb` variant: a model2vec folder (`model.safetensors`, `tokenizer.json`).
    #[arg(long, value_name = "DIR")]
    pub embeddings: Option<PathBuf>,
    /// With --cv: feature groups used (`lexical`, `kld`, `emb`, `enc`, `all` = every group, or a
    /// comma list such as `lexical,emb`); default `lexical` (the shipped model), or
    /// `lexical,enc` (the shipped encoder model) with --encoder.
    #[arg(long)]
    pub variant: Option<String>,
    /// The contextual sentence encoder: a local all-MiniLM-L6-v2 folder (`config.json`,
    /// `tokenizer.json`, `model.safetensors`; `scripts/fetch_encoder.sh` fetches it). --sts,
    /// --fit and --cv then use the lexical and encoder features.
    #[arg(long, value_name = "DIR")]
    pub encoder: Option<PathBuf>,
    /// With --encoder: print the token ids and sentence embedding of every line of FILE as JSON
    /// lines, then stop (compare with scripts/encoder_reference.py).
    #[arg(long, value_name = "FILE", requires = "encoder")]
    pub encoder_dump: Option<PathBuf>,
    /// With --cv / --fit: `logistic` (regression on the features; the shipped lexical model),
    /// `gbt` (boosted trees; the shipped encoder model) or `hybrid` (boosted trees starting from
    /// the logistic regression). Default: the shipped model's (`gbt` with --encoder).
    #[arg(long)]
    pub classifier: Option<String>,
    /// With --classifier gbt: boosting rounds.
    #[arg(long, default_value_t = 200)]
    pub gbt_rounds: usize,
    /// With --classifier gbt: largest tree depth.
    #[arg(long, default_value_t = 3)]
    pub gbt_depth: usize,
    /// With --classifier gbt: learning rate.
    #[arg(long, default_value_t = 0.05)]
    pub gbt_rate: f64,
    /// With --cv: fine-tune a cross-encoder from this base model folder (all-MiniLM-L6-v2) on
    /// each fold's training pairs and print its out-of-fold accuracy/F1 (threshold 0.5).
    #[arg(long, value_name = "DIR", requires = "cv")]
    pub cross_train: Option<PathBuf>,
    /// With --cv --cross-train: run only these folds (comma list, 0-based; e.g. `0` for a pilot).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub folds: Vec<usize>,
    /// With --cv --cross-train: write every out-of-fold probability here as JSON lines
    /// (`line`, `fold`, `p` = the mean of both orders, `p_ab`, `p_ba`); `--cross-scores` reads
    /// them back.
    #[arg(long, value_name = "FILE")]
    pub cross_oof: Option<PathBuf>,
    /// With --cv or --fit and --encoder: the cross-encoder's out-of-fold probabilities (the
    /// `--cross-oof` file of a `--cv K --cross-train` run with the same K); --cv then also
    /// prints the cross-encoder's and the blend's figures, --fit the blend's threshold. Several
    /// files (one per ensemble member) are averaged pair by pair.
    #[arg(
        long,
        value_name = "FILE",
        num_args = 1..,
        requires = "encoder",
        conflicts_with = "cross_train"
    )]
    pub cross_scores: Vec<PathBuf>,
    /// Fine-tuning settings of --cross-train.
    #[command(flatten)]
    pub train: CrossTrainArgs,
    /// Corpora for --build-idf (the usual input options apply); --skip-invalid also applies to --pairs and --sts.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Fine-tuning settings of the cross-encoder (`similarity --cross-train`, `train-cross`); the
/// defaults are [`TrainParams::default()`].
#[derive(clap::Args, Debug, Clone)]
pub struct CrossTrainArgs {
    /// Cross-encoder training: passes over the training pairs.
    #[arg(long, default_value_t = TrainParams::default().epochs)]
    pub epochs: usize,
    /// Cross-encoder training: pairs per optimizer step.
    #[arg(long, default_value_t = TrainParams::default().batch)]
    pub batch: usize,
    /// Cross-encoder training: peak learning rate (linear warmup over 10% of the steps, then linear decay).
    #[arg(long, default_value_t = TrainParams::default().lr)]
    pub lr: f64,
    /// Cross-encoder training: longest pair in tokens.
    #[arg(long, default_value_t = TrainParams::default().max_tokens)]
    pub max_tokens: usize,
    /// Cross-encoder training: seed of the head initialisation, the pair order and dropout.
    #[arg(long, default_value_t = TrainParams::default().seed)]
    pub seed: u64,
    /// Cross-encoder training: feed each pair as written, (a, b), instead of as (a, b) or (b, a)
    /// at random, drawn afresh every epoch (the default).
    #[arg(long)]
    pub fixed_order: bool,
    /// Cross-encoder training: pairs in random order (the default; kept for older scripts).
    #[arg(long, hide = true, conflicts_with = "fixed_order")]
    pub random_order: bool,
}

impl CrossTrainArgs {
    /// The training parameters (checked).
    pub fn params(&self) -> Result<TrainParams> {
        if self.epochs == 0 || self.batch == 0 {
            bail!("--epochs and --batch must be at least 1");
        }
        if !(self.lr > 0.0 && self.lr < 1.0) {
            bail!("--lr must be in (0, 1)");
        }
        if self.max_tokens < 3 {
            bail!("--max-tokens must be at least 3");
        }
        Ok(TrainParams {
            epochs: self.epochs,
            batch: self.batch,
            lr: self.lr,
            max_tokens: self.max_tokens,
            seed: self.seed,
            random_order: !self.fixed_order,
            ..TrainParams::default()
        })
    }
}

/// An STS pair.
pub(crate) struct StsPair {
    /// 1-based line in its file.
    pub(crate) line: usize,
    /// The file the pair came from (`MSRpar`, `headlines`, ...).
    pub(crate) source: String,
    /// Gold similarity, 0 to 5.
    pub(crate) gold: f64,
    pub(crate) a: Sentence,
    pub(crate) b: Sentence,
}

pub(crate) fn read_sts(path: &Path, genre: &str, skip: bool) -> Result<(Vec<StsPair>, Skipped)> {
    let bytes = read_all(path)?;
    let mut skipped = Skipped::default();
    let mut pairs = Vec::new();
    for (n, raw) in lines(&bytes) {
        let Ok(line) = std::str::from_utf8(raw) else {
            skipped.record(path, n, "invalid UTF-8", skip)?;
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 7 {
            skipped.record(
                path,
                n,
                &format!("expected at least 7 tab-separated fields, got {}", f.len()),
                skip,
            )?;
            continue;
        }
        let Some(gold) = f[4].trim().parse::<f64>().ok().filter(|g| g.is_finite()) else {
            skipped.record(path, n, &format!("score is not a number: {:?}", f[4]), skip)?;
            continue;
        };
        if genre != "all" && f[0] != genre {
            continue;
        }
        pairs.push(StsPair {
            line: n,
            source: f[1].to_string(),
            gold,
            a: Sentence::new(f[5]),
            b: Sentence::new(f[6]),
        });
    }
    Ok((pairs, skipped))
}

/// Run `storyfold-train similarity`.
pub fn run(args: Args) -> Result<()> {
    let mut inputs = args.input.engine_inputs();
    inputs.extend(path_inputs(
        args.pairs
            .iter()
            .chain(&args.sts)
            .chain(&args.idf)
            .chain(&args.embeddings)
            .chain(&args.encoder)
            .chain(&args.encoder_dump)
            .chain(&args.cross_train)
            .chain(&args.cross_scores),
    ));
    check_outputs(
        &inputs,
        &[
            Out::File("--oof", args.oof.as_deref()),
            Out::File("--model-out", args.model_out.as_deref()),
            Out::File("--build-idf", args.build_idf.as_deref()),
            Out::File("--cross-oof", args.cross_oof.as_deref()),
        ],
    )?;
    if let Some(out) = &args.build_idf {
        return build_idf(&args, out);
    }
    if args.pairs.is_none() && args.sts.is_empty() && args.encoder_dump.is_none() {
        bail!("nothing to do: give --pairs FILE with --cv K or --fit, --sts FILE or --build-idf OUT CORPUS...");
    }
    if args.pairs.is_some() && args.cv.is_none() && !args.fit {
        bail!(
            "--pairs needs --cv K or --fit here; `storyfold similarity --pairs FILE` scores pairs"
        );
    }
    if !args.input.inputs.is_empty() {
        bail!("corpus inputs are only read by --build-idf");
    }
    if !(args.l2 >= 0.0 && args.l2.is_finite()) {
        bail!("--l2 must be a non-negative number");
    }
    let idf = load_idf(args.idf.as_deref())?;
    let skip = args.input.read.skip_invalid;
    let encoder = match &args.encoder {
        Some(dir) => Some(
            Encoder::load(dir)
                .with_context(|| format!("cannot load the encoder from {}", dir.display()))?,
        ),
        None => None,
    };
    if let (Some(enc), Some(file)) = (&encoder, &args.encoder_dump) {
        return encoder_dump(enc, file);
    }
    let variant = args.variant.clone().unwrap_or_else(|| {
        if encoder.is_some() {
            "lexical,enc".to_string()
        } else {
            "lexical".to_string()
        }
    });
    if let Some(path) = &args.pairs {
        let (pairs, mrpc, skipped) = read_pairs(path, skip)?;
        // Checked before the (slow) encoding.
        let cross = if args.cross_scores.is_empty() {
            None
        } else {
            let members = args
                .cross_scores
                .iter()
                .map(|f| read_cross_scores(f, &pairs, args.cv))
                .collect::<Result<Vec<_>>>()?;
            Some(cross::ensemble(&members))
        };
        let encodings = encoder
            .as_ref()
            .map(|enc| encode_pairs(enc, pairs.iter().map(|p| (&p.a, &p.b)), pairs.len()))
            .transpose()?;
        if !mrpc {
            bail!("--cv and --fit need the Quality column (MRPC layout with its header)");
        }
        if let Some(k) = args.cv {
            if k < 2 || k > pairs.len() {
                bail!(
                    "--cv must be between 2 and the number of pairs ({})",
                    pairs.len()
                );
            }
            if let Some(base) = &args.cross_train {
                return run_cross_cv(path, &pairs, k, base, &args);
            }
            let mask = variant_mask(&variant)?;
            let classifier = Classifier::from_args(&args)?;
            let emb = match &args.embeddings {
                Some(dir) => Some(Embeddings::load(dir)?),
                None if mask[FIRST_EMB..FIRST_ENC].iter().any(|&m| m) => {
                    bail!("the emb variant needs --embeddings DIR")
                }
                None => None,
            };
            if encodings.is_none() && mask[FIRST_ENC..].iter().any(|&m| m) {
                bail!("the enc variant needs --encoder DIR");
            }
            run_cv(
                path,
                &pairs,
                k,
                &classifier,
                &idf,
                &mask,
                emb.as_ref(),
                encodings.as_deref(),
                cross.as_deref(),
                args.oof.as_deref(),
            )?;
        }
        if args.fit {
            let shipped = if encoder.is_some() {
                "lexical,enc"
            } else {
                "lexical"
            };
            if variant != shipped {
                bail!("--fit fits a shipped model: the lexical features (--variant lexical), with --encoder the lexical and encoder features (--variant lexical,enc)");
            }
            let Some(out) = &args.model_out else {
                bail!("--fit needs --model-out FILE");
            };
            let classifier = Classifier::from_args(&args)?;
            run_fit(
                path,
                &pairs,
                &classifier,
                &idf,
                out,
                encodings.as_deref(),
                cross.as_deref(),
            )?;
        }
        skipped.report("pair");
    }
    for path in &args.sts {
        let (pairs, skipped) = read_sts(path, &args.genre, skip)?;
        let encodings = encoder
            .as_ref()
            .map(|enc| encode_pairs(enc, pairs.iter().map(|p| (&p.a, &p.b)), pairs.len()))
            .transpose()?;
        run_sts(path, &pairs, &args.genre, &idf, encodings.as_deref())?;
        skipped.report("STS");
    }
    Ok(())
}

fn encoder_dump(enc: &Encoder, file: &Path) -> Result<()> {
    let bytes = read_all(file)?;
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    let ids: Vec<Vec<u32>> = lines
        .iter()
        .map(|l| enc.token_ids(l))
        .collect::<Result<_, _>>()?;
    let encoded = enc.encode(&lines)?;
    let mut out = Output::stdout();
    for (ids, e) in ids.iter().zip(&encoded) {
        write_json_line(
            &mut out,
            &serde_json::json!({"ids": ids, "embedding": e.sentence, "words": e.words}),
        )?;
    }
    out.commit()?;
    Ok(())
}

fn all_features(
    pairs: &[Pair],
    idf: &Idf,
    encodings: Option<&PairEncodings>,
) -> Vec<[f64; NUM_FEATURES]> {
    pairs
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let f = features(&p.a, &p.b, idf);
            match encodings {
                Some(e) => with_encoder(f, &e[i].0, &e[i].1, idf),
                None => f,
            }
        })
        .collect()
}

fn describe(name: &str, cv: &CrossValidation) -> String {
    let min = cv
        .fold_accuracy
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let max = cv
        .fold_accuracy
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    format!(
        "{name:<9} {}  (fold accuracy {min:.4}..{max:.4})",
        cv.pooled
    )
}

/// Inner folds of the TF-KLD cross-fitting.
const KLD_INNER_FOLDS: usize = 5;

/// Fill the TF-KLD columns of `xs`: pairs outside `train` get features from weights fitted on all
/// of `train`; each pair of `train` gets features from weights fitted on the other inner folds
/// of `train` (cross-fitting, so that the classifier sees TF-KLD features of unseen labels, as at
/// prediction time).
fn kld_columns(pairs: &[Pair], ys: &[bool], train: &[usize], xs: &mut [[f64; NUM_FEATURES]]) {
    let fit = |idx: &mut dyn Iterator<Item = usize>| {
        fit_kld(
            idx.map(|i| (&pairs[i].a, &pairs[i].b, ys[i])),
            KLD_ALPHA,
            KLD_MIN_COUNT,
        )
    };
    let all = fit(&mut train.iter().copied());
    let mut in_train = vec![usize::MAX; pairs.len()];
    for (pos, &i) in train.iter().enumerate() {
        in_train[i] = pos % KLD_INNER_FOLDS;
    }
    let inner: Vec<Kld> = (0..KLD_INNER_FOLDS)
        .into_par_iter()
        .map(|f| fit(&mut train.iter().copied().filter(|&i| in_train[i] != f)))
        .collect();
    xs.par_iter_mut().enumerate().for_each(|(i, x)| {
        let kld = inner.get(in_train[i]).unwrap_or(&all);
        x[FIRST_KLD..FIRST_EMB].copy_from_slice(&kld_features(&pairs[i].a, &pairs[i].b, kld));
    });
}

/// Which features a `--variant` keeps.
fn variant_mask(variant: &str) -> Result<[bool; NUM_FEATURES]> {
    let mut mask = [false; NUM_FEATURES];
    for part in variant.split(',') {
        let range = match part.trim() {
            "all" => 0..NUM_FEATURES,
            "lexical" => 0..FIRST_KLD,
            "kld" => FIRST_KLD..FIRST_EMB,
            "emb" => FIRST_EMB..FIRST_ENC,
            "enc" => FIRST_ENC..NUM_FEATURES,
            other => bail!("unknown --variant part {other:?} (lexical, kld, emb, enc, all)"),
        };
        mask[range].iter_mut().for_each(|m| *m = true);
    }
    Ok(mask)
}

/// A fitted model as a scoring function.
type Scorer = Box<dyn Fn(&[f64; NUM_FEATURES]) -> f64 + Send + Sync>;

/// The classifier chosen by the arguments.
enum Classifier {
    Logistic(f64),
    Gbt(GbtParams),
    /// Boosted trees starting from the logistic model (L2 penalty).
    Hybrid(GbtParams, f64),
}

impl Classifier {
    fn from_args(args: &Args) -> Result<Self> {
        let default = if args.encoder.is_some() {
            "gbt"
        } else {
            "logistic"
        };
        let name = args.classifier.as_deref().unwrap_or(default);
        match name {
            "logistic" => Ok(Classifier::Logistic(args.l2)),
            "gbt" if args.gbt_rounds == 0 || args.gbt_depth == 0 => {
                bail!("--gbt-rounds and --gbt-depth must be at least 1")
            }
            "gbt" if !(args.gbt_rate > 0.0 && args.gbt_rate <= 1.0) => {
                bail!("--gbt-rate must be in (0, 1]")
            }
            "gbt" | "hybrid" => {
                let p = GbtParams {
                    rounds: args.gbt_rounds,
                    depth: args.gbt_depth,
                    learning_rate: args.gbt_rate,
                    ..GbtParams::default()
                };
                Ok(if name == "gbt" {
                    Classifier::Gbt(p)
                } else {
                    Classifier::Hybrid(p, args.l2)
                })
            }
            other => bail!("unknown --classifier {other:?} (logistic, gbt or hybrid)"),
        }
    }

    fn describe(&self) -> String {
        match self {
            Classifier::Logistic(l2) => format!("logistic regression (L2 {l2})"),
            Classifier::Gbt(p) => format!(
                "boosted trees ({} rounds, depth {}, learning rate {})",
                p.rounds, p.depth, p.learning_rate
            ),
            Classifier::Hybrid(p, l2) => format!(
                "logistic regression (L2 {l2}) + boosted trees ({} rounds, depth {}, learning rate {})",
                p.rounds, p.depth, p.learning_rate
            ),
        }
    }

    fn fit(&self, xs: &[[f64; NUM_FEATURES]], ys: &[bool]) -> Scorer {
        match self {
            Classifier::Logistic(l2) => {
                let m = fit_logistic(xs, ys, *l2);
                Box::new(move |x| m.predict(x))
            }
            Classifier::Gbt(p) => {
                let m = fit_gbt(xs, ys, p, None);
                Box::new(move |x| m.predict(x))
            }
            Classifier::Hybrid(p, l2) => {
                let m = fit_gbt(xs, ys, p, Some(fit_logistic(xs, ys, *l2)));
                Box::new(move |x| m.predict(x))
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn run_cv(
    path: &Path,
    pairs: &[Pair],
    k: usize,
    classifier: &Classifier,
    idf: &Idf,
    mask: &[bool; NUM_FEATURES],
    emb: Option<&Embeddings>,
    encodings: Option<&PairEncodings>,
    cross: Option<&[f64]>,
    oof: Option<&Path>,
) -> Result<()> {
    let base: Vec<[f64; NUM_FEATURES]> = pairs
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let f = features_with(&p.a, &p.b, idf, None, emb);
            match encodings {
                Some(e) => with_encoder(f, &e[i].0, &e[i].1, idf),
                None => f,
            }
        })
        .collect();
    let ys = labels(pairs);
    let use_kld = mask[FIRST_KLD..FIRST_EMB].iter().any(|&m| m);
    let fit_fold = |train: &[usize]| {
        let mut xs = base.clone();
        if use_kld {
            // TF-KLD weights from the training folds only.
            kld_columns(pairs, &ys, train, &mut xs);
        }
        for x in &mut xs {
            for (v, &m) in x.iter_mut().zip(mask) {
                if !m {
                    *v = 0.0;
                }
            }
        }
        let tx: Vec<_> = train.iter().map(|&i| xs[i]).collect();
        let ty: Vec<_> = train.iter().map(|&i| ys[i]).collect();
        let m = classifier.fit(&tx, &ty);
        move |i: usize| m(&xs[i])
    };
    // Each fold's model scores every pair once (in-sample on its training folds); the blend
    // below reuses these scores instead of fitting the folds again.
    let mut fold_scores: Vec<Vec<f64>> = Vec::with_capacity(k);
    let model_cv = cross_validate(pairs.len(), &ys, k, |train| {
        let model = fit_fold(train);
        let scores: Vec<f64> = (0..pairs.len()).map(model).collect();
        fold_scores.push(scores.clone());
        move |i: usize| scores[i]
    });
    // The cross-encoder alone and blended with the model (its scores are out-of-fold already).
    let cross_cvs = cross.map(|cross| {
        let alone = cross_validate(pairs.len(), &ys, k, |_| move |i: usize| cross[i]);
        // cross_validate visits the same folds in the same order every time.
        let mut folds = fold_scores.iter();
        let blended = cross_validate(pairs.len(), &ys, k, |_| {
            let model = folds.next().expect("one fitted model per fold");
            move |i: usize| similarity::blend(model[i], cross[i])
        });
        (cross, alone, blended)
    });
    let cos: Vec<f64> = pairs
        .par_iter()
        .map(|p| tfidf_cosine(&p.a, &p.b, idf))
        .collect();
    let base_cv = cross_validate(pairs.len(), &ys, k, |_| {
        let cos = &cos;
        move |i: usize| cos[i]
    });
    let positives = ys.iter().filter(|&&y| y).count();
    outln!(
        "{k}-fold cross-validation on {} ({} pairs, {} paraphrases = {:.4}; pair i in fold i mod {k}; \
         model and threshold fitted on the other folds)",
        path.display(),
        pairs.len(),
        positives,
        positives as f64 / pairs.len().max(1) as f64
    )?;
    outln!("{}", describe("model", &model_cv))?;
    if let Some((_, alone, blended)) = &cross_cvs {
        outln!("{}", describe("cross", alone))?;
        outln!("{}", describe("blend", blended))?;
    }
    outln!("{}", describe("baseline", &base_cv))?;
    outln!(
        "model = {} on {} of the {NUM_FEATURES} features; \
         baseline = TF-IDF cosine with a threshold",
        classifier.describe(),
        mask.iter().filter(|&&m| m).count()
    )?;
    if cross_cvs.is_some() {
        outln!(
            "cross = the fine-tuned cross-encoder's out-of-fold probability (both ways round; the mean of the --cross-scores files) with a threshold; \
             blend = {:.2} x model + {:.2} x cross, threshold fitted on the other folds",
            1.0 - similarity::CROSS_WEIGHT,
            similarity::CROSS_WEIGHT
        )?;
    }
    if let Some(file) = oof {
        let mut out = create_output(file)?;
        for (i, (p, &score)) in pairs.iter().zip(&model_cv.scores).enumerate() {
            let fold = i % k;
            let threshold = model_cv.fold_threshold[fold];
            let mut row = serde_json::json!({
                "line": p.line,
                "fold": fold,
                "score": score,
                "threshold": threshold,
                "paraphrase": score >= threshold,
                "quality": p.quality,
            });
            if let Some((cross, _, blended)) = &cross_cvs {
                let (blend, threshold) = (blended.scores[i], blended.fold_threshold[fold]);
                row["cross"] = cross[i].into();
                row["blend"] = blend.into();
                row["blend_threshold"] = threshold.into();
                row["blend_paraphrase"] = (blend >= threshold).into();
            }
            write_json_line(&mut out, &row)?;
        }
        out.commit()?;
    }
    Ok(())
}

fn run_fit(
    path: &Path,
    pairs: &[Pair],
    classifier: &Classifier,
    idf: &Idf,
    out: &Path,
    encodings: Option<&PairEncodings>,
    cross: Option<&[f64]>,
) -> Result<()> {
    let xs = all_features(pairs, idf, encodings);
    let ys = labels(pairs);
    let m = match classifier {
        Classifier::Logistic(l2) => Gbt {
            linear: Some(fit_logistic(&xs, &ys, *l2)),
            ..Gbt::default()
        },
        Classifier::Gbt(p) => fit_gbt(&xs, &ys, p, None),
        Classifier::Hybrid(p, l2) => fit_gbt(&xs, &ys, p, Some(fit_logistic(&xs, &ys, *l2))),
    };
    let probs: Vec<f64> = xs.iter().map(|x| m.predict(x)).collect();
    let t = best_threshold(&probs, &ys);
    let mut c = Confusion::default();
    for (p, &y) in probs.iter().zip(&ys) {
        c.add(*p >= t, y);
    }
    let mut w = create_output(out)?;
    w.write_all(m.to_text().as_bytes())?;
    w.commit()?;
    note!(
        "fitted {} on all {} pairs of {}: in-sample accuracy {:.4}, F1 {:.4} at threshold {:.4}; model written to {}",
        classifier.describe(),
        pairs.len(),
        path.display(),
        c.accuracy(),
        c.f1(),
        t,
        out.display()
    );
    let (flag, name) = if encodings.is_some() {
        (" --encoder DIR", "ENCODER_PARAPHRASE_THRESHOLD")
    } else {
        ("", "PARAPHRASE_THRESHOLD")
    };
    outln!(
        "// Generated by `storyfold-train similarity --pairs {}{flag} --fit --classifier {} --model-out {}`.",
        path.display(),
        match classifier {
            Classifier::Logistic(_) => "logistic",
            Classifier::Gbt(_) => "gbt",
            Classifier::Hybrid(..) => "hybrid",
        },
        out.display()
    )?;
    outln!("/// Score at or above which two sentences are paraphrases.")?;
    outln!("pub const {name}: f64 = {:.4};", t)?;
    if let Some(cross) = cross {
        // The blend of this model (in-sample, as each fold's threshold in --cv) with the
        // cross-encoder's out-of-fold probabilities.
        let blended: Vec<f64> = probs
            .iter()
            .zip(cross)
            .map(|(&p, &c)| similarity::blend(p, c))
            .collect();
        let t = best_threshold(&blended, &ys);
        let mut c = Confusion::default();
        for (p, &y) in blended.iter().zip(&ys) {
            c.add(*p >= t, y);
        }
        note!(
            "blend with the cross-encoder's out-of-fold probabilities: accuracy {:.4}, F1 {:.4} at threshold {t:.4}",
            c.accuracy(),
            c.f1()
        );
        outln!("/// [`blend`] at or above which two sentences are paraphrases.")?;
        outln!("pub const BLENDED_PARAPHRASE_THRESHOLD: f64 = {t:.4};")?;
    }
    Ok(())
}

fn run_sts(
    path: &Path,
    pairs: &[StsPair],
    genre: &str,
    idf: &Idf,
    encodings: Option<&PairEncodings>,
) -> Result<()> {
    let scores: Vec<f64> = pairs
        .par_iter()
        .enumerate()
        .map(|(i, p)| pair_score(&p.a, &p.b, idf, encodings.map(|e| &e[i])))
        .collect();
    // With the encoder, also the plain cosine of the two sentence embeddings.
    let enc_cos: Option<Vec<f64>> = encodings.map(|e| {
        e.iter()
            .map(|(a, b)| {
                a.sentence
                    .iter()
                    .zip(&b.sentence)
                    .map(|(x, y)| (x * y) as f64)
                    .sum()
            })
            .collect()
    });
    let cos: Vec<f64> = pairs
        .par_iter()
        .map(|p| tfidf_cosine(&p.a, &p.b, idf))
        .collect();
    let gold: Vec<f64> = pairs.iter().map(|p| p.gold).collect();
    outln!("{} (genre {genre}):", path.display())?;
    let line = |name: &str, idx: &[usize]| {
        let g: Vec<f64> = idx.iter().map(|&i| gold[i]).collect();
        let s: Vec<f64> = idx.iter().map(|&i| scores[i]).collect();
        let c: Vec<f64> = idx.iter().map(|&i| cos[i]).collect();
        let extra = enc_cos.as_ref().map_or(String::new(), |e| {
            let e: Vec<f64> = idx.iter().map(|&i| e[i]).collect();
            format!(
                "   encoder cosine: Pearson {:.4} Spearman {:.4}",
                pearson(&e, &g),
                spearman(&e, &g)
            )
        });
        outln!(
            "  {name:<10} {:>5} pairs  score: Pearson {:.4} Spearman {:.4}   TF-IDF cosine: Pearson {:.4} Spearman {:.4}{extra}",
            idx.len(),
            pearson(&s, &g),
            spearman(&s, &g),
            pearson(&c, &g),
            spearman(&c, &g)
        )
    };
    let all: Vec<usize> = (0..pairs.len()).collect();
    line("all", &all)?;
    let mut sources: Vec<&str> = pairs.iter().map(|p| p.source.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    if sources.len() > 1 {
        for src in sources {
            let idx: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&i| pairs[i].source == src)
                .collect();
            line(src, &idx)?;
        }
    }
    Ok(())
}

fn build_idf(args: &Args, out: &Path) -> Result<()> {
    if args.input.inputs.is_empty() {
        bail!("--build-idf needs corpus INPUTs");
    }
    let mut reader = Reader::open(args.input.engine_inputs(), args.input.read_options());
    let mut table = Idf::default();
    for article in reader.by_ref() {
        let article = article?;
        idf::add_document(&mut table, &article.text);
    }
    let distinct = table.df.len();
    idf::prune(&mut table, args.idf_keep, args.idf_min_df);
    let mut w = create_output(out)?;
    table.write_tsv(&mut w)?;
    w.commit()?;
    note!(
        "{} documents, {} distinct tokens, {} kept (df >= {}) in {}",
        table.documents,
        distinct,
        table.df.len(),
        args.idf_min_df,
        out.display()
    );
    let skipped = reader.skipped();
    if !skipped.is_empty() {
        note!("{skipped}");
    }
    Ok(())
}

/// The cross-encoder probability of every pair, from a `--cross-oof` file (JSON lines with
/// `line`, `fold` and `p`). Every pair needs exactly one; with `k`, pair i must have been
/// scored by fold i mod k (the folds of `--cv k`).
fn read_cross_scores(file: &Path, pairs: &[Pair], k: Option<usize>) -> Result<Vec<f64>> {
    #[derive(serde::Deserialize)]
    struct Row {
        line: usize,
        fold: usize,
        p: f64,
    }
    let bytes = read_all(file)?;
    let index: HashMap<usize, usize> = pairs.iter().enumerate().map(|(i, p)| (p.line, i)).collect();
    let mut scores = vec![f64::NAN; pairs.len()];
    for (n, raw) in lines(&bytes) {
        let at = || format!("{}:{n}", file.display());
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let row: Row = serde_json::from_slice(raw)
            .with_context(|| format!("{}: invalid cross-encoder score", at()))?;
        let Some(&i) = index.get(&row.line) else {
            bail!(
                "{}: line {} is not a pair of the --pairs file",
                at(),
                row.line
            );
        };
        if let Some(k) = k {
            if row.fold != i % k {
                bail!(
                    "{}: pair {} was scored by fold {}, but --cv {k} puts it in fold {}",
                    at(),
                    row.line,
                    row.fold,
                    i % k
                );
            }
        }
        if !(0.0..=1.0).contains(&row.p) {
            bail!("{}: probability {} is outside [0, 1]", at(), row.p);
        }
        if !scores[i].is_nan() {
            bail!("{}: pair {} is scored twice", at(), row.line);
        }
        scores[i] = row.p;
    }
    if let Some(i) = scores.iter().position(|s| s.is_nan()) {
        bail!(
            "{}: no score for pair {} (line {} of the --pairs file); {} of {} pairs have none",
            file.display(),
            i + 1,
            pairs[i].line,
            scores.iter().filter(|s| s.is_nan()).count(),
            pairs.len()
        );
    }
    Ok(scores)
}

/// CPU seconds used by this process so far (user + system; 0 where not measured).
pub(crate) fn cpu_seconds() -> f64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getrusage writes into the zeroed struct we pass and reads nothing else.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } == 0 {
            let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
            return t(u.ru_utime) + t(u.ru_stime);
        }
    }
    0.0
}

/// The line printed after each training epoch.
pub(crate) fn epoch_line(prefix: &str, r: &train_cross::EpochReport, cpu_start: f64) -> String {
    format!(
        "{prefix}epoch {}: loss {:.4}, {:.1} s wall, {:.1} pairs/s; process CPU so far {:.0} s",
        r.epoch,
        r.loss,
        r.seconds,
        r.pairs as f64 / r.seconds.max(1e-9),
        cpu_seconds() - cpu_start
    )
}

/// `--cv K --cross-train BASE`: fine-tune a cross-encoder on each fold's training pairs (pair i
/// in fold i mod K) and decide the fold's pairs at the model's threshold (0.5).
fn run_cross_cv(path: &Path, pairs: &[Pair], k: usize, base: &Path, args: &Args) -> Result<()> {
    let params = args.train.params()?;
    let folds: Vec<usize> = if args.folds.is_empty() {
        (0..k).collect()
    } else {
        args.folds.clone()
    };
    if let Some(&f) = folds.iter().find(|&&f| f >= k) {
        bail!("--folds: fold {f} is not below --cv {k}");
    }
    let ys = labels(pairs);
    let texts = pair_texts(pairs);
    // The out-of-fold lines so far: rewritten (atomically) after each fold, so that a long
    // run's finished folds stay usable if it is stopped.
    let mut oof_lines: Vec<u8> = Vec::new();
    outln!(
        "{k}-fold cross-validation of a cross-encoder fine-tuned from {} on {} ({} pairs; pair i in fold i mod {k}; folds {:?}); {:?}; {} threads",
        base.display(),
        path.display(),
        pairs.len(),
        folds,
        params,
        rayon::current_num_threads()
    )?;
    let mut pooled = Confusion::default();
    for &fold in &folds {
        let train: Vec<usize> = (0..pairs.len()).filter(|i| i % k != fold).collect();
        let test: Vec<usize> = (0..pairs.len()).filter(|i| i % k == fold).collect();
        let mut model = TrainableCross::load(base, Some(params.max_tokens), params.seed)
            .with_context(|| format!("cannot load the cross-encoder base {}", base.display()))?;
        let tx: Vec<(&str, &str)> = train.iter().map(|&i| texts[i]).collect();
        let ty: Vec<bool> = train.iter().map(|&i| ys[i]).collect();
        let start = std::time::Instant::now();
        let cpu_start = cpu_seconds();
        train_cross::train(&mut model, &tx, &ty, &params, |r| {
            note!("{}", epoch_line(&format!("fold {fold} "), r, cpu_start));
        })?;
        let train_secs = start.elapsed().as_secs_f64();
        let start = std::time::Instant::now();
        let px: Vec<(&str, &str)> = test.iter().map(|&i| texts[i]).collect();
        // Scored as `storyfold similarity --cross` scores the saved model.
        let model = model.to_inference()?;
        let each_way = model.score_each_way(&px)?;
        let score_secs = start.elapsed().as_secs_f64();
        let mut c = Confusion::default();
        for (&i, &(p_ab, p_ba)) in test.iter().zip(&each_way) {
            let p = cross::both_ways((p_ab, p_ba));
            c.add(model.is_paraphrase(p), ys[i]);
            pooled.add(model.is_paraphrase(p), ys[i]);
            if args.cross_oof.is_some() {
                write_json_line(
                    &mut oof_lines,
                    &serde_json::json!({"line": pairs[i].line, "fold": fold, "p": p, "p_ab": p_ab, "p_ba": p_ba}),
                )?;
            }
        }
        if let Some(path) = &args.cross_oof {
            let mut w = create_output(path)?;
            w.write_all(&oof_lines)?;
            w.commit()?;
        }
        outln!(
            "fold {fold}: {} ({} test pairs; trained in {train_secs:.0} s, scored in {score_secs:.1} s = {:.0} pairs/s)",
            c,
            test.len(),
            test.len() as f64 / score_secs.max(1e-9)
        )?;
    }
    outln!("cross-encoder, pooled over folds {folds:?}: {}", pooled)?;
    Ok(())
}
