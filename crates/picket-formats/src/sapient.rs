//! SAPIENT (BSI Flex 335 v2.0): a stream of `SapientMessage`s, each preceded by its length as
//! a 4-byte little-endian integer (as on TCP), or a file holding one bare message.
//!
//! A payload that is not valid protobuf is reported and skipped: the length prefix still
//! frames the next one. A length above the limit or past the end of the input stops the walk.

use crate::{Decoded, DecodedRecord, Format, FormatError, Options};
use picket_core::{SensorId, Timestamp};
use picket_sapient::framing::DEFAULT_MAX_MESSAGE_LEN;
use picket_sapient::json::check_bytes;
use picket_sapient::{SensorContext, decode_v2, mapping};
use serde_json::Value;

pub(crate) const PREFIX_LEN: usize = 4;

/// The `content` oneof names in the canonical JSON, for summaries.
const CONTENT_KEYS: [&str; 9] = [
    "registration",
    "registration_ack",
    "status_report",
    "detection_report",
    "task",
    "task_ack",
    "alert",
    "alert_ack",
    "error",
];

/// The length of the frame at `pos` (prefix included), when its prefix fits the input and
/// the limit.
pub(crate) fn frame_len(data: &[u8], pos: usize) -> Option<usize> {
    let prefix = data.get(pos..)?.first_chunk::<PREFIX_LEN>()?;
    let len = usize::try_from(u32::from_le_bytes(*prefix)).ok()?;
    (len <= DEFAULT_MAX_MESSAGE_LEN && pos + PREFIX_LEN + len <= data.len())
        .then_some(PREFIX_LEN + len)
}

/// True when `payload` decodes as a v2.0 `SapientMessage` that carries content: protobuf
/// decoding alone accepts too much (an empty buffer is a valid message).
pub(crate) fn is_message(payload: &[u8]) -> bool {
    decode_v2(payload).is_ok_and(|m| m.content.is_some())
}

/// True when the whole input is length-prefixed frames whose first few payloads are messages.
pub(crate) fn is_stream(data: &[u8]) -> bool {
    const CHECKED: usize = 8;
    let mut pos = 0;
    let mut n = 0;
    while pos < data.len() {
        let Some(len) = frame_len(data, pos) else {
            return false;
        };
        if n < CHECKED && !is_message(&data[pos + PREFIX_LEN..pos + len]) {
            return false;
        }
        pos += len;
        n += 1;
    }
    n > 0
}

/// One SAPIENT message decoded, validated and mapped.
pub(crate) fn record(
    payload: &[u8],
    offset: usize,
    frame: Option<u64>,
    sensor: SensorId,
    received: Timestamp,
) -> Decoded {
    let checked = check_bytes(payload).map_err(|e| {
        FormatError::new(Format::Sapient, offset, "protobuf", e.to_string()).in_frame(frame)
    })?;
    let mut view = serde_json::to_value(&checked).unwrap_or(Value::Null);
    if let Some(frame) = frame {
        view["frame"] = frame.into();
    }
    let reports = decode_v2(payload)
        .ok()
        .and_then(|m| mapping::reports(&m, &SensorContext::new(sensor, received)).ok())
        .unwrap_or_default();
    Ok(DecodedRecord {
        format: Format::Sapient,
        offset,
        frame,
        summary: summary(&view),
        json: view,
        reports,
    })
}

fn summary(view: &Value) -> String {
    let message = &view["message"];
    let content = CONTENT_KEYS
        .iter()
        .find(|k| message.get(**k).is_some())
        .copied()
        .unwrap_or("no content");
    let mut s = format!(
        "{} {content}",
        if view["valid"] == true {
            "valid"
        } else {
            "INVALID"
        }
    );
    if let Some(node) = message["node_id"].as_str() {
        s.push_str(&format!(" node {node}"));
    }
    if let Some(t) = message["timestamp"].as_str() {
        s.push_str(&format!(" at {t}"));
    }
    if let Some(errors) = view["errors"].as_array().filter(|e| !e.is_empty()) {
        let rules: Vec<String> = errors
            .iter()
            .map(|e| {
                format!(
                    "{}@{}",
                    e["rule"].as_str().unwrap_or("?"),
                    e["field"].as_str().unwrap_or("?")
                )
            })
            .collect();
        s.push_str(&format!(" broken: {}", rules.join(" ")));
    }
    s
}

/// A SAPIENT file: a length-prefixed stream, or one bare message when the input does not
/// frame as a stream but decodes as a message.
pub(crate) struct SapientRecords<'a> {
    data: &'a [u8],
    pos: usize,
    options: Options,
    bare: bool,
    done: bool,
}

impl<'a> SapientRecords<'a> {
    /// A length-prefixed stream only (never one bare message).
    pub(crate) fn stream(data: &'a [u8], options: Options) -> Self {
        Self {
            data,
            pos: 0,
            options,
            bare: false,
            done: false,
        }
    }

    pub(crate) fn new(data: &'a [u8], options: Options) -> Self {
        let framed = frame_len(data, 0).is_some() && is_stream(data);
        let bare = !framed && is_message(data);
        Self {
            data,
            pos: 0,
            options,
            bare,
            done: false,
        }
    }
}

impl Iterator for SapientRecords<'_> {
    type Item = Decoded;

    fn next(&mut self) -> Option<Decoded> {
        if self.done || self.pos >= self.data.len() {
            return None;
        }
        let (sensor, received) = (self.options.sensor, self.options.received);
        if self.bare {
            self.done = true;
            return Some(record(self.data, 0, None, sensor, received));
        }
        let pos = self.pos;
        let Some(len) = frame_len(self.data, pos) else {
            self.done = true;
            return Some(Err(framing_error(self.data, pos)));
        };
        self.pos += len;
        Some(record(
            &self.data[pos + PREFIX_LEN..pos + len],
            pos,
            None,
            sensor,
            received,
        ))
    }
}

/// Why the frame at `pos` is unusable (its prefix is cut, too long, or runs past the end).
pub(crate) fn framing_error(data: &[u8], pos: usize) -> FormatError {
    let rest = data.len().saturating_sub(pos);
    let Some(prefix) = data.get(pos..).and_then(|d| d.first_chunk::<PREFIX_LEN>()) else {
        return FormatError::new(
            Format::Sapient,
            pos,
            "truncated",
            format!("length prefix needs {PREFIX_LEN} bytes, {rest} left"),
        );
    };
    let len = u32::from_le_bytes(*prefix);
    if usize::try_from(len).map_or(true, |l| l > DEFAULT_MAX_MESSAGE_LEN) {
        return FormatError::new(
            Format::Sapient,
            pos,
            "too_long",
            format!("frame announces {len} bytes, above the {DEFAULT_MAX_MESSAGE_LEN} byte limit"),
        );
    }
    FormatError::new(
        Format::Sapient,
        pos,
        "truncated",
        format!(
            "frame announces {len} bytes, {} left after its prefix",
            rest - PREFIX_LEN
        ),
    )
}
