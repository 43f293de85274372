//! Property tests: encode → decode gives the same values within the broadcast quantisation,
//! and no input makes a decoder panic.

use picket_remoteid::capture::remoteid_in_capture;
use picket_remoteid::transport::{
    encode_beacon_ie, encode_ble_ad, encode_nan_action, find_in_beacon_body, find_in_ble_ad,
    find_in_nan_action,
};
use picket_remoteid::{
    Auth, BasicId, Envelope, Location, Message, OperatorId, Pack, SelfId, System, Text, decode_any,
    decode_message, encode_pack,
};
use proptest::prelude::*;

fn location() -> impl Strategy<Value = Location> {
    (
        (
            0u8..16,
            0.0..360.0f64,
            0.0..254.0f64,
            -62.0..62.0f64,
            0u8..2,
        ),
        (-90.0..90.0f64, -180.0..180.0f64),
        (
            -1000.0..31000.0f64,
            -1000.0..31000.0f64,
            -1000.0..31000.0f64,
        ),
        (0u8..16, 0u8..16, 0u8..16, 0u8..16, 0u8..16, 0.0..3600.0f64),
    )
        .prop_map(|(a, (lat, lon), (baro, geo, h), acc)| Location {
            status: a.0,
            direction: a.1,
            speed_horizontal: a.2,
            speed_vertical: a.3,
            height_type: a.4,
            latitude: lat,
            longitude: lon,
            altitude_baro: baro,
            altitude_geo: geo,
            height: h,
            horiz_accuracy: acc.0,
            vert_accuracy: acc.1,
            baro_accuracy: acc.2,
            speed_accuracy: acc.3,
            ts_accuracy: acc.4,
            time_stamp: acc.5,
        })
}

fn system() -> impl Strategy<Value = System> {
    (
        (0u8..4, 0u8..8, -90.0..90.0f64, -180.0..180.0f64),
        (
            any::<u16>(),
            0u16..2550,
            -1000.0..31000.0f64,
            -1000.0..31000.0f64,
        ),
        (0u8..16, 0u8..16, -1000.0..31000.0f64, any::<u32>()),
    )
        .prop_map(|(a, b, c)| System {
            operator_location_type: a.0,
            classification_type: a.1,
            operator_latitude: a.2,
            operator_longitude: a.3,
            area_count: b.0,
            area_radius: b.1,
            area_ceiling: b.2,
            area_floor: b.3,
            category_eu: c.0,
            class_eu: c.1,
            operator_altitude_geo: c.2,
            timestamp: c.3,
        })
}

fn close(what: &str, a: f64, b: f64, step: f64) -> Result<(), TestCaseError> {
    prop_assert!(
        (a - b).abs() <= step / 2.0 + 1e-9,
        "{what}: {a} vs {b} (step {step})"
    );
    Ok(())
}

