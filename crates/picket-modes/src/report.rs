//! Decoded ADS-B positions as [`picket_core::Report`]s.
//!
//! * Position: [`Measurement::Geodetic`]. Horizontal sigma from NACp when the aircraft has
//!   sent it (TC 29/31: the 95 % bound EPU / 2.45, the 95 % radius of a circular normal),
//!   else from the NIC implied by the type code (containment radius Rc / 2.45, a
//!   conservative figure since Rc is an integrity bound), else [`DEFAULT_SIGMA_H_M`].
//! * Height: barometric altitude corrected by the aircraft's last GNSS-minus-baro difference
//!   when known (sigma [`SIGMA_V_GNSS_M`]); uncorrected baro gets [`SIGMA_V_BARO_M`] because
//!   pressure altitude can be hundreds of feet off geometric height.
//! * Velocity: the aircraft's last ground speed, track and vertical rate if heard within
//!   [`VELOCITY_MAX_AGE_S`], as ENU components; sigma from NACv (95 % bound / 1.96).
//! * Identity: [`Identity::Icao`] (a sensor-local object for DF 18 non-ICAO addresses).
//! * Class: strongly "aircraft", or "drone" for emitter category B6 (UAV).
//! * Surface positions carry no altitude: height 0 m (ellipsoid) with [`SIGMA_V_BARO_M`].

use crate::decoded::{AltitudeSource, Decoded};
use crate::decoder::ModeSDecoder;
use picket_core::{
    Class, ClassProbs, Geodetic, Identity, Measurement, Report, SensorId, Site, Timestamp,
};

/// Horizontal sigma when nothing says how good the position is, metres.
pub const DEFAULT_SIGMA_H_M: f64 = 200.0;
/// Vertical sigma of a barometric altitude without a GNSS correction, metres.
pub const SIGMA_V_BARO_M: f64 = 60.0;
/// Vertical sigma of GNSS height (or baro corrected by GNSS-minus-baro), metres.
pub const SIGMA_V_GNSS_M: f64 = 15.0;
/// Velocity sigma when NACv is 0 (unknown), m/s.
pub const DEFAULT_SIGMA_VELOCITY_MPS: f64 = 10.0;
/// A velocity message older than this is not attached to a position, seconds.
pub const VELOCITY_MAX_AGE_S: f64 = 5.0;

const FT_TO_M: f64 = 0.3048;
const KT_TO_MPS: f64 = 1852.0 / 3600.0;
const FPM_TO_MPS: f64 = FT_TO_M / 60.0;

/// 95 % horizontal accuracy bound (EPU) for a NACp, metres (DO-260B Table 2-70).
pub fn nac_p_epu_m(nac_p: u8) -> Option<f64> {
    Some(match nac_p {
        1 => 18_520.0,
        2 => 7_408.0,
        3 => 3_704.0,
        4 => 1_852.0,
        5 => 926.0,
        6 => 555.6,
        7 => 185.2,
        8 => 92.6,
        9 => 30.0,
        10 => 10.0,
        11 => 3.0,
        _ => return None,
    })
}

/// Containment radius Rc for a NIC, metres (DO-260B Table 2-14, supplements 0).
pub fn nic_rc_m(nic: u8) -> Option<f64> {
    Some(match nic {
        1 => 37_040.0,
        2 => 14_816.0,
        3 => 7_408.0,
        4 => 3_704.0,
        5 => 1_852.0,
        6 => 1_111.2,
        7 => 370.4,
        8 => 185.2,
        9 => 75.0,
        10 => 25.0,
        11 => 7.5,
        _ => return None,
    })
}

/// 95 % horizontal velocity bound for a NACv, m/s (DO-260B Table 2-23).
pub fn nac_v_bound_mps(nac_v: u8) -> Option<f64> {
    Some(match nac_v {
        1 => 10.0,
        2 => 3.0,
        3 => 1.0,
        4 => 0.3,
        _ => return None,
    })
}

/// Ratio of a 95 % radius to sigma for a circular bivariate normal.
const R95_PER_SIGMA: f64 = 2.4477;

