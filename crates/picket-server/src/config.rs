//! The site file: one TOML file per site.
//!
//! The guard's sections (`[guard]`, `[[zone]]`, `[[rule]]`, `[rules.<kind>]`, `[[authorized]]`)
//! go to [`picket_guard::GuardConfig::load`]; every other section is read here with unknown
//! keys refused, then checked as a whole ([`SiteConfig::load`]), so a bad file is refused at
//! start with the file, the section and what to do.
//!
//! ```toml
//! [site]
//! id = "north"
//! origin = { lat_deg = 51.47, lon_deg = -0.45, alt_m = 25.0 }
//!
//! [[sensor]]
//! name = "radar-1"
//! kind = "radar"
//! format = "asterix"
//! position = [0.0, 0.0, 10.0]
//! listen = { protocol = "udp", bind = "127.0.0.1:4001" }
//!
//! [[sensor]]
//! name = "adsb"
//! kind = "adsb"
//! format = "beast"
//! connect = "127.0.0.1:30005"
//!
//! [storage]
//! path = "north.db"
//! ```
//!
//! # Reference
//!
//! - `[site]`: `id`, `origin = { lat_deg, lon_deg, alt_m }`, `reorder_window_s` (0.05),
//!   `queue_capacity` (65,536 frames), `step_quantum_s` (0.0005: one tracker step per sensor and
//!   slot), `late_window_s` (0.05: reports this much older than the last step are taken at it).
//! - `[[sensor]]`: `name`, `kind`, `format`, `position = [e, n, u]`, either
//!   `listen = { protocol = "udp"|"tcp", bind, max_connections = 8 }` or `connect = "host:port"`
//!   (Beast/AVR feeds), `frame_is_scan` (false: each frame holds whole scans, step it without
//!   waiting for the rest of its slot), `stale_after_s` (10), `max_frame_bytes` (65,536), `read_timeout_s` (30),
//!   and the sensor's authentication:
//!   - `token = "NAME"`: an `[auth]` token of role `sensor`. TCP stream sensors send
//!     `PICKET-TOKEN <token>` as their first line; SAPIENT sensors put
//!     `picket-token=<token>` in the Registration's `additional_information` (refused: a
//!     RegistrationAck with acceptance false). JSON detections over HTTP come with a token
//!     of role `sensor` named after the sensor (and, when the sensor names a `token`, that
//!     one only); over any transport, detections naming another sensor are refused
//!     (`wrong_sensor`).
//!   - `allow_from = ["127.0.0.1", "10.1.2.0/24"]`: source addresses accepted (TCP and UDP).
//!     UDP formats (ASTERIX, Remote ID, JSON over UDP) cannot carry a token, so a UDP sensor
//!     with a token must have an `allow_from`.
//!   - Refused connections and datagrams count as rejects with reason `unauthenticated`;
//!     presented tokens are never logged. Feeds picket connects to (`connect`) need neither.
//! - `[storage]`: `path`, `retention_days`, `max_db_mb`, `durability` (`power_loss`,
//!   `process_crash`).
//! - `[auth]`: `tokens_file`, `[[auth.token]] name, role (viewer|operator|admin|sensor), sha256`.
//! - `[api]`: `bind`, and `tls_cert` + `tls_key` (PEM) for HTTPS only.
//! - `[[output]]`: `kind = "asterix_cat062"` (`target`, `sac_sic`), `kind = "sapient"`
//!   (`target`, `node_id`), `kind = "webhook"` (`url` https or http, `ca_file` for a private
//!   CA, `authorization_env`: the environment variable holding an `Authorization` value).
//!
//! Relative paths (store, TLS files, tokens file, CA file) are relative to the site file.

use picket_core::{Geodetic, SensorKind};
use picket_formats::Format;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

mod validate;
use validate::validate;

/// Keys of the site file that belong to the guard.
pub const GUARD_SECTIONS: [&str; 5] = ["guard", "zone", "rule", "rules", "authorized"];

/// A site file the server refuses: which file, which section, what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ConfigError {
    /// The file.
    pub file: String,
    /// The section (e.g. `sensor[1] "adsb"`), empty for the whole file.
    pub section: String,
    /// What is wrong and what to do.
    pub reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.section.is_empty() {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{}: [{}]: {}", self.file, self.section, self.reason)
        }
    }
}

