//! `picket export`: write an incident bundle (GeoJSON, KML, CSV and the raw frames) for a
//! time window of the evidence store.

use anyhow::{Context, Result, bail};
use picket_core::{Geodetic, Timestamp};
use picket_store::StoreReader;
use picket_store::export::{ExportOptions, export_bundle};
use picket_store::timefmt::parse_time;
use std::path::PathBuf;

/// Arguments of `picket export`.
#[derive(clap::Args)]
pub struct Args {
    /// The evidence store (SQLite database file).
    #[arg(long)]
    pub db: PathBuf,
    /// Window start: RFC 3339 (`2026-11-29T07:00:00Z`) or Unix seconds.
    #[arg(long, value_parser = parse_time)]
    pub from: Timestamp,
    /// Window end (inclusive), same forms.
    #[arg(long, value_parser = parse_time)]
    pub to: Timestamp,
    /// Folder to write the bundle into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Site origin `lat,lon,alt_m` for the map files, when the store has none recorded.
    #[arg(long, value_parser = parse_origin)]
    pub origin: Option<Geodetic>,
}

fn parse_origin(s: &str) -> Result<Geodetic, String> {
    let parts: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>().map_err(|e| format!("{p:?}: {e}")))
        .collect::<Result<_, _>>()?;
    let [lat, lon, alt] = parts[..] else {
        return Err(format!("expected lat,lon,alt_m, got {s:?}"));
    };
    let g = Geodetic::new(lat, lon, alt);
    g.is_valid()
        .then_some(g)
        .ok_or_else(|| format!("{s:?} is not a valid position"))
}

/// Writes the bundle and prints what it holds.
pub fn run(args: Args) -> Result<()> {
    if args.to < args.from {
        bail!("--to is before --from");
    }
    let reader = StoreReader::open(&args.db)
        .with_context(|| format!("cannot open store {}", args.db.display()))?;
    let options = ExportOptions {
        from: args.from,
        to: args.to,
        origin: args.origin,
    };
    let s = export_bundle(&reader, &args.out, &options)
        .with_context(|| format!("cannot write the bundle to {}", args.out.display()))?;
    println!(
        "{} tracks ({} states), {} alert events, {} raw frames, {} audit rows -> {}",
        s.tracks,
        s.track_states,
        s.alert_events,
        s.frames,
        s.audit,
        args.out.display()
    );
    for f in &s.files {
        println!("  {}", f.display());
    }
    if let Some(why) = &s.skipped_maps {
        eprintln!("warning: GeoJSON and KML skipped: {why} (pass --origin lat,lon,alt)");
    }
    if !s.chain_intact {
        eprintln!(
            "warning: the store's hash chain does NOT verify; see manifest.json and `picket verify`"
        );
    }
    Ok(())
}
