//! Outputs: what a site tells other systems. Each output is a task on the I/O runtime that
//! follows the site's update stream ([`picket_live::LiveSite::subscribe`]), so a slow or
//! absent receiver never slows the site thread; an output that falls behind the stream's
//! buffer skips ahead and counts it (the store keeps everything regardless).
//!
//! - **ASTERIX CAT062** system tracks over UDP, one data block per tracker step.
//! - **SAPIENT** to a higher C2 over TCP: `Registration` on connect, then a `DetectionReport`
//!   per updated track and an `Alert` per alert transition; reconnects with backoff.
//! - **Webhooks**: every alert event as JSON in an HTTP/1.1 POST over HTTPS (rustls; the
//!   receiver's CA from `ca_file` or the system's) or plain `http://`, retried with backoff up
//!   to 5 times. An `Authorization` secret comes from an environment variable and is never
//!   logged; log lines show the url without its query; credentials in the url are refused.

use crate::config::OutputConfig;
use picket_core::{AlertEvent, AlertState, LocalFrame, Timestamp, Track};
use picket_formats::picket_asterix::{builders::Track062, json_encode::encode_block_json, spec};
use picket_formats::picket_sapient::{self as sapient, builders, v2_0::alert as sapient_alert};
use picket_live::{LiveSite, Update};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::sync::broadcast::error::RecvError;

/// Starts every configured output of a site on the current runtime; refuses a webhook whose
/// CA file or authorization variable cannot be read.
pub fn start(outputs: &[OutputConfig], site: &Arc<LiveSite>) -> Result<(), String> {
    for output in outputs {
        let updates = site.subscribe();
        let frame = LocalFrame::new(site.origin);
        match output.clone() {
            OutputConfig::AsterixCat062 { target, sac_sic } => {
                tokio::spawn(cat062(updates, frame, target, sac_sic));
            }
            OutputConfig::Sapient { target, node_id } => {
                tokio::spawn(sapient_c2(updates, frame, target, node_id));
            }
            OutputConfig::Webhook {
                url,
                ca_file,
                authorization_env,
            } => {
                let hook = Webhook::new(&url, ca_file.as_deref(), authorization_env.as_deref())?;
                tokio::spawn(webhook(updates, hook));
            }
        }
    }
    Ok(())
}

type Updates = tokio::sync::broadcast::Receiver<Arc<Update>>;

async fn next(updates: &mut Updates, name: &str) -> Option<Arc<Update>> {
    loop {
        match updates.recv().await {
            Ok(u) => return Some(u),
            Err(RecvError::Lagged(n)) => {
                tracing::warn!(
                    output = name,
                    skipped = n,
                    "output fell behind; skipped updates"
                );
            }
            Err(RecvError::Closed) => return None,
        }
    }
}

/// CAT062 records for the tracks of one step.
pub fn cat062_block(
    frame: &LocalFrame,
    time: Timestamp,
    tracks: &[Track],
    sac_sic: [u8; 2],
) -> Option<Vec<u8>> {
    let def = spec::lookup(62, None)?;
    let tod = time.as_secs().rem_euclid(86_400.0);
    let records: Vec<_> = tracks
        .iter()
        .map(|t| {
            let g = frame.to_geodetic(&t.position);
            let mut r = Track062::new(
                sac_sic[0],
                sac_sic[1],
                tod,
                (t.id.0 % 4096) as u16,
                (g.lat_deg, g.lon_deg),
            );
            r.velocity_mps = Some((t.velocity.x, t.velocity.y));
            r.altitude_ft = Some(g.alt_m / 0.3048);
            if let Some(picket_core::Identity::Icao(a)) = t.identity {
                r.icao = Some(a);
            }
            r.items()
        })
        .collect();
    if records.is_empty() {
        return None;
    }
    encode_block_json(def, &records).ok()
}

async fn cat062(mut updates: Updates, frame: LocalFrame, target: SocketAddr, sac_sic: [u8; 2]) {
    let bind = if target.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let Ok(socket) = UdpSocket::bind(bind).await else {
        return tracing::error!("cat062 output: cannot open a UDP socket");
    };
    while let Some(update) = next(&mut updates, "cat062").await {
        if let Update::Tracks { time, tracks, .. } = &*update
            && let Some(block) = cat062_block(&frame, *time, tracks, sac_sic)
            && let Err(e) = socket.send_to(&block, target).await
        {
            tracing::warn!(output = "cat062", "send failed: {e}");
        }
    }
}

fn object_id(track: u64) -> String {
    builders::ulid(0, u128::from(track))
}