/// `[site]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSection {
    /// Site id (letters, digits, `-`, `_`).
    pub id: String,
    /// Origin of the site frame.
    pub origin: Geodetic,
    /// Reports wait this long (receive time) for later-arriving reports of other sensors
    /// before the tracker takes them in time order.
    #[serde(default = "default_reorder_window_s")]
    pub reorder_window_s: f64,
    /// Frames held between ingest and the site thread; beyond it the oldest are shed.
    #[serde(default = "default_queue_capacity")]
    pub queue_capacity: usize,
    /// Reports of one sensor whose times fall in the same slot of this many seconds go into
    /// one tracker step, at the slot's start, once the slot is complete: it adds up to this
    /// much latency and saves a step per datagram (0: one step per distinct report time).
    #[serde(default = "default_step_quantum_s")]
    pub step_quantum_s: f64,
    /// A report older than what the tracker already stepped, by at most this many seconds, is
    /// taken at the current step time instead of being refused (`too_late`): radar times of
    /// day come in 1/128 s, and a short reorder window keeps latency low.
    #[serde(default = "default_late_window_s")]
    pub late_window_s: f64,
    /// An MBTiles file the console draws as its basemap (relative to the site file); without
    /// one the console shows its grid of range rings and bearings.
    #[serde(default)]
    pub basemap: Option<PathBuf>,
}

fn default_late_window_s() -> f64 {
    0.05
}

fn default_step_quantum_s() -> f64 {
    // A Remote ID or ADS-B step costs the tracker little (it touches only the tracks it can
    // reach), so a short slot buys latency cheaply; see BENCHMARKS.md.
    0.0005
}

fn default_reorder_window_s() -> f64 {
    0.05
}
fn default_queue_capacity() -> usize {
    65_536
}

/// How a listener receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// One datagram is one frame.
    Udp,
    /// A byte stream, framed per format.
    Tcp,
}

/// `listen = { protocol, bind }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenConfig {
    /// udp or tcp.
    pub protocol: Protocol,
    /// Address and port (port 0 picks a free one).
    pub bind: SocketAddr,
    /// Most simultaneous TCP connections.
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
}

fn default_max_connections() -> usize {
    8
}

/// `[[sensor]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensorConfig {
    /// Unique name within the site.
    pub name: String,
    /// radar, rf, remoteid, adsb, camera, acoustic, generic.
    pub kind: SensorKind,
    /// asterix, beast, avr, remoteid, sapient, jsondet.
    pub format: String,
    /// East, north, up from the site origin, metres.
    #[serde(default)]
    pub position: [f64; 3],
    /// A listener this sensor sends to.
    #[serde(default)]
    pub listen: Option<ListenConfig>,
    /// A TCP server picket connects to (Beast/AVR feeds such as readsb port 30005).
    #[serde(default)]
    pub connect: Option<SocketAddr>,
    /// Name of the `[auth]` token (role `sensor`) the sensor must present: the first line of
    /// a TCP stream, the SAPIENT Registration, or HTTP (see [`crate::auth`]).
    #[serde(default)]
    pub token: Option<String>,
    /// Source addresses the listener accepts (`"127.0.0.1"`, `"10.1.2.0/24"`, `"::1"`); empty
    /// accepts any. UDP formats carry no token, so a UDP sensor with a token needs this.
    #[serde(default)]
    pub allow_from: Vec<String>,
    /// Each frame of this sensor holds whole scans (a radar sending one ASTERIX data block
    /// per scan): its reports are stepped as soon as the reorder watermark passes their slot's
    /// start, without waiting for the rest of their `step_quantum_s` slot (no later frame of
    /// the sensor can add to it); whatever of other sensors waits in earlier slots steps
    /// first. Another frame of the sensor in the same slot then makes a step of its own.
    #[serde(default)]
    pub frame_is_scan: bool,
    /// What the sensor covers: drawn by the console (`picket-api`'s layout reads and checks it)
    /// and given to the guard, which verifies Remote ID broadcasts inside a radar's coverage
    /// (unless `[[guard.coverage]]` names the sensor itself).
    #[serde(default)]
    pub coverage: Option<CoverageConfig>,
    /// Quiet longer than this: flagged stale.
    #[serde(default = "default_stale_s")]
    pub stale_after_s: f64,
    /// Largest frame accepted, bytes.
    #[serde(default = "default_max_frame")]
    pub max_frame_bytes: usize,
    /// A TCP connection silent this long, or holding a partial frame this long, is closed.
    #[serde(default = "default_read_timeout_s")]
    pub read_timeout_s: f64,
}

