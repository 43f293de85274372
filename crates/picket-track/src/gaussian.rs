//! The Gaussian state estimate `[x, y, z, vx, vy, vz]` (site ENU metres, m/s) and its hygiene.

use nalgebra::{SMatrix, SVector};

/// A state vector `[x, y, z, vx, vy, vz]`: position in site ENU metres, velocity in m/s.
pub type StateVector = SVector<f64, 6>;
/// A 6×6 covariance of a [`StateVector`], SI units.
pub type StateCovariance = SMatrix<f64, 6, 6>;
/// A 3-vector (positions, measurement vectors).
pub type Vector3 = SVector<f64, 3>;
/// A 3×3 matrix.
pub type Matrix3 = SMatrix<f64, 3, 3>;

/// A Gaussian estimate of one target's state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gaussian {
    /// Mean `[x, y, z, vx, vy, vz]`.
    pub mean: StateVector,
    /// Covariance of the mean, symmetric positive definite.
    pub cov: StateCovariance,
}

impl Gaussian {
    /// A Gaussian from its parts.
    pub fn new(mean: StateVector, cov: StateCovariance) -> Self {
        Self { mean, cov }
    }

    /// The position part of the mean.
    pub fn position(&self) -> Vector3 {
        self.mean.fixed_rows::<3>(0).into_owned()
    }

    /// The velocity part of the mean.
    pub fn velocity(&self) -> Vector3 {
        self.mean.fixed_rows::<3>(3).into_owned()
    }

    #[inline]
    /// Forces exact symmetry, undoing the rounding that accumulates in `F P Fᵀ` and updates.
    pub fn symmetrise(&mut self) {
        symmetrise(&mut self.cov);
    }

    /// True when every number is finite.
    pub fn is_finite(&self) -> bool {
        self.mean
            .iter()
            .chain(self.cov.iter())
            .all(|v| v.is_finite())
    }

    /// True when the covariance is symmetric and positive definite (a Cholesky exists).
    pub fn is_positive_definite(&self) -> bool {
        is_symmetric_positive_definite(&self.cov)
    }
}

/// Sets `m` to `(m + mᵀ) / 2`.
#[inline]
pub fn symmetrise<const N: usize>(m: &mut SMatrix<f64, N, N>) {
    for i in 0..N {
        for j in (i + 1)..N {
            let v = 0.5 * (m[(i, j)] + m[(j, i)]);
            m[(i, j)] = v;
            m[(j, i)] = v;
        }
    }
}

/// True when `m` is finite, symmetric to rounding, and has a Cholesky factor.
pub fn is_symmetric_positive_definite<const N: usize>(m: &SMatrix<f64, N, N>) -> bool {
    if !m.iter().all(|v| v.is_finite()) {
        return false;
    }
    let scale = m.iter().fold(0.0_f64, |a, v| a.max(v.abs())).max(1e-300);
    for i in 0..N {
        for j in (i + 1)..N {
            if (m[(i, j)] - m[(j, i)]).abs() > 1e-9 * scale {
                return false;
            }
        }
    }
    m.cholesky().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetrise_and_check() {
        let mut g = Gaussian::new(StateVector::zeros(), StateCovariance::identity());
        g.cov[(0, 1)] = 0.2;
        assert!(!g.is_positive_definite());
        g.symmetrise();
        assert!(g.is_positive_definite());
        assert_eq!(g.cov[(1, 0)], 0.1);
        g.cov[(2, 2)] = -1.0;
        assert!(!g.is_positive_definite());
        g.mean[0] = f64::NAN;
        assert!(!g.is_finite());
    }
}
