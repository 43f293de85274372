//! TCP stream reassembly for captures: segments of one direction of one connection put back
//! in sequence order, bounded in memory.
//!
//! In-order bytes are appended to a buffer that the message extractor consumes from;
//! retransmitted bytes are dropped; segments that arrive early are held (borrowed from the
//! capture, not copied) until the gap before them fills. When too many are held, the gap is
//! declared lost: the partial message in the buffer is dropped, the walk resumes at the
//! earliest held segment, and the caller reports it.

/// Segments held while waiting for a gap to fill.
const MAX_HELD: usize = 64;

/// A held or appended segment: where its first byte sits in the buffer and in the file.
#[derive(Debug, Clone, Copy)]
struct Mark {
    buf_pos: usize,
    file_offset: usize,
    frame: u64,
}

/// One direction of one TCP connection.
#[derive(Debug, Default)]
pub(crate) struct Stream<'a> {
    next_seq: Option<u32>,
    buf: Vec<u8>,
    marks: Vec<Mark>,
    held: Vec<(u32, &'a [u8], usize, u64)>,
}

/// What a push found wrong: bytes were lost (a gap never filled, or the buffer limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lost {
    /// File offset of the first segment after the gap.
    pub file_offset: usize,
    /// Its frame.
    pub frame: u64,
    /// Bytes of partial message dropped.
    pub dropped: usize,
}

impl<'a> Stream<'a> {
    /// Takes one segment. `max_buffer` bounds the bytes kept.
    pub(crate) fn push(
        &mut self,
        seq: u32,
        data: &'a [u8],
        file_offset: usize,
        frame: u64,
        max_buffer: usize,
    ) -> Option<Lost> {
        if data.is_empty() {
            return None;
        }
        let next = *self.next_seq.get_or_insert(seq);
        // Sequence numbers wrap: compare by signed distance.
        let ahead = seq.wrapping_sub(next) as i32;
        let mut lost = None;
        if ahead > 0 {
            self.held.push((seq, data, file_offset, frame));
            if self.held.len() > MAX_HELD {
                lost = Some(self.skip_gap());
            }
        } else {
            self.append(seq, data, file_offset, frame);
        }
        self.drain_held();
        if self.buf.len() > max_buffer {
            let dropped = self.buf.len();
            let (file_offset, frame) = self.locate(0);
            self.clear();
            lost = Some(Lost {
                file_offset,
                frame,
                dropped,
            });
        }
        lost
    }

    /// Appends the part of a segment at or after `next_seq` (retransmitted bytes dropped).
    fn append(&mut self, seq: u32, data: &[u8], file_offset: usize, frame: u64) {
        let next = self.next_seq.unwrap_or(seq);
        let behind = next.wrapping_sub(seq) as usize;
        let Some(fresh) = data.get(behind..).filter(|d| !d.is_empty()) else {
            return;
        };
        self.marks.push(Mark {
            buf_pos: self.buf.len(),
            file_offset: file_offset + behind,
            frame,
        });
        self.buf.extend_from_slice(fresh);
        self.next_seq = Some(next.wrapping_add(fresh.len() as u32));
    }

    /// Appends every held segment that is now in order.
    fn drain_held(&mut self) {
        loop {
            let Some(next) = self.next_seq else { return };
            let Some(i) = self
                .held
                .iter()
                .position(|(seq, ..)| (seq.wrapping_sub(next) as i32) <= 0)
            else {
                return;
            };
            let (seq, data, off, frame) = self.held.swap_remove(i);
            self.append(seq, data, off, frame);
        }
    }

    /// Gives up on the gap: drops the partial message and resumes at the earliest held
    /// segment.
    fn skip_gap(&mut self) -> Lost {
        let next = self.next_seq.unwrap_or(0);
        let earliest = self
            .held
            .iter()
            .min_by_key(|(seq, ..)| seq.wrapping_sub(next))
            .map(|&(seq, _, off, frame)| (seq, off, frame))
            .unwrap_or((next, 0, 0));
        let dropped = self.buf.len();
        self.clear();
        self.next_seq = Some(earliest.0);
        Lost {
            file_offset: earliest.1,
            frame: earliest.2,
            dropped,
        }
    }

    /// The bytes received in order and not yet consumed.
    pub(crate) fn buffered(&self) -> &[u8] {
        &self.buf
    }

    /// File offset and frame of buffer position `pos`.
    pub(crate) fn locate(&self, pos: usize) -> (usize, u64) {
        let i = self.marks.partition_point(|m| m.buf_pos <= pos);
        match i.checked_sub(1).and_then(|i| self.marks.get(i)) {
            Some(m) => (m.file_offset + (pos - m.buf_pos), m.frame),
            None => (0, 0),
        }
    }

    /// Drops the first `n` buffered bytes (messages taken out).
    pub(crate) fn consume(&mut self, n: usize) {
        let n = n.min(self.buf.len());
        if n == 0 {
            return;
        }
        let keep_from = self
            .marks
            .partition_point(|m| m.buf_pos <= n)
            .saturating_sub(1);
        self.marks.drain(..keep_from);
        for m in &mut self.marks {
            if m.buf_pos <= n {
                m.file_offset += n - m.buf_pos;
                m.buf_pos = 0;
            } else {
                m.buf_pos -= n;
            }
        }
        self.buf.drain(..n);
    }

    /// Drops everything buffered (the stream's framing is lost).
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.marks.clear();
    }

    /// Segments still waiting for a gap that never filled.
    pub(crate) fn held(&self) -> usize {
        self.held.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reorders_and_drops_retransmissions() {
        let mut s = Stream::default();
        assert_eq!(s.push(100, b"abc", 1000, 1, 1 << 20), None);
        assert_eq!(s.push(106, b"ghi", 3000, 3, 1 << 20), None);
        assert_eq!(s.buffered(), b"abc");
        assert_eq!(s.push(101, b"bcdef", 2000, 2, 1 << 20), None);
        assert_eq!(s.buffered(), b"abcdefghi");
        assert_eq!(s.locate(4), (2003, 2));
        s.consume(7);
        assert_eq!(s.buffered(), b"hi");
        assert_eq!(s.locate(0), (3001, 3));
    }

    #[test]
    fn wraps_sequence_numbers() {
        let mut s = Stream::default();
        s.push(u32::MAX - 1, b"ab", 0, 1, 1 << 20);
        s.push(0, b"cd", 10, 2, 1 << 20);
        assert_eq!(s.buffered(), b"abcd");
    }

    #[test]
    fn a_gap_that_never_fills_is_reported_and_skipped() {
        let mut s = Stream::default();
        s.push(0, b"x", 0, 1, 1 << 20);
        let mut lost = None;
        for i in 0..=MAX_HELD as u32 {
            lost = lost.or(s.push(10 + i, b"y", 100 + i as usize, 2 + u64::from(i), 1 << 20));
        }
        let lost = lost.expect("gap declared");
        assert_eq!((lost.file_offset, lost.frame, lost.dropped), (100, 2, 1));
        assert_eq!(s.buffered().len(), MAX_HELD + 1);
        assert_eq!(s.held(), 0);
    }

    #[test]
    fn the_buffer_is_bounded() {
        let mut s = Stream::default();
        let data = [0u8; 100];
        assert!(s.push(0, &data, 0, 1, 150).is_none());
        assert!(s.push(100, &data, 100, 2, 150).is_some());
        assert!(s.buffered().is_empty());
    }
}
