//! Load bench of `storyfold serve`, on loopback only, bounded in articles and time, stopping
//! by itself. The server runs in this process (the same `storyfold_server::run` as
//! `storyfold serve`) on a fresh index in a temporary directory.
//!
//! * **load** (default): one client posts the articles of a JSONL file in NDJSON batches
//!   while `--readers` clients read story pages (the HTML page and the JSON report of stories
//!   from the list); prints articles/s, and p50/p99/max latency of the posts and the reads.
//! * **soak** (`--soak SECONDS`): the same at a bounded rate (`--rate` articles/s), the file
//!   read again with new ids when it runs out; the process RSS is sampled every 10 s; prints
//!   the samples and the error count.
//!
//! ```sh
//! cargo run --release -p storyfold-server --example load -- data/allsides.jsonl --articles 5000
//! cargo run --release -p storyfold-server --example load -- data/allsides.jsonl --soak 600 --rate 100
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use storyfold::StoryIndex;
use storyfold_server::Config;

type Http = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

struct Args {
    file: String,
    articles: usize,
    batch: usize,
    readers: usize,
    max_secs: u64,
    soak: Option<u64>,
    rate: u64,
}

fn usage() -> ! {
    eprintln!(
        "usage: load FILE.jsonl [--articles N (5000)] [--batch N (50)] [--readers N (4)] \
         [--max-secs S (300)] [--soak SECONDS --rate ARTICLES_PER_S (100)]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        file: String::new(),
        articles: 5000,
        batch: 50,
        readers: 4,
        max_secs: 300,
        soak: None,
        rate: 100,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = |name: &str| -> u64 {
            it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
                eprintln!("{name} needs a number");
                usage()
            })
        };
        match arg.as_str() {
            "--articles" => a.articles = num("--articles") as usize,
            "--batch" => a.batch = (num("--batch") as usize).max(1),
            "--readers" => a.readers = num("--readers") as usize,
            "--max-secs" => a.max_secs = num("--max-secs").clamp(1, 3600),
            "--soak" => a.soak = Some(num("--soak").clamp(1, 3600)),
            "--rate" => a.rate = num("--rate").max(1),
            "-h" | "--help" => usage(),
            f if a.file.is_empty() && !f.starts_with('-') => a.file = f.to_string(),
            other => {
                eprintln!("unknown argument {other}");
                usage()
            }
        }
    }
    if a.file.is_empty() {
        usage()
    }
    a
}

/// The non-blank lines of a file, read again from the start (next round) at its end.
struct Lines {
    path: String,
    reader: std::io::BufReader<std::fs::File>,
    round: usize,
    in_round: usize,
}

impl Lines {
    fn open(path: &str) -> Lines {
        let file = std::fs::File::open(path).unwrap_or_else(|e| {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(1)
        });
        Lines {
            path: path.to_string(),
            reader: std::io::BufReader::new(file),
            round: 0,
            in_round: 0,
        }
    }

    /// The next line and its round (0 the first time through the file).
    fn next_line(&mut self) -> Option<(String, usize)> {
        use std::io::BufRead;
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    if self.in_round == 0 {
                        return None;
                    }
                    let round = self.round + 1;
                    *self = Lines::open(&self.path);
                    self.round = round;
                }
                Ok(_) if line.trim().is_empty() => {}
                Ok(_) => {
                    self.in_round += 1;
                    return Some((line.trim_end().to_string(), self.round));
                }
            }
        }
    }
}

/// Latencies in microseconds.
#[derive(Default)]
struct Lat(Mutex<Vec<u64>>);

impl Lat {
    fn add(&self, d: Duration) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(d.as_micros() as u64);
    }

    fn summary(&self) -> String {
        let mut v = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if v.is_empty() {
            return "none".into();
        }
        v.sort_unstable();
        let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0;
        format!(
            "{} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            v.len(),
            q(0.5),
            q(0.99),
            q(1.0)
        )
    }
}

/// A memory figure of this process in MB (`VmRSS:` now, `VmHWM:` the peak), 0 off Linux.
fn status_mb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

