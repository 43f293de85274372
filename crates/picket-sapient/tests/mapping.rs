//! Mapping Dstl's example messages into picket's vocabulary, and the builders' output back.

use picket_core::{Class, Geodetic, Identity, Measurement, SensorId, Timestamp};
use picket_sapient::builders::{self, AlertSpec, Detection, Envelope, NodeIdentity};
use picket_sapient::health::{Area, SystemState};
use picket_sapient::v2_0::{
    LocationCoordinateSystem, alert, detection_report::LocationOneof, sapient_message::Content,
};
use picket_sapient::{MapError, SensorContext, Validate, decode_v2, reports, sensor_health};
use std::path::Path;

fn message(name: &str) -> picket_sapient::v2_0::SapientMessage {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    decode_v2(&std::fs::read(path).unwrap()).unwrap()
}

fn ctx() -> SensorContext {
    SensorContext::new(SensorId(3), Timestamp::from_secs(1_688_733_858.0).unwrap())
}

/// 2023-07-07T12:44:17.027638700Z
const SAMPLE_TIME_S: f64 = 1_688_733_857.027_638_7;

#[test]
fn range_bearing_detection_becomes_a_polar_report() {
    let msg = message("valid/DetectionReport.RangeBearing.FullMessage.bin");
    let r = reports(&msg, &ctx()).unwrap();
    assert_eq!(r.len(), 1);
    let r = &r[0];
    assert_eq!(r.sensor, SensorId(3));
    assert!((r.time.as_secs() - SAMPLE_TIME_S).abs() < 1e-6);
    assert_eq!(r.received.as_secs(), 1_688_733_858.0);
    // range 1 m, azimuth 1°, elevation 1°, errors 1° / 1 m, grid north taken as true.
    let Measurement::Polar {
        range_m,
        az_rad,
        el_rad,
        sigma_range_m,
        sigma_az_rad,
        sigma_el_rad,
    } = r.measurement
    else {
        panic!("{:?}", r.measurement)
    };
    assert_eq!((range_m, sigma_range_m), (1.0, 1.0));
    for v in [az_rad, el_rad, sigma_az_rad, sigma_el_rad] {
        assert!((v - 1f64.to_radians()).abs() < 1e-12);
    }
    assert_eq!(
        r.identity,
        Some(Identity::SensorObject("01GGYFBAXH4VYRQYEX7S3XGK3H".into()))
    );
    // "Human"/"Male": other.
    assert_eq!(r.class.unwrap().best().0, Class::Other);
    let v = r.velocity.unwrap();
    assert_eq!((v.vx, v.vy, v.vz, v.sigma_mps), (1.0, 2.0, 3.0, 6.0));
}

#[test]
fn sample_utm_locations_are_rejected_as_out_of_range() {
    // Dstl's samples put latitude/longitude (51.17, -1.82) in a UTM location: no UTM
    // easting is 51 m, and picket must not place the detection at the zone's edge.
    let msg = message("simulator_defaults/SapientAsmSimulator/Default.DetectionReport.bin");
    assert_eq!(
        reports(&msg, &ctx()),
        Err(MapError::OutOfRange {
            field: "location.x",
            value: 51.1739726374
        })
    );
}

fn location_mut(
    msg: &mut picket_sapient::v2_0::SapientMessage,
) -> &mut picket_sapient::v2_0::Location {
    let Some(Content::DetectionReport(d)) = &mut msg.content else {
        panic!()
    };
    let Some(LocationOneof::Location(l)) = &mut d.location_oneof else {
        panic!()
    };
    l
}

