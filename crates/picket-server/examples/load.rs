//! Load benchmark (not a test): real wire formats over loopback into one site.
//!
//! ASTERIX CAT048 blocks over UDP (most of the load), Remote ID Location messages over UDP and
//! Mode S Beast over TCP, paced every millisecond, for `SECONDS`. The load's targets stay
//! outside the protected zone (500 m); among the radar plots, 20 intruding drones fly into it,
//! one every 0.4 s from 1.5 s, so entry alerts are raised during the load. Then prints reports/s,
//! packet-in → track-update and packet-in → alert latency percentiles, shed frames, and the
//! CPU time of picket's threads (site thread, store writer, I/O runtime) separately from the
//! load generators', plus the process's peak memory and the site thread's time by phase.
//!
//! ```text
//! cargo run --release -p picket-server --example load -- [RATE] [SECONDS] [STEP_QUANTUM_S] [REORDER_WINDOW_S]
//! ```
//!
//! Defaults: 50,000 reports/s for 10 s, `step_quantum_s` 0.0005 (the site default),
//! `reorder_window_s` 0.001; the radar is `frame_is_scan` (one data block per scan).

use picket_formats::picket_asterix::{builders::Plot048, spec};
use picket_formats::picket_modes::{beast::write_beast, encode::airborne_position};
use picket_formats::picket_remoteid::{Envelope, Location, Message};
use picket_server::Server;
use picket_server::config::SiteConfig;
use std::io::Write;
use std::net::{TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;
use common::{geodetic, protected_zone, sensor_section, site_section, storage_section};

/// The protected zone's radius: the load's targets stay outside it, the intruders fly in.
const ZONE_R_M: f64 = 500.0;
/// Drones flying into the protected zone among the load, one entry every 0.4 s from 1.5 s.
const INTRUDERS: usize = 20;
const INTRUDER_MPS: f64 = 26.0;

/// Radar target `i` at time `t`: on a 400 m grid around the site (clear of the zone and of
/// the intruders' paths), each drifting east at 5 m/s. Targets closer together would put
/// many plots in one gate, which is the tracker's problem, not the load's.
fn grid(i: usize, t: f64) -> (f64, f64) {
    // A 60 x 60 grid; the few cells near the centre move to a column beyond its east edge.
    let side = 60usize;
    let (x, y) = ((i % side) as f64 - 29.5, (i / side) as f64 - 29.5);
    let (x, y) = if x.hypot(y) * 400.0 > 900.0 {
        (x, y)
    } else {
        (x + 31.0, y)
    };
    (x * 400.0 + 5.0 * t, y * 400.0)
}

/// Intruder `j` at time `t`: straight in towards the centre, crossing the zone's edge at
/// `1.5 + 0.4 j` seconds.
fn intruder(j: usize, t: f64) -> (f64, f64) {
    let a = j as f64 * 2.399_963;
    let enter_s = 1.5 + 0.4 * j as f64;
    let r = (ZONE_R_M + INTRUDER_MPS * (enter_s - t)).max(0.0);
    (r * a.sin(), r * a.cos())
}

fn config(dir: &std::path::Path, step_quantum_s: f64, reorder_window_s: f64) -> SiteConfig {
    let site = format!("queue_capacity = 65536\nstep_quantum_s = {step_quantum_s:?}");
    let text = site_section("load", reorder_window_s, &site)
        + &sensor_section("radar", "radar", "asterix", "udp", "frame_is_scan = true")
        + &sensor_section("rid", "remoteid", "remoteid", "udp", "")
        + &sensor_section("adsb", "adsb", "beast", "tcp", "")
        + &storage_section(&dir.join("load.db"), Some("process_crash"))
        + &protected_zone(ZONE_R_M, 3000.0);
    SiteConfig::parse(&text, "load.toml").expect("valid")
}

/// Target `i` of `n` at time `t`: spread on rings, moving slowly tangentially.
fn position(i: usize, n: usize, t: f64, ring_m: f64) -> (f64, f64) {
    let a = i as f64 / n as f64 * std::f64::consts::TAU + t * 0.005;
    let r = ring_m + (i % 7) as f64 * 400.0;
    (r * a.sin(), r * a.cos())
}

fn pace(start: Instant, tick: u64) {
    let due = start + Duration::from_millis(tick);
    if let Some(wait) = due.checked_duration_since(Instant::now()) {
        std::thread::sleep(wait);
    }
}

/// A radar scan of every target (800 on a grid plus the intruders) at one time of day, sent as
/// one data block (one datagram); scans follow each other so that the plots add up to
/// `per_ms` a millisecond. A scan split over several datagrams would reach the tracker as
/// several steps, each a scan that misses the other targets (the tracker has no sectors).
fn radar(addr: std::net::SocketAddr, per_ms: usize, stop: Arc<AtomicBool>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let def = spec::lookup(48, None).unwrap();
    let n = 800;
    let per_block = n + INTRUDERS;
    let scan_s = (n + INTRUDERS) as f64 / per_ms.max(1) as f64 / 1e3;
    let start = Instant::now();
    for scan in 0u64.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let due = start + Duration::from_secs_f64(scan as f64 * scan_s);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let t = start.elapsed().as_secs_f64();
        let tod = picket_server::now().as_secs().rem_euclid(86_400.0);
        let targets: Vec<usize> = (0..n + INTRUDERS).collect();
        for chunk in targets.chunks(per_block) {
            let records: Vec<_> = chunk
                .iter()
                .map(|&i| {
                    let (e, nn) = if i < n {
                        grid(i, t)
                    } else {
                        intruder(i - n, t)
                    };
                    let mut p = Plot048::new(0, 1, tod);
                    p.range_nm = e.hypot(nn) / 1852.0;
                    p.azimuth_deg = e.atan2(nn).to_degrees().rem_euclid(360.0).min(359.99);
                    // Intruders at 400 m and 26 m/s: too fast and high for the bird class.
                    p.flight_level = Some(if i < n { 5.0 } else { 13.0 });
                    p.items()
                })
                .collect();
            let block =
                picket_formats::picket_asterix::json_encode::encode_block_json(def, &records)
                    .unwrap();
            let _ = socket.send_to(&block, addr);
        }
    }
}