/// A sensor's nominal coverage: range, and for a sector its boresight and field of view.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageConfig {
    /// Greatest range, metres.
    pub range_m: f64,
    /// Centre of the sector, degrees clockwise from north.
    #[serde(default)]
    pub boresight_deg: Option<f64>,
    /// Width of the sector, degrees (360 or none: all round).
    #[serde(default)]
    pub fov_deg: Option<f64>,
}

fn default_stale_s() -> f64 {
    10.0
}
fn default_max_frame() -> usize {
    65_536
}
fn default_read_timeout_s() -> f64 {
    30.0
}

impl SensorConfig {
    /// The configured format.
    pub fn format(&self) -> Format {
        self.format.parse().unwrap_or(Format::JsonDetections)
    }
}

/// `[storage]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    /// The SQLite file (relative paths are relative to the site file).
    pub path: PathBuf,
    /// Drop raw frames, reports and track states older than this many days.
    #[serde(default)]
    pub retention_days: Option<f64>,
    /// Keep the database under this size, megabytes.
    #[serde(default)]
    pub max_db_mb: Option<u64>,
    /// `power_loss` (fsync every batch, default) or `process_crash`.
    #[serde(default)]
    pub durability: Option<String>,
}

/// One API token, stored hashed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    /// Who (shown in the audit log).
    pub name: String,
    /// viewer, operator, admin or sensor.
    pub role: String,
    /// SHA-256 of the token, hex.
    pub sha256: String,
}

/// `[auth]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// A TOML file of `[[token]]` entries.
    #[serde(default)]
    pub tokens_file: Option<PathBuf>,
    /// Tokens written inline.
    #[serde(default)]
    pub token: Vec<TokenConfig>,
}

/// `[api]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// Where the HTTP API listens.
    pub bind: SocketAddr,
    /// TLS certificate chain (PEM, leaf first); with `tls_key`, the API speaks HTTPS only.
    #[serde(default)]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[serde(default)]
    pub tls_key: Option<PathBuf>,
}

/// `[[output]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "snake_case")]
pub enum OutputConfig {
    /// ASTERIX CAT062 system tracks over UDP.
    AsterixCat062 {
        /// Destination.
        target: SocketAddr,
        /// SAC/SIC of picket as a data source.
        #[serde(default)]
        sac_sic: [u8; 2],
    },
    /// SAPIENT DetectionReports and Alerts to a higher C2 over TCP.
    Sapient {
        /// The C2's address.
        target: SocketAddr,
        /// picket's node UUID.
        node_id: String,
    },
    /// HTTP POST of every alert event as JSON, retried with backoff.
    Webhook {
        /// `https://host[:port]/path` (or `http://` on a trusted network).
        url: String,
        /// PEM file of the CA(s) that sign the receiver's certificate; absent: the system's.
        #[serde(default)]
        ca_file: Option<PathBuf>,
        /// Name of an environment variable holding an `Authorization` header value (the
        /// secret stays out of the site file and out of every log line).
        #[serde(default)]
        authorization_env: Option<String>,
    },
}

/// The server's part of a site file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    /// `[site]`.
    pub site: SiteSection,
    /// `[[sensor]]`.
    #[serde(default)]
    pub sensor: Vec<SensorConfig>,
    /// `[storage]`.
    pub storage: StorageConfig,
    /// `[auth]`.
    #[serde(default)]
    pub auth: AuthConfig,
    /// `[api]`.
    #[serde(default)]
    pub api: Option<ApiConfig>,
    /// `[[output]]`.
    #[serde(default)]
    pub output: Vec<OutputConfig>,
}

/// A loaded, validated site file.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Where it came from.
    pub file: PathBuf,
    /// The whole text (the guard's sections are re-read from it on reload).
    pub text: String,
    /// The server's sections.
    pub server: SiteFile,
    /// The guard's sections.
    pub guard: picket_guard::GuardConfig,
}

