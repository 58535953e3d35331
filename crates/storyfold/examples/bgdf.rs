//! Builds and checks the background document-frequency table (`story::features::background`).
//!
//! ```text
//! cargo run --release -p storyfold --example bgdf -- build WORDFREQ.tsv OUT.bin [--keys KEYS.tsv]
//! cargo run --release -p storyfold --example bgdf -- corpus-df INPUT.jsonl OUT.tsv
//! ```
//!
//! `build` reads the TSV of `scripts/background_df/export_wordfreq.py` (`kind<TAB>term<TAB>
//! token frequency`), sums the frequencies of every term key (`build_keys`: several listed
//! words can stem to one key), turns each sum into a document rate (`key_rate`), keeps the
//! keys whose rate is at least [`FLOOR`] and writes the table with the default rate of each
//! kind. `--keys` also writes `key<TAB>kind<TAB>term<TAB>token frequency<TAB>rate` of every
//! key (a listed term that names it), for checking the table against a corpus.
//!
//! `corpus-df` counts, over the articles of an input, in how many each term key occurs
//! (story features of title and text): `# docs N`, then `key<TAB>df`, sorted by key. Used
//! only to check the table (docs/background-df.md); such counts are not shipped.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};

use rayon::prelude::*;
use storyfold::ingest::{Input, ReadOptions, Reader};
use storyfold::story::features::background::{build_keys, key_rate, Background};
use storyfold::story::features::{key_kind, raw_terms, FeatureConfig, TermKind};

/// Smallest document rate kept in the table: rarer terms take their kind's default.
const FLOOR: f64 = 2e-4;

fn kind_name(k: TermKind) -> &'static str {
    match k {
        TermKind::Word => "w",
        TermKind::Entity => "e",
        TermKind::Number => "n",
        TermKind::Date => "d",
        TermKind::Year => "y",
    }
}

fn build(input: &str, out: &str, keys_out: Option<&str>) {
    let r = BufReader::new(File::open(input).expect("open the wordfreq TSV"));
    // key -> (summed token frequency, first term naming it)
    let mut sums: HashMap<u64, (f64, String)> = HashMap::new();
    for (n, line) in r.lines().enumerate() {
        let line = line.expect("read the wordfreq TSV");
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let [kind, term, freq] = f[..] else {
            panic!("{input}:{}: expected kind, term, frequency", n + 1);
        };
        let p: f64 = freq
            .parse()
            .unwrap_or_else(|_| panic!("{input}:{}: bad frequency {freq}", n + 1));
        for k in build_keys(kind, term) {
            let e = sums.entry(k).or_insert_with(|| (0.0, term.to_string()));
            e.0 += p;
        }
    }
    let mut entries: Vec<(u64, f64)> = sums
        .iter()
        .map(|(&k, &(p, _))| (k, key_rate(key_kind(k), p)))
        .filter(|&(_, r)| r >= FLOOR)
        .collect();
    entries.sort_by_key(|e| e.0);
    // Unlisted words, entities and numbers are rarer than the floor: half of it. Dates and
    // years are all listed; their default is the floor too.
    let defaults = [FLOOR / 2.0, FLOOR / 2.0, FLOOR / 2.0, FLOOR, FLOOR];
    let bytes = Background::encode(&entries, defaults);
    std::fs::write(out, &bytes).expect("write the table");
    let mut by_kind: HashMap<&str, usize> = HashMap::new();
    for &(k, _) in &entries {
        *by_kind.entry(kind_name(key_kind(k))).or_default() += 1;
    }
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort();
    eprintln!(
        "bgdf: {} keys from {} ({} bytes); by kind {:?}",
        entries.len(),
        sums.len(),
        bytes.len(),
        kinds
    );
    if let Some(path) = keys_out {
        let mut w = BufWriter::new(File::create(path).expect("create the keys file"));
        let mut all: Vec<_> = sums.into_iter().collect();
        all.sort_by_key(|e| e.0);
        for (k, (p, term)) in all {
            writeln!(
                w,
                "{k}\t{}\t{term}\t{p:.6e}\t{:.6e}",
                kind_name(key_kind(k)),
                key_rate(key_kind(k), p)
            )
            .expect("write the keys file");
        }
    }
}

fn corpus_df(input: &str, out: &str) {
    let reader = Reader::open(vec![Input::Path(input.into())], ReadOptions::default());
    let cfg = FeatureConfig::default();
    let articles: Vec<_> = reader.map(|a| a.expect("read article")).collect();
    let raws: Vec<_> = articles
        .par_iter()
        .map(|a| raw_terms(a.title.as_deref(), &a.text, &cfg))
        .collect();
    let mut df: HashMap<u64, u32> = HashMap::new();
    for r in &raws {
        for &(k, _) in &r.terms {
            *df.entry(k).or_default() += 1;
        }
    }
    let mut all: Vec<_> = df.into_iter().collect();
    all.sort_unstable();
    let mut w = BufWriter::new(File::create(out).expect("create the output"));
    writeln!(w, "# docs {}", raws.len()).expect("write");
    for (k, d) in all {
        writeln!(w, "{k}\t{d}").expect("write");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let keys = args
        .iter()
        .position(|a| a == "--keys")
        .and_then(|i| args.get(i + 1).cloned());
    match args.first().map(String::as_str) {
        Some("build") if args.len() >= 3 => build(&args[1], &args[2], keys.as_deref()),
        Some("corpus-df") if args.len() == 3 => corpus_df(&args[1], &args[2]),
        _ => {
            eprintln!("usage: bgdf build WORDFREQ.tsv OUT.bin [--keys KEYS.tsv] | bgdf corpus-df INPUT.jsonl OUT.tsv");
            std::process::exit(2);
        }
    }
}
