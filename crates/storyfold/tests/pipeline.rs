//! The batch pipelines (`storyfold::pipeline`) through the public API only: fold, dedup and
//! pairs on the example corpus and on small corpora built here, their worker threads, the
//! text spool, progress, and the errors they pass on.

use std::io;
use std::path::PathBuf;
use std::sync::Mutex;

use storyfold::align::alignment::Relation as PairRelation;
use storyfold::align::similarity::Idf;
use storyfold::ingest::{Article, Input, ReadOptions, Reader};
use storyfold::pipeline::{self, Progress, Silent, Stage, StorySink};
use storyfold::{
    Aligner, DedupOptions, Error, FoldOptions, JsonLines, PairsOptions, StoryReport, Threads,
};

fn news() -> Reader {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/news.jsonl");
    Reader::open(vec![Input::Path(path)], ReadOptions::default())
}

fn aligner() -> Aligner {
    Aligner::new(Idf::builtin())
}

/// The JSON lines of the fold of the example corpus with `options`.
fn fold_news(options: &FoldOptions) -> (Vec<u8>, pipeline::Folded) {
    let mut lines = JsonLines(Vec::new());
    let folded =
        pipeline::fold(news(), options, &aligner(), &mut lines, &Silent).expect("fold runs");
    (lines.0, folded)
}

/// Records what a pipeline reports: per stage, the threads of the pool it started on and the
/// last count set; and the passes.
#[derive(Default)]
struct Recorder {
    started: Mutex<Vec<(Stage, usize, Option<u64>)>>,
    last: Mutex<Vec<(Stage, u64)>>,
    passes: Mutex<Vec<String>>,
}

impl Progress for Recorder {
    fn start(&self, stage: Stage, total: Option<u64>) {
        let threads = rayon::current_num_threads();
        self.started.lock().unwrap().push((stage, threads, total));
    }
    fn set(&self, stage: Stage, done: u64) {
        let mut last = self.last.lock().unwrap();
        match last.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, n)) => *n = (*n).max(done),
            None => last.push((stage, done)),
        }
    }
    fn pass(&self, what: &str) {
        self.passes.lock().unwrap().push(what.to_string());
    }
}

fn article(id: &str, title: &str, text: &str, published: &str) -> Article {
    Article {
        title: Some(title.into()),
        published: Some(published.parse().expect("date")),
        ..Article::new(id, text)
    }
}

const BRIDGE: &str = "The Alder Street Bridge in Port Aldrin will stay closed for six weeks \
    after engineers found cracks in two steel beams, said Mara Lindqvist, the transport \
    authority's chief engineer. Repairs will cost 4.2 million dollars. Buses will take the \
    Harbour Road detour until the work is done, the authority said on Monday.";

fn small_corpus() -> Vec<Article> {
    vec![
        article(
            "wire-1",
            "Alder Street Bridge closed for six weeks",
            BRIDGE,
            "2026-11-02T09:00:00Z",
        ),
        article(
            "copy-2",
            "Bridge closed after cracks found",
            BRIDGE,
            "2026-11-02T11:00:00Z",
        ),
        article(
            "sport-3",
            "Otters win the regional cup",
            "The Orville Otters beat the Castor Hawks 3-1 to win the regional football cup in \
             front of a packed stadium on Sunday, their first title in twelve years.",
            "2026-11-01T18:00:00Z",
        ),
    ]
}

#[test]
fn fold_of_the_example_corpus_gives_its_story_families_and_the_same_reports_by_any_sink() {
    let (lines, folded) = fold_news(&FoldOptions::default());
    assert_eq!(folded.assignments.len(), 45);
    assert_eq!(folded.read, 45);
    assert_eq!(folded.sizes.iter().sum::<usize>(), 45);
    // The briefs are the stories of two or more articles, in story order.
    let multi: Vec<usize> = (1..=folded.sizes.len())
        .filter(|&s| folded.sizes[s - 1] > 1)
        .collect();
    assert!(multi.len() >= 5, "the example families: {multi:?}");
    assert_eq!(
        folded.briefs.iter().map(|b| b.story).collect::<Vec<_>>(),
        multi
    );

    // One JSON line per story, equal to the reports collected as values.
    let mut reports: Vec<StoryReport> = Vec::new();
    pipeline::fold(
        news(),
        &FoldOptions::default(),
        &aligner(),
        &mut reports,
        &Silent,
    )
    .expect("fold runs");
    let text = String::from_utf8(lines).expect("utf-8");
    assert_eq!(text.lines().count(), folded.sizes.len());
    for (line, report) in text.lines().zip(&reports) {
        assert_eq!(line, serde_json::to_string(report).expect("serializes"));
    }
    // Every assignment agrees with the members of its story's report.
    for (id, story) in &folded.assignments {
        assert!(reports[story - 1].members.iter().any(|m| &m.id == id));
    }
}

#[test]
fn the_thread_count_is_honoured_and_changes_nothing() {
    let (reference, _) = fold_news(&FoldOptions::default());
    for n in [1, 3] {
        let options = FoldOptions {
            threads: Some(Threads::new(n).expect("threads")),
            ..FoldOptions::default()
        };
        let recorder = Recorder::default();
        let mut lines = JsonLines(Vec::new());
        pipeline::fold(news(), &options, &aligner(), &mut lines, &recorder).expect("fold runs");
        assert_eq!(lines.0, reference, "{n} threads");
        let started = recorder.started.lock().unwrap().clone();
        assert_eq!(
            started,
            [
                (Stage::Read, n, None),
                (Stage::Report, n, Some(started[1].2.unwrap()))
            ]
        );

        let options = DedupOptions {
            threads: Some(Threads::new(n).expect("threads")),
            ..DedupOptions::default()
        };
        let recorder = Recorder::default();
        pipeline::dedup(news(), &options, &recorder).expect("dedup runs");
        assert_eq!(recorder.started.lock().unwrap()[0].1, n);

        let options = PairsOptions {
            threads: Some(Threads::new(n).expect("threads")),
            ..PairsOptions::default()
        };
        let recorder = Recorder::default();
        pipeline::pairs(news(), &options, &aligner(), &recorder).expect("pairs runs");
        assert!(recorder.started.lock().unwrap().iter().all(|s| s.1 == n));
    }
}

