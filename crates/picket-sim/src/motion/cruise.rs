//! The Stone Soup harness's target motion (`_TargetMotion` in `stonesoup_bench.py`):
//! nearly constant velocity with small white accelerations, occasional coordinated turns,
//! horizontal speed clipped to a range, altitude reflected at a floor and a ceiling.

use super::{gauss, uniform};
use crate::config::CruiseGroup;
use crate::kin::Kinematics;
use crate::streams::SimRng;
use rand::Rng;

/// The cruise-and-turn model's parameters and turn state.
#[derive(Debug, Clone)]
pub struct Cruise {
    speed_mps: [f64; 2],
    vz_max_mps: f64,
    turn_rate_per_s: f64,
    turn_deg_s: [f64; 2],
    turn_s: [f64; 2],
    sigma_acc_h: f64,
    sigma_acc_v: f64,
    z_floor_m: f64,
    z_ceiling_m: f64,
    omega_rad_s: f64,
    turn_left_s: f64,
}

impl Cruise {
    /// A target of `group` with its initial state drawn uniformly in the box.
    pub fn start(group: &CruiseGroup, rng: &mut SimRng) -> (Cruise, Kinematics) {
        let (lo, hi) = (group.box_min_m, group.box_max_m);
        let pos = [0, 1, 2].map(|i| uniform(rng, [lo[i], hi[i]]));
        let speed = uniform(rng, group.speed_mps);
        let heading = uniform(rng, [0.0, std::f64::consts::TAU]);
        let vz = uniform(rng, [-group.vz_start_mps, group.vz_start_mps]);
        let vel = [speed * heading.cos(), speed * heading.sin(), vz];
        let cruise = Cruise {
            speed_mps: group.speed_mps,
            vz_max_mps: group.vz_max_mps,
            turn_rate_per_s: group.turn_rate_per_s,
            turn_deg_s: group.turn_deg_s,
            turn_s: group.turn_s,
            sigma_acc_h: group.sigma_acc_h,
            sigma_acc_v: group.sigma_acc_v,
            z_floor_m: lo[2],
            z_ceiling_m: hi[2],
            omega_rad_s: 0.0,
            turn_left_s: 0.0,
        };
        (cruise, Kinematics { pos, vel })
    }

    /// One step, in the harness's order: maybe start a turn, turn, add white acceleration,
    /// clip speeds, move, reflect altitude.
    pub fn step(&mut self, kin: &mut Kinematics, h_s: f64, rng: &mut SimRng) {
        if self.turn_left_s <= 0.0 && rng.random::<f64>() < self.turn_rate_per_s * h_s {
            let sign = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
            self.omega_rad_s = uniform(rng, self.turn_deg_s).to_radians() * sign;
            self.turn_left_s = uniform(rng, self.turn_s);
        }
        let vel = &mut kin.vel;
        if self.turn_left_s > 0.0 {
            let (s, c) = (self.omega_rad_s * h_s).sin_cos();
            let (vx, vy) = (vel[0] * c - vel[1] * s, vel[0] * s + vel[1] * c);
            vel[0] = vx;
            vel[1] = vy;
            self.turn_left_s -= h_s;
        } else {
            self.omega_rad_s = 0.0;
        }
        let root_h = h_s.sqrt();
        vel[0] += self.sigma_acc_h * root_h * gauss(rng);
        vel[1] += self.sigma_acc_h * root_h * gauss(rng);
        vel[2] += self.sigma_acc_v * root_h * gauss(rng);
        let speed = vel[0].hypot(vel[1]);
        let k = speed.clamp(self.speed_mps[0], self.speed_mps[1]) / speed.max(1e-9);
        vel[0] *= k;
        vel[1] *= k;
        vel[2] = vel[2].clamp(-self.vz_max_mps, self.vz_max_mps);
        for (p, v) in kin.pos.iter_mut().zip(vel.iter()) {
            *p += v * h_s;
        }
        let z = &mut kin.pos[2];
        if *z < self.z_floor_m {
            *z = 2.0 * self.z_floor_m - *z;
            vel[2] = -vel[2];
        } else if *z > self.z_ceiling_m {
            *z = 2.0 * self.z_ceiling_m - *z;
            vel[2] = -vel[2];
        }
    }
}
