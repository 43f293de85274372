//! `picket verify`: walk the evidence store's hash chains and say whether anything was altered.

use anyhow::{Context, Result, bail};
use picket_store::StoreReader;
use std::path::PathBuf;

/// Arguments of `picket verify`.
#[derive(clap::Args)]
pub struct Args {
    /// The evidence store (SQLite database file).
    #[arg(long)]
    pub db: PathBuf,
}

/// Prints chain status, rows per table and the first problem; fails when the store was altered.
pub fn run(args: Args) -> Result<()> {
    let reader = StoreReader::open(&args.db)
        .with_context(|| format!("cannot open store {}", args.db.display()))?;
    let report = reader.verify().context("verification could not run")?;
    println!(
        "{:<14} {:>10} {:>21} {:>13}  head",
        "table", "rows", "ids", "resumes after"
    );
    for t in &report.tables {
        let ids = t
            .id_range
            .map_or_else(|| "-".to_owned(), |(lo, hi)| format!("{lo}..={hi}"));
        let resumes = t
            .resumes_after
            .map_or_else(|| "-".to_owned(), |id| id.to_string());
        println!(
            "{:<14} {:>10} {:>21} {:>13}  {}",
            t.table.name(),
            t.rows,
            ids,
            resumes,
            t.head_hex()
        );
    }
    for p in &report.problems {
        println!("PROBLEM: {p}");
    }
    if !report.missing_triggers.is_empty() {
        println!("MISSING TRIGGERS: {}", report.missing_triggers.join(", "));
    }
    if report.is_intact() {
        println!("chain: intact");
        return Ok(());
    }
    match report.first_problem() {
        Some(p) => bail!("tampering detected: {p}"),
        None => bail!("append-only triggers were removed"),
    }
}
