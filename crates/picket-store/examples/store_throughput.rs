//! Write throughput of the evidence store with the hash chain, in records per second.
//!
//! `cargo run --release -p picket-store --example store_throughput -- [records] [normal|full]`
//!
//! Appends `records` (default 1,000,000) raw frames of 48 bytes, then the same number of a mix
//! (60 % frames, 25 % reports, 10 % track states, 5 % alert events) through one [`StoreWriter`],
//! one record per message (`append_blocking`) and then in groups of 64 (`append_batch`), timing
//! from the first append to the final commit (`flush`), and verifying the chains afterwards.
//! `full` (the default) is `synchronous=FULL`, `normal` is `synchronous=NORMAL`.

use picket_core::{
    Actor, AlertEvent, AlertId, AlertState, ClassProbs, Enu, Measurement, Report, RuleKind,
    SensorId, SensorSet, ThreatLevel, Timestamp, Track, TrackId, TrackStatus,
};
use picket_store::{Durability, RawFrame, Record, StoreReader, StoreWriter, WriterConfig};
use std::time::Instant;

fn frame(i: u64, t: Timestamp) -> Record {
    let mut bytes = vec![0x30u8; 48];
    bytes[..8].copy_from_slice(&i.to_be_bytes());
    Record::Frame(RawFrame {
        sensor: SensorId((i % 4) as u16),
        received: t,
        format: "asterix".into(),
        bytes,
    })
}

fn mixed(i: u64, t: Timestamp) -> Record {
    let p = Enu::new(i as f64, 2.0 * i as f64, 50.0);
    match i % 20 {
        0..12 => frame(i, t),
        12..17 => Record::Report(Report::new(SensorId(1), t, Measurement::cartesian(p, 5.0))),
        17..19 => Record::Track(Track {
            id: TrackId(i % 500),
            time: t,
            position: p,
            velocity: Enu::new(1.0, 0.0, 0.0),
            cov: [[0.0; 6]; 6],
            status: TrackStatus::Confirmed,
            class: ClassProbs([0.7, 0.1, 0.1, 0.1]),
            identity: None,
            pilot: None,
            sensors: SensorSet(3),
            last_update: t,
            update_count: 3,
        }),
        _ => Record::Alert(AlertEvent {
            alert: AlertId(i),
            time: t,
            track: TrackId(i % 500),
            rule: RuleKind::Entry,
            zone: Some("runway".into()),
            level: ThreatLevel::new(3),
            state: AlertState::Raised,
            actor: Actor::System,
            cause: "inside zone runway".into(),
        }),
    }
}

/// Process CPU seconds (user + system) from `/proc/self/stat`, when readable.
fn cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split(' ').collect();
    // Fields 14 and 15 of the line (utime, stime), in clock ticks of 1/100 s on Linux.
    Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
}

/// CPU seconds of the writer thread (found by its name, cut to 15 bytes by Linux) and seconds it spent runnable but
/// waiting for a CPU (`schedstat`): on a shared machine the second says how much of the wall
/// time other processes took.
fn writer_cpu_s() -> Option<(f64, f64)> {
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let dir = task.ok()?.path();
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        if comm.trim() == "picket-store-wr" {
            let sched = std::fs::read_to_string(dir.join("schedstat")).ok()?;
            let mut f = sched.split_whitespace().map(|v| v.parse::<f64>().ok());
            let (run_ns, wait_ns) = (f.next()??, f.next()??);
            return Some((run_ns / 1e9, wait_ns / 1e9));
        }
    }
    None
}

fn run(
    name: &str,
    n: u64,
    group: usize,
    durability: Durability,
    make: fn(u64, Timestamp) -> Record,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let config = WriterConfig {
        durability,
        track_min_interval_s: 0.0,
        ..WriterConfig::default()
    };
    let writer = StoreWriter::open(&path, config).expect("open store");
    let t0 = 1_764_000_000.0;
    let (start, cpu0) = (Instant::now(), cpu_s());
    let mut pending = Vec::with_capacity(group);
    for i in 0..n {
        let t = Timestamp::from_secs(t0 + i as f64 * 1e-4).expect("finite");
        if group <= 1 {
            writer.append_blocking(make(i, t)).expect("append");
            continue;
        }
        pending.push(make(i, t));
        if pending.len() == group || i + 1 == n {
            // A mixed group is never shed; a frames-only group could be, so check.
            let sent = writer
                .append_batch(std::mem::take(&mut pending))
                .expect("append");
            assert_eq!(
                sent,
                picket_store::Enqueued::Queued,
                "shed during the benchmark"
            );
        }
    }
    writer.flush().expect("flush");
    let secs = start.elapsed().as_secs_f64();
    let (writer_cpu, writer_wait) = writer_cpu_s().unwrap_or((f64::NAN, f64::NAN));
    let cpu = cpu0.zip(cpu_s()).map_or(f64::NAN, |(a, b)| b - a);
    let stats = writer.stats();
    let batches = stats.batches.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(
        stats.shed_frames.load(std::sync::atomic::Ordering::Relaxed),
        0
    );
    writer.close().expect("close");
    let size_mb = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    let t = Instant::now();
    let report = StoreReader::open(&path)
        .and_then(|r| r.verify())
        .expect("verify");
    assert!(report.is_intact(), "{:?}", report.first_problem());
    println!(
        "{name:>6} group {group:>3} {durability:?}: {n} records in {secs:.3} s = {:>7.0} records/s \
         (CPU {cpu:.2} s; writer thread ran {writer_cpu:.2} s = {:.0} records per writer CPU-second, \
         waited {writer_wait:.2} s for a CPU; {batches} commits, {size_mb:.0} MB; \
         verify {:.0} rows/s)",
        n as f64 / secs,
        n as f64 / writer_cpu,
        n as f64 / t.elapsed().as_secs_f64()
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let durability = match args.next().as_deref() {
        Some("normal") => Durability::ProcessCrash,
        _ => Durability::PowerLoss,
    };
    for group in [1, 64] {
        run("frames", n, group, durability, frame);
        run("mixed", n, group, durability, mixed);
    }
}
