//! Splitting TCP byte streams into frames, per format. Pure functions over a buffer: each
//! call looks at the front of the buffer and says what to do with it.

use picket_formats::Format;

/// What the front of a stream buffer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Split {
    /// A complete frame of this many bytes.
    Frame(usize),
    /// Not enough bytes yet.
    NeedMore,
    /// Bytes that are not a frame: drop this many and count `reason`.
    Skip(usize, &'static str),
    /// The stream cannot be resynchronised (or announces a frame over the limit): close it.
    Fatal(&'static str),
}

/// Looks at the front of `buf` for a frame of `format` no longer than `max` bytes.
pub fn split(format: Format, buf: &[u8], max: usize) -> Split {
    match format {
        Format::Asterix => asterix(buf, max),
        Format::Beast => beast(buf),
        _ => line(buf, max),
    }
}

/// An ASTERIX data block: CAT (1 byte), LEN (2 bytes, big-endian, the whole block).
fn asterix(buf: &[u8], max: usize) -> Split {
    let Some(&[_, hi, lo]) = buf.first_chunk::<3>() else {
        return Split::NeedMore;
    };
    let len = usize::from(u16::from_be_bytes([hi, lo]));
    if len < 3 {
        return Split::Fatal("framing");
    }
    if len > max {
        return Split::Fatal("oversized");
    }
    if buf.len() < len {
        Split::NeedMore
    } else {
        Split::Frame(len)
    }
}

/// A Beast frame: 0x1A, type, 6-byte counter, signal, 2/7/14 data bytes, with every 0x1A in
/// the body doubled.
fn beast(buf: &[u8]) -> Split {
    let Some(&first) = buf.first() else {
        return Split::NeedMore;
    };
    if first != 0x1A {
        let skip = buf.iter().position(|&b| b == 0x1A).unwrap_or(buf.len());
        return Split::Skip(skip, "framing");
    }
    let Some(&kind) = buf.get(1) else {
        return Split::NeedMore;
    };
    let data = match kind {
        b'1' => 2,
        b'2' => 7,
        b'3' | b'4' => 14,
        _ => return Split::Skip(1, "framing"),
    };
    let body = 6 + 1 + data;
    let mut i = 2;
    let mut got = 0;
    while got < body {
        let Some(&b) = buf.get(i) else {
            return Split::NeedMore;
        };
        if b == 0x1A {
            match buf.get(i + 1) {
                None => return Split::NeedMore,
                Some(0x1A) => i += 2,
                // A new frame starts inside this one: this one was cut short.
                Some(_) => return Split::Skip(i, "truncated"),
            }
        } else {
            i += 1;
        }
        got += 1;
    }
    Split::Frame(i)
}

/// A text line (AVR, JSON lines): up to and including `\n`.
fn line(buf: &[u8], max: usize) -> Split {
    match buf.iter().position(|&b| b == b'\n') {
        Some(i) if i + 1 > max => Split::Skip(i + 1, "oversized"),
        Some(i) => Split::Frame(i + 1),
        None if buf.len() > max => Split::Fatal("oversized"),
        None => Split::NeedMore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beast_frames_with_escapes() {
        let mut f = vec![0x1A, b'1', 0, 0, 0x1A, 0x1A, 0, 0, 0, 9, 0x1A, 0x1A, 5];
        f.extend([0x1A, b'1', 0, 0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(split(Format::Beast, &f, 1000), Split::Frame(13));
        assert_eq!(split(Format::Beast, &f[13..], 1000), Split::Frame(11));
        assert_eq!(split(Format::Beast, &f[13..20], 1000), Split::NeedMore);
        assert_eq!(
            split(Format::Beast, b"xx\x1a", 1000),
            Split::Skip(2, "framing")
        );
    }

    #[test]
    fn asterix_blocks() {
        assert_eq!(
            split(Format::Asterix, &[48, 0, 5, 1, 2], 100),
            Split::Frame(5)
        );
        assert_eq!(split(Format::Asterix, &[48, 0, 5, 1], 100), Split::NeedMore);
        assert_eq!(
            split(Format::Asterix, &[48, 0, 2], 100),
            Split::Fatal("framing")
        );
        assert_eq!(
            split(Format::Asterix, &[48, 1, 0], 100),
            Split::Fatal("oversized")
        );
    }

    #[test]
    fn lines() {
        assert_eq!(split(Format::Avr, b"*8D;\n*", 100), Split::Frame(5));
        assert_eq!(split(Format::Avr, b"*8D", 2), Split::Fatal("oversized"));
    }
}
