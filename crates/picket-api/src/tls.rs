//! Serving the router, in the clear or over TLS (rustls with the ring provider).
//!
//! TLS is terminated here rather than by a proxy so a site needs nothing else; certificates
//! and keys are PEM files named in the configuration, loaded once at start.

use crate::{ApiState, router};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Where the certificate chain and private key are (PEM).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// The certificate chain, leaf first.
    pub cert_path: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key_path: PathBuf,
}

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file could not be read or holds nothing usable.
    #[error("{path}: {reason}")]
    Pem {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// rustls refused the certificate or key.
    #[error("TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

impl TlsConfig {
    /// Loads the files into a rustls server configuration (HTTP/1.1 and HTTP/2 by ALPN).
    pub fn load(&self) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let pem = |path: &PathBuf, reason: String| TlsError::Pem {
            path: path.display().to_string(),
            reason,
        };
        let certs = CertificateDer::pem_file_iter(&self.cert_path)
            .map_err(|e| pem(&self.cert_path, e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| pem(&self.cert_path, e.to_string()))?;
        if certs.is_empty() {
            return Err(pem(&self.cert_path, "no certificate in it".into()));
        }
        let key = PrivateKeyDer::from_pem_file(&self.key_path)
            .map_err(|e| pem(&self.key_path, e.to_string()))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(certs, key)?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Serves the API on `listener` until an accept fails.
pub async fn serve(
    listener: TcpListener,
    state: ApiState,
    tls: Option<TlsConfig>,
) -> Result<(), ServeError> {
    serve_with_shutdown(listener, state, tls, std::future::pending()).await
}

/// Why serving stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// TLS could not be set up.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The listener failed.
    #[error("listener: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves the API on `listener` until `shutdown` completes.
pub async fn serve_with_shutdown(
    listener: TcpListener,
    state: ApiState,
    tls: Option<TlsConfig>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let app = router(state);
    let Some(tls) = tls else {
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await?;
        return Ok(());
    };
    let acceptor = tokio_rustls::TlsAcceptor::from(tls.load()?);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, _peer) = tokio::select! {
            accepted = listener.accept() => accepted?,
            () = &mut shutdown => return Ok(()),
        };
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
            // A client that never finishes its handshake must not hold a task for ever.
            let tls =
                match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await {
                    Ok(Ok(tls)) => tls,
                    Ok(Err(e)) => return tracing::debug!("TLS handshake failed: {e}"),
                    Err(_) => return tracing::debug!("TLS handshake timed out"),
                };
            let io = hyper_util::rt::TokioIo::new(tls);
            let service = hyper_util::service::TowerToHyperService::new(app);
            let builder =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            if let Err(e) = builder.serve_connection_with_upgrades(io, service).await {
                tracing::debug!("connection ended: {e}");
            }
        });
    }
}
