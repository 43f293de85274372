//! `picket sim` through the real binary: reproducible bytes, every preset, overrides and
//! configuration errors.

use std::path::PathBuf;
use std::process::{Command, Output};

fn picket(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_picket"))
        .args(args)
        .output()
        .expect("picket runs")
}

fn ok(args: &[&str]) -> Vec<u8> {
    let out = picket(args);
    assert!(
        out.status.success(),
        "picket {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("picket-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn site_defense_seed_1_twice_gives_identical_bytes() {
    let a = ok(&["sim", "--preset", "site-defense", "--seed", "1"]);
    let b = ok(&["sim", "--preset", "site-defense", "--seed", "1"]);
    assert!(!a.is_empty());
    assert!(a == b, "seed 1: two runs of site-defense differ");
    let c = ok(&[
        "sim",
        "--preset",
        "site-defense",
        "--seed",
        "2",
        "--duration",
        "60",
    ]);
    assert!(!a.starts_with(&c), "seeds 1 and 2 agree");
}

#[test]
fn every_preset_writes_a_readable_file() {
    for preset in [
        "stonesoup-box",
        "site-defense",
        "swarm",
        "birds",
        "spoofing",
    ] {
        let path = temp(&format!("{preset}.jsonl"));
        ok(&[
            "sim",
            "--preset",
            preset,
            "--seed",
            "3",
            "--duration",
            "40",
            "--out",
            path.to_str().unwrap(),
        ]);
        let file = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
        let scenario = picket_scenario::Scenario::read(file, preset)
            .unwrap_or_else(|e| panic!("seed 3: {preset}: {e}"));
        assert!(
            !scenario.truth.is_empty() && !scenario.detections.is_empty(),
            "{preset}"
        );
        assert!(scenario.truth.iter().all(|t| t.t < 40.0));
    }
}

#[test]
fn shortcuts_and_set_change_the_configuration() {
    let text = ok(&[
        "sim",
        "--preset",
        "stonesoup-box",
        "--targets",
        "3",
        "--pd",
        "0.5",
        "--clutter-rate",
        "2",
        "--sigma",
        "4",
        "--set",
        "duration_s=5",
        "--set",
        "note=\"from the test\"",
        "--print-config",
    ]);
    let text = String::from_utf8(text).unwrap();
    for expected in [
        "count = 3",
        "pd = 0.5",
        "clutter_rate = 2.0",
        "sigma_m = 4.0",
        "duration_s = 5",
        "from the test",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    let out = ok(&[
        "sim",
        "--preset",
        "stonesoup-box",
        "--targets",
        "3",
        "--duration",
        "5",
        "--clutter-rate",
        "0",
    ]);
    let scenario = picket_scenario::Scenario::read(out.as_slice(), "stdout").unwrap();
    assert_eq!(scenario.truth.len(), 15);
}

#[test]
fn config_file_overlays_the_preset_and_unknown_keys_fail() {
    let path = temp("overlay.toml");
    std::fs::write(&path, "duration_s = 4.0\n[groups.T]\ncount = 2\n").unwrap();
    let out = ok(&[
        "sim",
        "--preset",
        "stonesoup-box",
        "--config",
        path.to_str().unwrap(),
    ]);
    let scenario = picket_scenario::Scenario::read(out.as_slice(), "stdout").unwrap();
    assert_eq!(scenario.truth.len(), 8);

    std::fs::write(&path, "[sensors.S0]\npd_typo = 0.5\n").unwrap();
    let out = picket(&[
        "sim",
        "--preset",
        "stonesoup-box",
        "--config",
        path.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pd_typo"), "{err}");

    let out = picket(&[
        "sim",
        "--preset",
        "site-defense",
        "--set",
        "sensors.radar-1.pd=2",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sensors.radar-1.pd"));
    let out = picket(&["sim", "--preset", "nope"]);
    assert!(!out.status.success());
}
