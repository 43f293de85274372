//! AVR text framing (dump1090 port 30002) and plain hex lines.
//!
//! ```text
//! *8D4840D6202CC371C32CE0576098;          AVR
//! @016CE3671C748D4840D6202CC371C32CE0576098;   AVR with a 12 MHz timestamp (12 hex digits)
//! <016CE3671C7410 8D4840D6202CC371C32CE0576098;  timestamp and signal (mlat-client), no space
//! 8D4840D6202CC371C32CE0576098            plain hex
//! ```
//! Blank lines and lines starting with `#` are skipped. Lines are parsed in place: nothing is
//! allocated, and a line longer than [`MAX_LINE`] is rejected.

use crate::error::FrameError;
use crate::frame::{LONG_LEN, RawFrame};

/// Longest line accepted, bytes (the longest valid one, `<`, is 1 + 14 + 28 + 1 = 44).
pub const MAX_LINE: usize = 128;

/// Iterates over the frames of AVR / hex text, one per line.
///
/// ```
/// use picket_modes::avr::AvrReader;
/// let text = b"*8D4840D6202CC371C32CE0576098;\n@0000000000FF5D3981E46DC8EB;\n";
/// let frames: Vec<_> = AvrReader::new(text).map(Result::unwrap).collect();
/// assert_eq!(frames[0].hex(), "8D4840D6202CC371C32CE0576098");
/// assert_eq!((frames[1].offset, frames[1].timestamp_12mhz), (31, Some(255)));
/// ```
#[derive(Debug, Clone)]
pub struct AvrReader<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> AvrReader<'a> {
    /// A reader over text (a file or the lines received so far).
    pub fn new(input: &'a [u8]) -> Self {
        Self { input, pos: 0 }
    }

    /// Bytes consumed so far (whole lines).
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl Iterator for AvrReader<'_> {
    type Item = Result<RawFrame, FrameError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.pos < self.input.len() {
            let start = self.pos;
            let rest = &self.input[start..];
            let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            self.pos = start + end + 1;
            let line = trim(&rest[..end]);
            if line.is_empty() || line[0] == b'#' {
                continue;
            }
            return Some(parse_line(
                line.as_ptr() as usize - rest.as_ptr() as usize + start,
                line,
            ));
        }
        None
    }
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// Parses one trimmed line found at `offset`.
pub fn parse_line(offset: usize, line: &[u8]) -> Result<RawFrame, FrameError> {
    if line.len() > MAX_LINE {
        return Err(FrameError::BadLength {
            offset,
            digits: line.len(),
        });
    }
    let (prefix_digits, body) = match line.first() {
        Some(b'*') => (0, &line[1..]),
        Some(b'@') => (12, &line[1..]),
        Some(b'<') => (14, &line[1..]),
        _ => {
            // Plain hex: no prefix, no terminator required.
            return frame_from_hex(offset, offset, line, 0);
        }
    };
    let Some(body) = body.strip_suffix(b";") else {
        return Err(FrameError::MissingTerminator { offset });
    };
    frame_from_hex(offset, offset + 1, body, prefix_digits)
}

/// `prefix_digits` hex digits of metadata (timestamp, then signal) followed by the payload.
fn frame_from_hex(
    offset: usize,
    body_offset: usize,
    body: &[u8],
    prefix_digits: usize,
) -> Result<RawFrame, FrameError> {
    let digits = body.len().saturating_sub(prefix_digits);
    if body.len() < prefix_digits || !matches!(digits, 4 | 14 | 28) {
        return Err(FrameError::BadLength { offset, digits });
    }
    let mut meta = 0u64;
    for (i, &c) in body[..prefix_digits].iter().enumerate() {
        meta = (meta << 4) | u64::from(nibble(c, offset, body_offset + i)?);
    }
    let mut data = [0u8; LONG_LEN];
    let payload = &body[prefix_digits..];
    for (i, pair) in payload.chunks_exact(2).enumerate() {
        let at = body_offset + prefix_digits + 2 * i;
        data[i] = (nibble(pair[0], offset, at)? << 4) | nibble(pair[1], offset, at + 1)?;
    }
    let frame = RawFrame::new(offset, &data[..digits / 2])
        .ok_or(FrameError::BadLength { offset, digits })?;
    Ok(match prefix_digits {
        12 => frame.with_meta(Some(meta), None),
        14 => frame.with_meta(Some(meta >> 8), Some((meta & 0xFF) as u8)),
        _ => frame,
    })
}

fn nibble(c: u8, offset: usize, at: usize) -> Result<u8, FrameError> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(FrameError::BadHex {
            offset,
            at,
            found: char::from(c),
        }),
    }
}

/// Appends one frame as an AVR line (`*...;`, or `@...;` when it has a timestamp) and a
/// newline to `out`.
pub fn write_avr(frame: &RawFrame, out: &mut String) {
    match frame.timestamp_12mhz {
        Some(ts) => {
            out.push('@');
            out.push_str(&format!("{:012X}", ts & 0xFFFF_FFFF_FFFF));
        }
        None => out.push('*'),
    }
    out.push_str(&frame.hex());
    out.push_str(";\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_and_errors() {
        let text = b"# comment\n\n  *5D3981E46DC8EB;\r\n<0000000001000A5D3981E46DC8EB;\n5D3981E46DC8EB\n*5D39;\n*5D3981E46DC8EB\n*5D3981E46DC8EG;\n";
        let got: Vec<_> = AvrReader::new(text).collect();
        let f = got[0].clone().unwrap();
        assert_eq!((f.offset, f.hex().as_str()), (13, "5D3981E46DC8EB"));
        let g = got[1].clone().unwrap();
        assert_eq!((g.timestamp_12mhz, g.signal), (Some(256), Some(10)));
        assert_eq!(got[2].clone().unwrap().bytes(), f.bytes());
        assert_eq!(got[3].clone().unwrap().bytes(), &[0x5D, 0x39]);
        assert!(matches!(got[4], Err(FrameError::MissingTerminator { .. })));
        assert!(matches!(got[5], Err(FrameError::BadHex { found: 'G', .. })));
        assert_eq!(got.len(), 6);
        let mut s = String::new();
        write_avr(&g, &mut s);
        assert_eq!(s, "@000000000100 5D3981E46DC8EB;\n".replace(' ', ""));
    }
}
