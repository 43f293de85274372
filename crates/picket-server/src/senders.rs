//! The sensor side of the wire: a simulated sensor speaking its real format to a picket
//! listener over loopback. `picket demo`, the tests and the load example use it, so what they
//! exercise is the same ingest path a deployed sensor takes.
//!
//! | kind | format, transport | one send |
//! |---|---|---|
//! | radar | ASTERIX CAT048 over UDP | one data block per scan (all plots of one scan time) |
//! | Remote ID | message packs over UDP | one pack (Basic ID + Location) per broadcast |
//! | ADS-B | Mode S Beast over TCP | one airborne-position frame per report; a heartbeat frame (Mode A/C, all zero, as dump1090 and readsb send it) keeps a quiet feed alive |
//! | camera, RF, acoustic, other | SAPIENT (BSI Flex 335 v2.0) over TCP | Registration (answered by a RegistrationAck), a DetectionReport per detection, a StatusReport (state and field of view) as keep-alive |
//!
//! TCP links connect on first use and reconnect once on a failed write, so a listener that
//! closed a quiet connection (its `read_timeout_s`) does not silence the sensor. When the
//! sensor has a token, it is presented as the listener expects it (see [`crate::auth`]): a
//! `PICKET-TOKEN` first line on stream formats, the Registration's `additional_information`
//! for SAPIENT.

use crate::config::Protocol;
use picket_core::{Identity, Measurement, Report, SensorId, SensorKind, Site, Timestamp};
use picket_formats::Format;
use picket_formats::picket_asterix::{builders::Plot048, json_encode::encode_block_json, spec};
use picket_formats::picket_modes::{beast::write_beast, encode::airborne_position};
use picket_formats::picket_remoteid::{
    self as rid, BasicId, Envelope as RidEnvelope, Location, Message, Text, encode_pack,
};
use picket_formats::picket_sapient::{
    self as sapient, builders,
    v2_0::{self, registration, sapient_message::Content, status_report},
};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

/// How a sensor kind reaches picket (format, transport) in the demo and the tests.
pub fn wire(kind: SensorKind) -> (Format, Protocol) {
    match kind {
        SensorKind::Radar => (Format::Asterix, Protocol::Udp),
        SensorKind::RemoteId => (Format::RemoteId, Protocol::Udp),
        SensorKind::Adsb => (Format::Beast, Protocol::Tcp),
        _ => (Format::Sapient, Protocol::Tcp),
    }
}

/// The Beast heartbeat: a Mode A/C frame with zero timestamp, signal and data.
pub const BEAST_HEARTBEAT: [u8; 11] = [0x1A, b'1', 0, 0, 0, 0, 0, 0, 0, 0, 0];

enum Link {
    Udp(UdpSocket, SocketAddr),
    Tcp {
        addr: SocketAddr,
        stream: Option<TcpStream>,
    },
}

/// One simulated sensor and its link to picket.
pub struct Sender {
    site: Site,
    sensor: SensorId,
    kind: SensorKind,
    token: Option<String>,
    link: Link,
    node: builders::Envelope,
    odd: BTreeMap<u32, bool>,
    sequence: u128,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("sensor", &self.sensor)
            .finish()
    }
}

impl Sender {
    /// A sender for `sensor` of `site`, to the listener at `addr`; TCP connects on first use.
    pub fn new(
        site: &Site,
        sensor: SensorId,
        addr: SocketAddr,
        token: Option<String>,
    ) -> std::io::Result<Self> {
        let s = site
            .sensor(sensor)
            .ok_or_else(|| std::io::Error::other(format!("no sensor {}", sensor.0)))?;
        let link = match wire(s.kind).1 {
            Protocol::Udp => Link::Udp(UdpSocket::bind(("127.0.0.1", 0))?, addr),
            Protocol::Tcp => Link::Tcp { addr, stream: None },
        };
        Ok(Self {
            site: site.clone(),
            sensor,
            kind: s.kind,
            token,
            link,
            node: builders::Envelope {
                node_id: crate::node_id(&format!("{}/{}", site.id, s.name)),
                destination_id: None,
            },
            odd: BTreeMap::new(),
            sequence: 0,
        })
    }

