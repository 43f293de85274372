//! Canonical proto3 JSON (proto field names, enums as names, 64-bit integers as strings,
//! default values omitted) in both directions, and the `picket decode --json` view.
//!
//! Built on prost-reflect's serde support, driven by the descriptor set that protox produced
//! at build time: it implements the proto3 JSON mapping (Timestamp as RFC 3339, bytes as
//! base64, both `lowerCamel` and proto names accepted on input, unknown fields rejected)
//! without generating a second copy of every type, and it is written by protox's author for
//! exactly this pairing. (pbjson-build would generate serde impls instead, but needs its own
//! well-known-type crate and a `protoc`-style descriptor round trip for the same result.)

use crate::validate::{RuleViolation, Validate};
use crate::{DecodeError, v1_0, v2_0};
use prost::Message;
use prost_reflect::{DescriptorPool, DeserializeOptions, DynamicMessage, SerializeOptions};
use serde::Serialize;
use std::sync::OnceLock;

const V2_DESCRIPTORS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/v2_0/descriptor.bin"));
const V1_DESCRIPTORS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/v1_0/descriptor.bin"));

/// Which schema version a JSON conversion uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// BSI Flex 335 v1.0 (`sapient_msg.SapientMessage`).
    V1_0,
    /// BSI Flex 335 v2.0 (`sapient_msg.bsi_flex_335_v2_0.SapientMessage`).
    V2_0,
}

fn pool(version: Version) -> &'static DescriptorPool {
    static V2: OnceLock<DescriptorPool> = OnceLock::new();
    static V1: OnceLock<DescriptorPool> = OnceLock::new();
    let (cell, bytes) = match version {
        Version::V2_0 => (&V2, V2_DESCRIPTORS),
        Version::V1_0 => (&V1, V1_DESCRIPTORS),
    };
    // The bytes were produced by protox in build.rs from the vendored files: decoding them
    // can only fail if the build itself is broken.
    cell.get_or_init(|| DescriptorPool::decode(bytes).expect("build.rs descriptor set"))
}

fn message_descriptor(version: Version) -> prost_reflect::MessageDescriptor {
    let name = match version {
        Version::V2_0 => "sapient_msg.bsi_flex_335_v2_0.SapientMessage",
        Version::V1_0 => "sapient_msg.SapientMessage",
    };
    pool(version)
        .get_message_by_name(name)
        .expect("SapientMessage is in the vendored schema")
}

/// Why JSON could not be produced or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// The protobuf bytes do not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The message holds a value proto3 JSON cannot express (a timestamp outside years
    /// 1..=9999).
    #[error("message cannot be written as proto3 JSON: {reason}")]
    Unrepresentable {
        /// Why.
        reason: String,
    },
    /// The JSON text is not a `SapientMessage` in the proto3 JSON mapping.
    #[error("not a SapientMessage in proto3 JSON at line {line}, column {column}: {reason}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What was wrong (unknown field, wrong type, bad enum name...).
        reason: String,
    },
}

/// The canonical proto3 JSON text of a serialized `SapientMessage`.
///
/// Text rather than a `serde_json::Value` first: `float` fields must print with `f32`
/// shortest round-trip digits (`0.1`, as the reference library prints), which a `Value`
/// would widen to `0.10000000149011612`.
pub fn bytes_to_json_string(version: Version, bytes: &[u8]) -> Result<String, JsonError> {
    let dynamic = DynamicMessage::decode(message_descriptor(version), bytes).map_err(|e| {
        DecodeError::Protobuf {
            len: bytes.len(),
            reason: e.to_string(),
        }
    })?;
    let options = SerializeOptions::new().use_proto_field_name(true);
    let mut out = Vec::new();
    // Fails for values the JSON mapping cannot write, e.g. a Timestamp outside years
    // 1..=9999 (which validation reports as `timestamp_range`).
    dynamic
        .serialize_with_options(&mut serde_json::Serializer::new(&mut out), &options)
        .map_err(|e| JsonError::Unrepresentable {
            reason: e.to_string(),
        })?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// The canonical proto3 JSON of a serialized `SapientMessage`, as a value.
pub fn bytes_to_json(version: Version, bytes: &[u8]) -> Result<serde_json::Value, JsonError> {
    let text = bytes_to_json_string(version, bytes)?;
    Ok(serde_json::from_str(&text).expect("serde_json reads what it wrote"))
}

/// The canonical proto3 JSON of a v2.0 message.
pub fn to_json_v2(msg: &v2_0::SapientMessage) -> Result<serde_json::Value, JsonError> {
    bytes_to_json(Version::V2_0, &msg.encode_to_vec())
}

/// Parses proto3 JSON (either field-name style) into protobuf bytes of the chosen version.
/// Unknown fields are an error.
pub fn json_to_bytes(version: Version, text: &str) -> Result<Vec<u8>, JsonError> {
    parse(version, text, true)
}

/// Like [`json_to_bytes`] but skips unknown fields, as the proto3 JSON mapping allows a
/// parser to: some published examples carry fields that never made it into the schema.
pub fn json_to_bytes_lenient(version: Version, text: &str) -> Result<Vec<u8>, JsonError> {
    parse(version, text, false)
}

fn parse(version: Version, text: &str, deny_unknown: bool) -> Result<Vec<u8>, JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let options = DeserializeOptions::new().deny_unknown_fields(deny_unknown);
    let parsed =
        DynamicMessage::deserialize_with_options(message_descriptor(version), &mut de, &options)
            .and_then(|m| de.end().map(|()| m));
    match parsed {
        Ok(m) => Ok(m.encode_to_vec()),
        Err(e) => Err(JsonError::Json {
            line: e.line(),
            column: e.column(),
            reason: e.to_string(),
        }),
    }
}

/// Parses proto3 JSON into a v2.0 message.
pub fn from_json_v2(text: &str) -> Result<v2_0::SapientMessage, JsonError> {
    Ok(crate::decode_v2(&json_to_bytes(Version::V2_0, text)?)?)
}

/// Parses proto3 JSON into a v1.0 message.
pub fn from_json_v1(text: &str) -> Result<v1_0::SapientMessage, JsonError> {
    Ok(crate::decode_v1(&json_to_bytes(Version::V1_0, text)?)?)
}

/// What `picket decode --json` prints for one v2.0 message:
/// `{"valid":bool,"errors":[{"rule":..,"field":..}],"message":{...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckedMessage {
    /// True when no rule is broken.
    pub valid: bool,
    /// Every BSI Flex 335 rule broken.
    pub errors: Vec<RuleViolation>,
    /// The canonical proto3 JSON of the message; `null` when the message holds a value the
    /// JSON mapping cannot write (its `errors` then say which).
    pub message: serde_json::Value,
}

/// Decodes, validates and renders one serialized v2.0 `SapientMessage`.
pub fn check_bytes(bytes: &[u8]) -> Result<CheckedMessage, JsonError> {
    let msg = crate::decode_v2(bytes)?;
    let errors = msg.validate();
    Ok(CheckedMessage {
        valid: errors.is_empty(),
        errors,
        message: match bytes_to_json(Version::V2_0, bytes) {
            Err(JsonError::Unrepresentable { .. }) => serde_json::Value::Null,
            other => other?,
        },
    })
}
