//! Reports assembled from the real captures and from hand-made message sequences.

use picket_core::{Class, Identity, Measurement, SensorId, Timestamp};
use picket_remoteid::capture::{remoteid_in_capture, reports_from_capture};
use picket_remoteid::{
    BasicId, Envelope, ID_TYPE_SERIAL_NUMBER, Location, Message, RemoteIdAssembler, System, Text,
};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn wifi_beacons_become_reports_with_identity_and_pilot() {
    let bytes = read("odid_wifi_bcn_sample.pcap");
    let capture = remoteid_in_capture(&bytes).unwrap();
    let mut assembler = RemoteIdAssembler::default();
    let reports = reports_from_capture(&capture, SensorId(7), &mut assembler);
    assert_eq!(reports.len(), 21, "one Location per beacon");
    let r = &reports[0];
    assert_eq!(r.sensor, SensorId(7));
    assert_eq!(
        r.identity,
        Some(Identity::RemoteId("MFG1A0123456789".into()))
    );
    let Measurement::Geodetic {
        position,
        sigma_h_m,
        sigma_v_m,
    } = r.measurement
    else {
        panic!("{:?}", r.measurement)
    };
    // Reference decode of frame 1: 45.5457468, -122.9681496, geodetic 237 m, accuracy 9 (<30 m), 3 (<25 m).
    assert!((position.lat_deg - 45.5457468).abs() < 1e-9);
    assert!((position.lon_deg + 122.9681496).abs() < 1e-9);
    assert_eq!(position.alt_m, 237.0);
    assert!((sigma_h_m - 30.0 / 2.4477).abs() < 1e-9);
    assert!((sigma_v_m - 25.0 / 1.96).abs() < 1e-9);
    let pilot = r.pilot.unwrap();
    assert!(
        (pilot.lat_deg - 45.5443876).abs() < 1e-9 && (pilot.lon_deg + 122.9726866).abs() < 1e-9
    );
    // 20.5 m/s towards 92 degrees: nearly due east.
    let v = r.velocity.unwrap();
    assert!((v.vx - 20.5 * 92f64.to_radians().sin()).abs() < 1e-9 && v.vy < 0.0);
    assert_eq!(v.vz, 0.0, "vertical speed 63 m/s means unknown");
    assert!(r.class.unwrap().get(Class::Drone) > 0.9);
    // The broadcast time (0.0 s past the hour) is 52 min from the capture time: not believed.
    assert_eq!(r.time, r.received);
    assert!(reports.iter().all(|r| r.validate().is_ok()));
    assert_eq!(assembler.len(), 1);
}

#[test]
fn bt5_reports_skip_crc_failed_frames() {
    let bytes = read("odid_bt5_lr_sample.pcapng");
    let capture = remoteid_in_capture(&bytes).unwrap();
    let crc_failed_with_location = capture
        .frames
        .iter()
        .filter(|f| f.crc_ok == Some(false))
        .filter(|f| {
            f.messages
                .as_ref()
                .is_ok_and(|m| m.iter().any(|e| matches!(e.message, Message::Location(_))))
        })
        .count();
    assert!(crc_failed_with_location > 0);
    // The sample's transmitter broadcasts no position (0, 0) in every intact frame, so no
    // report at all; a CRC-failed frame carries a corrupted (0, -80.53) that would have made one.
    let mut assembler = RemoteIdAssembler::default();
    let reports = reports_from_capture(&capture, SensorId(1), &mut assembler);
    assert_eq!(reports, vec![]);
    let mut unfiltered = RemoteIdAssembler::default();
    let bogus: Vec<_> = capture
        .frames
        .iter()
        .filter_map(|f| Some((f.address?, f.messages.as_ref().ok()?, f.time_s)))
        .flat_map(|(addr, m, t)| {
            unfiltered.push_all(SensorId(1), addr, Timestamp::from_secs(t).unwrap(), m)
        })
        .collect();
    assert_eq!(bogus.len(), 1);
    let Measurement::Geodetic { position, .. } = bogus[0].measurement else {
        panic!()
    };
    assert!((position.lon_deg + 80.5306368).abs() < 1e-9);
    assert_eq!(
        bogus[0].identity,
        Some(Identity::RemoteId("SSEVTFG93700070".into()))
    );
}

fn at(s: f64) -> Timestamp {
    Timestamp::from_secs(s).unwrap()
}

fn location(time_stamp: f64) -> Envelope {
    Envelope::new(Message::Location(Location {
        latitude: 51.5,
        longitude: -0.1,
        altitude_geo: 120.0,
        direction: 90.0,
        speed_horizontal: 10.0,
        horiz_accuracy: 10,
        vert_accuracy: 4,
        speed_accuracy: 3,
        time_stamp,
        ..Location::default()
    }))
}

#[test]
fn assembler_joins_by_address_and_forgets_old_identity() {
    let mut a = RemoteIdAssembler::new(2, 5.0);
    let serial = Envelope::new(Message::BasicId(BasicId {
        id_type: ID_TYPE_SERIAL_NUMBER,
        ua_type: 2,
        uas_id: Text::new("1596F1234567890"),
    }));
    let system = Envelope::new(Message::System(System {
        operator_latitude: 51.49,
        operator_longitude: -0.11,
        operator_altitude_geo: 30.0,
        ..System::default()
    }));
    let (drone, other) = ([1; 6], [2; 6]);
    let base = 1_700_000_000.0; // 22:13:20 UTC: 800 s past the hour
    assert!(a.push(SensorId(0), drone, at(base), &serial).is_none());
    assert!(a.push(SensorId(0), drone, at(base), &system).is_none());
    let r = a
        .push(SensorId(0), drone, at(base + 1.0), &location(800.5))
        .unwrap();
    assert_eq!(
        r.identity,
        Some(Identity::RemoteId("1596F1234567890".into()))
    );
    assert_eq!(r.pilot.unwrap().alt_m, 30.0);
    assert_eq!(
        r.time,
        at(base + 0.5),
        "sensor time from the broadcast timestamp"
    );
    let v = r.velocity.unwrap();
    assert!((v.vx - 10.0).abs() < 1e-9 && v.vy.abs() < 1e-9);
    // Another transmitter's Location does not borrow this identity.
    let r = a
        .push(SensorId(0), other, at(base + 1.0), &location(801.0))
        .unwrap();
    assert_eq!((r.identity, r.pilot), (None, None));
    // Six seconds later the identity is stale.
    let r = a
        .push(SensorId(0), drone, at(base + 7.0), &location(807.0))
        .unwrap();
    assert_eq!(r.identity, None);
    // A third transmitter evicts the least recently heard (the "other" one).
    a.push(SensorId(0), [3; 6], at(base + 8.0), &serial);
    assert_eq!(a.len(), 2);
    // In a pack, identity counts even when it follows the Location.
    let reports = a.push_all(
        SensorId(0),
        [4; 6],
        at(base + 9.0),
        &[location(809.0), serial],
    );
    assert_eq!(
        reports[0].identity,
        Some(Identity::RemoteId("1596F1234567890".into()))
    );
    // No position, no report.
    assert!(
        a.push(
            SensorId(0),
            drone,
            at(base),
            &location(800.0).clone_with_origin()
        )
        .is_none()
    );
}

trait Origin {
    fn clone_with_origin(&self) -> Envelope;
}

impl Origin for Envelope {
    /// The same Location at 0, 0: F3411's "no position".
    fn clone_with_origin(&self) -> Envelope {
        let Message::Location(mut l) = self.message else {
            unreachable!()
        };
        l.latitude = 0.0;
        l.longitude = 0.0;
        Envelope::new(Message::Location(l))
    }
}
