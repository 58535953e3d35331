//! The commands that read or trim a story index made by `storyfold add`: `story` (one story's
//! report, the same as `fold` writes), `stories` (a filtered listing), `stats`, `events`, and
//! `rm` / `evict` (delete articles, drop old stories).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use storyfold::ingest::parse_date;
use storyfold::{EventFilter, StoryFilter, StoryId, StoryIndex, StoryReport};

use crate::cmd::add::{open, DbArgs};
use crate::cmd::fold::{parse_window_arg, WindowArg};
use crate::common::{
    check_outputs, create_output, path_inputs, write_json_line, Finished, Out, Output,
};

/// Open an existing index (never creates one).
fn existing(db: &DbArgs) -> Result<StoryIndex> {
    open(&db.db, None, false)
}

/// A time given on the command line: RFC 3339 or `YYYY-MM-DD`, as seconds since the epoch.
fn parse_time(s: &str) -> Result<i64, String> {
    match parse_date(s) {
        Ok(Some(d)) => Ok(d.timestamp()),
        Ok(None) => Err(format!("invalid time `{s}`")),
        Err(e) => Err(format!(
            "invalid time `{s}` ({e}); use e.g. 2026-03-01 or 2026-03-01T12:00:00Z"
        )),
    }
}

/// Arguments of `storyfold story`.
#[derive(clap::Args, Debug)]
pub struct StoryArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The story id.
    #[arg(required_unless_present = "article", conflicts_with = "article")]
    pub story: Option<u64>,
    /// Show the story of this article instead.
    #[arg(long, value_name = "ID")]
    pub article: Option<String>,
    /// Print the report as one JSON object (the format of `fold --output`).
    #[arg(long)]
    pub json: bool,
}

/// Run `storyfold story`.
pub fn story(args: StoryArgs) -> Result<()> {
    let index = existing(&args.db)?;
    let id = match (&args.article, args.story) {
        (Some(a), _) => index
            .story_of(a)?
            .with_context(|| format!("no article `{a}` in {}", args.db.db.display()))?,
        (None, Some(s)) => StoryId(s),
        (None, None) => bail!("give a STORY id or --article ID"),
    };
    let report = index.story(id)?;
    let mut out = Output::stdout();
    if args.json {
        write_json_line(&mut out, &report)?;
    } else {
        out.write_all(readable(&report).as_bytes())?;
    }
    out.commit()?;
    Ok(())
}

/// The readable view of a story report.
fn readable(r: &StoryReport) -> String {
    let mut s = format!("story {}: {}\n", r.story, r.title);
    let span = match (&r.first_published, &r.last_published) {
        (Some(f), Some(l)) if f == l => format!(", {f}"),
        (Some(f), Some(l)) => format!(", {f} .. {l}"),
        _ => String::new(),
    };
    let counts: Vec<String> = r
        .relations
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    s.push_str(&format!(
        "  {} articles{span}; origin {}; {} families; {}\n",
        r.size,
        r.origin,
        r.families,
        counts.join(", ")
    ));
    for m in &r.members {
        let from = m
            .derived_from
            .as_deref()
            .map(|d| format!(" from {d}"))
            .unwrap_or_default();
        let sim = m
            .similarity
            .map(|x| format!(" ({x:.2})"))
            .unwrap_or_default();
        s.push_str(&format!(
            "  - {} [{}] {}{}{}{}\n",
            m.id,
            m.source.as_deref().unwrap_or("-"),
            m.relation.name(),
            from,
            sim,
            m.published
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default()
        ));
    }
    if !r.shared_sentences.is_empty() {
        s.push_str("  shared sentences:\n");
        for x in r.shared_sentences.iter().take(5) {
            s.push_str(&format!("    ({} versions) {}\n", x.versions, x.text));
        }
    }
    if !r.disagreements.is_empty() {
        s.push_str("  disagreements:\n");
        for d in &r.disagreements {
            s.push_str(&format!(
                "    {} says {:?}, {} says {:?}\n",
                d.a, d.a_value, d.b, d.b_value
            ));
        }
    }
    s
}

/// Arguments of `storyfold stories`.
#[derive(clap::Args, Debug)]
pub struct StoriesArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Only stories changed at or after this time (RFC 3339 or YYYY-MM-DD; wall clock of the
    /// change).
    #[arg(long, value_parser = parse_time)]
    pub since: Option<i64>,
    /// Only stories of at least this many articles.
    #[arg(long)]
    pub min_size: Option<usize>,
    /// Only stories with an article from this source.
    #[arg(long)]
    pub source: Option<String>,
    /// Only stories whose title contains this text.
    #[arg(long)]
    pub query: Option<String>,
    /// At most this many stories (newest first).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Only stories with an id below this one (the next page).
    #[arg(long)]
    pub before: Option<u64>,
    /// One JSON object per story.
    #[arg(long)]
    pub json: bool,
    /// Also write `id<TAB>story` for every article of the stories listed (the format of
    /// `fold --assignments`, for `storyfold eval` or a comparison with a batch fold).
    #[arg(long, value_name = "FILE")]
    pub assignments: Option<PathBuf>,
}

