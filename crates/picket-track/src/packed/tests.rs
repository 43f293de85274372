//! The packed kernels against the dense definitions they replace.

use super::*;
use crate::fast::cartesian_update;
use crate::measurement::MeasurementModel;
use crate::update::kalman_update;

fn sample() -> Gaussian {
    let mut a = StateCovariance::zeros();
    for i in 0..6 {
        for j in 0..6 {
            a[(i, j)] = ((i * 7 + j * 3) % 5) as f64 * 0.3 + if i == j { 2.0 } else { 0.0 };
        }
    }
    let cov = a * a.transpose() * 10.0;
    Gaussian::new(
        StateVector::from([120.0, -40.0, 80.0, 12.0, -3.0, 0.5]),
        cov,
    )
}

fn close(a: &Gaussian, b: &Gaussian) {
    for (x, y) in a.mean.iter().zip(&b.mean).chain(a.cov.iter().zip(&b.cov)) {
        assert!((x - y).abs() <= 1e-9 * (1.0 + y.abs()), "{a:?}\n{b:?}");
    }
}

#[test]
fn indices_cover_the_triangle_in_order() {
    for (k, &(i, j)) in UNPACK.iter().enumerate() {
        assert_eq!(idx(i, j), k);
    }
    let g = sample();
    close(&Packed::pack(&g).unpack(), &g);
}

#[test]
fn prediction_matches_the_dense_model() {
    for turn in [0.0, 0.07, -0.07] {
        let model = LinearMotion {
            turn_rate_rad_s: turn,
            q_horizontal: 0.5,
            q_vertical: 0.2,
        };
        for dt in [0.1, 1.0, 4.0] {
            let prepared = model.prepare(dt);
            let mut dense = sample();
            model.predict_prepared(&mut dense, &prepared);
            let mut packed = Packed::pack(&sample());
            packed.predict(&model, &prepared);
            close(&packed.unpack(), &dense);
        }
    }
}

#[test]
fn update_matches_the_joseph_form() {
    let z = Vector3::new(125.0, -38.0, 79.0);
    let r = Matrix3::new(9.0, 1.0, 0.5, 1.0, 16.0, -0.3, 0.5, -0.3, 4.0);
    let mut joseph = sample();
    cartesian_update(&mut joseph, &z, &r).unwrap();
    let mut packed = Packed::pack(&sample());
    let fit = packed.cartesian_update(&z, &r).unwrap();
    close(&packed.unpack(), &joseph);
    let s = sample().cov.fixed_view::<3, 3>(0, 0) + r;
    assert!((fit.sqrt_det - s.determinant().sqrt()).abs() < 1e-9 * fit.sqrt_det);
    let nu = z - sample().position();
    let d2 = nu.dot(&(s.try_inverse().unwrap() * nu));
    assert!((fit.squared - d2).abs() < 1e-9 * d2);
}

#[test]
fn polar_update_matches_the_ekf() {
    let sensor = Vector3::new(-300.0, 200.0, 10.0);
    // Range, azimuth and elevation; the last two azimuths straddle ±π.
    for az in [0.3, -3.1, 3.1] {
        let z = Vector3::new(480.0, az, 0.15);
        let sigma = Vector3::new(15.0, 0.01, 0.02);
        let model = MeasurementModel::Polar {
            sensor,
            z,
            sigma,
            radial: None,
        };
        let mut ekf = sample();
        if az.abs() > 3.0 {
            // South of the sensor the azimuth is near ±π: the residual must wrap.
            ekf.mean[0] = sensor.x + 5.0;
            ekf.mean[1] = sensor.y - 400.0;
        }
        let prior = Packed::pack(&ekf);
        kalman_update(&mut ekf, &model).unwrap();
        let mut gain = [Gain::default()];
        assert!(Packed::polar_gains(
            &[prior],
            &sensor,
            &z,
            &sigma,
            &mut gain
        ));
        let mut packed = prior;
        packed.apply(&gain[0]);
        close(&packed.unpack(), &ekf);
    }
}

#[test]
fn impossible_update_changes_nothing() {
    let mut packed = Packed::pack(&sample());
    let before = packed;
    let z = Vector3::new(f64::NAN, 0.0, 0.0);
    assert!(packed.cartesian_update(&z, &Matrix3::identity()).is_none());
    assert_eq!(packed, before);
}

