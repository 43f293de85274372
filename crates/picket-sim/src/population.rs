//! Turning the configured groups into targets (and formations) with drawn properties.
//!
//! Every draw about a target comes from that target's own stream (keyed by group name and
//! index); formations draw from a stream keyed the same way, so growing one group never
//! changes another group's targets, or the earlier targets of the same group.

use crate::config::{
    AircraftGroup, BirdGroup, DroneGroup, GroupConfig, Mission, RoleConfig, SwarmGroup,
};
use crate::kin::{Kinematics, V3, add, norm_h, scale, sub};
use crate::motion::{Cruise, Formation, Leg, Member, Motion, Pilot, Wander, gauss, uniform};
use crate::sensors::Signature;
use crate::streams::{Purpose, SimRng, stream, target_key};
use crate::{Schedule, seconds_to_us};
use picket_core::{Class, Identity};
use rand::Rng;
use std::collections::BTreeMap;
use std::f64::consts::TAU;

/// Whether a target is in the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Life {
    /// Not yet spawned.
    Waiting,
    /// Flying.
    Alive,
    /// Left for good.
    Gone,
}

/// One simulated target.
#[derive(Debug, Clone)]
pub struct Target {
    /// Id written in truth lines.
    pub id: String,
    /// Role written in truth lines.
    pub role: Option<RoleConfig>,
    /// How sensors see it.
    pub signature: Signature,
    /// When it appears, microseconds (a multiple of the tick).
    pub spawn_us: i64,
    /// In the scenario or not.
    pub life: Life,
    /// True state at the current tick.
    pub kin: Kinematics,
    /// How it moves.
    pub motion: Motion,
    /// Its own random stream (motion and drawn properties).
    pub rng: SimRng,
    /// When it broadcasts Remote ID or ADS-B.
    pub broadcast: Option<Schedule>,
}

/// Targets and formations of a whole configuration.
#[derive(Debug, Default)]
pub struct Population {
    /// All targets, group by group (groups in name order).
    pub targets: Vec<Target>,
    /// Formations (swarms and flocks) with their own streams.
    pub formations: Vec<(Formation, SimRng)>,
    /// Authorized identities with their zones.
    pub authorized: Vec<(Identity, Vec<String>)>,
}

impl Population {
    /// Builds every group of `groups` with `seed`.
    pub fn build(seed: u64, groups: &BTreeMap<String, GroupConfig>, tick_us: i64) -> Self {
        let mut population = Population::default();
        for (name, group) in groups {
            let before = population.targets.len();
            match group {
                GroupConfig::Cruise(g) => {
                    for i in 0..g.count {
                        let mut rng = stream(seed, Purpose::Target, target_key(name, i), 0);
                        let (cruise, kin) = Cruise::start(g, &mut rng);
                        let class = g.class.as_deref().and_then(|c| c.parse::<Class>().ok());
                        let signature = Signature {
                            class,
                            rcs_m2: 1.0,
                            span_m: 1.0,
                            ..Default::default()
                        };
                        population.push(
                            name,
                            i,
                            None,
                            signature,
                            0,
                            kin,
                            Motion::Cruise(cruise),
                            rng,
                        );
                    }
                }
                GroupConfig::Drones(g) => population.drones(seed, name, g, groups),
                GroupConfig::Swarm(g) => population.swarm(seed, name, g),
                GroupConfig::Birds(g) => population.birds(seed, name, g),
                GroupConfig::Aircraft(g) => population.aircraft(seed, name, g),
            }
            for target in &mut population.targets[before..] {
                // Spawns happen on tick boundaries so motion is integrated on one grid.
                target.spawn_us = (target.spawn_us + tick_us - 1) / tick_us * tick_us;
            }
        }
        population
    }

    #[allow(clippy::too_many_arguments)] // one call site per group kind; a struct would only rename them
    fn push(
        &mut self,
        group: &str,
        index: usize,
        role: Option<RoleConfig>,
        signature: Signature,
        spawn_us: i64,
        kin: Kinematics,
        motion: Motion,
        rng: SimRng,
    ) -> &mut Target {
        self.targets.push(Target {
            id: format!("{group}-{index}"),
            role,
            signature,
            spawn_us,
            life: Life::Waiting,
            kin,
            motion,
            rng,
            broadcast: None,
        });
        self.targets.last_mut().expect("just pushed")
    }

