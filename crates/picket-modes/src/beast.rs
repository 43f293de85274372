//! Beast binary framing (Mode-S Beast, dump1090 port 30005, readsb, Radarcape).
//!
//! ```text
//! 0x1A | type | timestamp (6 bytes, big-endian 12 MHz counter) | signal (1) | payload
//! type '1' = Mode A/C (2 bytes), '2' = Mode S short (7), '3' = Mode S long (14)
//! ```
//! Every `0x1A` after the type byte is doubled on the wire, so a lone `0x1A` always starts a
//! frame: that is what lets a reader resynchronise after garbage or a lost byte.

use crate::error::FrameError;
use crate::frame::{FrameKind, LONG_LEN, RawFrame};

/// The escape / frame-start byte.
pub const ESC: u8 = 0x1A;
/// Bytes of timestamp and signal between the type byte and the payload.
const META_LEN: usize = 7;

/// Iterates over the frames of a Beast byte stream, yielding an error (with its offset) for
/// every stretch it had to skip and carrying on after it.
///
/// ```
/// use picket_modes::beast::BeastReader;
/// let bytes = [0x1A, b'2', 0, 0, 0, 0, 0, 1, 9, 0x5D, 0x39, 0x81, 0xE4, 0x6D, 0xC8, 0xEB];
/// let frame = BeastReader::new(&bytes).next().unwrap().unwrap();
/// assert_eq!((frame.offset, frame.timestamp_12mhz, frame.signal), (0, Some(1), Some(9)));
/// assert_eq!(frame.hex(), "5D3981E46DC8EB");
/// ```
#[derive(Debug, Clone)]
pub struct BeastReader<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> BeastReader<'a> {
    /// A reader over a complete buffer (a file, or what a socket has delivered so far).
    pub fn new(input: &'a [u8]) -> Self {
        Self { input, pos: 0 }
    }

    /// Bytes consumed so far. After a [`FrameError::Truncated`] this is where the incomplete
    /// frame starts, so a stream reader keeps `input[position()..]` for the next read.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Reads the frame starting at `self.pos` (which holds an `ESC`).
    fn read_frame(&mut self) -> Result<RawFrame, FrameError> {
        let start = self.pos;
        let Some(&type_byte) = self.input.get(start + 1) else {
            return Err(FrameError::Truncated {
                offset: start,
                needed: 1 + META_LEN + FrameKind::ModeAc.payload_len(),
            });
        };
        let kind = match type_byte {
            b'1' => FrameKind::ModeAc,
            b'2' => FrameKind::ModeSShort,
            b'3' => FrameKind::ModeSLong,
            _ => {
                self.pos = start + 1;
                return Err(FrameError::UnknownType {
                    offset: start,
                    type_byte,
                });
            }
        };
        let want = META_LEN + kind.payload_len();
        let mut body = [0u8; META_LEN + LONG_LEN];
        // Fast path: most frames hold no 0x1A at all and are copied in one go.
        if let Some(raw) = self.input.get(start + 2..start + 2 + want)
            && !raw.contains(&ESC)
        {
            body[..want].copy_from_slice(raw);
            self.pos = start + 2 + want;
            return finish(start, &body[..want]);
        }
        let mut got = 0;
        let mut i = start + 2;
        while got < want {
            let Some(&b) = self.input.get(i) else {
                // Leave pos at the frame start: more bytes may complete it.
                return Err(FrameError::Truncated {
                    offset: start,
                    needed: want - got,
                });
            };
            if b == ESC {
                match self.input.get(i + 1) {
                    Some(&ESC) => i += 1,
                    Some(_) => {
                        self.pos = i;
                        return Err(FrameError::BadEscape {
                            offset: start,
                            at: i,
                        });
                    }
                    None => {
                        return Err(FrameError::Truncated {
                            offset: start,
                            needed: want - got,
                        });
                    }
                }
            }
            body[got] = b;
            got += 1;
            i += 1;
        }
        self.pos = i;
        finish(start, &body[..want])
    }

    /// Skips to the next lone `ESC` (a frame start); returns the garbage error if any byte
    /// was skipped.
    fn skip_garbage(&mut self) -> Option<FrameError> {
        let start = self.pos;
        while self.pos < self.input.len() {
            if self.input[self.pos] == ESC {
                // A doubled ESC outside a frame is escaped data, not a start.
                if self.input.get(self.pos + 1) == Some(&ESC) {
                    self.pos += 2;
                    continue;
                }
                break;
            }
            self.pos += 1;
        }
        (self.pos > start).then(|| FrameError::Garbage {
            offset: start,
            len: self.pos.min(self.input.len()) - start,
        })
    }
}

