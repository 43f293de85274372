//! The incident bundle's files parse and hold what the window holds.

mod common;

use common::*;
use picket_core::{AlertState, Geodetic, TrackStatus};
use picket_store::export::{ExportOptions, export_bundle};
use picket_store::{Record, StoreReader, StoreWriter, WriterConfig};
use std::path::Path;

fn store(path: &Path, origin: Option<Geodetic>) {
    let config = WriterConfig {
        track_min_interval_s: 0.0,
        site_origin: origin,
        ..WriterConfig::default()
    };
    let w = StoreWriter::open(path, config).unwrap();
    for i in 0..30u64 {
        let t = i as f64;
        w.append_blocking(Record::Frame(frame(i, t))).unwrap();
        w.append_blocking(Record::Track(track(1, t, TrackStatus::Confirmed)))
            .unwrap();
        if i.is_multiple_of(2) {
            w.append_blocking(Record::Track(track(2, t, TrackStatus::Confirmed)))
                .unwrap();
        }
        w.append_blocking(Record::Audit(audit(i, t))).unwrap();
    }
    w.append_blocking(Record::Track(track(3, 12.0, TrackStatus::Tentative)))
        .unwrap();
    for (k, state) in [
        AlertState::Raised,
        AlertState::Acknowledged,
        AlertState::Resolved,
    ]
    .into_iter()
    .enumerate()
    {
        w.append_blocking(Record::Alert(alert(5, 1, 10.0 + k as f64, state)))
            .unwrap();
    }
    w.append_blocking(Record::Alert(alert(6, 2, 40.0, AlertState::Raised)))
        .unwrap();
    w.close().unwrap();
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn bundle_files_parse_and_match_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    store(&db, Some(Geodetic::new(51.47, -0.4543, 25.0)));
    let out = dir.path().join("bundle");
    let r = StoreReader::open(&db).unwrap();
    let opts = ExportOptions {
        from: ts(5.0),
        to: ts(20.0),
        origin: None,
    };
    let summary = export_bundle(&r, &out, &opts).unwrap();
    assert!(summary.chain_intact);
    assert_eq!(summary.frames, 16);
    assert_eq!(summary.track_states, 16 + 8 + 1);
    assert_eq!(summary.tracks, 3);
    assert_eq!(summary.alert_events, 3);
    assert_eq!(summary.skipped_maps, None);

    // GeoJSON: a FeatureCollection with three tracks (two lines, one point) and three alerts.
    let geo: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("tracks.geojson")).unwrap()).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = features
        .iter()
        .map(|f| {
            (
                f["properties"]["kind"].as_str().unwrap(),
                f["geometry"]["type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("track", "LineString"),
            ("track", "LineString"),
            ("track", "Point"),
            ("alert", "Point"),
            ("alert", "Point"),
            ("alert", "Point")
        ]
    );
    let first = &features[0]["geometry"]["coordinates"][0];
    let (lon, lat) = (first[0].as_f64().unwrap(), first[1].as_f64().unwrap());
    assert!(
        (lon - -0.4543).abs() < 0.01 && (lat - 51.47).abs() < 0.01,
        "{lon} {lat}"
    );
    assert_eq!(features[3]["properties"]["state"], "raised");

    // CSV row counts.
    assert_eq!(csv_rows(&out.join("track_states.csv")).len(), 25);
    let alerts = csv_rows(&out.join("alerts.csv"));
    assert_eq!(alerts.len(), 3);
    assert_eq!(&alerts[1][7], "acknowledged");
    assert_eq!(&alerts[1][5], "runway <north> & \"apron\"");
    assert_eq!(csv_rows(&out.join("audit.csv")).len(), 16);

    // Frames: the index points into the binary, and each slice is the stored frame.
    let bin = std::fs::read(out.join("frames.bin")).unwrap();
    let index = csv_rows(&out.join("frames.csv"));
    assert_eq!(index.len(), 16);
    for (k, row) in index.iter().enumerate() {
        let (off, len): (usize, usize) = (row[5].parse().unwrap(), row[6].parse().unwrap());
        let i = 5 + k as u64;
        assert_eq!(&bin[off..off + len], &frame(i, i as f64).bytes[..]);
    }
    assert_eq!(
        index
            .iter()
            .map(|r| r[6].parse::<usize>().unwrap())
            .sum::<usize>(),
        bin.len()
    );

    // KML is well-formed XML with one placemark per track and alert.
    let kml = std::fs::read_to_string(out.join("tracks.kml")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&kml);
    let mut placemarks = 0;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) if e.name().0 == "Placemark" => placemarks += 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(placemarks, 6);

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["chain"]["intact"], true);
    assert_eq!(manifest["counts"]["frames"], 16);
}

#[test]
fn without_an_origin_the_map_files_are_skipped_but_the_rest_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    store(&db, None);
    let out = dir.path().join("bundle");
    let r = StoreReader::open(&db).unwrap();
    let opts = ExportOptions {
        from: ts(0.0),
        to: ts(100.0),
        origin: None,
    };
    let summary = export_bundle(&r, &out, &opts).unwrap();
    assert!(summary.skipped_maps.is_some());
    assert!(!out.join("tracks.geojson").exists());
    assert_eq!(csv_rows(&out.join("alerts.csv")).len(), 4);
    // Given on the command line instead, the maps appear.
    let opts = ExportOptions {
        origin: Some(Geodetic::new(1.0, 2.0, 3.0)),
        ..opts
    };
    export_bundle(&r, &out, &opts).unwrap();
    assert!(out.join("tracks.geojson").exists());
}
