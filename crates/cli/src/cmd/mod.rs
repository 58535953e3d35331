//! Subcommands.

pub mod dedup;
pub mod eval;