fn rid(addr: std::net::SocketAddr, per_ms: usize, stop: Arc<AtomicBool>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let n = 40;
    let start = Instant::now();
    let mut next = 0usize;
    for tick in 0u64.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        pace(start, tick);
        let t = start.elapsed().as_secs_f64();
        for _ in 0..per_ms {
            let i = next % n;
            next += 1;
            let (e, nn) = position(i, n, t, 1200.0);
            let (lat, lon) = geodetic(e, nn);
            let loc = Location {
                status: 2,
                latitude: lat,
                longitude: lon,
                altitude_geo: 80.0,
                height: 80.0,
                horiz_accuracy: 10,
                vert_accuracy: 4,
                ..Location::default()
            };
            let _ = socket.send_to(&Envelope::new(Message::Location(loc)).encode(), addr);
        }
    }
}

fn adsb(addr: std::net::SocketAddr, per_ms: usize, stop: Arc<AtomicBool>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_nodelay(true).unwrap();
    let n = 40;
    let start = Instant::now();
    let mut next = 0usize;
    let mut bytes = Vec::new();
    for tick in 0u64.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        pace(start, tick);
        let t = start.elapsed().as_secs_f64();
        bytes.clear();
        for _ in 0..per_ms {
            let i = next % n;
            next += 1;
            let (e, nn) = position(i, n, t, 8000.0);
            let (lat, lon) = geodetic(e, nn);
            let icao = 0x40_0000 + i as u32;
            let frame =
                airborne_position(icao, 11, lat, lon, 3000, next.is_multiple_of(2)).unwrap();
            write_beast(&frame, &mut bytes);
        }
        if stream.write_all(&bytes).is_err() {
            break;
        }
    }
}

/// CPU seconds of this process's threads, split by whether the name starts with `picket`.
fn thread_cpu_s() -> (f64, f64) {
    thread_cpu()
        .into_iter()
        .fold((0.0, 0.0), |(p, o), (name, s)| {
            if name.starts_with("picket") {
                (p + s, o)
            } else {
                (p, o + s)
            }
        })
}

/// The 1, 5 and 15 minute load averages (the machine is shared: this says how shared).
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// CPU seconds of this process's threads by name (summed over threads of the same name).
fn thread_cpu() -> std::collections::BTreeMap<String, f64> {
    let ticks_per_s = 100.0; // USER_HZ
    let mut out = std::collections::BTreeMap::new();
    for task in std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
    {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        let Some(rest) = stat.rsplit_once(')').map(|r| r.1) else {
            continue;
        };
        // utime and stime, the 14th and 15th fields of stat.
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 = [11, 12]
            .iter()
            .filter_map(|&i| f.get(i)?.parse::<f64>().ok())
            .sum();
        *out.entry(comm.trim().to_owned()).or_default() += ticks / ticks_per_s;
    }
    out
}

