//! `picket track`.

use anyhow::{Result, bail};

/// Options of `picket track`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `picket track`.
pub fn run(_args: Args) -> Result<()> {
    bail!("picket track is being built in this change")
}
