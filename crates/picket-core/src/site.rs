//! [`Site`]: one protected site: its local frame, its sensors and its zones.

use crate::{Enu, Geodetic, LocalFrame, Measurement, Report, SensorId, Velocity, Zone};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What kind of sensor a sensor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensorKind {
    /// A radar: range, azimuth, elevation, often radial velocity.
    Radar,
    /// An RF direction finder: bearings to emitting drones.
    Rf,
    /// A Remote ID receiver: the drone's self-reported position and identity.
    #[serde(rename = "remoteid")]
    RemoteId,
    /// An ADS-B receiver: aircraft self-reported positions with ICAO addresses.
    Adsb,
    /// An EO/IR camera: accurate bearing and elevation in its field of view.
    Camera,
    /// An acoustic array: bearings.
    Acoustic,
    /// Anything else that reports positions.
    Generic,
}

impl SensorKind {
    /// The lowercase name used in files and configuration.
    pub const fn as_str(self) -> &'static str {
        match self {
            SensorKind::Radar => "radar",
            SensorKind::Rf => "rf",
            SensorKind::RemoteId => "remoteid",
            SensorKind::Adsb => "adsb",
            SensorKind::Camera => "camera",
            SensorKind::Acoustic => "acoustic",
            SensorKind::Generic => "generic",
        }
    }
}

impl fmt::Display for SensorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for an unknown sensor kind name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown sensor kind {0:?}: expected radar, rf, remoteid, adsb, camera, acoustic or generic"
)]
pub struct UnknownSensorKind(pub String);

impl FromStr for SensorKind {
    type Err = UnknownSensorKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "radar" => SensorKind::Radar,
            "rf" => SensorKind::Rf,
            "remoteid" => SensorKind::RemoteId,
            "adsb" => SensorKind::Adsb,
            "camera" => SensorKind::Camera,
            "acoustic" => SensorKind::Acoustic,
            "generic" => SensorKind::Generic,
            _ => return Err(UnknownSensorKind(s.to_owned())),
        })
    }
}

/// A sensor of the site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensor {
    /// Index in the site's sensor table.
    pub id: SensorId,
    /// Configured name, unique within the site (e.g. `radar-1`).
    pub name: String,
    /// What it measures.
    pub kind: SensorKind,
    /// Where it stands in the site frame, metres. Polar and bearing reports are relative to it.
    pub position: Enu,
}

/// A protected site.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Site id (e.g. `lhr-north`).
    pub id: String,
    frame: LocalFrame,
    sensors: Vec<Sensor>,
    /// The site's zones.
    pub zones: Vec<Zone>,
}

impl Site {
    /// A site with no sensors and no zones, whose local frame is anchored at `origin`.
    pub fn new(id: impl Into<String>, origin: Geodetic) -> Self {
        Self {
            id: id.into(),
            frame: LocalFrame::new(origin),
            sensors: Vec::new(),
            zones: Vec::new(),
        }
    }

    /// The site's local frame.
    pub fn frame(&self) -> &LocalFrame {
        &self.frame
    }

    /// Adds a sensor and returns its id; a sensor of the same name is replaced in place.
    pub fn add_sensor(
        &mut self,
        name: impl Into<String>,
        kind: SensorKind,
        position: Enu,
    ) -> SensorId {
        let name = name.into();
        if let Some(s) = self.sensors.iter_mut().find(|s| s.name == name) {
            s.kind = kind;
            s.position = position;
            return s.id;
        }
        let id = SensorId(u16::try_from(self.sensors.len()).expect("more than 65535 sensors"));
        self.sensors.push(Sensor {
            id,
            name,
            kind,
            position,
        });
        id
    }

    /// All sensors, indexed by their id.
    pub fn sensors(&self) -> &[Sensor] {
        &self.sensors
    }

    /// The sensor with this id.
    pub fn sensor(&self, id: SensorId) -> Option<&Sensor> {
        self.sensors.get(usize::from(id.0))
    }

    /// The sensor with this name.
    pub fn sensor_by_name(&self, name: &str) -> Option<&Sensor> {
        self.sensors.iter().find(|s| s.name == name)
    }

    /// Turns a self-reported geodetic measurement into a site-frame position; other
    /// measurements are left as they are. A small site is flat enough that the ENU rotation of
    /// a geodetic sigma is the identity.
    pub fn localize(&self, report: &mut Report) {
        if let Measurement::Geodetic {
            position,
            sigma_h_m,
            sigma_v_m,
        } = report.measurement
        {
            let enu = self.frame.to_enu(&position);
            let (h, v) = (sigma_h_m * sigma_h_m, sigma_v_m * sigma_v_m);
            report.measurement = Measurement::Position {
                position: enu,
                cov_m2: [[h, 0.0, 0.0], [0.0, h, 0.0], [0.0, 0.0, v]],
            };
        }
    }

    /// A velocity given as ground speed, track angle and vertical rate, in site axes.
    pub fn velocity_from_track(
        speed_mps: f64,
        track_rad: f64,
        vertical_mps: f64,
        sigma_mps: f64,
    ) -> Velocity {
        let (s, c) = track_rad.sin_cos();
        Velocity {
            vx: speed_mps * s,
            vy: speed_mps * c,
            vz: vertical_mps,
            sigma_mps,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;

    #[test]
    fn sensors_and_localize() {
        let mut site = Site::new("test", Geodetic::new(51.47, -0.45, 25.0));
        let r = site.add_sensor("radar-1", SensorKind::Radar, Enu::new(0.0, 0.0, 10.0));
        let rid = site.add_sensor("rid-1", SensorKind::RemoteId, Enu::default());
        assert_eq!(r, SensorId(0));
        assert_eq!(rid, SensorId(1));
        assert_eq!(
            site.add_sensor("radar-1", SensorKind::Radar, Enu::default()),
            r
        );
        assert_eq!(
            site.sensor_by_name("rid-1").unwrap().kind,
            SensorKind::RemoteId
        );
        let here = site.frame().to_geodetic(&Enu::new(120.0, -40.0, 60.0));
        let mut report = Report::new(
            rid,
            Timestamp::ZERO,
            Measurement::Geodetic {
                position: here,
                sigma_h_m: 3.0,
                sigma_v_m: 5.0,
            },
        );
        site.localize(&mut report);
        let Measurement::Position { position, cov_m2 } = report.measurement else {
            panic!()
        };
        assert!(position.distance_m(&Enu::new(120.0, -40.0, 60.0)) < 1e-6);
        assert_eq!(cov_m2[2][2], 25.0);
        assert_eq!(
            "remoteid".parse::<SensorKind>().unwrap(),
            SensorKind::RemoteId
        );
    }
}
