//! `picket decode` through the built binary, on the real captures in the format crates'
//! `tests/data/` folders (Beast, Remote ID pcap/pcapng, SAPIENT messages) and on ASTERIX built
//! with picket-asterix's encoder: record counts and key values against the reference decodes,
//! `--format`, detection, editions, stdin, and bad input (clear message, no panic, offsets).

use picket_formats::picket_asterix::builders::{Plot048, Track062};
use picket_formats::picket_asterix::spec;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

const BEAST: &str = "picket-modes/tests/data/sample_dump1090.bin";
const BEAST_EXPECTED: &str = "picket-modes/tests/data/sample_dump1090.frames.expected.jsonl";
const WIFI: &str = "picket-remoteid/tests/data/odid_wifi_bcn_sample.pcap";
const BT5: &str = "picket-remoteid/tests/data/odid_bt5_lr_sample.pcapng";
const RID_EXPECTED: &str = "picket-remoteid/tests/data/odid_pcap_frames.expected.jsonl";
const SAPIENT: &str = "picket-sapient/tests/data/valid/DetectionReport.RangeBearing.FullMessage";

/// A scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("picket-decode-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn picket(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_picket"))
        .arg("decode")
        .args(args)
        .output()
        .unwrap()
}

fn decode_path(path: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&str> = extra.to_vec();
    args.push(path.to_str().unwrap());
    picket(&args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn json_lines(out: &Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn expected(rel: &str) -> Vec<Value> {
    std::fs::read_to_string(data(rel))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn assert_ok(out: &Output) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(0), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn assert_fails(out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err}");
    }
}

#[test]
fn beast_table_by_detection() {
    let out = decode_path(&data(BEAST), &[]);
    assert_ok(&out);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1 + 239, "{text}");
    assert!(text.lines().nth(1).unwrap().contains("beast"));
    assert!(text.contains("DF17 48520a"), "{text}");
    assert!(
        stderr(&out).contains("239 records decoded (beast)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn beast_json_with_reference_position_matches_pymodes() {
    let out = decode_path(
        &data(BEAST),
        &["--json", "--ref-lat", "43.6294", "--ref-lon", "1.3678"],
    );
    assert_ok(&out);
    let lines = json_lines(&out);
    let reference = expected(BEAST_EXPECTED);
    assert_eq!(lines.len(), reference.len());
    let mut positions = 0;
    for (got, want) in lines.iter().zip(&reference) {
        assert_eq!(got["hex"], want["hex"]);
        assert_eq!(got["offset"], want["offset"]);
        assert_eq!(got["timestamp_12mhz"], want["mlat_ticks_12mhz"]);
        if let Some(lat) = want["pymodes_3_6_1_with_reference_LFBO"]["latitude"].as_f64() {
            assert!((got["lat"].as_f64().unwrap() - lat).abs() < 1e-5, "{got}");
            positions += 1;
        }
    }
    assert_eq!(positions, 4);
}

#[test]
fn wifi_pcap_matches_the_reference_messages() {
    let out = decode_path(&data(WIFI), &["--json"]);
    assert_ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 105);
    let reference: Vec<Value> = expected(RID_EXPECTED)
        .into_iter()
        .filter(|r| r["file"] == "odid_wifi_bcn_sample.pcap")
        .flat_map(|r| {
            let frame = r["frame"].clone();
            r["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |m| (frame.clone(), m.clone()))
                .collect::<Vec<_>>()
        })
        .map(|(frame, m)| serde_json::json!({"frame": frame, "m": m}))
        .collect();
    assert_eq!(reference.len(), lines.len());
    for (got, want) in lines.iter().zip(&reference) {
        assert_eq!(got["transport"], "wifi_beacon");
        assert_eq!(got["frame"], want["frame"]);
        if let Some(lat) = want["m"]["Latitude"].as_f64() {
            assert!((got["latitude"].as_f64().unwrap() - lat).abs() < 1e-7);
        }
    }
    assert!(stderr(&out).contains("105 records decoded (pcap), 21 reports, 0 errors"));
}

#[test]
fn bt5_pcapng_reports_bad_packs_with_frames_and_goes_on() {
    let out = decode_path(&data(BT5), &[]);
    assert_ok(&out);
    assert_eq!(stdout(&out).lines().count(), 1 + 1151);
    let err = stderr(&out);
    assert!(err.contains("1151 records decoded (pcap)"), "{err}");
    assert!(err.contains("31 errors"), "{err}");
    assert!(err.contains("(frame 1)"), "{err}");
    assert!(err.contains("bad_pack"), "{err}");
}

#[test]
fn sapient_message_from_file_and_stdin() {
    let bin = data(&format!("{SAPIENT}.bin"));
    let want: Value = serde_json::from_str(
        &std::fs::read_to_string(data(&format!("{SAPIENT}.expected.json"))).unwrap(),
    )
    .unwrap();
    let out = decode_path(&bin, &["--json"]);
    assert_ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[0]["errors"], serde_json::json!([]));
    assert_eq!(lines[0]["message"], want);

    let mut child = Command::new(env!("CARGO_BIN_EXE_picket"))
        .args(["decode", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&bin).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_ok(&out);
    assert_eq!(json_lines(&out)[0]["message"], want);
}

#[test]
fn sapient_invalid_message_names_the_rule() {
    let bin = data("picket-sapient/tests/data/invalid/0004.NodeId.Missing.bin");
    let out = decode_path(&bin, &["--json", "--format", "sapient"]);
    assert_ok(&out);
    let line = &json_lines(&out)[0];
    assert_eq!(line["valid"], false);
    assert!(line["errors"].to_string().contains("node_id"), "{line}");
}

fn asterix_file(dir: &Path) -> PathBuf {
    let mut bytes = Vec::new();
    let def48 = spec::lookup(48, None).unwrap();
    for i in 0..3u16 {
        let plot = Plot048 {
            range_nm: 12.5,
            azimuth_deg: 45.0,
            flight_level: Some(35.0),
            icao: Some(0x3C660C),
            callsign: Some("DLH65A".into()),
            track_number: Some(100 + i),
            ..Plot048::new(25, 201, 3600.0)
        };
        bytes.extend(plot.encode_block(def48).unwrap());
    }
    let track = Track062::new(0, 5, 57617.25, 5533, (35.1386, -12.1660));
    bytes.extend(track.encode_block(spec::lookup(62, None).unwrap()).unwrap());
    let path = dir.join("vectors.ast");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn asterix_built_with_the_encoder() {
    let dir = scratch("asterix");
    let path = asterix_file(&dir);
    let out = decode_path(&path, &["--json"]);
    assert_ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["category"], 48);
    assert_eq!(lines[0]["edition"], "1.32");
    assert_eq!(
        lines[0]["items"]["010"],
        serde_json::json!({"SAC": 25, "SIC": 201})
    );
    assert_eq!(lines[0]["items"]["240"], "DLH65A  ");
    assert_eq!(lines[2]["block"], 2);
    assert_eq!(lines[3]["category"], 62);
    assert_eq!(lines[3]["items"]["040"], 5533);
    let table = decode_path(&path, &["--edition", "021=2.1"]);
    assert_ok(&table);
    assert!(stdout(&table).contains("CAT048 ed 1.32 block 0 record 0 SAC/SIC 25/201"));
    assert!(stderr(&table).contains("4 records decoded (asterix), 4 reports"));
    let bad = decode_path(&path, &["--edition", "048=9.9"]);
    assert_fails(&bad, &["--edition 048=9.9", "no edition 9.9"]);
}

#[test]
fn truncated_asterix_reports_the_offset() {
    let dir = scratch("truncated");
    let path = asterix_file(&dir);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 4]).unwrap();
    let out = decode_path(&path, &[]);
    assert_ok(&out);
    let err = stderr(&out);
    assert!(
        err.contains("3 records decoded (asterix), 3 reports, 1 errors (truncated 1)"),
        "{err}"
    );
    // The error points at the LEN field of the last (CAT062) block, which overruns the file.
    let mut last_block = 0;
    while last_block
        + usize::from(u16::from_be_bytes([
            bytes[last_block + 1],
            bytes[last_block + 2],
        ]))
        < bytes.len()
    {
        last_block += usize::from(u16::from_be_bytes([
            bytes[last_block + 1],
            bytes[last_block + 2],
        ]));
    }
    assert_eq!(bytes[last_block], 62);
    assert!(
        err.contains(&format!("asterix error at byte {}", last_block + 1)),
        "{err}"
    );
}

#[test]
fn format_override() {
    // The Beast sample read as ASTERIX: nothing decodes, the offset is given, exit status 1.
    let out = decode_path(&data(BEAST), &["--format", "asterix"]);
    assert_fails(&out, &["asterix error at byte", "nothing in", "as asterix"]);
    // Hex lines made from the Beast sample decode as AVR, by detection or when told.
    let dir = scratch("override");
    let frames = json_lines(&decode_path(&data(BEAST), &["--json"]));
    let hex: String = frames
        .iter()
        .map(|f| format!("{}\n", f["hex"].as_str().unwrap()))
        .collect();
    let path = dir.join("frames.txt");
    std::fs::write(&path, hex).unwrap();
    for extra in [&[][..], &["--format", "hex"][..], &["-f", "avr"][..]] {
        let out = decode_path(&path, extra);
        assert_ok(&out);
        assert!(
            stderr(&out).contains("239 records decoded (avr)"),
            "{}",
            stderr(&out)
        );
    }
    let out = decode_path(&path, &["--format", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown format"));
}

#[test]
fn garbage_unreadable_and_empty_inputs() {
    let dir = scratch("garbage");
    let path = dir.join("garbage.bin");
    let bytes: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    assert_fails(
        &decode_path(&path, &[]),
        &["cannot tell the format", "--format"],
    );
    for format in [
        "asterix", "beast", "avr", "remoteid", "sapient", "jsondet", "pcap",
    ] {
        let out = decode_path(&path, &["--format", format]);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{format}: {err}");
        assert!(
            err.contains("error at byte") || out.status.success(),
            "{format}: {err}"
        );
    }
    assert_fails(
        &decode_path(&dir.join("missing.bin"), &[]),
        &["cannot read", "missing.bin"],
    );
    let empty = dir.join("empty.bin");
    std::fs::write(&empty, b"").unwrap();
    assert_fails(&decode_path(&empty, &[]), &["empty"]);
}

#[test]
fn truncated_beast_reports_the_offset_and_keeps_the_rest() {
    let dir = scratch("beast-cut");
    let bytes = std::fs::read(data(BEAST)).unwrap();
    let path = dir.join("cut.bin");
    std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
    let out = decode_path(&path, &[]);
    assert_ok(&out);
    let err = stderr(&out);
    assert!(err.contains("238 records decoded (beast)"), "{err}");
    assert!(err.contains("truncated 1"), "{err}");
    let last = expected(BEAST_EXPECTED).last().unwrap()["offset"]
        .as_u64()
        .unwrap();
    assert!(
        err.contains(&format!("beast error at byte {last}")),
        "{err}"
    );
}

/// Standard input with `--format` is decoded as it arrives: written in small pieces, with
/// pauses, it gives the same records as the file.
#[test]
fn stdin_stream_with_a_format() {
    let bytes = std::fs::read(data(BEAST)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_picket"))
        .args(["decode", "--format", "beast", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for piece in bytes.chunks(1000) {
        stdin.write_all(piece).unwrap();
        stdin.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_ok(&out);
    let streamed = json_lines(&out);
    let whole = json_lines(&decode_path(&data(BEAST), &["--json"]));
    assert_eq!(streamed, whole);
    assert!(stderr(&out).contains("239 records decoded (beast)"));
}
