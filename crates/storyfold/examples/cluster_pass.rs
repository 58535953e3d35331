//! Times the clustering pass alone, on the vectors `storyfold fold` builds, and writes the
//! story of every article, to compare two builds' assignments without deriving stories.
//!
//! ```text
//! cargo run --release -p storyfold --example cluster_pass -- INPUT.jsonl OUT.tsv [--refine] [--cache FILE]
//! ```
//!
//! `OUT.tsv` has `index<TAB>story` per article in input order. Without `--refine` the
//! refinement is skipped (as `fold --no-refine`). `--cache FILE` keeps the weighed vectors
//! and times in `FILE` (written when missing, read when present) so reruns skip reading.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::time::Instant;

use rayon::prelude::*;
use storyfold::ingest::{Input, ReadOptions, Reader};
use storyfold::story::cluster::{cluster_vectors, ClusterConfig};
use storyfold::story::features::{raw_terms, Prior, TermTable, TermVector};

fn read_u64(r: &mut impl Read) -> u64 {
    let mut b = [0u8; 8];
    r.read_exact(&mut b).expect("truncated cache");
    u64::from_le_bytes(b)
}

fn load_cache(path: &str) -> (Vec<TermVector>, Vec<Option<i64>>) {
    let mut r = BufReader::new(File::open(path).expect("open cache"));
    let n = read_u64(&mut r) as usize;
    let mut vectors = Vec::with_capacity(n);
    let mut published = Vec::with_capacity(n);
    for _ in 0..n {
        let has = read_u64(&mut r);
        let t = read_u64(&mut r) as i64;
        published.push((has == 1).then_some(t));
        let len = read_u64(&mut r) as usize;
        let mut v = Vec::with_capacity(len);
        for _ in 0..len {
            let k = read_u64(&mut r);
            let w = f32::from_bits(read_u64(&mut r) as u32);
            v.push((k, w));
        }
        vectors.push(v);
    }
    (vectors, published)
}

fn save_cache(path: &str, vectors: &[TermVector], published: &[Option<i64>]) {
    let mut w = BufWriter::new(File::create(path).expect("create cache"));
    let mut put = |x: u64| w.write_all(&x.to_le_bytes()).expect("write cache");
    put(vectors.len() as u64);
    for (v, p) in vectors.iter().zip(published) {
        put(u64::from(p.is_some()));
        put(p.unwrap_or(0) as u64);
        put(v.len() as u64);
        for &(k, x) in v {
            put(k);
            put(u64::from(x.to_bits()));
        }
    }
}

/// Read and weigh as `storyfold fold` does (raw terms in parallel, a [`TermTable`]).
fn read_input(path: &str, cfg: &ClusterConfig) -> (Vec<TermVector>, Vec<Option<i64>>) {
    let reader = Reader::open(vec![Input::Path(path.into())], ReadOptions::default());
    let mut table = TermTable::with_prior(Prior::shipped(cfg.features.background_weight));
    let mut compact = Vec::new();
    let mut published = Vec::new();
    let mut chunk = Vec::new();
    let mut flush = |chunk: &mut Vec<storyfold::ingest::Article>| {
        let raws: Vec<_> = chunk
            .par_iter()
            .map(|a| raw_terms(a.title.as_deref(), &a.text, &cfg.features))
            .collect();
        for (a, raw) in chunk.drain(..).zip(raws) {
            compact.push(table.add(&raw));
            published.push(a.published.map(|d| d.timestamp()));
        }
    };
    for a in reader {
        chunk.push(a.expect("read article"));
        if chunk.len() == 1024 {
            flush(&mut chunk);
        }
    }
    flush(&mut chunk);
    let vectors = compact
        .into_par_iter()
        .map(|c| table.weigh(&c, &cfg.features))
        .collect();
    (vectors, published)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let refine = args.iter().any(|a| a == "--refine");
    let cache = args
        .iter()
        .position(|a| a == "--cache")
        .and_then(|i| args.get(i + 1).cloned());
    let positional: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|&(i, a)| !a.starts_with("--") && (i == 0 || args[i - 1] != "--cache"))
        .map(|(_, a)| a)
        .collect();
    let [input, out] = positional[..] else {
        eprintln!("usage: cluster_pass INPUT OUT.tsv [--refine] [--cache FILE]");
        std::process::exit(2);
    };
    let cfg = ClusterConfig {
        refine,
        ..ClusterConfig::default()
    };
    let t0 = Instant::now();
    let (vectors, published) = match &cache {
        Some(c) if std::path::Path::new(c).exists() => load_cache(c),
        _ => {
            let (v, p) = read_input(input, &cfg);
            if let Some(c) = &cache {
                save_cache(c, &v, &p);
            }
            (v, p)
        }
    };
    eprintln!(
        "cluster_pass: {} articles ready in {:.2} s",
        vectors.len(),
        t0.elapsed().as_secs_f64()
    );
    let t1 = Instant::now();
    let story_of = cluster_vectors(vectors, &published, &cfg);
    let n_stories = story_of.iter().map(|&s| s + 1).max().unwrap_or(0);
    eprintln!(
        "cluster_pass: clustered into {n_stories} stories in {:.2} s",
        t1.elapsed().as_secs_f64()
    );
    let mut w = BufWriter::new(File::create(out).expect("create output"));
    for (i, s) in story_of.iter().enumerate() {
        writeln!(w, "{i}\t{s}").expect("write output");
    }
}
