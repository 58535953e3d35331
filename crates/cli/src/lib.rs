//! Command-line plumbing shared by the `storyfold` tool and the `storyfold-train` tool
//! (`crates/train`): input options and output helpers ([`common`]), and sentence-pair files
//! with the figures of decisions on them ([`pairs`]). The subcommands themselves live in the
//! binaries.

#[macro_use]
pub mod common;
pub mod pairs;
