//! Integration tests of `storyfold-train`: `similarity` (cross-validation, fitting, STS
//! correlations, IDF tables, the encoder dump) on small hand-written files and, when the shared
//! evaluation data is present, on MRPC; `train-cross` (when the encoder model is present).

#[path = "../../cli/tests/common/mod.rs"]
mod common;

use common::{encoder_dir, json_lines, write, MRPC};
use std::path::{Path, PathBuf};

use storyfold::align::similarity::cross::CrossEncoder;

use predicates::prelude::*;

/// The `storyfold-train` binary under test.
fn storyfold_train() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("storyfold-train").expect("binary built")
}

/// `storyfold-train similarity FLAGS --pairs FILE`.
fn similarity(flags: &[&str], pairs: &Path) -> assert_cmd::Command {
    let mut cmd = storyfold_train();
    cmd.arg("similarity").args(flags).arg("--pairs").arg(pairs);
    cmd
}

#[test]
fn cv_and_fit_need_the_quality_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "pairs.tsv", b"a\tb\nc\td\n");
    similarity(&["--cv", "2"], &file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("Quality column"));
    // Scoring pairs is `storyfold similarity`'s.
    similarity(&[], &file)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "`storyfold similarity --pairs FILE` scores pairs",
        ));
}

/// 40 labelled pairs in MRPC's layout, alternately a paraphrase and not (lines 2..=41).
fn separable_training_file(dir: &Path) -> PathBuf {
    let mut text = b"Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n".to_vec();
    for i in 0..20 {
        text.extend_from_slice(
            format!("1\t{i}\t{i}\tThe mayor of town {i} resigned today.\tToday the mayor of town {i} resigned.\n")
                .as_bytes(),
        );
        text.extend_from_slice(
            format!("0\t{i}\t{i}\tThe mayor of town {i} resigned today.\tRain fell on {i} farms in the valley.\n")
                .as_bytes(),
        );
    }
    write(dir, "train.txt", &text)
}

#[test]
fn fit_writes_the_model_and_prints_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let file = separable_training_file(dir.path());
    let model = dir.path().join("model.tsv");
    let out = storyfold_train()
        .args([
            "similarity",
            "--fit",
            "--classifier",
            "hybrid",
            "--gbt-rounds",
            "7",
        ])
        .arg("--pairs")
        .arg(&file)
        .arg("--model-out")
        .arg(&model)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("pub const PARAPHRASE_THRESHOLD: f64 ="),
        "{out}"
    );
    let text = std::fs::read_to_string(&model).unwrap();
    assert!(text.starts_with("gbt\t"), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("linear\t")).count(),
        1
    );
    assert_eq!(text.lines().filter(|&l| l == "tree").count(), 7);
    // The model file is required, and the shipped model uses trees on the lexical features.
    similarity(&["--fit"], &file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("--model-out"));
    // The shipped kind: the logistic regression alone.
    similarity(&["--fit"], &file)
        .arg("--model-out")
        .arg(&model)
        .assert()
        .success()
        .stdout(predicate::str::contains("--classifier logistic"));
    let text = std::fs::read_to_string(&model).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("linear\t")).count(),
        1
    );
    assert!(!text.lines().any(|l| l == "tree"));
    similarity(&["--fit", "--variant", "all"], &file)
        .arg("--model-out")
        .arg(&model)
        .assert()
        .failure();
    storyfold_train()
        .args([
            "similarity",
            "--cv",
            "4",
            "--variant",
            "lexical,emb",
            "--pairs",
        ])
        .arg(&file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("--embeddings"));
    let cv = similarity(&["--cv", "4"], &file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let cv = String::from_utf8(cv).unwrap();
    assert!(
        cv.contains("model     accuracy 1.0000"),
        "separable toy data: {cv}"
    );
    // --oof: one line per pair, pair i in fold i mod 4, decided at its fold's threshold.
    let oof = dir.path().join("oof.jsonl");
    similarity(&["--cv", "4", "--oof", oof.to_str().unwrap()], &file)
        .assert()
        .success();
    let rows = json_lines(&std::fs::read(&oof).unwrap());
    assert_eq!(rows.len(), 40);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["line"].as_u64().unwrap(), i as u64 + 2);
        assert_eq!(r["fold"].as_u64().unwrap(), i as u64 % 4);
        let (score, threshold) = (
            r["score"].as_f64().unwrap(),
            r["threshold"].as_f64().unwrap(),
        );
        assert_eq!(r["paraphrase"].as_bool().unwrap(), score >= threshold);
        assert_eq!(r["quality"].as_bool().unwrap(), i % 2 == 0);
        assert_eq!(r["paraphrase"], r["quality"], "separable toy data: {r}");
    }
}

