//! picket's live site server: configuration, ingest, the per-site pipeline, replay.
//!
//! ```text
//! sensors ─UDP/TCP─> ingest tasks (tokio: auth, framing) ─frames─> SiteQueue (bounded, sheds oldest)
//!                                                                    │
//!        site thread: Core (decode → slot/reorder → tracker → guard) ┤
//!             │ records, one batch per queue pop                     │ tracks (≤ 5 Hz each), alerts
//!             v                                                      v
//!        recorder thread ─> picket-store writer      picket-live (snapshot + updates) <── API commands
//!        (frames, reports, decimated tracks, alerts, audit)           └─> outputs (CAT062, SAPIENT, webhooks)
//! ```
//!
//! - **Configuration** ([`config`]): one TOML file per site, validated at start; errors name
//!   the file and the section.
//! - **Ingest** ([`ingest`]): ASTERIX over UDP or TCP, Beast/AVR over TCP (listener or client
//!   with reconnect), SAPIENT TCP server with registration handshake and validation, Remote ID
//!   and JSON detections over UDP; JSON over HTTP goes through [`Injector`].
//! - **Overload policy**: the queue in front of each site thread holds
//!   `site.queue_capacity` frames; when full, the oldest raw frame is shed and counted against
//!   its sensor (`shed` in its health). Alerts are made behind the queue, on the site thread,
//!   and reach the store and the live state through blocking paths: they are never shed.
//! - **Determinism** ([`core`]): the core runs on event time and recorded receive times only;
//!   every input that influenced it (frames in processing order, ticks, operator commands, the
//!   configuration at start) is in the store, so [`replay`] reproduces tracks and alerts.
//! - **Sensor authentication** ([`auth`]): a sensor's token on TCP listeners (first line,
//!   or the SAPIENT Registration), source-address allowlists for UDP; refusals are counted
//!   as rejects with reason `unauthenticated`.
//! - **Latency** ([`core::Core::slot`]): one tracker step per sensor per `step_quantum_s`
//!   slot; store serialization on the recorder thread; see BENCHMARKS.md for the figures.
//! - Many sites per process: one thread per site (and its recorder and store writer).
//!
//! ```no_run
//! use picket_server::{Server, config::SiteConfig};
//! let config = SiteConfig::load("north.toml".as_ref()).unwrap();
//! let server = Server::start(vec![config]).unwrap();
//! for (site, sensor, addr) in server.listeners() {
//!     println!("{site}/{sensor} listens on {addr}");
//! }
//! let registry = server.registry(); // hand to the API
//! # drop(registry);
//! server.shutdown().unwrap();
//! ```

pub mod auth;
pub mod config;
pub mod core;
mod fast;
pub mod framing;
pub mod health;
pub mod ingest;
pub mod outputs;
pub mod queue;
mod recorder;
pub mod replay;
pub mod senders;
pub mod site;

pub use crate::core::CONTROL_SENSOR;
pub use site::{SiteHandle, SiteStats, start_site};

use config::SiteConfig;
use picket_core::Timestamp;
use picket_live::Registry;
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// Why the server cannot run.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A configuration problem.
    #[error("{0}")]
    Config(String),
    /// The store refused.
    #[error("store: {0}")]
    Store(#[from] picket_store::StoreError),
    /// A socket or thread could not be set up.
    #[error("{0}")]
    Io(String),
}

/// Wall-clock time now (the only clock of the pipeline: receive times).
pub fn now() -> Timestamp {
    let s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    Timestamp::from_secs(s).unwrap_or(Timestamp::ZERO)
}

/// Hands raw input to a site as if a sensor had sent it (JSON detections over HTTP).
///
/// The caller names the sensor by the token that authenticated the post (the API's sensor
/// tokens are named after their sensor). That token speaks for that sensor only: a sensor
/// whose site file names another token (`token = "..."`) refuses it (`unauthenticated`),
/// a sensor of another format refuses JSON (`wrong_format`), and detections naming another
/// sensor are refused whole (`wrong_sensor`); each refusal is counted in the sensor's health.
#[derive(Debug, Clone)]
pub struct Injector {
    sinks: BTreeMap<String, ingest::Sink>,
    /// Each sensor's configured token name, if it has one.
    tokens: BTreeMap<String, Option<String>>,
}

impl Injector {
    /// Queues `bytes` (JSON detections) from sensor `name`, authenticated by a token of that
    /// name; refused for an unknown sensor, another sensor's token, another format, or a
    /// detection naming another sensor.
    pub fn inject(&self, name: &str, bytes: Vec<u8>) -> Result<(), String> {
        let sink = self
            .sinks
            .get(name)
            .ok_or_else(|| format!("no sensor {name:?} in this site"))?;
        if let Some(Some(token)) = self.tokens.get(name)
            && token != name
        {
            let why = format!("sensor {name:?} takes token {token:?} only");
            sink.reject("unauthenticated", &why);
            return Err(why);
        }
        if sink.format != picket_formats::Format::JsonDetections {
            let why = format!(
                "sensor {name:?} speaks {}, not JSON detections",
                sink.format
            );
            sink.reject("wrong_format", &why);
            return Err(why);
        }
        if bytes.len() > sink.max_frame {
            sink.reject("oversized", &"HTTP body over max_frame_bytes");
            return Err(format!("body over {} bytes", sink.max_frame));
        }
        if let Some(other) = sink.foreign_sensor(&bytes) {
            let why = format!("detection names sensor {other:?}, not {name:?}");
            sink.reject("wrong_sensor", &why);
            return Err(why);
        }
        sink.push(bytes);
        Ok(())
    }

