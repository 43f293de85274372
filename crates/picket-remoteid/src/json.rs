//! The JSON view `picket decode --json` prints: one object per message,
//! `{"transport":"wifi_beacon","frame":3,"counter":208,"protocol":0,"type":"location",...}` with
//! the message's fields named as in the opendroneid reference structs, in snake_case.

use crate::transport::Transport;
use crate::{Envelope, Message};
use serde::Serializer;
use serde_json::{Map, Value};

/// Where a message came from; every part is optional (a bare message has none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonContext {
    /// The transport wrapper.
    pub transport: Option<Transport>,
    /// The capture frame number, 1-based.
    pub frame: Option<u64>,
    /// The transport's message counter.
    pub counter: Option<u8>,
    /// The transmitter's MAC / BLE device address.
    pub address: Option<[u8; 6]>,
}

/// A MAC address as `aa:bb:cc:dd:ee:ff`.
pub fn mac_string(address: &[u8; 6]) -> String {
    address
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The JSON object for one message.
pub fn message_json(ctx: &JsonContext, envelope: &Envelope) -> Value {
    let mut obj = Map::new();
    if let Some(t) = ctx.transport {
        obj.insert("transport".into(), t.as_str().into());
    }
    if let Some(f) = ctx.frame {
        obj.insert("frame".into(), f.into());
    }
    if let Some(c) = ctx.counter {
        obj.insert("counter".into(), c.into());
    }
    if let Some(a) = &ctx.address {
        obj.insert("address".into(), mac_string(a).into());
    }
    obj.insert("protocol".into(), envelope.protocol.into());
    obj.insert(
        "type".into(),
        envelope.message.message_type().as_str().into(),
    );
    let fields = match &envelope.message {
        Message::BasicId(m) => serde_json::to_value(m),
        Message::Location(m) => serde_json::to_value(m),
        Message::Auth(m) => serde_json::to_value(m),
        Message::SelfId(m) => serde_json::to_value(m),
        Message::System(m) => serde_json::to_value(m),
        Message::OperatorId(m) => serde_json::to_value(m),
    };
    if let Ok(Value::Object(fields)) = fields {
        obj.extend(fields);
    }
    Value::Object(obj)
}

/// Serialises bytes as a lowercase hex string.
pub(crate) fn hex_bytes<S: Serializer, const N: usize>(
    b: &[u8; N],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(b))
}
