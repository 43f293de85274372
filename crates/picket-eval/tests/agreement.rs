//! Agreement with the Stone Soup harness (`stonesoup_bench.py --evaluate`, Stone Soup's own
//! `GOSPAMetric`/`OSPAMetric`): on the committed scenario and track files, every figure the
//! harness prints that picket computes agrees, means to 1e-6 relative and counts exactly.
//! How the files and the expected numbers were made: `tests/data/README.md`.

use picket_eval::{Params, evaluate};
use picket_scenario::Scenario;
use serde_json::Value;
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn read(name: &str) -> Scenario {
    let path = data(name);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Scenario::read(std::io::BufReader::new(file), name).unwrap()
}

const MEANS: &[&str] = &[
    "mean_gospa",
    "mean_gospa_localisation",
    "mean_gospa_missed",
    "mean_gospa_false",
    "mean_ospa",
    "mean_time_to_confirm_s",
    "mean_missed_targets",
    "mean_false_tracks",
    "truth_coverage",
    "mean_ospa_steady",
    "mean_gospa_steady",
    "mean_missed_targets_steady",
    "mean_false_tracks_steady",
];

const COUNTS: &[&str] = &[
    "targets",
    "tracks",
    "track_breaks",
    "id_switches",
    "targets_detected",
    "targets_confirmed",
    "scored_scans",
    "tracks_final",
    "track_lines_confirmed",
    "track_lines_tentative",
    "track_lines_unscored_time",
    "skipped_detections",
];

/// Compares picket's figures on `scenario` + `tracks` with `<tracks stem>.expected.json`.
fn check(scenario: &str, tracks: &str) {
    let stem = tracks.trim_end_matches(".jsonl");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(data(&format!("{stem}.expected.json"))).unwrap(),
    )
    .unwrap();
    let ours =
        serde_json::to_value(evaluate(&read(scenario), &read(tracks), &Params::default()).unwrap())
            .unwrap();
    for key in MEANS {
        let (want, got) = (&expected[key], &ours[key]);
        match (want.as_f64(), got.as_f64()) {
            (Some(w), Some(g)) => {
                let rel = (w - g).abs() / w.abs().max(f64::MIN_POSITIVE);
                assert!(
                    w == g || rel <= 1e-6,
                    "{tracks}: {key}: harness {w}, picket {g} (rel {rel:e})"
                );
            }
            _ => assert!(
                want.is_null() && got.is_null(),
                "{tracks}: {key}: harness {want}, picket {got}"
            ),
        }
    }
    for key in COUNTS {
        assert_eq!(expected[key], ours[key], "{tracks}: {key}");
        assert!(
            expected[key].is_u64(),
            "{tracks}: {key} missing from the harness output"
        );
    }
}

#[test]
fn cartesian_stonesoup_gnn_tracks() {
    check("cart_n10.jsonl", "cart_n10_gnn_tracks.jsonl");
}

#[test]
fn cartesian_perturbed_tracks() {
    check("cart_n10.jsonl", "cart_n10_perturbed_tracks.jsonl");
}

#[test]
fn polar_stonesoup_gnn_tracks() {
    check("radar_n10.jsonl", "radar_n10_gnn_tracks.jsonl");
}

#[test]
fn polar_perturbed_tracks() {
    check("radar_n10.jsonl", "radar_n10_perturbed_tracks.jsonl");
}

#[test]
fn dense_crowd_with_competing_pairs() {
    check("dense_n30.jsonl", "dense_n30_tracks.jsonl");
}

/// The fixtures exercise what they claim to (otherwise agreement would prove little).
#[test]
fn fixtures_exercise_the_hard_cases() {
    let e = evaluate(
        &read("cart_n10.jsonl"),
        &read("cart_n10_perturbed_tracks.jsonl"),
        &Params::default(),
    )
    .unwrap();
    assert!(e.id_switches > 0 && e.track_breaks > 0);
    assert!(e.mean_gospa_false > 0.0 && e.mean_gospa_missed > 0.0);
    assert!(e.track_lines_tentative > 0 && e.track_lines_unscored_time > 0);
    let dense = evaluate(
        &read("dense_n30.jsonl"),
        &read("dense_n30_tracks.jsonl"),
        &Params::default(),
    )
    .unwrap();
    assert!(dense.skipped_detections > 0);
    // Several truths within c of one track at once: the assignment has real choices to make.
    let truth = read("dense_n30.jsonl").truth;
    let first: Vec<_> = truth.iter().filter(|t| t.t == truth[0].t).collect();
    let crowded = first.iter().filter(|a| {
        first
            .iter()
            .filter(|b| {
                ((a.x - b.x).powi(2) + (a.y - b.y).powi(2) + (a.z - b.z).powi(2)).sqrt() < 100.0
            })
            .count()
            > 2
    });
    assert!(crowded.count() > 10);
}
