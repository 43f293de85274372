//! Reports without the rest of what [`picket_formats::decode`] builds: the live path needs
//! only the reports, not each record's JSON view and summary line (those are for
//! `picket decode`). Each function gives the same reports as the general decoder or returns
//! false (anything it does not handle cleanly: the caller then decodes the frame the general
//! way, which also names the error).

use picket_core::Report;
use picket_formats::{Format, Options};

/// Appends the reports of `bytes` to `out` and returns true, or returns false (with `out`
/// possibly extended: the caller truncates) when the general decoder must run.
pub fn reports(format: Format, bytes: &[u8], options: &Options, out: &mut Vec<Report>) -> bool {
    match format {
        Format::Asterix => asterix_reports(bytes, options, out),
        Format::RemoteId => remoteid_reports(bytes, options, out),
        Format::Beast => beast_reports(bytes, options, out),
        _ => false,
    }
}

/// Mode S reports of a Beast frame, as `picket_formats`' Mode S walk makes them (a fresh
/// decoder per frame, times from the receiver's 12 MHz counter) without its JSON and summary.
fn beast_reports(bytes: &[u8], options: &Options, out: &mut Vec<Report>) -> bool {
    use picket_formats::picket_modes::{DecoderConfig, ModeSDecoder, beast::BeastReader};
    /// The Beast counter's rate, ticks per second.
    const TICKS_PER_S: f64 = 12e6;
    let mut decoder = ModeSDecoder::new(DecoderConfig {
        reference: options.reference,
        details: options.modes_details,
        ..DecoderConfig::default()
    });
    let (mut first_tick, mut last_time_s) = (None, 0.0);
    for frame in BeastReader::new(bytes) {
        let Ok(frame) = frame else {
            return false;
        };
        // Seconds since the frame's first counter; a counter going backwards keeps the last.
        if let Some(tick) = frame.timestamp_12mhz {
            let first = *first_tick.get_or_insert(tick);
            if tick >= first {
                let t = (tick - first) as f64 / TICKS_PER_S;
                if t >= last_time_s {
                    last_time_s = t;
                }
            }
        }
        let decoded = decoder.decode(&frame, last_time_s);
        let received = options.received.plus_s(last_time_s);
        out.extend(decoder.report(&decoded, options.sensor, received));
    }
    true
}

/// Remote ID reports of a datagram holding one message, without the JSON view and summary
/// [`picket_formats::decode`] also builds, assembled as it assembles them (a fresh assembler
/// per frame). False for anything else (packs, errors): the general decoder then runs.
fn remoteid_reports(bytes: &[u8], options: &Options, out: &mut Vec<Report>) -> bool {
    use picket_formats::picket_remoteid::{MESSAGE_LEN, RemoteIdAssembler, decode_message};
    /// The message-pack type nibble: packs take the general path.
    const PACK_NIBBLE: u8 = 0xf;
    if bytes.len() != MESSAGE_LEN || bytes[0] >> 4 == PACK_NIBBLE {
        return false;
    }
    let Ok(envelope) = decode_message(bytes) else {
        return false;
    };
    out.extend(RemoteIdAssembler::default().push_all(
        options.sensor,
        [0; 6],
        options.received,
        std::slice::from_ref(&envelope),
    ));
    true
}

/// ASTERIX reports without the JSON view [`picket_formats::decode`] also builds (the view is
/// for `picket decode`; the live path needs only the reports). False when any block or record
/// does not decode cleanly: the caller then decodes the frame the general way, which names
/// the error, so both paths give the same reports.
fn asterix_reports(bytes: &[u8], options: &Options, out: &mut Vec<Report>) -> bool {
    use picket_formats::picket_asterix::{Reader, ReportContext, spec, to_report};
    let ctx = ReportContext::new(options.sensor, options.received);
    let mut pos = 0;
    while pos < bytes.len() {
        let Some(&[cat, hi, lo]) = bytes[pos..].first_chunk::<3>() else {
            return false;
        };
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        if len <= 3 || pos + len > bytes.len() || spec::lookup(cat, None).is_none() {
            return false;
        }
        let mut reader = Reader::new(&bytes[pos..pos + len], &options.editions);
        loop {
            match reader.next_record() {
                Ok(Some(record)) => {
                    if let Ok(Some(r)) = to_report(&record, &ctx) {
                        out.push(r);
                    }
                }
                Ok(None) => break,
                Err(_) => return false,
            }
        }
        pos += len;
    }
    pos > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use picket_core::{SensorId, Timestamp};

    /// The reports of the general decoder.
    fn general(format: Format, bytes: &[u8], options: &Options) -> Vec<Report> {
        picket_formats::decode(format, bytes, options)
            .flat_map(|r| r.map(|r| r.reports).unwrap_or_default())
            .collect()
    }

    fn options() -> Options {
        Options {
            reference: Some((51.47, -0.45)),
            sensor: SensorId(2),
            received: Timestamp::from_secs(1_795_000_000.25).unwrap(),
            ..Options::default()
        }
    }

    #[test]
    fn the_same_reports_as_the_general_decoders() {
        use picket_formats::picket_asterix::{builders::Plot048, spec};
        use picket_formats::picket_modes::{beast::write_beast, encode::airborne_position};
        use picket_formats::picket_remoteid::{Envelope, Location, Message};
        let options = options();
        let mut beast = Vec::new();
        for (k, icao) in [0x40_6B_90, 0x40_6B_91, 0x40_6B_90].into_iter().enumerate() {
            let frame = airborne_position(icao, 11, 51.5, -0.4, 3000, k % 2 == 1).unwrap();
            write_beast(&frame, &mut beast);
        }
        let rid = Envelope::new(Message::Location(Location {
            status: 2,
            latitude: 51.48,
            longitude: -0.44,
            altitude_geo: 80.0,
            height: 80.0,
            ..Location::default()
        }))
        .encode()
        .to_vec();
        let mut plot = Plot048::new(0, 1, 3_600.5);
        plot.range_nm = 2.0;
        plot.azimuth_deg = 40.0;
        let asterix = plot.encode_block(spec::lookup(48, None).unwrap()).unwrap();
        for (format, bytes) in [
            (Format::Beast, beast),
            (Format::RemoteId, rid),
            (Format::Asterix, asterix),
        ] {
            let mut fast = Vec::new();
            assert!(reports(format, &bytes, &options, &mut fast), "{format}");
            assert!(!fast.is_empty(), "{format}");
            assert_eq!(fast, general(format, &bytes, &options), "{format}");
        }
        // What they do not handle cleanly goes to the general decoder.
        let mut out = Vec::new();
        assert!(!reports(Format::Asterix, &[48, 0, 2], &options, &mut out));
        assert!(!reports(Format::RemoteId, &[0x12; 24], &options, &mut out));
    }
}
