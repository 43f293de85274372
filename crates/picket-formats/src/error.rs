//! The one error type of the front door: which format, where (byte offset, capture frame), a
//! short reason key for counting, and the decoder's own message.

use crate::Format;
use std::fmt;

/// Bytes that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FormatError {
    /// The format being decoded (inside a capture: the payload's format, or `pcap`).
    pub format: Format,
    /// Byte offset from the start of the input (for captures: the file).
    pub offset: usize,
    /// Capture frame number (1-based), when the error is inside a capture frame.
    pub frame: Option<u64>,
    /// A short key for counting errors by kind (`truncated`, `garbage`, `wrong_edition`...).
    pub reason: &'static str,
    /// What the decoder said.
    pub message: String,
}

impl FormatError {
    pub(crate) fn new(
        format: Format,
        offset: usize,
        reason: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            format,
            offset,
            frame: None,
            reason,
            message: message.into(),
        }
    }

    pub(crate) fn in_frame(mut self, frame: Option<u64>) -> Self {
        self.frame = frame;
        self
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error at byte {}", self.format, self.offset)?;
        if let Some(frame) = self.frame {
            write!(f, " (frame {frame})")?;
        }
        write!(f, ": {} ({})", self.message, self.reason)
    }
}
