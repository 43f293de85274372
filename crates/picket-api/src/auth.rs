//! Token authentication with roles.
//!
//! **Roles**: `viewer < operator < admin` form a ladder (each may do what the one below may);
//! `sensor` stands apart and may only post detections.
//!
//! **Tokens** are 256 random bits from the operating system's generator (through `rand`'s
//! thread RNG, a ChaCha12 CSPRNG seeded from the OS), written as `pkt_` + 64 hex digits and
//! shown once. At rest only their SHA-256 is kept (`[[token]] name, role, sha256` in a TOML
//! file, the same shape as a site file's `[auth]` tokens).
//!
//! **Why SHA-256 and not argon2**: argon2 exists to make guessing *low-entropy* secrets
//! (passwords) expensive. A 256-bit random token cannot be guessed whatever the hash costs, so
//! a fast hash loses nothing, while argon2 per request (tens of milliseconds by design) would
//! let anyone with network access burn the server's two cores. The presented token's digest is
//! compared with every stored digest in constant time (`subtle`), so response timing says
//! nothing about how close a guess was.

use crate::error::ApiError;
use axum::http::HeaderMap;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;
use subtle::ConstantTimeEq;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sees everything live and historical; changes nothing.
    Viewer,
    /// A viewer who may also acknowledge and resolve alerts.
    Operator,
    /// An operator who may also change zones, rules and whitelist and read the audit log.
    Admin,
    /// A sensor: may only post detections.
    Sensor,
}

impl Role {
    /// Lower-case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
            Role::Sensor => "sensor",
        }
    }

    /// Parses a role name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "operator" => Some(Role::Operator),
            "admin" => Some(Role::Admin),
            "sensor" => Some(Role::Sensor),
            _ => None,
        }
    }

    /// Rank on the viewer < operator < admin ladder; sensors are off it.
    fn rank(self) -> Option<u8> {
        match self {
            Role::Viewer => Some(1),
            Role::Operator => Some(2),
            Role::Admin => Some(3),
            Role::Sensor => None,
        }
    }

    /// True when this role may use a route that needs `need`.
    pub fn satisfies(self, need: Need) -> bool {
        match need {
            Need::Public => true,
            Need::AnyToken => true,
            Need::Sensor => self == Role::Sensor,
            Need::Role(r) => matches!((self.rank(), r.rank()), (Some(a), Some(b)) if a >= b),
        }
    }
}

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing (`/healthz`, console assets).
    Public,
    /// Any valid token, whatever its role (`whoami`).
    AnyToken,
    /// A sensor token.
    Sensor,
    /// At least this rung of the viewer < operator < admin ladder.
    Role(Role),
}

impl Need {
    /// Short name for messages and the OpenAPI document.
    pub const fn as_str(self) -> &'static str {
        match self {
            Need::Public => "none",
            Need::AnyToken => "any token",
            Need::Sensor => "sensor",
            Need::Role(r) => r.as_str(),
        }
    }
}

/// One token as stored: who, what, and the SHA-256 of the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredToken {
    /// Who (shown in the audit log).
    pub name: String,
    /// viewer, operator, admin or sensor.
    pub role: String,
    /// SHA-256 of the token, hex.
    pub sha256: String,
}

/// The caller, once its token checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's name.
    pub name: String,
    /// The token's role.
    pub role: Role,
}

/// Why a tokens file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TokenFileError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not a valid tokens file.
    #[error("{path}: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokensFile {
    #[serde(default)]
    token: Vec<StoredToken>,
}

/// The verified token table: digests, names and roles.
#[derive(Debug, Clone, Default)]
pub struct TokenTable {
    entries: Vec<([u8; 32], Principal)>,
}

/// SHA-256 of a token.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A new random token: `pkt_` + 64 hex digits (256 bits).
pub fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("pkt_{}", hex::encode(bytes))
}