#[test]
fn sts_correlations_on_a_toy_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "sts.csv",
        b"main-news\theadlines\t2015\t1\t5.0\tObama visits Kenya\tObama visits Kenya\n\
          main-news\theadlines\t2015\t2\t3.0\tObama visits Kenya today\tObama arrives in Kenya\n\
          main-news\theadlines\t2015\t3\t0.0\tObama visits Kenya\tFloods hit Bangladesh\n\
          main-captions\timages\t2015\t4\t5.0\tA dog runs\tA cat sleeps\textra\n",
    );
    storyfold_train()
        .args(["similarity", "--sts"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("3 pairs  score: Pearson"))
        .stdout(predicate::str::contains("Spearman 1.0000"));
}

#[test]
fn build_idf_writes_a_table_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = write(
        dir.path(),
        "c.jsonl",
        b"{\"id\":\"1\",\"text\":\"the cat sat\"}\n{\"id\":\"2\",\"text\":\"the dog ran\"}\n",
    );
    let table = dir.path().join("idf.tsv");
    storyfold_train()
        .args(["similarity", "--idf-min-df", "1", "--build-idf"])
        .arg(&table)
        .arg(&corpus)
        .assert()
        .success();
    let text = std::fs::read_to_string(&table).unwrap();
    assert!(text.starts_with("#documents\t2\nthe\t2\n"), "{text}");
    let idf = storyfold::align::similarity::Idf::from_tsv(&text).expect("the engine reads it");
    assert_eq!(idf.documents, 2);
    assert!(idf.weight("cat") > idf.weight("the"));
    // The table replaces the built-in one.
    let sts = write(
        dir.path(),
        "sts.csv",
        b"main-news\theadlines\t2015\t1\t5.0\tthe cat sat\tthe cat sat\n\
          main-news\theadlines\t2015\t2\t1.0\tthe cat sat\tthe dog ran\n",
    );
    storyfold_train()
        .args(["similarity", "--idf"])
        .arg(&table)
        .arg("--sts")
        .arg(&sts)
        .assert()
        .success()
        .stdout(predicate::str::contains("2 pairs  score: Pearson"));
}

/// The figures on the real data (skipped when /work/shared is absent).
#[test]
fn mrpc_cross_validation_beats_the_baseline() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/mrpc/msr_paraphrase_train.txt");
    if !file.exists() {
        eprintln!("skipped: {} not found", file.display());
        return;
    }
    let out = similarity(&["--cv", "10"], &file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let acc = |name: &str| -> f64 {
        let line = out.lines().find(|l| l.starts_with(name)).unwrap();
        line.split_whitespace().nth(2).unwrap().parse().unwrap()
    };
    // Shipped model (logistic regression on the lexical features): 0.7451.
    assert!(acc("model") > 0.74, "{out}");
    assert!(acc("model") > acc("baseline") + 0.03, "{out}");
}

#[test]
fn encoder_dump_matches_the_reference_implementation() {
    let Some(model) = encoder_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "s.txt",
        b"Amrozi accused his brother, whom he called \"the witness\", of deliberately distorting his evidence.\n",
    );
    let out = storyfold_train()
        .args([
            "similarity",
            "--encoder",
            model.to_str().unwrap(),
            "--encoder-dump",
        ])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows = json_lines(&out);
    // Ids and the first embedding values from scripts/encoder_reference.py (Hugging Face
    // tokenizers and a numpy BERT), the first sentence of MRPC train.
    let ids: Vec<u64> = rows[0]["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(ids, REFERENCE_IDS);
    let emb = rows[0]["embedding"].as_array().unwrap();
    assert_eq!(emb.len(), 384);
    for (i, want) in REFERENCE_EMBEDDING.iter().enumerate() {
        let got = emb[i].as_f64().unwrap();
        assert!((got - want).abs() < 1e-5, "dimension {i}: {got} vs {want}");
    }
}