#[test]
fn mixture_matches_the_definition() {
    let a = sample();
    let mut b = sample();
    b.mean[0] += 30.0;
    b.mean[4] -= 2.0;
    b.cov *= 2.0;
    let w = [0.3, 0.7];
    let modes = [Packed::pack(&a), Packed::pack(&b)];
    let mut mixed = sample();
    Packed::mix_into_gaussian(&modes, &w, &mut mixed);
    let mut each = modes;
    Packed::mix_each(&mut each, &[w, [1.0, 0.0]]);
    close(&each[0].unpack(), &mixed);
    close(&each[1].unpack(), &a);
    let mean = a.mean * w[0] + b.mean * w[1];
    let (da, db) = (a.mean - mean, b.mean - mean);
    let cov = (a.cov + da * da.transpose()) * w[0] + (b.cov + db * db.transpose()) * w[1];
    close(&mixed, &Gaussian::new(mean, cov));
}

/// The row-by-row downdate `P −= W Wᵀ`, `x += W y` (on `W`'s columns) is, to the bit, the
/// entry-by-entry loop with three-term dot products of `W`'s rows that it replaces; the gain
/// itself passes the same positivity check.
#[test]
fn apply_is_the_entrywise_downdate_to_the_bit() {
    let dot3 = |a: &[f64; 3], b: &[f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let base = sample();
    for case in 0..200 {
        let t = case as f64;
        let z = Vector3::new(
            125.0 + (t * 0.7).sin() * 30.0,
            -38.0 + t.cos() * 20.0,
            79.0 + t * 0.1,
        );
        let r = Matrix3::new(
            9.0 + t,
            1.0,
            0.5,
            1.0,
            16.0,
            -0.3 * (t * 0.3).sin(),
            0.5,
            -0.3 * (t * 0.3).sin(),
            4.0 + 0.5 * t,
        );
        let mut prior = Packed::pack(&base);
        prior.mean[3] += t;
        prior.upper[20] *= 1.0 + t / 50.0;
        let mut gain = [Gain::default()];
        assert!(Packed::cartesian_gains(&[prior], &z, &r, &mut gain));
        let g = &gain[0];
        let rows: [[f64; 3]; 6] = std::array::from_fn(|i| [g.w[0][i], g.w[1][i], g.w[2][i]]);
        let mut want = prior;
        let mut k = 0;
        for i in 0..6 {
            for j in i..6 {
                want.upper[k] -= dot3(&rows[i], &rows[j]);
                k += 1;
            }
            want.mean[i] += dot3(&rows[i], &g.y);
        }
        let mut got = prior;
        got.apply(g);
        assert_eq!(
            got.mean.map(f64::to_bits),
            want.mean.map(f64::to_bits),
            "case {case}"
        );
        assert_eq!(
            got.upper.map(f64::to_bits),
            want.upper.map(f64::to_bits),
            "case {case}"
        );
        assert!(got != prior);
    }
}

/// The IMM mixing by its definition, on dense matrices: new mode `j` is the moment-matched
/// mixture `Σᵢ wⱼᵢ N(mᵢ, Pᵢ)`: mean `Σ wⱼᵢ mᵢ`, covariance `Σ wⱼᵢ (Pᵢ + (mᵢ − m)(mᵢ − m)ᵀ)`.
fn mix_each_definition<const K: usize>(modes: &[Packed; K], w: &[[f64; K]; K]) -> [Gaussian; K] {
    let dense = modes.map(|m| m.unpack());
    std::array::from_fn(|j| {
        let mean = (0..K).fold(StateVector::zeros(), |acc, i| acc + dense[i].mean * w[j][i]);
        let cov = (0..K).fold(StateCovariance::zeros(), |acc, i| {
            let d = dense[i].mean - mean;
            acc + (dense[i].cov + d * d.transpose()) * w[j][i]
        });
        Gaussian::new(mean, cov)
    })
}

/// Three modes with general weights (mode 0, the origin the kernel offsets from, included):
/// the kernel forms each second moment in one pass and must still be the definition.
#[test]
fn mix_each_matches_the_definition() {
    for case in 0..100 {
        let t = case as f64;
        let mut modes = [Packed::pack(&sample()); 3];
        for (i, m) in modes.iter_mut().enumerate() {
            let s = (i + 1) as f64;
            m.mean[0] += s * (t * 0.37).sin() * 40.0;
            m.mean[1] -= s * t * 0.9;
            m.mean[4] += s * (t * 0.11).cos();
            for (k, u) in m.upper.iter_mut().enumerate() {
                *u *= 1.0 + 0.01 * ((k + i) as f64 + t).sin().abs();
            }
        }
        let p = 0.05 + 0.9 * (t * 0.13).sin().abs();
        let q = (1.0 - p) / 2.0;
        let w = [[p, q, q], [q, p, q], [0.2, 0.3, 0.5]];
        let want = mix_each_definition(&modes, &w);
        let mut got = modes;
        Packed::mix_each(&mut got, &w);
        for (g, r) in got.iter().zip(&want) {
            close(&g.unpack(), r);
        }
    }
}
