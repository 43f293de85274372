//! SAPIENT's TCP framing: every message is preceded by its length as a 4-byte little-endian
//! unsigned integer (BSI Flex 335 §"Message framing"; Dstl's harness writes
//! `BitConverter.GetBytes(length)` on little-endian hosts).
//!
//! [`Deframer`] is a pure, incremental state machine: push whatever bytes the socket gave,
//! take out complete frames. A length above the configured maximum is an error *before*
//! anything is allocated for it, and poisons the stream (its framing is lost).

/// Default largest message accepted, bytes. Real messages are a few kilobytes; a registration
/// with many modes stays well under this.
pub const DEFAULT_MAX_MESSAGE_LEN: usize = 1 << 20;

const PREFIX_LEN: usize = 4;

/// A framing failure, with the stream offset of the offending length prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// A length prefix announced more than the maximum message size.
    #[error("frame at stream offset {offset} announces {len} bytes, above the {max} byte limit")]
    TooLong {
        /// Stream offset of the length prefix.
        offset: u64,
        /// Announced length.
        len: u64,
        /// The configured limit.
        max: usize,
    },
    /// The input ended inside a frame (only from [`Deframer::finish`] and [`split_frames`]).
    #[error("stream ends inside the frame at offset {offset}: {have} of {need} bytes")]
    Truncated {
        /// Stream offset of the frame's length prefix.
        offset: u64,
        /// Bytes present (prefix included).
        have: usize,
        /// Bytes needed (prefix included).
        need: usize,
    },
}

/// One complete frame taken from a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Stream offset of the frame's length prefix.
    pub offset: u64,
    /// The payload (a serialized `SapientMessage`).
    pub payload: Vec<u8>,
}

/// Incremental de-framer for a SAPIENT TCP stream.
#[derive(Debug)]
pub struct Deframer {
    buf: Vec<u8>,
    /// Start of unread bytes in `buf`.
    start: usize,
    /// Stream offset of `buf[start]`.
    offset: u64,
    max_len: usize,
    failed: Option<FrameError>,
}

impl Default for Deframer {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_MESSAGE_LEN)
    }
}

impl Deframer {
    /// A de-framer that rejects messages longer than `max_len` bytes.
    pub fn new(max_len: usize) -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            offset: 0,
            max_len,
            failed: None,
        }
    }

    /// Appends bytes received from the stream. Bytes are kept only until their frame is
    /// complete; after a framing error they are dropped.
    pub fn push(&mut self, data: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// The next complete frame, `Ok(None)` when more bytes are needed. After an error every
    /// call returns the same error: the stream must be reconnected.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let avail = &self.buf[self.start..];
        let Some(prefix) = avail.first_chunk::<PREFIX_LEN>() else {
            return Ok(None);
        };
        let len = u32::from_le_bytes(*prefix);
        let len = match usize::try_from(len) {
            Ok(l) if l <= self.max_len => l,
            _ => {
                let e = FrameError::TooLong {
                    offset: self.offset,
                    len: u64::from(len),
                    max: self.max_len,
                };
                self.failed = Some(e.clone());
                self.buf = Vec::new();
                self.start = 0;
                return Err(e);
            }
        };
        if avail.len() < PREFIX_LEN + len {
            return Ok(None);
        }
        let payload = avail[PREFIX_LEN..PREFIX_LEN + len].to_vec();
        let frame = Frame {
            offset: self.offset,
            payload,
        };
        self.start += PREFIX_LEN + len;
        self.offset += (PREFIX_LEN + len) as u64;
        Ok(Some(frame))
    }

    /// Pushes `data` and returns every frame it completed.
    pub fn push_frames(&mut self, data: &[u8]) -> Result<Vec<Frame>, FrameError> {
        self.push(data);
        let mut frames = Vec::new();
        while let Some(f) = self.next_frame()? {
            frames.push(f);
        }
        Ok(frames)
    }

    /// Bytes buffered but not yet part of a complete frame.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Declares the end of the stream: an error when a frame was left incomplete.
    pub fn finish(&self) -> Result<(), FrameError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let avail = &self.buf[self.start..];
        if avail.is_empty() {
            return Ok(());
        }
        let need = avail
            .first_chunk::<PREFIX_LEN>()
            .map_or(PREFIX_LEN, |p| PREFIX_LEN + u32::from_le_bytes(*p) as usize);
        Err(FrameError::Truncated {
            offset: self.offset,
            have: avail.len(),
            need,
        })
    }
}

