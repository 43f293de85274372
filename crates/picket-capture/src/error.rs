//! Typed errors with the byte offset (from the start of the capture file) where reading failed.

/// Why a capture could not be read further.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("capture byte {offset}: {reason}")]
pub struct CaptureError {
    /// Offset from the start of the file.
    pub offset: usize,
    /// What was wrong there.
    pub reason: Reason,
}

/// The reason part of a [`CaptureError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    /// Fewer bytes than the structure needs.
    #[error("truncated: need {needed} bytes, {available} left")]
    Truncated {
        /// Bytes the structure needs.
        needed: usize,
        /// Bytes left in the input.
        available: usize,
    },
    /// The first four bytes are neither a pcap nor a pcapng magic number.
    #[error("not a pcap or pcapng file (magic {0:#010x})")]
    UnknownMagic(u32),
    /// A pcapng block length that is too small, unaligned, or longer than the data left.
    #[error("bad pcapng block length {0}")]
    BadBlockLength(u32),
    /// A pcapng block whose trailing length differs from its leading one.
    #[error("pcapng block length mismatch: {leading} then {trailing}")]
    BlockLengthMismatch {
        /// Length at the start of the block.
        leading: u32,
        /// Length at its end.
        trailing: u32,
    },
    /// A pcapng section header with an unknown byte-order magic.
    #[error("bad pcapng byte-order magic {0:#010x}")]
    BadByteOrder(u32),
    /// A packet record longer than the capture's snapshot limit or the data left.
    #[error("packet length {0} is larger than the data left")]
    BadPacketLength(u32),
    /// A packet refers to an interface that no Interface Description Block declared.
    #[error("packet on undeclared interface {0}")]
    UnknownInterface(u32),
    /// More interfaces than [`crate::MAX_INTERFACES`] in one section.
    #[error("more than {0} interfaces in one section")]
    TooManyInterfaces(usize),
}

impl CaptureError {
    pub(crate) fn at(offset: usize, reason: Reason) -> Self {
        Self { offset, reason }
    }

    pub(crate) fn truncated(offset: usize, needed: usize, available: usize) -> Self {
        Self::at(offset, Reason::Truncated { needed, available })
    }
}

/// Why a frame's link layer could not be decoded (the capture itself is fine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("frame byte {offset}: {reason}")]
pub struct LinkError {
    /// Offset from the start of the frame's captured data.
    pub offset: usize,
    /// What was wrong there.
    pub reason: &'static str,
}

impl LinkError {
    pub(crate) fn new(offset: usize, reason: &'static str) -> Self {
        Self { offset, reason }
    }
}