fn percentile(v: &mut [f32], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f32::total_cmp);
    f64::from(v[((v.len() - 1) as f64 * p).round() as usize])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rate: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let seconds: f64 = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(10.0);
    let quantum_s: f64 = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(0.0005);
    let window_s: f64 = args.get(4).and_then(|v| v.parse().ok()).unwrap_or(0.001);
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(vec![config(dir.path(), quantum_s, window_s)]).unwrap();
    let site = &server.sites()[0];
    let stop = Arc::new(AtomicBool::new(false));
    let radar_per_ms = rate * 8 / 10 / 1000;
    let other_per_ms = (rate / 10 / 1000).max(1);
    let (r, i, a) = (
        server.addr("load", "radar").unwrap(),
        server.addr("load", "rid").unwrap(),
        server.addr("load", "adsb").unwrap(),
    );
    let load0 = loadavg();
    let cpu0 = thread_cpu_s();
    let t0 = Instant::now();
    let handles = [
        std::thread::spawn({
            let s = stop.clone();
            move || radar(r, radar_per_ms, s)
        }),
        std::thread::spawn({
            let s = stop.clone();
            move || rid(i, other_per_ms, s)
        }),
        std::thread::spawn({
            let s = stop.clone();
            move || adsb(a, other_per_ms, s)
        }),
    ];
    std::thread::sleep(Duration::from_secs_f64(seconds));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        let _ = h.join();
    }
    let wall = t0.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_millis(300));
    let cpu1 = thread_cpu_s();
    let stats = &site.stats;
    let reports = stats.reports.load(Ordering::Relaxed);
    let shed: u64 = site.counters.health().iter().map(|h| h.shed).sum();
    let mut track = stats.track_latency_ms.lock().unwrap().clone();
    let mut alert = stats.alert_latency_ms.lock().unwrap().clone();
    let peak_kb = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .unwrap_or(0);
    println!(
        "offered {rate} reports/s for {wall:.1} s (step_quantum_s {quantum_s}, reorder_window_s {window_s})"
    );
    println!(
        "decoded {reports} reports = {:.0} reports/s; frames {}; shed {shed}; tracks live {}; alert events {}",
        reports as f64 / wall,
        stats.frames.load(Ordering::Relaxed),
        site.live.with_snapshot(|s| s.tracks.len()),
        stats.alerts.load(Ordering::Relaxed),
    );
    println!(
        "packet-in -> track update: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
        percentile(&mut track, 0.5),
        percentile(&mut track, 0.99),
        percentile(&mut track, 1.0),
        track.len()
    );
    println!(
        "packet-in -> alert: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
        percentile(&mut alert, 0.5),
        percentile(&mut alert, 0.99),
        percentile(&mut alert, 1.0),
        alert.len()
    );
    let names = ["radar", "rid", "adsb"];
    for (sensor, v) in stats.track_latency_by_sensor_ms.lock().unwrap().iter_mut() {
        println!(
            "  track update from {:<5}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
            names.get(usize::from(*sensor)).unwrap_or(&"?"),
            percentile(v, 0.5),
            percentile(v, 0.99),
            percentile(v, 1.0),
            v.len()
        );
    }
    for (format, v) in stats.frame_ms.lock().unwrap().iter_mut() {
        println!(
            "site thread per {format} frame: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} frames)",
            percentile(v, 0.5),
            percentile(v, 0.99),
            percentile(v, 1.0),
            v.len()
        );
    }
    let phases: Vec<f64> = stats
        .phase_ns
        .iter()
        .map(|n| n.load(Ordering::Relaxed) as f64 / 1e9)
        .collect();
    let total: f64 = phases.iter().sum();
    let shares: Vec<String> = picket_server::site::PHASES
        .iter()
        .zip(&phases)
        .map(|(name, s)| format!("{name} {s:.2} s ({:.0}%)", s / total.max(1e-9) * 100.0))
        .collect();
    println!("site thread wall time by phase: {}", shares.join(", "));
    let picket_cpu = cpu1.0 - cpu0.0;
    println!(
        "CPU: picket threads {picket_cpu:.2} s ({:.0}% of one core; {:.1} us of CPU per report), load generators {:.2} s; peak RSS {} MB (whole process)",
        picket_cpu / wall * 100.0,
        picket_cpu / reports.max(1) as f64 * 1e6,
        cpu1.1 - cpu0.1,
        peak_kb / 1024
    );
    for (name, s) in thread_cpu()
        .into_iter()
        .filter(|(n, _)| n.starts_with("picket"))
    {
        println!("  thread {name:<18} {s:.2} s CPU");
    }
    println!("load average before {load0}, after {}", loadavg());
    let rejects: Vec<String> = site
        .counters
        .health()
        .iter()
        .map(|h| format!("{} {:?}", h.name, h.rejects))
        .collect();
    println!("rejects: {}", rejects.join("; "));
    server.shutdown().unwrap();
}
