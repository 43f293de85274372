//! Mode S / ADS-B: Beast or AVR framing from `picket-modes`, decoded with its
//! [`ModeSDecoder`] (global CPR from even/odd pairs, local CPR from `--ref-lat/--ref-lon`).
//! Both framers resynchronise after bad bytes, so every framing error is reported and the
//! walk goes on.

use crate::{Decoded, DecodedRecord, Format, FormatError, Options};
use picket_modes::avr::AvrReader;
use picket_modes::beast::BeastReader;
use picket_modes::{Decoded as ModeS, DecoderConfig, FrameError, ModeSDecoder, RawFrame};

/// The Beast counter's rate, ticks per second.
const TICKS_PER_S: f64 = 12e6;

enum Framer<'a> {
    Beast(BeastReader<'a>),
    Avr(AvrReader<'a>),
}

/// What a Mode S walk remembers between chunks of a stream.
pub(crate) struct ModeState {
    decoder: ModeSDecoder,
    /// The first 12 MHz counter seen: times are counted from it.
    first_tick: Option<u64>,
    last_time_s: f64,
}

impl ModeState {
    pub(crate) fn new(options: &Options) -> Self {
        Self {
            decoder: ModeSDecoder::new(DecoderConfig {
                reference: options.reference,
                details: options.modes_details,
                ..DecoderConfig::default()
            }),
            first_tick: None,
            last_time_s: 0.0,
        }
    }
}

/// Mode S frames of a Beast or AVR input.
pub(crate) struct ModeSRecords<'a> {
    format: Format,
    framer: Framer<'a>,
    pub(crate) state: ModeState,
    options: Options,
}

impl<'a> ModeSRecords<'a> {
    pub(crate) fn new(format: Format, data: &'a [u8], options: Options) -> Self {
        let state = ModeState::new(&options);
        Self::resume(format, data, options, state)
    }

    /// Goes on from the state a previous walk left.
    pub(crate) fn resume(
        format: Format,
        data: &'a [u8],
        options: Options,
        state: ModeState,
    ) -> Self {
        let framer = if format == Format::Beast {
            Framer::Beast(BeastReader::new(data))
        } else {
            Framer::Avr(AvrReader::new(data))
        };
        Self {
            format,
            framer,
            state,
            options,
        }
    }

    /// Seconds since the first frame, from the receiver's counter; frames without one (or
    /// with a counter that went backwards, as after a receiver restart) keep the last time.
    fn time_s(&mut self, frame: &RawFrame) -> f64 {
        let state = &mut self.state;
        if let Some(tick) = frame.timestamp_12mhz {
            let first = *state.first_tick.get_or_insert(tick);
            if tick >= first {
                let t = (tick - first) as f64 / TICKS_PER_S;
                if t >= state.last_time_s {
                    state.last_time_s = t;
                }
            }
        }
        state.last_time_s
    }

    fn record(&mut self, frame: RawFrame) -> DecodedRecord {
        let time_s = self.time_s(&frame);
        let decoded = self.state.decoder.decode(&frame, time_s);
        let received = self.options.received.plus_s(time_s);
        let reports = self
            .state
            .decoder
            .report(&decoded, self.options.sensor, received)
            .into_iter()
            .collect();
        DecodedRecord {
            format: self.format,
            offset: frame.offset,
            frame: None,
            summary: summary(&decoded),
            json: decoded.to_json(),
            reports,
        }
    }
}

fn error(format: Format, e: &FrameError) -> FormatError {
    let reason = match e {
        FrameError::Garbage { .. } => "garbage",
        FrameError::UnknownType { .. } => "unknown_type",
        FrameError::BadEscape { .. } => "bad_escape",
        FrameError::Truncated { .. } => "truncated",
        FrameError::BadHex { .. } => "bad_hex",
        FrameError::BadLength { .. } => "bad_length",
        FrameError::MissingTerminator { .. } => "missing_terminator",
    };
    FormatError::new(format, e.offset(), reason, e.to_string())
}

impl Iterator for ModeSRecords<'_> {
    type Item = Decoded;

    fn next(&mut self) -> Option<Decoded> {
        let next = match &mut self.framer {
            Framer::Beast(r) => r.next()?,
            Framer::Avr(r) => r.next()?,
        };
        Some(match next {
            Ok(frame) => Ok(self.record(frame)),
            Err(e) => Err(error(self.format, &e)),
        })
    }
}

/// `DF17 406b90 TC11 KLM1023 38000ft 52.26578,3.93891 395kt 183° -832fpm`
fn summary(d: &ModeS) -> String {
    let mut s = match d.df {
        Some(df) => format!("DF{df}"),
        None => "Mode A/C".to_string(),
    };
    if let Some(icao) = d.icao {
        s.push_str(&format!(" {icao}"));
    }
    if d.crc_ok == Some(false) {
        s.push_str(" CRC-fail");
    }
    if let Some(tc) = d.tc {
        s.push_str(&format!(" TC{tc}"));
    }
    if let Some(cs) = &d.callsign {
        s.push_str(&format!(" {}", cs.as_str().trim()));
    }
    if let Some(sq) = d.squawk {
        s.push_str(&format!(" squawk {sq}"));
    }
    if let Some(alt) = d.altitude_ft {
        s.push_str(&format!(" {alt}ft"));
    }
    if let (Some(lat), Some(lon)) = (d.lat, d.lon) {
        s.push_str(&format!(" {lat:.5},{lon:.5}"));
    }
    if let Some(gs) = d.groundspeed_kt {
        s.push_str(&format!(" {gs:.0}kt"));
    }
    if let Some(trk) = d.track_deg {
        s.push_str(&format!(" {trk:.0}°"));
    }
    if let Some(vr) = d.vertical_rate_fpm {
        s.push_str(&format!(" {vr}fpm"));
    }
    // Comm-B and status registers rs1090 found ("bds" at the top, or one object per register).
    if let Some(details) = d.details.as_ref().and_then(|v| v.as_object()) {
        let registers: Vec<&str> = details
            .iter()
            .filter_map(|(k, v)| match k.as_str() {
                "bds" => v.as_str(),
                k if k.starts_with("bds") => v["bds"].as_str(),
                _ => None,
            })
            .collect();
        if !registers.is_empty() {
            s.push_str(&format!(" BDS{}", registers.join(",")));
        }
    }
    s
}