/// The SAPIENT messages for one update.
pub fn sapient_messages(
    update: &Update,
    frame: &LocalFrame,
    envelope: &builders::Envelope,
    sequence: &mut u128,
) -> Vec<Vec<u8>> {
    use sapient::v2_0::sapient_message::Content;
    let mut out = Vec::new();
    let mut id = |time: Timestamp| {
        *sequence += 1;
        builders::ulid((time.as_secs() * 1e3) as u64, *sequence)
    };
    match update {
        Update::Tracks { time, tracks, .. } => {
            for t in tracks {
                let d = builders::Detection {
                    report_id: id(*time),
                    object_id: object_id(t.id.0),
                    position: frame.to_geodetic(&t.position),
                    sigma_h_m: t.cov[0][0].max(t.cov[1][1]).max(0.0).sqrt(),
                    sigma_v_m: t.cov[2][2].max(0.0).sqrt(),
                    velocity: None,
                    class: Some(t.class),
                    confidence: None,
                };
                let msg = envelope.message(
                    *time,
                    Content::DetectionReport(builders::detection_report(&d)),
                );
                out.push(sapient::framing::encode_frame(&sapient::encode_v2(&msg)));
            }
        }
        Update::Alert(a) => {
            let spec = alert_spec(a, id(a.time));
            let msg = envelope.message(a.time, Content::Alert(builders::alert(&spec)));
            out.push(sapient::framing::encode_frame(&sapient::encode_v2(&msg)));
        }
        _ => {}
    }
    out
}

fn alert_spec(a: &AlertEvent, alert_id: String) -> builders::AlertSpec {
    let level = a.level.get();
    builders::AlertSpec {
        alert_id,
        alert_type: if level >= 3 {
            sapient_alert::AlertType::Critical
        } else {
            sapient_alert::AlertType::Warning
        },
        status: if a.state == AlertState::Resolved {
            sapient_alert::AlertStatus::Clear
        } else {
            sapient_alert::AlertStatus::Active
        },
        description: format!("alert {} ({}): {}", a.alert.0, a.rule.as_str(), a.cause),
        position: None,
        priority: if level >= 3 {
            sapient_alert::DiscretePriority::High
        } else {
            sapient_alert::DiscretePriority::Medium
        },
        confidence: None,
        associated: Vec::new(),
    }
}

async fn sapient_c2(mut updates: Updates, frame: LocalFrame, target: SocketAddr, node_id: String) {
    use sapient::v2_0::sapient_message::Content;
    let envelope = builders::Envelope {
        node_id,
        destination_id: None,
    };
    let identity = builders::NodeIdentity {
        name: "picket".into(),
        short_name: "picket".into(),
        manufacturer: "picket".into(),
        model: "picket".into(),
        software_version: env!("CARGO_PKG_VERSION").into(),
        status_interval_s: 10.0,
    };
    let mut sequence = 0u128;
    let mut backoff = Duration::from_millis(250);
    loop {
        let Ok(mut stream) = TcpStream::connect(target).await else {
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(30));
            continue;
        };
        backoff = Duration::from_millis(250);
        let registration = envelope.message(
            crate::now(),
            Content::Registration(builders::fusion_registration(&identity)),
        );
        let bytes = sapient::framing::encode_frame(&sapient::encode_v2(&registration));
        if stream.write_all(&bytes).await.is_err() {
            continue;
        }
        // Until the site stops (Ok) or the C2 goes away (Err: reconnect, register again).
        let lost: Result<(), std::io::Error> = async {
            while let Some(update) = next(&mut updates, "sapient").await {
                for m in sapient_messages(&update, &frame, &envelope, &mut sequence) {
                    stream.write_all(&m).await?;
                }
            }
            Ok(())
        }
        .await;
        match lost {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(output = "sapient", %target, "C2 connection lost ({e}); reconnecting")
            }
        }
        tokio::time::sleep(backoff).await;
    }
}

async fn webhook(mut updates: Updates, hook: Webhook) {
    let url = hook.redacted();
    while let Some(update) = next(&mut updates, "webhook").await {
        let Update::Alert(event) = &*update else {
            continue;
        };
        let Ok(body) = serde_json::to_vec(event) else {
            continue;
        };
        let mut delay = Duration::from_millis(200);
        for attempt in 1..=5 {
            match hook.post(&body).await {
                Ok(()) => break,
                Err(e) if attempt == 5 => {
                    tracing::error!(output = "webhook", %url, "alert {} not delivered after 5 attempts: {e}", event.alert.0);
                }
                Err(e) => {
                    tracing::warn!(output = "webhook", %url, attempt, "alert {}: {e}; retrying", event.alert.0);
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
            }
        }
    }
}

/// An alert webhook: where it posts, over TLS when `https://`, with an optional secret
/// `Authorization` header that is never logged (log lines show [`Webhook::redacted`]).
#[derive(Clone)]
pub struct Webhook {
    https: bool,
    host: String,
    port: u16,
    path: String,
    tls: Option<Arc<rustls::ClientConfig>>,
    authorization: Option<String>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.redacted())
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "<secret>"),
            )
            .finish()
    }
}