impl TokenTable {
    /// A table from stored entries; refuses unknown roles and malformed digests.
    pub fn from_stored(stored: &[StoredToken]) -> Result<Self, String> {
        let mut entries = Vec::with_capacity(stored.len());
        for t in stored {
            let role = Role::parse(&t.role).ok_or_else(|| {
                format!(
                    "token {:?}: unknown role {:?} (viewer, operator, admin, sensor)",
                    t.name, t.role
                )
            })?;
            let digest: [u8; 32] = hex::decode(&t.sha256)
                .ok()
                .and_then(|d| d.try_into().ok())
                .ok_or_else(|| format!("token {:?}: sha256 is not 64 hex digits", t.name))?;
            entries.push((
                digest,
                Principal {
                    name: t.name.clone(),
                    role,
                },
            ));
        }
        Ok(Self { entries })
    }

    /// Adds a token given in the clear (tests, `picket demo`); only its digest is kept.
    pub fn insert(&mut self, token: &str, name: impl Into<String>, role: Role) {
        self.entries.push((
            hash_token(token),
            Principal {
                name: name.into(),
                role,
            },
        ));
    }

    /// Reads a tokens file (`[[token]]` entries).
    pub fn load(path: &Path) -> Result<Self, TokenFileError> {
        let stored = read_tokens_file(path)?;
        Self::from_stored(&stored).map_err(|reason| TokenFileError::Invalid {
            path: path.display().to_string(),
            reason,
        })
    }

    /// Who holds a token, in file order (never the tokens: they are not kept).
    pub fn principals(&self) -> impl Iterator<Item = &Principal> {
        self.entries.iter().map(|(_, p)| p)
    }

    /// The tokens of a tokens file (when given) and inline entries together, as a site
    /// file's `[auth]` section names them.
    pub fn load_all(file: Option<&Path>, inline: &[StoredToken]) -> Result<Self, TokenFileError> {
        let mut stored = match file {
            Some(path) => read_tokens_file(path)?,
            None => Vec::new(),
        };
        stored.extend_from_slice(inline);
        Self::from_stored(&stored).map_err(|reason| TokenFileError::Invalid {
            path: file.map_or_else(|| "[auth]".to_owned(), |p| p.display().to_string()),
            reason,
        })
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no tokens (then nothing but `/healthz` answers).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The principal of a presented token. Every entry is compared, in constant time.
    pub fn verify(&self, token: &str) -> Option<&Principal> {
        let digest = hash_token(token);
        let mut found = None;
        for (stored, principal) in &self.entries {
            if bool::from(stored.ct_eq(&digest)) {
                found = Some(principal);
            }
        }
        found
    }
}

fn read_tokens_file(path: &Path) -> Result<Vec<StoredToken>, TokenFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| TokenFileError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let file: TokensFile = toml::from_str(&text).map_err(|e| TokenFileError::Invalid {
        path: path.display().to_string(),
        reason: e.message().to_owned(),
    })?;
    Ok(file.token)
}

/// Creates a token, appends its digest to the tokens file (created when absent) and returns
/// the token in the clear: the only time it exists outside the caller's hands.
pub fn create_token(path: &Path, name: &str, role: Role) -> Result<String, TokenFileError> {
    let invalid = |reason: String| TokenFileError::Invalid {
        path: path.display().to_string(),
        reason,
    };
    if name.trim().is_empty() {
        return Err(invalid("a token needs a name".into()));
    }
    let mut stored = if path.exists() {
        read_tokens_file(path)?
    } else {
        Vec::new()
    };
    if stored.iter().any(|t| t.name == name) {
        return Err(invalid(format!("a token named {name:?} exists already")));
    }
    let token = generate_token();
    stored.push(StoredToken {
        name: name.to_owned(),
        role: role.as_str().to_owned(),
        sha256: hex::encode(hash_token(&token)),
    });
    let text = toml::to_string(&TokensFile { token: stored })
        .map_err(|e| invalid(format!("cannot encode: {e}")))?;
    let io = |source| TokenFileError::Io {
        path: path.display().to_string(),
        source,
    };
    // Write beside it and rename, so a crash never leaves half a tokens file.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(token)
}

