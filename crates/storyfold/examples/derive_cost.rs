//! Cost of the derivation pass of `storyfold fold`, story by story, on one thread.
//!
//! ```sh
//! storyfold fold CORPUS.jsonl --assignments ASSIGN.tsv -o /dev/null
//! cargo run --release -p storyfold --example derive_cost -- CORPUS.jsonl ASSIGN.tsv [MAX_STORIES]
//! ```
//!
//! Reads the articles and the `id<TAB>story` assignments, then for the stories of two or more
//! articles (at most `MAX_STORIES`, default 2,000) prepares the members' texts and derives the
//! story, timing each step in thread CPU time, and prints the cost per member and the number of
//! alignments per member. The *analyze* figure times [`Aligner::analyze`] of every member on
//! its own, first (it extracts the sentences' facts, which the sentences then keep); *derive*
//! is the whole derivation, which analyzes the members again, without that extraction.
//!
//! Environment: `ALL_PAIRS_MAX` and `CANDIDATES` override [`DeriveConfig`]; `DUMP=FILE` writes
//! every alignment computed (to compare two builds); `TRUTH=FILE` (a `benchgen` truth file)
//! counts the generated variants whose source is in their story and derive from it.

use std::collections::HashMap;
use std::time::Duration;

use storyfold::align::alignment::Aligner;
use storyfold::align::similarity::Idf;
use storyfold::align::PreparedDoc;
use storyfold::ingest::{Input, ReadOptions, Reader};
use storyfold::story::derive::{derive, DeriveConfig};

/// CPU time of the calling thread so far.
fn cpu() -> Duration {
    cpu_time::ThreadTime::now().as_duration()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: derive_cost CORPUS.jsonl ASSIGN.tsv [MAX_STORIES]");
        std::process::exit(2);
    }
    let max: usize = args
        .get(3)
        .map_or(2000, |s| s.parse().expect("MAX_STORIES"));
    let assign: HashMap<String, usize> = std::fs::read_to_string(&args[2])
        .expect("assignments")
        .lines()
        .filter_map(|l| {
            let (id, s) = l.split_once('\t')?;
            Some((id.to_string(), s.parse().ok()?))
        })
        .collect();
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for s in assign.values() {
        *sizes.entry(*s).or_default() += 1;
    }
    let mut stories: HashMap<usize, Vec<storyfold::ingest::Article>> = HashMap::new();
    for a in Reader::open(vec![Input::from_arg(&args[1])], ReadOptions::default()).flatten() {
        if let Some(&s) = assign.get(&a.id) {
            if sizes[&s] > 1 {
                stories.entry(s).or_default().push(a);
            }
        }
    }
    let mut keys: Vec<usize> = stories.keys().copied().collect();
    keys.sort_unstable();
    keys.truncate(max);
    let aligner = Aligner::new(Idf::builtin());
    // ALL_PAIRS_MAX and CANDIDATES override the derivation settings.
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse().ok());
    let cfg = DeriveConfig {
        all_pairs_max: env("ALL_PAIRS_MAX").unwrap_or(DeriveConfig::default().all_pairs_max),
        candidates: env("CANDIDATES").unwrap_or(DeriveConfig::default().candidates),
    };
    // TRUTH=benchgen truth file (id, kind, source, ...): how many generated variants whose
    // source is in their story derive from it.
    let truth: HashMap<String, String> = std::env::var_os("TRUTH")
        .map(|p| {
            std::fs::read_to_string(p)
                .expect("TRUTH file")
                .lines()
                .filter_map(|l| {
                    let f: Vec<&str> = l.split('\t').collect();
                    (f.get(1) == Some(&"variant")).then(|| (f[0].to_string(), f[2].to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    let (mut variants, mut found) = (0usize, 0usize);
    let (mut prep, mut der, mut members, mut pairs) = (Duration::ZERO, Duration::ZERO, 0, 0);
    let mut analyze = Duration::ZERO;
    let mut extra = 0usize;
    // DUMP=FILE writes every alignment computed, to compare two builds.
    let mut dump = std::env::var_os("DUMP")
        .map(|p| std::io::BufWriter::new(std::fs::File::create(p).expect("DUMP file")));
    for k in &keys {
        let arts = &stories[k];
        let t0 = cpu();
        let docs: Vec<PreparedDoc> = arts.iter().map(|a| PreparedDoc::new(&a.text)).collect();
        let t1 = cpu();
        let analyses: Vec<_> = docs.iter().map(|d| aligner.analyze(d)).collect();
        drop(analyses);
        let t2 = cpu();
        let published: Vec<_> = arts.iter().map(|a| a.published).collect();
        let d = derive(&docs, &published, &aligner, &cfg);
        let t3 = cpu();
        prep += t1 - t0;
        analyze += t2 - t1;
        der += t3 - t2;
        members += arts.len();
        for (x, a) in arts.iter().enumerate() {
            let Some(src) = truth.get(&a.id) else {
                continue;
            };
            if arts.iter().any(|o| &o.id == src) {
                variants += 1;
                if d.derived_from[x].is_some_and(|y| &arts[y].id == src) {
                    found += 1;
                }
            }
        }
        if let Some(out) = dump.as_mut() {
            use std::io::Write;
            for p in &d.pairs {
                let json = serde_json::to_string(&p.alignment).expect("json");
                writeln!(out, "{}\t{}\t{}\t{json}", k, arts[p.a].id, arts[p.b].id).expect("write");
            }
            let roles: Vec<&str> = d.role.iter().map(|r| r.name()).collect();
            writeln!(out, "{k}\troles\t{roles:?}\t{:?}", d.derived_from).expect("write");
        }
        pairs += d.pairs.len();
        // Reference alignments the derivation computed besides its pairs.
        extra += (0..arts.len())
            .filter(|&x| d.reference[x].is_some_and(|r| d.pair(r, x).is_none_or(|p| p.a != r)))
            .count();
    }
    let per = |d: Duration| d.as_secs_f64() * 1e3 / members.max(1) as f64;
    println!(
        "{} stories, {} members, {} alignments + {} for references ({:.2} per member); CPU per member: prepare {:.3} ms, analyze {:.3} ms, derive {:.3} ms ({:.3} ms per alignment)",
        keys.len(),
        members,
        pairs,
        extra,
        (pairs + extra) as f64 / members.max(1) as f64,
        per(prep),
        per(analyze),
        per(der),
        der.as_secs_f64() * 1e3 / (pairs + extra).max(1) as f64
    );
    if variants > 0 {
        println!("{found} of {variants} generated variants derive from their source");
    }
}