/// Run `storyfold stories`.
pub fn stories(args: StoriesArgs) -> Result<()> {
    check_outputs(
        &path_inputs([&args.db.db]),
        &[Out::File("--assignments", args.assignments.as_deref())],
    )?;
    let index = existing(&args.db)?;
    let list = index.stories(&StoryFilter {
        since: args.since,
        min_size: args.min_size,
        source: args.source.clone(),
        query: args.query.clone(),
        limit: args.limit,
        cursor: args.before.map(StoryId),
        ..StoryFilter::default()
    })?;
    let mut outputs = Finished::default();
    if let Some(path) = &args.assignments {
        let mut out = create_output(path)?;
        let stories: Vec<StoryId> = list.iter().map(|s| s.story).collect();
        for (id, story) in index.assignments(&stories)? {
            if id.contains(['\t', '\n', '\r']) {
                bail!(
                    "id {id:?} holds a tab or a line break, which the TSV of --assignments \
                     cannot hold; nothing was written"
                );
            }
            writeln!(out, "{id}\t{story}")?;
        }
        outputs.hold(out)?;
    }
    let mut out = Output::stdout();
    for s in &list {
        if args.json {
            write_json_line(&mut out, s)?;
        } else {
            writeln!(
                out,
                "story {:>6}  {:>4} articles  {}  {}",
                s.story,
                s.size,
                s.last.as_deref().unwrap_or("-"),
                s.title
            )?;
        }
    }
    out.commit()?;
    outputs.commit()?;
    Ok(())
}

/// Arguments of `storyfold stats`.
#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Print the counts as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Run `storyfold stats`.
pub fn stats(args: StatsArgs) -> Result<()> {
    let index = existing(&args.db)?;
    let st = index.stats()?;
    let mut out = Output::stdout();
    if args.json {
        write_json_line(&mut out, &st)?;
    } else {
        writeln!(
            out,
            "{} articles in {} stories ({} stories, {} articles open); {} events; {:.1} MB; clock {}",
            st.articles,
            st.stories,
            st.open_stories,
            st.open_articles,
            st.events,
            st.bytes as f64 / 1e6,
            st.clock.as_deref().unwrap_or("unknown")
        )?;
    }
    out.commit()?;
    Ok(())
}

/// Arguments of `storyfold events`.
#[derive(clap::Args, Debug)]
pub struct EventsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Only events at or after this time (RFC 3339 or YYYY-MM-DD, wall clock).
    #[arg(long, value_parser = parse_time)]
    pub since: Option<i64>,
    /// Only events after this sequence number (resume after the last one seen).
    #[arg(long)]
    pub after: Option<u64>,
    /// One JSON object per event.
    #[arg(long)]
    pub json: bool,
}

/// Run `storyfold events`.
pub fn events(args: EventsArgs) -> Result<()> {
    let index = existing(&args.db)?;
    let list = index.events(EventFilter {
        after: args.after,
        since: args.since,
    })?;
    let mut out = Output::stdout();
    for e in &list {
        if args.json {
            write_json_line(&mut out, e)?;
        } else {
            let other = e.other.map(|o| format!(" {o}")).unwrap_or_default();
            let article = e
                .article
                .as_deref()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            let what = match e.kind {
                storyfold::EventKind::Merged => {
                    format!("story{other} merged into story {}", e.story)
                }
                storyfold::EventKind::Split => {
                    format!("story{other} split off story {}{article}", e.story)
                }
                storyfold::EventKind::Moved => format!(
                    "article moved from story{other} to story {}{article}",
                    e.story
                ),
                storyfold::EventKind::Created => format!("story {} created{article}", e.story),
                storyfold::EventKind::Removed => format!("story {} removed{article}", e.story),
                storyfold::EventKind::Evicted => format!("story {} evicted", e.story),
            };
            writeln!(out, "{:>6}  {}  {}", e.seq, e.at, what)?;
        }
    }
    out.commit()?;
    Ok(())
}

/// Arguments of `storyfold rm`.
#[derive(clap::Args, Debug)]
pub struct RmArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Ids of the articles to delete.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

/// Run `storyfold rm`: every id must be indexed (checked before anything is deleted).
pub fn rm(args: RmArgs) -> Result<()> {
    let index = existing(&args.db)?;
    let missing: Vec<&str> = args
        .ids
        .iter()
        .map(String::as_str)
        .filter(|id| !index.contains(id).unwrap_or(false))
        .collect();
    if !missing.is_empty() {
        bail!(
            "not in the index {}: {} (nothing was deleted)",
            args.db.db.display(),
            missing.join(", ")
        );
    }
    for id in &args.ids {
        index.remove(id)?;
    }
    index.close()?;
    note!("removed {} articles", args.ids.len());
    Ok(())
}

/// Arguments of `storyfold evict`.
#[derive(clap::Args, Debug)]
pub struct EvictArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Drop the stories whose last article is older than this, counted back from the index
    /// clock (the latest publication time indexed): `30d`, `12h`, `2w`.
    #[arg(long, value_parser = parse_window_arg, required_unless_present = "before")]
    pub older_than: Option<WindowArg>,
    /// Drop the stories whose last article is before this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = parse_time, conflicts_with = "older_than")]
    pub before: Option<i64>,
}

/// Run `storyfold evict`.
pub fn evict(args: EvictArgs) -> Result<()> {
    let index = existing(&args.db)?;
    let before = index.stats()?;
    let n = match (args.before, args.older_than) {
        (Some(t), _) => index.evict_before(t)?,
        (None, Some(WindowArg(Some(secs)))) => {
            index.evict(std::time::Duration::from_secs(secs.max(0) as u64))?
        }
        (None, _) => bail!("--older-than needs a duration such as 30d"),
    };
    let after = index.stats()?;
    index.close()?;
    note!(
        "evicted {} stories ({} articles); {} articles in {} stories left",
        n,
        before.articles - after.articles,
        after.articles,
        after.stories
    );
    Ok(())
}