#[test]
fn utm_detection_becomes_a_geodetic_report() {
    let mut msg = message("simulator_defaults/SapientAsmSimulator/Default.DetectionReport.bin");
    // The same place as real UTM (reference: PyPI `utm` 0.9.0).
    let l = location_mut(&mut msg);
    (l.x, l.y) = (Some(582_322.715_422_701_7), Some(5_669_830.718_022_311));
    let r = &reports(&msg, &ctx()).unwrap()[0];
    let Measurement::Geodetic {
        position,
        sigma_h_m,
        sigma_v_m,
    } = r.measurement
    else {
        panic!()
    };
    assert!((position.lat_deg - 51.173_972_637_4).abs() < 1e-7);
    assert!((position.lon_deg + 1.822_376_710_48).abs() < 1e-7);
    assert_eq!((position.alt_m, sigma_h_m, sigma_v_m), (788.0, 5.0, 5.0));

    // A geoid height is raised by the site's geoid separation.
    let mut c = ctx();
    c.geoid_separation_m = 47.5;
    location_mut(&mut msg).datum = Some(picket_sapient::v2_0::LocationDatum::Wgs84G as i32);
    let Measurement::Geodetic { position, .. } = reports(&msg, &c).unwrap()[0].measurement else {
        panic!()
    };
    assert_eq!(position.alt_m, 788.0 + 47.5);

    // Without a zone in the message, the registered one is used; without either, an error.
    location_mut(&mut msg).utm_zone = None;
    let mut c = ctx();
    assert_eq!(reports(&msg, &c), Err(MapError::BadUtmZone(None)));
    c.utm_zone = Some("30U".into());
    assert!(reports(&msg, &c).is_ok());
    location_mut(&mut msg).coordinate_system = Some(LocationCoordinateSystem::Unspecified as i32);
    assert!(matches!(
        reports(&msg, &c),
        Err(MapError::Unsupported { .. })
    ));
}

#[test]
fn other_content_gives_no_reports() {
    let msg = message("valid/StatusReport.FullMessage.bin");
    assert_eq!(reports(&msg, &ctx()), Ok(vec![]));
}

#[test]
fn status_report_becomes_sensor_health() {
    let msg = message("valid/StatusReport.FullMessage.bin");
    let Some(Content::StatusReport(s)) = &msg.content else {
        panic!()
    };
    let h = sensor_health(s, &ctx());
    assert_eq!(h.system, SystemState::Ok);
    assert_eq!(h.mode, "TestMode");
    assert_eq!(
        h.active_task_id.as_deref(),
        Some("01H4R63D7NVN8444Z5M77WEBY7")
    );
    assert_eq!((h.power_level_pct, h.power_fault), (Some(1), false));
    assert_eq!(h.conditions.len(), 1);
    assert_eq!(
        (
            h.conditions[0].kind.as_str(),
            h.conditions[0].level.as_str()
        ),
        ("weather", "information")
    );
    assert_eq!(h.conditions[0].value.as_deref(), Some("Rain"));
    // Same bogus UTM as above: the areas and location do not convert and are left out.
    assert_eq!((h.location, h.field_of_view.clone()), (None, None));
    assert!(h.coverage.is_empty() && h.obscuration.is_empty());
}

#[test]
fn status_report_cone_field_of_view() {
    use picket_sapient::v2_0::{
        LocationOrRangeBearing, RangeBearingCone, RangeBearingCoordinateSystem,
        location_or_range_bearing::FovOneof,
    };
    let mut msg = message("simulator_defaults/SapientAsmSimulator/Default.StatusReport.bin");
    let Some(Content::StatusReport(s)) = &mut msg.content else {
        panic!()
    };
    s.field_of_view = Some(LocationOrRangeBearing {
        fov_oneof: Some(FovOneof::RangeBearing(RangeBearingCone {
            azimuth: Some(std::f64::consts::FRAC_PI_2),
            range: Some(2.5),
            horizontal_extent: Some(std::f64::consts::FRAC_PI_4),
            coordinate_system: Some(RangeBearingCoordinateSystem::RadiansKm as i32),
            datum: Some(1),
            ..Default::default()
        })),
    });
    let h = sensor_health(s, &ctx());
    let Some(Area::Cone {
        azimuth_deg,
        range_m,
        horizontal_extent_deg,
        ..
    }) = h.field_of_view
    else {
        panic!("{:?}", h.field_of_view)
    };
    assert!((azimuth_deg - 90.0).abs() < 1e-9 && (horizontal_extent_deg - 45.0).abs() < 1e-9);
    assert_eq!(range_m, 2500.0);
    assert_eq!(h.system, SystemState::Ok);
}

