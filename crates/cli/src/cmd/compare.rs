//! `storyfold compare`: align two articles sentence by sentence and show what was copied,
//! edited, reworded, added, dropped or changed (disagreeing facts).
//!
//! The two articles are either two files (`.txt` files, read like one file of a `.txt`
//! directory, or one-record JSONL/CSV files) or two ids of a corpus (`--corpus FILE ID1 ID2`).
//! Article A is the reference: every sentence of B gets its counterpart in A. With
//! `--encoder DIR` the paraphrase decision uses the contextual sentence encoder
//! (`Aligner::align_encoded`).

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;
use storyfold::align::alignment::{Alignment, FactSupport, MatchKind, Relation, RowKind};
use storyfold::align::facts::{Disagreement, FactKind};
use storyfold::align::similarity::Encoder;
use storyfold::align::PreparedDoc;
use storyfold::ingest::{self, Article, Format, Input, ReadOptions, Reader};

use crate::common::{check_outputs, path_inputs, round4, write_json_line, Output, ReadArgs};

/// When to colour the terminal view.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorArg {
    /// Only when stdout is a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Arguments of `storyfold compare`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Article A then article B: two files, or two ids with `--corpus`.
    #[arg(value_name = "A_B", num_args = 2, required = true)]
    pub items: Vec<String>,
    /// Read A and B by id from this corpus (JSONL, CSV or a directory of .txt files; repeatable).
    #[arg(long, value_name = "FILE")]
    pub corpus: Vec<PathBuf>,
    #[command(flatten)]
    pub align: crate::common::AlignArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print the full alignment as one JSON object instead of the side-by-side view.
    #[arg(long)]
    pub json: bool,
    /// Colour the side-by-side view.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Width of the side-by-side view (default: $COLUMNS, else 120).
    #[arg(long)]
    pub width: Option<usize>,
    /// Decide paraphrases with the contextual sentence encoder in this local all-MiniLM-L6-v2
    /// folder (`scripts/fetch_encoder.sh` fetches it).
    #[arg(long, value_name = "DIR")]
    pub encoder: Option<PathBuf>,
}

/// Read the only article of a file: a `.txt` file is read as a one-file `.txt` directory
/// (metadata block or headline line, then the text); anything else must hold one record.
fn read_single(path: &Path, opts: &ReadOptions) -> Result<Article> {
    let is_txt = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"));
    if is_txt && opts.format.is_none() && path.is_file() {
        let dir = tempfile::Builder::new()
            .prefix("storyfold-compare-")
            .tempdir()
            .context("cannot create a temporary directory")?;
        let name = path.file_name().unwrap_or("article.txt".as_ref());
        std::fs::copy(path, dir.path().join(name))
            .with_context(|| format!("cannot read {}", path.display()))?;
        let opts = ReadOptions {
            format: Some(Format::TxtDir),
            ..opts.clone()
        };
        let mut article = first_article(Input::Path(dir.path().to_path_buf()), opts, path)?;
        article.location = ingest::Location::file(path.display().to_string());
        return Ok(article);
    }
    let input = Input::from_arg(&path.to_string_lossy());
    first_article(input, opts.clone(), path)
}

fn first_article(input: Input, opts: ReadOptions, shown: &Path) -> Result<Article> {
    let mut reader = Reader::open(vec![input], opts);
    let first = match reader.next() {
        Some(Ok(a)) => a,
        Some(Err(e)) => return Err(e).with_context(|| format!("cannot read {}", shown.display())),
        None => bail!("{} holds no article", shown.display()),
    };
    if reader.next().is_some() {
        bail!(
            "{} holds more than one article: use `--corpus {} ID1 ID2`",
            shown.display(),
            shown.display()
        );
    }
    Ok(first)
}

