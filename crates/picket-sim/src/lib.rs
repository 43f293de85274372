//! picket's scenario simulator: seeded, deterministic counter-drone scenarios.
//!
//! A [`SimConfig`] (usually a named preset from [`presets`], adjusted from a TOML file or
//! `key=value` overrides) describes the site's sensors, zones and groups of targets: small
//! drones flying missions, swarms, birds in flocks that split, manned aircraft, cooperative
//! drones broadcasting Remote ID, spoofers. A [`Simulation`] moves the targets on a fixed tick
//! and asks each sensor model for plain [`sensors::Measurement`]s; [`write_jsonl`] writes the
//! scenario file of `formats/scenario.md` through `picket_scenario::Writer`.
//!
//! Same configuration and seed give the same bytes. Each target, sensor and (sensor, target)
//! pair draws from its own ChaCha stream derived from the seed ([`streams`]), so adding a
//! target or a sensor does not change what the others do. No clock, no IO: output goes to the
//! `Write` the caller passes.
//!
//! Presets: `stonesoup-box` (the Stone Soup harness's Cartesian generator: N targets in a
//! 10 km box, 1 Hz, Pd, Poisson clutter, σ), `site-defense` (radar, RF direction finder,
//! Remote ID and ADS-B receivers and an EO/IR camera around two protected assets; inbound
//! hostile drones, recon orbits, hobby and whitelisted cooperative drones, birds, corridor
//! aircraft), `swarm`, `birds` and `spoofing` (forged Remote ID positions and cloned serials).
//! `picket sim --print-config` shows every parameter of a preset as TOML.
//!
//! ```
//! use picket_sim::{Simulation, presets, write_jsonl};
//! let mut config = presets::preset("stonesoup-box").unwrap();
//! config.duration_s = 3.0;
//! let mut sim = Simulation::new(config, 7).unwrap();
//! let mut out = Vec::new();
//! write_jsonl(&mut sim, &mut out, |_| {}).unwrap();
//! let text = String::from_utf8(out).unwrap();
//! let scenario = picket_scenario::Scenario::read(text.as_bytes(), "sim").unwrap();
//! assert_eq!(scenario.truth.len(), 3 * 10); // 10 targets, truth every second
//! ```

pub mod config;
mod jsonl;
pub mod kin;
pub mod motion;
pub mod population;
pub mod presets;
pub mod sensors;
pub mod streams;
mod validate;

pub use config::{ConfigError, SimConfig};
pub use jsonl::{SimWriteError, write_jsonl};

use kin::Kinematics;
use motion::{Motion, Status};
use picket_core::Identity;
use population::{Life, Population, Target};
use sensors::{Measurement, Model, Seen};
use streams::{Purpose, SimRng, stable_hash, stream};

/// Seconds to whole microseconds, the simulator's time base (exact, sortable event times).
pub fn seconds_to_us(seconds: f64) -> i64 {
    (seconds * 1e6).round() as i64
}

/// Microseconds to seconds; `us / 1e6` is the double nearest the decimal time, so times
/// written as 0.3 read back as exactly 0.3.
pub fn us_to_seconds(us: i64) -> f64 {
    us as f64 / 1e6
}

/// A periodic schedule: `offset_us + n * period_us`, n = 0, 1, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Period, microseconds (> 0).
    pub period_us: i64,
    /// First time, microseconds (≥ 0).
    pub offset_us: i64,
}

impl Schedule {
    /// The scheduled times in `[start_us, end_us)`.
    pub fn times(&self, start_us: i64, end_us: i64) -> impl Iterator<Item = i64> + use<> {
        let Schedule {
            period_us,
            offset_us,
        } = *self;
        let first = if start_us <= offset_us {
            0
        } else {
            (start_us - offset_us + period_us - 1) / period_us
        };
        (first..)
            .map(move |n| offset_us + n * period_us)
            .take_while(move |&t| t < end_us)
    }
}

/// A configured sensor with its model and random streams.
#[derive(Debug)]
pub struct SensorSlot {
    /// Sensor id.
    pub id: String,
    /// Its configuration.
    pub config: config::SensorConfig,
    /// Its model.
    pub model: Model,
    scan: Option<Schedule>,
    rng: SimRng,
    measure: Vec<SimRng>,
}

