//! ASTM F3411 / ASD-STAN EN 4709-002 Remote ID ("Open Drone ID"): the six message types and the
//! message pack, protocol versions 0 (F3411-19), 1 (F3411-20) and 2 (F3411-22a), their
//! Bluetooth and Wi-Fi transports, a finder for them in pcap/pcapng captures, and the conversion
//! into picket [`Report`](picket_core::Report)s.
//!
//! Decoders take bytes and return a typed [`DecodeError`] with the byte offset; they never
//! panic and never allocate from a length field. Encoders exist for every message type, the
//! pack and the transport wrappers (the simulator speaks Remote ID with them). Field names
//! follow the opendroneid-core-c reference structs in snake_case, with physical values
//! (m, m/s, degrees, seconds); accuracy fields stay the broadcast enums.
//!
//! ```
//! use picket_remoteid::{Message, decode_message};
//! // A Basic ID message from the tuupola/librid example (protocol version 2).
//! let bytes = hex::decode("0212314142434432333435454636373858595a000000000000").unwrap();
//! let decoded = decode_message(&bytes).unwrap();
//! assert_eq!(decoded.protocol, 2);
//! let Message::BasicId(id) = decoded.message else { panic!() };
//! assert_eq!(id.uas_id.as_str(), "1ABCD2345EF678XYZ");
//! assert_eq!(decoded.encode().to_vec(), bytes);
//! ```

mod assembler;
mod auth;
mod basic_id;
pub mod capture;
mod codec;
mod error;
pub mod json;
mod location;
mod operator_id;
mod pack;
mod self_id;
mod system;
pub mod transport;

pub use assembler::{RemoteIdAssembler, to_report};
pub use auth::{Auth, PAGE_DATA_LEN, PAGE_ZERO_DATA_LEN};
pub use basic_id::{
    BasicId, ID_TYPE_CAA_REGISTRATION, ID_TYPE_SERIAL_NUMBER, ID_TYPE_SPECIFIC_SESSION,
    ID_TYPE_UTM_ASSIGNED,
};
pub use codec::{ALTITUDE_UNKNOWN_M, Text};
pub use error::{DecodeError, Reason};
pub use location::{
    DIRECTION_UNKNOWN_DEG, Location, SPEED_UNKNOWN_MPS, VERTICAL_SPEED_UNKNOWN_MPS,
    horizontal_accuracy_m, speed_accuracy_mps, vertical_accuracy_m,
};
pub use operator_id::OperatorId;
pub use pack::{MAX_PACK_MESSAGES, PACK_HEADER_LEN, Pack, decode_any, encode_pack};
pub use self_id::SelfId;
pub use system::System;

/// Every Remote ID message is 25 bytes.
pub const MESSAGE_LEN: usize = 25;

/// The message type, bits 7-4 of byte 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageType {
    /// Basic ID (0).
    BasicId = 0,
    /// Location/Vector (1).
    Location = 1,
    /// Authentication (2).
    Auth = 2,
    /// Self-ID (3).
    SelfId = 3,
    /// System (4).
    System = 4,
    /// Operator ID (5).
    OperatorId = 5,
    /// Message Pack (0xF).
    Pack = 0xf,
}

impl MessageType {
    /// The type for a type nibble, `None` for the undefined 6-14.
    pub fn from_nibble(nibble: u8) -> Option<Self> {
        Some(match nibble {
            0 => Self::BasicId,
            1 => Self::Location,
            2 => Self::Auth,
            3 => Self::SelfId,
            4 => Self::System,
            5 => Self::OperatorId,
            0xf => Self::Pack,
            _ => return None,
        })
    }

    /// The name used in JSON (`"basic_id"`, `"location"`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BasicId => "basic_id",
            Self::Location => "location",
            Self::Auth => "auth",
            Self::SelfId => "self_id",
            Self::System => "system",
            Self::OperatorId => "operator_id",
            Self::Pack => "message_pack",
        }
    }
}

/// One decoded message body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Message {
    /// Basic ID (0).
    BasicId(BasicId),
    /// Location/Vector (1).
    Location(Location),
    /// One Authentication page (2).
    Auth(Auth),
    /// Self-ID (3).
    SelfId(SelfId),
    /// System (4).
    System(System),
    /// Operator ID (5).
    OperatorId(OperatorId),
}

/// A decoded message with the protocol version from its header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Envelope {
    /// Protocol version, bits 3-0 of byte 0 (0 F3411-19, 1 F3411-20, 2 F3411-22a). Other
    /// values are decoded with the same layout, as the reference does.
    pub protocol: u8,
    /// The message.
    pub message: Message,
}

