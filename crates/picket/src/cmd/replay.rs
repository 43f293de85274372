//! `picket replay --db FILE --from T --to T`: feeds the recorded raw frames of a window
//! through the same decoders and core (fresh tracker and guard with the recorded
//! configuration) and checks that the recorded tracks and alerts come out exactly.

use anyhow::{Result, bail};
use picket_core::Timestamp;
use std::path::PathBuf;

/// Options of `picket replay`.
#[derive(clap::Args)]
pub struct Args {
    /// The site's evidence store (SQLite file).
    #[arg(long)]
    db: PathBuf,
    /// Start of the window, Unix seconds (default: everything).
    #[arg(long, value_name = "UNIX_S")]
    from: Option<f64>,
    /// End of the window, Unix seconds (default: everything).
    #[arg(long, value_name = "UNIX_S")]
    to: Option<f64>,
}

/// Runs `picket replay`.
pub fn run(args: Args) -> Result<()> {
    let from = Timestamp::from_secs(args.from.unwrap_or(0.0)).unwrap_or(Timestamp::ZERO);
    let to = Timestamp::from_secs(args.to.unwrap_or(1e12)).unwrap_or(Timestamp::ZERO);
    let report = picket_server::replay::replay(&args.db, from, to)?;
    println!(
        "run started at      {:?}",
        report.run_start.map(|t| t.as_secs())
    );
    println!("frames replayed     {}", report.frames);
    println!(
        "track states        {} recorded, {} reproduced exactly",
        report.tracks_recorded, report.tracks_equal
    );
    println!(
        "alert events        {} recorded, {} replayed, {} equal",
        report.alerts_recorded, report.alerts_replayed, report.alerts_equal
    );
    for d in &report.differences {
        println!("difference: {d}");
    }
    if !report.is_exact() {
        bail!("the replay does not reproduce the recording");
    }
    println!("replay: exact");
    Ok(())
}
