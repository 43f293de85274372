//! `picket eval`: score a track file (and optionally an alert file) against a scenario's truth.
//!
//! The figures are `formats/scenario.md`'s "Scoring", computed by `picket-eval` exactly as the
//! Stone Soup harness's `--evaluate` does; `--json` prints them under the harness's keys.
//! Beyond the harness: the classification of the confirmed tracks (`classification`: accuracy
//! per sample and per (track, target) majority, confusion matrix; see `picket_eval::classify`)
//! and, with `--alerts`, warning times, false alerts and spoof flags (`alerts.spoof`; see
//! `picket_eval::alerts` and `picket_eval::spoof`).

use super::io::{create_output, read_scenario};
use anyhow::{Context, Result, bail};
use picket_eval::{Evaluation, Params, detect::DETECT_GATE_CHI2};
use picket_scenario::Scenario;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Options of `picket eval`.
#[derive(clap::Args)]
pub struct Args {
    /// Scenario file with the truth (JSON Lines, `-` for stdin).
    #[arg(long, short = 's', value_name = "FILE")]
    scenario: PathBuf,
    /// Track file to score (confirmed `track` lines are scored).
    #[arg(long, short = 't', value_name = "FILE")]
    tracks: PathBuf,
    /// Alert file to score against the scenario's hostile targets and protected zones.
    #[arg(long, short = 'a', value_name = "FILE")]
    alerts: Option<PathBuf>,
    /// Print one JSON object (the Stone Soup harness's keys, unrounded) instead of a table.
    #[arg(long)]
    json: bool,
    /// Also write a plot of GOSPA over time (stacked localisation, missed, false) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Cut-off c of GOSPA and OSPA, metres.
    #[arg(long, default_value_t = 100.0, value_name = "M")]
    cutoff_m: f64,
    /// Order p of GOSPA and OSPA.
    #[arg(long, default_value_t = 1.0)]
    p: f64,
    /// The `*_steady` figures average the times t ≥ this, seconds.
    #[arg(long, default_value_t = 5.0, value_name = "S")]
    steady_from_s: f64,
}

/// Reads a file and refuses one with no records at all (an empty file is a mistake, not a
/// result: a tracker that crashed before writing anything would otherwise score as "missed
/// everything").
fn read_nonempty(path: &Path, what: &str) -> Result<Scenario> {
    let file = read_scenario(path)?;
    let records = file.meta.iter().count()
        + file.sensors.len()
        + file.truth.len()
        + file.detections.len()
        + file.zones.len()
        + file.authorized.len()
        + file.tracks.len()
        + file.alerts.len();
    if records == 0 {
        bail!("{}: empty {what} file (no records)", path.display());
    }
    Ok(file)
}

/// Runs `picket eval`.
pub fn run(args: Args) -> Result<()> {
    let scenario = read_nonempty(&args.scenario, "scenario")?;
    let tracks = read_nonempty(&args.tracks, "track")?;
    if tracks.tracks.is_empty() {
        bail!(
            "{}: no track lines (is this a track file? {} truth and {} detection lines)",
            args.tracks.display(),
            tracks.truth.len(),
            tracks.detections.len()
        );
    }
    let params = Params {
        cutoff_m: args.cutoff_m,
        p: args.p,
        steady_from_s: args.steady_from_s,
    };
    let evaluation = picket_eval::evaluate(&scenario, &tracks, &params)?;
    if evaluation.track_lines_confirmed > 0
        && evaluation.track_lines_confirmed == evaluation.track_lines_unscored_time
    {
        eprintln!(
            "warning: none of the {} confirmed track lines has the exact t of a truth line; \
             a tracker must write t exactly as it read it",
            evaluation.track_lines_confirmed
        );
    }
    let alerts = match &args.alerts {
        Some(path) => {
            let file = read_scenario(path)?;
            Some(picket_eval::score_alerts(
                &scenario, &tracks, &file, &params,
            )?)
        }
        None => None,
    };
    if let Some(path) = &args.plot {
        let svg = picket_eval::plot::gospa_svg(&evaluation.steps, &params);
        let mut out = create_output(path)?;
        out.write_all(svg.as_bytes())
            .and_then(|()| out.flush())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let mut value = serde_json::to_value(&evaluation)?;
        if let Value::Object(map) = &mut value {
            map.insert(
                "tracker".into(),
                json!(format!("external:{}", args.tracks.display())),
            );
            map.insert(
                "scenario".into(),
                json!(args.scenario.display().to_string()),
            );
            map.insert("metric".into(), metric_block(&params));
            map.insert(
                "ignored_records".into(),
                unused_records(&scenario, &["sensor", "truth", "detection"]),
            );
            map.insert(
                "track_file_ignored_records".into(),
                unused_records(&tracks, &["track"]),
            );
            if let Some(a) = &alerts {
                map.insert("alerts".into(), serde_json::to_value(a)?);
            }
        }
        writeln!(stdout, "{value}")?;
    } else {
        write_table(&mut stdout, &args, &evaluation)?;
        if let Some(a) = &alerts {
            write!(stdout, "{a}")?;
        }
    }
    Ok(())
}

