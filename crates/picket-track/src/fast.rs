//! Closed-form 3×3 paths for Cartesian measurements (`H = [I 0]`), the tracker's hottest case:
//! an explicit SPD inverse (Sylvester's criterion as the definiteness test) and the Joseph
//! update in 3×3 blocks. They compute what the generic EKF path computes (tests compare them),
//! in a fraction of the work.

use crate::gaussian::{Gaussian, Matrix3, Vector3};
use crate::update::Distance;

/// The inverse and determinant of a symmetric 3×3 matrix, when it is positive definite.
pub fn inverse_spd3(s: &Matrix3) -> Option<(Matrix3, f64)> {
    let (a, b, c) = (s[(0, 0)], s[(0, 1)], s[(0, 2)]);
    let (d, e, f) = (s[(1, 1)], s[(1, 2)], s[(2, 2)]);
    let m00 = d * f - e * e;
    let m01 = c * e - b * f;
    let m02 = b * e - c * d;
    let m11 = a * f - c * c;
    let m12 = b * c - a * e;
    let m22 = a * d - b * b;
    let det = a * m00 + b * m01 + c * m02;
    // Sylvester: all leading principal minors positive. `!(x > 0)` also rejects NaN.
    if !(a > 0.0 && m22 > 0.0 && det > 0.0 && det.is_finite()) {
        return None;
    }
    let k = det.recip();
    Some((
        Matrix3::new(m00, m01, m02, m01, m11, m12, m02, m12, m22) * k,
        det,
    ))
}

/// `k · r`, by column scaling when `r` is diagonal (the usual sensor noise): 9 products
/// instead of 27.
#[inline]
fn times_noise(k: &Matrix3, r: &Matrix3) -> Matrix3 {
    if r[(0, 1)] == 0.0 && r[(0, 2)] == 0.0 && r[(1, 2)] == 0.0 {
        let mut out = *k;
        for j in 0..3 {
            out.column_mut(j).scale_mut(r[(j, j)]);
        }
        out
    } else {
        k * r
    }
}

/// Mahalanobis distance of a Cartesian measurement `z` (noise `r`) from `g`.
pub fn cartesian_distance(g: &Gaussian, z: &Vector3, r: &Matrix3) -> Option<Distance> {
    let s = g.cov.fixed_view::<3, 3>(0, 0) + r;
    let (s_inv, det) = inverse_spd3(&s)?;
    let nu = z - g.position();
    Some(Distance {
        squared: nu.dot(&(s_inv * nu)),
        ln_det_s: det.ln(),
        dimension: 3,
    })
}

/// The upper triangle of `g`'s position covariance, `[p00, p01, p02, p11, p12, p22]`: what
/// [`gated_cartesian_distance`] reads.
#[inline]
pub(crate) fn upper_position(g: &Gaussian) -> [f64; 6] {
    let c = &g.cov;
    [
        c[(0, 0)],
        c[(0, 1)],
        c[(0, 2)],
        c[(1, 1)],
        c[(1, 2)],
        c[(2, 2)],
    ]
}

/// [`cartesian_distance`] from a prediction's position and the upper triangle of its position
/// covariance (`[p00, p01, p02, p11, p12, p22]`: all that the inverse reads), with the gate
/// applied first: `None` also when the squared distance is not below `gate`, and the
/// logarithm is only taken for a pair inside it. The same operations on the same numbers as
/// [`cartesian_distance`], so the same result to the bit (tested).
#[inline]
pub(crate) fn gated_cartesian_distance(
    position: &[f64; 3],
    upper: &[f64; 6],
    z: &Vector3,
    r: &Matrix3,
    gate: f64,
) -> Option<Distance> {
    let u = upper;
    // The lower triangle is never read by the inverse.
    let s = Matrix3::new(
        u[0] + r[(0, 0)],
        u[1] + r[(0, 1)],
        u[2] + r[(0, 2)],
        0.0,
        u[3] + r[(1, 1)],
        u[4] + r[(1, 2)],
        0.0,
        0.0,
        u[5] + r[(2, 2)],
    );
    let (s_inv, det) = inverse_spd3(&s)?;
    let nu = z - Vector3::new(position[0], position[1], position[2]);
    let squared = nu.dot(&(s_inv * nu));
    (squared < gate).then(|| Distance {
        squared,
        ln_det_s: det.ln(),
        dimension: 3,
    })
}

/// The result of one Cartesian Kalman update, in 3×3 blocks (before symmetrisation).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CartesianStep {
    /// Position and velocity corrections.
    pub dp: Vector3,
    pub dv: Vector3,
    /// Posterior covariance blocks: position, position-velocity, velocity.
    pub pp: Matrix3,
    pub pv: Matrix3,
    pub vv: Matrix3,
    /// Measurement log-likelihood.
    pub log_likelihood: f64,
}

