//! Sensor listeners and clients (all of picket's network input).
//!
//! Every task here only frames bytes and hands [`Frame`]s to the site's queue: decoding and
//! everything after it happen on the site thread. Bad input is counted per sensor and reason
//! (and logged, at most once a second per sensor); it never stops a listener. A TCP
//! connection is closed when it is silent, or holds a partial frame, longer than the sensor's
//! `read_timeout_s`, when it announces a frame over `max_frame_bytes`, or when the stream
//! cannot be resynchronised; connections beyond `max_connections` are refused (counted).

use crate::auth::SensorAuth;
use crate::config::{Protocol, SensorConfig};
use crate::framing::{Split, split};
use crate::health::{Counters, reported_status as health_status};
use crate::queue::{Frame, SiteQueue};
use crate::{ServerError, now};
use picket_core::SensorId;
use picket_formats::Format;
use picket_formats::picket_sapient as sapient;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::Semaphore;

/// What an ingest task needs to know about its sensor.
#[derive(Debug, Clone)]
pub struct Sink {
    /// The sensor.
    pub sensor: SensorId,
    /// Its name, for logs.
    pub name: String,
    /// Its format.
    pub format: Format,
    /// Largest frame.
    pub max_frame: usize,
    /// Read timeout.
    pub read_timeout: Duration,
    /// The site's queue.
    pub queue: Arc<SiteQueue>,
    /// The site's counters.
    pub counters: Arc<Counters>,
    /// The SAPIENT node id picket answers registrations with.
    pub node_id: String,
    /// The sensor's token and source-address checks.
    pub auth: Arc<SensorAuth>,
}

impl Sink {
    /// Counts and queues one frame. JSON detections naming another sensor are refused whole
    /// (`wrong_sensor`): a sensor speaks for itself only.
    pub fn push(&self, bytes: Vec<u8>) {
        if let Some(other) = self.foreign_sensor(&bytes) {
            return self.reject("wrong_sensor", &format!("detection names sensor {other:?}"));
        }
        let received = now();
        self.counters.frame(self.sensor, received);
        self.queue.push(Frame {
            sensor: self.sensor,
            received,
            arrived: Instant::now(),
            format: self.format.name(),
            bytes,
        });
    }

    /// Counts a refused input against the sensor.
    pub fn reject(&self, reason: &str, detail: &dyn std::fmt::Display) {
        self.counters.reject(self.sensor, reason, detail);
    }

    /// For JSON detections, the first sensor name in `bytes` other than this sensor's. Text
    /// that does not parse passes: the decoder refuses it with its reason.
    pub fn foreign_sensor(&self, bytes: &[u8]) -> Option<String> {
        if self.format != Format::JsonDetections {
            return None;
        }
        let text = std::str::from_utf8(bytes).ok()?;
        picket_formats::picket_jsondet::parse(text)
            .ok()?
            .into_iter()
            .find(|d| d.sensor != self.name)
            .map(|d| d.sensor)
    }
}

/// Binds the sensor's listener (or starts its client) and returns the bound address.
pub async fn start(config: &SensorConfig, sink: Sink) -> Result<Option<SocketAddr>, ServerError> {
    if let Some(target) = config.connect {
        tokio::spawn(client(target, sink));
        return Ok(None);
    }
    let Some(listen) = &config.listen else {
        return Ok(None);
    };
    let bind_error = |e: std::io::Error| {
        ServerError::Io(format!(
            "sensor {:?}: cannot listen on {} ({:?}): {e}",
            config.name, listen.bind, listen.protocol
        ))
    };
    match listen.protocol {
        Protocol::Udp => {
            let socket = UdpSocket::bind(listen.bind).await.map_err(bind_error)?;
            let addr = socket.local_addr().map_err(bind_error)?;
            tokio::spawn(udp(socket, sink));
            Ok(Some(addr))
        }
        Protocol::Tcp => {
            let listener = TcpListener::bind(listen.bind).await.map_err(bind_error)?;
            let addr = listener.local_addr().map_err(bind_error)?;
            tokio::spawn(tcp(listener, listen.max_connections, sink));
            Ok(Some(addr))
        }
    }
}

async fn udp(socket: UdpSocket, sink: Sink) {
    let mut buf = vec![0u8; sink.max_frame + 1];
    loop {
        match socket.recv_from(&mut buf).await {
            // Who sent it first: a stranger's datagram counts as unauthenticated, whatever it is.
            Ok((_, peer)) if !sink.auth.allows(peer.ip()) => {
                sink.reject(
                    "unauthenticated",
                    &format!("datagram from {peer}, not in allow_from"),
                );
            }
            Ok((n, _)) if n > sink.max_frame => {
                sink.reject(
                    "oversized",
                    &format!("datagram over {} bytes", sink.max_frame),
                );
            }
            Ok((0, _)) => sink.reject("empty", &"empty datagram"),
            Ok((n, _)) => sink.push(buf[..n].to_vec()),
            // ICMP errors and the like: keep listening.
            Err(e) => sink.reject("io", &e),
        }
    }
}

