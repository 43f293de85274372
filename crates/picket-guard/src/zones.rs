//! [`GuardZone`]: a validated [`Zone`] ready for the hot loop: its altitudes in the site frame,
//! a bounding circle for cheap rejection, its asset point and its schedule.

use crate::schedule::Schedule;
use picket_core::{AltitudeRef, Enu, Timestamp, Zone, ZoneError, ZoneShape, polygon_area_m2};

/// A zone as the guard evaluates it.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardZone {
    /// The zone as configured.
    pub zone: Zone,
    /// When it is active (always when empty).
    pub schedule: Schedule,
    /// The asset point approach and distance rules measure to, site frame, metres (the
    /// configured asset, else the footprint's centroid).
    pub asset: [f64; 2],
    /// Floor in the site frame's z (metres above the frame origin).
    pub floor_z_m: f64,
    /// Ceiling in the site frame's z.
    pub ceiling_z_m: f64,
    /// Centre of a circle that holds the whole footprint.
    pub bound_center: [f64; 2],
    /// Radius of that circle, metres.
    pub bound_radius_m: f64,
}

impl GuardZone {
    /// Validates `zone` and prepares it. `origin_alt_m` is the height of the site frame's origin
    /// (its ground): a mean-sea-level floor of 500 m over an origin at 420 m is z = 80 m in the
    /// frame. The origin height is taken as its height above mean sea level (the geoid
    /// undulation, tens of metres at most, is left to whoever writes MSL zones).
    pub fn new(
        zone: Zone,
        schedule: Schedule,
        asset: Option<[f64; 2]>,
        origin_alt_m: f64,
    ) -> Result<Self, ZoneError> {
        zone.validate()?;
        let offset_m = match zone.altitude_ref {
            AltitudeRef::AboveGround => 0.0,
            AltitudeRef::MeanSeaLevel => origin_alt_m,
        };
        let (bound_center, bound_radius_m) = bounding_circle(&zone.shape);
        let asset = asset.unwrap_or_else(|| centroid(&zone.shape));
        Ok(Self {
            floor_z_m: zone.floor_m - offset_m,
            ceiling_z_m: zone.ceiling_m - offset_m,
            zone,
            schedule,
            asset,
            bound_center,
            bound_radius_m,
        })
    }

    /// The zone's id.
    pub fn id(&self) -> &str {
        &self.zone.id
    }

    /// True when the schedule has the zone active at `t`.
    pub fn is_active(&self, t: Timestamp) -> bool {
        self.schedule.is_active(t)
    }

    /// True when the site-frame point is inside footprint, floor and ceiling.
    pub fn contains(&self, p: &Enu) -> bool {
        p.z >= self.floor_z_m && p.z <= self.ceiling_z_m && self.contains_xy(p.x, p.y)
    }

    /// True when `(x, y)` is inside the footprint (the boundary counts, as in
    /// [`Zone::contains_xy`], which this agrees with), after a cheap bounding-circle test.
    /// Written here without square roots because it runs for every track and zone each step.
    pub fn contains_xy(&self, x: f64, y: f64) -> bool {
        let (dx, dy) = (x - self.bound_center[0], y - self.bound_center[1]);
        if dx * dx + dy * dy > self.bound_radius_m * self.bound_radius_m {
            return false;
        }
        match &self.zone.shape {
            ZoneShape::Circle { x: cx, y: cy, r_m } => {
                let (ex, ey) = (x - cx, y - cy);
                ex * ex + ey * ey <= r_m * r_m
            }
            ZoneShape::Polygon(v) => {
                let mut inside = false;
                let mut j = v.len() - 1;
                for i in 0..v.len() {
                    let (a, b) = (v[j], v[i]);
                    if on_segment(a, b, x, y) {
                        return true;
                    }
                    if (b[1] > y) != (a[1] > y)
                        && x < (a[0] - b[0]) * (y - b[1]) / (a[1] - b[1]) + b[0]
                    {
                        inside = !inside;
                    }
                    j = i;
                }
                inside
            }
        }
    }

