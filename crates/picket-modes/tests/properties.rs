//! Property tests: our fast field decoding agrees with rs1090 on random frames; encoders
//! round-trip through framing and decoding within the quantisation of each field; no input
//! makes the framers or the decoder panic.

use picket_modes::beast::{BeastReader, write_beast};
use picket_modes::{
    AltitudeSource, Category, DecoderConfig, FrameError, ModeSDecoder, RawFrame, avr, cpr, encode,
    fields,
};
use proptest::prelude::*;
use rs1090::decode::adsb::ME;
use rs1090::decode::bds::bds09::AirborneVelocitySubType;
use rs1090::decode::{DF, Message};

/// A DF 17 frame with a valid CRC whose type code is drawn from the ones we decode.
fn df17_frame() -> impl Strategy<Value = RawFrame> {
    let tc = prop_oneof![
        1u64..=4,
        5u64..=8,
        9u64..=18,
        Just(19),
        20u64..=22,
        28u64..=31
    ];
    (0u32..0x100_0000, tc, any::<u64>())
        .prop_map(|(icao, tc, rest)| encode::df17(icao, (tc << 51) | (rest & ((1 << 51) - 1))))
}

/// Checks one ADS-B message against rs1090's typed decode.
fn compare_me(me: &ME, d: &picket_modes::Decoded, raw: &[u8]) {
    match me {
        ME::BDS08 { inner, .. } => {
            let ours = d.callsign.unwrap().to_string().replace(' ', "");
            assert_eq!(ours, inner.callsign.replace(' ', ""));
        }
        ME::BDS05 { inner, .. } => {
            assert_eq!(d.altitude_ft, inner.alt);
            let c = d.cpr.unwrap();
            assert_eq!((c.lat_cpr, c.lon_cpr), (inner.lat_cpr, inner.lon_cpr));
            assert_eq!(c.odd, inner.parity as u8 == 1);
        }
        ME::BDS06 { inner, .. } => {
            assert_eq!(d.groundspeed_kt, inner.groundspeed);
            assert_eq!(d.track_deg, inner.track);
            let c = d.cpr.unwrap();
            assert_eq!((c.lat_cpr, c.lon_cpr), (inner.lat_cpr, inner.lon_cpr));
        }
        ME::BDS09(v) => compare_velocity(v, d, raw),
        ME::BDS61(s) => {
            if let Some(squawk) = d.squawk {
                assert_eq!(squawk.0, s.squawk.0);
            }
        }
        // rs1090 reads every TC 29 as the version 2 layout (subtype 1); we only read subtype 1.
        ME::BDS62(_) if (raw[4] >> 1) & 3 != 1 => assert_eq!(d.nac_p, None),
        ME::BDS62(_) | ME::BDS65(_) => {
            let json = serde_json::to_value(me).unwrap();
            if let Some(nac_p) = json.get("NACp") {
                assert_eq!(d.nac_p.map(u64::from), nac_p.as_u64(), "{json}");
            }
        }
        _ => {}
    }
}

