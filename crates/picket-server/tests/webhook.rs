//! Alert webhooks over HTTPS: the receiver's certificate is checked against the configured CA,
//! the Authorization secret comes from the environment, and a failed delivery is retried.

use picket_server::outputs::Webhook;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

/// A one-thread HTTPS server: answers each request with the next status of `statuses` and
/// returns the requests it read.
fn https_server(
    cert: &rcgen::CertifiedKey<rcgen::KeyPair>,
    statuses: Vec<u16>,
) -> (u16, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from(cert.cert.der().to_vec())], key)
            .unwrap(),
    );
    let handle = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for status in statuses {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            let conn = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !String::from_utf8_lossy(&request).contains("}") {
                match tls.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let answer = format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\n\r\n");
            let _ = tls.write_all(answer.as_bytes());
            let _ = tls.flush();
            tls.conn.send_close_notify();
            let _ = tls.flush();
            requests.push(String::from_utf8_lossy(&request).into_owned());
        }
        requests
    });
    (port, handle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_posts_over_https_with_its_secret() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, cert.cert.pem()).unwrap();
    let (port, server) = https_server(&cert, vec![500, 200]);
    let url = format!("https://localhost:{port}/alerts?key=abc");
    let secret = Some("Bearer hook-secret".to_owned());
    let hook = Webhook::with_authorization(&url, Some(&ca), secret).unwrap();
    assert!(!hook.redacted().contains("abc") && !format!("{hook:?}").contains("hook-secret"));
    let err = hook.post(b"{\"alert\": 1}").await.unwrap_err();
    assert!(err.contains("500"), "{err}");
    hook.post(b"{\"alert\": 1}").await.unwrap();
    let requests = server.join().unwrap();
    assert!(
        requests[1].starts_with("POST /alerts?key=abc HTTP/1.1"),
        "{}",
        requests[1]
    );
    assert!(requests[1].contains("Authorization: Bearer hook-secret"));
    // A receiver whose certificate the CA file does not vouch for is refused.
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (port, _server) = https_server(&other, vec![200]);
    let url = format!("https://localhost:{port}/alerts");
    let err = Webhook::new(&url, Some(&ca), None)
        .unwrap()
        .post(b"{}")
        .await
        .unwrap_err();
    assert!(err.contains("TLS"), "{err}");
    assert!(Webhook::new("https://user:pw@localhost/x", Some(&ca), None).is_err());
    let unset = Webhook::new(&url, Some(&ca), Some("PICKET_TEST_SURELY_UNSET_VARIABLE"));
    assert!(
        unset
            .unwrap_err()
            .contains("PICKET_TEST_SURELY_UNSET_VARIABLE")
    );
}
