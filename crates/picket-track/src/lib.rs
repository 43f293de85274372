//! picket's tracker: multi-sensor, multi-target fusion of [`picket_core::Report`]s into
//! [`picket_core::Track`]s for one site. Pure library: no IO, no clock, deterministic (same
//! input, same output, bit for bit).
//!
//! The tracker is built from Stone Soup's roles, each a trait with monomorphised
//! implementations: [`Predictor`] ([`ConstantVelocity`], [`Imm`]), [`Updater`]
//! ([`KalmanUpdater`], EKF for polar reports), [`Hypothesiser`] ([`GridGater`]: Mahalanobis
//! gate over a spatial hash grid), [`DataAssociator`] ([`Gnn`]: clusters + optimal assignment),
//! [`Initiator`] ([`MofNInitiator`]) and [`Deleter`] ([`MissDeleter`]). [`Tracker::step`] runs
//! them in Stone Soup's order. State is `[x, y, z, vx, vy, vz]` in site ENU metres. Each
//! track's estimate carries its own time: a small step of Remote ID or ADS-B positions predicts
//! only the tracks it can reach (a bound proves the others cannot gate), so its cost does not
//! grow with the picture.
//!
//! ```
//! use picket_core::{Enu, Geodetic, Measurement, Report, SensorKind, Site, Timestamp};
//! use picket_track::TrackerConfig;
//!
//! let mut site = Site::new("demo", Geodetic::new(51.0, 0.0, 0.0));
//! let sensor = site.add_sensor("S0", SensorKind::Generic, Enu::default());
//! let mut tracker = TrackerConfig::default().build(&site);
//! for k in 0..5 {
//!     let t = Timestamp::from_secs(k as f64).unwrap();
//!     let seen = Enu::new(100.0 + 10.0 * k as f64, 200.0, 50.0);
//!     tracker.step(t, &[Report::new(sensor, t, Measurement::cartesian(seen, 5.0))]);
//! }
//! let tracks: Vec<_> = tracker.tracks().collect();
//! assert_eq!(tracks.len(), 1);
//! assert!(tracks[0].status.is_confirmed());
//! assert!((tracks[0].velocity.x - 10.0).abs() < 2.0);
//! ```

mod associate;
mod classify;
mod config;
mod fast;
mod gate;
mod gaussian;
mod imm;
mod manage;
mod measurement;
mod merge;
mod motion;
mod packed;
mod reorder;
mod tracker;
mod triangulate;
mod update;

pub use associate::{DataAssociator, Gnn, GnnStats, UNASSIGNED};
pub use classify::{
    Manoeuvre, classify, classify_with, identity_likelihood, kinematic_likelihood,
    sensor_likelihood,
};
pub use config::{CvTracker, DefaultTracker, MotionConfig, StandardTracker, TrackerConfig};
pub use fast::inverse_spd3;
pub use gate::{Detection, GridGater, Hypothesis, Hypothesiser, gate_threshold};
pub use gaussian::{
    Gaussian, Matrix3, StateCovariance, StateVector, Vector3, is_symmetric_positive_definite,
    symmetrise,
};
pub use imm::{Imm, ImmBelief};
pub use manage::{
    Deleter, Initiator, MissDeleter, MofNInitiator, Reporting, SENSOR_RECORDS, SensorRecord,
    TrackMeta,
};
pub use measurement::{
    Innovation, InnovationVisitor, MeasurementModel, RejectReason, model_of, wrap_angle,
};
pub use merge::{MergeConfig, Merger};
pub use motion::{Belief, ConstantVelocity, LinearMotion, Predictor};
pub use reorder::ReorderBuffer;
pub use tracker::{Counters, Roles, Tracker};
pub use triangulate::{Crossing, TriangulationConfig, Triangulator};
pub use update::{
    Distance, KalmanStep, KalmanUpdater, MahalanobisVisitor, Updater, distance, kalman_update,
};
