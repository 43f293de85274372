//! Scoring of track files against scenario truth, as `formats/scenario.md` ("Scoring") and
//! the Stone Soup harness (`shared/bench/stonesoup_bench.py --evaluate`) define it.
//!
//! At every scored time (the distinct `t` of the truth lines) the confirmed tracks with exactly
//! that `t` are compared with the truth: GOSPA (c = 100 m, p = 1, α = 2, 3-D position) split
//! into localisation, missed and false parts, and OSPA (c = 100 m, p = 1), both from one
//! optimal assignment ([`assign`]). The means over time come with the continuity figures
//! (distinct track ids, track breaks, id switches), the time from a target's first detection
//! to its first confirmed track, the track line counts, and the classification accuracy of
//! the confirmed tracks GOSPA pairs with classed targets ([`classify`]: per-sample accuracy,
//! confusion matrix, per-pairing majority). [`alerts`] scores an alert file: warning times,
//! false alerts, and how `spoof_suspected` flags found the forged broadcasters ([`spoof`]).
//! The field names of [`Evaluation`] are the harness's JSON keys.
//!
//! Pure: inputs are [`picket_scenario::Scenario`] values, there is no IO.
//!
//! ```
//! use picket_eval::{Params, evaluate};
//! use picket_scenario::Scenario;
//! let truth = r#"{"type":"truth","t":0.0,"id":"T1","x":0,"y":0,"z":0,"vx":0,"vy":0,"vz":0}
//! {"type":"truth","t":0.0,"id":"T2","x":500,"y":0,"z":0,"vx":0,"vy":0,"vz":0}
//! "#;
//! let tracks = r#"{"type":"track","t":0.0,"id":"K1","x":3,"y":4,"z":0,"vx":0,"vy":0,"vz":0,"confirmed":true}
//! "#;
//! let scenario = Scenario::read(truth.as_bytes(), "scenario.jsonl").unwrap();
//! let tracks = Scenario::read(tracks.as_bytes(), "tracks.jsonl").unwrap();
//! let e = evaluate(&scenario, &tracks, &Params::default()).unwrap();
//! // K1 is 5 m from T1; T2 is missed (c/2 = 50 m).
//! assert_eq!(e.mean_gospa_localisation, 5.0);
//! assert_eq!(e.mean_gospa_missed, 50.0);
//! assert_eq!(e.mean_gospa, 55.0);
//! assert_eq!(e.mean_ospa, (5.0 + 100.0) / 2.0);
//! ```

pub mod alerts;
pub mod assign;
pub mod classify;
pub mod detect;
pub mod plot;
pub mod score;
pub mod spoof;
pub mod timeline;

pub use alerts::{AlertScore, score_alerts};
pub use classify::ClassScore;
pub use score::StepScore;
pub use spoof::SpoofScore;
pub use timeline::Timeline;

use picket_scenario::Scenario;
use serde::Serialize;

/// The metric parameters. [`Params::default`] is the contract's: c = 100 m, p = 1, steady
/// state from 5 s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Params {
    /// Cut-off c of GOSPA and OSPA, metres.
    pub cutoff_m: f64,
    /// Order p of GOSPA and OSPA (≥ 1).
    pub p: f64,
    /// The `*_steady` means use the scored times t ≥ this, seconds.
    pub steady_from_s: f64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            cutoff_m: 100.0,
            p: 1.0,
            steady_from_s: 5.0,
        }
    }
}

/// Why a scenario and track file cannot be scored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    /// The scenario has no truth lines.
    #[error("{file}: no truth lines; nothing to score against")]
    NoTruth {
        /// The scenario file.
        file: String,
    },
    /// Two truth lines for one target at one time.
    #[error("{file}: second truth line for target {id:?} at t = {t}")]
    DuplicateTruth {
        /// The scenario file.
        file: String,
        /// Target id.
        id: String,
        /// Time, seconds.
        t: f64,
    },
    /// Two confirmed track lines for one id at one time.
    #[error("{file}: track {id:?} appears twice at t = {t}")]
    DuplicateTrack {
        /// The track file.
        file: String,
        /// Track id.
        id: String,
        /// Time, seconds.
        t: f64,
    },
    /// A polar or bearing detection whose sensor has no `sensor` line (its position is
    /// unknown).
    #[error("{file}:{line}: {sensor:?} has no sensor line; polar and bearing detections need one")]
    UnknownSensor {
        /// The scenario file.
        file: String,
        /// 1-based line.
        line: usize,
        /// Sensor id.
        sensor: String,
    },
    /// Two `sensor` lines with one id.
    #[error("{file}: duplicate sensor id {sensor:?}")]
    DuplicateSensor {
        /// The scenario file.
        file: String,
        /// Sensor id.
        sensor: String,
    },
    /// Parameters out of their domain.
    #[error("bad metric parameters: {0}")]
    Params(String),
}

