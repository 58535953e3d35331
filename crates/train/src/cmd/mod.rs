//! Subcommands.

pub mod similarity;
pub mod train_cross;
