//! Refused requests: counted in `/metrics`, logged, and written to the site's audit trail.
//!
//! Operator actions that reach the pipeline are audited there, refused ones included (an
//! acknowledgement of a resolved alert is a refused action too). Requests the API itself
//! refuses (no token, a token that is not in the table, a role too weak for the route) never
//! reach the pipeline, so they are audited here, through the site's store writer given with
//! [`crate::ApiState::with_audit`]:
//!
//! - every refused action (any method but GET), with or without a valid token;
//! - every GET refused to a valid token for its role (a known holder reaching past it).
//!
//! A GET without a valid token is only counted (a scanner would otherwise fill the store).
//! At most [`AUDIT_PER_SECOND`] refusals are written per second; the rest are counted as
//! `picket_api_refused_unaudited_total`. The presented token itself is never written: the
//! actor is the token's name when it is valid, else `unauthenticated`.

use crate::auth::TokenTable;
use crate::{ApiError, ApiState};
use picket_core::Timestamp;
use picket_store::{AuditEntry, Record};
use std::sync::Mutex;

/// Most refusals written to the audit trail in one second (the rest are only counted).
pub const AUDIT_PER_SECOND: u32 = 20;

/// A fixed one-second window counter.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    window: Mutex<(u64, u32)>,
}

impl Limiter {
    /// True when another write fits in the current second.
    pub(crate) fn allow(&self, now_s: f64) -> bool {
        let second = now_s.max(0.0) as u64;
        let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
        if w.0 != second {
            *w = (second, 0);
        }
        w.1 += 1;
        w.1 <= AUDIT_PER_SECOND
    }
}

fn now() -> Timestamp {
    let s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    Timestamp::from_secs(s).unwrap_or(Timestamp::ZERO)
}

/// Why, in a metric label.
fn reason(error: &ApiError, token: Option<&str>) -> &'static str {
    match (error, token) {
        (ApiError::Forbidden { .. }, _) => "role",
        (_, None) => "no_token",
        _ => "bad_token",
    }
}

/// The site a request path names (`/api/v1/sites/{site}/...`).
fn site_of(path: &str) -> Option<&str> {
    path.strip_prefix("/api/v1/sites/")?.split('/').next()
}

/// Counts, logs and (when due) audits a refused request.
pub(crate) fn record(
    state: &ApiState,
    method: &str,
    route: &str,
    uri_path: &str,
    token: Option<&str>,
    error: &ApiError,
) {
    let why = reason(error, token);
    metrics::counter!(
        "picket_api_refused_total",
        "route" => route.to_owned(),
        "reason" => why
    )
    .increment(1);
    tracing::info!(%method, %route, reason = why, "refused");
    let forbidden = matches!(error, ApiError::Forbidden { .. });
    if method == "GET" && !forbidden {
        return;
    }
    let Some(writer) = site_of(uri_path)
        .and_then(|s| state.sites.get(s))
        .and_then(|e| e.audit.clone())
    else {
        return;
    };
    let time = now();
    if !state.refusals.allow(time.as_secs()) {
        metrics::counter!("picket_api_refused_unaudited_total").increment(1);
        return;
    }
    let entry = AuditEntry {
        time,
        actor: actor(&state.tokens, token),
        action: "refused".into(),
        target: format!("{method} {uri_path}"),
        detail: format!("{} {error}", error.status().as_u16()),
    };
    // The writer may wait for room: not on the async workers.
    tokio::task::spawn_blocking(move || {
        if let Err(e) = writer.append(Record::Audit(entry)) {
            tracing::warn!("refusal not audited: {e}");
        }
    });
}

fn actor(tokens: &TokenTable, token: Option<&str>) -> String {
    token
        .and_then(|t| tokens.verify(t))
        .map_or_else(|| "unauthenticated".to_owned(), |p| p.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_allows_a_burst_per_second() {
        let l = Limiter::default();
        let allowed = (0..50).filter(|_| l.allow(100.2)).count();
        assert_eq!(allowed, AUDIT_PER_SECOND as usize);
        assert!(l.allow(101.0));
    }

    #[test]
    fn site_and_reason() {
        assert_eq!(
            site_of("/api/v1/sites/north/alerts/3/acknowledge"),
            Some("north")
        );
        assert_eq!(site_of("/api/v1/whoami"), None);
        let forbidden = ApiError::Forbidden {
            have: "viewer",
            need: "operator",
        };
        assert_eq!(reason(&forbidden, Some("t")), "role");
        assert_eq!(reason(&ApiError::Unauthorized, None), "no_token");
        assert_eq!(reason(&ApiError::Unauthorized, Some("x")), "bad_token");
    }
}