proptest! {
    #[test]
    fn location_round_trips_within_quantisation(l in location(), protocol in 0u8..3) {
        let bytes = Envelope { protocol, message: Message::Location(l) }.encode();
        let d = decode_message(&bytes).unwrap();
        prop_assert_eq!(d.protocol, protocol);
        let Message::Location(d) = d.message else { panic!("type") };
        close("direction", d.direction, l.direction, 1.0)?;
        let speed_step = if l.speed_horizontal > 63.75 { 0.75 } else { 0.25 };
        close("speed", d.speed_horizontal, l.speed_horizontal, speed_step)?;
        close("vspeed", d.speed_vertical, l.speed_vertical, 0.5)?;
        close("lat", d.latitude, l.latitude, 1e-7)?;
        close("lon", d.longitude, l.longitude, 1e-7)?;
        close("baro", d.altitude_baro, l.altitude_baro, 0.5)?;
        close("geo", d.altitude_geo, l.altitude_geo, 0.5)?;
        close("height", d.height, l.height, 0.5)?;
        close("time", d.time_stamp, l.time_stamp, 0.1)?;
        prop_assert_eq!(
            (d.status, d.height_type, d.horiz_accuracy, d.vert_accuracy, d.baro_accuracy, d.speed_accuracy, d.ts_accuracy),
            (l.status, l.height_type, l.horiz_accuracy, l.vert_accuracy, l.baro_accuracy, l.speed_accuracy, l.ts_accuracy)
        );
    }

    #[test]
    fn system_round_trips_within_quantisation(s in system()) {
        let bytes = Envelope::new(Message::System(s)).encode();
        let Message::System(d) = decode_message(&bytes).unwrap().message else { panic!("type") };
        close("lat", d.operator_latitude, s.operator_latitude, 1e-7)?;
        close("lon", d.operator_longitude, s.operator_longitude, 1e-7)?;
        prop_assert_eq!(d.area_radius, s.area_radius / 10 * 10);
        close("ceiling", d.area_ceiling, s.area_ceiling, 0.5)?;
        close("floor", d.area_floor, s.area_floor, 0.5)?;
        close("operator alt", d.operator_altitude_geo, s.operator_altitude_geo, 0.5)?;
        prop_assert_eq!(
            (d.operator_location_type, d.classification_type, d.area_count, d.category_eu, d.class_eu, d.timestamp),
            (s.operator_location_type, s.classification_type, s.area_count, s.category_eu, s.class_eu, s.timestamp)
        );
    }

    #[test]
    fn text_messages_round_trip_exactly(
        id in "[A-Z0-9]{0,20}", desc in "[ -~]{0,23}", op in "[A-Z0-9-]{0,20}",
        id_type in 0u8..16, ua_type in 0u8..16, desc_type: u8, op_type: u8,
    ) {
        let messages = [
            Message::BasicId(BasicId { id_type, ua_type, uas_id: Text::new(&id) }),
            Message::SelfId(SelfId { desc_type, desc: Text::new(&desc) }),
            Message::OperatorId(OperatorId { operator_id_type: op_type, operator_id: Text::new(&op) }),
        ];
        for m in messages {
            let e = Envelope::new(m);
            prop_assert_eq!(decode_message(&e.encode()).unwrap(), e);
        }
        let Message::BasicId(b) = messages[0] else { unreachable!() };
        prop_assert_eq!(b.uas_id.as_str(), id.as_str());
    }

    #[test]
    fn auth_pages_round_trip_exactly(
        auth_type in 0u8..16, page in 0u8..16, last: u8, length: u8, timestamp: u32,
        data in proptest::array::uniform23(any::<u8>()),
    ) {
        let mut auth = Auth { auth_type, data_page: page, auth_data: data, ..Auth::default() };
        if page == 0 {
            auth.last_page_index = last;
            auth.length = length;
            auth.timestamp = timestamp;
            auth.auth_data[17..].fill(0);
        }
        let e = Envelope::new(Message::Auth(auth));
        prop_assert_eq!(decode_message(&e.encode()).unwrap(), e);
    }

    #[test]
    fn decoding_is_idempotent_on_any_valid_bytes(mut bytes in proptest::array::uniform25(any::<u8>()), t in 0u8..6) {
        bytes[0] = (t << 4) | (bytes[0] & 0x0f);
        let once = decode_message(&bytes).unwrap();
        prop_assert_eq!(decode_message(&once.encode()).unwrap(), once);
    }

    #[test]
    fn packs_and_transports_round_trip(l in location(), s in system(), counter: u8, n in 1usize..3) {
        let mut messages = vec![Envelope::new(Message::Location(l)), Envelope::new(Message::System(s))];
        messages.truncate(n);
        let pack = encode_pack(2, &messages).unwrap();
        let decoded: Vec<_> = Pack::parse(&pack).unwrap().iter().collect();
        prop_assert_eq!(decoded.len(), n);
        for (a, b) in decoded.iter().zip(&messages) {
            // (Byte equality would be too strict: 63.75 m/s has two encodings.)
            prop_assert_eq!(a, &decode_message(&b.encode()).unwrap());
        }
        let ad = encode_ble_ad(counter, &pack).unwrap();
        prop_assert_eq!(find_in_ble_ad(&ad).unwrap().unwrap().data, &pack[..]);
        let mut body = vec![0u8; 12];
        body.extend(encode_beacon_ie(counter, &pack).unwrap());
        prop_assert_eq!(find_in_beacon_body(&body).unwrap().unwrap().counter, counter);
        let nan = encode_nan_action(counter, &pack).unwrap();
        prop_assert_eq!(find_in_nan_action(&nan).unwrap().unwrap().data, &pack[..]);
    }

    #[test]
    fn no_input_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = decode_message(&bytes);
        let _ = decode_any(&bytes);
        let _ = Pack::parse(&bytes).map(|p| p.iter().count());
        let _ = find_in_ble_ad(&bytes);
        let _ = find_in_beacon_body(&bytes);
        let _ = find_in_nan_action(&bytes);
        let _ = remoteid_in_capture(&bytes);
    }
}

#[test]
fn pack_rules_follow_the_reference() {
    use picket_remoteid::Reason;
    let loc = Envelope::new(Message::Location(Location::default())).encode();
    let mut pack = vec![0xf2, 25, 2];
    pack.extend_from_slice(&loc);
    pack.extend_from_slice(&loc);
    let e = Pack::parse(&pack).unwrap_err();
    assert_eq!(
        (e.offset, e.reason.clone()),
        (
            28,
            Reason::TooManyOfType(picket_remoteid::MessageType::Location)
        )
    );
    pack[2] = 0;
    assert_eq!(
        Pack::parse(&pack).unwrap_err().reason,
        Reason::BadMessageCount(0)
    );
    pack[2] = 10;
    assert_eq!(
        Pack::parse(&pack).unwrap_err().reason,
        Reason::BadMessageCount(10)
    );
    pack[2] = 3;
    assert!(matches!(
        Pack::parse(&pack).unwrap_err().reason,
        Reason::Truncated { .. }
    ));
    pack[1] = 24;
    assert_eq!(
        Pack::parse(&pack).unwrap_err(),
        picket_remoteid::DecodeError {
            offset: 1,
            reason: Reason::BadMessageSize(24)
        }
    );
    let mut nested = vec![0xf0, 25, 1, 0xf0];
    nested.extend_from_slice(&[0; 24]);
    assert_eq!(Pack::parse(&nested).unwrap_err().reason, Reason::NestedPack);
    nested[3] = 0x60;
    assert_eq!(
        Pack::parse(&nested).unwrap_err().reason,
        Reason::UnknownMessageType(6)
    );
    assert_eq!(
        decode_message(&[0x10; 24]).unwrap_err().reason,
        Reason::Truncated {
            needed: 25,
            available: 24
        }
    );
    assert!(encode_pack(2, &[]).is_err());
}
