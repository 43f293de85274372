//! A small drone flown through a list of legs (go to, hover, orbit, loiter, dash, leave).
//!
//! The pilot asks for a velocity; the airframe follows it with a first-order lag and an
//! acceleration limit, plus gusts. That gives the smooth starts, stops and turns of a real
//! multirotor instead of instant changes of velocity a tracker would never see in practice.

use super::{Status, gauss, uniform};
use crate::kin::{Kinematics, V3, add, clamp_len, norm, norm_h, scale, sub};
use crate::streams::SimRng;
use rand::Rng;

/// Fastest a small drone flies, m/s.
pub const MAX_SPEED_MPS: f64 = 30.0;
/// Time constant of the velocity response, seconds.
const RESPONSE_S: f64 = 1.2;
/// Acceleration limit, m/s².
const MAX_ACCEL_MPS2: f64 = 5.0;
/// Gusts: white acceleration, m/s² per √Hz.
const GUST: f64 = 0.3;

/// One part of a drone's flight.
#[derive(Debug, Clone, PartialEq)]
pub enum Leg {
    /// Fly to a point at a speed.
    Goto {
        /// Destination, metres.
        to: V3,
        /// Speed, m/s.
        speed_mps: f64,
    },
    /// Hold the position where the leg starts.
    Hover {
        /// How long, seconds.
        duration_s: f64,
    },
    /// Circle a centre.
    Orbit {
        /// Centre (its z is the altitude flown), metres.
        center: V3,
        /// Radius, metres.
        radius_m: f64,
        /// Speed, m/s.
        speed_mps: f64,
        /// +1 counter-clockwise, -1 clockwise.
        direction: f64,
        /// How long, seconds.
        duration_s: f64,
    },
    /// Wander between random waypoints inside a disc.
    Loiter {
        /// Centre (its z is the mean altitude), metres.
        center: V3,
        /// Radius, metres.
        radius_m: f64,
        /// Speed, m/s.
        speed_mps: f64,
        /// How long, seconds.
        duration_s: f64,
    },
    /// Fly straight on a heading.
    Dash {
        /// Velocity, m/s.
        velocity: V3,
        /// How long, seconds.
        duration_s: f64,
    },
    /// Leave the scenario.
    Exit,
}

/// A drone's flight plan and where it is in it.
#[derive(Debug, Clone)]
pub struct Pilot {
    legs: Vec<Leg>,
    leg: usize,
    leg_age_s: f64,
    hold: Option<V3>,
    waypoint: Option<V3>,
    /// Destinations to turn to when a swarm splits.
    pub alternates: Vec<V3>,
}

impl Pilot {
    /// A pilot that flies `legs` in order.
    pub fn new(legs: Vec<Leg>) -> Self {
        Self {
            legs,
            leg: 0,
            leg_age_s: 0.0,
            hold: None,
            waypoint: None,
            alternates: Vec::new(),
        }
    }

    /// The leg being flown (`Exit` when all are done).
    pub fn current(&self) -> &Leg {
        self.legs.get(self.leg).unwrap_or(&Leg::Exit)
    }

    fn next_leg(&mut self) {
        self.leg += 1;
        self.leg_age_s = 0.0;
        self.hold = None;
        self.waypoint = None;
    }

    /// The velocity the pilot asks for, or `None` when the leg is over.
    fn command(&mut self, kin: &Kinematics, rng: &mut SimRng) -> Option<V3> {
        let age = self.leg_age_s;
        match self.current().clone() {
            Leg::Goto { to, speed_mps } => {
                let d = sub(to, kin.pos);
                let dist = norm(d);
                // Pass through waypoints half a second out so the path has no stop at them.
                (dist > (0.5 * speed_mps).max(3.0))
                    .then(|| scale(d, speed_mps.min(0.5 * dist + 1.0) / dist))
            }
            Leg::Hover { duration_s } => {
                let hold = *self.hold.get_or_insert(kin.pos);
                (age < duration_s).then(|| clamp_len(scale(sub(hold, kin.pos), 0.5), 2.0))
            }
            Leg::Orbit {
                center,
                radius_m,
                speed_mps,
                direction,
                duration_s,
            } => (age < duration_s)
                .then(|| orbit_velocity(kin.pos, center, radius_m, speed_mps, direction)),
            Leg::Loiter {
                center,
                radius_m,
                speed_mps,
                duration_s,
            } => {
                if age >= duration_s {
                    return None;
                }
                let wp = match self.waypoint {
                    Some(wp) if norm(sub(wp, kin.pos)) > 5.0 => wp,
                    _ => {
                        let r = radius_m * rng.random::<f64>().sqrt();
                        let a = rng.random_range(0.0..std::f64::consts::TAU);
                        let z = (center[2] + 15.0 * gauss(rng)).max(10.0);
                        let wp = [center[0] + r * a.cos(), center[1] + r * a.sin(), z];
                        self.waypoint = Some(wp);
                        wp
                    }
                };
                let d = sub(wp, kin.pos);
                Some(scale(
                    d,
                    speed_mps.min(0.5 * norm(d) + 1.0) / norm(d).max(1e-9),
                ))
            }
            Leg::Dash {
                velocity,
                duration_s,
            } => (age < duration_s).then_some(velocity),
            Leg::Exit => None,
        }
    }