impl Iterator for BeastReader<'_> {
    type Item = Result<RawFrame, FrameError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.input.len() {
            return None;
        }
        if let Some(garbage) = self.skip_garbage() {
            return Some(Err(garbage));
        }
        if self.pos >= self.input.len() {
            return None;
        }
        let result = self.read_frame();
        if let Err(FrameError::Truncated { .. }) = result {
            // Nothing after a truncated frame: stop, leaving `position()` at its start.
            let out = result;
            self.input = &self.input[..self.pos];
            return Some(out);
        }
        Some(result)
    }
}

/// Builds the frame from its unescaped body (timestamp, signal, payload).
fn finish(start: usize, body: &[u8]) -> Result<RawFrame, FrameError> {
    let timestamp = body[..6].iter().fold(0u64, |t, &b| (t << 8) | u64::from(b));
    let payload = &body[META_LEN..];
    let frame = RawFrame::new(start, payload).ok_or(FrameError::BadLength {
        offset: start,
        digits: payload.len() * 2,
    })?;
    Ok(frame.with_meta(Some(timestamp), Some(body[6])))
}

/// Appends one frame in Beast framing to `out`. A frame without a timestamp or signal level
/// gets zero, as receivers do when they have none.
pub fn write_beast(frame: &RawFrame, out: &mut Vec<u8>) {
    out.push(ESC);
    out.push(frame.kind.beast_type());
    let ts = frame.timestamp_12mhz.unwrap_or(0) & 0xFFFF_FFFF_FFFF;
    let meta = ts.to_be_bytes();
    let signal = frame.signal.unwrap_or(0);
    for &b in meta[2..]
        .iter()
        .chain(std::iter::once(&signal))
        .chain(frame.bytes())
    {
        out.push(b);
        if b == ESC {
            out.push(ESC);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(bytes: &[u8]) -> Vec<Result<RawFrame, FrameError>> {
        BeastReader::new(bytes).collect()
    }

    #[test]
    fn escapes_and_garbage() {
        let f = RawFrame::new(0, &[0x1A, 1, 2, 3, 4, 5, 0x1A])
            .unwrap()
            .with_meta(Some(0x1A_0000_001A), Some(0x1A));
        let mut wire = vec![0xFF, 0x00];
        write_beast(&f, &mut wire);
        let got = frames(&wire);
        assert_eq!(got[0], Err(FrameError::Garbage { offset: 0, len: 2 }));
        let g = got[1].clone().unwrap();
        assert_eq!(g.offset, 2);
        assert_eq!(g.bytes(), f.bytes());
        assert_eq!(g.timestamp_12mhz, Some(0x1A_0000_001A));
        assert_eq!(g.signal, Some(0x1A));
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn truncated_and_bad_escape() {
        let f = RawFrame::new(0, &[0x5D, 0x39, 0x81, 0xE4, 0x6D, 0xC8, 0xEB]).unwrap();
        let mut wire = Vec::new();
        write_beast(&f, &mut wire);
        let mut reader = BeastReader::new(&wire[..10]);
        assert!(matches!(
            reader.next(),
            Some(Err(FrameError::Truncated { offset: 0, .. }))
        ));
        assert_eq!(reader.next(), None);
        assert_eq!(reader.position(), 0);
        // A frame cut by the start of the next one.
        let mut cut = wire[..8].to_vec();
        cut.extend_from_slice(&wire);
        let got = frames(&cut);
        assert_eq!(got[0], Err(FrameError::BadEscape { offset: 0, at: 8 }));
        assert_eq!(got[1].clone().unwrap().offset, 8);
        assert_eq!(
            frames(&[0x1A, b'9', 0x1A, b'2'])[0],
            Err(FrameError::UnknownType {
                offset: 0,
                type_byte: b'9'
            })
        );
    }
}
