//! Subcommands.

pub mod compare;
pub mod dedup;
pub mod eval;
pub mod fold;
pub mod pairs;
pub mod similarity;
