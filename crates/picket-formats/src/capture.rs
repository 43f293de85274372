//! pcap and pcapng captures, walked frame by frame with `picket-capture`:
//!
//! * UDP payloads: ASTERIX when they are data blocks covering the datagram exactly, SAPIENT
//!   when they are length-prefixed messages or one bare message; anything else is skipped.
//! * TCP payloads: reassembled per connection and direction ([`crate::tcp`]); the stream is
//!   SAPIENT or ASTERIX by its first message, then cut into messages by their lengths.
//! * Wi-Fi and Bluetooth frames: Remote ID, found with `picket-remoteid`'s capture finder;
//!   identity is joined to locations per transmitter for the reports.
//!
//! A damaged capture record ends the walk (its framing is lost); everything else is reported
//! per frame and the walk goes on.

use crate::asterix::{self, BlockContext};
use crate::remoteid::{self as rid};
use crate::sapient::{self, PREFIX_LEN};
use crate::tcp::{Lost, Stream};
use crate::{Decoded, DecodedRecord, Format, FormatError, Options};
use picket_asterix::ReportContext;
use picket_capture::{Capture, CaptureError, CapturedFrame, Payload};
use picket_core::Timestamp;
use picket_remoteid::capture::remoteid_in_payload;
use picket_remoteid::json::{JsonContext, message_json};
use picket_remoteid::{Envelope, Message, RemoteIdAssembler, decode_any};
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;

/// Connections followed at once; the least recently active is dropped beyond it.
const MAX_FLOWS: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamKind {
    /// Not known yet: waiting for the first message to complete.
    Unknown,
    Sapient,
    Asterix,
    /// Neither, or framing lost: bytes are ignored.
    Ignored,
}

struct Flow<'a> {
    stream: Stream<'a>,
    kind: StreamKind,
    last_frame: u64,
}

/// Where a payload came from.
#[derive(Clone, Copy)]
struct Origin {
    offset: usize,
    frame: u64,
    time: Timestamp,
}

/// The records of a capture.
pub(crate) struct CaptureRecords<'a> {
    file: &'a [u8],
    capture: Result<Capture<'a>, Option<FormatError>>,
    options: Options,
    pending: VecDeque<Decoded>,
    flows: BTreeMap<(SocketAddr, SocketAddr), Flow<'a>>,
    assembler: RemoteIdAssembler,
    asterix_blocks: usize,
    done: bool,
}

fn capture_error(e: &CaptureError) -> FormatError {
    let reason = match e.reason {
        picket_capture::Reason::Truncated { .. } => "truncated",
        picket_capture::Reason::UnknownMagic(_) => "not_a_capture",
        _ => "bad_capture",
    };
    FormatError::new(Format::Capture, e.offset, reason, e.reason.to_string())
}

impl<'a> CaptureRecords<'a> {
    pub(crate) fn new(file: &'a [u8], options: Options) -> Self {
        Self {
            file,
            capture: Capture::new(file).map_err(|e| Some(capture_error(&e))),
            options,
            pending: VecDeque::new(),
            flows: BTreeMap::new(),
            assembler: RemoteIdAssembler::default(),
            asterix_blocks: 0,
            done: false,
        }
    }

    /// Offset of `slice` (borrowed from the capture) in the file.
    fn offset_of(&self, slice: &[u8]) -> usize {
        (slice.as_ptr() as usize).saturating_sub(self.file.as_ptr() as usize)
    }

    fn frame(&mut self, f: &CapturedFrame<'a>) {
        let origin = |offset| Origin {
            offset,
            frame: f.index,
            time: Timestamp::from_secs(f.time_s).unwrap_or(self.options.received),
        };
        match f.payload {
            Payload::Udp { data, .. } => self.datagram(data, origin(self.offset_of(data))),
            Payload::Tcp {
                src,
                dst,
                seq,
                data,
            } => self.segment((src, dst), seq, data, origin(self.offset_of(data))),
            Payload::Wifi(_) | Payload::Ble(_) => self.remote_id(f, origin(0)),
            Payload::Malformed { data, error } => self.pending.push_back(Err(FormatError::new(
                Format::Capture,
                self.offset_of(data) + error.offset,
                "bad_link",
                error.reason,
            )
            .in_frame(Some(f.index)))),
            Payload::Other { .. } => {}
        }
    }

    /// A UDP datagram: ASTERIX or SAPIENT by content, else skipped.
    fn datagram(&mut self, data: &[u8], at: Origin) {
        if asterix::covers_exactly(data) {
            let mut pos = 0;
            while let Ok(len) = asterix::block_len(data, pos) {
                self.asterix_block(&data[pos..pos + len], at.offset + pos, at);
                pos += len;
            }
        } else if sapient::is_stream(data) {
            let mut pos = 0;
            while let Some(len) = sapient::frame_len(data, pos) {
                let payload = &data[pos + PREFIX_LEN..pos + len];
                self.sapient(payload, at.offset + pos, at);
                pos += len;
            }
        } else if sapient::is_message(data) {
            self.sapient(data, at.offset, at);
        }
    }