async fn tcp(listener: TcpListener, max_connections: usize, sink: Sink) {
    let slots = Arc::new(Semaphore::new(max_connections));
    loop {
        let (mut stream, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                sink.reject("io", &e);
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if !sink.auth.allows(peer.ip()) {
            sink.reject(
                "unauthenticated",
                &format!("{peer} refused: not in allow_from"),
            );
            drop(stream);
            continue;
        }
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            sink.reject(
                "too_many_connections",
                &format!("{peer} refused: {max_connections} connections already"),
            );
            drop(stream);
            continue;
        };
        let sink = sink.clone();
        tokio::spawn(async move {
            let _permit = permit;
            if sink.format == Format::Sapient {
                sapient_session(stream, &sink).await;
            } else if let Some(rest) = token_handshake(&mut stream, &sink).await {
                stream_frames(stream, &sink, rest).await;
            }
        });
    }
}

/// A Beast/AVR feed picket connects to, reconnecting with exponential backoff.
async fn client(target: SocketAddr, sink: Sink) {
    let mut backoff = Duration::from_millis(250);
    loop {
        match TcpStream::connect(target).await {
            Ok(stream) => {
                tracing::info!(sensor = %sink.name, %target, "connected");
                backoff = Duration::from_millis(250);
                stream_frames(stream, &sink, Vec::new()).await;
                tracing::info!(sensor = %sink.name, %target, "disconnected; reconnecting");
            }
            Err(e) => sink.reject("connect", &format!("{target}: {e}")),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

/// The longest first line a stream sensor may send before its data (`PICKET-TOKEN ...`).
const MAX_TOKEN_LINE: usize = 512;

/// For a sensor with a token: reads the `PICKET-TOKEN <token>` first line and checks it;
/// returns the bytes read after it, or None (counted `unauthenticated`, connection closed).
async fn token_handshake(stream: &mut TcpStream, sink: &Sink) -> Option<Vec<u8>> {
    if sink.auth.token_sha256.is_none() {
        return Some(Vec::new());
    }
    let mut buf = Vec::with_capacity(128);
    let mut chunk = [0u8; 256];
    let deadline = tokio::time::Instant::now() + sink.read_timeout;
    let end = loop {
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            break i;
        }
        if buf.len() > MAX_TOKEN_LINE {
            sink.reject("unauthenticated", &"no token line; connection closed");
            return None;
        }
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => {
                sink.reject("unauthenticated", &"no token line; connection closed");
                return None;
            }
        }
    };
    // Never log what was sent: it may be a mistyped or another sensor's token.
    if !sink.auth.accepts(SensorAuth::token_from_line(&buf[..end])) {
        sink.reject(
            "unauthenticated",
            &"wrong or missing token; connection closed",
        );
        return None;
    }
    Some(buf.split_off(end + 1))
}

/// Reads a stream (after `buf`, bytes already read) until it ends or misbehaves; true when
/// it ended cleanly.
async fn stream_frames(mut stream: TcpStream, sink: &Sink, mut buf: Vec<u8>) -> bool {
    let mut chunk = vec![0u8; 16 * 1024];
    let mut partial_since: Option<Instant> = None;
    let mut have = !buf.is_empty();
    loop {
        // Bytes that came with the token line are framed before the first read.
        let n = if std::mem::take(&mut have) {
            0
        } else {
            match tokio::time::timeout(sink.read_timeout, stream.read(&mut chunk)).await {
                Err(_) => {
                    sink.reject(
                        "timeout",
                        &"no data within read_timeout_s; connection closed",
                    );
                    return false;
                }
                Ok(Err(e)) => {
                    sink.reject("io", &e);
                    return false;
                }
                Ok(Ok(0)) => return true,
                Ok(Ok(n)) => n,
            }
        };
        buf.extend_from_slice(&chunk[..n]);
        // The complete frames of one read go to the site as one unit (one receive time, one
        // tracker step for frames without their own time): per-frame units would cost a
        // tracker step per Beast message under load.
        let mut start = 0;
        let mut run: Option<(usize, usize)> = None;
        loop {
            match split(sink.format, &buf[start..], sink.max_frame) {
                Split::Frame(len) => {
                    let (from, _) = *run.get_or_insert((start, start));
                    start += len;
                    run = Some((from, start));
                }
                Split::NeedMore => break,
                Split::Skip(len, reason) => {
                    if let Some((a, b)) = run.take() {
                        sink.push(buf[a..b].to_vec());
                    }
                    sink.reject(reason, &format!("{len} bytes skipped"));
                    start += len.max(1).min(buf.len() - start);
                }
                Split::Fatal(reason) => {
                    if let Some((a, b)) = run.take() {
                        sink.push(buf[a..b].to_vec());
                    }
                    sink.reject(reason, &"stream cannot continue; connection closed");
                    return false;
                }
            }
        }
        if let Some((a, b)) = run {
            sink.push(buf[a..b].to_vec());
        }
        buf.drain(..start);
        if buf.is_empty() {
            partial_since = None;
        } else if partial_since.get_or_insert_with(Instant::now).elapsed() > sink.read_timeout {
            sink.reject(
                "slow_client",
                &"a frame took longer than read_timeout_s; closed",
            );
            return false;
        }
    }
}

/// A SAPIENT node's session: registration first (answered with a RegistrationAck), then
/// status and detection reports, each validated against BSI Flex 335 before it is queued.
async fn sapient_session(mut stream: TcpStream, sink: &Sink) {
    use sapient::v2_0::sapient_message::Content;
    let mut deframer = sapient::framing::Deframer::new(sink.max_frame);
    let mut validator = sapient::wire::Validator::new();
    let mut registered = false;
    let mut chunk = vec![0u8; 16 * 1024];
    let mut partial_since: Option<Instant> = None;
    loop {
        let read = tokio::time::timeout(sink.read_timeout, stream.read(&mut chunk)).await;
        let n = match read {
            Err(_) => return sink.reject("timeout", &"no data within read_timeout_s"),
            Ok(Err(e)) => return sink.reject("io", &e),
            Ok(Ok(0)) => return,
            Ok(Ok(n)) => n,
        };
        deframer.push(&chunk[..n]);
        loop {
            let frame = match deframer.next_frame() {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return sink.reject("oversized", &e),
            };
            let message = match sapient::decode_v2(&frame.payload) {
                Ok(m) => m,
                Err(e) => {
                    sink.reject("malformed", &e);
                    continue;
                }
            };
            match validator.check(&frame.payload) {
                Ok([]) => {}
                Ok(violations) => {
                    let first = format!("{:?}", violations[0]);
                    sink.reject("invalid", &first);
                    continue;
                }
                Err(e) => {
                    sink.reject("malformed", &e);
                    continue;
                }
            }
            match &message.content {
                Some(Content::Registration(_)) => {
                    let token = message
                        .additional_information
                        .as_deref()
                        .and_then(|a| a.strip_prefix(crate::auth::SAPIENT_TOKEN_PREFIX));
                    if !sink.auth.accepts(token) {
                        let envelope = sapient::builders::Envelope {
                            node_id: sink.node_id.clone(),
                            destination_id: message.node_id.clone(),
                        };
                        let nack = envelope.message(
                            now(),
                            Content::RegistrationAck(sapient::builders::registration_ack(
                                false,
                                vec!["unauthenticated: missing or wrong picket-token".into()],
                            )),
                        );
                        let bytes = sapient::framing::encode_frame(&sapient::encode_v2(&nack));
                        let _ = stream.write_all(&bytes).await;
                        return sink.reject(
                            "unauthenticated",
                            &"Registration without the sensor's token; connection closed",
                        );
                    }
                    registered = true;
                    let envelope = sapient::builders::Envelope {
                        node_id: sink.node_id.clone(),
                        destination_id: message.node_id.clone(),
                    };
                    let ack = envelope.message(
                        now(),
                        Content::RegistrationAck(sapient::builders::registration_ack(
                            true,
                            Vec::new(),
                        )),
                    );
                    let bytes = sapient::framing::encode_frame(&sapient::encode_v2(&ack));
                    if let Err(e) = stream.write_all(&bytes).await {
                        return sink.reject("io", &e);
                    }
                }
                Some(_) if !registered => {
                    sink.reject("unregistered", &"message before Registration");
                    continue;
                }
                Some(Content::StatusReport(status)) => {
                    let received = now();
                    let ctx = sapient::SensorContext::new(sink.sensor, received);
                    let health = sapient::sensor_health(status, &ctx);
                    sink.counters
                        .reported(sink.sensor, health_status(&health, received));
                }
                _ => {}
            }
            let payload = if matches!(message.content, Some(Content::Registration(_))) {
                // The store records raw input: the Registration goes on record without the
                // token it carried (`additional_information`), the rest as received.
                sapient::encode_v2(&sapient::v2_0::SapientMessage {
                    additional_information: None,
                    ..message
                })
            } else {
                frame.payload
            };
            sink.push(sapient::framing::encode_frame(&payload));
        }
        if deframer.pending() == 0 {
            partial_since = None;
        } else if partial_since.get_or_insert_with(Instant::now).elapsed() > sink.read_timeout {
            return sink.reject("slow_client", &"a message took longer than read_timeout_s");
        }
    }
}
