//! The reader's errors name the line and the problem; the writer's output reads back equal.

use picket_scenario::*;
use proptest::prelude::*;

fn read(text: &str) -> Result<Scenario, ReadError> {
    Scenario::read(text.as_bytes(), "test.jsonl")
}

fn error_of(text: &str) -> String {
    read(text).expect_err("should be rejected").to_string()
}

#[test]
fn reads_every_record_type_and_ignores_unknown_keys() {
    let text = r#"{"type":"meta","version":1,"origin":{"lat":36.19,"lon":44.01,"alt_m":420.0},"seed":7,"note":"n","extra":1}
{"type":"sensor","id":"radar-1","kind":"radar","x":0,"y":0,"z":12}
{"type":"zone","id":"Z1","kind":"protected","polygon":[[0,0],[100,0],[100,100]],"floor_m":0,"ceiling_m":300}
{"type":"zone","id":"Z2","kind":"warning","circle":{"x":0,"y":0,"r_m":500},"ceiling_m":300}
{"type":"authorized","rid":"SN1","zones":["Z2"],"from":0,"to":100}
{"type":"truth","t":12.0,"id":"T3","class":"drone","x":1.0,"y":2.0,"z":3.0,"vx":4.0,"vy":5.0,"vz":0.0,"role":"hostile","ident":{"rid":"X"},"future":[1,2]}
{"type":"detection","t":12.0,"sensor":"S0","x":1.2,"y":2.1,"z":2.6,"sigma":10.0}
{"type":"detection","t":12.0,"sensor":"radar-1","range_m":2300.5,"az_deg":41.2,"el_deg":3.1,"sigma_range_m":5,"sigma_az_deg":0.5,"sigma_el_deg":0.8,"vr_mps":-3,"sigma_vr_mps":1}
{"type":"detection","t":12.0,"sensor":"radar-1","az_deg":118.4,"sigma_az_deg":3.0,"class":{"drone":0.7,"bird":0.3}}
{"type":"track","t":12.0,"id":"K17","x":1.1,"y":2.0,"z":2.9,"vx":4.1,"vy":4.9,"vz":0.1,"confirmed":true,"class":"drone"}
{"type":"alert","t":41.0,"id":"A3","track":"K17","rule":"predicted_entry","zone":"Z1","level":3,"state":"raised"}
"#;
    let s = read(text).unwrap();
    assert_eq!(s.meta.as_ref().unwrap().seed, Some(7));
    assert_eq!(
        (s.sensors.len(), s.zones.len(), s.authorized.len()),
        (1, 2, 1)
    );
    assert_eq!(
        (
            s.truth.len(),
            s.detections.len(),
            s.tracks.len(),
            s.alerts.len()
        ),
        (1, 3, 1, 1)
    );
    assert!(matches!(
        s.detections[2].shape,
        Shape::Bearing { el_deg: None, .. }
    ));
    assert_eq!(s.detection_lines, vec![7, 8, 9]);
    let (site, reports) = s.site_and_reports().unwrap();
    assert_eq!(site.sensors().len(), 2, "S0 is added as a generic sensor");
    assert_eq!(site.zones.len(), 2);
    assert_eq!(reports.len(), 3);
    assert_eq!(reports[1].radial_velocity, Some((-3.0, 1.0)));
}

#[test]
fn errors_name_the_line_and_the_problem() {
    let cases: &[(&str, &str)] = &[
        (
            "{\"type\":\"truth\",\"t\":1",
            "test.jsonl:1: not a valid record",
        ),
        (
            "\n{\"type\":\"truth\",\"t\":1,\"id\":\"a\",\"x\":1,\"y\":2,\"vx\":0,\"vy\":0,\"vz\":0}",
            "test.jsonl:2: truth record is missing required key `z`",
        ),
        (
            "{\"type\":\"radar_plot\",\"t\":1}",
            "unknown record type \"radar_plot\"",
        ),
        ("{\"t\":1}", "missing key `type`"),
        (
            "{\"type\":\"detection\",\"t\":1,\"sensor\":\"S\",\"x\":1e999,\"y\":0,\"z\":0,\"sigma\":1}",
            "test.jsonl:1: not a valid record",
        ),
        (
            "{\"type\":\"detection\",\"t\":1,\"sensor\":\"S\",\"x\":1,\"y\":0,\"z\":0,\"sigma\":-1}",
            "`sigma` must be positive, got -1",
        ),
        (
            "{\"type\":\"detection\",\"t\":1,\"sensor\":\"S\",\"y\":0,\"sigma\":1}",
            "detection must have",
        ),
        (
            "{\"type\":\"meta\",\"version\":2}",
            "format version 2 is not supported",
        ),
        (
            "{\"type\":\"truth\",\"t\":1,\"id\":\"a\",\"class\":\"ufo\",\"x\":1,\"y\":2,\"z\":0,\"vx\":0,\"vy\":0,\"vz\":0}",
            "`class` is \"ufo\"",
        ),
        (
            "{\"type\":\"zone\",\"id\":\"Z\",\"kind\":\"protected\",\"polygon\":[[0,0],[10,10],[10,0],[0,10]],\"ceiling_m\":100}",
            "intersect",
        ),
        (
            "{\"type\":\"alert\",\"t\":2,\"id\":\"A\",\"track\":\"K\",\"rule\":\"entry\",\"level\":3,\"state\":\"raised\"}\n{\"type\":\"alert\",\"t\":1,\"id\":\"A\",\"track\":\"K\",\"rule\":\"entry\",\"level\":3,\"state\":\"resolved\"}",
            "test.jsonl:2: t = 1 is earlier",
        ),
        (
            "{\"type\":\"authorized\",\"zones\":[\"Z\"]}",
            "exactly one identity",
        ),
        (
            "{\"type\":\"authorized\",\"rid\":\"S\",\"from\":5,\"to\":1}",
            "`from` 5 is after `to` 1",
        ),
    ];
    for (text, expected) in cases {
        let message = error_of(text);
        assert!(
            message.contains(expected),
            "{text}\n  gave: {message}\n  expected to contain: {expected}"
        );
    }
}