/// Decodes one 25-byte message (longer input: the rest is ignored).
///
/// Fails on short input, an undefined type (6-14) and a message pack (use [`Pack::parse`] or
/// [`decode_any`]).
#[inline]
pub fn decode_message(bytes: &[u8]) -> Result<Envelope, DecodeError> {
    let m: &[u8; MESSAGE_LEN] = bytes
        .get(..MESSAGE_LEN)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| DecodeError::truncated(0, MESSAGE_LEN, bytes.len()))?;
    let nibble = m[0] >> 4;
    let message = match MessageType::from_nibble(nibble) {
        Some(MessageType::BasicId) => Message::BasicId(BasicId::decode(m)),
        Some(MessageType::Location) => Message::Location(Location::decode(m)),
        Some(MessageType::Auth) => Message::Auth(Auth::decode(m)),
        Some(MessageType::SelfId) => Message::SelfId(SelfId::decode(m)),
        Some(MessageType::System) => Message::System(System::decode(m)),
        Some(MessageType::OperatorId) => Message::OperatorId(OperatorId::decode(m)),
        Some(MessageType::Pack) => return Err(DecodeError::new(0, Reason::NestedPack)),
        None => return Err(DecodeError::new(0, Reason::UnknownMessageType(nibble))),
    };
    Ok(Envelope {
        protocol: m[0] & 0x0f,
        message,
    })
}

impl Envelope {
    /// A message with the current protocol version (2, F3411-22a).
    pub fn new(message: Message) -> Self {
        Self {
            protocol: 2,
            message,
        }
    }

    /// Encodes the message into its 25 bytes (reserved bits zero).
    pub fn encode(&self) -> [u8; MESSAGE_LEN] {
        let mut m = [0u8; MESSAGE_LEN];
        m[0] = ((self.message.message_type() as u8) << 4) | (self.protocol & 0x0f);
        match &self.message {
            Message::BasicId(x) => x.encode(&mut m),
            Message::Location(x) => x.encode(&mut m),
            Message::Auth(x) => x.encode(&mut m),
            Message::SelfId(x) => x.encode(&mut m),
            Message::System(x) => x.encode(&mut m),
            Message::OperatorId(x) => x.encode(&mut m),
        }
        m
    }
}

/// `from_bytes` for each message type: the decoder for one type, failing with
/// [`Reason::WrongMessageType`] on a message of another type.
macro_rules! typed_decoders {
    ($($ty:ident => $kind:ident),* $(,)?) => {$(
        impl $ty {
            #[doc = concat!("Decodes a ", stringify!($ty), " message (25 bytes; more are ignored).")]
            pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
                match decode_message(bytes) {
                    Ok(Envelope { message: Message::$kind(m), .. }) => Ok(m),
                    Ok(_) | Err(DecodeError { reason: Reason::UnknownMessageType(_) | Reason::NestedPack, .. }) => {
                        Err(DecodeError::new(0, Reason::WrongMessageType {
                            expected: MessageType::$kind,
                            found: bytes[0] >> 4,
                        }))
                    }
                    Err(e) => Err(e),
                }
            }

            /// Encodes the message with the given protocol version.
            pub fn to_bytes(&self, protocol: u8) -> [u8; MESSAGE_LEN] {
                Envelope { protocol, message: Message::$kind(*self) }.encode()
            }
        }
    )*};
}

typed_decoders!(
    BasicId => BasicId,
    Location => Location,
    Auth => Auth,
    SelfId => SelfId,
    System => System,
    OperatorId => OperatorId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_decoders_check_the_type() {
        let bytes = Location::default().to_bytes(1);
        assert_eq!(bytes[0], 0x11);
        assert_eq!(Location::from_bytes(&bytes), Ok(Location::default()));
        let e = System::from_bytes(&bytes).unwrap_err();
        assert_eq!(
            e.reason,
            Reason::WrongMessageType {
                expected: MessageType::System,
                found: 1
            }
        );
        assert!(matches!(
            System::from_bytes(&bytes[..3]).unwrap_err().reason,
            Reason::Truncated { .. }
        ));
        let mut pack = [0u8; 25];
        pack[0] = 0xf0;
        assert_eq!(
            BasicId::from_bytes(&pack).unwrap_err().reason,
            Reason::WrongMessageType {
                expected: MessageType::BasicId,
                found: 0xf
            }
        );
    }
}
