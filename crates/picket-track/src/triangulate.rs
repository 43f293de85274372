//! Track initiation from bearings: a bearing has no range, so a track starts only where the
//! bearings of two sensors standing apart cross.
//!
//! Unused bearings wait in a short window. A new bearing is paired with the waiting bearing of
//! another sensor (at least `min_baseline_m` away) whose crossing is in front of both sensors,
//! within range, not too shallow, and, when both measured elevation, at heights that agree.
//! Among those, the pair whose heights agree best wins (then the closest in time). Each bearing
//! starts at most one track. With azimuth-only sensors, N targets seen by two sensors cross in
//! N² places: the false crossings ("ghosts") start tentative tracks that later bearings rarely
//! keep consistent, and a third sensor or an elevation resolves them.
//!
//! The start covariance comes from the geometry: turning bearing 1 by δ slides the crossing
//! along bearing 2 by `s₁ δ / sin θ` (θ the crossing angle, s₁ the range along bearing 1), and
//! the other way round; the time between the two bearings adds `(v_max Δt)²` per axis.

use crate::gaussian::{Matrix3, Vector3};
use crate::measurement::MeasurementModel;
use picket_core::{SensorId, Timestamp};

/// Parameters of bearing-pair initiation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TriangulationConfig {
    /// Bearings at most this far apart in time may pair, seconds.
    pub window_s: f64,
    /// Sensors closer than this cannot triangulate, metres.
    pub min_baseline_m: f64,
    /// Crossings further than this from either sensor are ignored, metres.
    pub max_range_m: f64,
    /// Crossings shallower than this angle are ignored (their range is unusable), degrees.
    pub min_crossing_deg: f64,
    /// Fastest object assumed when bearings are not simultaneous, m/s.
    pub max_speed_mps: f64,
    /// Height assumed when neither bearing measured elevation, metres, and its sigma.
    pub default_height_m: (f64, f64),
    /// Two elevations agree when their heights differ by less than this many sigmas.
    pub height_gate_sigmas: f64,
    /// Most bearings waiting at once (the oldest goes first).
    pub max_pending: usize,
}

impl Default for TriangulationConfig {
    fn default() -> Self {
        Self {
            window_s: 1.0,
            min_baseline_m: 20.0,
            max_range_m: 15_000.0,
            min_crossing_deg: 3.0,
            max_speed_mps: 30.0,
            default_height_m: (60.0, 80.0),
            height_gate_sigmas: 3.0,
            max_pending: 512,
        }
    }
}

/// A bearing waiting for a partner.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pending {
    time: Timestamp,
    sensor: SensorId,
    origin: Vector3,
    az: (f64, f64),
    el: Option<(f64, f64)>,
}

/// A track start found by two crossing bearings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crossing {
    /// Estimated position, site frame, metres.
    pub position: Vector3,
    /// Its covariance, m².
    pub cov: Matrix3,
    /// The sensor of the earlier bearing (the later one's sensor is the caller's).
    pub partner: SensorId,
}

/// Pairs bearings of different sensors into track starts.
#[derive(Debug, Clone, Default)]
pub struct Triangulator {
    config: TriangulationConfig,
    pending: Vec<Pending>,
}

impl Triangulator {
    /// A triangulator with `config`.
    pub fn new(config: TriangulationConfig) -> Self {
        Self {
            config,
            pending: Vec::new(),
        }
    }

    /// Bearings waiting for a partner.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Bytes held between steps.
    pub fn memory_bytes(&self) -> usize {
        self.pending.capacity() * std::mem::size_of::<Pending>()
    }

    /// Offers an unused bearing of `sensor` seen at `time`: returns the crossing it makes with
    /// a waiting bearing (which is then used up), or keeps it waiting and returns `None`.
    /// Anything but a bearing is ignored.
    pub fn offer(
        &mut self,
        time: Timestamp,
        sensor: SensorId,
        model: &MeasurementModel,
    ) -> Option<Crossing> {
        let &MeasurementModel::Bearing {
            sensor: origin,
            az,
            el,
        } = model
        else {
            return None;
        };
        let window_s = self.config.window_s;
        self.pending
            .retain(|p| time.since_s(p.time).abs() <= window_s);
        let new = Pending {
            time,
            sensor,
            origin,
            az,
            el,
        };
        let mut best: Option<(usize, f64, Crossing)> = None;
        for (i, old) in self.pending.iter().enumerate() {
            let Some((crossing, score)) = self.cross(old, &new) else {
                continue;
            };
            if best.as_ref().is_none_or(|(_, s, _)| score < *s) {
                best = Some((i, score, crossing));
            }
        }
        if let Some((i, _, crossing)) = best {
            self.pending.remove(i);
            return Some(crossing);
        }
        if self.pending.len() >= self.config.max_pending {
            self.pending.remove(0);
        }
        self.pending.push(new);
        None
    }