/// The token a request presents: `Authorization: Bearer`, a `token.<T>` WebSocket
/// subprotocol (browsers cannot set headers on a WebSocket), or `access_token` in the query.
pub fn presented_token<'a>(headers: &'a HeaderMap, query: Option<&'a str>) -> Option<&'a str> {
    if let Some(v) = headers.get(axum::http::header::AUTHORIZATION)
        && let Ok(v) = v.to_str()
        && let Some((scheme, t)) = v.split_once(' ')
        && scheme.eq_ignore_ascii_case("bearer")
    {
        return Some(t.trim());
    }
    if let Some(v) = headers.get(axum::http::header::SEC_WEBSOCKET_PROTOCOL)
        && let Ok(v) = v.to_str()
        && let Some(t) = v.split(',').find_map(|p| p.trim().strip_prefix("token."))
    {
        return Some(t);
    }
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("access_token="))
}

/// Checks a request's token against the table and the route's need.
pub fn authorize(
    table: &TokenTable,
    need: Need,
    token: Option<&str>,
) -> Result<Option<Principal>, ApiError> {
    if need == Need::Public {
        return Ok(None);
    }
    let principal = token
        .and_then(|t| table.verify(t))
        .ok_or(ApiError::Unauthorized)?;
    if !principal.role.satisfies(need) {
        return Err(ApiError::Forbidden {
            have: principal.role.as_str(),
            need: need.as_str(),
        });
    }
    Ok(Some(principal.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ladder_and_sensor() {
        let op = Need::Role(Role::Operator);
        assert!(!Role::Viewer.satisfies(op));
        assert!(Role::Operator.satisfies(op));
        assert!(Role::Admin.satisfies(op));
        assert!(!Role::Sensor.satisfies(op));
        assert!(!Role::Sensor.satisfies(Need::Role(Role::Viewer)));
        assert!(Role::Sensor.satisfies(Need::Sensor));
        assert!(!Role::Admin.satisfies(Need::Sensor));
    }

    #[test]
    fn tokens_are_random_and_verified_by_digest() {
        let a = generate_token();
        assert_ne!(a, generate_token());
        assert_eq!(a.len(), 4 + 64);
        let mut table = TokenTable::default();
        table.insert(&a, "ops", Role::Operator);
        assert_eq!(table.verify(&a).unwrap().name, "ops");
        assert!(table.verify("pkt_00").is_none());
        assert!(table.verify(&a[..a.len() - 1]).is_none());
    }

    #[test]
    fn tokens_file_round_trip_keeps_only_digests() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.toml");
        let t1 = create_token(&path, "alice", Role::Admin).unwrap();
        let t2 = create_token(&path, "radar-1", Role::Sensor).unwrap();
        assert!(create_token(&path, "alice", Role::Viewer).is_err());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&t1[4..]) && !text.contains(&t2[4..]));
        let table = TokenTable::load(&path).unwrap();
        assert_eq!(table.verify(&t1).unwrap().role, Role::Admin);
        assert_eq!(table.verify(&t2).unwrap().role, Role::Sensor);
        let inline = StoredToken {
            name: "ops".into(),
            role: "viewer".into(),
            sha256: hex::encode(hash_token("pkt_inline")),
        };
        let all = TokenTable::load_all(Some(&path), std::slice::from_ref(&inline)).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all.verify("pkt_inline").unwrap().name, "ops");
        let bad = StoredToken {
            role: "root".into(),
            ..inline
        };
        assert!(
            TokenTable::load_all(None, &[bad])
                .unwrap_err()
                .to_string()
                .contains("root")
        );
    }

    #[test]
    fn token_from_header_protocol_or_query() {
        let mut h = HeaderMap::new();
        assert_eq!(
            presented_token(&h, Some("a=1&access_token=xyz")),
            Some("xyz")
        );
        h.insert(
            "sec-websocket-protocol",
            "picket, token.abc".parse().unwrap(),
        );
        assert_eq!(presented_token(&h, None), Some("abc"));
        h.insert("authorization", "Bearer def".parse().unwrap());
        assert_eq!(presented_token(&h, None), Some("def"));
        // The scheme is case-insensitive (RFC 9110 §11.1); Basic is not a token.
        h.insert("authorization", "bearer ghi".parse().unwrap());
        assert_eq!(presented_token(&h, None), Some("ghi"));
        h.insert("authorization", "Basic ghi".parse().unwrap());
        assert_eq!(presented_token(&h, None), Some("abc"));
    }
}
