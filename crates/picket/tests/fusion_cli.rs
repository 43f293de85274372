//! Seeded multi-sensor runs through the built binary: `picket sim` (radar, camera, RF finder,
//! Remote ID and ADS-B receivers) → `picket track` → `picket eval --json`, checked for
//! classification accuracy, false tracks, confirmation, and GOSPA below that of a track file
//! with no track at any scored time. A failure prints the seed and the commands that replay it.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("picket-fusion-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn picket(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_picket"))
        .args(args)
        .output()
        .expect("picket runs");
    assert!(
        out.status.success(),
        "picket {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn eval(scenario: &Path, tracks: &Path) -> Value {
    let text = picket(&[
        "eval",
        "--scenario",
        scenario.to_str().unwrap(),
        "--tracks",
        tracks.to_str().unwrap(),
        "--json",
    ]);
    serde_json::from_str(&text).unwrap()
}

/// What one seeded run must reach.
struct Bounds {
    min_accuracy: f64,
    max_false_tracks: f64,
    max_gospa_vs_empty: f64,
}

fn run(preset: &str, seed: u64, bounds: &Bounds) {
    let dir = scratch(&format!("{preset}-{seed}"));
    let scenario = dir.join("scenario.jsonl");
    let tracks = dir.join("tracks.jsonl");
    let empty = dir.join("empty.jsonl");
    let seed_s = seed.to_string();
    let s = scenario.to_str().unwrap();
    let t = tracks.to_str().unwrap();
    picket(&[
        "sim",
        "--preset",
        preset,
        "--seed",
        &seed_s,
        "--set",
        "duration_s=120",
        "-q",
        "--out",
        s,
    ]);
    picket(&["track", "--scenario", s, "--out", t]);
    // No track at any scored time: every target missed.
    std::fs::write(
        &empty,
        r#"{"type":"track","t":-1.0,"id":"none","x":0,"y":0,"z":0,"vx":0,"vy":0,"vz":0,"confirmed":true}"#,
    )
    .unwrap();
    let e = eval(&scenario, &tracks);
    let baseline = eval(&scenario, &empty)["mean_gospa"].as_f64().unwrap();
    let replay = format!(
        "seed {seed}: replay with `picket sim --preset {preset} --seed {seed} --set duration_s=120 \
         --out S && picket track --scenario S --out T && picket eval --scenario S --tracks T`"
    );
    let gospa = e["mean_gospa"].as_f64().unwrap();
    assert!(gospa.is_finite(), "{replay}");
    assert!(
        gospa <= bounds.max_gospa_vs_empty * baseline,
        "{replay}: GOSPA {gospa:.1} against {baseline:.1} with no tracks"
    );
    let accuracy = e["classification"]["accuracy"].as_f64().unwrap();
    assert!(
        accuracy >= bounds.min_accuracy,
        "{replay}: classification {accuracy:.3} on {} samples, confusion {}",
        e["classification"]["samples"],
        e["classification"]["confusion"]
    );
    let false_tracks = e["mean_false_tracks"].as_f64().unwrap();
    assert!(
        false_tracks <= bounds.max_false_tracks,
        "{replay}: {false_tracks:.2} false tracks per scan"
    );
    let (confirmed, detected) = (
        e["targets_confirmed"].as_u64().unwrap(),
        e["targets_detected"].as_u64().unwrap(),
    );
    assert!(
        confirmed * 10 >= detected * 4,
        "{replay}: {confirmed} of {detected} detected targets confirmed"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn site_defense_fuses_five_sensors() {
    let bounds = Bounds {
        min_accuracy: 0.88,
        max_false_tracks: 3.0,
        max_gospa_vs_empty: 0.85,
    };
    for seed in [1, 2] {
        run("site-defense", seed, &bounds);
    }
}

#[test]
fn swarm_tracks_are_drones() {
    let bounds = Bounds {
        min_accuracy: 0.95,
        max_false_tracks: 1.0,
        max_gospa_vs_empty: 0.98,
    };
    run("swarm", 1, &bounds);
}

#[test]
fn birds_are_told_from_drones() {
    let bounds = Bounds {
        min_accuracy: 0.93,
        max_false_tracks: 6.0,
        max_gospa_vs_empty: 0.95,
    };
    run("birds", 1, &bounds);
}
