//! `storyfold compare` (being written).

use anyhow::Result;

/// Arguments of `storyfold compare`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run `storyfold compare`.
pub fn run(_args: Args) -> Result<()> {
    anyhow::bail!("not implemented yet")
}
