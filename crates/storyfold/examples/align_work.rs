//! The work counters of the aligner on the pairs of a `storyfold pairs` output.
//!
//! ```sh
//! storyfold pairs CORPUS.jsonl -o PAIRS.jsonl
//! cargo run --release -p storyfold --example align_work -- CORPUS.jsonl PAIRS.jsonl
//! ```
//!
//! Aligns every pair (`a` as A, `b` as B) with the default limits and prints, for each pair
//! whose alignment is truncated, its [`AlignWork`] and the sizes behind it (sentences, most
//! facts of a sentence, facts of the document), then the largest counters over all pairs: how
//! far ordinary articles stay from each limit.

use std::collections::HashMap;

use storyfold::align::alignment::{AlignConfig, AlignWork, Aligner};
use storyfold::align::similarity::Idf;
use storyfold::align::PreparedDoc;
use storyfold::ingest::{Input, ReadOptions, Reader};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: align_work CORPUS.jsonl PAIRS.jsonl");
        std::process::exit(2);
    }
    let texts: HashMap<String, String> =
        Reader::open(vec![Input::from_arg(&args[1])], ReadOptions::default())
            .flatten()
            .map(|a| (a.id, a.text))
            .collect();
    let aligner = Aligner::new(Idf::builtin());
    let mut most = AlignWork::default();
    let (mut pairs, mut truncated) = (0, 0);
    for line in std::fs::read_to_string(&args[2])
        .expect("pairs file")
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let (Some(a), Some(b)) = (v["a"].as_str(), v["b"].as_str()) else {
            continue;
        };
        let (Some(ta), Some(tb)) = (texts.get(a), texts.get(b)) else {
            continue;
        };
        let (da, db) = (PreparedDoc::new(ta), PreparedDoc::new(tb));
        let al = aligner.align(&da, &db);
        let w = al.work;
        pairs += 1;
        most.candidate_work = most.candidate_work.max(w.candidate_work);
        most.pairs_scored = most.pairs_scored.max(w.pairs_scored);
        most.most_candidates = most.most_candidates.max(w.most_candidates);
        most.token_cells = most.token_cells.max(w.token_cells);
        most.long_pairs = most.long_pairs.max(w.long_pairs);
        most.grid_cells = most.grid_cells.max(w.grid_cells);
        most.fact_work = most.fact_work.max(w.fact_work);
        if al.truncated {
            truncated += 1;
            let facts = |d: &PreparedDoc| -> (usize, usize, bool) {
                let f = d.sentences.iter().map(|s| s.facts().facts.len());
                let cut = d.sentences.iter().any(|s| s.facts().truncated);
                (f.clone().max().unwrap_or(0), f.sum(), cut)
            };
            println!(
                "{a} {b}: sentences {} {}, facts (most, all, cut) {:?} {:?}: {w:?}",
                da.sentences.len(),
                db.sentences.len(),
                facts(&da),
                facts(&db)
            );
        }
    }
    println!(
        "{pairs} pairs, {truncated} truncated; limits {:?}",
        AlignConfig::default()
    );
    println!("largest counters: {most:?}");
}
