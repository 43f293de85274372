//! Protobuf wire decoding and encoding of whole `SapientMessage`s (one frame's payload).

use crate::{v1_0, v2_0};
use prost::Message;

/// Why a frame's payload is not a `SapientMessage`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes are not valid protobuf for the schema (truncated varint, bad wire type, a
    /// length running past the end, invalid UTF-8 in a string...).
    #[error("not a valid SapientMessage ({len} bytes): {reason}")]
    Protobuf {
        /// Length of the payload, bytes.
        len: usize,
        /// prost's description, which names the field being decoded.
        reason: String,
    },
}

fn protobuf_error(len: usize, err: prost::DecodeError) -> DecodeError {
    DecodeError::Protobuf {
        len,
        reason: err.to_string(),
    }
}

/// Decodes a BSI Flex 335 v2.0 `SapientMessage`. Schema-level decoding only: call
/// [`crate::Validate::validate`] for the BSI Flex 335 rules.
pub fn decode_v2(bytes: &[u8]) -> Result<v2_0::SapientMessage, DecodeError> {
    v2_0::SapientMessage::decode(bytes).map_err(|e| protobuf_error(bytes.len(), e))
}

/// Encodes a v2.0 message (deterministic: fields in number order).
pub fn encode_v2(msg: &v2_0::SapientMessage) -> Vec<u8> {
    msg.encode_to_vec()
}

/// Decodes a BSI Flex 335 v1.0 `SapientMessage`.
pub fn decode_v1(bytes: &[u8]) -> Result<v1_0::SapientMessage, DecodeError> {
    v1_0::SapientMessage::decode(bytes).map_err(|e| protobuf_error(bytes.len(), e))
}

/// Encodes a v1.0 message.
pub fn encode_v1(msg: &v1_0::SapientMessage) -> Vec<u8> {
    msg.encode_to_vec()
}
