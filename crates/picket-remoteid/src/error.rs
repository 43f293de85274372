//! Decode errors: where in the input (byte offset) and why.

use crate::MessageType;

/// A Remote ID message, pack or transport wrapper that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Remote ID byte {offset}: {reason}")]
pub struct DecodeError {
    /// Offset from the start of the input given to the decoder.
    pub offset: usize,
    /// What was wrong there.
    pub reason: Reason,
}

/// The reason part of a [`DecodeError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    /// Fewer bytes than the structure needs.
    #[error("truncated: need {needed} bytes, {available} left")]
    Truncated {
        /// Bytes the structure needs.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
    /// Message type 6 to 14: not defined by F3411.
    #[error("unknown message type {0:#x}")]
    UnknownMessageType(u8),
    /// A message of another type where a specific one was expected.
    #[error("expected a {expected:?} message, found type {found:#x}")]
    WrongMessageType {
        /// The type the decoder handles.
        expected: MessageType,
        /// The type nibble found.
        found: u8,
    },
    /// A message pack where a single message was expected, or inside another pack.
    #[error("message pack not allowed here")]
    NestedPack,
    /// A pack whose single-message size is not 25.
    #[error("pack message size {0}, expected 25")]
    BadMessageSize(u8),
    /// A pack with 0 or more than 9 messages.
    #[error("pack message count {0}, expected 1 to 9")]
    BadMessageCount(u8),
    /// A pack holding more messages of one type than F3411 allows.
    #[error("pack holds too many {0:?} messages")]
    TooManyOfType(MessageType),
    /// A transport wrapper that is not a Remote ID one (other UUID, OUI, app code...).
    #[error("not a Remote ID {0}")]
    NotRemoteId(&'static str),
    /// A transport wrapper whose lengths disagree.
    #[error("inconsistent {0} length")]
    BadLength(&'static str),
}

impl DecodeError {
    pub(crate) fn new(offset: usize, reason: Reason) -> Self {
        Self { offset, reason }
    }

    pub(crate) fn truncated(offset: usize, needed: usize, available: usize) -> Self {
        Self::new(offset, Reason::Truncated { needed, available })
    }

    /// The same error, with its offset moved by `by` (an error from a nested structure).
    pub fn shifted(mut self, by: usize) -> Self {
        self.offset = self.offset.saturating_add(by);
        self
    }
}