/// Read the articles with ids `ids` from the corpus files.
fn read_from_corpus(files: &[PathBuf], ids: [&str; 2], opts: ReadOptions) -> Result<[Article; 2]> {
    let inputs = files
        .iter()
        .map(|p| Input::from_arg(&p.to_string_lossy()))
        .collect();
    let mut found: [Option<Article>; 2] = [None, None];
    for item in Reader::open(inputs, opts) {
        let article = item?;
        for (k, id) in ids.iter().enumerate() {
            if found[k].is_none() && article.id == *id {
                found[k] = Some(article.clone());
            }
        }
        if found.iter().all(Option::is_some) {
            break;
        }
    }
    match found {
        [Some(a), Some(b)] => Ok([a, b]),
        [a, _] => bail!(
            "id {:?} not found in the corpus",
            if a.is_none() { ids[0] } else { ids[1] }
        ),
    }
}

/// One article in the JSON output.
#[derive(Serialize)]
struct DocOut<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    sentences: Vec<&'a str>,
}

#[derive(Serialize)]
struct MatchOut {
    b: usize,
    a: Option<usize>,
    kind: MatchKind,
    score: f64,
    moved: bool,
}

/// The JSON output (field names are part of the documented format).
#[derive(Serialize)]
struct CompareOut<'a> {
    a: DocOut<'a>,
    b: DocOut<'a>,
    relation: Relation,
    score: f64,
    containment_b_in_a: f64,
    containment_a_in_b: f64,
    shingle_jaccard: f64,
    shingle_b_in_a: f64,
    shingle_a_in_b: f64,
    key_term_overlap: f64,
    shared_key_terms: usize,
    facts_b_in_a: FactSupport,
    facts_a_in_b: FactSupport,
    content_b_in_a: f64,
    content_a_in_b: f64,
    matches: Vec<MatchOut>,
    added: &'a [usize],
    dropped: &'a [usize],
    disagreements: &'a [Disagreement],
    /// Present (true) only when a limit on the aligner's work cut some of it short.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
}

fn doc_out<'a>(article: &'a Article, doc: &'a PreparedDoc) -> DocOut<'a> {
    DocOut {
        id: &article.id,
        title: article.title.as_deref(),
        sentences: doc.sentences.iter().map(|s| s.text.as_str()).collect(),
    }
}

/// Run `storyfold compare`.
pub fn run(args: Args) -> Result<()> {
    let mut inputs = path_inputs(&args.corpus);
    if args.corpus.is_empty() {
        inputs.extend(args.items.iter().map(|i| Input::from_arg(i)));
    }
    inputs.extend(path_inputs(
        args.encoder.iter().chain(&args.align.embeddings),
    ));
    check_outputs(&inputs, &[])?;
    let opts = args.read.read_options();
    let [a, b] = if args.corpus.is_empty() {
        [
            read_single(Path::new(&args.items[0]), &opts)?,
            read_single(Path::new(&args.items[1]), &opts)?,
        ]
    } else {
        read_from_corpus(&args.corpus, [&args.items[0], &args.items[1]], opts)?
    };
    let doc_a = PreparedDoc::new(&a.text);
    let doc_b = PreparedDoc::new(&b.text);
    let aligner = args.align.aligner()?;
    let al = match &args.encoder {
        None => aligner.align(&doc_a, &doc_b),
        Some(dir) => {
            let encoder = Encoder::load(dir)
                .with_context(|| format!("cannot load the encoder from {}", dir.display()))?;
            fn texts(d: &PreparedDoc) -> Vec<&str> {
                d.sentences.iter().map(|s| s.text.as_str()).collect()
            }
            let ea = encoder.encode(&texts(&doc_a))?;
            let eb = encoder.encode(&texts(&doc_b))?;
            aligner.align_encoded(&doc_a, &doc_b, &ea, &eb)
        }
    };

    if al.truncated {
        note!(
            "note: the articles are too long or too repetitive to align in full: the aligner's \
             work limits cut some of it short (\"truncated\": true; see docs/reliability.md)"
        );
    }
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut out = Output::stdout();
    if args.json {
        let value = CompareOut {
            a: doc_out(&a, &doc_a),
            b: doc_out(&b, &doc_b),
            relation: al.relation,
            score: round4(al.shown_score()),
            containment_b_in_a: round4(al.containment_b_in_a),
            containment_a_in_b: round4(al.containment_a_in_b),
            shingle_jaccard: round4(al.shingle_jaccard),
            shingle_b_in_a: round4(al.shingle_b_in_a),
            shingle_a_in_b: round4(al.shingle_a_in_b),
            key_term_overlap: round4(al.key_term_overlap),
            shared_key_terms: al.shared_key_terms,
            facts_b_in_a: al.facts_b_in_a,
            facts_a_in_b: al.facts_a_in_b,
            content_b_in_a: round4(al.content_b_in_a),
            content_a_in_b: round4(al.content_a_in_b),
            matches: al
                .matches
                .iter()
                .map(|m| MatchOut {
                    b: m.b,
                    a: m.a,
                    kind: m.kind,
                    score: round4(m.score),
                    moved: m.moved,
                })
                .collect(),
            added: &al.added,
            dropped: &al.dropped,
            disagreements: &al.disagreements,
            truncated: al.truncated,
        };
        write_json_line(&mut out, &value)?;
    } else {
        let width = args
            .width
            .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
            .unwrap_or(120)
            .clamp(60, 400);
        let view = View {
            color,
            width,
            a: &doc_a,
            b: &doc_b,
            al: &al,
        };
        view.render(&a, &b, &mut out)?;
    }
    out.commit()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Side-by-side view

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const HIGHLIGHT: &str = "\x1b[1;37;41m";

struct View<'a> {
    color: bool,
    width: usize,
    a: &'a PreparedDoc,
    b: &'a PreparedDoc,
    al: &'a Alignment,
}

