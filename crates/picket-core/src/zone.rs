//! Zones: the site's areas of interest, in the site's local frame.
//!
//! Geometry lives here (containment, validity) because every consumer of a zone needs it: the
//! guard, the simulator and the console's API.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a zone is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    /// Around an asset that must not be overflown.
    Protected,
    /// The site's boundary.
    Perimeter,
    /// A buffer outside protected zones where alerts warn early.
    Warning,
    /// An approach or departure corridor where known traffic is expected.
    Corridor,
    /// An exclusion for known traffic: no alerts for authorised objects inside.
    Exclusion,
}

/// Which datum floor and ceiling are measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AltitudeRef {
    /// Above the site's ground (the local frame's z = 0).
    #[default]
    AboveGround,
    /// Above mean sea level.
    MeanSeaLevel,
}

/// A zone's footprint in the local x-y plane, metres.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneShape {
    /// A simple polygon; vertices in order, not repeating the first.
    Polygon(Vec<[f64; 2]>),
    /// A circle.
    Circle {
        /// Centre east, metres.
        x: f64,
        /// Centre north, metres.
        y: f64,
        /// Radius, metres.
        r_m: f64,
    },
}

/// A zone of the site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    /// Configured id, unique within the site.
    pub id: String,
    /// What it is for.
    pub kind: ZoneKind,
    /// Its footprint.
    pub shape: ZoneShape,
    /// Lowest altitude covered, metres.
    pub floor_m: f64,
    /// Highest altitude covered, metres.
    pub ceiling_m: f64,
    /// Datum of floor and ceiling.
    pub altitude_ref: AltitudeRef,
}

/// Why a zone is not usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZoneError {
    /// A polygon needs at least three distinct vertices.
    #[error("polygon has {0} vertices; at least 3 are needed")]
    TooFewVertices(usize),
    /// Two edges cross.
    #[error("polygon edges {0} and {1} intersect; the outline must not cross itself")]
    SelfIntersecting(usize, usize),
    /// A value is NaN or infinite.
    #[error("zone has a non-finite coordinate or altitude")]
    NonFinite,
    /// Floor at or above ceiling.
    #[error("floor {floor_m} m is not below ceiling {ceiling_m} m")]
    FloorAboveCeiling {
        /// Floor, metres.
        floor_m: f64,
        /// Ceiling, metres.
        ceiling_m: f64,
    },
    /// A circle with no area.
    #[error("circle radius must be positive, got {0} m")]
    BadRadius(f64),
    /// A polygon with no area (all vertices on a line).
    #[error("polygon has no area")]
    Degenerate,
}

impl fmt::Display for ZoneKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            ZoneKind::Protected => "protected",
            ZoneKind::Perimeter => "perimeter",
            ZoneKind::Warning => "warning",
            ZoneKind::Corridor => "corridor",
            ZoneKind::Exclusion => "exclusion",
        };
        f.write_str(s)
    }
}

/// Signed area of a polygon (positive counter-clockwise), m².
pub fn polygon_area_m2(vertices: &[[f64; 2]]) -> f64 {
    let n = vertices.len();
    (0..n)
        .map(|i| {
            let [x0, y0] = vertices[i];
            let [x1, y1] = vertices[(i + 1) % n];
            x0 * y1 - x1 * y0
        })
        .sum::<f64>()
        / 2.0
}

