//! Over real sockets: the WebSocket stream (header and subprotocol authentication, refusals,
//! snapshot then updates) and the API over TLS with a certificate made in the test.

mod common;

use common::{SITE, site, token};
use futures_util::StreamExt;
use picket_api::auth::Role;
use picket_api::{TlsConfig, serve};
use picket_core::{Class, TrackId};
use picket_live::Update;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

async fn start(state: picket_api::ApiState, tls: Option<TlsConfig>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, state, tls));
    addr
}

fn stream_request(
    addr: SocketAddr,
    header: Option<(&'static str, String)>,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let mut request = format!("ws://{addr}/api/v1/sites/{SITE}/stream")
        .into_client_request()
        .unwrap();
    if let Some((name, value)) = header {
        request.headers_mut().insert(name, value.parse().unwrap());
    }
    request
}

async fn next_json<S>(ws: &mut S) -> Value
where
    S: futures_util::Stream<Item = Result<Message, WsError>> + Unpin,
{
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next())
            .await
            .expect("a message within 5 s")
            .unwrap()
            .unwrap();
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_streams_a_snapshot_then_updates() {
    let t = site();
    let addr = start(t.state.clone(), None).await;
    let auth = ("authorization", format!("Bearer {}", token(Role::Viewer)));
    let (mut ws, _) = tokio_tungstenite::connect_async(stream_request(addr, Some(auth)))
        .await
        .unwrap();
    let first = next_json(&mut ws).await;
    assert_eq!(first["type"], "snapshot");
    assert_eq!(first["site"], SITE);
    assert_eq!(first["tracks"].as_array().unwrap().len(), 3);
    assert_eq!(first["alerts"].as_array().unwrap().len(), 2);

    t.live.publish(Update::Tracks {
        time: common::time(11.0),
        tracks: vec![common::track(9, Class::Drone, 11.0)],
        deleted: vec![TrackId(2)],
    });
    let update = next_json(&mut ws).await;
    assert_eq!(update["type"], "tracks");
    assert_eq!(update["tracks"][0]["id"], 9);
    assert_eq!(update["deleted"][0], 2);

    t.live.publish(Update::Alert(common::alert(9, 3, 11.0)));
    let alert = next_json(&mut ws).await;
    assert_eq!(
        (alert["type"].as_str(), alert["alert"].as_u64()),
        (Some("alert"), Some(9))
    );
    ws.close(None).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_authenticate_with_a_subprotocol_or_the_query() {
    let t = site();
    let addr = start(t.state.clone(), None).await;
    let offer = (
        "sec-websocket-protocol",
        format!("picket, token.{}", token(Role::Viewer)),
    );
    let (mut ws, response) = tokio_tungstenite::connect_async(stream_request(addr, Some(offer)))
        .await
        .unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], "picket");
    assert_eq!(next_json(&mut ws).await["type"], "snapshot");

    let url = format!(
        "ws://{addr}/api/v1/sites/{SITE}/stream?access_token={}",
        token(Role::Operator)
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "snapshot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_refuses_missing_bad_and_sensor_tokens() {
    let t = site();
    let addr = start(t.state.clone(), None).await;
    let cases = [
        (None, 401),
        (Some(("authorization", "Bearer pkt_wrong".to_owned())), 401),
        (
            Some(("authorization", format!("Bearer {}", token(Role::Sensor)))),
            403,
        ),
    ];
    for (header, expected) in cases {
        match tokio_tungstenite::connect_async(stream_request(addr, header)).await {
            Err(WsError::Http(response)) => assert_eq!(response.status().as_u16(), expected),
            other => panic!("expected HTTP {expected}, got {other:?}"),
        }
    }
}

async fn https_get(
    addr: SocketAddr,
    cert: &rcgen::CertifiedKey<rcgen::KeyPair>,
    path: &str,
    bearer: Option<&str>,
) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    let auth = bearer
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tls.read_to_end(&mut response).await.unwrap();
    String::from_utf8(response).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_serves_over_tls() {
    let t = site();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tls = TlsConfig {
        cert_path: dir.path().join("cert.pem"),
        key_path: dir.path().join("key.pem"),
    };
    std::fs::write(&tls.cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&tls.key_path, cert.signing_key.serialize_pem()).unwrap();
    let addr = start(t.state.clone(), Some(tls)).await;

    let health = https_get(addr, &cert, "/healthz", None).await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with("ok\n"));
    let refused = https_get(addr, &cert, "/api/v1/sites", None).await;
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    let sites = https_get(addr, &cert, "/api/v1/sites", Some(token(Role::Viewer))).await;
    assert!(
        sites.starts_with("HTTP/1.1 200") && sites.contains("\"id\":\"north\""),
        "{sites}"
    );

    // Plain HTTP to the TLS port gets no HTTP answer.
    let mut plain = TcpStream::connect(addr).await.unwrap();
    plain
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        plain.read_to_end(&mut buf),
    )
    .await;
    assert!(!buf.starts_with(b"HTTP/1.1 200"));
}

#[test]
fn missing_or_empty_pem_files_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let tls = TlsConfig {
        cert_path: dir.path().join("none.pem"),
        key_path: dir.path().join("none.key"),
    };
    assert!(tls.load().unwrap_err().to_string().contains("none.pem"));
    std::fs::write(&tls.cert_path, "not pem").unwrap();
    assert!(
        tls.load()
            .unwrap_err()
            .to_string()
            .contains("no certificate")
    );
}