    /// Containment for quadrature points: the even-odd crossing test without the exact
    /// boundary check of [`Self::contains_xy`] (a point exactly on an edge has no mass).
    pub fn contains_xy_sampled(&self, x: f64, y: f64) -> bool {
        let (dx, dy) = (x - self.bound_center[0], y - self.bound_center[1]);
        if dx * dx + dy * dy > self.bound_radius_m * self.bound_radius_m {
            return false;
        }
        match &self.zone.shape {
            ZoneShape::Circle { .. } => true, // The bounding circle is the circle.
            ZoneShape::Polygon(v) => {
                let mut inside = false;
                let mut j = v.len() - 1;
                for i in 0..v.len() {
                    let ([xi, yi], [xj, yj]) = (v[i], v[j]);
                    if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                        inside = !inside;
                    }
                    j = i;
                }
                inside
            }
        }
    }

    /// A lower bound of the horizontal distance to the footprint, metres (0 near or inside).
    pub fn distance_lower_bound_m(&self, x: f64, y: f64) -> f64 {
        let (dx, dy) = (x - self.bound_center[0], y - self.bound_center[1]);
        ((dx * dx + dy * dy).sqrt() - self.bound_radius_m).max(0.0)
    }

    /// Horizontal distance to the footprint, metres; 0 inside (agrees with
    /// [`Zone::distance_xy_m`], with one square root instead of one per edge).
    pub fn distance_xy_m(&self, x: f64, y: f64) -> f64 {
        if self.contains_xy(x, y) {
            return 0.0;
        }
        match &self.zone.shape {
            ZoneShape::Circle { x: cx, y: cy, r_m } => {
                let (dx, dy) = (x - cx, y - cy);
                ((dx * dx + dy * dy).sqrt() - r_m).max(0.0)
            }
            ZoneShape::Polygon(v) => (0..v.len())
                .map(|i| segment_distance2(v[i], v[(i + 1) % v.len()], x, y))
                .fold(f64::INFINITY, f64::min)
                .sqrt(),
        }
    }

    /// Probability that a height with mean `z_m` and deviation `sigma_m` lies between floor and
    /// ceiling.
    pub fn vertical_probability(&self, z_m: f64, sigma_m: f64) -> f64 {
        if sigma_m <= 1e-9 {
            return f64::from(u8::from(z_m >= self.floor_z_m && z_m <= self.ceiling_z_m));
        }
        let cdf = |v: f64| 0.5 * libm::erfc(-(v - z_m) / (sigma_m * std::f64::consts::SQRT_2));
        (cdf(self.ceiling_z_m) - cdf(self.floor_z_m)).clamp(0.0, 1.0)
    }
}

/// True when `(x, y)` lies exactly on the segment `a`–`b`.
fn on_segment(a: [f64; 2], b: [f64; 2], x: f64, y: f64) -> bool {
    let cross = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
    cross == 0.0
        && x >= a[0].min(b[0])
        && x <= a[0].max(b[0])
        && y >= a[1].min(b[1])
        && y <= a[1].max(b[1])
}