async fn send(http: &Http, req: Request<Full<Bytes>>) -> Result<(u16, Bytes), String> {
    let res = http.request(req).await.map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    let body = res
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, body))
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    // Lines are read as they are sent (the file is not held in memory: the RSS figures are
    // the server's, plus a small client).
    let mut lines = Lines::open(&args.file);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let index = Arc::new(
        StoryIndex::builder()
            .open(dir.path().join("load.db"))
            .expect("open the index"),
    );
    let (tx, rx) = tokio::sync::oneshot::channel();
    let config = Config {
        listen: "127.0.0.1:0".parse().expect("address"),
        timeout: Duration::from_secs(120),
        ..Config::default()
    };
    let server = tokio::spawn(storyfold_server::run(index.clone(), config, Some(tx)));
    let addr = rx.await.expect("the server started");
    let base = format!("http://{addr}");
    let http: Http = Client::builder(TokioExecutor::new()).build_http();

    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let reads = Arc::new(Lat::default());
    let posts = Arc::new(Lat::default());
    let latest: Arc<Mutex<Vec<u64>>> = Arc::new(Mutex::new(Vec::new()));

    // Readers: the list, then the page and the report of stories from it, round robin.
    let mut readers = Vec::new();
    for r in 0..args.readers {
        let (http, base, stop, errors, reads, latest) = (
            http.clone(),
            base.clone(),
            stop.clone(),
            errors.clone(),
            reads.clone(),
            latest.clone(),
        );
        readers.push(tokio::spawn(async move {
            let mut k = r;
            while !stop.load(Ordering::Relaxed) {
                let ids = latest
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .clone();
                let uri = if ids.is_empty() || k % 10 == 0 {
                    format!("{base}/v1/stories?limit=20")
                } else if k % 2 == 0 {
                    format!("{base}/stories/{}", ids[k % ids.len()])
                } else {
                    format!("{base}/v1/stories/{}", ids[k % ids.len()])
                };
                k += 1;
                let req = Request::get(&uri)
                    .body(Full::new(Bytes::new()))
                    .expect("request");
                let t = Instant::now();
                match send(&http, req).await {
                    Ok((200, body)) => {
                        reads.add(t.elapsed());
                        if uri.contains("/v1/stories?") {
                            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) {
                                let got: Vec<u64> = v["stories"]
                                    .as_array()
                                    .map(|a| a.iter().filter_map(|s| s["story"].as_u64()).collect())
                                    .unwrap_or_default();
                                *latest
                                    .lock()
                                    .unwrap_or_else(std::sync::PoisonError::into_inner) = got;
                            }
                        }
                    }
                    // A story merged away between the list and the read.
                    Ok((404, _)) => reads.add(t.elapsed()),
                    Ok((s, body)) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        eprintln!("GET {uri}: {s} {}", String::from_utf8_lossy(&body));
                    }
                    Err(e) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        eprintln!("GET {uri}: {e}");
                    }
                }
            }
        }));
    }

    // RSS sampler (soak), with the articles the index holds in memory (its open window).
    let sampler = args.soak.map(|_| {
        let stop = stop.clone();
        let index = index.clone();
        tokio::spawn(async move {
            let start = Instant::now();
            let mut samples = Vec::new();
            let open = |index: &StoryIndex| index.stats().map_or(0, |s| s.open_articles);
            while !stop.load(Ordering::Relaxed) {
                samples.push((start.elapsed().as_secs(), rss_mb(), open(&index)));
                for _ in 0..100 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            samples.push((start.elapsed().as_secs(), rss_mb(), open(&index)));
            samples
        })
    });

    // The writer: batches in order, paced in soak mode.
    let start = Instant::now();
    let limit = match args.soak {
        Some(s) => Duration::from_secs(s),
        None => Duration::from_secs(args.max_secs),
    };
    let total = match args.soak {
        Some(_) => usize::MAX,
        None => args.articles,
    };
    let mut sent = 0usize;
    let mut round = 0usize;
    while sent < total && start.elapsed() < limit {
        let mut body = String::new();
        let mut n = 0;
        while n < args.batch && sent + n < total {
            let Some((line, r)) = lines.next_line() else {
                break;
            };
            round = r;
            if round == 0 {
                body.push_str(&line);
            } else {
                // Again with a new id (the same text: a copy of the first round).
                match serde_json::from_str::<serde_json::Value>(&line) {
                    Ok(mut v) => {
                        let id = v["id"].as_str().map(str::to_string).unwrap_or_default();
                        v["id"] = serde_json::Value::String(format!("{id}~{round}"));
                        body.push_str(&v.to_string());
                    }
                    Err(_) => body.push_str(&line),
                }
            }
            body.push('\n');
            n += 1;
        }
        if n == 0 {
            break;
        }
        let req = Request::post(format!("{base}/v1/articles"))
            .header("content-type", "application/x-ndjson")
            .body(Full::new(Bytes::from(body)))
            .expect("request");
        let t = Instant::now();
        match send(&http, req).await {
            Ok((201, _)) => posts.add(t.elapsed()),
            Ok((s, body)) => {
                errors.fetch_add(1, Ordering::Relaxed);
                eprintln!("POST: {s} {}", String::from_utf8_lossy(&body));
            }
            Err(e) => {
                errors.fetch_add(1, Ordering::Relaxed);
                eprintln!("POST: {e}");
            }
        }
        sent += n;
        if args.soak.is_some() {
            // Pace to --rate articles per second.
            let due = Duration::from_secs_f64(sent as f64 / args.rate as f64);
            if let Some(wait) = due.checked_sub(start.elapsed()) {
                tokio::time::sleep(wait.min(limit.saturating_sub(start.elapsed()))).await;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        let _ = r.await;
    }
    let stats = index.stats().expect("stats");
    println!(
        "ingested {} articles in {:.1} s over HTTP in batches of {} while {} clients read: {:.0} articles/s; {} stories, {} rounds of the file",
        stats.articles,
        secs,
        args.batch,
        args.readers,
        stats.articles as f64 / secs,
        stats.stories,
        round + 1
    );
    println!("posts: {}", posts.summary());
    println!("reads: {}", reads.summary());
    println!("errors: {}", errors.load(Ordering::Relaxed));
    if let Some(s) = sampler {
        let samples = s.await.unwrap_or_default();
        let line: Vec<String> = samples
            .iter()
            .map(|(t, mb, _)| format!("{t}s {mb:.0}"))
            .collect();
        println!("RSS MB every 10 s: {}", line.join(", "));
        let open: Vec<String> = samples.iter().map(|(_, _, n)| n.to_string()).collect();
        println!(
            "articles in memory (open window) every 10 s: {}",
            open.join(", ")
        );
        let peak = samples.iter().map(|s| s.1).fold(0.0, f64::max);
        println!("peak RSS {peak:.0} MB");
        let n = samples.len();
        if n >= 4 {
            // Growth over the second half: a bounded RSS levels off.
            let (mid, end) = (&samples[n / 2], &samples[n - 1]);
            println!(
                "RSS growth over the second half ({}s to {}s): {:+.0} MB",
                mid.0,
                end.0,
                end.1 - mid.1
            );
        }
    }
    println!(
        "peak RSS of the process {:.0} MB (VmHWM)",
        status_mb("VmHWM:")
    );
    server.abort();
}
