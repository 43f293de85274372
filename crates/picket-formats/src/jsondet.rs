//! picket's JSON detections: one message (an object or an array, possibly over several
//! lines) or one message per line. A bad line is reported with its offset and the next line
//! is read.

use crate::asterix::compact;
use crate::{Decoded, DecodedRecord, Format, FormatError, Options};
use picket_jsondet::{DecodeError, Detection, parse_message};
use serde_json::Value;
use std::collections::VecDeque;

/// JSON detections, one record per detection.
pub(crate) struct JsonRecords<'a> {
    text: Result<&'a str, usize>,
    /// Byte offset of the next line to read (per-line mode).
    pos: usize,
    /// 1-based number of the next line.
    pub(crate) line: usize,
    options: Options,
    pending: VecDeque<Decoded>,
    done: bool,
}

impl<'a> JsonRecords<'a> {
    /// Line by line only (a stream), numbering from `line`.
    pub(crate) fn lines(data: &'a [u8], options: Options, line: usize) -> Self {
        Self {
            text: std::str::from_utf8(data).map_err(|e| e.valid_up_to()),
            pos: 0,
            line,
            options,
            pending: VecDeque::new(),
            done: false,
        }
    }

    pub(crate) fn new(data: &'a [u8], options: Options) -> Self {
        let text = std::str::from_utf8(data).map_err(|e| e.valid_up_to());
        let mut me = Self {
            text,
            pos: 0,
            line: 1,
            options,
            pending: VecDeque::new(),
            done: false,
        };
        if let Ok(text) = me.text {
            // One message spanning the whole input (a pretty-printed array, say)?
            if let Ok(detections) = parse_message(text) {
                me.push(0, 1, &detections);
                me.done = true;
            }
        }
        me
    }

    fn push(&mut self, offset: usize, line: usize, detections: &[Detection]) {
        for d in detections {
            let view = serde_json::to_value(d).unwrap_or(Value::Null);
            let report = picket_jsondet::to_report(d, self.options.sensor, self.options.received);
            self.pending.push_back(Ok(DecodedRecord {
                format: Format::JsonDetections,
                offset,
                frame: None,
                summary: summary(&view, line),
                json: view,
                reports: vec![report],
            }));
        }
    }
}

fn summary(view: &Value, line: usize) -> String {
    let mut s = format!("line {line} sensor {}", compact(&view["sensor"]));
    for key in ["time", "position", "local", "polar", "bearing", "ident"] {
        if let Some(v) = view.get(key) {
            s.push_str(&format!(" {key} {}", compact(v)));
        }
    }
    s
}

fn error(e: &DecodeError, offset: usize) -> FormatError {
    FormatError::new(
        Format::JsonDetections,
        offset,
        "bad_detection",
        format!(
            "line {}, column {}, at {}: {}",
            e.line, e.column, e.path, e.reason
        ),
    )
}

impl Iterator for JsonRecords<'_> {
    type Item = Decoded;

    fn next(&mut self) -> Option<Decoded> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            let text = match self.text {
                Ok(t) => t,
                Err(at) => {
                    self.done = true;
                    return Some(Err(FormatError::new(
                        Format::JsonDetections,
                        at,
                        "not_utf8",
                        "input is not UTF-8 text",
                    )));
                }
            };
            let rest = &text[self.pos..];
            if rest.is_empty() {
                return None;
            }
            let start = self.pos;
            let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
            self.pos += end;
            let line = &rest[..end];
            let line_no = self.line;
            self.line += 1;
            if line.trim().is_empty() {
                continue;
            }
            match parse_message(line) {
                Ok(detections) => self.push(start, line_no, &detections),
                Err(mut e) => {
                    e.line = line_no;
                    return Some(Err(error(&e, start)));
                }
            }
        }
    }
}
