//! How targets move. Each model advances a [`Kinematics`] by one tick with draws from the
//! target's own random stream, so targets never disturb each other's randomness.

mod bird;
mod cruise;
mod pilot;

pub use bird::Wander;
pub use cruise::Cruise;
pub use pilot::{Leg, Pilot};

use crate::kin::{Kinematics, V3, add, scale};
use crate::streams::SimRng;
use rand::Rng;
use rand_distr::StandardNormal;

/// Whether a target is still in the scenario after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Still flying.
    Flying,
    /// Finished its mission and leaves the scenario.
    Done,
}

/// A standard normal draw.
pub fn gauss(rng: &mut SimRng) -> f64 {
    rng.sample(StandardNormal)
}

/// A uniform draw in `[lo, hi)` (exactly `lo` when the range is empty).
pub fn uniform(rng: &mut SimRng, range: [f64; 2]) -> f64 {
    if range[1] > range[0] {
        rng.random_range(range[0]..range[1])
    } else {
        range[0]
    }
}

/// The motion model of one target (or of a formation's leader).
#[derive(Debug, Clone)]
pub enum Motion {
    /// The Stone Soup harness's cruise-and-turn model.
    Cruise(Cruise),
    /// A drone flying a list of legs.
    Pilot(Pilot),
    /// A bird's erratic wandering.
    Wander(Wander),
    /// A manned aircraft: straight at constant velocity until its path ends.
    Straight {
        /// Seconds left on its path.
        remaining_s: f64,
    },
    /// A member of a formation: leader state plus its own jittering offset.
    Member(Member),
}

impl Motion {
    /// Advances `kin` by `h_s` seconds. Members are advanced by [`Member::step`] instead.
    pub fn step(&mut self, kin: &mut Kinematics, h_s: f64, rng: &mut SimRng) -> Status {
        match self {
            Motion::Cruise(c) => {
                c.step(kin, h_s, rng);
                Status::Flying
            }
            Motion::Pilot(p) => p.step(kin, h_s, rng),
            Motion::Wander(w) => {
                w.step(kin, h_s, rng);
                Status::Flying
            }
            Motion::Straight { remaining_s } => {
                kin.pos = add(kin.pos, scale(kin.vel, h_s));
                if kin.pos[2] < 30.0 {
                    // Level off rather than fly into the ground.
                    kin.vel[2] = kin.vel[2].max(0.0);
                }
                *remaining_s -= h_s;
                if *remaining_s > 0.0 {
                    Status::Flying
                } else {
                    Status::Done
                }
            }
            Motion::Member(_) => Status::Flying,
        }
    }

    /// Changes course after a formation splits, so the new part goes its own way.
    pub fn diverge(&mut self, kin: &mut Kinematics, rng: &mut SimRng) {
        match self {
            Motion::Wander(w) => w.diverge(kin, rng),
            Motion::Pilot(p) => p.diverge(rng),
            _ => {}
        }
    }
}

/// A formation member's place relative to its leader: the offset wanders around its home
/// place (a damped spring driven by noise), so members keep their spacing but not rigidly.
#[derive(Debug, Clone)]
pub struct Member {
    /// Which formation.
    pub formation: usize,
    /// Slot in the formation.
    pub slot: usize,
    /// Home offset from the leader, metres.
    pub home_m: V3,
    /// Current offset, metres.
    pub offset_m: V3,
    /// Rate of change of the offset, m/s.
    pub offset_vel: V3,
    /// Strength of the jitter, m/s² per √Hz.
    pub jitter: f64,
}

impl Member {
    /// Advances the offset and sets `kin` from the leader's state.
    pub fn step(&mut self, leader: &Kinematics, kin: &mut Kinematics, h_s: f64, rng: &mut SimRng) {
        // Spring constant and damping chosen for a ~10 s period, lightly damped.
        let (k, c) = (0.4, 0.8);
        for i in 0..3 {
            let acc = -k * (self.offset_m[i] - self.home_m[i]) - c * self.offset_vel[i]
                + self.jitter * gauss(rng) / h_s.sqrt();
            self.offset_vel[i] += acc * h_s;
            self.offset_m[i] += self.offset_vel[i] * h_s;
        }
        kin.pos = add(leader.pos, self.offset_m);
        kin.vel = add(leader.vel, self.offset_vel);
        kin.pos[2] = kin.pos[2].max(1.0);
    }
}

/// A group moving together: leaders (one at first, more after splits) and member slots.
#[derive(Debug, Clone)]
pub struct Formation {
    /// The leaders' motion models.
    pub leaders: Vec<Motion>,
    /// The leaders' states.
    pub leader_kin: Vec<Kinematics>,
    /// Which leader each member slot follows.
    pub slot_leader: Vec<usize>,
    /// Time since spawn, seconds.
    pub age_s: f64,
    /// When the formation next splits (seconds after spawn); `None` when it never does.
    pub split_at_s: Option<f64>,
    /// Splits still to come after the next one.
    pub splits_left: usize,
    /// Time between splits, seconds.
    pub split_gap_s: [f64; 2],
    /// When the formation appears, microseconds.
    pub spawn_us: i64,
    /// Leaders whose mission is over (their members leave with them).
    pub done: Vec<bool>,
}

impl Formation {
    /// Advances the leaders and splits the formation when its time comes.
    pub fn step(&mut self, h_s: f64, rng: &mut SimRng) {
        for (i, (motion, kin)) in self
            .leaders
            .iter_mut()
            .zip(self.leader_kin.iter_mut())
            .enumerate()
        {
            if !self.done[i] && motion.step(kin, h_s, rng) == Status::Done {
                self.done[i] = true;
            }
        }
        self.age_s += h_s;
        if self.split_at_s.is_some_and(|s| self.age_s >= s) {
            self.split(rng);
            self.split_at_s =
                (self.splits_left > 0).then(|| self.age_s + uniform(rng, self.split_gap_s));
            self.splits_left = self.splits_left.saturating_sub(1);
        }
    }

    /// Half of the members still with the first leader (drawn at random) follow a new leader
    /// that changes course.
    fn split(&mut self, rng: &mut SimRng) {
        let mut motion = self.leaders[0].clone();
        let mut kin = self.leader_kin[0];
        motion.diverge(&mut kin, rng);
        if let Motion::Pilot(original) = &mut self.leaders[0] {
            original.give_up_alternate();
        }
        let new = self.leaders.len();
        self.leaders.push(motion);
        self.leader_kin.push(kin);
        self.done.push(self.done[0]);
        for leader in self.slot_leader.iter_mut().filter(|l| **l == 0) {
            if rng.random_bool(0.5) {
                *leader = new;
            }
        }
    }
}
