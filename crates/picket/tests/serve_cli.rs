//! `picket serve` refuses, at start and with a clear message, a site file whose API TLS files
//! are unusable or whose UDP sensor has a token but no source allowlist.

use std::path::PathBuf;
use std::process::Command;

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("picket-serve-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn site(extra_sensor: &str, api: &str) -> String {
    format!(
        r#"
[site]
id = "north"
origin = {{ lat_deg = 51.47, lon_deg = -0.45, alt_m = 25.0 }}

[[sensor]]
name = "radar-1"
kind = "radar"
format = "asterix"
listen = {{ protocol = "udp", bind = "127.0.0.1:0" }}
{extra_sensor}

[storage]
path = "north.db"

[[auth.token]]
name = "sensors"
role = "sensor"
sha256 = "{sha}"

{api}
"#,
        sha = "ab".repeat(32)
    )
}

fn serve(dir: &std::path::Path, text: &str) -> (bool, String) {
    let file = dir.join("site.toml");
    std::fs::write(&file, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_picket"))
        .args(["serve", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn unusable_tls_files_stop_the_start() {
    let dir = scratch("tls");
    std::fs::write(dir.join("cert.pem"), "not a certificate\n").unwrap();
    std::fs::write(dir.join("key.pem"), "not a key\n").unwrap();
    let api = "[api]\nbind = \"127.0.0.1:0\"\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"";
    let (ok, stderr) = serve(&dir, &site("", api));
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("[api] TLS"), "{stderr}");
    let (ok, stderr) = serve(
        &dir,
        &site("", "[api]\nbind = \"127.0.0.1:0\"\ntls_cert = \"cert.pem\""),
    );
    assert!(!ok && stderr.contains("tls_key"), "{stderr}");
}

#[test]
fn a_udp_sensor_with_a_token_needs_an_allowlist() {
    let dir = scratch("udp-token");
    let (ok, stderr) = serve(&dir, &site("token = \"sensors\"", ""));
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("allow_from"), "{stderr}");
}