#[test]
fn polar_detection_without_its_sensor_is_an_error_naming_the_line() {
    let text = "{\"type\":\"detection\",\"t\":1,\"sensor\":\"radar-9\",\"range_m\":10,\"az_deg\":1,\"el_deg\":1,\"sigma_range_m\":1,\"sigma_az_deg\":1,\"sigma_el_deg\":1}\n";
    let err = read(text)
        .unwrap()
        .site_and_reports()
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("test.jsonl:1:") && err.contains("radar-9"),
        "{err}"
    );
}

#[test]
fn empty_file_reads_as_empty() {
    let s = read("").unwrap();
    assert!(s.truth.is_empty() && s.detections.is_empty());
}

#[test]
fn writer_refuses_nan() {
    let mut w = Writer::new(Vec::new());
    let bad = Record::Detection(Detection {
        t: 1.0,
        sensor: "S".into(),
        shape: Shape::Cartesian {
            x: f64::NAN,
            y: 0.0,
            z: 0.0,
            sigma: 1.0,
        },
        vr_mps: None,
        sigma_vr_mps: None,
        ident: None,
        class: None,
    });
    assert!(matches!(
        w.write(&bad),
        Err(WriteError::Invalid(ValueError::NonFinite("x")))
    ));
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e7f64..1e7,
        Just(0.1 + 0.2),
        Just(1.0 / 3.0),
        Just(5e-324),
        Just(-0.0)
    ]
}

proptest! {
    /// Any valid record written reads back bit-for-bit equal (t in particular: scorers match
    /// track lines to truth by exact f64 equality).
    #[test]
    fn write_then_read_is_identity(t in 0.0f64..1e9, x in finite(), y in finite(), z in finite(), s in 1e-3f64..1e3, az in 0.0f64..360.0, kind in 0u8..4) {
        let shape = match kind {
            0 => Shape::Cartesian { x, y, z, sigma: s },
            1 => Shape::Polar { range_m: x.abs(), az_deg: az, el_deg: y / 1e6, sigma_range_m: s, sigma_az_deg: s, sigma_el_deg: s },
            2 => Shape::Bearing { az_deg: az, sigma_az_deg: s, el_deg: None, sigma_el_deg: None },
            _ => Shape::Bearing { az_deg: az, sigma_az_deg: s, el_deg: Some(z / 1e6), sigma_el_deg: Some(s) },
        };
        let records = vec![
            Record::Truth(Truth { t, id: "T1".into(), class: Some("bird".into()), x, y, z, vx: y, vy: z, vz: x, role: Some(Role::Neutral), ident: Some(Ident::Icao("4840D6".into())), spoofed: kind == 1 }),
            Record::Detection(Detection { t, sensor: "S0".into(), shape, vr_mps: Some(x), sigma_vr_mps: Some(s), ident: Some(Ident::Rid("SN".into())), class: None }),
            Record::Track(TrackRecord { t, id: "K1".into(), x, y, z, vx: 0.0, vy: 0.0, vz: 0.0, confirmed: kind % 2 == 0, class: None, p_class: None, ident: None, cov: Some(vec![x; 36]) }),
        ];
        let mut w = Writer::new(Vec::new());
        for r in &records { w.write(r).unwrap(); }
        let bytes = w.finish().unwrap();
        let back: Vec<Record> = Reader::new(bytes.as_slice(), "mem").map(|r| r.unwrap().1).collect();
        prop_assert_eq!(back, records);
    }
}

#[test]
fn groups_are_per_exact_time_and_sensor_in_order_of_appearance() {
    let d = |t: &str, sensor: &str, x: u32| {
        format!(
            "{{\"type\":\"detection\",\"t\":{t},\"sensor\":\"{sensor}\",\"x\":{x},\"y\":0,\"z\":0,\"sigma\":1}}\n"
        )
    };
    let text = [
        d("1.0", "B", 0),
        d("1.0", "A", 1),
        d("1.0", "B", 2),
        d("1.5", "A", 3),
        d("1.5000000000000002", "A", 4),
    ]
    .concat();
    let s = read(&text).unwrap();
    let (site, reports) = s.site_and_reports().unwrap();
    let groups = s.groups(&reports);
    let name = |r: &picket_core::Report| site.sensor(r.sensor).unwrap().name.clone();
    let east = |r: &picket_core::Report| match r.measurement {
        picket_core::Measurement::Position { position, .. } => position.x,
        _ => f64::NAN,
    };
    let shape: Vec<(f64, String, Vec<f64>)> = groups
        .iter()
        .map(|(t, g)| (*t, name(&g[0]), g.iter().map(east).collect()))
        .collect();
    assert_eq!(
        shape,
        vec![
            (1.0, "B".to_owned(), vec![0.0, 2.0]),
            (1.0, "A".to_owned(), vec![1.0]),
            (1.5, "A".to_owned(), vec![3.0]),
            (1.5000000000000002, "A".to_owned(), vec![4.0]),
        ]
    );
}
