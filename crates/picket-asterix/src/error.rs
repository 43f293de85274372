//! Typed decode and encode errors. Every decode error carries the byte offset (from the start of
//! the buffer handed to the decoder) where the problem was found.

use crate::spec::Edition;

/// Why bytes could not be decoded, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ASTERIX decode error at byte {offset}: {reason}")]
pub struct DecodeError {
    /// Byte offset from the start of the input.
    pub offset: usize,
    /// What was wrong.
    pub reason: Reason,
}

impl DecodeError {
    pub(crate) const fn at(offset: usize, reason: Reason) -> Self {
        Self { offset, reason }
    }
}

/// The reasons a decode fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    /// The input ends inside a structure.
    #[error("truncated: {what} needs {needed} more byte(s), {available} available")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// A data block's LEN field is below the 3-octet header size.
    #[error("data block length {0} is shorter than its 3-octet header")]
    BlockTooShort(u16),
    /// A data block's LEN runs past the end of the input.
    #[error("data block length {declared} exceeds the {available} byte(s) available")]
    BlockOverrun {
        /// LEN field value.
        declared: u16,
        /// Bytes from the block start to the end of the input.
        available: usize,
    },
    /// No definition for this category is built in.
    #[error("category {0} is not supported")]
    UnknownCategory(u8),
    /// The requested edition of the category is not built in.
    #[error("category {category} has no edition {edition}")]
    UnknownEdition {
        /// Category.
        category: u8,
        /// Requested edition.
        edition: Edition,
    },
    /// The data block's category differs from the one the decoder was told to expect.
    #[error("expected category {expected}, found {found}")]
    WrongCategory {
        /// Expected.
        expected: u8,
        /// Found.
        found: u8,
    },
    /// The FSPEC sets a bit for an FRN that the edition's UAP leaves undefined: usually the
    /// data was written with another edition.
    #[error(
        "FSPEC bit for FRN {frn} has no item in CAT{category:03} edition {edition} (wrong edition?)"
    )]
    UndefinedItem {
        /// Category.
        category: u8,
        /// Edition used.
        edition: Edition,
        /// Field reference number (1-based).
        frn: usize,
    },
    /// The FSPEC extends beyond the UAP of the edition.
    #[error("FSPEC longer than the UAP of CAT{category:03} edition {edition} (wrong edition?)")]
    FspecTooLong {
        /// Category.
        category: u8,
        /// Edition used.
        edition: Edition,
    },
    /// A record whose FSPEC selects no item.
    #[error("record with an empty FSPEC")]
    EmptyRecord,
    /// An extended item sets FX beyond the last part the edition defines.
    #[error("item {item}: FX set after the last extension the edition defines (wrong edition?)")]
    ExtensionBeyondSpec {
        /// Item name.
        item: &'static str,
    },
    /// A compound item selects a sub-item its definition does not have.
    #[error("item {item}: sub-item slot {slot} is not defined")]
    UndefinedSubitem {
        /// Item name.
        item: &'static str,
        /// 1-based slot in the compound FSPEC.
        slot: usize,
    },
    /// An explicit item with a length octet of 0.
    #[error("item {item}: explicit length 0")]
    ZeroExplicitLength {
        /// Item name.
        item: &'static str,
    },
    /// A record ran past the end of its data block (leftover bytes that do not form a record).
    #[error("record runs past the end of its data block")]
    RecordOverrun,
}

/// Why a value could not be encoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EncodeError {
    /// No item of that name in the category edition.
    #[error("no item {0:?} in this category edition")]
    UnknownItem(String),
    /// The value's shape does not match the item's structure.
    #[error("{path}: {reason}")]
    Shape {
        /// Item/field path.
        path: String,
        /// What was expected.
        reason: String,
    },
    /// A value does not fit its field.
    #[error("{path}: value {value} does not fit in {bits} bits")]
    OutOfRange {
        /// Item/field path.
        path: String,
        /// Value given.
        value: String,
        /// Field size.
        bits: u16,
    },
    /// A data block would exceed 65535 bytes.
    #[error("data block of {0} bytes exceeds the 65535-byte limit")]
    BlockTooLong(usize),
}
