//! `storyfold similarity` (being written).

use anyhow::Result;

/// Arguments of `storyfold similarity`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `storyfold similarity`.
pub fn run(_args: Args) -> Result<()> {
    anyhow::bail!("not implemented yet")
}