/// Everything `picket eval` reports about a track file; field names are the harness's keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Distinct truth target ids.
    pub targets: usize,
    /// Mean GOSPA over the scored times, metres.
    pub mean_gospa: f64,
    /// Mean localisation part.
    pub mean_gospa_localisation: f64,
    /// Mean missed part.
    pub mean_gospa_missed: f64,
    /// Mean false part.
    pub mean_gospa_false: f64,
    /// Mean OSPA, metres.
    pub mean_ospa: f64,
    /// Distinct confirmed track ids at scored times.
    pub tracks: usize,
    /// Track breaks.
    pub track_breaks: usize,
    /// Id switches.
    pub id_switches: usize,
    /// Mean of t_conf − t_det over targets with both, seconds (`None` when no target has).
    pub mean_time_to_confirm_s: Option<f64>,
    /// Targets with a first detection.
    pub targets_detected: usize,
    /// Targets with a first confirmed track after it.
    pub targets_confirmed: usize,
    /// Mean number of missed targets per scored time.
    pub mean_missed_targets: f64,
    /// Mean number of false tracks per scored time.
    pub mean_false_tracks: f64,
    /// Paired (target, time) pairs over all (target, time) pairs.
    pub truth_coverage: f64,
    /// Mean OSPA over t ≥ `steady_from_s`.
    pub mean_ospa_steady: f64,
    /// Mean GOSPA over t ≥ `steady_from_s`.
    pub mean_gospa_steady: f64,
    /// Mean missed targets over t ≥ `steady_from_s`.
    pub mean_missed_targets_steady: f64,
    /// Mean false tracks over t ≥ `steady_from_s`.
    pub mean_false_tracks_steady: f64,
    /// Number of scored times.
    pub scored_scans: usize,
    /// Confirmed tracks at the last scored time.
    pub tracks_final: usize,
    /// Confirmed track lines.
    pub track_lines_confirmed: usize,
    /// Tentative track lines.
    pub track_lines_tentative: usize,
    /// Confirmed track lines at times without truth.
    pub track_lines_unscored_time: usize,
    /// Bearing-only detections (not used for the time to confirm).
    pub skipped_detections: usize,
    /// Classification of the confirmed tracks paired with classed targets (not a harness key).
    pub classification: ClassScore,
    /// The figures of every scored time (for plots; not part of the harness's output).
    #[serde(skip)]
    pub steps: Vec<StepScore>,
}

fn mean(values: impl Iterator<Item = f64>) -> (f64, usize) {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (sum / n.max(1) as f64, n)
}

/// Scores the confirmed tracks of `tracks` against the truth of `scenario`.
pub fn evaluate(
    scenario: &Scenario,
    tracks: &Scenario,
    params: &Params,
) -> Result<Evaluation, EvalError> {
    if !(params.cutoff_m.is_finite() && params.cutoff_m > 0.0) {
        return Err(EvalError::Params(format!(
            "cut-off must be a positive number of metres, got {}",
            params.cutoff_m
        )));
    }
    if !(params.p.is_finite() && params.p >= 1.0) {
        return Err(EvalError::Params(format!(
            "p must be a finite number ≥ 1, got {}",
            params.p
        )));
    }
    let timeline = Timeline::build(
        &scenario.truth,
        &scenario.file,
        &tracks.tracks,
        &tracks.file,
    )?;
    let (t_det, skipped_detections) = detect::first_detection_times(scenario, &timeline)?;
    let (steps, continuity) = score::score_steps(&timeline, &t_det, params);
    let dummy = params.cutoff_m.powf(params.p) / 2.0;
    let steady = || steps.iter().filter(|s| s.t >= params.steady_from_s);
    let latencies: Vec<f64> = continuity
        .t_conf
        .iter()
        .zip(&t_det)
        .filter_map(|(conf, det)| Some((*conf)? - (*det)?))
        .collect();
    let mean_missed = mean(steps.iter().map(|s| s.missed)).0;
    let mean_false = mean(steps.iter().map(|s| s.false_tracks)).0;
    Ok(Evaluation {
        targets: timeline.target_names.len(),
        mean_gospa: mean(steps.iter().map(|s| s.gospa)).0,
        mean_gospa_localisation: mean(steps.iter().map(|s| s.localisation)).0,
        mean_gospa_missed: mean_missed,
        mean_gospa_false: mean_false,
        mean_ospa: mean(steps.iter().map(|s| s.ospa)).0,
        tracks: timeline.track_names.len(),
        track_breaks: continuity.track_breaks,
        id_switches: continuity.id_switches,
        mean_time_to_confirm_s: (!latencies.is_empty()).then(|| mean(latencies.iter().copied()).0),
        targets_detected: t_det.iter().flatten().count(),
        targets_confirmed: continuity.t_conf.iter().flatten().count(),
        mean_missed_targets: mean_missed / dummy,
        mean_false_tracks: mean_false / dummy,
        truth_coverage: if continuity.truth_points == 0 {
            0.0
        } else {
            continuity.paired as f64 / continuity.truth_points as f64
        },
        mean_ospa_steady: mean(steady().map(|s| s.ospa)).0,
        mean_gospa_steady: mean(steady().map(|s| s.gospa)).0,
        mean_missed_targets_steady: mean(steady().map(|s| s.missed)).0 / dummy,
        mean_false_tracks_steady: mean(steady().map(|s| s.false_tracks)).0 / dummy,
        scored_scans: steps.len(),
        tracks_final: steps.last().map_or(0, |s| s.tracks),
        track_lines_confirmed: timeline.track_lines_confirmed,
        track_lines_tentative: timeline.track_lines_tentative,
        track_lines_unscored_time: timeline.track_lines_unscored_time,
        skipped_detections,
        classification: classify::score_classes(
            &timeline,
            &continuity,
            &scenario.truth,
            &tracks.tracks,
        ),
        steps,
    })
}
