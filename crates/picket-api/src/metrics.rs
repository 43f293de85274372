//! `/metrics` in the Prometheus text format.
//!
//! The process-wide recorder is installed once, on first use ([`handle`]); every part of the
//! process that uses the `metrics` macros then shows up here. At each scrape the live state of
//! every site is read into gauges (tracks, open alerts, and per-sensor frames, reports,
//! rejects, shed and staleness), so the figures are as fresh as the snapshot.

use crate::ApiState;
use crate::handlers::open_alerts;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's Prometheus handle; `None` when another recorder was installed first.
pub fn handle() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| PrometheusBuilder::new().install_recorder().ok())
        .clone()
}

/// Counts an answered API request by route and status.
pub(crate) fn count_request(route: &str, status: u16) {
    metrics::counter!(
        "picket_api_requests_total",
        "route" => route.to_owned(),
        "status" => status.to_string()
    )
    .increment(1);
}

fn record_sites(state: &ApiState) {
    for (id, entry) in state.sites.iter() {
        entry.live.with_snapshot(|s| {
            let site = id.clone();
            metrics::gauge!("picket_tracks", "site" => site.clone()).set(s.tracks.len() as f64);
            metrics::gauge!("picket_alerts_open", "site" => site.clone())
                .set(open_alerts(s) as f64);
            for h in s.sensors.values() {
                let labels = [("site", site.clone()), ("sensor", h.name.clone())];
                metrics::gauge!("picket_sensor_frames", &labels).set(h.frames as f64);
                metrics::gauge!("picket_sensor_reports", &labels).set(h.reports as f64);
                metrics::gauge!("picket_sensor_shed", &labels).set(h.shed as f64);
                metrics::gauge!("picket_sensor_stale", &labels).set(f64::from(u8::from(h.stale)));
                for (reason, n) in &h.rejects {
                    let labels = [
                        ("site", site.clone()),
                        ("sensor", h.name.clone()),
                        ("reason", reason.clone()),
                    ];
                    metrics::gauge!("picket_sensor_rejects", &labels).set(*n as f64);
                }
            }
        });
    }
}

pub(crate) async fn render(State(state): State<ApiState>) -> impl IntoResponse {
    record_sites(&state);
    let body = state.metrics.as_ref().map_or_else(
        || "# the metrics recorder is owned by another component\n".to_owned(),
        PrometheusHandle::render,
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
}
