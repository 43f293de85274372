//! `picket demo`: a complete simulated site, end to end, in one command.
//!
//! Until the live server exists this is the most complete run the code can do: simulate a key
//! site (`site-defense` by default), track every detection, score the air picture against the
//! truth, and leave the scenario, track file and GOSPA plot in a folder for a closer look. Each
//! step runs the same code as its own subcommand (`picket sim`, `picket track`, `picket eval`),
//! so the demo shows exactly what those commands do.

use crate::{Cli, execute};
use anyhow::{Context, Result};
use clap::Parser;
use std::path::{Path, PathBuf};

/// Options of `picket demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Scenario preset to run (see `picket sim --help`).
    #[arg(long, default_value = "site-defense")]
    preset: String,
    /// Random seed of the simulation.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Simulated time, seconds (the preset's own length when absent).
    #[arg(long, value_name = "SECONDS")]
    duration: Option<f64>,
    /// Folder for the scenario, tracks and plot (a new temporary folder when absent).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Runs `picket demo`.
pub fn run(args: Args) -> Result<()> {
    let dir = match &args.out {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("picket-demo-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file = |name: &str| dir.join(name).display().to_string();
    let (scenario, tracks, plot) = (
        file("scenario.jsonl"),
        file("tracks.jsonl"),
        file("gospa.svg"),
    );

    eprintln!(
        "picket demo: preset {:?}, seed {}, files in {}",
        args.preset,
        args.seed,
        dir.display()
    );
    eprintln!("\n[1/3] simulating the site's sensors");
    let seed = args.seed.to_string();
    let mut sim = vec![
        "sim",
        "--preset",
        &args.preset,
        "--seed",
        &seed,
        "--out",
        &scenario,
    ];
    let duration = args.duration.map(|d| d.to_string());
    if let Some(d) = &duration {
        sim.extend(["--duration", d]);
    }
    step(&sim)?;
    eprintln!("[2/3] tracking every detection");
    step(&["track", "--scenario", &scenario, "--out", &tracks])?;
    eprintln!("[3/3] scoring the air picture against the truth\n");
    step(&[
        "eval",
        "--scenario",
        &scenario,
        "--tracks",
        &tracks,
        "--plot",
        &plot,
    ])?;
    eprintln!("\nfiles: {}", Path::new(&dir).display());
    eprintln!("  scenario.jsonl  truth and detections (picket sim)");
    eprintln!("  tracks.jsonl    the air picture (picket track)");
    eprintln!("  gospa.svg       GOSPA over time: open it in a browser");
    Ok(())
}

/// Runs one subcommand in-process, as if typed after `picket`.
fn step(argv: &[&str]) -> Result<()> {
    let cli = Cli::try_parse_from(std::iter::once("picket").chain(argv.iter().copied()))
        .with_context(|| format!("picket {}", argv.join(" ")))?;
    execute(cli.command).with_context(|| format!("picket {}", argv[0]))
}