    /// Where two bearings cross, with a score (lower is better), or `None` when they do not
    /// make a usable crossing.
    fn cross(&self, a: &Pending, b: &Pending) -> Option<(Crossing, f64)> {
        let c = &self.config;
        if a.sensor == b.sensor {
            return None;
        }
        let baseline = Vector3::new(b.origin.x - a.origin.x, b.origin.y - a.origin.y, 0.0);
        if baseline.norm() < c.min_baseline_m {
            return None;
        }
        let da = Vector3::new(a.az.0.sin(), a.az.0.cos(), 0.0);
        let db = Vector3::new(b.az.0.sin(), b.az.0.cos(), 0.0);
        // a.origin + sa·da = b.origin + sb·db in the horizontal plane.
        let sin_theta = da.x * db.y - da.y * db.x;
        if sin_theta.abs() < c.min_crossing_deg.to_radians().sin() {
            return None;
        }
        let sa = (baseline.x * db.y - baseline.y * db.x) / sin_theta;
        let sb = (baseline.x * da.y - baseline.y * da.x) / sin_theta;
        if !(sa > 0.0 && sb > 0.0 && sa < c.max_range_m && sb < c.max_range_m) {
            return None;
        }
        let heights = [(a, sa), (b, sb)].map(|(p, s)| {
            p.el.map(|(el, sigma)| {
                let cos2 = el.cos().powi(2).max(1e-6);
                (p.origin.z + s * el.tan(), s * sigma / cos2)
            })
        });
        let (z, sigma_z, disagreement) = match heights {
            [Some((za, sa_z)), Some((zb, sb_z))] => {
                let (va, vb) = (sa_z * sa_z + 1e-6, sb_z * sb_z + 1e-6);
                let d = (za - zb).abs() / (va + vb).sqrt();
                if d > c.height_gate_sigmas {
                    return None;
                }
                (
                    (za / va + zb / vb) / (1.0 / va + 1.0 / vb),
                    (va * vb / (va + vb)).sqrt(),
                    d,
                )
            }
            [Some((z, s)), None] | [None, Some((z, s))] => (z, s, 0.0),
            [None, None] => (c.default_height_m.0, c.default_height_m.1, 0.0),
        };
        let along_a = sa * a.az.1 / sin_theta.abs();
        let along_b = sb * b.az.1 / sin_theta.abs();
        let dt = b.time.since_s(a.time).abs();
        let motion2 = (c.max_speed_mps * dt).powi(2);
        let mut cov = db * db.transpose() * along_a * along_a
            + da * da.transpose() * along_b * along_b
            + Matrix3::identity() * motion2;
        cov[(2, 2)] = sigma_z * sigma_z + motion2;
        // Keep the horizontal block well conditioned (a 1 m floor).
        for i in 0..2 {
            cov[(i, i)] += 1.0;
        }
        let position = a.origin + da * sa;
        let crossing = Crossing {
            position: Vector3::new(position.x, position.y, z),
            cov,
            partner: a.sensor,
        };
        Some((crossing, disagreement + dt))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearing(origin: Vector3, target: Vector3, el: bool) -> MeasurementModel {
        let d = target - origin;
        MeasurementModel::Bearing {
            sensor: origin,
            az: (d.x.atan2(d.y), 0.01_f64.to_radians()),
            el: el.then(|| (d.z.atan2(d.x.hypot(d.y)), 0.01_f64.to_radians())),
        }
    }

    fn at(t: f64) -> Timestamp {
        Timestamp::from_secs(t).unwrap()
    }

    #[test]
    fn two_sensors_apart_find_the_target() {
        let target = Vector3::new(1200.0, 800.0, 90.0);
        let (a, b) = (
            Vector3::new(0.0, 0.0, 5.0),
            Vector3::new(500.0, -300.0, 8.0),
        );
        let mut t = Triangulator::default();
        assert!(
            t.offer(at(0.0), SensorId(1), &bearing(a, target, true))
                .is_none()
        );
        let c = t
            .offer(at(0.0), SensorId(2), &bearing(b, target, true))
            .expect("a crossing");
        assert!((c.position - target).norm() < 1.0, "{:?}", c.position);
        assert_eq!(c.partner, SensorId(1));
        assert!(crate::gaussian::is_symmetric_positive_definite(&c.cov));
        assert_eq!(t.pending(), 0, "both bearings used");
    }

    #[test]
    fn colocated_parallel_behind_or_stale_bearings_do_not_cross() {
        let target = Vector3::new(1200.0, 800.0, 90.0);
        let a = Vector3::new(0.0, 0.0, 5.0);
        let mut t = Triangulator::default();
        t.offer(at(0.0), SensorId(1), &bearing(a, target, false));
        // Same place, other sensor: no baseline.
        assert!(
            t.offer(
                at(0.0),
                SensorId(2),
                &bearing(a + Vector3::new(1.0, 0.0, 0.0), target, false)
            )
            .is_none()
        );
        // Same sensor twice never pairs.
        assert!(
            t.offer(at(0.1), SensorId(1), &bearing(a, target, false))
                .is_none()
        );
        // Too late for the window.
        let far = Vector3::new(800.0, -600.0, 0.0);
        assert!(
            t.offer(at(5.0), SensorId(3), &bearing(far, target, false))
                .is_none()
        );
        // A crossing behind a sensor is refused.
        let mut t = Triangulator::default();
        t.offer(at(0.0), SensorId(1), &bearing(a, target, false));
        let behind = bearing(far, far + (far - target), false);
        assert!(t.offer(at(0.0), SensorId(3), &behind).is_none());
    }

    #[test]
    fn elevations_that_disagree_are_not_a_crossing() {
        let (a, b) = (Vector3::new(0.0, 0.0, 0.0), Vector3::new(1000.0, 0.0, 0.0));
        let mut t = Triangulator::default();
        t.offer(
            at(0.0),
            SensorId(1),
            &bearing(a, Vector3::new(500.0, 1000.0, 100.0), true),
        );
        // Same azimuths would cross at (500, 1000), but this one sees it 400 m up.
        let high = bearing(b, Vector3::new(500.0, 1000.0, 500.0), true);
        assert!(t.offer(at(0.0), SensorId(2), &high).is_none());
    }
}