/// The true state of a target at an instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TruthState {
    /// Time, microseconds.
    pub t_us: i64,
    /// Index of the target.
    pub target: usize,
    /// State.
    pub kin: Kinematics,
}

/// Something that happens at one instant: a truth sample or a measurement.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Truth of one target.
    Truth(TruthState),
    /// A measurement.
    Measurement(Measurement),
}

impl Event {
    /// When it happens, microseconds.
    pub fn t_us(&self) -> i64 {
        match self {
            Event::Truth(t) => t.t_us,
            Event::Measurement(m) => m.t_us,
        }
    }
}

/// A running simulation: call [`Simulation::next_frame`] until it returns `false`.
#[derive(Debug)]
pub struct Simulation {
    config: SimConfig,
    seed: u64,
    tick_us: i64,
    duration_us: i64,
    tick: i64,
    population: Population,
    sensors: Vec<SensorSlot>,
    truth: Vec<Schedule>,
}

impl Simulation {
    /// A simulation of `config` with `seed`, after checking the configuration.
    pub fn new(config: SimConfig, seed: u64) -> Result<Self, ConfigError> {
        validate::check(&config)?;
        let tick_us = seconds_to_us(config.tick_s);
        let mut population = Population::build(seed, &config.groups, tick_us);
        for (formation, _) in &mut population.formations {
            formation.spawn_us = (formation.spawn_us + tick_us - 1) / tick_us * tick_us;
        }
        let keys: Vec<u64> = population
            .targets
            .iter()
            .map(|t| stable_hash(&t.id))
            .collect();
        let sensors: Vec<SensorSlot> = config
            .sensors
            .iter()
            .map(|(id, c)| {
                let model = Model::new(c);
                let key = stable_hash(id);
                SensorSlot {
                    id: id.clone(),
                    config: c.clone(),
                    scan: model
                        .scan_schedule()
                        .map(|(period_us, offset_us)| Schedule {
                            period_us,
                            offset_us,
                        }),
                    model,
                    rng: stream(seed, Purpose::Sensor, key, 0),
                    measure: keys
                        .iter()
                        .map(|&k| stream(seed, Purpose::Measure, key, k))
                        .collect(),
                }
            })
            .collect();
        let truth = if config.truth.at_scans_of.is_empty() {
            vec![Schedule {
                period_us: seconds_to_us(config.truth.period_s),
                offset_us: seconds_to_us(config.truth.offset_s),
            }]
        } else {
            sensors
                .iter()
                .filter(|s| config.truth.at_scans_of.contains(&s.id))
                .filter_map(|s| s.scan)
                .collect()
        };
        let duration_us = seconds_to_us(config.duration_s);
        Ok(Self {
            config,
            seed,
            tick_us,
            duration_us,
            tick: 0,
            population,
            sensors,
            truth,
        })
    }

    /// The configuration it runs.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The seed it runs with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Its targets (index = `Source::Target` and `TruthState::target`).
    pub fn targets(&self) -> &[Target] {
        &self.population.targets
    }

    /// Its sensors (index = `Measurement::sensor`).
    pub fn sensors(&self) -> &[SensorSlot] {
        &self.sensors
    }

    /// Authorized identities and the zones they may use.
    pub fn authorized(&self) -> &[(Identity, Vec<String>)] {
        &self.population.authorized
    }

    /// Fraction of the run done, 0 to 1.
    pub fn progress(&self) -> f64 {
        (self.tick * self.tick_us) as f64 / self.duration_us.max(1) as f64
    }

    /// Fills `events` with everything in the next tick, sorted by time (truth before
    /// measurements at equal times, then sensors in id order), and advances the targets.
    /// Returns `false` once the run is over.
    pub fn next_frame(&mut self, events: &mut Vec<Event>) -> bool {
        events.clear();
        let start_us = self.tick * self.tick_us;
        if start_us >= self.duration_us {
            return false;
        }
        let end_us = (start_us + self.tick_us).min(self.duration_us);
        for target in &mut self.population.targets {
            if target.life == Life::Waiting && target.spawn_us <= start_us {
                target.life = Life::Alive;
            }
        }
        self.truth_events(start_us, end_us, events);
        self.scan_events(start_us, end_us, events);
        self.broadcast_events(start_us, end_us, events);
        // Stable: equal times keep the order above.
        events.sort_by_key(Event::t_us);
        self.advance(start_us);
        self.tick += 1;
        true
    }

