//! Reopen time and single-insert latency of a live story index (figures for docs/live-index.md).
//!
//! Usage: `cargo run --release -p storyfold --example live_latency -- DB INPUT.jsonl [N]`
//!
//! Opens the index `DB` (timed), then inserts one by one the first `N` articles (default 500)
//! of `INPUT.jsonl` that are not in it yet, timing each `insert`, and prints the reopen time,
//! the latency percentiles and the index counts. It changes `DB`: run it on a copy.

use std::time::Instant;

use storyfold::ingest::{Input, ReadOptions, Reader};
use storyfold::StoryIndex;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: live_latency DB INPUT.jsonl [N]".into());
    }
    let n: usize = args.get(3).map_or(Ok(500), |s| s.parse())?;
    let start = Instant::now();
    let index = StoryIndex::builder().create(false).open(&args[1])?;
    let reopen = start.elapsed().as_secs_f64();
    let stats = index.stats()?;
    println!(
        "reopen: {:.3} s ({} articles, {} stories, {} open stories, {} open articles)",
        reopen, stats.articles, stats.stories, stats.open_stories, stats.open_articles
    );
    let reader = Reader::open(
        vec![Input::Path(args[2].clone().into())],
        ReadOptions::default(),
    );
    let mut times = Vec::with_capacity(n);
    for article in reader {
        let article = article?;
        if times.len() >= n {
            break;
        }
        if index.contains(&article.id)? {
            continue;
        }
        let t = Instant::now();
        index.insert(article)?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    if times.is_empty() {
        return Err("no new article to insert".into());
    }
    println!(
        "single insert over {} articles: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0)
    );
    Ok(())
}