const REFERENCE_IDS: &[u64] = &[
    101, 2572, 3217, 5831, 5496, 2010, 2567, 1010, 3183, 2002, 2170, 1000, 1996, 7409, 1000, 1010,
    1997, 9969, 4487, 23809, 3436, 2010, 3350, 1012, 102,
];
const REFERENCE_EMBEDDING: [f64; 6] = [
    -0.0443454, 0.1239068, -0.0656339, 0.0362910, -0.0018382, -0.0439119,
];

#[test]
fn train_cross_writes_a_model_that_the_engine_reads() {
    let Some(model) = encoder_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "mrpc.txt", MRPC);
    let out = dir.path().join("cross");
    let train = |out: &Path, extra: &[&str]| {
        storyfold_train()
            .args(["train-cross", "--epochs", "1", "--batch", "2"])
            .args(extra)
            .arg("--encoder")
            .arg(&model)
            .arg("--pairs")
            .arg(&file)
            .arg("--out")
            .arg(out)
            .assert()
            .success()
            .stderr(predicate::str::contains("epoch 1: loss"))
            .stderr(predicate::str::contains("model written to"));
    };
    train(&out, &[]);
    for f in [
        "model.safetensors",
        "config.json",
        "tokenizer.json",
        "cross_config.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // The engine's inference cross-encoder reads it (`storyfold similarity --cross` is tested
    // in crates/cli/tests/similarity.rs).
    let pairs = [
        (
            "The company said its quarterly profit rose 12 percent to $1.2 billion.",
            "Quarterly profit at the company rose 12 percent to $1.2 billion, it said.",
        ),
        (
            "Stocks fell sharply on Monday as oil prices climbed.",
            "Heavy snow closed schools across the northern provinces.",
        ),
    ];
    let trained = CrossEncoder::load(&out, None).expect("the engine reads the trained model");
    assert_eq!(trained.threshold(), 0.5);
    assert_eq!(trained.max_tokens(), 128);
    let scores = trained.score_both_ways(&pairs).expect("scores");
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)), "{scores:?}");
    // Same seed, same model.
    let out2 = dir.path().join("cross2");
    train(&out2, &[]);
    assert_eq!(
        std::fs::read(out.join("model.safetensors")).unwrap(),
        std::fs::read(out2.join("model.safetensors")).unwrap()
    );
    // Pairs fed as written instead of in random order (the default): another model.
    let fixed = dir.path().join("cross-fixed");
    train(&fixed, &["--fixed-order"]);
    assert_ne!(
        std::fs::read(out.join("model.safetensors")).unwrap(),
        std::fs::read(fixed.join("model.safetensors")).unwrap()
    );
    // Another seed: another model; an ensemble of the two averages them.
    let out3 = dir.path().join("cross3");
    train(&out3, &["--seed", "7"]);
    assert_ne!(
        std::fs::read(out.join("model.safetensors")).unwrap(),
        std::fs::read(out3.join("model.safetensors")).unwrap()
    );
    // Training needs labels.
    let tsv = write(dir.path(), "pairs.tsv", b"a b\tc d\n");
    storyfold_train()
        .args(["train-cross", "--encoder"])
        .arg(&model)
        .arg("--pairs")
        .arg(&tsv)
        .arg("--out")
        .arg(dir.path().join("x"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("needs labelled pairs"));
}

