//! Small 3-vector helpers and the kinematic state of a target, in site ENU metres.

/// A 3-vector (x east, y north, z up), metres or m/s.
pub type V3 = [f64; 3];

/// `a + b`.
pub fn add(a: V3, b: V3) -> V3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

/// `a - b`.
pub fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// `k * a`.
pub fn scale(a: V3, k: f64) -> V3 {
    [a[0] * k, a[1] * k, a[2] * k]
}

/// `a · b`.
pub fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// `|a|`.
pub fn norm(a: V3) -> f64 {
    dot(a, a).sqrt()
}

/// Horizontal length of `a`.
pub fn norm_h(a: V3) -> f64 {
    a[0].hypot(a[1])
}

/// `a` shortened to at most `max` long (unchanged when shorter).
pub fn clamp_len(a: V3, max: f64) -> V3 {
    let n = norm(a);
    if n > max && n > 0.0 {
        scale(a, max / n)
    } else {
        a
    }
}

/// Position and velocity of a target.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Kinematics {
    /// Position, metres.
    pub pos: V3,
    /// Velocity, m/s.
    pub vel: V3,
}

impl Kinematics {
    /// The state `dt_s` later at constant velocity: used to read a state between motion ticks.
    pub fn extrapolate(&self, dt_s: f64) -> Kinematics {
        Kinematics {
            pos: add(self.pos, scale(self.vel, dt_s)),
            vel: self.vel,
        }
    }
}
