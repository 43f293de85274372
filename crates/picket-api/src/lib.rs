//! picket's HTTP API: what operators, the web console and other systems use.
//!
//! - **REST** under `/api/v1` (JSON): sites, sensors and their health, live tracks, track
//!   history from the evidence store, alerts with acknowledge and resolve, zones, rules and
//!   whitelist (read by viewers, replaced by admins without a restart), JSON detections from
//!   sensors, and the operator audit log. [`routes::ROUTES`] lists every route with the role
//!   it needs.
//! - **WebSocket** `/api/v1/sites/{site}/stream`: a snapshot, then every update ([`stream`]).
//! - **Auth** ([`auth`]): random tokens stored as SHA-256, roles viewer < operator < admin
//!   and sensor. Nothing but `/healthz` and the console's static files answers without one.
//! - **Basemap** ([`tiles`]): map tiles from the site's MBTiles file, when one is configured.
//! - `/metrics` (Prometheus), `/healthz`, `/api/v1/openapi.json`, and TLS ([`tls`]).
//!
//! Operator actions reach the site's pipeline as [`picket_live::Command`]s; the pipeline
//! applies them to the guard and writes each to the evidence store's audit log with the
//! token's name as the actor, so the log holds exactly what was done, refused ones included.
//! Requests the API refuses itself (bad token, too weak a role) never reach the pipeline: they
//! are counted in `/metrics` and written to the same log through the site's store writer
//! ([`refused`], [`ApiState::with_audit`]). `GET .../config` never shows `[auth]` (token
//! digests), storage, api or output settings.
//!
//! **Wiring it into `picket serve`** (the server crate stays independent of this one):
//!
//! ```text
//! let tokens = TokenTable::load_all(auth.tokens_file.as_deref(), &inline_tokens)?;
//! let mut state = ApiState::new(server.registry(), tokens);
//! for s in server.sites() {
//!     let id = s.config.id();
//!     state = state
//!         .with_store(id, &s.config.server.storage.path)        // history, audit
//!         .with_guard_config(id, s.config.text.clone())         // rules, whitelist, sensors
//!         .with_audit(id, s.store.clone());                     // refused requests audited
//!     if let Some(mbtiles) = basemap_of(s) {                     // the site's offline map
//!         state = state.with_basemap(id, mbtiles)?;
//!     }
//!     if let Some(injector) = server.injector(id) {              // POST .../detections
//!         state = state.with_detections(id, move |sensor: &str, bytes| injector.inject(sensor, bytes));
//!     }
//! }
//! let listener = server.runtime().block_on(tokio::net::TcpListener::bind(api_bind))?;
//! server.runtime().spawn(picket_api::serve(listener, state, tls));   // tls: Option<TlsConfig>
//! ```
//!
//! ```
//! use picket_api::{ApiState, auth::{Role, TokenTable}, router};
//! use picket_core::Geodetic;
//! use picket_live::{LiveSite, Registry};
//! use tower::ServiceExt;
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let (site, _commands) = LiveSite::new("north", Geodetic::new(51.47, -0.45, 25.0), 1024);
//! let mut registry = Registry::default();
//! registry.insert(site);
//! let mut tokens = TokenTable::default();
//! tokens.insert("pkt_example", "alice", Role::Viewer);
//! let app = router(ApiState::new(registry, tokens));
//! let request = axum::http::Request::get("/api/v1/sites/north/tracks")
//!     .header("authorization", "Bearer pkt_example")
//!     .body(axum::body::Body::empty())
//!     .unwrap();
//! assert_eq!(app.oneshot(request).await.unwrap().status(), 200);
//! # });
//! ```

pub mod assets;
pub mod auth;
mod error;
mod handlers;
mod history;
pub mod layout;
pub mod metrics;
pub mod openapi;
pub mod refused;
pub mod routes;
pub mod stream;
pub mod tiles;
pub mod tls;

pub use error::ApiError;
pub use tls::{TlsConfig, serve, serve_with_shutdown};

use auth::TokenTable;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post, put};
use picket_live::{LiveSite, Registry};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Where JSON detections posted to the API go: the server's ingest for that site
/// (`picket_server::Injector` fits: `inject(sensor name, bytes)`).
pub trait DetectionSink: Send + Sync + 'static {
    /// Queues one JSON message from the named sensor; `Err` says why it was refused.
    fn inject(&self, sensor: &str, bytes: Vec<u8>) -> Result<(), String>;

    /// Counts a post the API refused before queueing it, against the sensor the token is
    /// named after (`reason` as in the sensor's health, e.g. `wrong_sensor`: a detection
    /// naming another sensor). Does nothing unless the sink keeps counts.
    fn refuse(&self, _sensor: &str, _reason: &'static str, _detail: &str) {}
}

impl<F> DetectionSink for F
where
    F: Fn(&str, Vec<u8>) -> Result<(), String> + Send + Sync + 'static,
{
    fn inject(&self, sensor: &str, bytes: Vec<u8>) -> Result<(), String> {
        self(sensor, bytes)
    }
}

