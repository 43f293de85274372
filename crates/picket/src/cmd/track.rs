//! `picket track`: track the detections of a scenario file and write a track file.
//!
//! Detections are grouped by (t, sensor) in file order and fed to the tracker one group at a
//! time, like the Stone Soup harness does; after the last group of each time t, one `track`
//! line is written per reported track, with `t` exactly as read so scorers can match it bit for
//! bit.

use super::io::{create_output, read_scenario};
use anyhow::{Context, Result, bail};
use picket_core::{AlertEvent, Report, Site};
use picket_guard::{Guard, GuardConfig};
use picket_scenario::{Record, Scenario, Writer, convert::track_record};
use picket_track::{
    DataAssociator, Deleter, Hypothesiser, Initiator, Predictor, Tracker, TrackerConfig, Updater,
};
use std::io::Write;
use std::path::PathBuf;

/// Options of `picket track`.
#[derive(clap::Args)]
pub struct Args {
    /// Scenario file with detections (JSON Lines, `-` for stdin).
    #[arg(long, short = 's', visible_alias = "in", value_name = "FILE")]
    scenario: PathBuf,
    /// Track file to write (`-` for stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    out: PathBuf,
    /// Also write tentative tracks (as `confirmed: false`).
    #[arg(long)]
    tentative: bool,
    /// Write each track's 6×6 covariance.
    #[arg(long)]
    cov: bool,
    /// Also run the guard (the scenario's zones and whitelist, default rules) and write its
    /// alert events to this file.
    #[arg(long, short = 'a', value_name = "FILE")]
    alerts: Option<PathBuf>,
    #[command(flatten)]
    tracker: TrackerArgs,
}

/// Which motion model the tracker runs.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Motion {
    /// IMM of constant velocity and coordinated turns (the default).
    #[default]
    Imm,
    /// One nearly-constant-velocity model (Stone Soup's configuration in the comparison).
    Cv,
    /// IMM of a quiet and a manoeuvring constant-velocity model.
    Imm2,
}

/// Tracker parameters that can be changed from the command line.
#[derive(clap::Args, Clone, Debug)]
pub struct TrackerArgs {
    /// Motion model.
    #[arg(long, value_enum, default_value_t = Motion::Imm)]
    pub motion: Motion,
    /// IMM: q of the constant-velocity model, m²/s³.
    #[arg(long)]
    pub imm_q_cv: Option<f64>,
    /// IMM: turn rate of the turn models, °/s.
    #[arg(long)]
    pub imm_turn_deg_s: Option<f64>,
    /// IMM: q of the turn models, m²/s³.
    #[arg(long)]
    pub imm_q_turn: Option<f64>,
    /// IMM: model switching probability per second.
    #[arg(long)]
    pub imm_switch: Option<f64>,
    /// q of the constant-velocity model (`--motion cv`), m²/s³.
    #[arg(long)]
    pub q: Option<f64>,
    /// Updates needed to confirm a track (M of M-of-N).
    #[arg(long)]
    pub confirm_hits: Option<u32>,
    /// Window of the confirmation rule, steps (N of M-of-N).
    #[arg(long)]
    pub confirm_window: Option<u32>,
    /// Consecutive misses that end a confirmed track.
    #[arg(long)]
    pub confirmed_misses: Option<u32>,
    /// Consecutive misses that end a tentative track.
    #[arg(long)]
    pub tentative_misses: Option<u32>,
    /// Largest cell size of the gating grid, metres (dense pictures use down to half).
    #[arg(long)]
    pub grid_cell_m: Option<f64>,
}

impl TrackerArgs {
    /// The tracker configuration: defaults with these overrides.
    pub fn config(&self) -> TrackerConfig {
        let mut c = TrackerConfig::default();
        let m = &mut c.motion;
        for (arg, field) in [
            (self.q, &mut m.q),
            (self.imm_q_cv, &mut m.imm_q_cv),
            (self.imm_turn_deg_s, &mut m.imm_turn_deg_s),
            (self.imm_q_turn, &mut m.imm_q_turn),
            (self.imm_switch, &mut m.imm_switch_per_s),
        ] {
            if let Some(v) = arg {
                *field = v;
            }
        }
        if let Some(v) = self.confirm_hits {
            c.initiator.confirm_hits = v;
        }
        if let Some(v) = self.confirm_window {
            c.initiator.confirm_window = v;
        }
        if let Some(v) = self.confirmed_misses {
            c.deleter.confirmed_misses = v;
        }
        if let Some(v) = self.tentative_misses {
            c.deleter.tentative_misses = v;
        }
        if let Some(v) = self.grid_cell_m {
            c.grid_cell_m = v;
        }
        c
    }
}

/// The detections of one (t, sensor), as the tracker takes them.
pub struct Group {
    /// Time exactly as read from the file.
    pub t: f64,
    /// The reports.
    pub reports: Vec<Report>,
}

/// The site and the detection groups of a scenario, validated: a non-finite value, a sigma ≤ 0
/// or an unknown sensor is an error naming the file and line.
pub fn prepare(scenario: &Scenario) -> Result<(Site, Vec<Group>)> {
    let (site, reports) = scenario.site_and_reports()?;
    for (report, line) in reports.iter().zip(&scenario.detection_lines) {
        report
            .validate()
            .with_context(|| format!("{}:{line}: bad detection", scenario.file))?;
        if site.sensor(report.sensor).is_none() {
            bail!("{}:{line}: unknown sensor {}", scenario.file, report.sensor);
        }
    }
    let groups = scenario
        .groups(&reports)
        .into_iter()
        .map(|(t, reports)| Group { t, reports })
        .collect();
    Ok((site, groups))
}

