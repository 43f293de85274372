//! Routes served from the evidence store: track and alert history (the console's timeline)
//! and the operator audit log. Each request opens a read-only connection on a blocking
//! thread; WAL mode lets it read while the site's writer keeps committing.

use crate::handlers::{TrackView, Viewer, parse_id, query};
use crate::{ApiError, ApiState};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use picket_core::{AlertEvent, Timestamp, Track};
use picket_store::{AuditEntry, StoreReader};
use serde::{Deserialize, Serialize};

/// A time window: `from` and `to` as RFC 3339 or Unix seconds; the last hour by default.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Window {
    from: Option<String>,
    to: Option<String>,
    /// Most rows to return (capped by the server's limit).
    limit: Option<usize>,
}

/// Rows of a window, and whether the limit cut them short.
#[derive(Debug, Serialize)]
pub(crate) struct Page<T> {
    from: Timestamp,
    to: Timestamp,
    truncated: bool,
    items: Vec<T>,
}

fn now() -> Timestamp {
    let s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    Timestamp::from_secs(s).unwrap_or(Timestamp::ZERO)
}

impl Window {
    fn resolve(&self, max_rows: usize) -> Result<(Timestamp, Timestamp, usize), ApiError> {
        let parse = |field: &str, v: &str| {
            picket_store::timefmt::parse_time(v)
                .map_err(|e| ApiError::BadRequest(format!("{field}={v:?}: {e}")))
        };
        let to = self
            .to
            .as_deref()
            .map(|v| parse("to", v))
            .transpose()?
            .unwrap_or_else(now);
        let from = match self.from.as_deref() {
            Some(v) => parse("from", v)?,
            None => {
                Timestamp::from_secs((to.as_secs() - 3600.0).max(0.0)).unwrap_or(Timestamp::ZERO)
            }
        };
        if from.as_secs() > to.as_secs() {
            return Err(ApiError::BadRequest("from is after to".into()));
        }
        let limit = self.limit.unwrap_or(max_rows).min(max_rows);
        Ok((from, to, limit))
    }
}

/// Runs a store query on a blocking thread.
async fn with_store<T: Send + 'static>(
    state: &ApiState,
    site: &str,
    f: impl FnOnce(&StoreReader) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let path = state.site(site)?.store.clone().ok_or_else(|| {
        ApiError::Unavailable(format!("site {site:?} has no evidence store configured"))
    })?;
    tokio::task::spawn_blocking(move || {
        let reader = StoreReader::open(&path)?;
        f(&reader)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("store task: {e}")))?
}

/// `limit + 1` rows of a JSON `body` column, decoded; the extra row tells truncation.
fn bodies<T: serde::de::DeserializeOwned>(
    reader: &StoreReader,
    sql: &str,
    params: impl rusqlite::Params,
    limit: usize,
) -> Result<(Vec<T>, bool), ApiError> {
    let mut stmt = reader
        .connection()
        .prepare(sql)
        .map_err(|e| ApiError::Internal(format!("store query: {e}")))?;
    let mut rows = stmt
        .query(params)
        .map_err(|e| ApiError::Internal(format!("store query: {e}")))?;
    let mut out = Vec::new();
    while let Some(row) = rows
        .next()
        .map_err(|e| ApiError::Internal(format!("store row: {e}")))?
    {
        if out.len() == limit {
            return Ok((out, true));
        }
        let body: String = row
            .get(0)
            .map_err(|e| ApiError::Internal(format!("store row: {e}")))?;
        out.push(
            serde_json::from_str(&body)
                .map_err(|e| ApiError::Internal(format!("stored body: {e}")))?,
        );
    }
    Ok((out, false))
}

fn window_page<T>(from: Timestamp, to: Timestamp, (items, truncated): (Vec<T>, bool)) -> Page<T> {
    Page {
        from,
        to,
        truncated,
        items,
    }
}

pub(crate) async fn track(
    State(state): State<ApiState>,
    Path((site, track)): Path<(String, String)>,
    window: Result<Query<Window>, QueryRejection>,
) -> Result<Json<Page<TrackView>>, ApiError> {
    let id = parse_id("track", &track)? as i64;
    let (from, to, limit) = query(window)?.resolve(state.config.max_history_rows)?;
    let viewer = Viewer::of(&state.site(&site)?.live);
    let rows = with_store(&state, &site, move |r| {
        bodies::<Track>(
            r,
            "SELECT body FROM track_states WHERE track = ?1 AND time BETWEEN ?2 AND ?3
             ORDER BY time, id",
            (id, from.as_secs(), to.as_secs()),
            limit,
        )
    })
    .await?;
    let views = (rows.0.into_iter().map(|t| viewer.view(t)).collect(), rows.1);
    Ok(Json(window_page(from, to, views)))
}

pub(crate) async fn tracks(
    State(state): State<ApiState>,
    Path(site): Path<String>,
    window: Result<Query<Window>, QueryRejection>,
) -> Result<Json<Page<TrackView>>, ApiError> {
    let (from, to, limit) = query(window)?.resolve(state.config.max_history_rows)?;
    let viewer = Viewer::of(&state.site(&site)?.live);
    let rows = with_store(&state, &site, move |r| {
        bodies::<Track>(
            r,
            "SELECT body FROM track_states WHERE time BETWEEN ?1 AND ?2 ORDER BY time, id",
            (from.as_secs(), to.as_secs()),
            limit,
        )
    })
    .await?;
    let views = (rows.0.into_iter().map(|t| viewer.view(t)).collect(), rows.1);
    Ok(Json(window_page(from, to, views)))
}

pub(crate) async fn alerts(
    State(state): State<ApiState>,
    Path(site): Path<String>,
    window: Result<Query<Window>, QueryRejection>,
) -> Result<Json<Page<AlertEvent>>, ApiError> {
    let (from, to, limit) = query(window)?.resolve(state.config.max_history_rows)?;
    let rows = with_store(&state, &site, move |r| {
        bodies::<AlertEvent>(
            r,
            "SELECT body FROM alert_events WHERE time BETWEEN ?1 AND ?2 ORDER BY id",
            (from.as_secs(), to.as_secs()),
            limit,
        )
    })
    .await?;
    Ok(Json(window_page(from, to, rows)))
}

pub(crate) async fn audit(
    State(state): State<ApiState>,
    Path(site): Path<String>,
    window: Result<Query<Window>, QueryRejection>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let (from, to, limit) = query(window)?.resolve(state.config.max_history_rows)?;
    let rows = with_store(&state, &site, move |r| {
        let mut all = r.audit(from, to)?;
        let truncated = all.len() > limit;
        all.truncate(limit);
        Ok((all, truncated))
    })
    .await?;
    Ok(Json(window_page(from, to, rows)))
}
