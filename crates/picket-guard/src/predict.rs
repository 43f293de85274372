//! Predicted entry: the probability that a track is inside a zone within a horizon, from its
//! state and covariance, not just its mean.
//!
//! Method (deterministic, no random numbers): at horizons `τ = 0, step, 2·step, … ≤ T` the
//! constant-velocity prediction of the position is Gaussian with mean `p + v·τ` and covariance
//! `Ppp + τ(Ppv + Pvp) + τ²·Pvv`. Its horizontal mass inside the footprint is integrated with a
//! fixed equal-weight point set of the 2-D standard normal (a Vogel spiral whose radii follow
//! the Rayleigh quantiles), mapped through the covariance's Cholesky factor; the vertical mass
//! between floor and ceiling is exact (normal CDF), and the two are multiplied (horizontal and
//! vertical errors taken as independent, which tracker covariances nearly are). The first
//! horizon whose mass reaches the rule's probability is the predicted time to breach. The mass
//! at sampled horizons is a lower bound on the probability of entering at some time within the
//! horizon, so the rule errs late by at most one step, never early.

use crate::zones::GuardZone;
use picket_core::Track;

/// Points of the quadrature: enough for ~1.5 % resolution, few enough for the hot loop.
pub const POINTS: usize = 64;

/// The unit point set, computed once.
#[derive(Debug, Clone)]
pub struct UnitGaussian {
    points: [[f64; 2]; POINTS],
}

impl Default for UnitGaussian {
    fn default() -> Self {
        let golden_rad = std::f64::consts::PI * (3.0 - 5f64.sqrt());
        let mut points = [[0.0; 2]; POINTS];
        for (i, p) in points.iter_mut().enumerate() {
            let u = (i as f64 + 0.5) / POINTS as f64;
            let r = (-2.0 * (1.0 - u).ln()).sqrt();
            let (s, c) = (i as f64 * golden_rad).sin_cos();
            *p = [r * c, r * s];
        }
        Self { points }
    }
}

/// A 2-D Gaussian: mean and the lower Cholesky factor of its covariance.
#[derive(Debug, Clone, Copy)]
struct Gauss2 {
    mean: [f64; 2],
    l11: f64,
    l21: f64,
    l22: f64,
}

impl Gauss2 {
    fn new(mean: [f64; 2], cxx: f64, cxy: f64, cyy: f64) -> Self {
        // Clamp tiny negative variances that rounding or a sloppy tracker can produce.
        let l11 = cxx.max(0.0).sqrt();
        let l21 = if l11 > 1e-12 { cxy / l11 } else { 0.0 };
        let l22 = (cyy - l21 * l21).max(0.0).sqrt();
        Self {
            mean,
            l11,
            l21,
            l22,
        }
    }

    /// An upper bound on the spread in any direction, metres (square root of the trace).
    fn max_sigma_m(&self) -> f64 {
        (self.l11 * self.l11 + self.l21 * self.l21 + self.l22 * self.l22).sqrt()
    }
}

impl UnitGaussian {
    /// Horizontal probability mass of `g` inside the zone's footprint.
    fn mass_inside(&self, zone: &GuardZone, g: &Gauss2) -> f64 {
        let sigma = g.max_sigma_m();
        if zone.distance_lower_bound_m(g.mean[0], g.mean[1]) > 4.0 * sigma + 1e-6 {
            return 0.0; // The furthest quadrature point is at 3.3 sigma.
        }
        if sigma < 1e-6 {
            return f64::from(u8::from(zone.contains_xy(g.mean[0], g.mean[1])));
        }
        let inside = self
            .points
            .iter()
            .filter(|[a, b]| {
                let x = g.mean[0] + g.l11 * a;
                let y = g.mean[1] + g.l21 * a + g.l22 * b;
                zone.contains_xy_sampled(x, y)
            })
            .count();
        inside as f64 / POINTS as f64
    }

    /// Probability that `track`, `tau_s` seconds after its estimate, is inside `zone`.
    pub fn inside_at(&self, zone: &GuardZone, track: &Track, tau_s: f64) -> f64 {
        let (p, v, c) = (&track.position, &track.velocity, &track.cov);
        let t = tau_s;
        let cov = |i: usize, j: usize| {
            c[i][j] + t * (c[i][j + 3] + c[i + 3][j]) + t * t * c[i + 3][j + 3]
        };
        let vz_var = cov(2, 2).max(0.0);
        let vertical = zone.vertical_probability(p.z + v.z * t, vz_var.sqrt());
        if vertical < 1e-4 {
            return 0.0;
        }
        let g = Gauss2::new(
            [p.x + v.x * t, p.y + v.y * t],
            cov(0, 0),
            cov(0, 1),
            cov(1, 1),
        );
        vertical * self.mass_inside(zone, &g)
    }

