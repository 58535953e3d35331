//! A corpus delivered to a live story index in increments, as a feed would deliver it: the
//! figures of docs/live-index.md "Incremental against batch" (`scripts/eval_incremental.py`
//! runs it and compares the result with a batch `fold` and with gold).
//!
//! Usage:
//! `cargo run --release -p storyfold --example incremental -- INPUT.jsonl DB OUT.tsv (--by-day | --batches N [--seed S]) [--reopen] [--no-window]`
//!
//! * `--by-day`: one increment per publication day (UTC), days in order; undated articles
//!   come last, as one increment.
//! * `--batches N`: the articles shuffled (seeded) and cut into `N` increments of equal size.
//!
//! Each increment is one `insert_batch` followed by `refine`, exactly what one `storyfold add`
//! call of a batch does; with `--reopen` the index is closed and reopened between increments
//! (as separate `add` calls would); with `--no-window` stories never close (as `fold --window
//! none`; the default is the index's 7 days). Afterwards `id<TAB>story` of every article is written to
//! `OUT.tsv` (the format of `fold --assignments`), and the articles in the order they were
//! delivered to `OUT.tsv.order.jsonl`, so that a batch `fold` can be given the same order
//! (articles the index refuses are left out of the assignments, and listed).
//! `DB` must not exist.

use std::io::Write;
use std::time::Instant;

use storyfold::ingest::{Article, Input, ReadOptions, Reader};
use storyfold::{StoryFilter, StoryIndex};

/// A small seeded generator (SplitMix64): the shuffle must not depend on a crate's version.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn increments(articles: Vec<Article>, args: &[String]) -> Result<Vec<Vec<Article>>, String> {
    let flag = |name: &str| args.iter().position(|a| a == name).map(|i| args.get(i + 1));
    if args.iter().any(|a| a == "--by-day") {
        let mut days: std::collections::BTreeMap<Option<i64>, Vec<Article>> = Default::default();
        for a in articles {
            let day = a.published.map(|t| t.timestamp().div_euclid(86_400));
            days.entry(day).or_default().push(a);
        }
        // `None` sorts first in a BTreeMap: move the undated increment to the end.
        let mut out: Vec<Vec<Article>> = Vec::with_capacity(days.len());
        let undated = days.remove(&None);
        out.extend(days.into_values());
        out.extend(undated);
        return Ok(out);
    }
    let n: usize = match flag("--batches") {
        Some(Some(n)) => n.parse().map_err(|e| format!("--batches: {e}"))?,
        _ => return Err("give --by-day or --batches N".into()),
    };
    let mut seed: u64 = match flag("--seed") {
        Some(Some(s)) => s.parse().map_err(|e| format!("--seed: {e}"))?,
        _ => 1,
    };
    let mut articles = articles;
    for i in (1..articles.len()).rev() {
        let j = (splitmix(&mut seed) % (i as u64 + 1)) as usize;
        articles.swap(i, j);
    }
    let size = articles.len().div_ceil(n.max(1)).max(1);
    let mut out = Vec::new();
    let mut it = articles.into_iter().peekable();
    while it.peek().is_some() {
        out.push(it.by_ref().take(size).collect());
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        return Err(
            "usage: incremental INPUT.jsonl DB OUT.tsv (--by-day | --batches N [--seed S]) [--reopen]"
                .into(),
        );
    }
    let (input, db, out) = (&args[1], &args[2], &args[3]);
    if std::path::Path::new(db).exists() {
        return Err(format!("{db} exists: give a new index file").into());
    }
    let reopen = args.iter().any(|a| a == "--reopen");
    let builder = || {
        let b = StoryIndex::builder();
        if args.iter().any(|a| a == "--no-window") {
            b.window(None)
        } else {
            b
        }
    };
    let reader = Reader::open(vec![Input::Path(input.into())], ReadOptions::default());
    let articles: Vec<Article> = reader.collect::<Result<_, _>>()?;
    let total = articles.len();
    let parts = increments(articles, &args[4..])?;
    let mut order = std::io::BufWriter::new(std::fs::File::create(format!("{out}.order.jsonl"))?);
    for a in parts.iter().flatten() {
        let line = serde_json::json!({
            "id": a.id, "title": a.title, "text": a.text, "source": a.source,
            "published": a.published.map(|t| t.to_rfc3339()),
        });
        writeln!(order, "{line}")?;
    }
    order.flush()?;

    let start = Instant::now();
    let mut index = builder().open(db)?;
    let mut events = 0;
    let count = parts.len();
    let mut refused = Vec::new();
    for mut part in parts {
        // An article the index refuses (no words once normalized) leaves its batch unstored:
        // left out, it is counted and the batch tried again (as `add --skip-invalid` does).
        loop {
            match index.insert_batch(part.clone()) {
                Ok(_) => break,
                Err(storyfold::Error::Invalid { id, .. }) => {
                    part.retain(|a| a.id != id);
                    refused.push(id);
                }
                Err(e) => return Err(e.into()),
            }
        }
        events += index.refine()?.len();
        if reopen {
            index.close()?;
            index = builder().create(false).open(db)?;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mut tsv = std::io::BufWriter::new(std::fs::File::create(out)?);
    let stories: Vec<_> = index
        .stories(&StoryFilter::default())?
        .iter()
        .map(|s| s.story)
        .collect();
    let assigned = index.assignments(&stories)?;
    for (id, story) in &assigned {
        writeln!(tsv, "{id}\t{story}")?;
    }
    tsv.flush()?;
    let stats = index.stats()?;
    index.close()?;
    println!(
        "{total} articles in {count} increments: {} stories, {events} refinement events; {secs:.1} s ({:.0} articles/s)",
        stats.stories,
        total as f64 / secs.max(1e-9)
    );
    if !refused.is_empty() {
        println!("refused (left out): {}", refused.join(" "));
    }
    if assigned.len() + refused.len() != total {
        return Err(format!("{} of {total} articles assigned", assigned.len()).into());
    }
    Ok(())
}
