//! Receivers of broadcasts: Remote ID (the drone's own GNSS position and serial) and ADS-B
//! (an aircraft's position and ICAO address). The position is the target's own report, so it
//! carries GNSS error, and it is forged when the target spoofs; reception gets patchy toward
//! the edge of range.

use super::{Measurement, Seen, Shape, Source};
use crate::config::ReceiverConfig;
use crate::kin::{add, norm, sub};
use crate::motion::gauss;
use crate::streams::SimRng;
use rand::Rng;

/// A Remote ID or ADS-B receiver.
#[derive(Debug, Clone)]
pub struct Receiver {
    /// Its configuration.
    pub config: ReceiverConfig,
}

impl Receiver {
    /// The receiver of `config`.
    pub fn new(config: &ReceiverConfig) -> Self {
        Self {
            config: config.clone(),
        }
    }

    /// Probability of receiving one message from `range_m` away: flat close in, falling to
    /// zero at the range limit.
    pub fn p_receive(&self, range_m: f64) -> f64 {
        let c = &self.config;
        if range_m >= c.max_range_m {
            return 0.0;
        }
        c.p_receive * (1.0 - (range_m / c.max_range_m).powi(4))
    }

    /// The message `target` broadcasts at `t_us`, if this receiver hears it.
    pub fn receive(
        &self,
        t_us: i64,
        sensor: usize,
        target: &Seen<'_>,
        rng: &mut SimRng,
    ) -> Option<Measurement> {
        let c = &self.config;
        let identity = target.signature.identity.clone()?;
        // Reception depends on where the transmitter really is, not on what it claims.
        let range_m = norm(sub(target.kin.pos, c.position_m));
        let heard = rng.random::<f64>() < self.p_receive(range_m);
        let noise = [gauss(rng), gauss(rng), gauss(rng)];
        if !heard {
            return None;
        }
        let claimed = add(
            target.kin.pos,
            target.signature.spoof_offset_m.unwrap_or([0.0; 3]),
        );
        let pos_m = [0, 1, 2].map(|i| claimed[i] + c.sigma_m * noise[i]);
        Some(Measurement {
            t_us,
            sensor,
            shape: Shape::Cartesian {
                pos_m,
                sigma_m: c.sigma_m,
            },
            radial_velocity: None,
            identity: Some(identity),
            class: None,
            source: Source::Target(target.index),
        })
    }
}
