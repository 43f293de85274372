//! `picket bench`: picket's tracker against Stone Soup's, side by side, on the same files.
//!
//! For each scenario file: the detections are read and grouped first (not timed), then the
//! tracking loop alone (`Tracker::step` over every group) is run `--repeat` times on one
//! thread and the mean CPU time of a run is reported; a separate run writes the track file that is scored
//! with `picket-eval` (the harness's GOSPA). With `--python`, the Stone Soup harness runs its
//! trackers on the same file in the same invocation, and the table shows both and the ratios.

use super::io::read_scenario;
use super::track::{Group, Motion, TrackerArgs, prepare, track_to};
use anyhow::{Context, Result, bail};
use picket_core::Site;
use picket_eval::Params;
use picket_scenario::Scenario;
use picket_track::{DataAssociator, Deleter, Hypothesiser, Initiator, Predictor, Tracker, Updater};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Options of `picket bench`.
#[derive(clap::Args)]
pub struct Args {
    /// Scenario files to run (JSON Lines with truth and detections).
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Python interpreter with Stone Soup installed: also run the harness's trackers.
    #[arg(long, value_name = "PYTHON")]
    python: Option<PathBuf>,
    /// The Stone Soup comparison harness script (BENCHMARKS.md says where it comes from).
    #[arg(long, value_name = "SCRIPT", default_value = "stonesoup_bench.py")]
    harness: PathBuf,
    /// Stone Soup trackers to run (comma separated harness names).
    #[arg(long, value_delimiter = ',', default_value = "gnn-kdtree")]
    stonesoup: Vec<String>,
    /// Time limit of each Stone Soup run, seconds.
    #[arg(long, default_value_t = 480.0)]
    time_limit_s: f64,
    /// Generate the four anchor files of the harness's README into this folder with the
    /// harness (needs `--python`) when they are missing, and run them.
    #[arg(long, value_name = "DIR")]
    anchors: Option<PathBuf>,
    /// Timed runs of picket's loop per file (their mean is reported).
    #[arg(long, default_value_t = 10)]
    repeat: u32,
    #[command(flatten)]
    tracker: TrackerArgs,
}

/// The anchor files and the harness flags that generate them.
const ANCHORS: [(&str, &str); 4] = [
    (
        "n10.jsonl",
        "--targets 10 --duration 60 --clutter-rate 10 --pd 0.9 --seed 1",
    ),
    (
        "n100.jsonl",
        "--targets 100 --duration 60 --clutter-rate 10 --pd 0.9 --seed 1",
    ),
    (
        "n1000.jsonl",
        "--targets 1000 --duration 60 --clutter-rate 10 --pd 0.9 --seed 1",
    ),
    (
        "radar1_n20.jsonl",
        "--radar 1 --targets 20 --duration 60 --clutter-rate 10 --pd 0.9 --seed 3",
    ),
];

/// One tracker's figures on one file.
struct Row {
    tracker: String,
    detections_per_s: f64,
    mean_gospa: f64,
    tracks: String,
    note: String,
}

/// Runs `picket bench`.
pub fn run(args: Args) -> Result<()> {
    let mut files = args.files.clone();
    if let Some(dir) = &args.anchors {
        files.extend(generate_anchors(&args, dir)?);
    }
    if files.is_empty() {
        bail!("no scenario files: name some, or use --anchors DIR --python PYTHON");
    }
    println!(
        "{:<22} {:<16} {:>14} {:>12} {:>8}  notes",
        "file", "tracker", "det/s CPU", "mean GOSPA", "tracks"
    );
    for file in &files {
        let rows = bench_file(&args, file)?;
        let ours = &rows[0];
        for row in &rows {
            let mut note = row.note.clone();
            if !std::ptr::eq(row, ours) && row.detections_per_s > 0.0 {
                note = format!(
                    "picket is {:.0}x faster, GOSPA {:+.1}%  {note}",
                    ours.detections_per_s / row.detections_per_s,
                    100.0 * (ours.mean_gospa / row.mean_gospa - 1.0)
                );
            }
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            println!(
                "{:<22} {:<16} {:>14.0} {:>12.2} {:>8}  {note}",
                name, row.tracker, row.detections_per_s, row.mean_gospa, row.tracks
            );
        }
    }
    Ok(())
}

fn generate_anchors(args: &Args, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut out = Vec::new();
    for (name, flags) in ANCHORS {
        let path = dir.join(name);
        if !path.exists() {
            let python = args
                .python
                .as_ref()
                .context("--anchors needs --python to generate missing files")?;
            let status = Command::new(python)
                .arg(&args.harness)
                .arg("--generate")
                .arg(&path)
                .args(flags.split(' '))
                .status()
                .with_context(|| format!("cannot run {}", python.display()))?;
            if !status.success() {
                bail!("the harness failed to generate {}", path.display());
            }
        }
        out.push(path);
    }
    Ok(out)
}

