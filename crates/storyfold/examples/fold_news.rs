//! The fold pipeline through the library: the example corpus folded into stories, printed one
//! per line (story number, size, origin and title) with the members of each story of two or
//! more articles.
//!
//! Usage: `cargo run -p storyfold --example fold_news [-- INPUT.jsonl]` (default:
//! `examples/news.jsonl` of the repository).

use std::path::PathBuf;

use storyfold::align::similarity::Idf;
use storyfold::ingest::{Input, ReadOptions, Reader};
use storyfold::pipeline::{self, FoldOptions, Silent};
use storyfold::{Aligner, StoryReport};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let input = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/news.jsonl"),
        PathBuf::from,
    );
    let reader = Reader::open(vec![Input::Path(input)], ReadOptions::default());
    let mut stories: Vec<StoryReport> = Vec::new();
    let folded = pipeline::fold(
        reader,
        &FoldOptions::default(),
        &Aligner::new(Idf::builtin()),
        &mut stories,
        &Silent,
    )?;
    println!(
        "{} articles in {} stories",
        folded.assignments.len(),
        stories.len()
    );
    for story in &stories {
        println!(
            "story {:>3}  {:>2} articles  origin {:<12} {}",
            story.story, story.size, story.origin, story.title
        );
        if story.size > 1 {
            let members: Vec<&str> = story.members.iter().map(|m| m.id.as_str()).collect();
            println!("           {}", members.join(", "));
        }
    }
    Ok(())
}