    /// One step: follow the current leg, moving on to the next when it is done.
    pub fn step(&mut self, kin: &mut Kinematics, h_s: f64, rng: &mut SimRng) -> Status {
        let command = loop {
            if matches!(self.current(), Leg::Exit) {
                return Status::Done;
            }
            match self.command(kin, rng) {
                Some(v) => break clamp_len(v, MAX_SPEED_MPS),
                None => self.next_leg(),
            }
        };
        let accel = clamp_len(
            scale(sub(command, kin.vel), 1.0 / RESPONSE_S),
            MAX_ACCEL_MPS2,
        );
        let root_h = h_s.sqrt();
        let gust = [gauss(rng), gauss(rng), 0.3 * gauss(rng)].map(|g| g * GUST * root_h);
        kin.vel = clamp_len(add(add(kin.vel, scale(accel, h_s)), gust), MAX_SPEED_MPS);
        kin.pos = add(kin.pos, scale(kin.vel, h_s));
        if kin.pos[2] < 1.0 {
            kin.pos[2] = 1.0;
            kin.vel[2] = kin.vel[2].max(0.0);
        }
        self.leg_age_s += h_s;
        Status::Flying
    }

    /// After a swarm split (called on the new part's copy of the leader): fly to the first
    /// alternate destination instead, hover there and leave. The copy keeps no alternates, so
    /// only the original part splits again.
    pub fn diverge(&mut self, rng: &mut SimRng) {
        if self.alternates.is_empty() {
            return;
        }
        let to = self.alternates.remove(0);
        self.alternates.clear();
        let speed = match self.current() {
            Leg::Goto { speed_mps, .. } => *speed_mps,
            _ => 12.0,
        };
        let away = uniform(rng, [0.0, std::f64::consts::TAU]);
        self.legs = vec![
            Leg::Goto {
                to,
                speed_mps: speed,
            },
            Leg::Hover {
                duration_s: uniform(rng, [10.0, 40.0]),
            },
            Leg::Dash {
                velocity: [speed * away.cos(), speed * away.sin(), 2.0],
                duration_s: 60.0,
            },
            Leg::Exit,
        ];
        self.leg = 0;
        self.leg_age_s = 0.0;
        self.hold = None;
    }

    /// Drops the first alternate destination (the part that split off has taken it).
    pub fn give_up_alternate(&mut self) {
        if !self.alternates.is_empty() {
            self.alternates.remove(0);
        }
    }
}

/// Velocity along a circle around `center`, pulled back onto the circle when off it.
fn orbit_velocity(pos: V3, center: V3, radius_m: f64, speed_mps: f64, direction: f64) -> V3 {
    let r = sub(pos, center);
    let dist = norm_h(r).max(1e-6);
    let radial = [r[0] / dist, r[1] / dist];
    let tangent = [-radial[1] * direction, radial[0] * direction];
    let pull = (radius_m - dist).clamp(-speed_mps, speed_mps) * 0.5;
    [
        tangent[0] * speed_mps + radial[0] * pull,
        tangent[1] * speed_mps + radial[1] * pull,
        (center[2] - pos[2]) * 0.3,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::{Purpose, stream};

    #[test]
    fn goto_reaches_its_destination_then_exits() {
        let mut rng = stream(1, Purpose::Target, 1, 0);
        let mut pilot = Pilot::new(vec![
            Leg::Goto {
                to: [1000.0, 0.0, 100.0],
                speed_mps: 20.0,
            },
            Leg::Hover { duration_s: 5.0 },
            Leg::Exit,
        ]);
        let mut kin = Kinematics {
            pos: [0.0, 0.0, 50.0],
            vel: [0.0; 3],
        };
        let mut steps = 0;
        while pilot.step(&mut kin, 0.1, &mut rng) == Status::Flying {
            steps += 1;
            assert!(norm(kin.vel) <= MAX_SPEED_MPS + 1e-9);
            assert!(steps < 2000, "never finished");
        }
        assert!(
            norm(sub(kin.pos, [1000.0, 0.0, 100.0])) < 30.0,
            "ended at {:?}",
            kin.pos
        );
    }

    #[test]
    fn orbit_stays_near_its_radius() {
        let mut rng = stream(2, Purpose::Target, 1, 0);
        let center = [0.0, 0.0, 80.0];
        let leg = Leg::Orbit {
            center,
            radius_m: 200.0,
            speed_mps: 10.0,
            direction: 1.0,
            duration_s: 300.0,
        };
        let mut pilot = Pilot::new(vec![leg]);
        let mut kin = Kinematics {
            pos: [200.0, 0.0, 80.0],
            vel: [0.0, 10.0, 0.0],
        };
        for _ in 0..2000 {
            pilot.step(&mut kin, 0.1, &mut rng);
            let r = norm_h(sub(kin.pos, center));
            assert!((r - 200.0).abs() < 25.0, "radius {r}");
        }
    }
}
