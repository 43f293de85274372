//! UTM on WGS84, for SAPIENT locations given as `LOCATION_COORDINATE_SYSTEM_UTM_M`.
//!
//! Snyder's transverse Mercator series (USGS Professional Paper 1395, pp. 61-64): accurate
//! to millimetres inside a zone, which is far below any sensor's noise. Zones are written as
//! SAPIENT and MGRS write them: the zone number followed by the latitude band letter
//! (`30U`); bands C..M are south of the equator, N..X north.

use picket_core::Geodetic;

const A_M: f64 = 6_378_137.0;
const E2: f64 = 6.694_379_990_141_33e-3;
const K0: f64 = 0.9996;
const FALSE_EASTING_M: f64 = 500_000.0;
const FALSE_NORTHING_SOUTH_M: f64 = 10_000_000.0;

/// A UTM zone: number 1..=60 and hemisphere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtmZone {
    /// Zone number, 1..=60.
    pub number: u8,
    /// True north of the equator.
    pub north: bool,
}

impl UtmZone {
    /// Parses `30U`, `30u`, `56H`, `30 U`: a zone number and a latitude band letter.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let number: u8 = s[..digits_end].parse().ok()?;
        let band = s[digits_end..].trim().chars().next()?.to_ascii_uppercase();
        if !(1..=60).contains(&number) || !('C'..='X').contains(&band) || matches!(band, 'I' | 'O')
        {
            return None;
        }
        Some(Self {
            number,
            north: band >= 'N',
        })
    }

    fn central_meridian_rad(self) -> f64 {
        (f64::from(self.number) * 6.0 - 183.0).to_radians()
    }
}

/// Easting/northing (metres) in `zone` to latitude/longitude; `alt_m` is carried through.
pub fn to_geodetic(zone: UtmZone, easting_m: f64, northing_m: f64, alt_m: f64) -> Geodetic {
    let ep2 = E2 / (1.0 - E2);
    let e4 = E2 * E2;
    let e6 = e4 * E2;
    let y = if zone.north {
        northing_m
    } else {
        northing_m - FALSE_NORTHING_SOUTH_M
    };
    let m = y / K0;
    let mu = m / (A_M * (1.0 - E2 / 4.0 - 3.0 * e4 / 64.0 - 5.0 * e6 / 256.0));
    let sq = (1.0 - E2).sqrt();
    let e1 = (1.0 - sq) / (1.0 + sq);
    let phi1 = mu
        + (3.0 * e1 / 2.0 - 27.0 * e1.powi(3) / 32.0) * (2.0 * mu).sin()
        + (21.0 * e1 * e1 / 16.0 - 55.0 * e1.powi(4) / 32.0) * (4.0 * mu).sin()
        + (151.0 * e1.powi(3) / 96.0) * (6.0 * mu).sin()
        + (1097.0 * e1.powi(4) / 512.0) * (8.0 * mu).sin();
    let (s1, c1) = phi1.sin_cos();
    let t1 = (s1 / c1).powi(2);
    let cc1 = ep2 * c1 * c1;
    let w = 1.0 - E2 * s1 * s1;
    let n1 = A_M / w.sqrt();
    let r1 = A_M * (1.0 - E2) / w.powf(1.5);
    let d = (easting_m - FALSE_EASTING_M) / (n1 * K0);
    let lat = phi1
        - (n1 * s1 / c1 / r1)
            * (d * d / 2.0
                - (5.0 + 3.0 * t1 + 10.0 * cc1 - 4.0 * cc1 * cc1 - 9.0 * ep2) * d.powi(4) / 24.0
                + (61.0 + 90.0 * t1 + 298.0 * cc1 + 45.0 * t1 * t1
                    - 252.0 * ep2
                    - 3.0 * cc1 * cc1)
                    * d.powi(6)
                    / 720.0);
    let lon = zone.central_meridian_rad()
        + (d - (1.0 + 2.0 * t1 + cc1) * d.powi(3) / 6.0
            + (5.0 - 2.0 * cc1 + 28.0 * t1 - 3.0 * cc1 * cc1 + 8.0 * ep2 + 24.0 * t1 * t1)
                * d.powi(5)
                / 120.0)
            / c1;
    Geodetic::new(lat.to_degrees(), lon.to_degrees(), alt_m)
}

