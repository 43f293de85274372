//! Message Pack (type 0xF): up to nine 25-byte messages broadcast together (Bluetooth 5
//! extended advertising, Wi-Fi beacon and NaN).
//!
//! ```text
//! byte  field
//!  0    message type = 0xF (bits 7-4) | protocol version (3-0)
//!  1    SingleMessageSize: 25
//!  2    MsgPackSize: number of messages N, 1-9
//!  3-   N × 25 bytes of messages
//! ```
//! The reference decoder (opendroneid-core-c `decodeMessagePack`) rejects the whole pack when the
//! size is not 25, N is 0 or above 9, a message is a pack or of an undefined type, or a type
//! appears more often than allowed (Basic ID twice, Authentication 16 times, others once).
//! Bytes after the N messages (transport padding) are ignored.

use crate::error::{DecodeError, Reason};
use crate::{Envelope, MESSAGE_LEN, Message, MessageType, decode_message};

/// Most messages one pack may hold.
pub const MAX_PACK_MESSAGES: usize = 9;
/// Length of the pack header.
pub const PACK_HEADER_LEN: usize = 3;
const MAX_BASIC_ID: usize = 2;
const MAX_AUTH_PAGES: usize = 16;

/// A validated message pack borrowing its messages from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pack<'a> {
    /// Protocol version of the pack header.
    pub protocol: u8,
    messages: &'a [u8],
}

impl<'a> Pack<'a> {
    /// Checks the pack header and the type of every message (the reference's rules).
    #[inline]
    pub fn parse(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        if bytes.len() < PACK_HEADER_LEN {
            return Err(DecodeError::truncated(0, PACK_HEADER_LEN, bytes.len()));
        }
        let found = bytes[0] >> 4;
        if found != MessageType::Pack as u8 {
            return Err(DecodeError::new(
                0,
                Reason::WrongMessageType {
                    expected: MessageType::Pack,
                    found,
                },
            ));
        }
        if usize::from(bytes[1]) != MESSAGE_LEN {
            return Err(DecodeError::new(1, Reason::BadMessageSize(bytes[1])));
        }
        let count = usize::from(bytes[2]);
        if count == 0 || count > MAX_PACK_MESSAGES {
            return Err(DecodeError::new(2, Reason::BadMessageCount(bytes[2])));
        }
        let end = PACK_HEADER_LEN + count * MESSAGE_LEN;
        let messages = bytes.get(PACK_HEADER_LEN..end).ok_or_else(|| {
            DecodeError::truncated(
                PACK_HEADER_LEN,
                end - PACK_HEADER_LEN,
                bytes.len() - PACK_HEADER_LEN,
            )
        })?;
        check_content(messages)?;
        Ok(Self {
            protocol: bytes[0] & 0x0f,
            messages,
        })
    }

    /// Number of messages.
    pub fn len(&self) -> usize {
        self.messages.len() / MESSAGE_LEN
    }

    /// Always false: a valid pack has at least one message.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// The messages, decoded. Their types were checked by [`Pack::parse`], so none fails.
    #[inline]
    pub fn iter(self) -> impl Iterator<Item = Envelope> + 'a {
        self.messages
            .chunks_exact(MESSAGE_LEN)
            .filter_map(|m| decode_message(m).ok())
    }

    /// The messages, decoded into a vector allocated once at the right size.
    pub fn decode_all(self) -> Vec<Envelope> {
        let mut out = Vec::with_capacity(self.len());
        out.extend(self.iter());
        out
    }

    /// The raw 25-byte messages.
    pub fn raw_messages(self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.messages.chunks_exact(MESSAGE_LEN)
    }
}

/// The reference's `checkPackContent`: no nested pack, no undefined type, bounded repeats.
#[inline]
fn check_content(messages: &[u8]) -> Result<(), DecodeError> {
    let mut counts = [0usize; 6];
    for (i, m) in messages.chunks_exact(MESSAGE_LEN).enumerate() {
        let at = PACK_HEADER_LEN + i * MESSAGE_LEN;
        let t = m[0] >> 4;
        let kind = match MessageType::from_nibble(t) {
            Some(MessageType::Pack) => return Err(DecodeError::new(at, Reason::NestedPack)),
            Some(kind) => kind,
            None => return Err(DecodeError::new(at, Reason::UnknownMessageType(t))),
        };
        counts[t as usize] += 1;
        let limit = match kind {
            MessageType::BasicId => MAX_BASIC_ID,
            MessageType::Auth => MAX_AUTH_PAGES,
            _ => 1,
        };
        if counts[t as usize] > limit {
            return Err(DecodeError::new(at, Reason::TooManyOfType(kind)));
        }
    }
    Ok(())
}

/// Encodes messages into a pack with the given header protocol version.
///
/// Fails with the reference's rules (count 1-9, no nested pack, bounded repeats) so that a
/// simulator cannot broadcast what receivers reject.
pub fn encode_pack(protocol: u8, messages: &[Envelope]) -> Result<Vec<u8>, DecodeError> {
    let n = messages.len();
    if n == 0 || n > MAX_PACK_MESSAGES {
        return Err(DecodeError::new(
            2,
            Reason::BadMessageCount(n.min(255) as u8),
        ));
    }
    let mut out = Vec::with_capacity(PACK_HEADER_LEN + n * MESSAGE_LEN);
    out.extend_from_slice(&[
        (MessageType::Pack as u8) << 4 | (protocol & 0x0f),
        MESSAGE_LEN as u8,
        n as u8,
    ]);
    for m in messages {
        out.extend_from_slice(&m.encode());
    }
    check_content(&out[PACK_HEADER_LEN..])?;
    Ok(out)
}

/// A pack that may not be one: decodes either a single message or a pack into a list.
pub fn decode_any(bytes: &[u8]) -> Result<Vec<Envelope>, DecodeError> {
    match bytes.first() {
        Some(b) if b >> 4 == MessageType::Pack as u8 => Ok(Pack::parse(bytes)?.decode_all()),
        _ => decode_message(bytes).map(|m| vec![m]),
    }
}

impl Message {
    /// The message's type.
    pub fn message_type(&self) -> MessageType {
        match self {
            Message::BasicId(_) => MessageType::BasicId,
            Message::Location(_) => MessageType::Location,
            Message::Auth(_) => MessageType::Auth,
            Message::SelfId(_) => MessageType::SelfId,
            Message::System(_) => MessageType::System,
            Message::OperatorId(_) => MessageType::OperatorId,
        }
    }
}
