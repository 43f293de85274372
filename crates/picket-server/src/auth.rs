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

use crate::config::{SensorConfig, SiteConfig, TokenConfig};
use std::net::IpAddr;

/// An address or network (`10.1.2.0/24`, `::1`) from `allow_from`.
pub fn parse_net(text: &str) -> Result<(IpAddr, u8), String> {
    let (addr, bits) = match text.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (text, None),
    };
    let addr: IpAddr = addr
        .trim()
        .parse()
        .map_err(|_| format!("allow_from {text:?} is not an address or address/prefix"))?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let bits = match bits {
        Some(b) => b
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|b| *b <= max)
            .ok_or_else(|| format!("allow_from {text:?}: prefix must be 0 to {max}"))?,
        None => max,
    };
    Ok((addr, bits))
}

fn in_net(addr: IpAddr, (net, bits): (IpAddr, u8)) -> bool {
    let addr = match addr {
        // An IPv4 peer on a dual-stack socket.
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    };
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// What a sensor's listener checks.
#[derive(Debug, Clone, Default)]
pub struct SensorAuth {
    /// SHA-256 (hex) of the token the sensor must present, when it has one.
    pub token_sha256: Option<String>,
    /// Accepted source networks; empty accepts any.
    pub allow: Vec<(IpAddr, u8)>,
}

impl SensorAuth {
    /// The checks configured for `sensor`, its token resolved through `tokens`.
    pub fn new(sensor: &SensorConfig, tokens: &[TokenConfig]) -> Result<Self, String> {
        let token_sha256 = match &sensor.token {
            None => None,
            Some(name) => {
                let t = tokens.iter().find(|t| &t.name == name).ok_or_else(|| {
                    format!(
                        "sensor {:?}: token {name:?} is not in [auth] or its tokens file",
                        sensor.name
                    )
                })?;
                if t.role != "sensor" {
                    return Err(format!(
                        "sensor {:?}: token {name:?} has role {:?}, not sensor",
                        sensor.name, t.role
                    ));
                }
                Some(t.sha256.to_ascii_lowercase())
            }
        };
        let allow = sensor
            .allow_from
            .iter()
            .map(|a| parse_net(a))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            token_sha256,
            allow,
        })
    }

    /// Whether a peer at `addr` may send.
    pub fn allows(&self, addr: IpAddr) -> bool {
        self.allow.is_empty() || self.allow.iter().any(|&n| in_net(addr, n))
    }

    /// Whether `token` is the sensor's token (true when it needs none). Compares hashes in
    /// constant time, so timing says nothing about how much of a guess was right.
    pub fn accepts(&self, token: Option<&str>) -> bool {
        let Some(expected) = &self.token_sha256 else {
            return true;
        };
        let Some(token) = token else {
            return false;
        };
        let got = crate::hash_token(token.trim());
        got.len() == expected.len()
            && got
                .bytes()
                .zip(expected.bytes())
                .fold(0u8, |d, (a, b)| d | (a ^ b))
                == 0
    }

    /// The token from a `PICKET-TOKEN <token>` line (without its line end).
    pub fn token_from_line(line: &[u8]) -> Option<&str> {
        std::str::from_utf8(line)
            .ok()?
            .trim_end_matches(['\r', '\n'])
            .strip_prefix("PICKET-TOKEN ")
    }
}

/// Every token of a site: `[auth]`'s inline ones and those of its `tokens_file`.
pub fn site_tokens(config: &SiteConfig) -> Result<Vec<TokenConfig>, String> {
    let auth = &config.server.auth;
    let mut tokens = auth.token.clone();
    if let Some(file) = &auth.tokens_file {
        #[derive(serde::Deserialize)]
        struct File {
            #[serde(default)]
            token: Vec<TokenConfig>,
        }
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("{}: cannot read the tokens file: {e}", file.display()))?;
        let parsed: File =
            toml::from_str(&text).map_err(|e| format!("{}: {}", file.display(), e.message()))?;
        tokens.extend(parsed.token);
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_and_tokens() {
        let net = parse_net("10.1.2.0/24").unwrap();
        assert!(in_net("10.1.2.77".parse().unwrap(), net));
        assert!(!in_net("10.1.3.1".parse().unwrap(), net));
        assert!(in_net("::ffff:10.1.2.5".parse().unwrap(), net));
        assert!(in_net("::1".parse().unwrap(), parse_net("::1").unwrap()));
        assert!(parse_net("10.0.0.0/33").is_err() && parse_net("host").is_err());
        let auth = SensorAuth {
            token_sha256: Some(crate::hash_token("s3cret")),
            allow: vec![],
        };
        assert!(auth.accepts(Some("s3cret")) && !auth.accepts(Some("s3cre")));
        assert!(!auth.accepts(None));
        assert_eq!(
            SensorAuth::token_from_line(token_line("s3cret").as_bytes()),
            Some("s3cret")
        );
        assert!(SensorAuth::default().accepts(None));
    }
}