fn compare_velocity(
    v: &rs1090::decode::bds::bds09::AirborneVelocity,
    d: &picket_modes::Decoded,
    raw: &[u8],
) {
    assert_eq!(d.nac_v, Some(v.nac_v));
    match &v.velocity {
        AirborneVelocitySubType::GroundSpeedDecoding(g) if d.groundspeed_kt.is_some() => {
            // rs1090 0.7 ignores the ×4 scale of supersonic subtype 2.
            let scale = if v.subtype == 2 { 4.0 } else { 1.0 };
            let gs = d.groundspeed_kt.unwrap();
            assert!((gs - scale * g.groundspeed).abs() < 1e-9, "{gs} {g:?}");
            assert!((d.track_deg.unwrap() - g.track).abs() < 1e-9, "{d:?} {g:?}");
        }
        AirborneVelocitySubType::AirspeedSubsonic(a) => {
            assert_eq!(d.airspeed_kt, a.airspeed);
            assert_eq!(d.heading_deg, a.heading);
        }
        _ => return,
    }
    assert_eq!(d.vertical_rate_fpm, v.vertical_rate.map(i32::from));
    // rs1090 0.7 inverts ME bit 36; ours follows DO-260B.
    let rs_says_gnss = matches!(
        v.vrate_src,
        rs1090::decode::bds::bds09::VerticalRateSource::GeometricAltitude
    );
    assert_eq!(
        d.vertical_rate_source == Some(AltitudeSource::Gnss),
        !rs_says_gnss
    );
    // The GNSS-baro difference code 1 means 0 ft; rs1090 drops it.
    if raw[10] & 0x7F != 1 {
        assert_eq!(d.geo_minus_baro_ft, v.geo_minus_baro.map(i32::from));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn fields_agree_with_rs1090_on_df17(frame in df17_frame()) {
        let d = fields::decode_fields(&frame);
        prop_assert_eq!(d.crc_ok, Some(true));
        if let Ok(msg) = Message::try_from(frame.bytes())
            && let DF::ExtendedSquitterADSB(adsb) = &msg.df
        {
            prop_assert_eq!(d.icao.unwrap().0, adsb.icao24.0);
            compare_me(&adsb.message, &d, frame.bytes());
        }
    }

    #[test]
    fn fields_agree_with_rs1090_on_surveillance(df in prop_oneof![Just(0u8), Just(4), Just(5), Just(20), Just(21)], body in prop::collection::vec(any::<u8>(), 14)) {
        let len = if df >= 16 { 14 } else { 7 };
        let mut bytes = body[..len].to_vec();
        bytes[0] = (df << 3) | (bytes[0] & 7);
        let frame = RawFrame::new(0, &bytes).unwrap();
        let d = fields::decode_fields(&frame);
        if let Ok(msg) = Message::try_from(bytes.as_slice()) {
            prop_assert_eq!(d.icao.unwrap().0, msg.crc);
            match msg.df {
                DF::ShortAirAirSurveillance { ac, .. }
                | DF::SurveillanceAltitudeReply { ac, .. }
                | DF::CommBAltitudeReply { ac, .. } => prop_assert_eq!(d.altitude_ft, ac.0),
                DF::SurveillanceIdentityReply { id, .. }
                | DF::CommBIdentityReply { id, .. } => prop_assert_eq!(d.squawk.unwrap().0, id.0),
                _ => {}
            }
        }
    }

    #[test]
    fn airborne_position_round_trips(lat in -84.0f64..84.0, lon in -180.0f64..180.0, alt in -1000i32..50_000, icao in 0u32..0x100_0000) {
        let [even, odd] = encode::airborne_position_pair(icao, lat, lon, alt).unwrap();
        let lat_tol = 360.0 / 59.0 / 131_072.0;
        let lon_tol = 360.0 / f64::from(cpr::nl(lat).saturating_sub(1).max(1)) / 131_072.0;
        for frame in [even, odd] {
            let d = fields::decode_fields(&frame);
            prop_assert!((d.altitude_ft.unwrap() - alt).abs() <= 12);
            let (dlat, dlon) = cpr::local(&d.cpr.unwrap().into(), lat, lon).unwrap();
            prop_assert!((dlat - lat).abs() <= lat_tol, "{} {}", dlat, lat);
            prop_assert!(cpr::lon_diff_deg(dlon, lon).abs() <= lon_tol, "{} {}", dlon, lon);
        }
        let mut decoder = ModeSDecoder::default();
        decoder.decode(&even, 0.0);
        let d = decoder.decode(&odd, 1.0);
        // A pair straddling a latitude-zone boundary is undecodable by design.
        if let (Some(dlat), Some(dlon)) = (d.lat, d.lon) {
            prop_assert!((dlat - lat).abs() <= lat_tol);
            prop_assert!(cpr::lon_diff_deg(dlon, lon).abs() <= lon_tol);
        } else {
            let straddles = cpr::nl(lat - 1e-3) != cpr::nl(lat + 1e-3);
            prop_assert!(straddles, "no global position at {} {}", lat, lon);
        }
    }

    #[test]
    fn velocity_round_trips(gs in 0.0f64..1000.0, track in 0.0f64..360.0, vr in -6000.0f64..6000.0, gnss: bool, nac_v in 0u8..5) {
        let frame = encode::airborne_velocity(0xABCDEF, gs, track, vr, gnss, nac_v).unwrap();
        let d = fields::decode_fields(&frame);
        prop_assert!((d.groundspeed_kt.unwrap() - gs).abs() <= 0.71);
        if gs > 60.0 {
            let err = (d.track_deg.unwrap() - track + 180.0).rem_euclid(360.0) - 180.0;
            prop_assert!(err.abs() <= 1.0, "track {} vs {}", d.track_deg.unwrap(), track);
        }
        prop_assert!((f64::from(d.vertical_rate_fpm.unwrap()) - vr).abs() <= 32.0);
        let source = if gnss { AltitudeSource::Gnss } else { AltitudeSource::Baro };
        prop_assert_eq!(d.vertical_rate_source, Some(source));
        prop_assert_eq!(d.nac_v, Some(nac_v));
    }

    #[test]
    fn identification_round_trips(callsign in "[A-Z0-9]{1,7}", number in 0u8..8) {
        let category = Category { set: 'B', number };
        let frame = encode::identification(0x123456, category, &callsign).unwrap();
        let d = fields::decode_fields(&frame);
        prop_assert_eq!(d.callsign.unwrap().to_string(), callsign);
        prop_assert_eq!(d.category, Some(category));
    }

    #[test]
    fn framing_round_trips(payloads in prop::collection::vec((prop_oneof![Just(2usize), Just(7), Just(14)], any::<[u8; 14]>(), 0u64..(1 << 48), any::<u8>()), 1..20), garbage in prop::collection::vec(any::<u8>().prop_filter("no ESC", |b| *b != 0x1A), 0..40)) {
        let frames: Vec<RawFrame> = payloads.iter().map(|(len, bytes, ts, sig)| {
            RawFrame::new(0, &bytes[..*len]).unwrap().with_meta(Some(*ts), Some(*sig))
        }).collect();
        let mut wire = garbage.clone();
        let mut text = String::new();
        for f in &frames {
            write_beast(f, &mut wire);
            avr::write_avr(f, &mut text);
        }
        let mut got = BeastReader::new(&wire);
        if !garbage.is_empty() {
            prop_assert_eq!(got.next(), Some(Err(FrameError::Garbage { offset: 0, len: garbage.len() })));
        }
        let beast: Vec<RawFrame> = got.map(|r| r.unwrap()).collect();
        prop_assert_eq!(beast.len(), frames.len());
        for (a, b) in beast.iter().zip(&frames) {
            prop_assert_eq!((a.bytes(), a.timestamp_12mhz, a.signal), (b.bytes(), b.timestamp_12mhz, b.signal));
        }
        let lines: Vec<RawFrame> = avr::AvrReader::new(text.as_bytes()).map(|r| r.unwrap()).collect();
        for (a, b) in lines.iter().zip(&frames) {
            prop_assert_eq!((a.bytes(), a.timestamp_12mhz), (b.bytes(), b.timestamp_12mhz));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut decoder = ModeSDecoder::new(DecoderConfig { reference: Some((43.6, 1.4)), details: true, max_aircraft: 4, ..DecoderConfig::default() });
        let mut end = 0;
        for (i, r) in BeastReader::new(&bytes).enumerate() {
            match r {
                Ok(f) => { decoder.decode(&f, i as f64).to_json(); end = end.max(f.offset); }
                Err(e) => prop_assert!(e.offset() <= bytes.len()),
            }
        }
        prop_assert!(end <= bytes.len());
        for r in avr::AvrReader::new(&bytes).flatten() {
            decoder.decode(&r, 0.0);
        }
        prop_assert!(decoder.aircraft_count() <= 4);
    }
}

#[test]
fn state_stays_bounded_even_with_no_room() {
    for max_aircraft in [0, 1, 3] {
        let mut decoder = ModeSDecoder::new(DecoderConfig {
            max_aircraft,
            ..DecoderConfig::default()
        });
        for icao in 0..50u32 {
            let [even, _] = encode::airborne_position_pair(icao, 10.0, 10.0, 1000).unwrap();
            decoder.decode(&even, f64::from(icao));
        }
        assert!(decoder.aircraft_count() <= max_aircraft.max(1));
    }
}
