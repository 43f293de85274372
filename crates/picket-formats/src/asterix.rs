//! ASTERIX: data blocks walked one at a time with `picket-asterix`'s [`Reader`].
//!
//! The block header (CAT, LEN) is checked here, so that a bad record only loses the rest of
//! its own block: decoding resumes at the next block, whose position LEN gives. Only a
//! damaged header (LEN below 3 or past the end of the input) stops the walk.

use crate::{Decoded, DecodedRecord, Format, FormatError, Options};
use picket_asterix::{DecodeError, Editions, Reader, Reason, Record, ReportContext, json};
use serde_json::Value;
use std::collections::VecDeque;

const HEADER_LEN: usize = 3;

/// Categories with a built-in definition.
pub(crate) fn known_category(cat: u8) -> bool {
    picket_asterix::spec::lookup(cat, None).is_some()
}

/// The length of the data block at `pos`, or why its header is unusable.
pub(crate) fn block_len(data: &[u8], pos: usize) -> Result<usize, FormatError> {
    let rest = data.get(pos..).unwrap_or_default();
    let [_, hi, lo, ..] = *rest else {
        return Err(FormatError::new(
            Format::Asterix,
            pos,
            "truncated",
            format!(
                "data block header needs {HEADER_LEN} bytes, {} available",
                rest.len()
            ),
        ));
    };
    let len = usize::from(u16::from_be_bytes([hi, lo]));
    if len < HEADER_LEN {
        return Err(FormatError::new(
            Format::Asterix,
            pos + 1,
            "bad_block",
            format!("data block length {len} is shorter than its 3-octet header"),
        ));
    }
    if len > rest.len() {
        return Err(FormatError::new(
            Format::Asterix,
            pos + 1,
            "truncated",
            format!(
                "data block length {len} exceeds the {} byte(s) left",
                rest.len()
            ),
        ));
    }
    Ok(len)
}

/// True when `data` is one or more data blocks of known categories with at least one record
/// each, chained end to end and covering it exactly.
pub(crate) fn covers_exactly(data: &[u8]) -> bool {
    let mut pos = 0;
    while pos < data.len() {
        match block_len(data, pos) {
            Ok(len) if len > HEADER_LEN && known_category(data[pos]) => pos += len,
            _ => return false,
        }
    }
    pos > 0
}

/// What the decoding of one block needs besides its bytes.
pub(crate) struct BlockContext<'o> {
    pub editions: &'o Editions,
    pub report: ReportContext,
    pub frame: Option<u64>,
}

/// Decodes every record of the block `block` (whose first byte sits at `offset` in the
/// input) into `out`; a bad record ends the block with an error.
pub(crate) fn decode_block(
    block: &[u8],
    offset: usize,
    block_index: usize,
    ctx: &BlockContext<'_>,
    out: &mut VecDeque<Decoded>,
) {
    let mut reader = Reader::new(block, ctx.editions);
    loop {
        match reader.next_record() {
            Ok(Some(rec)) => out.push_back(Ok(record(&rec, offset, block_index, ctx))),
            Ok(None) => break,
            Err(e) => {
                out.push_back(Err(error(&e, offset).in_frame(ctx.frame)));
                break;
            }
        }
    }
}

fn record(
    rec: &Record<'_>,
    offset: usize,
    block_index: usize,
    ctx: &BlockContext<'_>,
) -> DecodedRecord {
    let mut view = json::record_json(rec);
    view["block"] = block_index.into();
    if let Some(frame) = ctx.frame {
        view["frame"] = frame.into();
    }
    let reports = match picket_asterix::to_report(rec, &ctx.report) {
        Ok(Some(r)) => vec![r],
        _ => Vec::new(),
    };
    DecodedRecord {
        format: Format::Asterix,
        offset: offset + rec.offset,
        frame: ctx.frame,
        summary: summary(&view),
        json: view,
        reports,
    }
}