impl SiteConfig {
    /// Reads and validates a site file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.display().to_string(),
            section: String::new(),
            reason: format!("cannot read it: {e}"),
        })?;
        let mut config = Self::parse(&text, &path.display().to_string())?;
        config.file = path.to_path_buf();
        if let Some(dir) = path.parent() {
            let resolve = |p: &mut PathBuf| {
                if p.is_relative() {
                    *p = dir.join(&*p);
                }
            };
            resolve(&mut config.server.storage.path);
            config.server.site.basemap.as_mut().map(resolve);
            if let Some(api) = &mut config.server.api {
                api.tls_cert.as_mut().map(resolve);
                api.tls_key.as_mut().map(resolve);
            }
            config.server.auth.tokens_file.as_mut().map(resolve);
            for o in &mut config.server.output {
                if let OutputConfig::Webhook {
                    ca_file: Some(f), ..
                } = o
                {
                    resolve(f);
                }
            }
        }
        Ok(config)
    }

    /// Parses and validates site-file text; `file` labels messages.
    pub fn parse(text: &str, file: &str) -> Result<Self, ConfigError> {
        let error = |section: &str, reason: String| ConfigError {
            file: file.to_owned(),
            section: section.to_owned(),
            reason,
        };
        let mut doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| error("", format!("not valid TOML: {}", e.message())))?;
        for key in GUARD_SECTIONS {
            doc.remove(key);
        }
        let server = SiteFile::deserialize(toml::Value::Table(doc)).map_err(|e| {
            error(
                "",
                format!(
                    "{} (sections: site, sensor, storage, auth, api, output, and the guard's guard, zone, rule(s), authorized)",
                    e.message()
                ),
            )
        })?;
        let guard = picket_guard::GuardConfig::load(text, file).map_err(|e| ConfigError {
            file: e.file,
            section: e.section,
            reason: e.reason,
        })?;
        validate(&server, file)?;
        let mut guard = guard;
        add_coverage(&mut guard, &stated_coverage(&server.sensor));
        Ok(Self {
            file: PathBuf::from(file),
            text: text.to_owned(),
            server,
            guard,
        })
    }

    /// The site file as the store records it (the `start` record the replay rebuilds the
    /// core from): `[site]`, `[[sensor]]` without their `token` names, `[storage]` and the
    /// guard's sections, written anew from the parsed TOML. Nothing secret or of no use to
    /// the core goes on record: no `[auth]` (token digests, tokens file), no `[api]`
    /// (TLS key path), no `[[output]]` (webhook URLs may hold credentials), no comments.
    pub fn recorded_text(&self) -> String {
        recorded_text(&self.text, &["site", "sensor", "storage"])
    }

    /// The site id.
    pub fn id(&self) -> &str {
        &self.server.site.id
    }
}

/// The coverage the sensors' sections state (`[[sensor]] coverage`), in the guard's terms.
pub fn stated_coverage(sensors: &[SensorConfig]) -> Vec<picket_guard::config::CoverageConfig> {
    sensors
        .iter()
        .filter_map(|s| {
            let c = s.coverage.as_ref()?;
            Some(picket_guard::config::CoverageConfig {
                sensor: s.name.clone(),
                range_m: c.range_m,
                boresight_deg: c.boresight_deg,
                fov_deg: c.fov_deg,
            })
        })
        .collect()
}

/// Gives the guard the sensors' stated coverage, so it knows where a radar should see a
/// Remote ID broadcaster (the spoofing rule's verification), except for sensors the guard's
/// own `[[guard.coverage]]` already names.
pub fn add_coverage(
    guard: &mut picket_guard::GuardConfig,
    stated: &[picket_guard::config::CoverageConfig],
) {
    let coverage = &mut guard.guard.coverage;
    let named = coverage.len();
    for c in stated {
        if !coverage[..named].iter().any(|g| g.sensor == c.sensor) {
            coverage.push(c.clone());
        }
    }
}

/// The guard's sections of a site file's text, written anew: what a reload records and
/// applies (see [`SiteConfig::recorded_text`]). Text that is not TOML is refused with the
/// parser's message only, never the source line it quotes (it may hold a secret).
pub fn guard_text(text: &str) -> Result<String, String> {
    text.parse::<toml::Table>()
        .map(|_| recorded_text(text, &[]))
        .map_err(|e| format!("not valid TOML: {}", e.message()))
}

/// `text` with only the top-level keys in `keep` and the guard's sections, sensors without
/// `token` (empty when it is not TOML).
fn recorded_text(text: &str, keep: &[&str]) -> String {
    let Ok(mut doc) = text.parse::<toml::Table>() else {
        return String::new();
    };
    doc.retain(|key, _| keep.contains(&key) || GUARD_SECTIONS.contains(&key));
    if let Some(toml::Value::Array(sensors)) = doc.get_mut("sensor") {
        for sensor in sensors {
            if let toml::Value::Table(t) = sensor {
                t.remove("token");
            }
        }
    }
    toml::to_string(&doc).unwrap_or_default()
}
