//! Remote ID: raw 25-byte messages and message packs back to back (as dumped from a receiver
//! or written by the simulator), and the shared JSON/summary helpers for Remote ID found in
//! captures.
//!
//! A message of an undefined type is reported and skipped (messages are a fixed 25 bytes);
//! a bad pack whose header gives a usable count is skipped whole, one whose header does not
//! as 25 bytes; the walk stops only where the input ends inside a unit.

use crate::asterix::compact;
use crate::{Decoded, DecodedRecord, Format, FormatError, Options};
use picket_remoteid::json::{JsonContext, message_json};
use picket_remoteid::{
    DecodeError, Envelope, MAX_PACK_MESSAGES, MESSAGE_LEN, PACK_HEADER_LEN, Pack,
    RemoteIdAssembler, decode_message,
};
use serde_json::Value;
use std::collections::VecDeque;

/// Highest protocol version defined (F3411-22a); detection insists on it.
pub(crate) const MAX_PROTOCOL: u8 = 2;
const PACK_NIBBLE: u8 = 0xf;
/// The address used to assemble identity for messages that come without a transmitter
/// address (raw files hold one transmitter's messages).
const NO_ADDRESS: [u8; 6] = [0; 6];

/// The length of the message or pack starting at `pos` when its header is plausible for
/// detection: a defined type, a known protocol version, a pack count of 1 to 9.
pub(crate) fn unit_len(data: &[u8], pos: usize) -> Option<usize> {
    let head = *data.get(pos)?;
    let (kind, protocol) = (head >> 4, head & 0x0f);
    if protocol > MAX_PROTOCOL {
        return None;
    }
    match kind {
        0..=5 => Some(MESSAGE_LEN),
        PACK_NIBBLE => {
            let size = *data.get(pos + 1)?;
            let count = usize::from(*data.get(pos + 2)?);
            (usize::from(size) == MESSAGE_LEN && (1..=MAX_PACK_MESSAGES).contains(&count))
                .then_some(PACK_HEADER_LEN + count * MESSAGE_LEN)
        }
        _ => None,
    }
}

/// The one-line summary of a message's JSON view.
pub(crate) fn summary(view: &Value) -> String {
    let mut s = String::new();
    if let Some(t) = view["transport"].as_str() {
        s.push_str(&format!("{t} frame {} ", view["frame"]));
    }
    let kind = view["type"].as_str().unwrap_or("?");
    s.push_str(&format!("v{} {kind}", view["protocol"]));
    let fields: &[&str] = match kind {
        "basic_id" => &["uas_id"],
        "location" => &[
            "latitude",
            "longitude",
            "altitude_geo",
            "speed_horizontal",
            "direction",
        ],
        "system" => &["operator_latitude", "operator_longitude"],
        "operator_id" => &["operator_id"],
        "self_id" => &["desc"],
        "auth" => &["data_page"],
        _ => &[],
    };
    for f in fields {
        if let Some(v) = view.get(*f) {
            s.push_str(&format!(" {f}={}", compact(v)));
        }
    }
    if let Some(a) = view["address"].as_str() {
        s.push_str(&format!(" from {a}"));
    }
    s
}

pub(crate) fn error(e: &DecodeError, offset: usize) -> FormatError {
    use picket_remoteid::Reason;
    let reason = match e.reason {
        Reason::Truncated { .. } => "truncated",
        Reason::UnknownMessageType(_) => "unknown_type",
        Reason::NotRemoteId(_) | Reason::BadLength(_) => "bad_transport",
        _ => "bad_pack",
    };
    FormatError::new(
        Format::RemoteId,
        offset + e.offset,
        reason,
        e.reason.to_string(),
    )
}

/// Raw Remote ID messages and packs.
pub(crate) struct RemoteIdRecords<'a> {
    data: &'a [u8],
    pos: usize,
    options: Options,
    pub(crate) assembler: RemoteIdAssembler,
    pending: VecDeque<Decoded>,
    done: bool,
}

impl<'a> RemoteIdRecords<'a> {
    pub(crate) fn new(data: &'a [u8], options: Options) -> Self {
        Self {
            data,
            pos: 0,
            options,
            assembler: RemoteIdAssembler::default(),
            pending: VecDeque::new(),
            done: false,
        }
    }

    /// Records for `envelopes`, the first of which starts at byte `first`.
    fn push(&mut self, first: usize, envelopes: &[Envelope]) {
        let received = self.options.received;
        for (i, env) in envelopes.iter().enumerate() {
            let view = message_json(&JsonContext::default(), env);
            let reports = self.assembler.push_all(
                self.options.sensor,
                NO_ADDRESS,
                received,
                std::slice::from_ref(env),
            );
            self.pending.push_back(Ok(DecodedRecord {
                format: Format::RemoteId,
                offset: first + i * MESSAGE_LEN,
                frame: None,
                summary: summary(&view),
                json: view,
                reports,
            }));
        }
    }

    /// Decodes the unit at `self.pos`; returns how far to move (`None`: stop, the input ends
    /// inside the unit).
    fn step(&mut self) -> Option<usize> {
        let pos = self.pos;
        let rest = &self.data[pos..];
        let result = if rest[0] >> 4 == PACK_NIBBLE {
            Pack::parse(rest).map(|pack| (PACK_HEADER_LEN, pack.iter().collect::<Vec<_>>()))
        } else {
            decode_message(rest).map(|env| (0, vec![env]))
        };
        match result {
            Ok((header, envelopes)) => self.push(pos + header, &envelopes),
            Err(e) => self.pending.push_back(Err(error(&e, pos))),
        }
        walk_len(rest, 0).filter(|len| *len <= rest.len())
    }
}

/// How many bytes the unit at `pos` spans: a pack whose header gives a usable size and count
/// spans its messages, anything else (a message, or a pack header too damaged to frame) 25
/// bytes. `None` when a pack header is cut.
pub(crate) fn walk_len(data: &[u8], pos: usize) -> Option<usize> {
    let rest = data.get(pos..)?;
    if rest.first()? >> 4 != PACK_NIBBLE {
        return Some(MESSAGE_LEN);
    }
    let (size, count) = (usize::from(*rest.get(1)?), usize::from(*rest.get(2)?));
    Some(
        if size == MESSAGE_LEN && (1..=MAX_PACK_MESSAGES).contains(&count) {
            PACK_HEADER_LEN + count * MESSAGE_LEN
        } else {
            MESSAGE_LEN
        },
    )
}

impl Iterator for RemoteIdRecords<'_> {
    type Item = Decoded;

    fn next(&mut self) -> Option<Decoded> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.done || self.pos >= self.data.len() {
                return None;
            }
            match self.step() {
                Some(n) => self.pos += n,
                None => self.done = true,
            }
        }
    }
}
