//! [`ModeSDecoder`]: decoding with memory. A CPR position needs either an even/odd pair from
//! the same aircraft or a reference position, and address/parity replies can only be checked
//! against addresses already seen, so the decoder keeps a small per-aircraft state. The
//! state is bounded in size and age; time comes from the caller (no clock inside).

use crate::cpr::{self, CprPosition};
use crate::decoded::{Decoded, PositionMethod};
use crate::details::rs1090_details;
use crate::fields::decode_fields;
use crate::frame::RawFrame;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiplicative hash for 24-bit addresses: SipHash was a fifth of the decoder's time,
/// and the map is bounded, so hash flooding can only slow it down, not grow it.
#[derive(Debug, Clone, Copy, Default)]
struct IcaoHasher(u64);

impl Hasher for IcaoHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = (u64::from(i) ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type IcaoMap<V> = HashMap<u32, V, BuildHasherDefault<IcaoHasher>>;

/// How a [`ModeSDecoder`] behaves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecoderConfig {
    /// The receiver's position (latitude, longitude in degrees) for local CPR decoding of the
    /// first message of an aircraft (valid within 180 NM airborne, 45 NM on the surface).
    pub reference: Option<(f64, f64)>,
    /// Also decode Comm-B registers and status messages with rs1090 (slower).
    pub details: bool,
    /// Most aircraft remembered; beyond it the least recently seen are forgotten.
    pub max_aircraft: usize,
    /// An aircraft not heard for this long is forgotten, seconds.
    pub max_age_s: f64,
    /// Longest time between the two messages of an airborne even/odd pair, seconds
    /// (DO-260B §A.1.7.7: 10 s).
    pub pair_window_s: f64,
    /// Longest time a previous position serves as local CPR reference, seconds.
    pub local_reference_max_age_s: f64,
}

impl Default for DecoderConfig {
    fn default() -> Self {
        Self {
            reference: None,
            details: false,
            max_aircraft: 10_000,
            max_age_s: 300.0,
            pair_window_s: 10.0,
            local_reference_max_age_s: 60.0,
        }
    }
}

/// What the decoder remembers of one aircraft.
#[derive(Debug, Clone, Default)]
pub struct AircraftState {
    /// When it was last heard, seconds (caller's time).
    pub last_seen_s: f64,
    even: Option<(CprPosition, f64)>,
    odd: Option<(CprPosition, f64)>,
    /// Last resolved position (lat, lon in degrees) and when.
    pub position: Option<(f64, f64, f64)>,
    /// Last altitude, feet, and whether it was barometric.
    pub altitude_ft: Option<(i32, bool)>,
    /// Last ground speed (kt), track (deg), vertical rate (ft/min), NACv, and when.
    pub velocity: Option<(f64, f64, Option<i32>, u8, f64)>,
    /// Last NACp heard (TC 29 / 31).
    pub nac_p: Option<u8>,
    /// Last GNSS-minus-baro difference, feet.
    pub geo_minus_baro_ft: Option<i32>,
    /// Emitter category ("B6" is a UAV).
    pub category: Option<crate::values::Category>,
}

/// Decodes frames in arrival order, resolving CPR positions and verifying address/parity.
///
/// ```
/// use picket_modes::{ModeSDecoder, RawFrame};
/// let hex = |s: &str| -> Vec<u8> {
///     (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
/// };
/// let mut decoder = ModeSDecoder::default();
/// let even = RawFrame::new(0, &hex("8D40621D58C382D690C8AC2863A7")).unwrap();
/// let odd = RawFrame::new(14, &hex("8D40621D58C386435CC412692AD6")).unwrap();
/// assert_eq!(decoder.decode(&even, 0.0).lat, None);
/// let d = decoder.decode(&odd, 1.0);
/// assert!((d.lat.unwrap() - 52.26578).abs() < 1e-5 && (d.lon.unwrap() - 3.93891).abs() < 1e-5);
/// assert_eq!(d.altitude_ft, Some(38000));
/// ```
#[derive(Debug, Clone, Default)]
pub struct ModeSDecoder {
    config: DecoderConfig,
    aircraft: IcaoMap<AircraftState>,
}