impl ModeSDecoder {
    /// The report for a decoded frame that carries a resolved position, or `None`. Sensor
    /// time is the receive time: the Beast counter is free-running, not a clock.
    pub fn report(&self, d: &Decoded, sensor: SensorId, received: Timestamp) -> Option<Report> {
        let (lat, lon, icao) = (d.lat?, d.lon?, d.icao?);
        let state = self.aircraft(icao.0);
        let nac_p = d.nac_p.or_else(|| state.and_then(|s| s.nac_p));
        let sigma_h_m = nac_p
            .and_then(nac_p_epu_m)
            .or_else(|| d.nic.and_then(nic_rc_m))
            .map_or(DEFAULT_SIGMA_H_M, |bound| bound / R95_PER_SIGMA);
        let (alt_m, sigma_v_m) = self.height_m(d, state)?;
        let position = Geodetic::new(lat, lon, alt_m);
        let mut report = Report::new(
            sensor,
            received,
            Measurement::Geodetic {
                position,
                sigma_h_m,
                sigma_v_m,
            },
        );
        report.identity = Some(identity(d));
        let uav = state.and_then(|s| s.category).is_some_and(|c| c.is_uav());
        report.class = Some(class_probs(uav));
        if let Some((gs, track, vr, nac_v, t)) = state.and_then(|s| s.velocity)
            && self
                .last_seen_s(icao.0)
                .is_some_and(|now| now - t <= VELOCITY_MAX_AGE_S)
        {
            let sigma = nac_v_bound_mps(nac_v).map_or(DEFAULT_SIGMA_VELOCITY_MPS, |b| b / 1.96);
            let vz = f64::from(vr.unwrap_or(0)) * FPM_TO_MPS;
            report.velocity = Some(Site::velocity_from_track(
                gs * KT_TO_MPS,
                track.to_radians(),
                vz,
                sigma,
            ));
        }
        report.validate().ok()?;
        Some(report)
    }

    fn last_seen_s(&self, icao: u32) -> Option<f64> {
        self.aircraft(icao).map(|s| s.last_seen_s)
    }

    /// Height above the ellipsoid and its sigma, metres.
    fn height_m(&self, d: &Decoded, state: Option<&crate::AircraftState>) -> Option<(f64, f64)> {
        if d.on_ground == Some(true) && d.altitude_ft.is_none() {
            // Surface position: no altitude field. Ground level near the receiver.
            return Some((0.0, SIGMA_V_BARO_M));
        }
        let (alt_ft, baro) = match (d.altitude_ft, d.altitude_source) {
            (Some(a), src) => (a, src != Some(AltitudeSource::Gnss)),
            (None, _) => state?.altitude_ft?,
        };
        let correction = state.and_then(|s| s.geo_minus_baro_ft);
        Some(match (baro, correction) {
            (false, _) => (f64::from(alt_ft) * FT_TO_M, SIGMA_V_GNSS_M),
            (true, Some(c)) => (f64::from(alt_ft + c) * FT_TO_M, SIGMA_V_GNSS_M),
            (true, None) => (f64::from(alt_ft) * FT_TO_M, SIGMA_V_BARO_M),
        })
    }
}

/// The ICAO address, except for DF 18 frames whose address is not an ICAO one (CF 1:
/// anonymous ADS-B; CF 2/3/5: TIS-B track numbers): those name the object only for this
/// sensor.
fn identity(d: &Decoded) -> Identity {
    let icao = d.icao.map_or(0, |i| i.0);
    match (d.df, d.cf) {
        (Some(18), Some(cf)) if cf != 0 && cf != 6 => {
            Identity::SensorObject(format!("df18-cf{cf}:{icao:06x}"))
        }
        _ => Identity::Icao(icao),
    }
}

/// Class likelihoods: an ADS-B transponder is a manned aircraft almost always; a declared UAV
/// (category B6) is a drone.
fn class_probs(uav: bool) -> ClassProbs {
    let mut p = [0.01; 4];
    p[if uav { Class::Drone } else { Class::Aircraft }.index()] = 0.97;
    ClassProbs(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, encode};

    #[test]
    fn declared_uav_is_a_drone_and_velocity_is_attached() {
        let mut decoder = ModeSDecoder::default();
        let uav = Category {
            set: 'B',
            number: 6,
        };
        let t = Timestamp::from_secs(100.0).unwrap();
        decoder.decode(
            &encode::identification(0xABC123, uav, "DRONE1").unwrap(),
            0.0,
        );
        let v = encode::airborne_velocity(0xABC123, 20.0, 90.0, -128.0, true, 2).unwrap();
        decoder.decode(&v, 0.5);
        let [even, odd] = encode::airborne_position_pair(0xABC123, 51.47, -0.45, 400).unwrap();
        let first = decoder.decode(&even, 1.0);
        assert!(decoder.report(&first, SensorId(1), t).is_none());
        let d = decoder.decode(&odd, 2.0);
        let r = decoder.report(&d, SensorId(1), t).unwrap();
        assert_eq!(r.class.unwrap().get(Class::Drone), 0.97);
        assert_eq!(r.identity, Some(Identity::Icao(0xABC123)));
        let vel = r.velocity.unwrap();
        assert!((vel.vx - 20.0 * KT_TO_MPS).abs() < 0.3 && vel.vy.abs() < 0.3);
        assert!((vel.vz - -128.0 * FPM_TO_MPS).abs() < 0.2);
        assert!((vel.sigma_mps - 3.0 / 1.96).abs() < 1e-9);
        // Type code 11 is NIC 8 (Rc 185.2 m) when no NACp was heard.
        let Measurement::Geodetic { sigma_h_m, .. } = r.measurement else {
            panic!("{r:?}")
        };
        assert!((sigma_h_m - 185.2 / R95_PER_SIGMA).abs() < 1e-9);
    }
}