    fn drones(
        &mut self,
        seed: u64,
        name: &str,
        g: &DroneGroup,
        groups: &BTreeMap<String, GroupConfig>,
    ) {
        for i in 0..g.count {
            let mut rng = stream(seed, Purpose::Target, target_key(name, i), 0);
            let spawn_us = seconds_to_us(uniform(&mut rng, g.spawn_s));
            let (kin, pilot) = drone_flight(g, &mut rng);
            let mut signature = drone_signature(g.rcs_m2, g.span_m, g.emitting_fraction, &mut rng);
            let mut broadcast = None;
            if g.remote_id {
                // A cloner broadcasts the serial of a drone of another group: one serial heard
                // in two places.
                let cloned =
                    g.clone_serials_of
                        .as_ref()
                        .and_then(|other| match groups.get(other) {
                            Some(GroupConfig::Drones(o)) if o.count > 0 => {
                                Some(rid_serial(seed, other, i % o.count))
                            }
                            _ => None,
                        });
                let serial = cloned.clone().unwrap_or_else(|| rid_serial(seed, name, i));
                signature.identity = Some(Identity::RemoteId(serial));
                let period_us = seconds_to_us(g.rid_period_s);
                broadcast = Some(Schedule {
                    period_us,
                    offset_us: rng.random_range(0..period_us.max(1)),
                });
                if rng.random::<f64>() < g.spoofed_fraction {
                    let a = uniform(&mut rng, [0.0, TAU]);
                    let d = uniform(&mut rng, g.spoof_offset_m);
                    signature.spoof_offset_m = Some([d * a.cos(), d * a.sin(), 0.0]);
                } else if cloned.is_some() {
                    // The position is honest, the identity is not: still a forged broadcast.
                    signature.spoof_offset_m = Some([0.0; 3]);
                }
                if g.role == RoleConfig::Authorized {
                    let identity = signature.identity.clone().expect("set above");
                    self.authorized.push((identity, g.authorized_zones.clone()));
                }
            }
            let target = self.push(
                name,
                i,
                Some(g.role),
                signature,
                spawn_us,
                kin,
                Motion::Pilot(pilot),
                rng,
            );
            target.broadcast = broadcast;
        }
    }

    fn swarm(&mut self, seed: u64, name: &str, g: &SwarmGroup) {
        let mut rng = stream(seed, Purpose::Group, target_key(name, 0), 0);
        let spawn_us = seconds_to_us(uniform(&mut rng, g.spawn_s));
        let first = g
            .destinations_m
            .first()
            .copied()
            .unwrap_or([0.0, 0.0, 60.0]);
        let a = uniform(&mut rng, [0.0, TAU]);
        let d = uniform(&mut rng, g.range_m);
        let alt = uniform(&mut rng, g.alt_m);
        let speed = uniform(&mut rng, g.speed_mps);
        let start = [first[0] + d * a.cos(), first[1] + d * a.sin(), alt];
        let mut pilot = Pilot::new(approach_legs(start, first, speed, alt, &mut rng));
        pilot.alternates = g.destinations_m.iter().skip(1).copied().collect();
        let vel = scale(
            sub(first, start),
            speed / norm_h(sub(first, start)).max(1.0),
        );
        let leader = Kinematics {
            pos: start,
            vel: [vel[0], vel[1], 0.0],
        };
        let formation = Formation {
            leaders: vec![Motion::Pilot(pilot)],
            leader_kin: vec![leader],
            slot_leader: vec![0; g.count],
            age_s: 0.0,
            split_at_s: (g.destinations_m.len() > 1).then(|| uniform(&mut rng, g.split_after_s)),
            // One split per extra destination, 20–40 s apart.
            splits_left: g.destinations_m.len().saturating_sub(2),
            split_gap_s: [20.0, 40.0],
            spawn_us,
            done: vec![false],
        };
        let f = self.formations.len();
        let cols = (g.count as f64).sqrt().ceil().max(1.0) as usize;
        for i in 0..g.count {
            let mut member_rng = stream(seed, Purpose::Target, target_key(name, i), 0);
            let jitter = [
                gauss(&mut member_rng),
                gauss(&mut member_rng),
                gauss(&mut member_rng),
            ];
            let grid = [
                (i % cols) as f64 - 0.5 * cols as f64,
                (i / cols) as f64 - 0.5 * cols as f64,
                0.0,
            ];
            let home_m = [0, 1, 2].map(|k| g.spacing_m * (grid[k] + 0.2 * jitter[k]));
            let signature =
                drone_signature(g.rcs_m2, g.span_m, g.emitting_fraction, &mut member_rng);
            let member = Member {
                formation: f,
                slot: i,
                home_m,
                offset_m: home_m,
                offset_vel: [0.0; 3],
                jitter: 0.3,
            };
            let kin = Kinematics {
                pos: add(start, home_m),
                vel: leader.vel,
            };
            self.push(
                name,
                i,
                Some(g.role),
                signature,
                spawn_us,
                kin,
                Motion::Member(member),
                member_rng,
            );
        }
        self.formations.push((formation, rng));
    }

