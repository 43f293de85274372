//! GeoJSON (RFC 7946) polygon input: zones drawn in a map tool, pasted into the site file.
//!
//! Only what a zone needs is read: a `Polygon` geometry, or a `Feature` whose geometry is one.
//! Positions are `[longitude, latitude]` (a third number, altitude, is ignored: floor and
//! ceiling come from the zone). The outer ring is closed (its last position repeats the first);
//! inner rings (holes) are refused rather than silently ignored, since a hole in a protected
//! zone changes what is protected.

use picket_core::{Geodetic, LocalFrame};
use serde_json::Value;

/// Turns GeoJSON text into polygon vertices `[x, y]` in the site frame, metres.
pub fn polygon_from_geojson(text: &str, frame: &LocalFrame) -> Result<Vec<[f64; 2]>, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("geojson is not valid JSON: {e}"))?;
    let geometry = match value.get("type").and_then(Value::as_str) {
        Some("Feature") => value
            .get("geometry")
            .ok_or("geojson Feature has no geometry")?,
        Some("Polygon") => &value,
        Some(other) => {
            return Err(format!(
                "geojson type {other:?} is not supported; use a Polygon or a Feature with one"
            ));
        }
        None => return Err("geojson has no \"type\"".into()),
    };
    if geometry.get("type").and_then(Value::as_str) != Some("Polygon") {
        return Err("geojson geometry must be a Polygon".into());
    }
    let rings = geometry
        .get("coordinates")
        .and_then(Value::as_array)
        .ok_or("geojson Polygon has no \"coordinates\" array")?;
    match rings.len() {
        0 => return Err("geojson Polygon has no ring".into()),
        1 => {}
        n => {
            return Err(format!(
                "geojson Polygon has {} holes; holes are not supported",
                n - 1
            ));
        }
    }
    let ring = rings[0].as_array().ok_or("geojson ring is not an array")?;
    let mut lonlat = ring
        .iter()
        .enumerate()
        .map(|(i, p)| position(i, p))
        .collect::<Result<Vec<_>, _>>()?;
    if lonlat.len() >= 2 && lonlat.first() == lonlat.last() {
        lonlat.pop();
    }
    let alt_m = frame.origin().alt_m;
    Ok(lonlat
        .into_iter()
        .map(|[lon, lat]| {
            let p = frame.to_enu(&Geodetic::new(lat, lon, alt_m));
            [p.x, p.y]
        })
        .collect())
}

fn position(i: usize, p: &Value) -> Result<[f64; 2], String> {
    let bad = || format!("geojson position {i} is not [longitude, latitude]");
    let a = p.as_array().ok_or_else(bad)?;
    if !(2..=3).contains(&a.len()) {
        return Err(bad());
    }
    let lon = a[0].as_f64().ok_or_else(bad)?;
    let lat = a[1].as_f64().ok_or_else(bad)?;
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(format!(
            "geojson position {i} [{lon}, {lat}] is outside longitude/latitude ranges"
        ));
    }
    Ok([lon, lat])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_around_origin() {
        let frame = LocalFrame::new(Geodetic::new(51.47, -0.4543, 25.0));
        // About 70 m either way of the origin: 0.001° of longitude at 51.47° N is ~69.4 m.
        let text = r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon",
            "coordinates":[[[-0.4553,51.4694],[-0.4533,51.4694],[-0.4533,51.4706],
            [-0.4553,51.4706],[-0.4553,51.4694]]]}}"#;
        let v = polygon_from_geojson(text, &frame).unwrap();
        assert_eq!(v.len(), 4, "closing position dropped");
        assert!((v[0][0] + 69.4).abs() < 0.5, "{:?}", v[0]);
        assert!((v[0][1] + 66.7).abs() < 0.5, "{:?}", v[0]);
        assert!((v[2][0] - 69.4).abs() < 0.5 && (v[2][1] - 66.7).abs() < 0.5);
    }

    #[test]
    fn refuses_what_it_cannot_represent() {
        let frame = LocalFrame::new(Geodetic::new(0.0, 0.0, 0.0));
        let cases = [
            ("{", "not valid JSON"),
            (r#"{"type":"Point","coordinates":[0,0]}"#, "not supported"),
            (
                r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0.1,0.1],[0.2,0.1],[0.2,0.2],[0.1,0.1]]]}"#,
                "holes",
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,"x"],[0,0]]]}"#,
                "position 2",
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[0,0],[200,0],[1,1],[0,0]]]}"#,
                "outside",
            ),
        ];
        for (text, want) in cases {
            let err = polygon_from_geojson(text, &frame).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
    }
}