/// What the API knows of one site besides its live state.
pub(crate) struct SiteEntry {
    pub live: Arc<LiveSite>,
    pub store: Option<PathBuf>,
    pub guard_toml: RwLock<Option<String>>,
    pub detections: Option<Arc<dyn DetectionSink>>,
    pub basemap: Option<tiles::Basemap>,
    pub audit: Option<picket_store::StoreWriter>,
}

/// Tunables of the API.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// How long to wait for a site's pipeline to answer a command.
    pub command_timeout: Duration,
    /// Most rows one history or audit request returns.
    pub max_history_rows: usize,
    /// Largest accepted request body, bytes.
    pub max_body_bytes: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            command_timeout: Duration::from_secs(5),
            max_history_rows: 100_000,
            max_body_bytes: 1 << 20,
        }
    }
}

/// Everything the handlers share: the sites, their stores, the token table, the config.
#[derive(Clone)]
pub struct ApiState {
    pub(crate) sites: Arc<BTreeMap<String, SiteEntry>>,
    pub(crate) tokens: Arc<TokenTable>,
    pub(crate) config: ApiConfig,
    pub(crate) metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    pub(crate) refusals: Arc<refused::Limiter>,
}

impl ApiState {
    /// State for these sites and tokens; add stores, guard configs and detection sinks with
    /// the `with_*` methods.
    pub fn new(registry: Registry, tokens: TokenTable) -> Self {
        let sites = registry
            .iter()
            .map(|live| {
                let entry = SiteEntry {
                    live: live.clone(),
                    store: None,
                    guard_toml: RwLock::new(None),
                    detections: None,
                    basemap: None,
                    audit: None,
                };
                (live.id.clone(), entry)
            })
            .collect();
        Self {
            sites: Arc::new(sites),
            tokens: Arc::new(tokens),
            config: ApiConfig::default(),
            metrics: metrics::handle(),
            refusals: Arc::default(),
        }
    }

    fn entry_mut(&mut self, site: &str) -> Option<&mut SiteEntry> {
        Arc::get_mut(&mut self.sites).and_then(|s| s.get_mut(site))
    }

    /// The evidence store of `site` (history, audit). Unknown sites are ignored.
    pub fn with_store(mut self, site: &str, path: impl Into<PathBuf>) -> Self {
        if let Some(e) = self.entry_mut(site) {
            e.store = Some(path.into());
        }
        self
    }

    /// The site file text in force (its guard sections are served as rules and whitelist).
    /// When the server has not set the site's sensor table, it is read from this text's
    /// `[[sensor]]` entries ([`layout`]).
    pub fn with_guard_config(mut self, site: &str, toml_text: impl Into<String>) -> Self {
        if let Some(e) = self.entry_mut(site) {
            let text = toml_text.into();
            if e.live.sensor_layout().is_empty() {
                e.live.set_sensor_layout(layout::from_site_text(&text));
            }
            e.guard_toml = RwLock::new(Some(text));
        }
        self
    }

    /// The offline basemap of `site`: an MBTiles file, opened and checked now so a wrong path
    /// or file is reported at start. Tiles are served at `.../tiles/{z}/{x}/{y}` ([`tiles`]).
    pub fn with_basemap(
        mut self,
        site: &str,
        mbtiles: impl AsRef<std::path::Path>,
    ) -> Result<Self, tiles::BasemapError> {
        let basemap = tiles::Basemap::open(mbtiles.as_ref())?;
        if let Some(e) = self.entry_mut(site) {
            e.basemap = Some(basemap);
        }
        Ok(self)
    }

    /// The store writer of `site`'s evidence store, where requests the API refuses (bad or
    /// missing token, too weak a role) are written to the audit trail ([`refused`]). The
    /// pipeline audits the commands it receives itself.
    pub fn with_audit(mut self, site: &str, writer: picket_store::StoreWriter) -> Self {
        if let Some(e) = self.entry_mut(site) {
            e.audit = Some(writer);
        }
        self
    }

    /// Where `site`'s posted detections go.
    pub fn with_detections(mut self, site: &str, sink: impl DetectionSink) -> Self {
        if let Some(e) = self.entry_mut(site) {
            e.detections = Some(Arc::new(sink));
        }
        self
    }

    /// Replaces the tunables.
    pub fn with_config(mut self, config: ApiConfig) -> Self {
        self.config = config;
        self
    }

    pub(crate) fn site(&self, id: &str) -> Result<&SiteEntry, ApiError> {
        self.sites
            .get(id)
            .ok_or_else(|| ApiError::NotFound(format!("no site {id:?}")))
    }
}