/// Splits a complete length-prefixed stream held in memory into `(offset, payload)` slices
/// without copying.
pub fn split_frames(stream: &[u8], max_len: usize) -> Result<Vec<(u64, &[u8])>, FrameError> {
    let mut frames = Vec::new();
    let mut pos = 0usize;
    while pos < stream.len() {
        let rest = &stream[pos..];
        let Some(prefix) = rest.first_chunk::<PREFIX_LEN>() else {
            return Err(FrameError::Truncated {
                offset: pos as u64,
                have: rest.len(),
                need: PREFIX_LEN,
            });
        };
        let len = u32::from_le_bytes(*prefix);
        let len =
            usize::try_from(len)
                .ok()
                .filter(|l| *l <= max_len)
                .ok_or(FrameError::TooLong {
                    offset: pos as u64,
                    len: u64::from(len),
                    max: max_len,
                })?;
        if rest.len() < PREFIX_LEN + len {
            return Err(FrameError::Truncated {
                offset: pos as u64,
                have: rest.len(),
                need: PREFIX_LEN + len,
            });
        }
        frames.push((pos as u64, &rest[PREFIX_LEN..PREFIX_LEN + len]));
        pos += PREFIX_LEN + len;
    }
    Ok(frames)
}

/// Prefixes `payload` with its 4-byte little-endian length.
///
/// # Panics
/// When the payload is 4 GiB or longer, which no SAPIENT message is.
pub fn encode_frame(payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).expect("SAPIENT frame longer than 4 GiB");
    let mut out = Vec::with_capacity(PREFIX_LEN + payload.len());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(payload);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_by_byte_equals_whole() {
        let mut stream = encode_frame(b"hello");
        stream.extend(encode_frame(b""));
        stream.extend(encode_frame(&[7u8; 300]));
        let whole = split_frames(&stream, 1000).unwrap();
        let mut d = Deframer::new(1000);
        let mut got = Vec::new();
        for b in &stream {
            got.extend(d.push_frames(std::slice::from_ref(b)).unwrap());
        }
        assert!(d.finish().is_ok());
        assert_eq!(got.len(), 3);
        for (f, (off, p)) in got.iter().zip(whole) {
            assert_eq!((f.offset, f.payload.as_slice()), (off, p));
        }
        assert_eq!(got[2].offset, 9 + 4);
    }

    #[test]
    fn oversize_is_rejected_before_allocating() {
        let mut d = Deframer::new(16);
        d.push(&u32::MAX.to_le_bytes());
        let err = d.next_frame().unwrap_err();
        assert!(
            matches!(err, FrameError::TooLong { offset: 0, len, max: 16 } if len == u64::from(u32::MAX))
        );
        d.push(&[0; 8]);
        assert_eq!(
            d.next_frame().unwrap_err(),
            err,
            "a broken stream stays broken"
        );
        assert_eq!(d.pending(), 0);
    }

    #[test]
    fn truncation_is_reported() {
        let stream = encode_frame(b"abcdef");
        let err = split_frames(&stream[..7], 100).unwrap_err();
        assert_eq!(
            err,
            FrameError::Truncated {
                offset: 0,
                have: 7,
                need: 10
            }
        );
        let mut d = Deframer::new(100);
        assert_eq!(d.push_frames(&stream[..3]).unwrap(), vec![]);
        assert!(d.finish().is_err());
    }
}