/// The ASTERIX error as a front-door error, its offset moved to the input's.
pub(crate) fn error(e: &DecodeError, offset: usize) -> FormatError {
    let reason = match e.reason {
        Reason::Truncated { .. } | Reason::BlockOverrun { .. } => "truncated",
        Reason::BlockTooShort(_) => "bad_block",
        Reason::UnknownCategory(_) | Reason::UnknownEdition { .. } => "unknown_category",
        Reason::UndefinedItem { .. }
        | Reason::FspecTooLong { .. }
        | Reason::ExtensionBeyondSpec { .. } => "wrong_edition",
        Reason::EmptyRecord => "empty_record",
        _ => "bad_record",
    };
    FormatError::new(
        Format::Asterix,
        offset + e.offset,
        reason,
        e.reason.to_string(),
    )
}

/// Items worth a glance, per category: (item, label).
fn key_items(category: u64) -> &'static [(&'static str, &'static str)] {
    match category {
        48 => &[
            ("220", "addr"),
            ("240", "id"),
            ("161", "trk"),
            ("040", "pos"),
            ("090", "FL"),
        ],
        62 => &[
            ("040", "trk"),
            ("380", "mode_s"),
            ("245", "id"),
            ("105", "pos"),
            ("136", "FL"),
        ],
        21 => &[
            ("080", "addr"),
            ("170", "id"),
            ("131", "pos"),
            ("130", "pos"),
            ("145", "FL"),
        ],
        10 => &[
            ("161", "trk"),
            ("220", "addr"),
            ("040", "pos"),
            ("041", "pos"),
            ("042", "pos"),
        ],
        _ => &[],
    }
}

fn summary(view: &Value) -> String {
    let category = view["category"].as_u64().unwrap_or(0);
    let items = &view["items"];
    let mut s = format!(
        "CAT{category:03} ed {} block {} record {}",
        view["edition"].as_str().unwrap_or("?"),
        view["block"],
        view["record"]
    );
    if let Some(sac) = items["010"]["SAC"].as_u64() {
        s.push_str(&format!(" SAC/SIC {sac}/{}", items["010"]["SIC"]));
    }
    for (item, label) in key_items(category) {
        if let Some(v) = items.get(item) {
            s.push_str(&format!(" {label} {}", compact(v)));
        }
    }
    let n = items.as_object().map_or(0, |m| m.len());
    s.push_str(&format!(" ({n} items)"));
    s
}

/// A value without JSON punctuation: strings bare, objects as `K=v` pairs.
pub(crate) fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{f:.5}")
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string(),
            _ => n.to_string(),
        },
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k}={}", compact(v)))
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    }
}

/// A raw ASTERIX file: data blocks back to back.
pub(crate) struct AsterixRecords<'a> {
    data: &'a [u8],
    pos: usize,
    pub(crate) block: usize,
    options: Options,
    pending: VecDeque<Decoded>,
    done: bool,
}

impl<'a> AsterixRecords<'a> {
    pub(crate) fn new(data: &'a [u8], options: Options) -> Self {
        Self {
            data,
            pos: 0,
            block: 0,
            options,
            pending: VecDeque::new(),
            done: false,
        }
    }
}

impl Iterator for AsterixRecords<'_> {
    type Item = Decoded;

    fn next(&mut self) -> Option<Decoded> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.done || self.pos >= self.data.len() {
                return None;
            }
            let len = match block_len(self.data, self.pos) {
                Ok(len) => len,
                Err(e) => {
                    // Without a usable LEN the next block cannot be found.
                    self.done = true;
                    return Some(Err(e));
                }
            };
            let ctx = BlockContext {
                editions: &self.options.editions,
                report: ReportContext::new(self.options.sensor, self.options.received),
                frame: None,
            };
            let block = &self.data[self.pos..self.pos + len];
            decode_block(block, self.pos, self.block, &ctx, &mut self.pending);
            self.pos += len;
            self.block += 1;
        }
    }
}