fn segments_cross(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> bool {
    let orient = |p: [f64; 2], q: [f64; 2], r: [f64; 2]| {
        (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    };
    let on_segment = |p: [f64; 2], q: [f64; 2], r: [f64; 2]| {
        r[0] >= p[0].min(q[0])
            && r[0] <= p[0].max(q[0])
            && r[1] >= p[1].min(q[1])
            && r[1] <= p[1].max(q[1])
    };
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    (d1 == 0.0 && on_segment(c, d, a))
        || (d2 == 0.0 && on_segment(c, d, b))
        || (d3 == 0.0 && on_segment(a, b, c))
        || (d4 == 0.0 && on_segment(a, b, d))
}

impl Zone {
    /// Checks the geometry: finite numbers, floor below ceiling, a simple polygon with area or a
    /// circle with a positive radius.
    pub fn validate(&self) -> Result<(), ZoneError> {
        if !self.floor_m.is_finite() || !self.ceiling_m.is_finite() {
            return Err(ZoneError::NonFinite);
        }
        if self.floor_m >= self.ceiling_m {
            return Err(ZoneError::FloorAboveCeiling {
                floor_m: self.floor_m,
                ceiling_m: self.ceiling_m,
            });
        }
        match &self.shape {
            ZoneShape::Circle { x, y, r_m } => {
                if !(x.is_finite() && y.is_finite() && r_m.is_finite()) {
                    return Err(ZoneError::NonFinite);
                }
                if *r_m <= 0.0 {
                    return Err(ZoneError::BadRadius(*r_m));
                }
                Ok(())
            }
            ZoneShape::Polygon(v) => validate_polygon(v),
        }
    }

    /// True when the horizontal point `(x, y)` is inside the footprint (boundary counts).
    pub fn contains_xy(&self, x: f64, y: f64) -> bool {
        match &self.shape {
            ZoneShape::Circle { x: cx, y: cy, r_m } => (x - cx).hypot(y - cy) <= *r_m,
            ZoneShape::Polygon(v) => point_in_polygon(v, x, y),
        }
    }

    /// True when the point is inside the footprint and between floor and ceiling. `z_m` must be
    /// in this zone's altitude datum.
    pub fn contains(&self, x: f64, y: f64, z_m: f64) -> bool {
        z_m >= self.floor_m && z_m <= self.ceiling_m && self.contains_xy(x, y)
    }

    /// Horizontal distance from `(x, y)` to the footprint's boundary, metres; 0 inside.
    pub fn distance_xy_m(&self, x: f64, y: f64) -> f64 {
        if self.contains_xy(x, y) {
            return 0.0;
        }
        match &self.shape {
            ZoneShape::Circle { x: cx, y: cy, r_m } => ((x - cx).hypot(y - cy) - r_m).max(0.0),
            ZoneShape::Polygon(v) => (0..v.len())
                .map(|i| segment_distance(v[i], v[(i + 1) % v.len()], [x, y]))
                .fold(f64::INFINITY, f64::min),
        }
    }
}

fn validate_polygon(v: &[[f64; 2]]) -> Result<(), ZoneError> {
    if v.iter().flatten().any(|c| !c.is_finite()) {
        return Err(ZoneError::NonFinite);
    }
    if v.len() < 3 {
        return Err(ZoneError::TooFewVertices(v.len()));
    }
    let n = v.len();
    for i in 0..n {
        for j in (i + 1)..n {
            // Adjacent edges share a vertex by construction.
            if j == i + 1 || (i == 0 && j == n - 1) {
                continue;
            }
            if segments_cross(v[i], v[(i + 1) % n], v[j], v[(j + 1) % n]) {
                return Err(ZoneError::SelfIntersecting(i, j));
            }
        }
    }
    if polygon_area_m2(v).abs() < 1e-9 {
        return Err(ZoneError::Degenerate);
    }
    Ok(())
}

fn point_in_polygon(v: &[[f64; 2]], x: f64, y: f64) -> bool {
    let n = v.len();
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let [xi, yi] = v[i];
        let [xj, yj] = v[j];
        if segment_distance(v[j], v[i], [x, y]) == 0.0 {
            return true;
        }
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

fn segment_distance(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p[0] - (a[0] + t * dx)).hypot(p[1] - (a[1] + t * dy))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(shape: ZoneShape) -> Zone {
        Zone {
            id: "Z".into(),
            kind: ZoneKind::Protected,
            shape,
            floor_m: 0.0,
            ceiling_m: 120.0,
            altitude_ref: AltitudeRef::AboveGround,
        }
    }

    #[test]
    fn square_contains_and_distance() {
        let z = zone(ZoneShape::Polygon(vec![
            [0.0, 0.0],
            [100.0, 0.0],
            [100.0, 100.0],
            [0.0, 100.0],
        ]));
        assert!(z.validate().is_ok());
        assert!(z.contains(50.0, 50.0, 10.0));
        assert!(!z.contains(50.0, 50.0, 200.0));
        assert!(!z.contains_xy(150.0, 50.0));
        assert_eq!(z.distance_xy_m(150.0, 50.0), 50.0);
        assert!(z.contains_xy(100.0, 50.0), "the boundary counts as inside");
    }

    #[test]
    fn rejects_bad_geometry() {
        let bow = zone(ZoneShape::Polygon(vec![
            [0.0, 0.0],
            [10.0, 10.0],
            [10.0, 0.0],
            [0.0, 10.0],
        ]));
        assert!(matches!(
            bow.validate(),
            Err(ZoneError::SelfIntersecting(..))
        ));
        let two = zone(ZoneShape::Polygon(vec![[0.0, 0.0], [1.0, 1.0]]));
        assert_eq!(two.validate(), Err(ZoneError::TooFewVertices(2)));
        let line = zone(ZoneShape::Polygon(vec![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]));
        assert_eq!(line.validate(), Err(ZoneError::Degenerate));
        let mut upside = zone(ZoneShape::Circle {
            x: 0.0,
            y: 0.0,
            r_m: 10.0,
        });
        upside.floor_m = 200.0;
        assert!(matches!(
            upside.validate(),
            Err(ZoneError::FloorAboveCeiling { .. })
        ));
    }

    #[test]
    fn circle() {
        let z = zone(ZoneShape::Circle {
            x: 10.0,
            y: 0.0,
            r_m: 5.0,
        });
        assert!(z.contains_xy(14.0, 0.0));
        assert!((z.distance_xy_m(20.0, 0.0) - 5.0).abs() < 1e-12);
    }
}
