//! Sensor models. Each turns true target states into plain [`Measurement`]s (no file format
//! here): the JSON Lines writer is one consumer, and wire-format encoders (ASTERIX, Remote ID,
//! Beast) can be others.
//!
//! Scanning sensors (radar, RF direction finder, camera, the generic Cartesian sensor) look at
//! every target at each scan; receivers (Remote ID, ADS-B) hear the targets' own broadcasts at
//! the targets' broadcast times.

mod camera;
mod generic;
mod radar;
mod receiver;
mod rf;

pub use camera::Camera;
pub use generic::Generic;
pub use radar::Radar;
pub use receiver::Receiver;
pub use rf::DirectionFinder;

use crate::config::SensorConfig;
use crate::kin::{Kinematics, V3};
use crate::streams::SimRng;
use picket_core::{Class, ClassProbs, Identity};

/// What a target shows to sensors, besides where it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Signature {
    /// True class (`None` for the harness's anonymous targets).
    pub class: Option<Class>,
    /// Radar cross-section, m².
    pub rcs_m2: f64,
    /// Size across, metres.
    pub span_m: f64,
    /// Has an RF control link a direction finder hears.
    pub emitting: bool,
    /// Broadcast identity (Remote ID serial or ICAO address).
    pub identity: Option<Identity>,
    /// Offset added to the broadcast position when it is forged, metres.
    pub spoof_offset_m: Option<V3>,
}

/// A target as a sensor sees it at one instant.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    /// Index of the target in the simulation.
    pub index: usize,
    /// True state at the measurement time.
    pub kin: Kinematics,
    /// How it shows.
    pub signature: &'a Signature,
}

/// The measured quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// A position with isotropic noise.
    Cartesian {
        /// Position, metres.
        pos_m: V3,
        /// 1-sigma per axis, metres.
        sigma_m: f64,
    },
    /// Range, azimuth (clockwise from north, [0, 2π)) and elevation from the sensor.
    Polar {
        /// Range, metres.
        range_m: f64,
        /// Azimuth, radians.
        az_rad: f64,
        /// Elevation, radians.
        el_rad: f64,
        /// Range noise, metres.
        sigma_range_m: f64,
        /// Azimuth noise, radians.
        sigma_az_rad: f64,
        /// Elevation noise, radians.
        sigma_el_rad: f64,
    },
    /// A bearing, and an elevation when the sensor measures one.
    Bearing {
        /// Azimuth, radians, [0, 2π).
        az_rad: f64,
        /// Azimuth noise, radians.
        sigma_az_rad: f64,
        /// Elevation and its noise, radians.
        el_rad: Option<(f64, f64)>,
    },
}

/// Where a measurement came from: ground truth kept for tests and scoring, never written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A target (the index of the first of the targets merged into it).
    Target(usize),
    /// A false alarm.
    Clutter,
}

/// One measurement by one sensor.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Time, microseconds of scenario time.
    pub t_us: i64,
    /// Index of the sensor.
    pub sensor: usize,
    /// What was measured.
    pub shape: Shape,
    /// Radial velocity (positive away) and its noise, m/s.
    pub radial_velocity: Option<(f64, f64)>,
    /// Identity heard.
    pub identity: Option<Identity>,
    /// Class likelihoods.
    pub class: Option<ClassProbs>,
    /// Truth of the measurement's origin.
    pub source: Source,
}

/// Any sensor.
#[derive(Debug, Clone)]
pub enum Model {
    /// Cartesian box sensor.
    Generic(Generic),
    /// Scanning radar.
    Radar(Radar),
    /// RF direction finder.
    Rf(DirectionFinder),
    /// Remote ID receiver.
    RemoteId(Receiver),
    /// ADS-B receiver.
    Adsb(Receiver),
    /// EO/IR camera.
    Camera(Camera),
}

impl Model {
    /// The model for a configured sensor.
    pub fn new(config: &SensorConfig) -> Model {
        match config {
            SensorConfig::Generic(c) => Model::Generic(Generic::new(c)),
            SensorConfig::Radar(c) => Model::Radar(Radar::new(c)),
            SensorConfig::Rf(c) => Model::Rf(DirectionFinder::new(c)),
            SensorConfig::Remoteid(c) => Model::RemoteId(Receiver::new(c)),
            SensorConfig::Adsb(c) => Model::Adsb(Receiver::new(c)),
            SensorConfig::Camera(c) => Model::Camera(Camera::new(c)),
        }
    }

    /// The scan period and first scan time (microseconds) of a scanning sensor.
    pub fn scan_schedule(&self) -> Option<(i64, i64)> {
        let (period, offset) = match self {
            Model::Generic(s) => (s.config.period_s, s.config.offset_s),
            Model::Radar(s) => (s.config.period_s, s.config.offset_s),
            Model::Rf(s) => (s.config.period_s, s.config.offset_s),
            Model::Camera(s) => (s.config.period_s, s.config.offset_s),
            Model::RemoteId(_) | Model::Adsb(_) => return None,
        };
        Some((crate::seconds_to_us(period), crate::seconds_to_us(offset)))
    }

    /// One scan at `t_us` of the targets in `seen`: measurement noise from `measure[target]`,
    /// clutter and the shuffle from `own`. Appends to `out`.
    pub fn scan(
        &self,
        scan: Scan<'_>,
        measure: &mut [SimRng],
        own: &mut SimRng,
        out: &mut Vec<Measurement>,
    ) {
        match self {
            Model::Generic(s) => s.scan(scan, measure, own, out),
            Model::Radar(s) => s.scan(scan, measure, own, out),
            Model::Rf(s) => s.scan(scan, measure, own, out),
            Model::Camera(s) => s.scan(scan, measure, own, out),
            Model::RemoteId(_) | Model::Adsb(_) => {}
        }
    }
}

/// The context of one scan.
#[derive(Debug, Clone, Copy)]
pub struct Scan<'a> {
    /// Scan time, microseconds.
    pub t_us: i64,
    /// Index of the scanning sensor.
    pub sensor: usize,
    /// The targets alive at the scan, with their states at the scan time.
    pub targets: &'a [Seen<'a>],
}

/// An angle wrapped to [0, 2π).
pub fn wrap_tau(a: f64) -> f64 {
    let w = a.rem_euclid(std::f64::consts::TAU);
    // rem_euclid can return TAU itself for tiny negative inputs.
    if w >= std::f64::consts::TAU { 0.0 } else { w }
}