    /// Sends the reports of one scan (one event time), as the sensor would, stamped `now`;
    /// returns the number of frames (datagrams or stream messages) written.
    pub fn send_scan(&mut self, reports: &[Report], now: Timestamp) -> std::io::Result<usize> {
        let frames: Vec<Vec<u8>> = match self.kind {
            SensorKind::Radar => self.asterix_scan(reports, now).into_iter().collect(),
            SensorKind::RemoteId => reports.iter().filter_map(|r| self.rid(r)).collect(),
            SensorKind::Adsb => reports.iter().filter_map(|r| self.beast(r)).collect(),
            _ => reports
                .iter()
                .filter_map(|r| self.sapient_detection(r, now))
                .collect(),
        };
        self.write(&frames)?;
        Ok(frames.len())
    }

    /// What a quiet sensor still sends: a Beast heartbeat, a SAPIENT StatusReport; nothing
    /// for the UDP formats.
    pub fn keepalive(&mut self, now: Timestamp) -> std::io::Result<()> {
        let frame = match self.kind {
            SensorKind::Radar | SensorKind::RemoteId => return Ok(()),
            SensorKind::Adsb => BEAST_HEARTBEAT.to_vec(),
            _ => self.status_report(now),
        };
        self.write(&[frame])
    }

    fn write(&mut self, frames: &[Vec<u8>]) -> std::io::Result<()> {
        if frames.is_empty() {
            return Ok(());
        }
        if let Link::Udp(socket, to) = &self.link {
            for f in frames {
                socket.send_to(f, *to)?;
            }
            return Ok(());
        }
        let bytes = frames.concat();
        for attempt in 0..2 {
            let stream = self.connected()?;
            match stream.write_all(&bytes) {
                Ok(()) => return Ok(()),
                // The listener closed the connection (quiet too long, restarted): once more.
                Err(e) if attempt == 0 => {
                    tracing::debug!("sensor {}: {e}; reconnecting", self.sensor.0);
                    if let Link::Tcp { stream, .. } = &mut self.link {
                        *stream = None;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The TCP stream, connecting (and presenting the token, registering) when needed.
    fn connected(&mut self) -> std::io::Result<&mut TcpStream> {
        let hello = match &self.link {
            Link::Tcp { stream: None, .. } => Some(self.hello()),
            _ => None,
        };
        let sapient = self.kind_is_sapient();
        let Link::Tcp { addr, stream } = &mut self.link else {
            return Err(std::io::Error::other("not a TCP link"));
        };
        if let Some(hello) = hello {
            let mut s = TcpStream::connect_timeout(addr, Duration::from_secs(2))?;
            s.set_nodelay(true)?;
            s.write_all(&hello)?;
            if sapient {
                read_registration_ack(&mut s)?;
            }
            *stream = Some(s);
        }
        stream
            .as_mut()
            .ok_or_else(|| std::io::Error::other("not connected"))
    }

    fn kind_is_sapient(&self) -> bool {
        wire(self.kind).0 == Format::Sapient
    }

    /// What opens a connection: the token line, or the SAPIENT Registration.
    fn hello(&mut self) -> Vec<u8> {
        if self.kind_is_sapient() {
            let mut message = self.node.message(
                crate::now(),
                Content::Registration(sensor_registration(self.kind)),
            );
            message.additional_information = self
                .token
                .as_ref()
                .map(|t| format!("{}{t}", crate::auth::SAPIENT_TOKEN_PREFIX));
            return sapient::framing::encode_frame(&sapient::encode_v2(&message));
        }
        self.token
            .as_ref()
            .map(|t| crate::auth::token_line(t).into_bytes())
            .unwrap_or_default()
    }

    fn asterix_scan(&self, reports: &[Report], now: Timestamp) -> Option<Vec<u8>> {
        let sensor = self.site.sensor(self.sensor)?;
        let tod = now.as_secs().rem_euclid(86_400.0);
        let records: Vec<_> = reports
            .iter()
            .filter_map(|r| match r.measurement {
                Measurement::Polar {
                    range_m,
                    az_rad,
                    el_rad,
                    ..
                } => {
                    let mut p = Plot048::new(0, 1, tod);
                    p.range_nm = range_m / 1852.0;
                    p.azimuth_deg = az_rad.to_degrees().rem_euclid(360.0).min(359.99);
                    let alt_m = sensor.position.z + range_m * el_rad.sin();
                    p.flight_level = Some((alt_m / 0.3048 / 100.0).clamp(-15.0, 1500.0));
                    Some(p.items())
                }
                _ => None,
            })
            .collect();
        if records.is_empty() {
            return None;
        }
        encode_block_json(spec::lookup(48, None)?, &records).ok()
    }

    fn geodetic(&self, r: &Report) -> Option<picket_core::Geodetic> {
        match r.measurement {
            Measurement::Geodetic { position, .. } => Some(position),
            Measurement::Position { position, .. } => {
                Some(self.site.frame().to_geodetic(&position))
            }
            _ => None,
        }
    }

    fn rid(&self, r: &Report) -> Option<Vec<u8>> {
        let g = self.geodetic(r)?;
        let loc = Location {
            status: 2,
            latitude: g.lat_deg,
            longitude: g.lon_deg,
            altitude_geo: g.alt_m,
            altitude_baro: g.alt_m,
            height: g.alt_m - self.site.frame().origin().alt_m,
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
            messages.push(RidEnvelope::new(Message::BasicId(BasicId {
                id_type: rid::ID_TYPE_SERIAL_NUMBER,
                ua_type: 2,
                uas_id: Text(id),
            })));
        }
        messages.push(RidEnvelope::new(Message::Location(loc)));
        encode_pack(2, &messages).ok()
    }

    fn beast(&mut self, r: &Report) -> Option<Vec<u8>> {
        let g = self.geodetic(r)?;
        let icao = match r.identity {
            Some(Identity::Icao(a)) => a,
            _ => 0xABCDEF,
        };
        // Even and odd CPR frames alternate per aircraft, as a transponder sends them.
        let flag = self.odd.entry(icao).or_default();
        *flag = !*flag;
        let alt_ft = (g.alt_m / 0.3048).round() as i32;
        let frame = airborne_position(icao, 11, g.lat_deg, g.lon_deg, alt_ft, *flag).ok()?;
        let mut out = Vec::new();
        write_beast(&frame, &mut out);
        Some(out)
    }

    fn next_ulid(&mut self, now: Timestamp) -> String {
        self.sequence += 1;
        let node = u128::from(self.sensor.0) << 64;
        builders::ulid((now.as_secs() * 1e3) as u64, node | self.sequence)
    }

    fn sapient_detection(&mut self, r: &Report, now: Timestamp) -> Option<Vec<u8>> {
        let (report_id, object_id) = (self.next_ulid(now), self.next_ulid(now));
        let position = self
            .geodetic(r)
            .unwrap_or_else(|| self.site.frame().origin());
        let mut report = builders::detection_report(&builders::Detection {
            report_id,
            object_id,
            position,
            sigma_h_m: 10.0,
            sigma_v_m: 10.0,
            velocity: None,
            class: r.class,
            confidence: None,
        });
        let rb = |az_rad: f64, el: Option<(f64, f64)>, range: Option<(f64, f64)>, s_az: f64| {
            v2_0::RangeBearing {
                azimuth: Some(az_rad.to_degrees().rem_euclid(360.0)),
                azimuth_error: Some(s_az.to_degrees()),
                elevation: el.map(|e| e.0.to_degrees()),
                elevation_error: el.map(|e| e.1.to_degrees()),
                range: range.map(|r| r.0),
                range_error: range.map(|r| r.1),
                coordinate_system: Some(v2_0::RangeBearingCoordinateSystem::DegreesM as i32),
                datum: Some(v2_0::RangeBearingDatum::True as i32),
            }
        };
        use v2_0::detection_report::LocationOneof;
        match r.measurement {
            Measurement::Bearing {
                az_rad,
                sigma_az_rad,
                el,
            } => {
                report.location_oneof = Some(LocationOneof::RangeBearing(rb(
                    az_rad,
                    el,
                    None,
                    sigma_az_rad,
                )));
            }
            Measurement::Polar {
                range_m,
                az_rad,
                el_rad,
                sigma_range_m,
                sigma_az_rad,
                sigma_el_rad,
            } => {
                report.location_oneof = Some(LocationOneof::RangeBearing(rb(
                    az_rad,
                    Some((el_rad, sigma_el_rad)),
                    Some((range_m, sigma_range_m)),
                    sigma_az_rad,
                )));
            }
            _ => {}
        }
        // Every detection of a scan carries the same time (`now`), so picket steps them together.
        let message = self.node.message(now, Content::DetectionReport(report));
        Some(sapient::framing::encode_frame(&sapient::encode_v2(
            &message,
        )))
    }

    fn status_report(&mut self, now: Timestamp) -> Vec<u8> {
        let (range_m, width_deg) = match self.kind {
            SensorKind::Camera => (1_500.0, 360.0),
            SensorKind::Rf => (3_000.0, 360.0),
            SensorKind::Acoustic => (300.0, 360.0),
            _ => (1_000.0, 360.0),
        };
        let fov = v2_0::LocationOrRangeBearing {
            fov_oneof: Some(v2_0::location_or_range_bearing::FovOneof::RangeBearing(
                v2_0::RangeBearingCone {
                    azimuth: Some(0.0),
                    elevation: Some(45.0),
                    range: Some(range_m),
                    horizontal_extent: Some(width_deg),
                    vertical_extent: Some(90.0),
                    coordinate_system: Some(v2_0::RangeBearingCoordinateSystem::DegreesM as i32),
                    datum: Some(v2_0::RangeBearingDatum::True as i32),
                    ..Default::default()
                },
            )),
        };
        let status = v2_0::StatusReport {
            report_id: Some(self.next_ulid(now)),
            system: Some(status_report::System::Ok as i32),
            info: Some(status_report::Info::New as i32),
            mode: Some("Default".into()),
            field_of_view: Some(fov),
            ..Default::default()
        };
        let message = self.node.message(now, Content::StatusReport(status));
        sapient::framing::encode_frame(&sapient::encode_v2(&message))
    }
}

/// A sensor node's Registration: the fusion node's template with the node type of `kind`
/// and bearings (range-bearing, true north) as its detections' location type.
pub fn sensor_registration(kind: SensorKind) -> v2_0::Registration {
    let node_type = match kind {
        SensorKind::Camera => registration::NodeType::Camera,
        SensorKind::Rf => registration::NodeType::PassiveRf,
        SensorKind::Acoustic => registration::NodeType::Acoustic,
        SensorKind::Radar => registration::NodeType::Radar,
        _ => registration::NodeType::Other,
    };
    let mut r = builders::fusion_registration(&builders::NodeIdentity {
        name: format!("picket simulated {}", kind.as_str()),
        short_name: kind.as_str().into(),
        manufacturer: "picket".into(),
        model: "picket-sim".into(),
        software_version: env!("CARGO_PKG_VERSION").into(),
        status_interval_s: 5.0,
    });
    r.node_definition = vec![registration::NodeDefinition {
        node_type: Some(node_type as i32),
        node_sub_type: Vec::new(),
    }];
    r.capabilities = vec![registration::Capability {
        category: Some("Sensor".into()),
        r#type: Some(format!("{} detections", kind.as_str())),
        value: None,
        units: None,
    }];
    use registration::location_type::{CoordinatesOneof, DatumOneof};
    for mode in &mut r.mode_definition {
        for d in &mut mode.detection_definition {
            d.location_type = Some(registration::LocationType {
                zone: None,
                coordinates_oneof: Some(CoordinatesOneof::RangeBearingUnits(
                    v2_0::RangeBearingCoordinateSystem::DegreesM as i32,
                )),
                datum_oneof: Some(DatumOneof::RangeBearingDatum(
                    v2_0::RangeBearingDatum::True as i32,
                )),
            });
        }
    }
    r
}

/// Reads the RegistrationAck that answers a Registration; an error when refused.
fn read_registration_ack(s: &mut TcpStream) -> std::io::Result<()> {
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut prefix = [0u8; 4];
    s.read_exact(&mut prefix)?;
    let len = u32::from_le_bytes(prefix) as usize;
    if len > 1 << 20 {
        return Err(std::io::Error::other("RegistrationAck over 1 MiB"));
    }
    let mut payload = vec![0u8; len];
    s.read_exact(&mut payload)?;
    let ack = sapient::decode_v2(&payload).map_err(std::io::Error::other)?;
    match ack.content {
        Some(Content::RegistrationAck(a)) if a.acceptance == Some(true) => Ok(()),
        Some(Content::RegistrationAck(a)) => Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("registration refused: {}", a.ack_response_reason.join("; ")),
        )),
        _ => Err(std::io::Error::other("expected a RegistrationAck")),
    }
}
