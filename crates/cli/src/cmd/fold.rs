//! `storyfold fold` (being written).

use anyhow::Result;

/// Arguments of `storyfold fold`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `storyfold fold`.
pub fn run(_args: Args) -> Result<()> {
    anyhow::bail!("not implemented yet")
}