/// One row of the view: a marker, label, and the A and B sentence indices.
struct Row {
    marker: char,
    label: &'static str,
    a: Option<usize>,
    b: Option<usize>,
    style: &'static str,
}

impl View<'_> {
    fn paint(&self, style: &str, s: &str) -> String {
        if self.color && !style.is_empty() {
            format!("{style}{s}{RESET}")
        } else {
            s.to_string()
        }
    }

    fn rows(&self) -> Vec<Row> {
        self.al
            .rows(self.a.sentences.len())
            .into_iter()
            .map(|r| {
                let (marker, style) = match r.kind {
                    RowKind::Dropped => ('-', RED),
                    RowKind::Added => ('+', GREEN),
                    RowKind::Moved => ('^', CYAN),
                    RowKind::Verbatim => ('=', DIM),
                    RowKind::Edited => ('~', YELLOW),
                    RowKind::Paraphrase => ('%', CYAN),
                };
                Row {
                    marker,
                    label: r.kind.name(),
                    a: r.a,
                    b: r.b,
                    style,
                }
            })
            .collect()
    }

    /// Byte ranges of disagreeing values in sentence `i` of A (`side_a`) or B.
    fn highlights(&self, side_a: bool, i: usize) -> Vec<std::ops::Range<usize>> {
        let doc = if side_a { self.a } else { self.b };
        let text = &doc.sentences[i].text;
        self.al
            .disagreements
            .iter()
            .filter(|d| (if side_a { d.a_sentence } else { d.b_sentence }) == i)
            .filter_map(|d| {
                let v = if side_a { &d.a_value } else { &d.b_value };
                text.find(v.as_str()).map(|s| s..s + v.len())
            })
            .collect()
    }

    /// Wrap a sentence into lines of at most `w` characters; each line is (plain width, rendered).
    fn wrap(&self, side_a: bool, i: Option<usize>, w: usize, style: &str) -> Vec<(usize, String)> {
        let Some(i) = i else {
            return Vec::new();
        };
        let doc = if side_a { self.a } else { self.b };
        let text = &doc.sentences[i].text;
        let marks = self.highlights(side_a, i);
        let mut lines = Vec::new();
        let mut cur = String::new();
        let mut cur_w = 0usize;
        let mut pos = 0usize;
        for word in text.split_whitespace() {
            let start = text[pos..].find(word).map_or(pos, |p| p + pos);
            pos = start + word.len();
            let hot = marks.iter().any(|r| start < r.end && r.start < pos);
            // Break over-long words into pieces.
            let chars: Vec<char> = word.chars().collect();
            for piece in chars.chunks(w.max(1)) {
                let piece: String = piece.iter().collect();
                let pw = piece.chars().count();
                if cur_w > 0 && cur_w + 1 + pw > w {
                    lines.push((cur_w, std::mem::take(&mut cur)));
                    cur_w = 0;
                }
                if cur_w > 0 {
                    cur.push(' ');
                    cur_w += 1;
                }
                let styled = if hot {
                    self.paint(HIGHLIGHT, &piece)
                } else {
                    self.paint(style, &piece)
                };
                cur.push_str(&styled);
                cur_w += pw;
            }
        }
        if cur_w > 0 {
            lines.push((cur_w, cur));
        }
        lines
    }

    fn render(&self, a: &Article, b: &Article, out: &mut dyn Write) -> Result<()> {
        let al = self.al;
        writeln!(
            out,
            "{}",
            self.paint(
                BOLD,
                &format!(
                    "A: {} ({} sentences)   B: {} ({} sentences)",
                    a.id,
                    self.a.sentences.len(),
                    b.id,
                    self.b.sentences.len()
                )
            )
        )?;
        writeln!(
            out,
            "relation: {}   score: {}   B in A: {:.3}   A in B: {:.3}   shingle Jaccard: {:.3}   key terms: {:.3} ({} shared)",
            self.paint(BOLD, al.relation.name()),
            // 1.000 only for an exact copy: four decimals where three would round up to it.
            match al.shown_score() {
                s if (0.9995..1.0).contains(&s) => format!("{s:.4}"),
                s => format!("{s:.3}"),
            },
            al.containment_b_in_a,
            al.containment_a_in_b,
            al.shingle_jaccard,
            al.key_term_overlap,
            al.shared_key_terms
        )?;
        let count = |k: MatchKind| al.matches.iter().filter(|m| m.kind == k).count();
        writeln!(
            out,
            "B sentences: {} verbatim, {} edited, {} paraphrased, {} added ({} moved); A sentences dropped: {}; disagreements: {}",
            count(MatchKind::Verbatim),
            count(MatchKind::Edited),
            count(MatchKind::Paraphrase),
            al.added.len(),
            al.matches.iter().filter(|m| m.moved).count(),
            al.dropped.len(),
            al.disagreements.len()
        )?;
        writeln!(out)?;

        // Layout: marker(1) space label(10) space [A idx](5) space colA " | " [B idx](5) space colB
        let fixed = 1 + 1 + 10 + 1 + 5 + 1 + 3 + 5 + 1;
        let col = ((self.width.saturating_sub(fixed)) / 2).max(20);
        for row in self.rows() {
            let left = self.wrap(true, row.a, col, if row.marker == '=' { DIM } else { "" });
            let right = self.wrap(false, row.b, col, if row.marker == '=' { DIM } else { "" });
            let n = left.len().max(right.len()).max(1);
            for k in 0..n {
                let (head, ia, ib) = if k == 0 {
                    (
                        self.paint(row.style, &format!("{} {:<10}", row.marker, row.label)),
                        row.a.map_or("     ".to_string(), |i| format!("A{i:<4}")),
                        row.b.map_or("     ".to_string(), |i| format!("B{i:<4}")),
                    )
                } else {
                    (" ".repeat(12), "     ".to_string(), "     ".to_string())
                };
                let (lw, lt) = left.get(k).cloned().unwrap_or((0, String::new()));
                let (_, rt) = right.get(k).cloned().unwrap_or((0, String::new()));
                let pad = " ".repeat(col.saturating_sub(lw));
                writeln!(out, "{head} {ia} {lt}{pad} | {ib} {rt}")?;
            }
        }
        if !al.disagreements.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", self.paint(BOLD, "Disagreements:"))?;
            for d in &al.disagreements {
                writeln!(
                    out,
                    "  A{} / B{}  {:<7} {}  vs  {}",
                    d.a_sentence,
                    d.b_sentence,
                    kind_name(d.kind),
                    self.paint(HIGHLIGHT, &d.a_value),
                    self.paint(HIGHLIGHT, &d.b_value)
                )?;
            }
        }
        Ok(())
    }
}

fn kind_name(k: FactKind) -> &'static str {
    match k {
        FactKind::Number => "number",
        FactKind::Percent => "percent",
        FactKind::Money => "money",
        FactKind::Date => "date",
        FactKind::Name => "name",
    }
}
