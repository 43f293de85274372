//! The format's examples decode to the values they state; every strictness rule rejects with
//! the right line, field path and reason.

use picket_core::{Class, Enu, Identity, Measurement, SensorId, Timestamp};
use picket_jsondet::{decode, parse};

fn sensors(name: &str) -> Option<SensorId> {
    ["rf-1", "radar-1", "cam-1", "rid-1"]
        .iter()
        .position(|s| *s == name)
        .map(|i| SensorId(i as u16))
}

const T0: f64 = 1_795_935_600.0; // 2026-11-29T07:00:00Z

#[test]
fn format_examples_decode() {
    let text = include_str!("data/examples.ndjson");
    let received = Timestamp::from_secs(T0 + 1.0).unwrap();
    let r = decode(text, received, sensors).unwrap();
    assert_eq!(r.len(), 4);

    assert_eq!(r[0].sensor, SensorId(0));
    assert_eq!(r[0].time.as_secs(), T0 + 0.25);
    assert_eq!(r[0].received, received);
    let Measurement::Bearing {
        az_rad,
        sigma_az_rad,
        el: None,
    } = r[0].measurement
    else {
        panic!()
    };
    assert!((az_rad - 123.4f64.to_radians()).abs() < 1e-12);
    assert!((sigma_az_rad - 2f64.to_radians()).abs() < 1e-12);
    assert_eq!(
        r[0].identity,
        Some(Identity::RemoteId("1596A12345678901".into()))
    );
    let class = r[0].class.unwrap();
    assert_eq!(
        (class.get(Class::Drone), class.get(Class::Bird)),
        (0.9, 0.0)
    );

    let Measurement::Polar {
        range_m,
        sigma_range_m,
        ..
    } = r[1].measurement
    else {
        panic!()
    };
    assert_eq!((range_m, sigma_range_m), (1250.0, 5.0));
    assert_eq!(r[1].radial_velocity, Some((-12.5, 0.5)));

    // 08:00:00.3+01:00 is 07:00:00.3Z.
    assert!((r[2].time.as_secs() - (T0 + 0.3)).abs() < 1e-6);
    assert_eq!(
        r[2].measurement,
        Measurement::cartesian(Enu::new(120.0, -40.0, 60.0), 4.0)
    );

    let Measurement::Geodetic {
        position,
        sigma_h_m,
        sigma_v_m,
    } = r[3].measurement
    else {
        panic!()
    };
    assert_eq!(
        (position.lat_deg, position.lon_deg, position.alt_m),
        (51.4712, -0.4521, 130.0)
    );
    assert_eq!((sigma_h_m, sigma_v_m), (3.0, 5.0));
    assert_eq!(r[3].identity, Some(Identity::Icao(0x406b90)));
    assert_eq!(r[3].pilot.unwrap().alt_m, 25.0);
    let v = r[3].velocity.unwrap();
    assert_eq!((v.vx, v.vy, v.vz, v.sigma_mps), (3.0, 4.0, -1.0, 5.0));
    for report in &r {
        report.validate().unwrap();
    }
}

/// Found by fuzzing: `[]` parses to no detections, which `to_lines` writes as empty text.
#[test]
fn empty_stream_and_empty_array() {
    assert_eq!(parse("[]").unwrap(), vec![]);
    assert_eq!(parse("").unwrap(), vec![]);
    assert_eq!(parse(" \n\n").unwrap(), vec![]);
    assert!(picket_jsondet::parse_message("").is_err());
}

#[test]
fn multi_line_single_message() {
    let text =
        "[\n  {\"sensor\": \"rf-1\",\n   \"time\": 5,\n   \"bearing\": {\"az_deg\": 1}}\n]\n";
    assert_eq!(parse(text).unwrap().len(), 1);
}

