//! Sensor authentication on the listeners.
//!
//! Policy (a sensor with `token = "NAME"` in its `[[sensor]]` section, `NAME` being an
//! `[auth]` token of role `sensor`):
//!
//! - **TCP stream formats** (ASTERIX, Beast, AVR, JSON detections over TCP): the connection's
//!   first line must be `PICKET-TOKEN <token>\n` ([`token_line`]); anything else closes it.
//! - **SAPIENT**: the Registration message carries `picket-token=<token>` in its
//!   `additional_information` ([`SAPIENT_TOKEN_PREFIX`]); a wrong or missing token is answered
//!   with a refusing RegistrationAck and the connection is closed.
//! - **UDP** (ASTERIX, Remote ID, JSON detections): datagrams carry no token, so the sensor's
//!   `allow_from = ["127.0.0.1", "10.1.2.0/24"]` source addresses are checked instead.
//! - **Beast/AVR feeds picket connects to** (`connect`): picket chose the peer; no token.
//!
//! Refused connections and datagrams are counted as rejects with reason `unauthenticated`
//! (logged at most once a second per sensor, never with the token). Tokens are compared by
//! their SHA-256, as `[auth]` stores them.

/// The first line a TCP stream sensor sends when it has a token.
pub fn token_line(token: &str) -> String {
    format!("PICKET-TOKEN {token}\n")
}

/// What SAPIENT Registration's `additional_information` starts with, before the token.
pub const SAPIENT_TOKEN_PREFIX: &str = "picket-token=";
