//! `picket demo`.

use anyhow::{Result, bail};

/// Options of `picket demo`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `picket demo`.
pub fn run(_args: Args) -> Result<()> {
    bail!("picket demo is being built in this change")
}