/// Squared distance from `(x, y)` to the segment `a`–`b`, m².
fn segment_distance2(a: [f64; 2], b: [f64; 2], x: f64, y: f64) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let s = if len2 > 0.0 {
        (((x - a[0]) * dx + (y - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (x - (a[0] + s * dx), y - (a[1] + s * dy));
    ex * ex + ey * ey
}

fn bounding_circle(shape: &ZoneShape) -> ([f64; 2], f64) {
    match shape {
        ZoneShape::Circle { x, y, r_m } => ([*x, *y], *r_m),
        ZoneShape::Polygon(v) => {
            let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
            for p in v {
                for k in 0..2 {
                    lo[k] = lo[k].min(p[k]);
                    hi[k] = hi[k].max(p[k]);
                }
            }
            let c = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
            let r = v
                .iter()
                .map(|p| (p[0] - c[0]).hypot(p[1] - c[1]))
                .fold(0.0, f64::max);
            // A hair of slack so points on the boundary survive rounding.
            (c, r * (1.0 + 1e-9) + 1e-6)
        }
    }
}

fn centroid(shape: &ZoneShape) -> [f64; 2] {
    match shape {
        ZoneShape::Circle { x, y, .. } => [*x, *y],
        ZoneShape::Polygon(v) => {
            let a = polygon_area_m2(v);
            let n = v.len();
            let (mut cx, mut cy) = (0.0, 0.0);
            for i in 0..n {
                let ([x0, y0], [x1, y1]) = (v[i], v[(i + 1) % n]);
                let cross = x0 * y1 - x1 * y0;
                cx += (x0 + x1) * cross;
                cy += (y0 + y1) * cross;
            }
            [cx / (6.0 * a), cy / (6.0 * a)]
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use picket_core::ZoneKind;

    pub(crate) fn square(id: &str, kind: ZoneKind, half_m: f64) -> Zone {
        Zone {
            id: id.into(),
            kind,
            shape: ZoneShape::Polygon(vec![
                [-half_m, -half_m],
                [half_m, -half_m],
                [half_m, half_m],
                [-half_m, half_m],
            ]),
            floor_m: 0.0,
            ceiling_m: 120.0,
            altitude_ref: AltitudeRef::AboveGround,
        }
    }

    #[test]
    fn msl_zone_is_shifted_by_the_origin_height() {
        let mut z = square("Z", ZoneKind::Protected, 100.0);
        z.altitude_ref = AltitudeRef::MeanSeaLevel;
        z.floor_m = 400.0;
        z.ceiling_m = 500.0;
        let g = GuardZone::new(z, Schedule::always(), None, 420.0).unwrap();
        assert_eq!((g.floor_z_m, g.ceiling_z_m), (-20.0, 80.0));
        assert!(g.contains(&Enu::new(0.0, 0.0, 50.0)));
        assert!(!g.contains(&Enu::new(0.0, 0.0, 90.0)), "above 500 m MSL");
    }

    #[test]
    fn bounds_centroid_and_vertical_probability() {
        let mut z = square("Z", ZoneKind::Protected, 100.0);
        if let ZoneShape::Polygon(v) = &mut z.shape {
            v.iter_mut().for_each(|p| p[0] += 1000.0);
        }
        let g = GuardZone::new(z, Schedule::always(), None, 0.0).unwrap();
        assert!((g.asset[0] - 1000.0).abs() < 1e-9 && g.asset[1].abs() < 1e-9);
        assert!(g.contains_xy(1100.0, 100.0), "corner");
        assert!(g.distance_lower_bound_m(0.0, 0.0) <= g.distance_xy_m(0.0, 0.0));
        assert!((g.vertical_probability(120.0, 10.0) - 0.5).abs() < 1e-9);
        assert!(g.vertical_probability(60.0, 5.0) > 0.999_999);
        assert_eq!(g.vertical_probability(130.0, 0.0), 0.0);
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_core_zone(x in -300.0..300.0f64, y in -300.0..300.0f64, k in 0usize..3) {
            let shapes = [
                ZoneShape::Polygon(vec![[-100.0, -80.0], [120.0, -100.0], [60.0, 40.0], [150.0, 150.0], [-90.0, 110.0]]),
                ZoneShape::Circle { x: 20.0, y: -10.0, r_m: 130.0 },
                ZoneShape::Polygon(vec![[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0]]),
            ];
            let mut z = square("Z", ZoneKind::Protected, 1.0);
            z.shape = shapes[k].clone();
            let g = GuardZone::new(z.clone(), Schedule::always(), None, 0.0).unwrap();
            proptest::prop_assert_eq!(g.contains_xy(x, y), z.contains_xy(x, y));
            proptest::prop_assert!((g.distance_xy_m(x, y) - z.distance_xy_m(x, y)).abs() < 1e-9);
            // Vertices and edge midpoints are on the boundary: inside.
            if let ZoneShape::Polygon(v) = &z.shape {
                let (a, b) = (v[0], v[1]);
                proptest::prop_assert!(g.contains_xy(a[0], a[1]));
                proptest::prop_assert!(g.contains_xy((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0));
            }
        }
    }

    #[test]
    fn invalid_zone_is_refused() {
        let mut z = square("Z", ZoneKind::Protected, 100.0);
        z.floor_m = 500.0;
        assert!(GuardZone::new(z, Schedule::always(), None, 0.0).is_err());
    }
}
