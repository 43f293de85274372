//! `picket sim`.

use anyhow::{Result, bail};

/// Options of `picket sim`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `picket sim`.
pub fn run(_args: Args) -> Result<()> {
    bail!("picket sim is being built in this change")
}