/// One Cartesian Kalman update of the blocks `ppp`, `pvp` (velocity-position) and `pvv` of a
/// prior whose position is `position`: Joseph form, `None` when impossible or non-finite.
#[inline]
pub(crate) fn cartesian_step(
    ppp: &Matrix3,
    pvp: &Matrix3,
    pvv: &Matrix3,
    position: &Vector3,
    z: &Vector3,
    r: &Matrix3,
) -> Option<CartesianStep> {
    let (s_inv, det) = inverse_spd3(&(ppp + r))?;
    let nu = z - position;
    let squared = nu.dot(&(s_inv * nu));
    // K = P Hᵀ S⁻¹ = [Ppp; Pvp] S⁻¹.
    let kp = ppp * s_inv;
    let kv = pvp * s_inv;
    // Joseph form with A = I − K H = [[I − Kp, 0], [−Kv, I]]:
    // P⁺ = A P Aᵀ + K R Kᵀ, block by block.
    let ap = Matrix3::identity() - kp;
    let av = -kv;
    let ppv = pvp.transpose();
    let ap_ppp = ap * ppp;
    let (kp_r, kv_r) = (times_noise(&kp, r), times_noise(&kv, r));
    let pp = ap_ppp * ap.transpose() + kp_r * kp.transpose();
    let pv = ap_ppp * av.transpose() + ap * ppv + kp_r * kv.transpose();
    let vv = (av * ppp + pvp) * av.transpose() + av * ppv + pvv + kv_r * kv.transpose();
    let dp = kp * nu;
    let dv = kv * nu;
    // One sum catches any NaN or infinity (they propagate through addition).
    let check = dp.sum() + dv.sum() + pp.sum() + pv.sum() + vv.sum();
    if !check.is_finite() {
        return None;
    }
    let ln_2pi = (2.0 * std::f64::consts::PI).ln();
    Some(CartesianStep {
        dp,
        dv,
        pp,
        pv,
        vv,
        log_likelihood: -0.5 * (squared + det.ln() + 3.0 * ln_2pi),
    })
}

/// The Kalman update of `g` with a Cartesian measurement, Joseph form in 3×3 blocks; returns
/// the measurement log-likelihood, or `None` (leaving `g` unchanged) when impossible.
pub fn cartesian_update(g: &mut Gaussian, z: &Vector3, r: &Matrix3) -> Option<f64> {
    let ppp = g.cov.fixed_view::<3, 3>(0, 0).into_owned();
    let pvp = g.cov.fixed_view::<3, 3>(3, 0).into_owned();
    let pvv = g.cov.fixed_view::<3, 3>(3, 3).into_owned();
    let step = cartesian_step(&ppp, &pvp, &pvv, &g.position(), z, r)?;
    for i in 0..3 {
        g.mean[i] += step.dp[i];
        g.mean[i + 3] += step.dv[i];
    }
    g.cov.fixed_view_mut::<3, 3>(0, 0).copy_from(&step.pp);
    g.cov.fixed_view_mut::<3, 3>(0, 3).copy_from(&step.pv);
    g.cov
        .fixed_view_mut::<3, 3>(3, 0)
        .copy_from(&step.pv.transpose());
    g.cov.fixed_view_mut::<3, 3>(3, 3).copy_from(&step.vv);
    g.symmetrise();
    Some(step.log_likelihood)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::gate_threshold;
    use crate::gaussian::{StateCovariance, StateVector};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The gate's compact distance is [`cartesian_distance`] to the bit inside the gate and
    /// `None` outside it, for random predictions and noises (full noise matrices included,
    /// and covariances whose lower triangle differs: only the upper one is read).
    #[test]
    fn gated_distance_is_the_plain_distance_to_the_bit() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let (mut inside, mut outside) = (0, 0);
        for case in 0..20_000 {
            let a = Matrix3::from_fn(|_, _| rng.random::<f64>() - 0.5) * 30.0;
            let mut cov = StateCovariance::identity() * 4.0;
            let block = a * a.transpose() + Matrix3::identity() * rng.random::<f64>();
            cov.fixed_view_mut::<3, 3>(0, 0).copy_from(&block);
            if case % 7 == 0 {
                cov[(1, 0)] += 1e-9; // an asymmetric rounding in the unread lower triangle
            }
            let mean = StateVector::from_fn(|_, _| rng.random::<f64>() * 1_000.0);
            let g = Gaussian::new(mean, cov);
            let b = Matrix3::from_fn(|_, _| rng.random::<f64>() - 0.5) * 10.0;
            let r = match case % 3 {
                0 => Matrix3::identity() * (1.0 + rng.random::<f64>() * 100.0),
                _ => b * b.transpose() + Matrix3::identity(),
            };
            let z = g.position() + Vector3::from_fn(|_, _| rng.random::<f64>() - 0.5) * 200.0;
            let upper = upper_position(&g);
            let position = [mean[0], mean[1], mean[2]];
            let gate = gate_threshold(3);
            let plain = cartesian_distance(&g, &z, &r).filter(|d| d.squared < gate);
            let gated = gated_cartesian_distance(&position, &upper, &z, &r, gate);
            match (plain, gated) {
                (Some(p), Some(q)) => {
                    inside += 1;
                    assert_eq!(p.squared.to_bits(), q.squared.to_bits(), "case {case}");
                    assert_eq!(p.ln_det_s.to_bits(), q.ln_det_s.to_bits(), "case {case}");
                    assert_eq!(q.dimension, 3);
                }
                (None, None) => outside += 1,
                other => panic!("case {case}: {other:?}"),
            }
        }
        assert!(inside > 1_000 && outside > 1_000, "{inside} / {outside}");
    }
}
