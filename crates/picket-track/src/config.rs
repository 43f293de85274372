//! Tracker parameters, and the builder of the default tracker.

use crate::associate::Gnn;
use crate::gate::GridGater;
use crate::manage::{MissDeleter, MofNInitiator};
use crate::motion::ConstantVelocity;
use crate::tracker::{Roles, Tracker};
use crate::update::KalmanUpdater;
use picket_core::Site;

/// The tracker picket runs by default.
pub type DefaultTracker =
    Tracker<ConstantVelocity, KalmanUpdater, GridGater, Gnn, MofNInitiator, MissDeleter>;

/// Motion model parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MotionConfig {
    /// White-noise acceleration spectral density, m²/s³ per axis.
    pub q: f64,
}

impl Default for MotionConfig {
    fn default() -> Self {
        Self { q: 5.0 }
    }
}

/// Every parameter of the default tracker, with defaults matching the Stone Soup comparison
/// (`../shared/bench/README.md`, "Tracker parameters") where one exists.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackerConfig {
    /// Motion model.
    pub motion: MotionConfig,
    /// Initiation and confirmation.
    pub initiator: MofNInitiator,
    /// Deletion.
    pub deleter: MissDeleter,
    /// Cell size of the gating grid, metres (about a typical gate's width).
    pub grid_cell_m: f64,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        Self {
            motion: MotionConfig::default(),
            initiator: MofNInitiator::default(),
            deleter: MissDeleter::default(),
            grid_cell_m: 200.0,
        }
    }
}

impl TrackerConfig {
    /// Builds the tracker for `site`.
    pub fn build(&self, site: &Site) -> DefaultTracker {
        Tracker::new(
            site,
            Roles {
                predictor: ConstantVelocity::new(self.motion.q),
                updater: KalmanUpdater,
                hypothesiser: GridGater::new(self.grid_cell_m),
                associator: Gnn::default(),
                initiator: self.initiator,
                deleter: self.deleter,
            },
        )
    }
}