/// The handler of a route-table entry; `None` for an entry without one (a test checks there
/// is none). Building the router from the table means no route can exist outside it.
pub(crate) fn endpoint(spec: &routes::RouteSpec) -> Option<MethodRouter<ApiState>> {
    use handlers as h;
    let site = spec.path.strip_prefix("/api/v1/sites/{site}");
    Some(match (spec.method, spec.path, site) {
        ("GET", "/healthz", _) => get(h::healthz),
        ("GET", "/metrics", _) => get(metrics::render),
        ("GET", "/api/v1/openapi.json", _) => get(openapi::document),
        ("GET", "/api/v1/whoami", _) => get(h::whoami),
        ("GET", "/api/v1/sites", _) => get(h::sites),
        ("GET", _, Some("")) => get(h::site),
        ("GET", _, Some("/snapshot")) => get(stream::snapshot),
        ("GET", _, Some("/sensors")) => get(h::sensors),
        ("GET", _, Some("/layout")) => get(h::layout),
        ("GET", _, Some("/sensors/{sensor}")) => get(h::sensor),
        ("GET", _, Some("/tracks")) => get(h::tracks),
        ("GET", _, Some("/tracks/{track}")) => get(h::track),
        ("GET", _, Some("/tracks/{track}/history")) => get(history::track),
        ("GET", _, Some("/history/tracks")) => get(history::tracks),
        ("GET", _, Some("/history/alerts")) => get(history::alerts),
        ("GET", _, Some("/alerts")) => get(h::alerts),
        ("GET", _, Some("/alerts/{alert}")) => get(h::alert),
        ("POST", _, Some("/alerts/{alert}/acknowledge")) => post(h::acknowledge),
        ("POST", _, Some("/alerts/{alert}/resolve")) => post(h::resolve),
        ("GET", _, Some("/zones")) => get(h::zones),
        ("GET", _, Some("/rules")) => get(h::rules),
        ("GET", _, Some("/whitelist")) => get(h::whitelist),
        ("GET", _, Some("/config")) => get(h::get_config),
        ("PUT", _, Some("/config")) => put(h::put_config),
        ("POST", _, Some("/detections")) => post(h::detections),
        ("GET", _, Some("/audit")) => get(history::audit),
        ("GET", _, Some("/tiles/{z}/{x}/{y}")) => get(tiles::tile),
        ("GET", _, Some("/stream")) => get(stream::upgrade),
        _ => return None,
    })
}

/// The API as an axum router (used by [`serve`] and by tests through `oneshot`), built from
/// [`routes::ROUTES`]; unmatched paths fall through to the console's static files.
pub fn router(state: ApiState) -> Router {
    let mut by_path: BTreeMap<&str, MethodRouter<ApiState>> = BTreeMap::new();
    for spec in routes::ROUTES {
        let Some(method_router) = endpoint(spec) else {
            tracing::error!(
                method = spec.method,
                path = spec.path,
                "route without a handler"
            );
            continue;
        };
        let merged = match by_path.remove(spec.path) {
            Some(existing) => existing.merge(method_router),
            None => method_router,
        };
        by_path.insert(spec.path, merged);
    }
    let mut api = Router::new();
    for (path, method_router) in by_path {
        api = api.route(path, method_router);
    }
    api.route_layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.config.max_body_bytes,
        ))
        .fallback(assets::serve_asset)
        // Spans name the method and path only: a query may carry `access_token`.
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(|r: &Request| {
                tracing::debug_span!("http", method = %r.method(), path = %r.uri().path())
            }),
        )
        // Whatever logs headers later sees these redacted.
        .layer(tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer::new([
            axum::http::header::AUTHORIZATION,
            axum::http::header::SEC_WEBSOCKET_PROTOCOL,
        ]))
        .with_state(state)
}

/// Authorizes every matched route against [`routes::ROUTES`] (refusing routes missing from
/// it), puts the caller's [`auth::Principal`] in the request, and counts and logs the answer
/// without the query string (it may hold a token).
async fn guard(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let Some(path) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
    else {
        return ApiError::Internal("a route without a matched path".into()).into_response();
    };
    let Some(spec) = routes::lookup(&method, &path) else {
        if routes::ROUTES.iter().any(|r| r.path == path) {
            return axum::http::StatusCode::METHOD_NOT_ALLOWED.into_response();
        }
        return ApiError::Internal(format!("{method} {path} is not in the route table"))
            .into_response();
    };
    let token = auth::presented_token(request.headers(), request.uri().query());
    let principal = match auth::authorize(&state.tokens, spec.need, token) {
        Ok(p) => p,
        Err(e) => {
            metrics::count_request(&path, e.status().as_u16());
            refused::record(&state, &method, &path, request.uri().path(), token, &e);
            return e.into_response();
        }
    };
    let mut request = request;
    if let Some(p) = principal {
        request.extensions_mut().insert(p);
    }
    let response = next.run(request).await;
    metrics::count_request(&path, response.status().as_u16());
    tracing::debug!(%method, %path, status = response.status().as_u16());
    response
}