    fn asterix_block(&mut self, block: &[u8], offset: usize, at: Origin) {
        let ctx = BlockContext {
            editions: &self.options.editions,
            report: ReportContext::new(self.options.sensor, at.time),
            frame: Some(at.frame),
        };
        asterix::decode_block(block, offset, self.asterix_blocks, &ctx, &mut self.pending);
        self.asterix_blocks += 1;
    }

    fn sapient(&mut self, payload: &[u8], offset: usize, at: Origin) {
        let record = sapient::record(
            payload,
            offset,
            Some(at.frame),
            self.options.sensor,
            at.time,
        );
        self.pending.push_back(record);
    }
}

impl<'a> CaptureRecords<'a> {
    /// A TCP segment: reassembled, then every completed message decoded.
    fn segment(&mut self, key: (SocketAddr, SocketAddr), seq: u32, data: &'a [u8], at: Origin) {
        if data.is_empty() {
            return;
        }
        if !self.flows.contains_key(&key) && self.flows.len() >= MAX_FLOWS {
            let oldest = self
                .flows
                .iter()
                .min_by_key(|(_, f)| f.last_frame)
                .map(|(k, _)| *k);
            if let Some(k) = oldest {
                self.flows.remove(&k);
            }
        }
        let max = self.options.max_tcp_buffer;
        let flow = self.flows.entry(key).or_insert_with(|| Flow {
            stream: Stream::default(),
            kind: StreamKind::Unknown,
            last_frame: 0,
        });
        flow.last_frame = at.frame;
        let lost = flow.stream.push(seq, data, at.offset, at.frame, max);
        if let Some(lost) = lost {
            self.pending.push_back(Err(lost_error(flow.kind, lost)));
        }
        self.extract(key, at.time);
    }

    /// Takes every complete message out of the flow's buffer.
    fn extract(&mut self, key: (SocketAddr, SocketAddr), time: Timestamp) {
        let Some(mut flow) = self.flows.remove(&key) else {
            return;
        };
        if flow.kind == StreamKind::Unknown {
            flow.kind = classify(flow.stream.buffered(), self.options.max_tcp_buffer);
        }
        let mut pos = 0;
        loop {
            let buf = flow.stream.buffered();
            let (offset, frame) = flow.stream.locate(pos);
            let at = Origin {
                offset,
                frame,
                time,
            };
            match flow.kind {
                StreamKind::Sapient => match sapient::frame_len(buf, pos) {
                    Some(len) => {
                        self.sapient(&buf[pos + PREFIX_LEN..pos + len], offset, at);
                        pos += len;
                    }
                    None => {
                        if buf.len() >= pos + PREFIX_LEN
                            && sapient::framing_error(buf, pos).reason == "too_long"
                        {
                            let e = sapient::framing_error(buf, pos);
                            self.pending.push_back(Err(relocate(e, offset, frame)));
                            flow.kind = StreamKind::Ignored;
                        }
                        break;
                    }
                },
                StreamKind::Asterix => match asterix::block_len(buf, pos) {
                    Ok(len) => {
                        self.asterix_block(&buf[pos..pos + len], offset, at);
                        pos += len;
                    }
                    Err(e) => {
                        if e.reason != "truncated" {
                            self.pending.push_back(Err(relocate(e, offset, frame)));
                            flow.kind = StreamKind::Ignored;
                        }
                        break;
                    }
                },
                StreamKind::Ignored => {
                    pos = buf.len();
                    break;
                }
                StreamKind::Unknown => break,
            }
        }
        flow.stream.consume(pos);
        self.flows.insert(key, flow);
    }

    /// Remote ID in a Wi-Fi or Bluetooth frame.
    fn remote_id(&mut self, f: &CapturedFrame<'a>, at: Origin) {
        let found = match remoteid_in_payload(&f.payload) {
            Ok(Some(found)) => found,
            Ok(None) => return,
            Err(e) => {
                let offset = self.offset_of(f.raw.data);
                self.pending
                    .push_back(Err(rid::error(&e, offset).in_frame(Some(f.index))));
                return;
            }
        };
        let data = found.payload.data;
        let offset = self.offset_of(data);
        let envelopes = match decode_any(data) {
            Ok(envelopes) => envelopes,
            Err(e) => {
                self.pending
                    .push_back(Err(rid::error(&e, offset).in_frame(Some(f.index))));
                return;
            }
        };
        let ctx = JsonContext {
            transport: Some(found.transport),
            frame: Some(f.index),
            counter: Some(found.payload.counter),
            address: found.address,
        };
        // Reports need the transmitter's address and a frame that passed its CRC.
        let trusted = found.address.filter(|_| found.crc_ok != Some(false));
        let mut reports = self.reports(trusted, at.time, &envelopes);
        let first = if envelopes.len() > 1 {
            offset + 3
        } else {
            offset
        };
        for (i, env) in envelopes.iter().enumerate() {
            let mut view = message_json(&ctx, env);
            if let Some(crc_ok) = found.crc_ok {
                view["crc_ok"] = crc_ok.into();
            }
            self.pending.push_back(Ok(DecodedRecord {
                format: Format::RemoteId,
                offset: first + i * picket_remoteid::MESSAGE_LEN,
                frame: Some(at.frame),
                summary: rid::summary(&view),
                json: view,
                reports: std::mem::take(&mut reports[i]),
            }));
        }
    }

