//! Tracker parameters, and the builders of the two standard trackers.

use crate::associate::Gnn;
use crate::gate::GridGater;
use crate::imm::Imm;
use crate::manage::{MissDeleter, MofNInitiator};
use crate::motion::ConstantVelocity;
use crate::tracker::{Roles, Tracker};
use crate::triangulate::TriangulationConfig;
use crate::update::KalmanUpdater;
use picket_core::Site;

/// A tracker with the standard roles around predictor `P`.
pub type StandardTracker<P> = Tracker<P, KalmanUpdater, GridGater, Gnn, MofNInitiator, MissDeleter>;
/// The tracker picket runs by default: IMM of constant velocity and coordinated turns.
pub type DefaultTracker = StandardTracker<Imm<3>>;
/// The single-model tracker (Stone Soup's configuration in the comparison).
pub type CvTracker = StandardTracker<ConstantVelocity>;

/// Motion model parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MotionConfig {
    /// White-noise acceleration of the single-model (NCV) tracker, m²/s³ per axis.
    pub q: f64,
    /// IMM: white-noise acceleration of its constant-velocity model, m²/s³.
    pub imm_q_cv: f64,
    /// IMM: turn rate of its coordinated-turn models (one each way), °/s.
    pub imm_turn_deg_s: f64,
    /// IMM: white-noise acceleration of its turn models, m²/s³.
    pub imm_q_turn: f64,
    /// IMM: probability per second of switching model.
    pub imm_switch_per_s: f64,
}

impl Default for MotionConfig {
    fn default() -> Self {
        Self {
            q: 5.0,
            imm_q_cv: 0.1,
            imm_turn_deg_s: 4.0,
            imm_q_turn: 0.5,
            imm_switch_per_s: 0.05,
        }
    }
}

/// Every parameter of the standard trackers. The defaults of initiation, confirmation and
/// deletion match the Stone Soup comparison (the harness README's "Tracker
/// parameters": 3 updates to confirm, tentative dropped at 2 misses, confirmed at 5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackerConfig {
    /// Motion model.
    pub motion: MotionConfig,
    /// Initiation and confirmation.
    pub initiator: MofNInitiator,
    /// Deletion.
    pub deleter: MissDeleter,
    /// Largest cell size of the gating grid, metres (about a typical gate's width); dense
    /// pictures use cells down to half of it (three times the tracks' mean spacing).
    pub grid_cell_m: f64,
    /// Starting tracks where bearings of two sensors cross.
    pub triangulation: TriangulationConfig,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        Self {
            motion: MotionConfig::default(),
            initiator: MofNInitiator::default(),
            deleter: MissDeleter::default(),
            grid_cell_m: 500.0,
            triangulation: TriangulationConfig::default(),
        }
    }
}

impl TrackerConfig {
    /// Builds the default (IMM) tracker for `site`.
    pub fn build(&self, site: &Site) -> DefaultTracker {
        let m = &self.motion;
        self.build_with(
            site,
            Imm::cv_and_turns(
                m.imm_q_cv,
                m.imm_turn_deg_s,
                m.imm_q_turn,
                m.imm_switch_per_s,
            ),
        )
    }

    /// Builds the lighter IMM for `site`: a quiet constant-velocity model (`imm_q_cv`) and a
    /// manoeuvring one (`q`), no turn models (`picket track --motion imm2`).
    pub fn build_imm2(&self, site: &Site) -> StandardTracker<Imm<2>> {
        let m = &self.motion;
        self.build_with(
            site,
            Imm::quiet_and_manoeuvring(m.imm_q_cv, m.q, m.imm_switch_per_s),
        )
    }

    /// Builds the single-model constant-velocity tracker for `site`.
    pub fn build_cv(&self, site: &Site) -> CvTracker {
        self.build_with(site, ConstantVelocity::new(self.motion.q))
    }

    /// Builds a tracker with the standard roles around `predictor`.
    pub fn build_with<P>(&self, site: &Site, predictor: P) -> StandardTracker<P>
    where
        P: crate::Predictor,
        KalmanUpdater: crate::Updater<P::Belief>,
    {
        Tracker::with_triangulation(
            site,
            Roles {
                predictor,
                updater: KalmanUpdater,
                hypothesiser: GridGater::new(self.grid_cell_m),
                associator: Gnn::default(),
                initiator: self.initiator,
                deleter: self.deleter,
            },
            self.triangulation,
        )
    }
}
