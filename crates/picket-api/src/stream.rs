//! The WebSocket stream of a site: first a full snapshot, then every [`Update`] as JSON.
//!
//! The pipeline publishes into a bounded broadcast channel and never waits for a client. A
//! client that falls more than the channel's length behind is sent a fresh snapshot (with
//! `lagged`, the number of updates it missed) and carries on from there, so it is always
//! eventually consistent and nobody else slows down.
//!
//! The logic ([`pump`]) is written against a `Sink<String>` of outgoing texts and a `Stream`
//! of incoming messages, so it can be tested with channels; [`upgrade`] binds it to a socket.
//!
//! Browsers cannot set headers on a WebSocket: they authenticate by offering the subprotocols
//! `picket` and `token.<TOKEN>` (the server answers with `picket`), or `?access_token=`.

use crate::handlers::{AlertSummary, TrackView, Viewer};
use crate::layout::SensorPlace;
use crate::{ApiError, ApiState};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use picket_core::{Geodetic, Timestamp, TrackId, Zone};
use picket_live::{LiveSite, SensorHealth, Update};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// The first message, and the one a lagging client gets again.
#[derive(Serialize)]
struct SnapshotMessage {
    r#type: &'static str,
    site: String,
    origin: Geodetic,
    time: Option<Timestamp>,
    tracks: Vec<TrackView>,
    alerts: Vec<AlertSummary>,
    sensors: Vec<SensorHealth>,
    zones: Vec<Zone>,
    /// The sensor table (positions, coverage), so the map needs no second request.
    layout: Vec<SensorPlace>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lagged: Option<u64>,
}

/// Track changes, with positions also in latitude/longitude.
#[derive(Serialize)]
struct TracksMessage {
    r#type: &'static str,
    time: Timestamp,
    tracks: Vec<TrackView>,
    deleted: Vec<TrackId>,
}

fn snapshot_json(site: &LiveSite, viewer: &Viewer, lagged: Option<u64>) -> String {
    let message = site.with_snapshot(|s| SnapshotMessage {
        r#type: "snapshot",
        site: site.id.clone(),
        origin: site.origin,
        time: s.time,
        tracks: s.tracks.values().map(|t| viewer.view(t.clone())).collect(),
        alerts: s.alerts.values().map(AlertSummary::from).collect(),
        sensors: s.sensors.values().cloned().collect(),
        zones: s.zones.clone(),
        layout: crate::layout::places(site),
        lagged,
    });
    serde_json::to_string(&message).unwrap_or_default()
}

fn update_json(update: &Update, viewer: &Viewer) -> String {
    let text = match update {
        Update::Tracks {
            time,
            tracks,
            deleted,
        } => serde_json::to_string(&TracksMessage {
            r#type: "tracks",
            time: *time,
            tracks: tracks.iter().map(|t| viewer.view(t.clone())).collect(),
            deleted: deleted.clone(),
        }),
        other => serde_json::to_string(other),
    };
    text.unwrap_or_default()
}

/// A client that cannot take one message in this long is dropped (a dead peer behind a full
/// socket buffer would otherwise hold its task for ever).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends within [`SEND_TIMEOUT`]; `Ok(false)` when the client is too slow and is dropped.
async fn send<Tx: Sink<String> + Unpin>(out: &mut Tx, text: String) -> Result<bool, Tx::Error> {
    match tokio::time::timeout(SEND_TIMEOUT, out.send(text)).await {
        Ok(result) => result.map(|()| true),
        Err(_) => Ok(false),
    }
}

/// Streams `site` to `out` until `incoming` ends (the client closed), `out` fails, or a
/// message cannot be sent within [`SEND_TIMEOUT`].
pub async fn pump<Tx, Rx>(
    site: Arc<LiveSite>,
    mut out: Tx,
    mut incoming: Rx,
) -> Result<(), Tx::Error>
where
    Tx: Sink<String> + Unpin,
    Rx: Stream + Unpin,
{
    let viewer = Viewer::of(&site);
    // Subscribe before reading the snapshot: an update in between is then seen twice
    // (harmless, updates are idempotent) rather than lost.
    let mut updates = site.subscribe();
    if !send(&mut out, snapshot_json(&site, &viewer, None)).await? {
        return Ok(());
    }
    loop {
        let text = tokio::select! {
            update = updates.recv() => match update {
                Ok(u) => update_json(&u, &viewer),
                Err(RecvError::Lagged(missed)) => snapshot_json(&site, &viewer, Some(missed)),
                Err(RecvError::Closed) => break,
            },
            message = incoming.next() => match message {
                Some(_) => continue,
                None => break,
            },
        };
        if !send(&mut out, text).await? {
            tracing::info!(site = %site.id, "stream client too slow for {SEND_TIMEOUT:?}: dropped");
            return Ok(());
        }
    }
    out.close().await
}

