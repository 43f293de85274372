//! `picket demo` (the live site) through the built binary, played 20 times faster than real
//! time: every simulated sensor (radar over ASTERIX, Remote ID, ADS-B over Beast, camera and RF
//! over SAPIENT, all with the demo's sensor token or allowlist) must reach its listener, and
//! the store it leaves must replay exactly.

use std::process::Command;

#[test]
fn every_demo_sensor_is_heard_and_the_store_replays() {
    let dir = std::env::temp_dir().join(format!("picket-demo-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_picket"))
        .args(["demo", "--speed", "20", "--duration", "35", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for sensor in ["adsb-1", "cam-1", "radar-1", "rf-1", "rid-1"] {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(sensor) && l.contains("frames"))
            .unwrap_or_else(|| panic!("no summary for {sensor}:\n{stdout}"));
        let frames: u64 = line
            .split_whitespace()
            .skip_while(|w| *w != "frames")
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(frames > 0, "{sensor} sent nothing: {line}");
        assert!(!line.contains("unauthenticated"), "{line}");
    }
    let replay = Command::new(env!("CARGO_BIN_EXE_picket"))
        .args(["replay", "--db"])
        .arg(dir.join("demo.db"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&replay.stdout);
    assert!(
        replay.status.success() && text.contains("replay: exact"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
