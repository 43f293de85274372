//! Records → picket reports, from the hand-assembled vectors and from records built with the
//! JSON encoder.

mod common;

use common::{CAT021, CAT048, CAT062};
use picket_asterix::{
    Editions, Reader, ReportContext, json_encode, resolve_time_of_day, spec, to_report,
};
use picket_core::{Identity, Measurement, Report, SensorId, Timestamp};
use serde_json::json;

/// 2026-11-29 07:00:00 UTC.
const RECEIVED_S: f64 = 1_795_935_600.0;
const MIDNIGHT_S: f64 = 1_795_910_400.0;

fn report_of(bytes: &[u8], eds: &Editions) -> Option<Report> {
    let ctx = ReportContext::new(SensorId(3), Timestamp::from_secs(RECEIVED_S).unwrap());
    let mut r = Reader::new(bytes, eds);
    let rec = r.next_record().unwrap().unwrap();
    to_report(&rec, &ctx).unwrap()
}

fn near(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn time_of_day_lands_on_the_nearest_day() {
    let t = |s| Timestamp::from_secs(s).unwrap();
    assert_eq!(
        resolve_time_of_day(3600.0, t(MIDNIGHT_S + 3700.0)).as_secs(),
        MIDNIGHT_S + 3600.0
    );
    // Just after midnight, a time of day just before midnight belongs to yesterday...
    assert_eq!(
        resolve_time_of_day(86_399.0, t(MIDNIGHT_S + 2.0)).as_secs(),
        MIDNIGHT_S - 1.0
    );
    // ...and just before midnight, one just after belongs to tomorrow.
    assert_eq!(
        resolve_time_of_day(1.0, t(MIDNIGHT_S - 2.0)).as_secs(),
        MIDNIGHT_S + 1.0
    );
}

#[test]
fn cat048_plot_is_polar_with_icao_and_velocity() {
    let r = report_of(CAT048, &Editions::newest()).expect("a target report");
    assert_eq!(r.sensor, SensorId(3));
    assert_eq!(r.received.as_secs(), RECEIVED_S);
    // I048/140 27354.6 s is 07:35:54 UTC, nearest to 07:00 on the same day.
    assert!(near(r.time.as_secs(), MIDNIGHT_S + 27_354.601_562_5, 1e-6));
    let Measurement::Polar {
        range_m,
        az_rad,
        el_rad,
        ..
    } = r.measurement
    else {
        panic!("polar expected: {:?}", r.measurement)
    };
    assert!(near(range_m, 197.683_593_75 * 1852.0, 1e-6));
    assert!(near(az_rad, 340.136_718_75_f64.to_radians(), 1e-12));
    // FL330 = 10058.4 m over 366 km: about 1.57°.
    assert!(near(el_rad, (10_058.4_f64 / range_m).asin(), 1e-9));
    assert_eq!(r.identity, Some(Identity::Icao(0x3C660C)));
    assert!(r.velocity.is_none(), "the vector carries no I048/200");
}

#[test]
fn cat062_track_is_geodetic_with_velocity() {
    let r = report_of(CAT062, &Editions::newest()).expect("a track");
    assert!(near(r.time.as_secs(), MIDNIGHT_S + 57_617.226_562_5, 1e-6));
    let Measurement::Geodetic { position, .. } = r.measurement else {
        panic!("geodetic expected")
    };
    assert!(near(position.lat_deg, 35.138_643_98, 1e-6));
    assert!(
        near(position.alt_m, 38_000.0 * 0.3048, 1e-6),
        "FL380 when no I062/130"
    );
    let v = r.velocity.expect("I062/185");
    assert_eq!((v.vx, v.vy, v.vz), (127.25, 181.25, 0.0));
    assert_eq!(r.identity, Some(Identity::Icao(0x3C660C)));
}

#[test]
fn cat021_adsb_is_geodetic_with_icao_and_ground_vector() {
    let eds = Editions::newest()
        .with(21, spec::Edition::new(2, 1))
        .unwrap();
    let r = report_of(CAT021, &eds).expect("an ADS-B report");
    let Measurement::Geodetic { position, .. } = r.measurement else {
        panic!("geodetic expected")
    };
    assert!(near(position.lat_deg, 46.844_201_088, 1e-9));
    assert!(near(position.lon_deg, 12.298_529_148, 1e-9));
    assert!(near(position.alt_m, 34_750.0 * 0.3048, 1e-9));
    assert_eq!(r.identity, Some(Identity::Icao(0x1A4B65)));
    let v = r.velocity.expect("I021/160");
    // 0.125 NM/s due east.
    assert!(near(v.vx, 231.5, 1e-9) && near(v.vy, 0.0, 1e-9));
    assert!(near(
        r.time.as_secs(),
        MIDNIGHT_S + 4_288_369.0 / 128.0,
        1e-6
    ));
}

#[test]
fn cat062_without_mode_s_uses_the_track_number() {
    let def = spec::lookup(62, None).unwrap();
    let items = json!({"010": {"SAC": 0, "SIC": 5}, "070": 100.0, "040": 77,
                       "100": {"X": 1000.0, "Y": -2000.0}, "136": 10.0});
    let block = json_encode::encode_block_json(def, &[items]).unwrap();
    let r = report_of(&block, &Editions::newest()).unwrap();
    assert_eq!(r.identity, Some(Identity::SensorObject("77".into())));
    let Measurement::Position { position, .. } = r.measurement else {
        panic!("Cartesian expected")
    };
    assert_eq!((position.x, position.y), (1000.0, -2000.0));
}

#[test]
fn cat010_surface_target_and_cat034_service_message() {
    let def = spec::lookup(10, None).unwrap();
    let items = json!({"010": {"SAC": 1, "SIC": 2}, "000": 1, "020": {"TYP": 3},
                       "140": 3600.0, "041": {"LAT": 51.47, "LON": -0.4543},
                       "202": {"VX": 2.5, "VY": -1.0}, "161": {"TRK": 12}});
    let block = json_encode::encode_block_json(def, &[items]).unwrap();
    let r = report_of(&block, &Editions::newest()).unwrap();
    assert!(matches!(r.measurement, Measurement::Geodetic { .. }));
    assert_eq!(r.identity, Some(Identity::SensorObject("12".into())));
    assert_eq!(r.velocity.map(|v| (v.vx, v.vy)), Some((2.5, -1.0)));

    let def = spec::lookup(34, None).unwrap();
    let items = json!({"010": {"SAC": 1, "SIC": 2}, "000": 2, "030": 3600.0, "020": 180.0});
    let block = json_encode::encode_block_json(def, &[items]).unwrap();
    assert!(
        report_of(&block, &Editions::newest()).is_none(),
        "north markers carry no target"
    );
}

#[test]
fn built_plot_and_track_come_back_as_the_same_reports() {
    use picket_asterix::builders::{Plot048, Track062};
    let plot = Plot048 {
        range_nm: 12.5,
        azimuth_deg: 45.0,
        flight_level: Some(35.0),
        icao: Some(0xABCDEF),
        callsign: Some("PKT1".into()),
        mode3a: Some("7000".into()),
        track_number: Some(42),
        velocity: Some((0.05, 90.0)),
        detection_type: 5,
        ..Plot048::new(25, 201, 25_200.5)
    };
    let block = plot.encode_block(spec::lookup(48, None).unwrap()).unwrap();
    let r = report_of(&block, &Editions::newest()).unwrap();
    assert_eq!(r.time.as_secs(), MIDNIGHT_S + 25_200.5);
    let Measurement::Polar {
        range_m, az_rad, ..
    } = r.measurement
    else {
        panic!("polar expected")
    };
    assert!(near(range_m, 12.5 * 1852.0, 1e-9) && near(az_rad, 45_f64.to_radians(), 1e-4));
    assert_eq!(r.identity, Some(Identity::Icao(0xABCDEF)));
    let v = r.velocity.unwrap();
    // One LSB of I048/200 GSP is 2^-14 NM/s = 0.113 m/s.
    assert!(near(v.vx, 0.05 * 1852.0, 0.12) && near(v.vy, 0.0, 0.01));

    let track = Track062 {
        velocity_mps: Some((10.0, -5.0)),
        altitude_ft: Some(400.0),
        icao: Some(0x123456),
        callsign: Some("DRONE1".into()),
        ..Track062::new(0, 5, 100.0, 9, (51.47, -0.4543))
    };
    let block = track.encode_block(spec::lookup(62, None).unwrap()).unwrap();
    let r = report_of(&block, &Editions::newest()).unwrap();
    let Measurement::Geodetic { position, .. } = r.measurement else {
        panic!("geodetic expected")
    };
    assert!(near(position.lat_deg, 51.47, 1e-5) && near(position.lon_deg, -0.4543, 1e-5));
    assert!(near(position.alt_m, 400.0 * 0.3048, 0.01));
    assert_eq!(r.velocity.map(|v| (v.vx, v.vy)), Some((10.0, -5.0)));
    assert_eq!(r.identity, Some(Identity::Icao(0x123456)));
}
