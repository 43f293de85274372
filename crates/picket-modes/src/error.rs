//! Typed framing errors. Every one carries the byte offset where the trouble starts, so an
//! operator can find it in the capture; framers report the error and carry on after it.

/// Why bytes could not be framed into a reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Bytes that are not part of any frame (before the first `0x1A`, or between frames).
    #[error("{len} bytes of garbage at offset {offset} before the next frame")]
    Garbage {
        /// Offset of the first stray byte.
        offset: usize,
        /// How many bytes were skipped.
        len: usize,
    },
    /// A Beast frame whose type byte is not `'1'`, `'2'` or `'3'`.
    #[error("unknown Beast frame type 0x{type_byte:02x} at offset {offset}")]
    UnknownType {
        /// Offset of the frame's `0x1A`.
        offset: usize,
        /// The type byte found.
        type_byte: u8,
    },
    /// A Beast frame interrupted by a lone `0x1A` (the start of the next frame): bytes were
    /// lost on the wire.
    #[error("Beast frame at offset {offset} cut short by an unescaped 0x1A at offset {at}")]
    BadEscape {
        /// Offset of the frame's `0x1A`.
        offset: usize,
        /// Offset of the interrupting `0x1A`.
        at: usize,
    },
    /// The input ended inside a frame. A stream reader keeps these bytes for the next read.
    #[error("frame at offset {offset} truncated: input ends {needed} bytes short")]
    Truncated {
        /// Offset of the frame's first byte.
        offset: usize,
        /// Payload bytes still missing (at least).
        needed: usize,
    },
    /// A character that is not a hex digit in an AVR or hex line.
    #[error("line at offset {offset}: {found:?} at offset {at} is not a hex digit")]
    BadHex {
        /// Offset of the line.
        offset: usize,
        /// Offset of the bad character.
        at: usize,
        /// The character found (as a byte, shown as a char).
        found: char,
    },
    /// An AVR or hex line whose length is not a Mode A/C (4), short (14) or long (28) frame.
    #[error("line at offset {offset}: {digits} hex digits is not a Mode A/C, short or long frame")]
    BadLength {
        /// Offset of the line.
        offset: usize,
        /// Number of payload hex digits found.
        digits: usize,
    },
    /// An AVR line without its closing `;`.
    #[error("AVR line at offset {offset} has no ';' terminator")]
    MissingTerminator {
        /// Offset of the line.
        offset: usize,
    },
}

impl FrameError {
    /// The byte offset where the problem starts.
    pub fn offset(&self) -> usize {
        match *self {
            FrameError::Garbage { offset, .. }
            | FrameError::UnknownType { offset, .. }
            | FrameError::BadEscape { offset, .. }
            | FrameError::Truncated { offset, .. }
            | FrameError::BadHex { offset, .. }
            | FrameError::BadLength { offset, .. }
            | FrameError::MissingTerminator { offset } => offset,
        }
    }
}
