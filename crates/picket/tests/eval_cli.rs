//! `picket eval` through the built binary: the harness agreement on a committed fixture, the
//! table, the plot, and bad input (clear message naming file and line, exit status 1, no panic).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../picket-eval/tests/data")
        .join(name)
}

/// A scratch folder for this test binary, emptied at the start of each test that asks.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("picket-eval-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn picket(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_picket"))
        .arg("eval")
        .args(args)
        .output()
        .unwrap()
}

fn eval(scenario: &Path, tracks: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "--scenario".as_ref(),
        scenario.as_os_str(),
        "--tracks".as_ref(),
        tracks.as_os_str(),
    ];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    picket(&args)
}

/// Runs and expects failure with a message containing every one of `needles`.
fn expect_error(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    }
}

const TRUTH: &str = r#"{"type":"truth","t":0.0,"id":"T1","x":0,"y":0,"z":0,"vx":0,"vy":0,"vz":0}"#;
const TRACK: &str =
    r#"{"type":"track","t":0.0,"id":"K1","x":3,"y":4,"z":0,"vx":0,"vy":0,"vz":0,"confirmed":true}"#;

#[test]
fn json_agrees_with_the_harness() {
    let out = eval(
        &fixture("cart_n10.jsonl"),
        &fixture("cart_n10_perturbed_tracks.jsonl"),
        &["--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = std::fs::read_to_string(fixture("cart_n10_perturbed_tracks.expected.json")).unwrap();
    let harness: Value = serde_json::from_str(&text).unwrap();
    for key in [
        "mean_gospa",
        "mean_gospa_localisation",
        "mean_gospa_missed",
        "mean_gospa_false",
        "mean_ospa",
    ] {
        let (w, g) = (harness[key].as_f64().unwrap(), ours[key].as_f64().unwrap());
        assert!(
            (w - g).abs() <= 1e-6 * w.abs(),
            "{key}: harness {w}, picket {g}"
        );
    }
    for key in [
        "tracks",
        "track_breaks",
        "id_switches",
        "track_lines_tentative",
        "track_lines_unscored_time",
    ] {
        assert_eq!(harness[key], ours[key], "{key}");
    }
    assert_eq!(ours["metric"]["cutoff_m"], 100.0);
}

#[test]
fn table_and_plot() {
    let dir = scratch("plot");
    let svg = dir.join("sub/gospa.svg");
    let out = eval(
        &fixture("radar_n10.jsonl"),
        &fixture("radar_n10_gnn_tracks.jsonl"),
        &["--plot", svg.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("GOSPA (m)") && table.contains("299.38"),
        "{table}"
    );
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("time t (s)") && svg.contains("GOSPA (m)"));
}

#[test]
fn a_good_minimal_pair_scores() {
    let dir = scratch("minimal");
    let s = write(&dir, "s.jsonl", &format!("{TRUTH}\n"));
    let t = write(&dir, "t.jsonl", &format!("{TRACK}\n"));
    let out = eval(&s, &t, &["--json"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["mean_gospa"], 5.0);
    assert_eq!(v["mean_ospa"], 5.0);
}

#[test]
fn bad_lines_name_file_and_line() {
    let dir = scratch("bad-lines");
    let t = write(&dir, "t.jsonl", &format!("{TRACK}\n"));
    let cases = [
        (
            "malformed.jsonl",
            format!("{TRUTH}\n{{\"type\":\"truth\",\n"),
            "malformed.jsonl:2",
        ),
        (
            "missing.jsonl",
            format!(
                "{TRUTH}\n{}\n",
                r#"{"type":"truth","t":1.0,"id":"T1","x":0,"y":0,"vx":0,"vy":0,"vz":0}"#
            ),
            "missing.jsonl:2",
        ),
        (
            "unknown.jsonl",
            format!("{TRUTH}\n{}\n", r#"{"type":"bogus","t":1.0}"#),
            "unknown.jsonl:2",
        ),
        (
            "huge.jsonl",
            format!(
                "{TRUTH}\n{}\n",
                r#"{"type":"truth","t":1.0,"id":"T1","x":1e999,"y":0,"z":0,"vx":0,"vy":0,"vz":0}"#
            ),
            "huge.jsonl:2",
        ),
        (
            "unsorted.jsonl",
            format!("{}\n{TRUTH}\n", TRUTH.replace("\"t\":0.0", "\"t\":3.0")),
            "unsorted.jsonl:2",
        ),
    ];
    for (name, text, place) in cases {
        let s = write(&dir, name, &text);
        expect_error(&eval(&s, &t, &[]), &[place]);
    }
    // The same checks apply to the track file.
    let s = write(&dir, "s.jsonl", &format!("{TRUTH}\n"));
    let bad = write(
        &dir,
        "bad_tracks.jsonl",
        &format!(
            "{TRACK}\n{}\n",
            r#"{"type":"track","t":1.0,"id":"K1","x":0,"y":0,"z":0}"#
        ),
    );
    expect_error(&eval(&s, &bad, &[]), &["bad_tracks.jsonl:2", "confirmed"]);
}

#[test]
fn empty_and_truthless_files_are_refused() {
    let dir = scratch("empty");
    let empty = write(&dir, "empty.jsonl", "\n\n");
    let s = write(&dir, "s.jsonl", &format!("{TRUTH}\n"));
    let t = write(&dir, "t.jsonl", &format!("{TRACK}\n"));
    expect_error(
        &eval(&empty, &t, &[]),
        &["empty.jsonl", "empty scenario file"],
    );
    expect_error(&eval(&s, &empty, &[]), &["empty.jsonl", "empty track file"]);
    let no_truth = write(
        &dir,
        "no_truth.jsonl",
        "{\"type\":\"detection\",\"t\":0.0,\"sensor\":\"S0\",\"x\":1,\"y\":2,\"z\":3,\"sigma\":10}\n",
    );
    expect_error(
        &eval(&no_truth, &t, &[]),
        &["no_truth.jsonl", "no truth lines"],
    );
    // A scenario given as the track file: no track lines.
    expect_error(&eval(&s, &s, &[]), &["s.jsonl", "no track lines"]);
    expect_error(&eval(&dir.join("absent.jsonl"), &t, &[]), &["absent.jsonl"]);
}

#[test]
fn inconsistent_files_are_refused() {
    let dir = scratch("inconsistent");
    let s = write(&dir, "s.jsonl", &format!("{TRUTH}\n"));
    let twice = write(&dir, "twice.jsonl", &format!("{TRACK}\n{TRACK}\n"));
    expect_error(
        &eval(&s, &twice, &[]),
        &["twice.jsonl", "\"K1\" appears twice"],
    );
    let polar = write(
        &dir,
        "polar.jsonl",
        &format!(
            "{TRUTH}\n{}\n",
            r#"{"type":"detection","t":0.0,"sensor":"radar-9","range_m":100,"az_deg":10,"el_deg":1,"sigma_range_m":5,"sigma_az_deg":0.5,"sigma_el_deg":0.8}"#
        ),
    );
    let t = write(&dir, "t.jsonl", &format!("{TRACK}\n"));
    expect_error(&eval(&polar, &t, &[]), &["polar.jsonl:2", "radar-9"]);
    expect_error(&eval(&s, &t, &["--cutoff-m", "0"]), &["cut-off"]);
}

#[test]
fn alerts_are_scored_when_given() {
    let dir = scratch("alerts");
    let alerts = write(
        &dir,
        "alerts.jsonl",
        r#"{"type":"alert","t":3.0,"id":"A1","track":"K1","rule":"entry","zone":"Z1","level":3,"state":"raised"}
"#,
    );
    let scenario = fixture("cart_n10.jsonl");
    let tracks = fixture("cart_n10_gnn_tracks.jsonl");
    let out = eval(
        &scenario,
        &tracks,
        &["--json", "--alerts", alerts.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // No zones and no roles in this scenario: one raise, no entries, not a false alert.
    assert_eq!(v["alerts"]["alerts_raised"], 1);
    assert_eq!(v["alerts"]["hostile_entries"], 0);
    assert_eq!(v["alerts"]["false_alerts"], 0);
    let bad = write(&dir, "bad_alerts.jsonl", "{\"type\":\"alert\",\"t\":1.0}\n");
    expect_error(
        &eval(&scenario, &tracks, &["--alerts", bad.to_str().unwrap()]),
        &["bad_alerts.jsonl:1"],
    );
}

#[test]
fn ignored_records_match_the_harness() {
    let out = eval(
        &fixture("dense_n30.jsonl"),
        &fixture("dense_n30_tracks.jsonl"),
        &["--json"],
    );
    assert!(out.status.success());
    let ours: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = std::fs::read_to_string(fixture("dense_n30_tracks.expected.json")).unwrap();
    let harness: Value = serde_json::from_str(&text).unwrap();
    for key in [
        "ignored_records",
        "track_file_ignored_records",
        "skipped_detections",
        "targets",
    ] {
        assert_eq!(harness[key], ours[key], "{key}");
    }
}

#[test]
fn bearing_without_sensor_and_duplicate_sensors_are_refused() {
    let dir = scratch("sensors");
    let t = write(&dir, "t.jsonl", &format!("{TRACK}\n"));
    let bearing = write(
        &dir,
        "bearing.jsonl",
        &format!(
            "{TRUTH}\n{}\n",
            r#"{"type":"detection","t":0.0,"sensor":"rf-1","az_deg":10,"sigma_az_deg":3}"#
        ),
    );
    expect_error(&eval(&bearing, &t, &[]), &["bearing.jsonl:2", "rf-1"]);
    let sensor = r#"{"type":"sensor","id":"S0","kind":"radar","x":0,"y":0,"z":0}"#;
    let twice = write(
        &dir,
        "twice.jsonl",
        &format!("{sensor}\n{sensor}\n{TRUTH}\n"),
    );
    expect_error(
        &eval(&twice, &t, &[]),
        &["twice.jsonl", "duplicate sensor id \"S0\""],
    );
}

#[test]
fn classification_and_spoof_flags_are_reported() {
    // The hand-worked fixtures of picket-eval's tests/guard_scores.rs.
    let out = eval(
        &fixture("class_scenario.jsonl"),
        &fixture("class_tracks.jsonl"),
        &["--json"],
    );
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v["classification"];
    assert_eq!(
        (c["samples"].as_u64(), c["correct"].as_u64()),
        (Some(12), Some(5))
    );
    assert_eq!(c["confusion"]["bird"]["unknown"], 1);
    assert_eq!(c["confusion"]["aircraft"]["drone"], 4);
    assert_eq!(c["majority_accuracy"], 0.5);
    let out = eval(
        &fixture("class_scenario.jsonl"),
        &fixture("class_tracks.jsonl"),
        &[],
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("5 of 12 samples right (41.7 %)") && table.contains("truth \\ track"),
        "{table}"
    );

    let alerts = fixture("spoof_alerts.jsonl");
    let args = ["--json", "--alerts", alerts.to_str().unwrap()];
    let out = eval(
        &fixture("spoof_scenario.jsonl"),
        &fixture("spoof_tracks.jsonl"),
        &args,
    );
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["alerts"]["spoof"];
    assert_eq!(
        (s["spoofed_targets"].as_u64(), s["spoofed_flagged"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(s["max_time_to_flag_s"], 7.0);
    assert_eq!(s["false_spoof_flags"], 2);
    let out = eval(
        &fixture("spoof_scenario.jsonl"),
        &fixture("spoof_tracks.jsonl"),
        &args[1..],
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("spoofed targets: 3, flagged 2 (66.7 %)")
            && table.contains("S2 never flagged"),
        "{table}"
    );
}
