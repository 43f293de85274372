//! The offline basemap: map tiles served from an MBTiles file (SQLite, the MBTiles 1.3
//! layout: a `metadata` table of name/value rows and a `tiles` table keyed by zoom, column
//! and row).
//!
//! MBTiles numbers rows the TMS way, from the south; web maps ask for XYZ tiles, numbered from
//! the north, so row = 2^z − 1 − y. The file is named by the site's configuration
//! ([`crate::ApiState::with_basemap`]), never by a request: a request only chooses z/x/y,
//! which are checked to be numbers inside the zoom level before they reach the query.
//!
//! Without a basemap the console draws its own grid (range rings and bearings), so nothing
//! needs a tile server.

use crate::{ApiError, ApiState};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;
use std::path::{Path as FsPath, PathBuf};

/// What the console needs to know of a basemap (from the file's `metadata` table).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BasemapInfo {
    /// The tileset's name.
    pub name: Option<String>,
    /// Tile format: `png`, `jpg`, `webp` or `pbf` (vector tiles, which the console cannot
    /// draw: it keeps its grid).
    pub format: String,
    /// Lowest zoom level held.
    pub min_zoom: Option<u8>,
    /// Highest zoom level held.
    pub max_zoom: Option<u8>,
    /// West, south, east, north, degrees.
    pub bounds: Option<[f64; 4]>,
    /// Attribution text to show with the map (the tiles' licence usually requires it).
    pub attribution: Option<String>,
}

/// Why a basemap file cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("basemap {path}: {reason}")]
pub struct BasemapError {
    /// The file.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// An opened, checked MBTiles file.
#[derive(Debug, Clone)]
pub(crate) struct Basemap {
    pub path: PathBuf,
    pub info: BasemapInfo,
}

fn open(path: &FsPath) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

fn metadata(conn: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT value FROM metadata WHERE name = ?1",
        [name],
        |row| row.get(0),
    )
    .optional()
}

impl Basemap {
    /// Opens an MBTiles file read-only and reads its metadata; refuses a file that is not one.
    pub fn open(path: &FsPath) -> Result<Self, BasemapError> {
        let fail = |reason: String| BasemapError {
            path: path.display().to_string(),
            reason,
        };
        if !path.is_file() {
            return Err(fail("no such file".into()));
        }
        let conn = open(path).map_err(|e| fail(format!("cannot open it: {e}")))?;
        let get = |name| metadata(&conn, name).map_err(|e| fail(format!("no metadata table: {e}")));
        let format = get("format")?
            .unwrap_or_else(|| "png".into())
            .to_lowercase();
        // Checks the tiles table (or view) is there and has the MBTiles columns.
        conn.query_row(
            "SELECT zoom_level, tile_column, tile_row, length(tile_data) FROM tiles LIMIT 1",
            [],
            |_| Ok(()),
        )
        .optional()
        .map_err(|e| fail(format!("no tiles table: {e}")))?;
        let zoom = |name| get(name).map(|v| v.and_then(|v| v.trim().parse::<u8>().ok()));
        let bounds = get("bounds")?.and_then(|b| {
            let v: Vec<f64> = b.split(',').filter_map(|x| x.trim().parse().ok()).collect();
            <[f64; 4]>::try_from(v).ok()
        });
        let info = BasemapInfo {
            name: get("name")?,
            format,
            min_zoom: zoom("minzoom")?,
            max_zoom: zoom("maxzoom")?,
            bounds,
            attribution: get("attribution")?,
        };
        Ok(Self {
            path: path.to_path_buf(),
            info,
        })
    }
}

/// The Content-Type of a tile format.
pub fn content_type(format: &str) -> &'static str {
    match format {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "pbf" | "mvt" => "application/x-protobuf",
        _ => "application/octet-stream",
    }
}