/// Runs the tracker chosen by `args` over `groups`, writing the reported tracks after the last
/// group of each time. Returns the number of track lines written.
pub fn track_to(
    site: &Site,
    groups: &[Group],
    args: &TrackerArgs,
    tentative: bool,
    cov: bool,
    out: impl Write,
) -> Result<u64> {
    let output = Output {
        out,
        tentative,
        cov,
    };
    Ok(track_and_guard(site, groups, args, output, None)?.lines)
}

/// As [`track_to`], also running `guard` (when given) after every time's last group.
pub fn track_and_guard(
    site: &Site,
    groups: &[Group],
    args: &TrackerArgs,
    output: Output<impl Write>,
    guard: Option<&mut Guard>,
) -> Result<Run> {
    let config = args.config();
    match args.motion {
        Motion::Imm => drive(config.build(site), groups, output, guard),
        Motion::Cv => drive(config.build_cv(site), groups, output, guard),
        Motion::Imm2 => drive(config.build_imm2(site), groups, output, guard),
    }
}

/// Where and what [`track_to`] writes.
pub struct Output<W> {
    /// The track file.
    pub out: W,
    /// Also write tentative tracks.
    pub tentative: bool,
    /// Write covariances.
    pub cov: bool,
}

/// What a run produced besides the track file.
#[derive(Default)]
pub struct Run {
    /// Track lines written.
    pub lines: u64,
    /// The guard's alert events, in time order (empty without a guard).
    pub alerts: Vec<AlertEvent>,
}

fn drive<P, U, H, A, I, D>(
    mut tracker: Tracker<P, U, H, A, I, D>,
    groups: &[Group],
    output: Output<impl Write>,
    mut guard: Option<&mut Guard>,
) -> Result<Run>
where
    P: Predictor,
    U: Updater<P::Belief>,
    H: Hypothesiser,
    A: DataAssociator,
    I: Initiator,
    D: Deleter,
{
    let mut writer = Writer::new(output.out);
    let mut run = Run::default();
    // Reports with a cooperative identity at the current time: the guard's spoofing checks
    // compare them with the tracks they were bound to.
    let mut cooperative: Vec<Report> = Vec::new();
    for (k, group) in groups.iter().enumerate() {
        let time = group.reports[0].time;
        tracker.step(time, &group.reports);
        if let Some(guard) = guard.as_deref_mut() {
            run.alerts.extend(guard.end_tracks(time, tracker.deleted()));
            cooperative.extend(
                group
                    .reports
                    .iter()
                    .filter(|r| r.identity.as_ref().is_some_and(|i| i.is_cooperative()))
                    .cloned(),
            );
        }
        let last_of_time = groups
            .get(k + 1)
            .is_none_or(|next| next.t.to_bits() != group.t.to_bits());
        if !last_of_time {
            continue;
        }
        let mut tracks: Vec<_> = tracker.tracks_at(time).collect();
        tracks.sort_unstable_by_key(|t| t.id);
        if let Some(guard) = guard.as_deref_mut() {
            run.alerts.extend(guard.step(time, &tracks, &cooperative));
            cooperative.clear();
        }
        for track in tracks
            .iter()
            .filter(|t| output.tentative || t.status.is_confirmed())
        {
            writer.write(&Record::Track(track_record(group.t, track, output.cov)))?;
            run.lines += 1;
        }
    }
    writer.finish()?;
    // Nothing is dropped silently: say what the tracker could not use (bearing-only reports
    // have no model yet; steps older than the tracker's time follow the out-of-sequence rule).
    let c = tracker.counters();
    if c.rejected + c.out_of_sequence > 0 {
        eprintln!(
            "picket track: {} of {} reports not used: {} rejected (invalid or unsupported kind), {} out of sequence",
            c.rejected + c.out_of_sequence,
            c.reports,
            c.rejected,
            c.out_of_sequence
        );
    }
    Ok(run)
}

/// Runs `picket track`.
pub fn run(args: Args) -> Result<()> {
    let scenario = read_scenario(&args.scenario)?;
    let (site, groups) = prepare(&scenario)?;
    let mut guard = match &args.alerts {
        Some(_) => {
            let config = GuardConfig::from_scenario(&scenario)
                .with_context(|| format!("zones or whitelist of {}", scenario.file))?;
            Some(
                Guard::new(&config, &site)
                    .with_context(|| format!("guard for {}", scenario.file))?,
            )
        }
        None => None,
    };
    let output = Output {
        out: create_output(&args.out)?,
        tentative: args.tentative,
        cov: args.cov,
    };
    let run = track_and_guard(&site, &groups, &args.tracker, output, guard.as_mut())
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "picket track: {} detections in {} steps, {} track lines -> {}",
        scenario.detections.len(),
        groups.len(),
        run.lines,
        args.out.display()
    );
    if let Some(path) = &args.alerts {
        let mut writer = Writer::new(create_output(path)?);
        for record in picket_guard::alert_records(&run.alerts) {
            writer.write(&Record::Alert(record))?;
        }
        writer
            .finish()
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!(
            "picket track: {} alert events -> {}",
            run.alerts.len(),
            path.display()
        );
    }
    Ok(())
}
