//! The `storyfold` command-line tool: a thin shell over the `storyfold` engine crate.
//!
//! Each subcommand lives in its own module under `cmd/`; shared input options, output
//! helpers, progress reporting and sentence-pair files live in the crate's library
//! (`common.rs`, `pairs.rs`), which `storyfold-train` shares. Fitting, training and
//! cross-validating the paraphrase models is `storyfold-train`'s.
//!
//! Exit status: 0 on success, and also when standard output is a pipe closed early
//! (`storyfold ... | head`: the program stops quietly, as ripgrep does); 1 on any error,
//! printed on standard error (a full disk or a full standard output included); 2 for a
//! command line that does not parse.

#[macro_use]
extern crate storyfold_cli;

mod cmd;

use storyfold_cli::{common, pairs};

use clap::{Parser, Subcommand};

/// The memory allocator: mimalloc. `fold`'s report pass allocates many small vectors per
/// sentence on every worker; on a million articles, with a 5 GB heap, glibc's allocator took
/// about half of that pass's CPU time (`_int_malloc` 27%, `malloc_consolidate` 8%, `free` 10%).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Fold news articles into stories: near-duplicates, rewrites, origin and derivation.
#[derive(Parser)]
#[command(name = "storyfold", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Worker threads (default: all cores; at most 4 per core, more is clamped).
    #[arg(long, global = true)]
    threads: Option<usize>,
}

#[derive(Subcommand)]
enum Command {
    /// Fold articles into stories: copies, rewrites and independent reports, origin and derivation.
    Fold(cmd::fold::Args),
    /// Find near-duplicate groups (MinHash + LSH, verified) and optionally write a deduplicated corpus.
    Dedup(cmd::dedup::Args),
    /// Compare a predicted grouping with gold labels (pairwise, B-cubed, ARI, NMI).
    Eval(cmd::eval::Args),
    /// Align two articles sentence by sentence: what was copied, reworded, added, dropped or changed.
    Compare(cmd::compare::Args),
    /// List related article pairs (near-duplicates and rewrites) of a corpus, with containment and scores.
    Pairs(cmd::pairs::Args),
    /// Score sentence pairs (TSV) and decide which are paraphrases.
    Similarity(Box<cmd::similarity::Args>),
    /// Add articles to a persistent story index (one SQLite file): they join the stories
    /// already there, and stories keep their ids.
    Add(cmd::add::Args),
    /// Show one story of an index (the report `fold` writes), by id or by one of its articles.
    Story(cmd::query::StoryArgs),
    /// List the stories of an index (filters: changed since, size, source, title).
    Stories(cmd::query::StoriesArgs),
    /// Counts of an index (articles, stories, open window, events, size).
    Stats(cmd::query::StatsArgs),
    /// List the story events of an index (created, merged, split, moved, removed, evicted).
    Events(cmd::query::EventsArgs),
    /// Delete articles from an index (their stories are derived again).
    Rm(cmd::query::RmArgs),
    /// Drop the stories of an index whose last article is older than a horizon.
    Evict(cmd::query::EvictArgs),
    /// Serve an index over HTTP: a JSON API (post articles, read stories) and a web page.
    Serve(cmd::serve::Args),
}

/// `mi_option_purge_delay` and `mi_option_allow_thp` in mimalloc 3's `mi_option_e` (the
/// `libmimalloc-sys` bindings name only the options whose number did not change between
/// versions; the test below checks both against their documented defaults).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Allocator settings for short, memory-measured runs (`dedup`). mimalloc 3 keeps freed pages
/// for a second before returning them to the OS and backs its arenas with transparent huge
/// pages; on a 20,000-article dedup that took the peak RSS from 44 MB (glibc) to about 115 MB.
/// A 10 ms purge delay (mimalloc 2's default) and no huge pages bring it to about 60 MB at the
/// same speed. `fold` keeps the defaults: over a multi-gigabyte heap the extra purging cost it
/// system time. An environment variable (`MIMALLOC_PURGE_DELAY`, `MIMALLOC_ALLOW_THP`) wins.
fn lean_allocator() {
    for (option, name, value) in [
        (MI_OPTION_PURGE_DELAY, "MIMALLOC_PURGE_DELAY", 10),
        (MI_OPTION_ALLOW_THP, "MIMALLOC_ALLOW_THP", 0),
    ] {
        if std::env::var_os(name).is_none() {
            // SAFETY: sets a plain integer option; mimalloc reads these at each purge and mapping.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
    // The first arena was mapped (and marked for huge pages) before `main`; the process flag
    // stops huge pages on its later page faults too, as mimalloc does at start-up when told by
    // the environment.
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and touches no memory of ours.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let threads = common::worker_threads("storyfold", cli.threads)?;
    // The library's pipelines (fold, dedup, pairs) run on a pool of their own; the other
    // commands on rayon's global pool.
    let pipeline = matches!(
        cli.command,
        Command::Fold(_) | Command::Dedup(_) | Command::Pairs(_)
    );
    if !pipeline {
        common::install_threads(threads)?;
    }
    match cli.command {
        Command::Fold(args) => cmd::fold::run(args, threads),
        Command::Dedup(args) => {
            lean_allocator();
            cmd::dedup::run(args, threads)
        }
        Command::Eval(args) => cmd::eval::run(args),
        Command::Compare(args) => cmd::compare::run(args),
        Command::Pairs(args) => cmd::pairs::run(args, threads),
        Command::Similarity(args) => cmd::similarity::run(*args),
        Command::Add(args) => cmd::add::run(args),
        Command::Story(args) => cmd::query::story(args),
        Command::Stories(args) => cmd::query::stories(args),
        Command::Stats(args) => cmd::query::stats(args),
        Command::Events(args) => cmd::query::events(args),
        Command::Rm(args) => cmd::query::rm(args),
        Command::Evict(args) => cmd::query::evict(args),
        Command::Serve(args) => cmd::serve::run(args),
    }
}

fn main() {
    common::finish("storyfold", run(Cli::parse()));
}

#[cfg(test)]
mod tests {
    #[test]
    fn option_numbers_name_the_options_set() {
        // mimalloc 3's defaults: purge delay 1000 ms, transparent huge pages allowed (1), and
        // no neighbouring option has either pair of values in these places.
        // SAFETY: reads plain integer options.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        assert_eq!(get(super::MI_OPTION_PURGE_DELAY), 1000);
        assert_eq!(get(super::MI_OPTION_ALLOW_THP), 1);
        assert_eq!(get(super::MI_OPTION_ALLOW_THP + 1), 0, "minimal_purge_size");
    }
}