/// XYZ tile address → MBTiles (zoom, column, TMS row), or `None` outside the zoom level.
pub fn tms_address(z: u8, x: u32, y: u32) -> Option<(u8, u32, u32)> {
    if z > 30 {
        return None;
    }
    let n = 1u32 << z;
    (x < n && y < n).then(|| (z, x, n - 1 - y))
}

fn number<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, ApiError> {
    s.parse()
        .map_err(|_| ApiError::BadRequest(format!("tile {what} {s:?} is not a number")))
}

/// `GET .../tiles/{z}/{x}/{y}` (the `y` may carry the format's extension, `12.png`).
pub(crate) async fn tile(
    State(state): State<ApiState>,
    Path((site, z, x, y)): Path<(String, String, String, String)>,
) -> Result<Response, ApiError> {
    let y = y.split_once('.').map_or(y.as_str(), |(n, _)| n);
    let (z, x, y) = (
        number::<u8>("z", &z)?,
        number::<u32>("x", &x)?,
        number::<u32>("y", y)?,
    );
    let basemap =
        state.site(&site)?.basemap.clone().ok_or_else(|| {
            ApiError::NotFound(format!("site {site:?} has no basemap configured"))
        })?;
    let missing = || ApiError::NotFound(format!("no tile {z}/{x}/{y}"));
    let (z, column, row) = tms_address(z, x, y).ok_or_else(missing)?;
    let path = basemap.path.clone();
    let data: Option<Vec<u8>> = tokio::task::spawn_blocking(move || {
        open(&path)?
            .query_row(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                (z, column, row),
                |r| r.get(0),
            )
            .optional()
    })
    .await
    .map_err(|e| ApiError::Internal(format!("tile task: {e}")))?
    .map_err(|e| ApiError::Internal(format!("basemap {}: {e}", basemap.path.display())))?;
    let data = data.ok_or_else(missing)?;
    // Vector tiles are usually stored gzipped; say so rather than hand over gzip as protobuf.
    let gzipped = data.starts_with(&[0x1f, 0x8b]);
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type(&basemap.info.format)),
            // Tiles do not change while the file is served; private: they came with a token.
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        data,
    )
        .into_response();
    if gzipped {
        response.headers_mut().insert(
            header::CONTENT_ENCODING,
            header::HeaderValue::from_static("gzip"),
        );
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xyz_to_tms_flips_rows_and_bounds_the_zoom_level() {
        assert_eq!(tms_address(0, 0, 0), Some((0, 0, 0)));
        assert_eq!(tms_address(1, 0, 0), Some((1, 0, 1)));
        assert_eq!(tms_address(1, 1, 1), Some((1, 1, 0)));
        assert_eq!(tms_address(3, 5, 2), Some((3, 5, 5)));
        assert_eq!(tms_address(1, 2, 0), None);
        assert_eq!(tms_address(1, 0, 2), None);
        assert_eq!(tms_address(31, 0, 0), None);
        assert_eq!(
            tms_address(30, (1 << 30) - 1, 0),
            Some((30, (1 << 30) - 1, (1 << 30) - 1))
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("png"), "image/png");
        assert_eq!(content_type("jpg"), "image/jpeg");
        assert_eq!(content_type("jpeg"), "image/jpeg");
        assert_eq!(content_type("pbf"), "application/x-protobuf");
        assert_eq!(content_type("tiff"), "application/octet-stream");
    }

    #[test]
    fn a_file_that_is_not_mbtiles_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.mbtiles");
        assert!(
            Basemap::open(&path)
                .unwrap_err()
                .reason
                .contains("no such file")
        );
        std::fs::write(&path, b"not sqlite at all, just text").unwrap();
        assert!(Basemap::open(&path).is_err());
        let conn = Connection::open(path.with_extension("db")).unwrap();
        conn.execute_batch("CREATE TABLE metadata (name TEXT, value TEXT);")
            .unwrap();
        drop(conn);
        let err = Basemap::open(&path.with_extension("db")).unwrap_err();
        assert!(err.reason.contains("no tiles table"), "{err}");
    }
}
