//! From Remote ID messages to picket [`Report`]s.
//!
//! Identity (Basic ID), operator position (System) and location arrive in separate messages,
//! or together in a pack. [`RemoteIdAssembler`] remembers the latest identity messages per
//! transmitter address and emits one report per Location message. It is bounded in size and
//! age, and takes time from the caller (no clock).

use crate::location::{horizontal_accuracy_m, speed_accuracy_mps, vertical_accuracy_m};
use crate::{
    BasicId, Envelope, ID_TYPE_CAA_REGISTRATION, ID_TYPE_SERIAL_NUMBER, Location, Message,
    OperatorId, System, VERTICAL_SPEED_UNKNOWN_MPS,
};
use picket_core::{
    ClassProbs, Geodetic, Identity, Measurement, Report, SensorId, Timestamp, Velocity,
};
use std::collections::HashMap;

/// 95 % → 1-sigma for a 2-D circular error (sqrt of the chi-square 2-dof 95 % quantile).
const HORIZONTAL_95_TO_SIGMA: f64 = 2.4477;
/// 95 % → 1-sigma for a 1-D normal error.
const VERTICAL_95_TO_SIGMA: f64 = 1.96;
/// Sigmas used when the transmitter declares its accuracy unknown.
const UNKNOWN_HORIZONTAL_95_M: f64 = 18520.0;
const UNKNOWN_VERTICAL_95_M: f64 = 150.0;
const UNKNOWN_SPEED_95_MPS: f64 = 10.0;
/// Vertical sigma when no altitude at all is broadcast, m.
const NO_ALTITUDE_SIGMA_M: f64 = 1000.0;
/// Class likelihoods of a Remote ID emitter: F3411 is for unmanned aircraft.
const DRONE_LIKELIHOOD: [f64; 4] = [0.97, 0.01, 0.01, 0.01];
const SECONDS_PER_HOUR: f64 = 3600.0;
/// A broadcast timestamp further than this from the receive time is not believed: F3411 asks
/// for sub-second latency, so such a gap means the transmitter's clock (or the field) is wrong.
const MAX_CLOCK_GAP_S: f64 = 10.0;

/// One Location message as a report, with identity from `basic_id` and the operator position
/// from `system` when given. `None` when the location has no position.
///
/// Sensor time comes from the message's tenths-of-seconds-past-the-hour, placed in the hour
/// (±30 min) around `received`; `received` itself when the timestamp is unknown or more than
/// 10 s away from it.
pub fn to_report(
    sensor: SensorId,
    received: Timestamp,
    location: &Location,
    basic_id: Option<&BasicId>,
    system: Option<&System>,
) -> Option<Report> {
    if !location.has_position() {
        return None;
    }
    let (alt_m, vertical_95_m) = altitude(location);
    let sigma_h_m = horizontal_accuracy_m(location.horiz_accuracy)
        .unwrap_or(UNKNOWN_HORIZONTAL_95_M)
        / HORIZONTAL_95_TO_SIGMA;
    let measurement = Measurement::Geodetic {
        position: Geodetic {
            lat_deg: location.latitude,
            lon_deg: location.longitude,
            alt_m,
        },
        sigma_h_m,
        sigma_v_m: vertical_95_m / VERTICAL_95_TO_SIGMA,
    };
    let mut report = Report::new(sensor, sensor_time(location, received), measurement);
    report.received = received;
    report.velocity = velocity(location);
    report.identity = basic_id
        .filter(|b| !b.uas_id.bytes().is_empty())
        .map(|b| Identity::RemoteId(b.uas_id.as_str().into_owned()));
    report.class = Some(ClassProbs(DRONE_LIKELIHOOD));
    report.pilot = system
        .filter(|s| s.has_operator_position())
        .map(|s| Geodetic {
            lat_deg: s.operator_latitude,
            lon_deg: s.operator_longitude,
            alt_m: if s.operator_altitude_geo > crate::ALTITUDE_UNKNOWN_M {
                s.operator_altitude_geo
            } else {
                0.0
            },
        });
    report.validate().ok()?;
    Some(report)
}

/// The best altitude (geodetic, else pressure) and its 95 % bound, m.
fn altitude(l: &Location) -> (f64, f64) {
    let unknown = crate::ALTITUDE_UNKNOWN_M;
    if l.altitude_geo > unknown {
        let acc = vertical_accuracy_m(l.vert_accuracy).unwrap_or(UNKNOWN_VERTICAL_95_M);
        (l.altitude_geo, acc)
    } else if l.altitude_baro > unknown {
        let acc = vertical_accuracy_m(l.baro_accuracy).unwrap_or(UNKNOWN_VERTICAL_95_M);
        (l.altitude_baro, acc)
    } else {
        (0.0, NO_ALTITUDE_SIGMA_M * VERTICAL_95_TO_SIGMA)
    }
}

fn velocity(l: &Location) -> Option<Velocity> {
    if !l.has_velocity() {
        return None;
    }
    let track = l.direction.to_radians();
    let vz = if l.speed_vertical.abs() < VERTICAL_SPEED_UNKNOWN_MPS {
        l.speed_vertical
    } else {
        0.0
    };
    let bound = speed_accuracy_mps(l.speed_accuracy).unwrap_or(UNKNOWN_SPEED_95_MPS);
    Some(Velocity {
        vx: l.speed_horizontal * track.sin(),
        vy: l.speed_horizontal * track.cos(),
        vz,
        sigma_mps: bound / VERTICAL_95_TO_SIGMA,
    })
}