impl ModeSDecoder {
    /// A decoder with the given configuration.
    pub fn new(config: DecoderConfig) -> Self {
        Self {
            config,
            aircraft: IcaoMap::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &DecoderConfig {
        &self.config
    }

    /// What is remembered of an aircraft.
    pub fn aircraft(&self, icao: u32) -> Option<&AircraftState> {
        self.aircraft.get(&icao)
    }

    /// Number of aircraft remembered.
    pub fn aircraft_count(&self) -> usize {
        self.aircraft.len()
    }

    /// Decodes one frame received at `time_s` (any monotonic seconds: receive time, or the
    /// 12 MHz counter / 12e6). Frames must come in time order for CPR pairing.
    pub fn decode(&mut self, frame: &RawFrame, time_s: f64) -> Decoded {
        let mut d = decode_fields(frame);
        if let Some(icao) = d.icao.map(|i| i.0) {
            match d.crc_ok {
                Some(true) => self.update(icao, time_s, &mut d),
                Some(false) => {}
                // Address/parity: the residual is an address; trust it if we know it.
                None => {
                    if let Some(state) = self.aircraft.get_mut(&icao)
                        && time_s - state.last_seen_s <= self.config.max_age_s
                    {
                        d.crc_ok = Some(true);
                        state.last_seen_s = state.last_seen_s.max(time_s);
                        if let Some(alt) = d.altitude_ft {
                            state.altitude_ft = Some((alt, true));
                        }
                    }
                }
            }
        }
        if self.config.details && d.crc_ok != Some(false) {
            match rs1090_details(frame.bytes()) {
                Ok(details) => d.details = details,
                Err(e) => d.error = Some(format!("rs1090: {e}")),
            }
        }
        d
    }

    /// Updates the state of a verified aircraft with this frame, filling `d.lat`/`d.lon`.
    fn update(&mut self, icao: u32, time_s: f64, d: &mut Decoded) {
        if !self.aircraft.contains_key(&icao) && self.aircraft.len() >= self.config.max_aircraft {
            self.evict(time_s);
        }
        let config = self.config;
        let state = self.aircraft.entry(icao).or_default();
        state.last_seen_s = time_s;
        if let Some(alt) = d.altitude_ft {
            state.altitude_ft = Some((alt, d.altitude_source != Some(crate::AltitudeSource::Gnss)));
        }
        if d.nac_p.is_some() {
            state.nac_p = d.nac_p;
        }
        if d.geo_minus_baro_ft.is_some() {
            state.geo_minus_baro_ft = d.geo_minus_baro_ft;
        }
        if d.category.is_some() {
            state.category = d.category;
        }
        if let (Some(gs), Some(track)) = (d.groundspeed_kt, d.track_deg) {
            let nac_v = d.nac_v.unwrap_or(0);
            state.velocity = Some((gs, track, d.vertical_rate_fpm, nac_v, time_s));
        }
        if let Some(c) = d.cpr {
            let message = CprPosition::from(c);
            if let Some((lat, lon, method)) = resolve(state, &config, message, time_s) {
                d.lat = Some(lat);
                d.lon = Some(lon);
                d.position_method = Some(method);
                state.position = Some((lat, lon, time_s));
            }
            let slot = if c.odd {
                &mut state.odd
            } else {
                &mut state.even
            };
            *slot = Some((message, time_s));
        }
    }

    /// Makes room: forgets aircraft older than `max_age_s`, then the least recently seen
    /// eighth if that was not enough (amortised, so a flood of new addresses stays cheap).
    fn evict(&mut self, now_s: f64) {
        let max_age = self.config.max_age_s;
        self.aircraft
            .retain(|_, s| now_s - s.last_seen_s <= max_age);
        if self.aircraft.len() < self.config.max_aircraft {
            return;
        }
        let mut seen: Vec<f64> = self.aircraft.values().map(|s| s.last_seen_s).collect();
        if seen.is_empty() {
            return;
        }
        let k = (seen.len() / 8).max(1).min(seen.len() - 1);
        let (_, cut, _) = seen.select_nth_unstable_by(k, f64::total_cmp);
        let cut = *cut;
        self.aircraft.retain(|_, s| s.last_seen_s > cut);
    }
}

/// Resolves a CPR message: a global pair first, then locally around the aircraft's last
/// position, then around the receiver's reference.
fn resolve(
    state: &AircraftState,
    config: &DecoderConfig,
    message: CprPosition,
    time_s: f64,
) -> Option<(f64, f64, PositionMethod)> {
    let fresh = |(_, t): &(CprPosition, f64)| (time_s - t).abs() <= config.pair_window_s;
    let other = if message.odd { state.even } else { state.odd };
    if !message.surface
        && let Some((other, _)) = other.filter(fresh).filter(|(o, _)| !o.surface)
        && let Some((lat, lon)) = cpr::global_airborne(&other, &message)
    {
        // A pair straddling a zone boundary decodes wrongly; check it against what we know.
        let near_last = state.position.is_none_or(|(plat, plon, _)| {
            (lat - plat).abs() < 3.0 && cpr::lon_diff_deg(lon, plon).abs() < 3.0
        });
        if near_last {
            return Some((lat, lon, PositionMethod::Global));
        }
    }
    if let Some((plat, plon, t)) = state.position
        && time_s - t <= config.local_reference_max_age_s
        && let Some((lat, lon)) = cpr::local(&message, plat, plon)
    {
        return Some((lat, lon, PositionMethod::LocalAircraft));
    }
    let (rlat, rlon) = config.reference?;
    cpr::local(&message, rlat, rlon).map(|(lat, lon)| (lat, lon, PositionMethod::LocalReference))
}