    /// Counts a post refused before it reached [`Injector::inject`] against sensor `name`.
    pub fn refuse(&self, name: &str, reason: &str, detail: &str) {
        if let Some(sink) = self.sinks.get(name) {
            sink.reject(reason, &detail);
        }
    }
}

/// Running sites and their listeners.
#[derive(Debug)]
pub struct Server {
    runtime: tokio::runtime::Runtime,
    sites: Vec<SiteHandle>,
    listeners: Vec<(String, String, SocketAddr)>,
    injectors: BTreeMap<String, Injector>,
}

impl Server {
    /// Starts every site (thread, store) and its sensors' listeners.
    pub fn start(configs: Vec<SiteConfig>) -> Result<Self, ServerError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("picket-io")
            .enable_all()
            .build()
            .map_err(|e| ServerError::Io(format!("cannot start the runtime: {e}")))?;
        let mut seen = std::collections::BTreeSet::new();
        let mut server = Self {
            runtime,
            sites: Vec::new(),
            listeners: Vec::new(),
            injectors: BTreeMap::new(),
        };
        for config in configs {
            if !seen.insert(config.id().to_owned()) {
                return Err(ServerError::Config(format!(
                    "{}: site id {:?} is used by another site file",
                    config.file.display(),
                    config.id()
                )));
            }
            server.add_site(config)?;
        }
        Ok(server)
    }

    fn add_site(&mut self, config: SiteConfig) -> Result<(), ServerError> {
        let site = start_site(config.clone())?;
        let id = config.id().to_owned();
        let mut sinks = BTreeMap::new();
        let mut sensor_tokens = BTreeMap::new();
        let tokens = auth::site_tokens(&config).map_err(ServerError::Config)?;
        for (i, sensor) in config.server.sensor.iter().enumerate() {
            let checks = auth::SensorAuth::new(sensor, &tokens).map_err(ServerError::Config)?;
            let sink = ingest::Sink {
                sensor: picket_core::SensorId(i as u16),
                name: sensor.name.clone(),
                format: sensor.format(),
                max_frame: sensor.max_frame_bytes,
                read_timeout: std::time::Duration::from_secs_f64(sensor.read_timeout_s),
                queue: site.queue.clone(),
                counters: site.counters.clone(),
                node_id: node_id(&id),
                auth: std::sync::Arc::new(checks),
            };
            sinks.insert(sensor.name.clone(), sink.clone());
            sensor_tokens.insert(sensor.name.clone(), sensor.token.clone());
            let addr = self.runtime.block_on(ingest::start(sensor, sink))?;
            if let Some(addr) = addr {
                self.listeners.push((id.clone(), sensor.name.clone(), addr));
            }
        }
        {
            let _runtime = self.runtime.enter();
            outputs::start(&config.server.output, &site.live).map_err(|e| {
                ServerError::Config(format!("{}: [output]: {e}", config.file.display()))
            })?;
        }
        self.injectors.insert(
            id,
            Injector {
                sinks,
                tokens: sensor_tokens,
            },
        );
        self.sites.push(site);
        Ok(())
    }

    /// (site, sensor, bound address) of every listener.
    pub fn listeners(&self) -> &[(String, String, SocketAddr)] {
        &self.listeners
    }

    /// The bound address of a sensor's listener.
    pub fn addr(&self, site: &str, sensor: &str) -> Option<SocketAddr> {
        self.listeners
            .iter()
            .find(|(a, b, _)| a == site && b == sensor)
            .map(|l| l.2)
    }

    /// The live sites, for the API.
    pub fn registry(&self) -> Registry {
        let mut r = Registry::default();
        for s in &self.sites {
            r.insert(s.live.clone());
        }
        r
    }

    /// The running sites.
    pub fn sites(&self) -> &[SiteHandle] {
        &self.sites
    }

    /// The injector of a site (JSON detections from the API).
    pub fn injector(&self, site: &str) -> Option<Injector> {
        self.injectors.get(site).cloned()
    }

    /// The runtime the listeners run on (the API may run there too).
    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        &self.runtime
    }

    /// Stops listening, drains every site and commits its store.
    pub fn shutdown(self) -> Result<(), ServerError> {
        self.runtime
            .shutdown_timeout(std::time::Duration::from_secs(2));
        let mut result = Ok(());
        for site in self.sites {
            if let Err(e) = site.shutdown() {
                result = Err(e);
            }
        }
        result
    }
}

/// picket's SAPIENT node UUID for a site: stable across restarts (derived from the site id).
pub fn node_id(site: &str) -> String {
    // FNV-1a, twice with different seeds, formatted as a version-4-shaped UUID.
    let hash = |seed: u64| {
        site.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    let (a, b) = (hash(0xcbf2_9ce4_8422_2325), hash(0x8422_2325_cbf2_9ce4));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

/// The SHA-256 of an API token, hex: what `[auth]` stores (never the token itself).
pub fn hash_token(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}
