//! The web console's static files, embedded from `web/dist` at build time (rust-embed reads
//! them from disk in debug builds). They are public: the console's login page must load before
//! anyone has typed a token, and the files hold no data. Until the console is built the folder
//! is empty and `/` serves a small placeholder page that says so.

use axum::body::Body;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct Console;

const PLACEHOLDER: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>picket</title></head>\
<body><h1>picket</h1><p>The web console is not built into this binary (web/dist was empty).</p>\
<p>The API is at <code>/api/v1</code> (token required); its description is at \
<code>/api/v1/openapi.json</code>.</p></body></html>";

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        "pbf" => "application/x-protobuf",
        _ => "application/octet-stream",
    }
}

/// True when a console build is embedded.
pub fn console_embedded() -> bool {
    Console::get("index.html").is_some()
}

fn html(body: Body) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// Fallback handler: a console file, `index.html` for client-side routes (paths without an
/// extension), or the placeholder when no console is embedded.
pub(crate) async fn serve_asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return crate::ApiError::NotFound(format!("no route {}", uri.path())).into_response();
    }
    let path = if path.is_empty() { "index.html" } else { path };
    if let Some(file) = Console::get(path) {
        let body = Body::from(file.data.into_owned());
        return ([(header::CONTENT_TYPE, content_type(path))], body).into_response();
    }
    let client_route = path == "index.html" || !path.contains('.');
    if !client_route {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    match Console::get("index.html") {
        Some(index) => html(Body::from(index.data.into_owned())),
        None => html(Body::from(PLACEHOLDER)),
    }
}