    fn birds(&mut self, seed: u64, name: &str, g: &BirdGroup) {
        let mut index = 0;
        for flock in 0..g.flocks {
            let mut rng = stream(seed, Purpose::Group, target_key(name, flock), 0);
            let (wander, leader) =
                Wander::start(g.center_m, g.radius_m, g.alt_m, g.speed_mps, &mut rng);
            let size = rng.random_range(g.flock_size[0]..=g.flock_size[1].max(g.flock_size[0]));
            // Exponential waiting time: splits happen at a constant rate.
            let split_at_s =
                (g.split_mean_s > 0.0).then(|| -g.split_mean_s * (1.0 - rng.random::<f64>()).ln());
            let f = self.formations.len();
            let spread_m = 2.0 * (size as f64).sqrt() + 2.0;
            for slot in 0..size {
                let mut bird_rng = stream(seed, Purpose::Target, target_key(name, index), 0);
                let home_m = [
                    gauss(&mut bird_rng) * spread_m,
                    gauss(&mut bird_rng) * spread_m,
                    gauss(&mut bird_rng) * 2.0,
                ];
                let signature = bird_signature(g, &mut bird_rng);
                let member = Member {
                    formation: f,
                    slot,
                    home_m,
                    offset_m: home_m,
                    offset_vel: [0.0; 3],
                    jitter: 0.5,
                };
                let kin = Kinematics {
                    pos: add(leader.pos, home_m),
                    vel: leader.vel,
                };
                let role = Some(RoleConfig::Neutral);
                self.push(
                    name,
                    index,
                    role,
                    signature,
                    0,
                    kin,
                    Motion::Member(member),
                    bird_rng,
                );
                index += 1;
            }
            let formation = Formation {
                leaders: vec![Motion::Wander(wander)],
                leader_kin: vec![leader],
                slot_leader: vec![0; size],
                age_s: 0.0,
                split_at_s,
                splits_left: 0,
                split_gap_s: [0.0, 0.0],
                spawn_us: 0,
                done: vec![false],
            };
            self.formations.push((formation, rng));
        }
        for _ in 0..g.singles {
            let mut rng = stream(seed, Purpose::Target, target_key(name, index), 0);
            let (wander, kin) =
                Wander::start(g.center_m, g.radius_m, g.alt_m, g.speed_mps, &mut rng);
            let signature = bird_signature(g, &mut rng);
            self.push(
                name,
                index,
                Some(RoleConfig::Neutral),
                signature,
                0,
                kin,
                Motion::Wander(wander),
                rng,
            );
            index += 1;
        }
    }

