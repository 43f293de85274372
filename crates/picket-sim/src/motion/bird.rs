//! A bird's flight: speed and turn rate wander (Ornstein-Uhlenbeck processes), so the path
//! is erratic but smooth; a bird that strays beyond its area turns back toward it.

use super::{gauss, uniform};
use crate::kin::Kinematics;
use crate::streams::SimRng;
use rand::Rng;
use std::f64::consts::{PI, TAU};

/// Correlation time of the turn rate, seconds.
const TURN_TAU_S: f64 = 4.0;
/// Spread of the turn rate, rad/s (about 12°/s).
const TURN_SIGMA: f64 = 0.2;
/// Correlation time of the speed, seconds.
const SPEED_TAU_S: f64 = 6.0;

/// A wandering bird (or a flock's leader).
#[derive(Debug, Clone)]
pub struct Wander {
    center: [f64; 3],
    radius_m: f64,
    heading_rad: f64,
    turn_rad_s: f64,
    speed_mps: f64,
    mean_speed_mps: f64,
    alt_m: f64,
}

impl Wander {
    /// A bird somewhere in the disc of `radius_m` around `center`, flying at `alt_m`.
    pub fn start(
        center: [f64; 3],
        radius_m: f64,
        alt_m: [f64; 2],
        speed_mps: [f64; 2],
        rng: &mut SimRng,
    ) -> (Wander, Kinematics) {
        let r = radius_m * rng.random::<f64>().sqrt();
        let a = uniform(rng, [0.0, TAU]);
        let alt = uniform(rng, alt_m);
        let speed = uniform(rng, speed_mps);
        let heading = uniform(rng, [0.0, TAU]);
        let wander = Wander {
            center,
            radius_m,
            heading_rad: heading,
            turn_rad_s: 0.0,
            speed_mps: speed,
            mean_speed_mps: speed,
            alt_m: alt,
        };
        let pos = [center[0] + r * a.cos(), center[1] + r * a.sin(), alt];
        let vel = [speed * heading.cos(), speed * heading.sin(), 0.0];
        (wander, Kinematics { pos, vel })
    }

    /// One step.
    pub fn step(&mut self, kin: &mut Kinematics, h_s: f64, rng: &mut SimRng) {
        let root_h = h_s.sqrt();
        let (dx, dy) = (kin.pos[0] - self.center[0], kin.pos[1] - self.center[1]);
        let mut bias = 0.0;
        if dx.hypot(dy) > self.radius_m {
            // Turn toward home at up to 0.15 rad/s, proportional to the heading error.
            let home = (-dy).atan2(-dx);
            let error = (home - self.heading_rad + PI).rem_euclid(TAU) - PI;
            bias = 0.15 * error.signum() * error.abs().min(1.0);
        }
        self.turn_rad_s += (bias - self.turn_rad_s) / TURN_TAU_S * h_s
            + TURN_SIGMA * (2.0 / TURN_TAU_S).sqrt() * root_h * gauss(rng);
        self.heading_rad = (self.heading_rad + self.turn_rad_s * h_s).rem_euclid(TAU);
        self.speed_mps += (self.mean_speed_mps - self.speed_mps) / SPEED_TAU_S * h_s
            + 0.25 * self.mean_speed_mps * (2.0 / SPEED_TAU_S).sqrt() * root_h * gauss(rng);
        self.speed_mps = self.speed_mps.clamp(2.0, 25.0);
        let vz_target = ((self.alt_m - kin.pos[2]) * 0.05).clamp(-2.0, 2.0);
        let vz = kin.vel[2] + (vz_target - kin.vel[2]) * h_s + 0.4 * root_h * gauss(rng);
        kin.vel = [
            self.speed_mps * self.heading_rad.cos(),
            self.speed_mps * self.heading_rad.sin(),
            vz.clamp(-3.0, 3.0),
        ];
        for i in 0..3 {
            kin.pos[i] += kin.vel[i] * h_s;
        }
        if kin.pos[2] < 2.0 {
            kin.pos[2] = 2.0;
            kin.vel[2] = kin.vel[2].abs();
        }
    }

    /// After a flock splits: the new part veers off by 30–70° and picks a new altitude.
    pub fn diverge(&mut self, kin: &mut Kinematics, rng: &mut SimRng) {
        let sign = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
        self.heading_rad =
            (self.heading_rad + sign * uniform(rng, [30.0, 70.0]).to_radians()).rem_euclid(TAU);
        self.alt_m = (self.alt_m + uniform(rng, [-30.0, 30.0])).max(10.0);
        kin.vel = [
            self.speed_mps * self.heading_rad.cos(),
            self.speed_mps * self.heading_rad.sin(),
            kin.vel[2],
        ];
    }
}