/// Latitude/longitude to (easting, northing) in metres in `zone`.
pub fn from_geodetic(zone: UtmZone, p: &Geodetic) -> (f64, f64) {
    let ep2 = E2 / (1.0 - E2);
    let e4 = E2 * E2;
    let e6 = e4 * E2;
    let phi = p.lat_deg.to_radians();
    let (s, c) = phi.sin_cos();
    let n = A_M / (1.0 - E2 * s * s).sqrt();
    let t = (s / c).powi(2);
    let cc = ep2 * c * c;
    let a = (p.lon_deg.to_radians() - zone.central_meridian_rad()) * c;
    let m = A_M
        * ((1.0 - E2 / 4.0 - 3.0 * e4 / 64.0 - 5.0 * e6 / 256.0) * phi
            - (3.0 * E2 / 8.0 + 3.0 * e4 / 32.0 + 45.0 * e6 / 1024.0) * (2.0 * phi).sin()
            + (15.0 * e4 / 256.0 + 45.0 * e6 / 1024.0) * (4.0 * phi).sin()
            - (35.0 * e6 / 3072.0) * (6.0 * phi).sin());
    let easting = K0
        * n
        * (a + (1.0 - t + cc) * a.powi(3) / 6.0
            + (5.0 - 18.0 * t + t * t + 72.0 * cc - 58.0 * ep2) * a.powi(5) / 120.0)
        + FALSE_EASTING_M;
    let northing = K0
        * (m + n
            * (s / c)
            * (a * a / 2.0
                + (5.0 - t + 9.0 * cc + 4.0 * cc * cc) * a.powi(4) / 24.0
                + (61.0 - 58.0 * t + t * t + 600.0 * cc - 330.0 * ep2) * a.powi(6) / 720.0));
    let northing = if zone.north {
        northing
    } else {
        northing + FALSE_NORTHING_SOUTH_M
    };
    (easting, northing)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values from the `utm` package 0.9.0 on PyPI (`utm.from_latlon`).
    const REFERENCE: [(f64, f64, &str, f64, f64); 4] = [
        (
            51.1739726374,
            -1.82237671048,
            "30U",
            582_322.715_422_701_7,
            5_669_830.718_022_311,
        ),
        (
            51.47,
            -0.4543,
            "30U",
            676_807.015_207_250_6,
            5_705_166.358_505_448,
        ),
        (
            -33.8568,
            151.2153,
            "56H",
            334_900.569_650_601_3,
            6_252_288.752_863_666,
        ),
        (
            64.1466,
            -21.9426,
            "27W",
            454_138.376_515_841_1,
            7_113_689.869_814_517,
        ),
    ];

    #[test]
    fn matches_reference_both_ways() {
        for (lat, lon, zone, e, n) in REFERENCE {
            let zone = UtmZone::parse(zone).unwrap();
            let (ge, gn) = from_geodetic(zone, &Geodetic::new(lat, lon, 0.0));
            assert!((ge - e).abs() < 0.01 && (gn - n).abs() < 0.01, "{ge} {gn}");
            let p = to_geodetic(zone, e, n, 12.0);
            assert!(
                (p.lat_deg - lat).abs() < 1e-7 && (p.lon_deg - lon).abs() < 1e-7,
                "{p:?}"
            );
            assert_eq!(p.alt_m, 12.0);
        }
    }

    #[test]
    fn zone_parsing() {
        assert_eq!(
            UtmZone::parse("30U"),
            Some(UtmZone {
                number: 30,
                north: true
            })
        );
        assert_eq!(
            UtmZone::parse(" 56h"),
            Some(UtmZone {
                number: 56,
                north: false
            })
        );
        for bad in ["", "U", "0U", "61N", "30", "30I", "30Z", "999999999999U"] {
            assert_eq!(UtmZone::parse(bad), None, "{bad}");
        }
    }
}