impl Webhook {
    /// A webhook for `url` (`https://host[:port]/path` or `http://...`), trusting the CAs of
    /// `ca_file` (PEM) or else the system's, with the `Authorization` value held in the
    /// environment variable `authorization_env`.
    pub fn new(
        url: &str,
        ca_file: Option<&std::path::Path>,
        authorization_env: Option<&str>,
    ) -> Result<Self, String> {
        let authorization = match authorization_env {
            Some(var) => Some(std::env::var(var).map_err(|_| {
                format!("webhook: environment variable {var} (authorization_env) is not set")
            })?),
            None => None,
        };
        Self::with_authorization(url, ca_file, authorization)
    }

    /// As [`Webhook::new`], with the `Authorization` value itself.
    pub fn with_authorization(
        url: &str,
        ca_file: Option<&std::path::Path>,
        authorization: Option<String>,
    ) -> Result<Self, String> {
        let (https, rest) = if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else {
            return Err("webhook url must start with https:// or http://".into());
        };
        let (authority, path) = rest
            .split_once('/')
            .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
        if authority.contains('@') {
            return Err(
                "webhook url: no credentials in the url (they would end up in logs); use authorization_env".into(),
            );
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !p.contains(']') => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("webhook url: bad port {p:?}"))?,
            ),
            _ => (authority, if https { 443 } else { 80 }),
        };
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = https.then(|| client_config(ca_file)).transpose()?;
        Ok(Self {
            https,
            host,
            port,
            path,
            tls,
            authorization,
        })
    }

    /// The url without its query (which may carry a key): what log lines show.
    pub fn redacted(&self) -> String {
        let path = self.path.split('?').next().unwrap_or("/");
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}:{}{path}", self.host, self.port)
    }

    /// One POST of `body` (JSON); Ok on a 2xx status.
    pub async fn post(&self, body: &[u8]) -> Result<(), String> {
        let connect = TcpStream::connect((self.host.as_str(), self.port));
        let stream = tokio::time::timeout(Duration::from_secs(5), connect)
            .await
            .map_err(|_| "connect timed out".to_owned())?
            .map_err(|e| e.to_string())?;
        let Some(tls) = &self.tls else {
            return self.exchange(stream, body).await;
        };
        let name = rustls::pki_types::ServerName::try_from(self.host.clone())
            .map_err(|e| format!("server name: {e}"))?;
        let handshake = tokio_rustls::TlsConnector::from(tls.clone()).connect(name, stream);
        let stream = tokio::time::timeout(Duration::from_secs(5), handshake)
            .await
            .map_err(|_| "TLS handshake timed out".to_owned())?
            .map_err(|e| format!("TLS: {e}"))?;
        self.exchange(stream, body).await
    }

    async fn exchange<S>(&self, mut stream: S, body: &[u8]) -> Result<(), String>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        let mut head = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.path,
            self.host,
            body.len()
        );
        if let Some(a) = &self.authorization {
            head.push_str(&format!("Authorization: {a}\r\n"));
        }
        head.push_str("\r\n");
        stream
            .write_all(head.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        stream.write_all(body).await.map_err(|e| e.to_string())?;
        stream.flush().await.map_err(|e| e.to_string())?;
        let mut status = [0u8; 12];
        tokio::time::timeout(Duration::from_secs(5), stream.read_exact(&mut status))
            .await
            .map_err(|_| "no answer".to_owned())?
            .map_err(|e| e.to_string())?;
        match &status[9..10] {
            b"2" => Ok(()),
            _ => Err(format!(
                "answered {}",
                String::from_utf8_lossy(&status[9..12])
            )),
        }
    }
}

/// A rustls client configuration trusting `ca_file`'s certificates, or the system's.
fn client_config(ca_file: Option<&std::path::Path>) -> Result<Arc<rustls::ClientConfig>, String> {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(file) => {
            for cert in CertificateDer::pem_file_iter(file)
                .map_err(|e| format!("{}: {e}", file.display()))?
            {
                let cert = cert.map_err(|e| format!("{}: {e}", file.display()))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
            }
        }
        None => {
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
        }
    }
    if roots.is_empty() {
        return Err("webhook: no trusted CA certificates (give ca_file)".into());
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// One HTTP/1.1 POST of JSON to `url` (http or https with the system's CAs); Ok on a 2xx.
pub async fn post(url: &str, body: &[u8]) -> Result<(), String> {
    Webhook::new(url, None, None)?.post(body).await
}