#[test]
fn texts_go_through_the_spool_directory_given() {
    let (reference, _) = fold_news(&FoldOptions::default());
    let dir = tempfile::tempdir().expect("tempdir");
    let options = FoldOptions {
        spool_dir: Some(dir.path().to_path_buf()),
        ..FoldOptions::default()
    };
    let (lines, _) = fold_news(&options);
    assert_eq!(lines, reference);

    // A spool directory that does not exist stops the pipeline with an error saying so.
    let options = FoldOptions {
        spool_dir: Some(dir.path().join("missing")),
        ..FoldOptions::default()
    };
    let err = pipeline::fold(
        news(),
        &options,
        &aligner(),
        &mut Vec::<StoryReport>::new(),
        &Silent,
    )
    .expect_err("no spool directory");
    assert!(matches!(err, Error::Spool { .. }), "{err:?}");
    assert!(err
        .to_string()
        .starts_with("cannot create the spool file: "));
}

#[test]
fn progress_counts_articles_and_stories_and_names_each_pass() {
    let recorder = Recorder::default();
    let folded = pipeline::fold(
        pipeline::articles(small_corpus()),
        &FoldOptions::default(),
        &aligner(),
        &mut Option::<JsonLines<Vec<u8>>>::None,
        &recorder,
    )
    .expect("fold runs");
    assert_eq!(folded.sizes, [1, 2]);
    assert_eq!(
        *recorder.last.lock().unwrap(),
        [(Stage::Read, 3), (Stage::Report, 2)]
    );
    let passes = recorder.passes.lock().unwrap().clone();
    assert_eq!(
        passes,
        [
            "read 3 articles (".to_string() + passes[0].split_once('(').unwrap().1,
            "weighed".into(),
            "clustered into 2 stories".into(),
            "reported".into()
        ]
    );
}

#[test]
fn dedup_and_pairs_find_the_copy_in_memory_articles() {
    let deduped = pipeline::dedup(
        pipeline::articles(small_corpus()),
        &DedupOptions::default(),
        &Silent,
    )
    .expect("dedup runs");
    assert_eq!(deduped.read, 3);
    let groups = deduped.dedup.groups();
    assert_eq!(groups.len(), 1);
    assert_eq!(deduped.dedup.doc(groups[0].representative).id, "wire-1");
    assert_eq!(deduped.dedup.doc(groups[0].members[0].doc).id, "copy-2");

    let found = pipeline::pairs(
        pipeline::articles(small_corpus()),
        &PairsOptions::default(),
        &aligner(),
        &Silent,
    )
    .expect("pairs runs");
    assert_eq!(found.documents(), 3);
    let related = found.related(PairRelation::NearDuplicate);
    assert_eq!(related.len(), 1);
    assert_eq!((related[0].a, related[0].b), ("wire-1", "copy-2"));
    assert_eq!(
        related[0].alignment.map(|al| al.relation),
        Some(PairRelation::Exact)
    );

    // An empty source is no error: nothing is found.
    let none = pipeline::pairs(
        pipeline::articles(Vec::new()),
        &PairsOptions::default(),
        &aligner(),
        &Silent,
    )
    .expect("pairs runs");
    assert_eq!((none.documents(), none.verified().count()), (0, 0));
}

#[test]
fn a_bad_record_and_a_failed_output_stop_the_pipelines_with_their_errors() {
    let bytes = b"{\"id\": \"a\", \"text\": \"fine\"}\n{\"id\": \"b\"}\n".to_vec();
    let reader = || {
        Reader::from_bytes(
            "bad.jsonl",
            bytes.clone(),
            storyfold::ingest::Format::Jsonl,
            ReadOptions::default(),
        )
    };
    let err = pipeline::fold(
        reader(),
        &FoldOptions::default(),
        &aligner(),
        &mut Vec::<StoryReport>::new(),
        &Silent,
    )
    .expect_err("bad record");
    assert!(matches!(err, Error::Ingest(_)), "{err:?}");
    assert!(err.to_string().contains("bad.jsonl:2"), "{err}");
    let err = pipeline::dedup(reader(), &DedupOptions::default(), &Silent).expect_err("bad");
    assert!(err.to_string().contains("bad.jsonl:2"), "{err}");
    let err = pipeline::pairs(reader(), &PairsOptions::default(), &aligner(), &Silent)
        .expect_err("bad record");
    assert!(err.to_string().contains("bad.jsonl:2"), "{err}");

    /// A sink whose output is a closed pipe.
    struct Closed;
    impl StorySink for Closed {
        type Encoded = ();
        fn encode(&self, _: &StoryReport) -> io::Result<()> {
            Ok(())
        }
        fn write(&mut self, _: ()) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }
    let err = pipeline::fold(
        pipeline::articles(small_corpus()),
        &FoldOptions::default(),
        &aligner(),
        &mut Closed,
        &Silent,
    )
    .expect_err("closed output");
    assert_eq!(err.io_kind(), Some(io::ErrorKind::BrokenPipe));
}