fn sensor_time(l: &Location, received: Timestamp) -> Timestamp {
    let since_hour_s = l.time_stamp;
    if !(0.0..SECONDS_PER_HOUR).contains(&since_hour_s) {
        return received;
    }
    let r = received.as_secs();
    let hour_start = (r / SECONDS_PER_HOUR).floor() * SECONDS_PER_HOUR;
    let mut t = hour_start + since_hour_s;
    if t - r > SECONDS_PER_HOUR / 2.0 {
        t -= SECONDS_PER_HOUR;
    } else if r - t > SECONDS_PER_HOUR / 2.0 {
        t += SECONDS_PER_HOUR;
    }
    if (t - r).abs() > MAX_CLOCK_GAP_S {
        return received;
    }
    Timestamp::from_secs(t).unwrap_or(received)
}

/// What is remembered about one transmitter.
#[derive(Debug, Clone)]
struct Emitter {
    last_seen: Timestamp,
    /// The latest serial number or CAA registration, and the latest other id (session, UTM).
    registered_id: Option<(BasicId, Timestamp)>,
    other_id: Option<(BasicId, Timestamp)>,
    system: Option<(System, Timestamp)>,
    operator_id: Option<(OperatorId, Timestamp)>,
}

/// Joins Basic ID, System and Operator ID messages to the Location messages of the same
/// transmitter (keyed by its MAC / BLE address) and turns each Location into a [`Report`].
#[derive(Debug, Clone)]
pub struct RemoteIdAssembler {
    emitters: HashMap<[u8; 6], Emitter>,
    max_emitters: usize,
    max_age_s: f64,
}

impl Default for RemoteIdAssembler {
    /// 4096 transmitters, identity forgotten after 60 s without a refresh.
    fn default() -> Self {
        Self::new(4096, 60.0)
    }
}

impl RemoteIdAssembler {
    /// Remembers at most `max_emitters` transmitters (the least recently heard is forgotten
    /// first) and uses identity messages at most `max_age_s` old.
    pub fn new(max_emitters: usize, max_age_s: f64) -> Self {
        Self {
            emitters: HashMap::new(),
            max_emitters: max_emitters.max(1),
            max_age_s,
        }
    }

    /// Number of transmitters remembered.
    pub fn len(&self) -> usize {
        self.emitters.len()
    }

    /// True when no transmitter is remembered.
    pub fn is_empty(&self) -> bool {
        self.emitters.is_empty()
    }

    /// The latest Operator ID heard from `address`, if fresh.
    pub fn operator_id(&self, address: &[u8; 6], now: Timestamp) -> Option<&OperatorId> {
        let fresh = |t: Timestamp| now.since_s(t) <= self.max_age_s;
        self.emitters
            .get(address)?
            .operator_id
            .as_ref()
            .filter(|(_, t)| fresh(*t))
            .map(|(o, _)| o)
    }

    /// Takes one message; returns a report when it is a Location with a position.
    pub fn push(
        &mut self,
        sensor: SensorId,
        address: [u8; 6],
        received: Timestamp,
        envelope: &Envelope,
    ) -> Option<Report> {
        let max_age_s = self.max_age_s;
        let emitter = self.emitter(address, received);
        emitter.last_seen = received;
        match &envelope.message {
            Message::BasicId(b)
                if matches!(b.id_type, ID_TYPE_SERIAL_NUMBER | ID_TYPE_CAA_REGISTRATION) =>
            {
                emitter.registered_id = Some((*b, received));
            }
            Message::BasicId(b) => emitter.other_id = Some((*b, received)),
            Message::System(s) => emitter.system = Some((*s, received)),
            Message::OperatorId(o) => emitter.operator_id = Some((*o, received)),
            Message::Location(l) => {
                let fresh = |t: &Timestamp| received.since_s(*t) <= max_age_s;
                let id = [&emitter.registered_id, &emitter.other_id]
                    .into_iter()
                    .flatten()
                    .find(|(_, t)| fresh(t))
                    .map(|(b, _)| b);
                let system = emitter
                    .system
                    .as_ref()
                    .filter(|(_, t)| fresh(t))
                    .map(|(s, _)| s);
                return to_report(sensor, received, l, id, system);
            }
            Message::Auth(_) | Message::SelfId(_) => {}
        }
        None
    }

    /// Takes the messages of one pack or frame: identity first, so a Location in the same pack
    /// already carries it.
    pub fn push_all(
        &mut self,
        sensor: SensorId,
        address: [u8; 6],
        received: Timestamp,
        envelopes: &[Envelope],
    ) -> Vec<Report> {
        let is_location = |e: &&Envelope| matches!(e.message, Message::Location(_));
        for e in envelopes.iter().filter(|e| !is_location(e)) {
            self.push(sensor, address, received, e);
        }
        envelopes
            .iter()
            .filter(is_location)
            .filter_map(|e| self.push(sensor, address, received, e))
            .collect()
    }

    fn emitter(&mut self, address: [u8; 6], now: Timestamp) -> &mut Emitter {
        if !self.emitters.contains_key(&address) && self.emitters.len() >= self.max_emitters {
            let oldest = self
                .emitters
                .iter()
                .min_by(|a, b| a.1.last_seen.cmp(&b.1.last_seen))
                .map(|(k, _)| *k);
            if let Some(k) = oldest {
                self.emitters.remove(&k);
            }
        }
        self.emitters.entry(address).or_insert(Emitter {
            last_seen: now,
            registered_id: None,
            other_id: None,
            system: None,
            operator_id: None,
        })
    }
}