    fn seen_at(&self, start_us: i64, t_us: i64) -> Vec<Seen<'_>> {
        let dt_s = us_to_seconds(t_us - start_us);
        let targets = &self.population.targets;
        let alive = targets
            .iter()
            .enumerate()
            .filter(|(_, t)| t.life == Life::Alive);
        alive
            .map(|(index, t)| Seen {
                index,
                kin: t.kin.extrapolate(dt_s),
                signature: &t.signature,
            })
            .collect()
    }

    fn truth_events(&self, start_us: i64, end_us: i64, events: &mut Vec<Event>) {
        let mut times: Vec<i64> = self
            .truth
            .iter()
            .flat_map(|s| s.times(start_us, end_us))
            .collect();
        times.sort_unstable();
        times.dedup();
        for t_us in times {
            for seen in self.seen_at(start_us, t_us) {
                events.push(Event::Truth(TruthState {
                    t_us,
                    target: seen.index,
                    kin: seen.kin,
                }));
            }
        }
    }

    fn scan_events(&mut self, start_us: i64, end_us: i64, events: &mut Vec<Event>) {
        let mut out = Vec::new();
        for s in 0..self.sensors.len() {
            let Some(schedule) = self.sensors[s].scan else {
                continue;
            };
            for t_us in schedule.times(start_us, end_us) {
                // Built per scan: the view borrows the targets while the sensor's streams are
                // borrowed mutably, and they live in different fields.
                let dt_s = us_to_seconds(t_us - start_us);
                let targets = &self.population.targets;
                let seen: Vec<Seen<'_>> = targets
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.life == Life::Alive)
                    .map(|(index, t)| Seen {
                        index,
                        kin: t.kin.extrapolate(dt_s),
                        signature: &t.signature,
                    })
                    .collect();
                let slot = &mut self.sensors[s];
                let scan = sensors::Scan {
                    t_us,
                    sensor: s,
                    targets: &seen,
                };
                slot.model
                    .scan(scan, &mut slot.measure, &mut slot.rng, &mut out);
                events.extend(out.drain(..).map(Event::Measurement));
            }
        }
    }

    fn broadcast_events(&mut self, start_us: i64, end_us: i64, events: &mut Vec<Event>) {
        let targets = &self.population.targets;
        for (index, target) in targets.iter().enumerate() {
            let (Some(schedule), Life::Alive) = (target.broadcast, target.life) else {
                continue;
            };
            for t_us in schedule.times(start_us, end_us) {
                let seen = Seen {
                    index,
                    kin: target.kin.extrapolate(us_to_seconds(t_us - start_us)),
                    signature: &target.signature,
                };
                for (s, slot) in self.sensors.iter_mut().enumerate() {
                    let receiver = match (&slot.model, &target.signature.identity) {
                        (Model::RemoteId(r), Some(Identity::RemoteId(_))) => r,
                        (Model::Adsb(r), Some(Identity::Icao(_))) => r,
                        _ => continue,
                    };
                    if let Some(m) = receiver.receive(t_us, s, &seen, &mut slot.measure[index]) {
                        events.push(Event::Measurement(m));
                    }
                }
            }
        }
    }

    /// Moves every spawned formation and live target one tick on.
    fn advance(&mut self, start_us: i64) {
        let h_s = us_to_seconds(self.tick_us);
        for (formation, rng) in &mut self.population.formations {
            if formation.spawn_us <= start_us {
                formation.step(h_s, rng);
            }
        }
        let formations = &self.population.formations;
        for target in &mut self.population.targets {
            if target.life != Life::Alive {
                continue;
            }
            let status = match &mut target.motion {
                Motion::Member(member) => {
                    let formation = &formations[member.formation].0;
                    let leader = formation.slot_leader[member.slot];
                    member.step(
                        &formation.leader_kin[leader],
                        &mut target.kin,
                        h_s,
                        &mut target.rng,
                    );
                    if formation.done[leader] {
                        Status::Done
                    } else {
                        Status::Flying
                    }
                }
                motion => motion.step(&mut target.kin, h_s, &mut target.rng),
            };
            if status == Status::Done {
                target.life = Life::Gone;
            }
        }
    }
}
