//! `storyfold pairs` (being written).

use anyhow::Result;

/// Arguments of `storyfold pairs`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `storyfold pairs`.
pub fn run(_args: Args) -> Result<()> {
    anyhow::bail!("not implemented yet")
}