#[test]
fn train_cross_on_sts_then_on_pairs_from_the_sts_model() {
    let Some(model) = encoder_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let sts = write(
        dir.path(),
        "sts.csv",
        b"main-news\theadlines\t2015\t1\t5.0\tObama visits Kenya\tObama visits Kenya\n\
          main-news\theadlines\t2015\t2\t3.2\tObama visits Kenya today\tObama arrives in Kenya\n\
          main-news\tMSRpar\t2012train\t3\t4.0\tThe shares rose 5 percent\tShares were up 5 percent\n\
          main-captions\timages\t2015\t4\t0.4\tA dog runs\tA cat sleeps\n",
    );
    let mrpc = write(dir.path(), "mrpc.txt", MRPC);
    let train = |input: &[&str], base: &Path, out: &Path| {
        storyfold_train()
            .args(["train-cross", "--epochs", "1", "--batch", "2"])
            .args(input)
            .arg("--encoder")
            .arg(base)
            .arg("--out")
            .arg(out)
            .assert()
    };
    let sts_model = dir.path().join("cross-sts");
    train(&["--sts", sts.to_str().unwrap()], &model, &sts_model)
        .success()
        .stderr(predicate::str::contains("fine-tuning on 3 pairs"))
        .stderr(predicate::str::contains("1 pairs of MSRpar left out"))
        .stderr(predicate::str::contains("model written to"));
    assert!(sts_model.join("cross_config.json").is_file());
    // Only MSRpar pairs: nothing to train on is an error, not an untrained model.
    let only = write(
        dir.path(),
        "only.csv",
        b"main-news\tMSRpar\t2012train\t1\t4.0\tThe shares rose\tShares were up\n",
    );
    train(
        &["--sts", only.to_str().unwrap()],
        &model,
        &dir.path().join("x"),
    )
    .failure()
    .stderr(predicate::str::contains("no training pairs"));
    assert!(!dir.path().join("x").exists());
    // Nothing left out when asked.
    train(
        &["--sts", sts.to_str().unwrap(), "--skip-source", "none"],
        &model,
        &dir.path().join("all"),
    )
    .success()
    .stderr(predicate::str::contains("fine-tuning on 4 pairs"));
    // The second stage starts from the STS model: another model than from the base.
    let (from_sts, from_base) = (dir.path().join("from-sts"), dir.path().join("from-base"));
    for (base, out) in [(&sts_model, &from_sts), (&model, &from_base)] {
        train(&["--pairs", mrpc.to_str().unwrap()], base, out)
            .success()
            .stderr(predicate::str::contains("fine-tuning on 3 pairs"));
    }
    assert_ne!(
        std::fs::read(from_sts.join("model.safetensors")).unwrap(),
        std::fs::read(from_base.join("model.safetensors")).unwrap()
    );
    // Untrusted input: a short line names its file and line, a gold score off the 0-5 scale is
    // refused, and --pairs and --sts do not go together.
    for (name, content, error) in [
        (
            "bad.csv",
            &b"main-news\theadlines\t2015\t1\t5.0\tonly six\n"[..],
            "bad.csv:1: expected at least 7 tab-separated fields",
        ),
        (
            "off.csv",
            b"main-news\theadlines\t2015\t1\t7.5\ta b\tc d\n",
            "off.csv:1: gold score 7.5 is outside 0 to 5",
        ),
    ] {
        let file = write(dir.path(), name, content);
        train(
            &["--sts", file.to_str().unwrap()],
            &model,
            &dir.path().join("x"),
        )
        .failure()
        .stderr(predicate::str::contains(error))
        .stderr(predicate::str::contains("panicked").not());
    }
    train(
        &[
            "--sts",
            sts.to_str().unwrap(),
            "--pairs",
            mrpc.to_str().unwrap(),
        ],
        &model,
        &dir.path().join("x"),
    )
    .failure()
    .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn cross_scores_add_the_cross_encoder_and_the_blend_to_cv_and_fit() {
    let Some(model) = encoder_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = separable_training_file(dir.path());
    // Out-of-fold cross-encoder probabilities as `--cv 4 --cross-train` writes them.
    let row = |i: usize, fold: usize| {
        let p = if i.is_multiple_of(2) { 0.9 } else { 0.2 };
        format!("{{\"line\": {}, \"fold\": {fold}, \"p\": {p}}}\n", i + 2)
    };
    let good: String = (0..40).map(|i| row(i, i % 4)).collect();
    let scores = write(dir.path(), "cross.jsonl", good.as_bytes());
    let enc = model.to_str().unwrap();
    let cross = scores.to_str().unwrap();
    // `--cv 4 --encoder … --cross-scores MEMBERS…`
    let cv_with = |members: &[&PathBuf]| {
        let mut args = vec!["--cv", "4", "--encoder", enc, "--cross-scores"];
        args.extend(members.iter().map(|m| m.to_str().unwrap()));
        similarity(&args, &file)
    };
    let out = cv_with(&[&scores])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("cross     accuracy 1.0000"), "{out}");
    assert!(out.contains("blend     accuracy 1.0000"), "{out}");
    assert!(out.contains("blend = 0.50 x model + 0.50 x cross"), "{out}");
    // --oof adds each pair's cross-encoder score and its out-of-fold blend and decision.
    let oof = dir.path().join("oof.jsonl");
    cv_with(&[&scores])
        .arg("--oof")
        .arg(&oof)
        .assert()
        .success();
    let rows = json_lines(&std::fs::read(&oof).unwrap());
    assert_eq!(rows.len(), 40);
    for r in &rows {
        let f = |k: &str| r[k].as_f64().unwrap_or_else(|| panic!("no {k} in {r}"));
        let expected = storyfold::align::similarity::blend(f("score"), f("cross"));
        assert!((f("blend") - expected).abs() < 1e-9, "{r}");
        let decided = f("blend") >= f("blend_threshold");
        assert_eq!(r["blend_paraphrase"].as_bool(), Some(decided), "{r}");
        // The pairs are separable, so every out-of-fold blend decision is right.
        assert_eq!(r["quality"].as_bool(), Some(decided), "{r}");
    }
    // --fit prints the blend's threshold.
    let fitted = dir.path().join("m.tsv");
    similarity(&["--fit", "--encoder", enc, "--cross-scores", cross], &file)
        .arg("--model-out")
        .arg(&fitted)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "pub const BLENDED_PARAPHRASE_THRESHOLD: f64 = ",
        ));
    // Broken files are errors naming the file and line.
    for (name, text, message) in [
        (
            "missing.jsonl",
            (0..39).map(|i| row(i, i % 4)).collect::<String>(),
            "no score for pair 40 (line 41",
        ),
        (
            "fold.jsonl",
            (0..40).map(|i| row(i, (i + 1) % 4)).collect(),
            "fold.jsonl:1: pair 2 was scored by fold 1, but --cv 4 puts it in fold 0",
        ),
        (
            "json.jsonl",
            format!("{}{{oops\n", row(0, 0)),
            "json.jsonl:2: invalid cross-encoder score",
        ),
        (
            "twice.jsonl",
            format!("{good}{}", row(0, 0)),
            "twice.jsonl:41: pair 2 is scored twice",
        ),
        (
            "range.jsonl",
            good.replace("0.9}", "1.5}"),
            "probability 1.5 is outside [0, 1]",
        ),
    ] {
        let bad = write(dir.path(), name, text.as_bytes());
        cv_with(&[&bad])
            .assert()
            .failure()
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains("panicked").not());
    }
    // Several files are an ensemble: averaged pair by pair. A member that says the opposite
    // cancels the first one out (every pair at 0.5).
    let flipped: String = (0..40)
        .map(|i| {
            row(i, i % 4)
                .replace("0.9}", "X")
                .replace("0.2}", "0.9}")
                .replace('X', "0.1}")
        })
        .collect();
    let flipped = write(dir.path(), "flipped.jsonl", flipped.as_bytes());
    let out = cv_with(&[&scores, &flipped])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let cross_accuracy: f64 = out
        .lines()
        .find_map(|l| l.strip_prefix("cross     accuracy "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no cross line in {out}"));
    assert!(cross_accuracy <= 0.6, "{out}");
    // A broken member is an error naming it.
    let bad = write(dir.path(), "member.jsonl", b"{oops\n");
    cv_with(&[&scores, &bad])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "member.jsonl:1: invalid cross-encoder score",
        ));
    // Cross-encoder scores need the encoder model they are blended with.
    similarity(&["--cv", "4", "--cross-scores", cross], &file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("--encoder"));
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_model_folder_is_never_written_over_its_base() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    std::fs::create_dir(&base).unwrap();
    std::fs::write(base.join("config.json"), "{}").unwrap();
    write(
        dir.path(),
        "p.tsv",
        b"Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\ta\tb\tx\ty\n",
    );
    for out in ["base", "base/out"] {
        storyfold_train()
            .current_dir(dir.path())
            .args([
                "train-cross",
                "--pairs",
                "p.tsv",
                "--encoder",
                "base",
                "--out",
                out,
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("outputs never overwrite inputs"));
    }
    assert_eq!(
        std::fs::read_to_string(base.join("config.json")).unwrap(),
        "{}"
    );
    assert_eq!(names(&base), ["config.json"]);
}

#[test]
fn an_idf_table_is_never_written_over_its_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = write(
        dir.path(),
        "b.jsonl",
        b"{\"id\": 1, \"text\": \"One sentence.\"}\n",
    );
    storyfold_train()
        .current_dir(dir.path())
        .args(["similarity", "--build-idf", "b.jsonl", "b.jsonl"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("outputs never overwrite inputs"));
    assert_eq!(
        std::fs::read(&corpus).unwrap(),
        b"{\"id\": 1, \"text\": \"One sentence.\"}\n"
    );
    assert_eq!(names(dir.path()), ["b.jsonl"]);
}