    /// The first sampled horizon at which the probability of being inside reaches
    /// `threshold`, with that probability; otherwise `None` and the largest probability seen.
    pub fn first_breach(
        &self,
        zone: &GuardZone,
        track: &Track,
        horizon_s: f64,
        step_s: f64,
        threshold: f64,
    ) -> (Option<f64>, f64) {
        // Cheap rejection: the zone's bounding circle is further from the mean path than
        // 5 sigma of the widest prediction (covariance grows with the horizon).
        let c = &track.cov;
        let t = horizon_s;
        let spread_var =
            c[0][0] + c[1][1] + 2.0 * t * (c[0][3] + c[1][4]) + t * t * (c[3][3] + c[4][4]);
        let spread_m = 5.0 * spread_var.max(c[0][0] + c[1][1]).max(0.0).sqrt();
        let p = [track.position.x, track.position.y];
        let end = [p[0] + track.velocity.x * t, p[1] + track.velocity.y * t];
        if segment_distance(p, end, zone.bound_center) - zone.bound_radius_m > spread_m {
            return (None, 0.0);
        }
        let steps = (horizon_s / step_s).floor() as usize;
        let mut best = 0.0f64;
        for k in 0..=steps {
            let tau_s = k as f64 * step_s;
            let p = self.inside_at(zone, track, tau_s);
            if p >= threshold {
                return (Some(tau_s), p);
            }
            best = best.max(p);
        }
        (None, best)
    }
}

/// Distance from `q` to the segment `a`–`b`, metres.
fn segment_distance(a: [f64; 2], b: [f64; 2], q: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let s = if len2 > 0.0 {
        (((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (q[0] - (a[0] + s * dx), q[1] - (a[1] + s * dy));
    (ex * ex + ey * ey).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Schedule;
    use picket_core::{
        AltitudeRef, ClassProbs, Enu, SensorSet, Timestamp, TrackId, TrackStatus, Zone, ZoneKind,
        ZoneShape,
    };

    fn circle_zone(r_m: f64) -> GuardZone {
        let z = Zone {
            id: "Z".into(),
            kind: ZoneKind::Protected,
            shape: ZoneShape::Circle {
                x: 0.0,
                y: 0.0,
                r_m,
            },
            floor_m: 0.0,
            ceiling_m: 200.0,
            altitude_ref: AltitudeRef::AboveGround,
        };
        GuardZone::new(z, Schedule::always(), None, 0.0).unwrap()
    }

    fn track(x: f64, vx: f64, sigma_m: f64, sigma_v: f64) -> Track {
        let mut cov = [[0.0; 6]; 6];
        for i in 0..3 {
            cov[i][i] = sigma_m * sigma_m;
            cov[i + 3][i + 3] = sigma_v * sigma_v;
        }
        Track {
            id: TrackId(1),
            time: Timestamp::ZERO,
            position: Enu::new(x, 0.0, 50.0),
            velocity: Enu::new(vx, 0.0, 0.0),
            cov,
            status: TrackStatus::Confirmed,
            class: ClassProbs::default(),
            identity: None,
            pilot: None,
            sensors: SensorSet::default(),
            last_update: Timestamp::ZERO,
            update_count: 10,
        }
    }

    #[test]
    fn mass_matches_the_rayleigh_cdf_for_a_centred_circle() {
        // For an isotropic Gaussian centred on a circle of radius r, P = 1 - exp(-r²/2σ²).
        let g = UnitGaussian::default();
        for (r_m, sigma) in [(10.0f64, 10.0f64), (20.0, 10.0), (5.0, 10.0)] {
            let want = 1.0 - (-(r_m * r_m) / (2.0 * sigma * sigma)).exp();
            let got = g.inside_at(&circle_zone(r_m), &track(0.0, 0.0, sigma, 0.0), 0.0);
            assert!((got - want).abs() < 0.03, "r {r_m}: {got} vs {want}");
        }
    }

    #[test]
    fn breach_time_follows_the_mean_and_uncertainty_delays_it() {
        let g = UnitGaussian::default();
        let zone = circle_zone(100.0);
        // 1000 m out at 30 m/s: the mean reaches the edge at 30 s.
        let (t, p) = g.first_breach(&zone, &track(-1000.0, 30.0, 5.0, 0.5), 40.0, 1.0, 0.5);
        let t = t.unwrap();
        assert!((29.0..=31.0).contains(&t), "{t} {p}");
        // Same mean, velocity uncertain: the mass spreads and 0.5 comes later or never.
        let (t2, _) = g.first_breach(&zone, &track(-1000.0, 30.0, 5.0, 8.0), 40.0, 1.0, 0.5);
        assert!(t2.is_none_or(|t2| t2 > t), "{t2:?}");
        // Far and slow: rejected without sampling.
        let (none, best) = g.first_breach(&zone, &track(-9000.0, 5.0, 5.0, 0.5), 30.0, 1.0, 0.5);
        assert!(none.is_none() && best == 0.0);
    }

    proptest::proptest! {
        /// The mass is a probability, and a bigger zone around the same centre never holds
        /// less of it (the same points fall inside).
        #[test]
        fn mass_is_a_monotone_probability(
            x in -500.0..500.0f64, vx in -30.0..30.0f64, sigma in 0.1..200.0f64,
            sigma_v in 0.0..20.0f64, r in 1.0..300.0f64, tau in 0.0..60.0f64,
        ) {
            let g = UnitGaussian::default();
            let t = track(x, vx, sigma, sigma_v);
            let small = g.inside_at(&circle_zone(r), &t, tau);
            let big = g.inside_at(&circle_zone(r * 1.5), &t, tau);
            proptest::prop_assert!((0.0..=1.0).contains(&small) && (0.0..=1.0).contains(&big));
            proptest::prop_assert!(big >= small);
        }
    }

    #[test]
    fn below_the_floor_is_outside() {
        let g = UnitGaussian::default();
        let mut t = track(0.0, 0.0, 5.0, 0.0);
        t.position.z = -30.0;
        assert!(g.inside_at(&circle_zone(100.0), &t, 0.0) < 1e-6);
    }
}
