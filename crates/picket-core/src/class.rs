//! Target classes and class probabilities.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What an object is. The order is the index into [`ClassProbs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// A small unmanned aircraft.
    Drone,
    /// A bird or a flock.
    Bird,
    /// A manned aircraft (fixed wing or rotorcraft).
    Aircraft,
    /// Anything else (clutter, vehicles, balloons...).
    Other,
}

impl Class {
    /// Every class, in index order.
    pub const ALL: [Class; 4] = [Class::Drone, Class::Bird, Class::Aircraft, Class::Other];

    /// The class's index in [`ClassProbs`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The lowercase name used in files and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Class::Drone => "drone",
            Class::Bird => "bird",
            Class::Aircraft => "aircraft",
            Class::Other => "other",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a class name that is not one of `drone`, `bird`, `aircraft`, `other`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown class {0:?}: expected drone, bird, aircraft or other")]
pub struct UnknownClass(pub String);

impl FromStr for Class {
    type Err = UnknownClass;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "drone" => Ok(Class::Drone),
            "bird" => Ok(Class::Bird),
            "aircraft" => Ok(Class::Aircraft),
            "other" => Ok(Class::Other),
            _ => Err(UnknownClass(s.to_owned())),
        }
    }
}

/// Probabilities (or unnormalised likelihoods) over [`Class::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassProbs(pub [f64; 4]);

impl Default for ClassProbs {
    /// The uninformative prior: every class equally likely.
    fn default() -> Self {
        Self([0.25; 4])
    }
}

impl ClassProbs {
    /// The probability of `class`.
    pub fn get(&self, class: Class) -> f64 {
        self.0[class.index()]
    }

    /// Sets the value for `class`.
    pub fn set(&mut self, class: Class, p: f64) {
        self.0[class.index()] = p;
    }

    /// Scales to sum 1; leaves the uniform prior when the sum is not positive and finite.
    pub fn normalized(mut self) -> Self {
        let sum: f64 = self.0.iter().sum();
        if sum > 0.0 && sum.is_finite() {
            self.0.iter_mut().for_each(|p| *p /= sum);
            self
        } else {
            Self::default()
        }
    }

    /// Bayesian fusion: multiplies by `likelihood` element-wise, then normalises. A floor keeps
    /// one confident sensor from zeroing a class forever.
    pub fn fuse(self, likelihood: &ClassProbs, floor: f64) -> Self {
        let mut out = self;
        for (p, l) in out.0.iter_mut().zip(likelihood.0) {
            *p *= l.max(floor);
        }
        out.normalized()
    }

    /// The most probable class and its probability (ties go to the earlier class).
    pub fn best(&self) -> (Class, f64) {
        let mut best = (Class::Drone, self.0[0]);
        for c in Class::ALL.into_iter().skip(1) {
            if self.get(c) > best.1 {
                best = (c, self.get(c));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuse_and_best() {
        let mut l = ClassProbs([0.0; 4]);
        l.set(Class::Bird, 0.9);
        l.set(Class::Drone, 0.1);
        let p = ClassProbs::default().fuse(&l, 1e-3);
        assert_eq!(p.best().0, Class::Bird);
        assert!((p.0.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!("aircraft".parse::<Class>().unwrap(), Class::Aircraft);
        assert!("plane".parse::<Class>().is_err());
    }
}
