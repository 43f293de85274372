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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode_message;

    #[test]
    fn location_object_has_the_documented_shape() {
        // Frame 1 of the Wi-Fi beacon sample, message 2.
        let bytes = hex::decode("10005c527ebcba251ba88cb4b60000aa099808394100000a00").unwrap();
        let ctx = JsonContext {
            transport: Some(Transport::WifiBeacon),
            frame: Some(1),
            counter: Some(208),
            address: Some([0x84, 0xcc, 0xa8, 0x60, 0x43, 0x24]),
        };
        let json = message_json(&ctx, &decode_message(&bytes).unwrap());
        let expected = serde_json::json!({
            "transport": "wifi_beacon", "frame": 1, "counter": 208,
            "address": "84:cc:a8:60:43:24", "protocol": 0, "type": "location",
            "status": 0, "direction": 92.0, "speed_horizontal": 20.5, "speed_vertical": 63.0,
            "latitude": 45.5457468, "longitude": -122.9681496, "altitude_baro": -1000.0,
            "altitude_geo": 237.0, "height_type": 0, "height": 100.0, "horiz_accuracy": 9,
            "vert_accuracy": 3, "baro_accuracy": 4, "speed_accuracy": 1, "ts_accuracy": 10,
            "time_stamp": 0.0
        });
        assert_eq!(json, expected);
    }

    #[test]
    fn auth_data_is_hex() {
        let mut bytes = [0u8; 25];
        bytes[0] = 0x22;
        bytes[1] = 0x31;
        bytes[2] = 0xab;
        let json = message_json(&JsonContext::default(), &decode_message(&bytes).unwrap());
        assert_eq!(json["type"], "auth");
        assert_eq!(json["data_page"], 1);
        assert_eq!(json["auth_data"].as_str().unwrap().len(), 46);
        assert!(json["auth_data"].as_str().unwrap().starts_with("ab00"));
    }
}