    fn aircraft(&mut self, seed: u64, name: &str, g: &AircraftGroup) {
        for i in 0..g.count {
            let mut rng = stream(seed, Purpose::Target, target_key(name, i), 0);
            let spawn_us = seconds_to_us(uniform(&mut rng, g.spawn_s));
            let [p0, p1] = g.path_m;
            let (dx, dy) = (p1[0] - p0[0], p1[1] - p0[1]);
            let length = dx.hypot(dy).max(1.0);
            let (ux, uy) = (dx / length, dy / length);
            let lateral = uniform(&mut rng, [-g.lateral_m, g.lateral_m]);
            let speed = uniform(&mut rng, g.speed_mps);
            let pos = [
                p0[0] - uy * lateral,
                p0[1] + ux * lateral,
                uniform(&mut rng, g.alt_m),
            ];
            let vel = [ux * speed, uy * speed, uniform(&mut rng, g.climb_mps)];
            let icao = rng.random_range(0x00_0001..0xFF_FFFF_u32);
            let signature = Signature {
                class: Some(Class::Aircraft),
                rcs_m2: log_uniform(&mut rng, g.rcs_m2),
                span_m: g.span_m,
                emitting: false,
                identity: (g.adsb_period_s > 0.0).then_some(Identity::Icao(icao)),
                spoof_offset_m: None,
            };
            let broadcast = (g.adsb_period_s > 0.0).then(|| {
                let period_us = seconds_to_us(g.adsb_period_s);
                Schedule {
                    period_us,
                    offset_us: rng.random_range(0..period_us.max(1)),
                }
            });
            if let (Some(identity), false) = (&signature.identity, g.authorized_zones.is_empty()) {
                self.authorized
                    .push((identity.clone(), g.authorized_zones.clone()));
            }
            let motion = Motion::Straight {
                remaining_s: length / speed,
            };
            let kin = Kinematics { pos, vel };
            let target = self.push(
                name,
                i,
                Some(RoleConfig::Neutral),
                signature,
                spawn_us,
                kin,
                motion,
                rng,
            );
            target.broadcast = broadcast;
        }
    }
}

fn log_uniform(rng: &mut SimRng, range: [f64; 2]) -> f64 {
    uniform(rng, [range[0].max(1e-9).ln(), range[1].max(1e-9).ln()]).exp()
}

fn drone_signature(
    rcs_m2: [f64; 2],
    span_m: f64,
    emitting_fraction: f64,
    rng: &mut SimRng,
) -> Signature {
    Signature {
        class: Some(Class::Drone),
        rcs_m2: log_uniform(rng, rcs_m2),
        span_m,
        emitting: rng.random::<f64>() < emitting_fraction,
        identity: None,
        spoof_offset_m: None,
    }
}

fn bird_signature(g: &BirdGroup, rng: &mut SimRng) -> Signature {
    Signature {
        class: Some(Class::Bird),
        rcs_m2: log_uniform(rng, g.rcs_m2),
        span_m: g.span_m,
        ..Default::default()
    }
}

/// The Remote ID serial of drone `index` of `group`, in the ANSI/CTA-2063-A shape: a
/// 4-character manufacturer code, a length character, then the manufacturer's serial (here
/// 12 characters). It has its own stream so other groups can compute it (cloned serials).
fn rid_serial(seed: u64, group: &str, index: usize) -> String {
    let rng = &mut stream(seed, Purpose::Group, target_key(group, index), 1);
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"; // no I or O, as the standard says
    let mut serial = String::from("1596C");
    for _ in 0..12 {
        serial.push(CHARS[rng.random_range(0..CHARS.len())] as char);
    }
    serial
}