/// `GET .../snapshot`: the stream's first message over plain HTTP.
pub(crate) async fn snapshot(
    State(state): State<ApiState>,
    Path(site): Path<String>,
) -> Result<Response, ApiError> {
    let live = state.site(&site)?.live.clone();
    let text = snapshot_json(&live, &Viewer::of(&live), None);
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        text,
    )
        .into_response())
}

pub(crate) async fn upgrade(
    State(state): State<ApiState>,
    Path(site): Path<String>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let live = state.site(&site)?.live.clone();
    let ws = ws.map_err(|e| ApiError::UpgradeRequired(e.body_text()))?;
    Ok(ws
        .protocols(["picket"])
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| run(live, socket)))
}

async fn run(site: Arc<LiveSite>, socket: WebSocket) {
    let (tx, rx) = socket.split();
    let tx =
        tx.with(|text: String| async move { Ok::<_, axum::Error>(Message::Text(text.into())) });
    // Anything the client sends is ignored; a close frame or an error ends the stream.
    let rx = rx
        .take_while(|m| std::future::ready(matches!(m, Ok(m) if !matches!(m, Message::Close(_)))));
    if let Err(e) = pump(site, Box::pin(tx), Box::pin(rx)).await {
        tracing::debug!("stream client gone: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::channel::mpsc;
    use picket_core::{ClassProbs, Enu, SensorSet, Track, TrackStatus};

    fn track(id: u64) -> Track {
        let time = Timestamp::from_secs(10.0).unwrap();
        Track {
            id: TrackId(id),
            time,
            position: Enu::new(100.0, 200.0, 50.0),
            velocity: Enu::default(),
            cov: [[0.0; 6]; 6],
            status: TrackStatus::Confirmed,
            class: ClassProbs::default(),
            identity: None,
            pilot: None,
            sensors: SensorSet::default(),
            last_update: time,
            update_count: 3,
        }
    }

    fn tracks_update(ids: &[u64]) -> Update {
        Update::Tracks {
            time: Timestamp::from_secs(10.0).unwrap(),
            tracks: ids.iter().map(|&i| track(i)).collect(),
            deleted: vec![],
        }
    }

    #[tokio::test]
    async fn snapshot_then_updates_then_fresh_snapshot_on_lag() {
        let (site, _commands) = LiveSite::new("s", Geodetic::new(51.0, 0.0, 0.0), 4);
        site.publish(tracks_update(&[1]));
        let (out_tx, mut out_rx) = mpsc::channel::<String>(1);
        let (in_tx, in_rx) = mpsc::channel::<()>(1);
        let task = tokio::spawn(pump(site.clone(), out_tx, in_rx));
        let first: serde_json::Value = serde_json::from_str(&out_rx.next().await.unwrap()).unwrap();
        assert_eq!(first["type"], "snapshot");
        assert_eq!(first["tracks"][0]["id"], 1);
        assert!(
            (first["tracks"][0]["geodetic"]["lat_deg"].as_f64().unwrap() - 51.0018).abs() < 1e-3
        );

        site.publish(tracks_update(&[2]));
        let second: serde_json::Value =
            serde_json::from_str(&out_rx.next().await.unwrap()).unwrap();
        assert_eq!(second["type"], "tracks");
        assert_eq!(second["tracks"][0]["id"], 2);

        // The client stops reading while 20 updates go by: far more than the buffer of 4.
        for i in 3..23 {
            site.publish(tracks_update(&[i]));
        }
        let mut saw_lag = false;
        for _ in 0..8 {
            let m: serde_json::Value = serde_json::from_str(&out_rx.next().await.unwrap()).unwrap();
            if m["type"] == "snapshot" {
                assert!(m["lagged"].as_u64().unwrap() > 0);
                assert_eq!(m["tracks"].as_array().unwrap().len(), 22);
                saw_lag = true;
                break;
            }
        }
        assert!(saw_lag, "a lagging client gets a fresh snapshot");
        drop(in_tx);
        // Drain so the pump is not stuck on a full channel, then it ends.
        while out_rx.next().await.is_some() {}
        task.await.unwrap().unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_stops_reading_is_dropped() {
        let (site, _commands) = LiveSite::new("s", Geodetic::new(51.0, 0.0, 0.0), 4);
        // Room for one message, and nobody reads it.
        let (out_tx, _out_rx) = mpsc::channel::<String>(0);
        let (_in_tx, in_rx) = mpsc::channel::<()>(1);
        let task = tokio::spawn(pump(site.clone(), out_tx, in_rx));
        for i in 0..3 {
            site.publish(tracks_update(&[i]));
            tokio::task::yield_now().await;
        }
        let ended = tokio::time::timeout(SEND_TIMEOUT * 4, task).await;
        assert!(
            matches!(ended, Ok(Ok(Ok(())))),
            "the pump gives up on a stuck client"
        );
    }
}
