//! `picket demo`: a complete simulated site, live, in one command.
//!
//! The simulator (picket-sim) plays a preset scenario in real time (or faster, `--speed`) and
//! speaks the sensors' real wire formats to picket's own listeners over loopback
//! ([`picket_server::senders`]): ASTERIX CAT048 over UDP for radars (one data block per scan),
//! Remote ID message packs over UDP, Mode S Beast over TCP for ADS-B (with the heartbeat
//! dump1090 sends, so a quiet feed still shows as alive), and SAPIENT over TCP for cameras and
//! RF direction finders (Registration, DetectionReports, StatusReports every 5 s, which the
//! sensor panel shows as the sensor's own state and field of view). The site file, the
//! evidence store and the tokens live in a temporary folder; picket prints where it listens,
//! a viewer and an operator token, and the air picture as it goes. Sensors whose first
//! detection comes later in the scenario (Remote ID at about 11 s, ADS-B at about 28 s in
//! `site-defense`) show as never seen until then, apart from their keep-alives.
//!
//! `picket demo --offline` is the batch chain `picket sim` → `picket track` → `picket eval`
//! (scenario, track file and GOSPA plot in a folder), as before the live server.

use crate::{Cli, execute};
use anyhow::{Context, Result};
use clap::Parser;
use std::path::{Path, PathBuf};

/// Options of `picket demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Scenario preset to run (see `picket sim --help`).
    #[arg(long, default_value = "site-defense")]
    preset: String,
    /// Random seed of the simulation.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Simulated time, seconds (the preset's own length when absent).
    #[arg(long, value_name = "SECONDS")]
    duration: Option<f64>,
    /// Folder for the scenario, tracks and plot (a new temporary folder when absent).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Run the batch chain (sim → track → eval → plot) instead of a live site.
    #[arg(long)]
    offline: bool,
    /// Live: play the scenario this many times faster than real time.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Live: an MBTiles file the console draws as its basemap (the grid alone without one).
    #[arg(long, value_name = "FILE")]
    basemap: Option<PathBuf>,
}

/// Runs `picket demo`.
pub fn run(args: Args) -> Result<()> {
    if args.offline {
        offline(args)
    } else {
        live::run(args)
    }
}

