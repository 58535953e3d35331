//! Subcommands.

pub mod add;
pub mod compare;
pub mod dedup;
pub mod eval;
pub mod fold;
pub mod pairs;
pub mod query;
pub mod serve;
pub mod similarity;