/// Fly in via a dog-leg (with a change of altitude) to `to`, hover over it, dash off, leave.
fn approach_legs(start: V3, to: V3, speed_mps: f64, alt_m: f64, rng: &mut SimRng) -> Vec<Leg> {
    let mid = scale(add(start, to), 0.5);
    let along = sub(to, start);
    let side = uniform(rng, [-0.25, 0.25]);
    let dogleg = [
        mid[0] - along[1] * side,
        mid[1] + along[0] * side,
        (alt_m + uniform(rng, [-40.0, 40.0])).max(15.0),
    ];
    let away = uniform(rng, [0.0, TAU]);
    let dash = uniform(rng, [18.0, 30.0]);
    vec![
        Leg::Goto {
            to: dogleg,
            speed_mps,
        },
        Leg::Goto { to, speed_mps },
        Leg::Hover {
            duration_s: uniform(rng, [10.0, 60.0]),
        },
        Leg::Dash {
            velocity: [dash * away.cos(), dash * away.sin(), 1.0],
            duration_s: 90.0,
        },
        Leg::Exit,
    ]
}

/// Start state and flight plan of one drone of `g`.
fn drone_flight(g: &DroneGroup, rng: &mut SimRng) -> (Kinematics, Pilot) {
    let mission = match g.mission {
        Mission::Mixed => [
            Mission::Approach,
            Mission::Loiter,
            Mission::Orbit,
            Mission::Hover,
            Mission::Dash,
        ][rng.random_range(0..5)],
        m => m,
    };
    let alt = uniform(rng, g.alt_m);
    let speed = uniform(rng, g.speed_mps);
    let a = uniform(rng, [0.0, TAU]);
    let d = uniform(rng, g.range_m);
    let c = g.center_m;
    let forever = 1e9;
    let (pos, legs) = match mission {
        Mission::Approach | Mission::Mixed => {
            let to = if g.destinations_m.is_empty() {
                c
            } else {
                g.destinations_m[rng.random_range(0..g.destinations_m.len())]
            };
            let start = [to[0] + d * a.cos(), to[1] + d * a.sin(), alt];
            (start, approach_legs(start, to, speed, alt, rng))
        }
        Mission::Loiter => {
            let center = [c[0], c[1], alt];
            let start = [c[0] + d * a.cos(), c[1] + d * a.sin(), alt];
            (
                start,
                vec![Leg::Loiter {
                    center,
                    radius_m: g.range_m[1],
                    speed_mps: speed,
                    duration_s: forever,
                }],
            )
        }
        Mission::Orbit => {
            let direction = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
            let center = [c[0], c[1], alt];
            let start = [c[0] + d * a.cos(), c[1] + d * a.sin(), alt];
            (
                start,
                vec![Leg::Orbit {
                    center,
                    radius_m: d,
                    speed_mps: speed,
                    direction,
                    duration_s: forever,
                }],
            )
        }
        Mission::Hover => {
            // Hover, change altitude, hover again: the vertical moves of a filming drone.
            let start = [c[0] + d * a.cos(), c[1] + d * a.sin(), alt];
            let mut legs = Vec::new();
            for _ in 0..8 {
                legs.push(Leg::Hover {
                    duration_s: uniform(rng, [20.0, 90.0]),
                });
                let z = uniform(rng, g.alt_m);
                legs.push(Leg::Goto {
                    to: [start[0], start[1], z],
                    speed_mps: 4.0,
                });
            }
            legs.push(Leg::Hover {
                duration_s: forever,
            });
            (start, legs)
        }
        Mission::Dash => {
            let start = [c[0] + d * a.cos(), c[1] + d * a.sin(), alt];
            let aim = a + std::f64::consts::PI + uniform(rng, [-0.3, 0.3]);
            let v = uniform(rng, [speed.max(18.0), 30.0]);
            let velocity = [v * aim.cos(), v * aim.sin(), uniform(rng, [-1.0, 1.0])];
            (
                start,
                vec![
                    Leg::Dash {
                        velocity,
                        duration_s: 2.0 * d / v,
                    },
                    Leg::Exit,
                ],
            )
        }
    };
    let first_vel = match legs.first() {
        Some(Leg::Goto { to, speed_mps }) => scale(
            sub(*to, pos),
            speed_mps / crate::kin::norm(sub(*to, pos)).max(1.0),
        ),
        Some(Leg::Dash { velocity, .. }) => *velocity,
        _ => [0.0; 3],
    };
    (
        Kinematics {
            pos,
            vel: first_vel,
        },
        Pilot::new(legs),
    )
}
