//! `picket serve --config SITE.toml [--config OTHER.toml ...]`: runs the sites (ingest, site
//! threads, evidence stores) until Ctrl-C. SIGHUP, or a change to a site file, reloads its
//! zones, rules and whitelist; a refused file leaves the last good configuration in force.
//! `[api] tls_cert`/`tls_key` (PEM files) make the API and console HTTPS only.

use anyhow::{Context, Result};
use picket_server::Server;
use picket_server::config::SiteConfig;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// Options of `picket serve`.
#[derive(clap::Args)]
pub struct Args {
    /// Site file (TOML); repeat for several sites in one process.
    #[arg(long = "config", value_name = "SITE.toml", required = true)]
    configs: Vec<PathBuf>,
}

/// Runs `picket serve`.
pub fn run(args: Args) -> Result<()> {
    let configs = args
        .configs
        .iter()
        .map(|p| SiteConfig::load(p).map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()?;
    let server = Server::start(configs).context("cannot start the server")?;
    for (site, sensor, addr) in server.listeners() {
        eprintln!("site {site}: sensor {sensor} listens on {addr}");
    }
    for s in server.sites() {
        eprintln!(
            "site {}: store {}",
            s.config.id(),
            s.config.server.storage.path.display()
        );
    }
    let api = server
        .sites()
        .iter()
        .find_map(|s| s.config.server.api.clone());
    match api {
        Some(api) => {
            let tls = match (api.tls_cert, api.tls_key) {
                (Some(cert_path), Some(key_path)) => Some(picket_api::tls::TlsConfig {
                    cert_path,
                    key_path,
                }),
                _ => None,
            };
            let scheme = if tls.is_some() { "https" } else { "http" };
            let addr = start_api(&server, api.bind, tls)?;
            eprintln!("API and console: {scheme}://{addr}/");
        }
        None => eprintln!("no [api] section: the HTTP API is off"),
    }
    eprintln!("picket serve: running; Ctrl-C stops, SIGHUP reloads zones/rules/whitelist");
    server.runtime().block_on(watch(&server, &args.configs));
    eprintln!("picket serve: stopping (draining queues, committing stores)");
    server.shutdown().context("shutdown")?;
    Ok(())
}

fn mtime(path: &PathBuf) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Waits for Ctrl-C; reloads on SIGHUP or when a site file changes.
async fn watch(server: &Server, files: &[PathBuf]) {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hup = signal(SignalKind::hangup()).ok();
    let mut seen: Vec<_> = files.iter().map(mtime).collect();
    let mut poll = tokio::time::interval(Duration::from_secs(2));
    loop {
        let hup_fired = async {
            match hup.as_mut() {
                Some(h) => h.recv().await,
                None => std::future::pending().await,
            }
        };
        let force = tokio::select! {
            _ = tokio::signal::ctrl_c() => return,
            _ = hup_fired => true,
            _ = poll.tick() => false,
        };
        for (i, (file, site)) in files.iter().zip(server.sites()).enumerate() {
            let now = mtime(file);
            if !force && now == seen[i] {
                continue;
            }
            seen[i] = now;
            reload(file, site).await;
        }
    }
}

async fn reload(file: &PathBuf, site: &picket_server::SiteHandle) {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            return eprintln!(
                "{}: cannot read it ({e}); the last good configuration stays",
                file.display()
            );
        }
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let command = picket_live::Command::Reload {
        config_toml: text,
        operator: "picket serve (file reload)".into(),
        reply: tx,
    };
    if site.live.commands().send(command).await.is_err() {
        return;
    }
    match rx.await {
        Ok(Ok(())) => eprintln!("{}: zones, rules and whitelist reloaded", file.display()),
        Ok(Err(e)) => eprintln!("{}: {e}", file.display()),
        Err(_) => {}
    }
}

/// Serves picket-api for every site of `server` on `bind` (on the server's runtime), over TLS
/// when `tls` names a certificate and key (loaded here, so a bad file stops the start);
/// returns the bound address. Tokens: each site's `[auth]` (tokens file and inline hashed
/// tokens).
pub fn start_api(
    server: &Server,
    bind: std::net::SocketAddr,
    tls: Option<picket_api::tls::TlsConfig>,
) -> Result<std::net::SocketAddr> {
    if let Some(t) = &tls {
        t.load().map_err(|e| anyhow::anyhow!("[api] TLS: {e}"))?;
    }
    let mut stored = Vec::new();
    let mut file = None;
    for s in server.sites() {
        let auth = &s.config.server.auth;
        if file.is_none() {
            file = auth.tokens_file.clone();
        }
        stored.extend(auth.token.iter().map(|t| picket_api::auth::StoredToken {
            name: t.name.clone(),
            role: t.role.clone(),
            sha256: t.sha256.clone(),
        }));
    }
    let tokens = picket_api::auth::TokenTable::load_all(file.as_deref(), &stored)
        .map_err(|e| anyhow::anyhow!("[auth]: {e}"))?;
    let mut state = picket_api::ApiState::new(server.registry(), tokens);
    for s in server.sites() {
        let id = s.config.id();
        state = state
            .with_store(id, &s.config.server.storage.path)
            .with_guard_config(id, s.config.text.clone())
            // Refused requests (wrong role, bad token) go to the site's audit trail.
            .with_audit(id, s.store.clone());
        if let Some(basemap) = &s.config.server.site.basemap {
            state = state
                .with_basemap(id, basemap)
                .map_err(|e| anyhow::anyhow!("[site] basemap {}: {e}", basemap.display()))?;
        }
        if let Some(injector) = server.injector(id) {
            state = state.with_detections(id, Detections(injector));
        }
    }
    let listener = server
        .runtime()
        .block_on(tokio::net::TcpListener::bind(bind))
        .with_context(|| format!("cannot listen on {bind} for the API"))?;
    let addr = listener.local_addr()?;
    server.runtime().spawn(async move {
        if let Err(e) = picket_api::serve(listener, state, tls).await {
            eprintln!("API stopped: {e}");
        }
    });
    Ok(addr)
}

/// JSON detections posted to the API go to the site's ingest, and what the API refuses is
/// counted in the sensor's health there too.
struct Detections(picket_server::Injector);

impl picket_api::DetectionSink for Detections {
    fn inject(&self, sensor: &str, bytes: Vec<u8>) -> Result<(), String> {
        self.0.inject(sensor, bytes)
    }

    fn refuse(&self, sensor: &str, reason: &'static str, detail: &str) {
        self.0.refuse(sensor, reason, detail);
    }
}