    /// One report list per envelope: identity messages first, as the assembler wants.
    fn reports(
        &mut self,
        address: Option<[u8; 6]>,
        time: Timestamp,
        envelopes: &[Envelope],
    ) -> Vec<Vec<picket_core::Report>> {
        let mut out = vec![Vec::new(); envelopes.len()];
        let Some(address) = address else {
            return out;
        };
        let sensor = self.options.sensor;
        let is_location = |e: &Envelope| matches!(e.message, Message::Location(_));
        for e in envelopes.iter().filter(|e| !is_location(e)) {
            self.assembler.push(sensor, address, time, e);
        }
        for (i, e) in envelopes.iter().enumerate().filter(|(_, e)| is_location(e)) {
            out[i].extend(self.assembler.push(sensor, address, time, e));
        }
        out
    }

    /// At the end of the capture: streams left inside a message, gaps never filled.
    fn flush(&mut self) {
        for flow in self.flows.values() {
            let pending = flow.stream.buffered().len();
            let relevant = matches!(flow.kind, StreamKind::Sapient | StreamKind::Asterix);
            if relevant && pending > 0 {
                let (offset, frame) = flow.stream.locate(0);
                let format = stream_format(flow.kind);
                self.pending.push_back(Err(FormatError::new(
                    format,
                    offset,
                    "truncated",
                    format!("TCP stream ends inside a message ({pending} bytes left)"),
                )
                .in_frame(Some(frame))));
            }
            if relevant && flow.stream.held() > 0 {
                let (offset, frame) = flow.stream.locate(0);
                self.pending.push_back(Err(FormatError::new(
                    stream_format(flow.kind),
                    offset,
                    "tcp_gap",
                    format!(
                        "{} TCP segments after a gap never filled",
                        flow.stream.held()
                    ),
                )
                .in_frame(Some(frame))));
            }
        }
        self.flows.clear();
    }
}

fn stream_format(kind: StreamKind) -> Format {
    if kind == StreamKind::Asterix {
        Format::Asterix
    } else {
        Format::Sapient
    }
}

fn relocate(mut e: FormatError, offset: usize, frame: u64) -> FormatError {
    e.offset = offset;
    e.frame = Some(frame);
    e
}

fn lost_error(kind: StreamKind, lost: Lost) -> FormatError {
    FormatError::new(
        stream_format(kind),
        lost.file_offset,
        "tcp_gap",
        format!(
            "TCP bytes missing before this segment; {} buffered bytes dropped",
            lost.dropped
        ),
    )
    .in_frame(Some(lost.frame))
}

/// What a TCP stream carries, from its first message: `Unknown` while it is incomplete.
fn classify(buf: &[u8], max: usize) -> StreamKind {
    let mut waiting = false;
    if let Some(prefix) = buf.first_chunk::<PREFIX_LEN>() {
        let len = u32::from_le_bytes(*prefix) as usize;
        match sapient::frame_len(buf, 0) {
            Some(n) if sapient::is_message(&buf[PREFIX_LEN..n]) => return StreamKind::Sapient,
            Some(_) => {}
            None => waiting |= len + PREFIX_LEN <= max,
        }
    } else {
        waiting = true;
    }
    if buf.first().is_some_and(|&c| asterix::known_category(c)) {
        match asterix::block_len(buf, 0) {
            Ok(len) if len > 3 => return StreamKind::Asterix,
            Err(e) if e.reason == "truncated" => waiting = true,
            _ => {}
        }
    }
    if waiting && buf.len() <= max {
        StreamKind::Unknown
    } else {
        StreamKind::Ignored
    }
}

impl Iterator for CaptureRecords<'_> {
    type Item = Decoded;

    fn next(&mut self) -> Option<Decoded> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            let capture = match &mut self.capture {
                Ok(c) => c,
                Err(e) => {
                    self.done = true;
                    return e.take().map(Err);
                }
            };
            match capture.next() {
                Some(Ok(frame)) => self.frame(&frame),
                Some(Err(e)) => {
                    self.pending.push_back(Err(capture_error(&e)));
                    self.flush();
                    self.done = true;
                }
                None => {
                    self.flush();
                    self.done = true;
                }
            }
        }
    }
}