/// The batch chain.
fn offline(args: Args) -> Result<()> {
    let dir = match &args.out {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("picket-demo-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file = |name: &str| dir.join(name).display().to_string();
    let (scenario, tracks, plot) = (
        file("scenario.jsonl"),
        file("tracks.jsonl"),
        file("gospa.svg"),
    );

    eprintln!(
        "picket demo: preset {:?}, seed {}, files in {}",
        args.preset,
        args.seed,
        dir.display()
    );
    eprintln!("\n[1/3] simulating the site's sensors");
    let seed = args.seed.to_string();
    let mut sim = vec![
        "sim",
        "--preset",
        &args.preset,
        "--seed",
        &seed,
        "--out",
        &scenario,
    ];
    let duration = args.duration.map(|d| d.to_string());
    if let Some(d) = &duration {
        sim.extend(["--duration", d]);
    }
    step(&sim)?;
    eprintln!("[2/3] tracking every detection");
    step(&["track", "--scenario", &scenario, "--out", &tracks])?;
    eprintln!("[3/3] scoring the air picture against the truth\n");
    step(&[
        "eval",
        "--scenario",
        &scenario,
        "--tracks",
        &tracks,
        "--plot",
        &plot,
    ])?;
    eprintln!("\nfiles: {}", Path::new(&dir).display());
    eprintln!("  scenario.jsonl  truth and detections (picket sim)");
    eprintln!("  tracks.jsonl    the air picture (picket track)");
    eprintln!("  gospa.svg       GOSPA over time: open it in a browser");
    Ok(())
}

/// Runs one subcommand in-process, as if typed after `picket`.
fn step(argv: &[&str]) -> Result<()> {
    let cli = Cli::try_parse_from(std::iter::once("picket").chain(argv.iter().copied()))
        .with_context(|| format!("picket {}", argv.join(" ")))?;
    execute(cli.command).with_context(|| format!("picket {}", argv[0]))
}

/// The live demo: simulator → wire formats → loopback → `picket serve`'s pipeline.
mod live {
    use super::Args;
    use anyhow::{Context, Result, anyhow};
    use picket_core::{Report, SensorId, Site};
    use picket_guard::GuardConfig;
    use picket_scenario::Scenario;
    use picket_server::Server;
    use picket_server::config::{Protocol, SiteConfig};
    use picket_server::senders::{Sender, wire};
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    use std::hash::{BuildHasher, Hasher};
    use std::path::Path;
    use std::time::{Duration, Instant};

    /// Plays `reports` (sorted by time) through the senders in real time times `speed`: the
    /// reports of one sensor at one time go as one scan. Every 5 s each sender sends its
    /// keep-alive (Beast heartbeat, SAPIENT status) and `status` hears the scenario time.
    pub(super) fn play(
        reports: &[Report],
        senders: &mut BTreeMap<SensorId, Sender>,
        speed: f64,
        mut status: impl FnMut(f64),
    ) {
        let start = Instant::now();
        let t0 = reports.first().map_or(0.0, |r| r.time.as_secs());
        let mut next_status = Duration::ZERO;
        for same_time in reports.chunk_by(|a, b| a.time == b.time) {
            let time = same_time[0].time;
            let due = Duration::from_secs_f64((time.as_secs() - t0).max(0.0) / speed);
            if let Some(wait) = due.checked_sub(start.elapsed()) {
                std::thread::sleep(wait);
            }
            let now = picket_server::now();
            if start.elapsed() >= next_status {
                next_status += Duration::from_secs(5);
                for sender in senders.values_mut() {
                    let _ = sender.keepalive(now);
                }
                status(due.as_secs_f64() * speed);
            }
            let mut scans: BTreeMap<SensorId, Vec<Report>> = BTreeMap::new();
            for r in same_time {
                scans.entry(r.sensor).or_default().push(r.clone());
            }
            for (id, scan) in scans {
                if let Some(sender) = senders.get_mut(&id)
                    && let Err(e) = sender.send_scan(&scan, now)
                {
                    eprintln!("  sensor {}: {e}", id.0);
                }
            }
        }
    }

    fn random_token() -> String {
        let state = std::collections::hash_map::RandomState::new();
        (0..2).fold(String::new(), |mut s, i| {
            let mut h = state.build_hasher();
            h.write_u64(i ^ u64::from(std::process::id()));
            let _ = write!(s, "{:016x}", h.finish());
            s
        })
    }

    fn site_toml(
        site: &Site,
        guard: &GuardConfig,
        dir: &Path,
        tokens: &[(&str, &str, &str)],
        basemap: Option<&Path>,
    ) -> Result<String> {
        let o = site.frame().origin();
        let mut t = format!(
            "# picket demo site (generated)\n[site]\nid = \"demo\"\norigin = {{ lat_deg = {}, lon_deg = {}, alt_m = {} }}\nreorder_window_s = 0.1\n",
            o.lat_deg, o.lon_deg, o.alt_m
        );
        if let Some(path) = basemap {
            let _ = writeln!(
                t,
                "basemap = {}",
                toml::Value::from(path.display().to_string())
            );
        }
        t.push('\n');
        for s in site.sensors() {
            let (format, protocol) = wire(s.kind);
            let protocol = match protocol {
                Protocol::Udp => "udp",
                Protocol::Tcp => "tcp",
            };
            let _ = writeln!(
                t,
                "[[sensor]]\nname = {:?}\nkind = \"{}\"\nformat = \"{}\"\nposition = [{}, {}, {}]\nstale_after_s = 30.0\nlisten = {{ protocol = \"{protocol}\", bind = \"127.0.0.1:0\" }}\ntoken = \"sensors\"\nallow_from = [\"127.0.0.1\"]\nframe_is_scan = {}\n",
                s.name,
                s.kind.as_str(),
                format.name(),
                s.position.x,
                s.position.y,
                s.position.z,
                // The simulated radars send each scan as one data block (see senders).
                format == picket_formats::Format::Asterix,
            );
        }
        let _ = writeln!(
            t,
            "[storage]\npath = {:?}\n",
            dir.join("demo.db").display().to_string()
        );
        t.push_str("[auth]\n");
        for (name, role, token) in tokens {
            let _ = writeln!(
                t,
                "[[auth.token]]\nname = \"{name}\"\nrole = \"{role}\"\nsha256 = \"{}\"\n",
                picket_server::hash_token(token)
            );
        }
        // The guard's sections first: its top-level keys must not fall into a table above.
        let guard = toml::to_string(guard).context("cannot write the guard's sections")?;
        Ok(format!("{guard}\n{t}"))
    }

    pub(super) fn run(args: Args) -> Result<()> {
        let dir = match &args.out {
            Some(d) => d.clone(),
            None => std::env::temp_dir().join(format!("picket-demo-{}", std::process::id())),
        };
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let mut config = picket_sim::presets::preset(&args.preset)
            .ok_or_else(|| anyhow!("unknown preset {:?} (see picket sim --help)", args.preset))?;
        if let Some(d) = args.duration {
            config.duration_s = d;
        }
        let mut sim = picket_sim::Simulation::new(config, args.seed)?;
        let text = picket_sim::write_jsonl(&mut sim, Vec::new(), |_| {})?;
        let scenario = Scenario::read(text.as_slice(), "demo scenario")?;
        let (site, mut reports) = scenario.site_and_reports()?;
        reports.sort_by_key(|r| r.time);
        let guard = GuardConfig::from_scenario(&scenario)?;
        let (viewer, operator, sensors) = (random_token(), random_token(), random_token());
        // The site file lives in the demo's folder: a relative basemap path would resolve there.
        let basemap = match &args.basemap {
            Some(b) => {
                Some(std::path::absolute(b).with_context(|| format!("--basemap {}", b.display()))?)
            }
            None => None,
        };
        let toml = site_toml(
            &site,
            &guard,
            &dir,
            &[
                ("viewer", "viewer", &viewer),
                ("operator", "operator", &operator),
                ("sensors", "sensor", &sensors),
            ],
            basemap.as_deref(),
        )?;
        let file = dir.join("site.toml");
        std::fs::write(&file, &toml)?;
        let server = Server::start(vec![SiteConfig::load(&file).map_err(anyhow::Error::msg)?])?;
        println!(
            "picket demo: live site \"demo\" ({} sensors), files in {}",
            site.sensors().len(),
            dir.display()
        );
        for (_, sensor, addr) in server.listeners() {
            println!("  sensor {sensor:<12} listens on {addr}");
        }
        let api = super::super::serve::start_api(&server, "127.0.0.1:0".parse()?, None)?;
        println!("  console:        http://{api}/");
        println!("  viewer token:   {viewer}");
        println!("  operator token: {operator}");
        println!("  evidence store: {}", dir.join("demo.db").display());
        let mut senders = BTreeMap::new();
        for s in site.sensors() {
            let addr = server.addr("demo", &s.name).context("listener")?;
            senders.insert(s.id, Sender::new(&site, s.id, addr, Some(sensors.clone()))?);
        }
        let live = server.registry().get("demo").cloned().context("site")?;
        play(&reports, &mut senders, args.speed.max(0.01), |due_s| {
            let (tracks, alerts) = live.with_snapshot(|s| (s.tracks.len(), s.alerts.len()));
            println!("  t = {due_s:5.0} s: {tracks} tracks, {alerts} alerts");
        });
        std::thread::sleep(Duration::from_millis(500));
        let snap = live.snapshot();
        println!(
            "picket demo: done: {} tracks live, {} alerts",
            snap.tracks.len(),
            snap.alerts.len()
        );
        for (name, h) in &snap.sensors {
            // What a SAPIENT sensor says of itself (its last StatusReport).
            let reported = h
                .reported
                .as_ref()
                .map(|r| format!("  says {} ({})", r.system, r.mode))
                .unwrap_or_default();
            println!(
                "  {name:<12} frames {:>6}  reports {:>6}  rejects {:?}  shed {}{reported}",
                h.frames, h.reports, h.rejects, h.shed
            );
        }
        server.shutdown()?;
        println!(
            "check it: picket verify --db {0}   replay: picket replay --db {0}",
            dir.join("demo.db").display()
        );
        Ok(())
    }
}