/// (input, line, path, part of the reason)
const BAD: &[(&str, usize, &str, &str)] = &[
    (
        r#"{"sensor":"a","time":1,"bearing":{"az_deg":1,"sigma_az_deg":-1}}"#,
        1,
        "bearing.sigma_az_deg",
        "positive sigma",
    ),
    (
        r#"{"sensor":"a","time":1,"bearing":{"az_deg":1,"sigma_az_deg":0}}"#,
        1,
        "bearing.sigma_az_deg",
        "positive sigma",
    ),
    (
        r#"{"sensor":"a","time":1,"bearing":{"az_deg":1e999}}"#,
        1,
        "bearing.az_deg",
        "out of range",
    ),
    (
        r#"{"sensor":"a","time":1,"bearing":{"az_deg":1},"colour":"red"}"#,
        1,
        "colour",
        "unknown field",
    ),
    (
        r#"{"sensor":"a","time":1,"polar":{"range_m":-5,"az_deg":1,"el_deg":0}}"#,
        1,
        "polar.range_m",
        "non-negative",
    ),
    (
        r#"{"sensor":"a","time":1,"position":{"lat":91,"lon":0,"alt_m":0}}"#,
        1,
        "position.lat",
        "latitude",
    ),
    (
        r#"{"sensor":"a","time":1,"position":{"lat":1,"lon":-181,"alt_m":0}}"#,
        1,
        "position.lon",
        "longitude",
    ),
    (
        r#"{"sensor":"a","time":1,"local":{"x_m":1,"y_m":2}}"#,
        1,
        "local",
        "missing field `z_m`",
    ),
    (
        r#"{"sensor":"a","time":1,"bearing":{"az_deg":1},"class":{"drone":1.5}}"#,
        1,
        "class.drone",
        "likelihood",
    ),
    (
        r#"{"sensor":"a","time":1,"bearing":{"az_deg":1},"class":{"ufo":0.5}}"#,
        1,
        "class.ufo",
        "unknown field",
    ),
    (
        r#"{"sensor":"a","time":"yesterday","bearing":{"az_deg":1}}"#,
        1,
        "time",
        "RFC 3339",
    ),
    (
        r#"{"sensor":"a","time":1}"#,
        1,
        ".",
        "one of position, local, polar or bearing is required",
    ),
    (
        r#"{"sensor":"a","time":1,"bearing":{"az_deg":1},"local":{"x_m":1,"y_m":2,"z_m":3}}"#,
        1,
        ".",
        "only one of",
    ),
    (
        r#"{"sensor":"a","time":1,"bearing":{"az_deg":1},"ident":{"icao":"xyz"}}"#,
        1,
        ".",
        "6 hex digits",
    ),
    (
        r#"{"sensor":"a","time":1,"bearing":{"az_deg":1},"ident":{"rid":"a","icao":"406b90"}}"#,
        1,
        "ident",
        "",
    ),
    (
        r#"{"sensor":"","time":1,"bearing":{"az_deg":1}}"#,
        1,
        ".",
        "sensor is empty",
    ),
    (
        "{\"sensor\":\"a\",\"time\":1,\"bearing\":{\"az_deg\":1}}\n\n[{\"sensor\":\"a\",\"time\":1,\"bearing\":{\"az_deg\":1}}, {\"sensor\":\"a\",\"time\":1,\"bearing\":{\"az_deg\":\"x\"}}]",
        3,
        "[1].bearing.az_deg",
        "invalid type",
    ),
    (
        "{\"sensor\":\"a\",\"time\":1,\"bearing\":{\"az_deg\":1}}\n[{\"sensor\":\"a\",\"time\":1}]",
        2,
        "[0]",
        "required",
    ),
    (
        r#"{"sensor":"a","time":1,"bearing":{"az_deg":1}"#,
        1,
        ".",
        "EOF",
    ),
];

#[test]
fn strictness_rules_reject_with_location() {
    for (text, line, path, reason) in BAD {
        let e = parse(text).expect_err(text);
        assert_eq!((e.line, e.path.as_str()), (*line, *path), "{text}: {e}");
        assert!(e.reason.contains(reason), "{text}: {e}");
    }
}

#[test]
fn error_offsets_point_at_the_message() {
    let text = "{\"sensor\":\"a\",\"time\":1,\"bearing\":{\"az_deg\":1}}\n{\"sensor\":\"a\",\"time\":1,\"bearing\":{\"az_deg\":1,\"x\":2}}\n";
    let e = parse(text).unwrap_err();
    assert_eq!((e.line, e.offset), (2, text.find('\n').unwrap() + 1));
    assert!(e.column > 40, "{e}");
}

#[test]
fn unknown_sensor_is_an_error() {
    let e = decode(
        r#"{"sensor":"nope","time":1,"bearing":{"az_deg":1}}"#,
        Timestamp::ZERO,
        sensors,
    )
    .unwrap_err();
    assert!(e.reason.contains("unknown sensor"), "{e}");
}
