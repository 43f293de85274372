//! `picket demo`: a complete simulated site, live, in one command.
//!
//! The simulator (picket-sim) plays a preset scenario in real time (or faster, `--speed`) and
//! speaks the sensors' real wire formats to picket's own listeners over loopback: ASTERIX
//! CAT048 over UDP for radars, Remote ID message packs over UDP, Mode S Beast over TCP for
//! ADS-B, and picket's JSON detections over UDP for cameras and RF direction finders. The site
//! file, the evidence store and the tokens live in a temporary folder; picket prints where it
//! listens, a viewer and an operator token, and the air picture as it goes.
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
    use picket_core::{Identity, Measurement, Report, SensorKind, Site};
    use picket_formats::picket_asterix::{builders::Plot048, spec};
    use picket_formats::picket_modes::{beast::write_beast, encode::airborne_position};
    use picket_formats::picket_remoteid::{
        self as rid, BasicId, Envelope, Location, Message, Text, encode_pack,
    };
    use picket_guard::GuardConfig;
    use picket_scenario::Scenario;
    use picket_server::Server;
    use picket_server::config::SiteConfig;
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    use std::hash::{BuildHasher, Hasher};
    use std::io::Write as _;
    use std::net::{SocketAddr, TcpStream, UdpSocket};
    use std::path::Path;
    use std::time::{Duration, Instant};

    /// How a sensor kind reaches picket in the demo.
    fn wire(kind: SensorKind) -> (&'static str, &'static str) {
        match kind {
            SensorKind::Radar => ("asterix", "udp"),
            SensorKind::RemoteId => ("remoteid", "udp"),
            SensorKind::Adsb => ("beast", "tcp"),
            _ => ("jsondet", "udp"),
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
    ) -> Result<String> {
        let o = site.frame().origin();
        let mut t = format!(
            "# picket demo site (generated)\n[site]\nid = \"demo\"\norigin = {{ lat_deg = {}, lon_deg = {}, alt_m = {} }}\nreorder_window_s = 0.1\n\n",
            o.lat_deg, o.lon_deg, o.alt_m
        );
        for s in site.sensors() {
            let (format, protocol) = wire(s.kind);
            let _ = writeln!(
                t,
                "[[sensor]]\nname = {:?}\nkind = \"{}\"\nformat = \"{format}\"\nposition = [{}, {}, {}]\nstale_after_s = 30.0\nlisten = {{ protocol = \"{protocol}\", bind = \"127.0.0.1:0\" }}\n",
                s.name,
                s.kind.as_str(),
                s.position.x,
                s.position.y,
                s.position.z
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

    /// Sockets to the site's listeners, per sensor.
    enum Link {
        Udp(UdpSocket, SocketAddr),
        Tcp(TcpStream),
    }

    impl Link {
        fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
            match self {
                Link::Udp(s, to) => s.send_to(bytes, *to).map(|_| ()),
                Link::Tcp(s) => s.write_all(bytes),
            }
        }
    }

    /// The report as its sensor would send it, stamped `now`.
    fn encode(site: &Site, r: &Report, odd: &mut BTreeMap<u32, bool>) -> Option<Vec<u8>> {
        let sensor = site.sensor(r.sensor)?;
        let now = picket_server::now();
        let geodetic = match r.measurement {
            Measurement::Geodetic { position, .. } => Some(position),
            Measurement::Position { position, .. } => Some(site.frame().to_geodetic(&position)),
            _ => None,
        };
        match (sensor.kind, &r.measurement) {
            (
                SensorKind::Radar,
                Measurement::Polar {
                    range_m,
                    az_rad,
                    el_rad,
                    ..
                },
            ) => {
                let mut p = Plot048::new(0, 1, now.as_secs().rem_euclid(86_400.0));
                p.range_nm = range_m / 1852.0;
                p.azimuth_deg = az_rad.to_degrees().rem_euclid(360.0).min(359.99);
                let alt_m = sensor.position.z + range_m * el_rad.sin();
                p.flight_level = Some((alt_m / 0.3048 / 100.0).clamp(-15.0, 1500.0));
                p.encode_block(spec::lookup(48, None)?).ok()
            }
            (SensorKind::RemoteId, _) => {
                let g = geodetic?;
                let loc = Location {
                    status: 2,
                    latitude: g.lat_deg,
                    longitude: g.lon_deg,
                    altitude_geo: g.alt_m,
                    altitude_baro: g.alt_m,
                    height: g.alt_m - site.frame().origin().alt_m,
                    horiz_accuracy: 10,
                    vert_accuracy: 4,
                    ..Location::default()
                };
                let mut messages = Vec::new();
                if let Some(Identity::RemoteId(serial)) = &r.identity {
                    let mut id = [0u8; 20];
                    for (d, s) in id.iter_mut().zip(serial.bytes()) {
                        *d = s;
                    }
                    messages.push(Envelope::new(Message::BasicId(BasicId {
                        id_type: rid::ID_TYPE_SERIAL_NUMBER,
                        ua_type: 2,
                        uas_id: Text(id),
                    })));
                }
                messages.push(Envelope::new(Message::Location(loc)));
                encode_pack(2, &messages).ok()
            }
            (SensorKind::Adsb, _) => {
                let g = geodetic?;
                let icao = match r.identity {
                    Some(Identity::Icao(a)) => a,
                    _ => 0xABCDEF,
                };
                let flag = odd.entry(icao).or_default();
                *flag = !*flag;
                let alt_ft = (g.alt_m / 0.3048).round() as i32;
                let frame =
                    airborne_position(icao, 11, g.lat_deg, g.lon_deg, alt_ft, *flag).ok()?;
                let mut out = Vec::new();
                write_beast(&frame, &mut out);
                Some(out)
            }
            _ => {
                let mut r = r.clone();
                r.time = now;
                r.received = now;
                let d = picket_formats::picket_jsondet::from_report(&r, &sensor.name);
                Some(picket_formats::picket_jsondet::to_json(&d).into_bytes())
            }
        }
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
        let (viewer, operator) = (random_token(), random_token());
        let toml = site_toml(
            &site,
            &guard,
            &dir,
            &[
                ("viewer", "viewer", &viewer),
                ("operator", "operator", &operator),
            ],
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
        let api = super::super::serve::start_api(&server, "127.0.0.1:0".parse()?)?;
        println!("  console:        http://{api}/");
        println!("  viewer token:   {viewer}");
        println!("  operator token: {operator}");
        println!("  evidence store: {}", dir.join("demo.db").display());
        let mut links = BTreeMap::new();
        for s in site.sensors() {
            let addr = server.addr("demo", &s.name).context("listener")?;
            let link = match wire(s.kind).1 {
                "tcp" => Link::Tcp(TcpStream::connect(addr)?),
                _ => Link::Udp(UdpSocket::bind("127.0.0.1:0")?, addr),
            };
            links.insert(s.id, link);
        }
        let live = server.registry().get("demo").cloned().context("site")?;
        let start = Instant::now();
        let t0 = reports.first().map_or(0.0, |r| r.time.as_secs());
        let speed = args.speed.max(0.01);
        let mut odd = BTreeMap::new();
        let mut next_status = Duration::from_secs(5);
        for r in &reports {
            let due = Duration::from_secs_f64((r.time.as_secs() - t0).max(0.0) / speed);
            if let Some(wait) = due.checked_sub(start.elapsed()) {
                std::thread::sleep(wait);
            }
            if let (Some(bytes), Some(link)) =
                (encode(&site, r, &mut odd), links.get_mut(&r.sensor))
            {
                let _ = link.send(&bytes);
            }
            if start.elapsed() >= next_status {
                next_status += Duration::from_secs(5);
                let (tracks, alerts) = live.with_snapshot(|s| (s.tracks.len(), s.alerts.len()));
                println!(
                    "  t = {:5.0} s: {tracks} tracks, {alerts} alerts",
                    due.as_secs_f64() * speed
                );
            }
        }
        std::thread::sleep(Duration::from_millis(500));
        let snap = live.snapshot();
        println!(
            "picket demo: done: {} tracks live, {} alerts",
            snap.tracks.len(),
            snap.alerts.len()
        );
        for (name, h) in &snap.sensors {
            println!(
                "  {name:<12} frames {:>6}  reports {:>6}  rejects {:?}  shed {}",
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