fn envelope() -> Envelope {
    Envelope {
        node_id: "6f582b41-6c88-481c-bb0f-6021a1739f57".into(),
        destination_id: Some("a8654cdf-4328-47de-81fa-c495589e30c8".into()),
    }
}

#[test]
fn built_detection_validates_and_maps_back() {
    let mut class = picket_core::ClassProbs([0.05; 4]);
    class.set(Class::Drone, 0.85);
    let d = Detection {
        report_id: builders::ulid(1_700_000_000_123, 42),
        object_id: builders::ulid(1_700_000_000_000, 7),
        position: Geodetic::new(51.47, -0.4543, 120.0),
        sigma_h_m: 8.0,
        sigma_v_m: 12.0,
        velocity: Some(picket_core::Velocity {
            vx: 3.0,
            vy: -4.0,
            vz: 0.5,
            sigma_mps: 1.5,
        }),
        class: Some(class),
        confidence: Some(0.9),
    };
    let t = Timestamp::from_secs(1_700_000_000.25).unwrap();
    let msg = envelope().message(t, Content::DetectionReport(builders::detection_report(&d)));
    assert_eq!(msg.validate(), vec![]);
    let back = decode_v2(&picket_sapient::encode_v2(&msg)).unwrap();
    let r = &reports(&back, &ctx()).unwrap()[0];
    assert!((r.time.as_secs() - 1_700_000_000.25).abs() < 1e-9);
    let Measurement::Geodetic {
        position,
        sigma_h_m,
        sigma_v_m,
    } = r.measurement
    else {
        panic!()
    };
    assert!((position.lat_deg - 51.47).abs() < 1e-12 && (position.lon_deg + 0.4543).abs() < 1e-12);
    assert!((sigma_h_m - 8.0).abs() < 1e-6, "{sigma_h_m}");
    assert_eq!(sigma_v_m, 12.0);
    assert_eq!(r.class.unwrap().best().0, Class::Drone);
    assert_eq!(r.velocity, d.velocity);
    assert_eq!(
        r.identity,
        Some(Identity::SensorObject(d.object_id.clone()))
    );
}

#[test]
fn built_alert_registration_and_ack_validate() {
    let t = Timestamp::from_secs(1_700_000_000.0).unwrap();
    let a = builders::alert(&AlertSpec {
        alert_id: builders::ulid(1_700_000_000_000, 99),
        alert_type: alert::AlertType::Critical,
        status: alert::AlertStatus::Active,
        description: "drone inside the inner zone".into(),
        position: Some((Geodetic::new(51.47, -0.45, 100.0), 10.0, 10.0)),
        priority: alert::DiscretePriority::High,
        confidence: Some(0.8),
        associated: vec![(envelope().node_id, builders::ulid(1_700_000_000_000, 7))],
    });
    let node = NodeIdentity {
        name: "picket".into(),
        short_name: "pk".into(),
        manufacturer: "picket".into(),
        model: "fusion".into(),
        software_version: "0.1.0".into(),
        status_interval_s: 5.0,
    };
    for content in [
        Content::Alert(a),
        Content::Registration(builders::fusion_registration(&node)),
        Content::RegistrationAck(builders::registration_ack(false, vec!["full".into()])),
    ] {
        let msg = envelope().message(t, content);
        assert_eq!(msg.validate(), vec![], "{msg:?}");
        assert_eq!(decode_v2(&picket_sapient::encode_v2(&msg)).unwrap(), msg);
    }
}

#[test]
fn ulid_format_matches_the_spec() {
    // 48-bit time then 80 random bits, Crockford base32, 26 characters.
    assert_eq!(builders::ulid(0, 0), "00000000000000000000000000");
    assert_eq!(
        builders::ulid(u64::MAX, u128::MAX),
        "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"
    );
    assert_eq!(&builders::ulid(1_469_918_176_385, 0)[..10], "01ARYZ6S41");
    assert!(picket_sapient::validate::is_ulid(&builders::ulid(
        1_700_000_000_000,
        12345
    )));
}