fn bench_file(args: &Args, file: &Path) -> Result<Vec<Row>> {
    let scenario = read_scenario(file)?;
    let (site, groups) = prepare(&scenario)?;
    let detections = scenario.detections.len() as f64;
    let (best, live_bytes) = match args.tracker.motion {
        Motion::Imm => time_loop(&site, &groups, args, |s| args.tracker.config().build(s)),
        Motion::Cv => time_loop(&site, &groups, args, |s| args.tracker.config().build_cv(s)),
        Motion::Imm2 => time_loop(&site, &groups, args, |s| {
            args.tracker.config().build_imm2(s)
        }),
    };
    let mut written = Vec::new();
    track_to(&site, &groups, &args.tracker, false, false, &mut written)?;
    let tracks = Scenario::read(written.as_slice(), "picket tracks")?;
    let e = picket_eval::evaluate(&scenario, &tracks, &Params::default())?;
    let mut rows = vec![Row {
        tracker: format!("picket-{:?}", args.tracker.motion).to_lowercase(),
        detections_per_s: detections / best.as_secs_f64(),
        mean_gospa: e.mean_gospa,
        tracks: e.tracks.to_string(),
        note: format!(
            "loop {:.2} ms CPU (mean of {}), {live_bytes} B/live track, breaks {}",
            best.as_secs_f64() * 1e3,
            args.repeat.max(1),
            e.track_breaks
        ),
    }];
    if let Some(python) = &args.python {
        for tracker in &args.stonesoup {
            match stonesoup(args, python, file, tracker) {
                Ok(row) => rows.push(row),
                Err(e) => eprintln!("picket bench: skipping Stone Soup {tracker}: {e:#}"),
            }
        }
    }
    Ok(rows)
}

/// CPU time this thread has run (`CLOCK_THREAD_CPUTIME_ID`, nanosecond resolution), rather
/// than wall time, like the harness's `detections_per_cpu_s`, so that other processes on a
/// shared machine do not count against either tracker. (`/proc/thread-self/schedstat` is
/// only brought up to date at scheduler ticks, 4 ms here: too coarse for a 1 ms loop.)
fn thread_cpu() -> Option<Duration> {
    cpu_time::ThreadTime::try_now()
        .ok()
        .map(|t| t.as_duration())
}

/// Times the tracking loop alone (thread CPU time where the OS reports it, else wall time);
/// after one untimed warm-up run, returns the mean time of one run over `--repeat` runs (the
/// whole series, not its luckiest run) and the tracker's bytes per live track at the end of
/// the last run.
fn time_loop<P, U, H, A, I, D>(
    site: &Site,
    groups: &[Group],
    args: &Args,
    build: impl Fn(&Site) -> Tracker<P, U, H, A, I, D>,
) -> (Duration, usize)
where
    P: Predictor,
    U: Updater<P::Belief>,
    H: Hypothesiser,
    A: DataAssociator,
    I: Initiator,
    D: Deleter,
{
    let runs = args.repeat.max(1);
    let mut bytes = 0;
    // One untimed run first, so the series measures the steady state (code and data in cache,
    // the allocator's pages mapped), as criterion's warm-up does.
    let mut warm = build(site);
    for group in groups {
        warm.step(group.reports[0].time, &group.reports);
    }
    drop(warm);
    let (wall, cpu) = (Instant::now(), thread_cpu());
    for _ in 0..runs {
        let mut tracker = build(site);
        for group in groups {
            tracker.step(group.reports[0].time, &group.reports);
        }
        bytes = tracker.memory_bytes() / tracker.len().max(1);
    }
    let took = match (cpu, thread_cpu()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => wall.elapsed(),
    };
    (took / runs, bytes)
}

fn stonesoup(args: &Args, python: &Path, file: &Path, tracker: &str) -> Result<Row> {
    let output = Command::new(python)
        .arg(&args.harness)
        .arg("--scenario")
        .arg(file)
        .args(["--tracker", tracker, "--time-limit"])
        .arg(args.time_limit_s.to_string())
        .output()
        .with_context(|| format!("cannot run {}", python.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with('{'));
    let Some(line) = line else {
        bail!(
            "Stone Soup {tracker} on {} printed no result: {}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let v: Value = serde_json::from_str(line)?;
    let num = |k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
    Ok(Row {
        tracker: format!("stonesoup-{tracker}"),
        detections_per_s: num("detections_per_cpu_s"),
        mean_gospa: num("mean_gospa"),
        tracks: v.get("tracks").map_or("-".into(), Value::to_string),
        note: format!("{:.1} s CPU", num("cpu_seconds")),
    })
}