/// Counts of the record types of `file` that scoring does not read (the harness's
/// `ignored_records`), sorted by type.
fn unused_records(file: &Scenario, used: &[&str]) -> Value {
    let counts = [
        ("alert", file.alerts.len()),
        ("authorized", file.authorized.len()),
        ("detection", file.detections.len()),
        ("meta", usize::from(file.meta.is_some())),
        ("sensor", file.sensors.len()),
        ("track", file.tracks.len()),
        ("truth", file.truth.len()),
        ("zone", file.zones.len()),
    ];
    let map: serde_json::Map<String, Value> = counts
        .into_iter()
        .filter(|(kind, n)| *n > 0 && !used.contains(kind))
        .map(|(kind, n)| (kind.to_owned(), json!(n)))
        .collect();
    Value::Object(map)
}

fn metric_block(params: &Params) -> Value {
    json!({
        "cutoff_m": params.cutoff_m,
        "ospa_p": params.p,
        "gospa_p": params.p,
        "gospa_alpha": 2,
        "switching_penalty": 0,
        "steady_from_s": params.steady_from_s,
        "detect_gate_chi2": DETECT_GATE_CHI2,
    })
}

fn write_table(out: &mut impl Write, args: &Args, e: &Evaluation) -> Result<()> {
    let steady = format!("t >= {} s", args.steady_from_s);
    writeln!(
        out,
        "{} against {}: {} scored times, {} targets",
        args.tracks.display(),
        args.scenario.display(),
        e.scored_scans,
        e.targets
    )?;
    writeln!(out, "{:<26}{:>12}{:>12}", "", "all times", steady)?;
    writeln!(
        out,
        "{:<26}{:>12.2}{:>12.2}",
        "GOSPA (m)", e.mean_gospa, e.mean_gospa_steady
    )?;
    writeln!(
        out,
        "{:<26}{:>12.2}",
        "  localisation (m)", e.mean_gospa_localisation
    )?;
    writeln!(out, "{:<26}{:>12.2}", "  missed (m)", e.mean_gospa_missed)?;
    writeln!(out, "{:<26}{:>12.2}", "  false (m)", e.mean_gospa_false)?;
    writeln!(
        out,
        "{:<26}{:>12.2}{:>12.2}",
        "OSPA (m)", e.mean_ospa, e.mean_ospa_steady
    )?;
    let (missed, missed_steady) = (e.mean_missed_targets, e.mean_missed_targets_steady);
    writeln!(
        out,
        "{:<26}{:>12.2}{:>12.2}",
        "missed targets per scan", missed, missed_steady
    )?;
    let (false_tracks, false_steady) = (e.mean_false_tracks, e.mean_false_tracks_steady);
    writeln!(
        out,
        "{:<26}{:>12.2}{:>12.2}",
        "false tracks per scan", false_tracks, false_steady
    )?;
    writeln!(
        out,
        "{:<26}{:>11.1}%",
        "truth coverage",
        100.0 * e.truth_coverage
    )?;
    writeln!(out, "{:<26}{:>12}", "track ids", e.tracks)?;
    writeln!(out, "{:<26}{:>12}", "track breaks", e.track_breaks)?;
    writeln!(out, "{:<26}{:>12}", "id switches", e.id_switches)?;
    let confirm = e
        .mean_time_to_confirm_s
        .map_or("-".to_owned(), |s| format!("{s:.2}"));
    writeln!(
        out,
        "{:<26}{:>12}   ({} of {} detected targets confirmed)",
        "time to confirm (s)", confirm, e.targets_confirmed, e.targets_detected
    )?;
    writeln!(
        out,
        "track lines: {} confirmed, {} tentative, {} confirmed at times without truth",
        e.track_lines_confirmed, e.track_lines_tentative, e.track_lines_unscored_time
    )?;
    if e.classification.samples > 0 {
        write!(out, "{}", e.classification)?;
    }
    Ok(())
}
