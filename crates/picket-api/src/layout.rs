//! The site's sensor table as the console needs it: each sensor's id, name, kind, position
//! (site frame and latitude/longitude) and coverage.
//!
//! The server knows its sensors from the site file; when it has not put them on the
//! [`LiveSite`], the API reads the same file's `[[sensor]]` entries (the site text it is given
//! with [`crate::ApiState::with_guard_config`]). A sensor's id is its index among them, which
//! is how the server numbers them, so a track's `sensors` bits can be shown by name.
//!
//! Coverage comes from an optional `coverage = { range_m, boresight_deg, fov_deg }` in the
//! sensor's entry; without one, a nominal range for the kind ([`Coverage::nominal`]), marked
//! `source = "nominal"`.

use picket_core::{Enu, Geodetic, LocalFrame, SensorId, SensorKind};
use picket_live::{Coverage, LiveSite, SensorInfo};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct SiteText {
    #[serde(default)]
    sensor: Vec<toml::Value>,
}

#[derive(Deserialize)]
struct SensorEntry {
    name: String,
    kind: SensorKind,
    #[serde(default)]
    format: String,
    #[serde(default)]
    position: [f64; 3],
    #[serde(default)]
    coverage: Option<CoverageEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoverageEntry {
    range_m: f64,
    #[serde(default)]
    boresight_deg: Option<f64>,
    #[serde(default)]
    fov_deg: Option<f64>,
}

/// A configured coverage, or why it cannot be used.
fn coverage(c: &CoverageEntry) -> Result<Coverage, String> {
    if !(c.range_m.is_finite() && c.range_m > 0.0) {
        return Err(format!("range_m {} is not a positive distance", c.range_m));
    }
    let fov = match c.fov_deg {
        Some(f) if !(f.is_finite() && f > 0.0 && f <= 360.0) => {
            return Err(format!("fov_deg {f} is not in (0, 360]"));
        }
        Some(f) if f < 360.0 => Some(f),
        _ => None,
    };
    let boresight = match (c.boresight_deg, fov) {
        (Some(b), _) if !b.is_finite() => return Err(format!("boresight_deg {b} is not finite")),
        (Some(b), Some(_)) => Some(b.rem_euclid(360.0)),
        (None, Some(_)) => return Err("fov_deg needs a boresight_deg".into()),
        (_, None) => None,
    };
    Ok(Coverage {
        range_m: c.range_m,
        boresight_deg: boresight,
        fov_deg: fov,
        source: "configured",
    })
}

/// The `[[sensor]]` entries of a site file, numbered in file order. An entry that cannot be
/// read keeps its number (so later ids stay right) but is left out, with a warning.
pub fn from_site_text(text: &str) -> Vec<SensorInfo> {
    let Ok(site) = toml::from_str::<SiteText>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, value) in site.sensor.into_iter().enumerate() {
        let Ok(id) = u16::try_from(i) else { break };
        let entry: SensorEntry = match value.try_into() {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!("[[sensor]] #{i}: not shown on the map: {e}");
                continue;
            }
        };
        let configured = entry.coverage.as_ref().map(coverage).transpose();
        let coverage = configured.unwrap_or_else(|reason| {
            tracing::warn!("sensor {:?}: coverage ignored: {reason}", entry.name);
            None
        });
        let [x, y, z] = entry.position;
        out.push(SensorInfo {
            id: SensorId(id),
            coverage: coverage.or_else(|| Coverage::nominal(entry.kind)),
            name: entry.name,
            kind: entry.kind,
            format: entry.format,
            position: Enu::new(x, y, z),
        });
    }
    out
}

/// One sensor with its position also in latitude/longitude.
#[derive(Debug, Serialize)]
pub(crate) struct SensorPlace {
    #[serde(flatten)]
    info: SensorInfo,
    geodetic: Geodetic,
}

/// The site's sensor table with geodetic positions.
pub(crate) fn places(live: &LiveSite) -> Vec<SensorPlace> {
    let frame = LocalFrame::new(live.origin);
    live.sensor_layout()
        .iter()
        .map(|s| SensorPlace {
            geodetic: frame.to_geodetic(&s.position),
            info: s.clone(),
        })
        .collect()
}

/// Sensor names by id, for showing a track's sensor set.
#[derive(Debug, Clone, Default)]
pub(crate) struct SensorNames(Vec<Option<String>>);

impl SensorNames {
    pub(crate) fn of(live: &LiveSite) -> Self {
        let layout = live.sensor_layout();
        let mut names = vec![
            None;
            layout
                .iter()
                .map(|s| usize::from(s.id.0) + 1)
                .max()
                .unwrap_or(0)
        ];
        for s in layout.iter() {
            names[usize::from(s.id.0)] = Some(s.name.clone());
        }
        Self(names)
    }

    /// The names of the sensors in a set; an id without a name shows as `#id`.
    pub(crate) fn names(&self, set: picket_core::SensorSet) -> Vec<String> {
        set.iter()
            .map(|id| {
                self.0
                    .get(usize::from(id.0))
                    .and_then(Clone::clone)
                    .unwrap_or_else(|| format!("#{}", id.0))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[site]
id = "north"

[[sensor]]
name = "radar-1"
kind = "radar"
format = "asterix"
position = [100.0, -50.0, 12.0]

[[sensor]]
name = "bad"
kind = "sonar"

[[sensor]]
name = "cam-east"
kind = "camera"
format = "sapient"
position = [0.0, 0.0, 0.0]
coverage = { range_m = 1200.0, boresight_deg = 450.0, fov_deg = 40.0 }

[[sensor]]
name = "odd"
kind = "generic"
format = "jsondet"
coverage = { range_m = -5.0 }
"#;

    #[test]
    fn sensors_from_the_site_file_keep_their_index() {
        let s = from_site_text(TEXT);
        let names: Vec<_> = s.iter().map(|s| (s.id.0, s.name.as_str())).collect();
        assert_eq!(names, [(0, "radar-1"), (2, "cam-east"), (3, "odd")]);
        assert_eq!(s[0].position, Enu::new(100.0, -50.0, 12.0));
        let radar = s[0].coverage.unwrap();
        assert_eq!((radar.range_m, radar.source), (5000.0, "nominal"));
        let cam = s[1].coverage.unwrap();
        assert_eq!(cam.source, "configured");
        assert_eq!(cam.boresight_deg, Some(90.0));
        assert_eq!(cam.fov_deg, Some(40.0));
        // A nonsensical coverage is dropped; a generic sensor has no nominal one.
        assert!(s[2].coverage.is_none());
        assert!(from_site_text("not toml [").is_empty());
    }

    #[test]
    fn names_of_a_sensor_set() {
        let (live, _rx) = LiveSite::new("north", Geodetic::new(51.0, 0.0, 0.0), 4);
        live.set_sensor_layout(from_site_text(TEXT));
        let mut set = picket_core::SensorSet::default();
        set.insert(SensorId(0));
        set.insert(SensorId(1));
        set.insert(SensorId(2));
        let names = SensorNames::of(&live).names(set);
        assert_eq!(names, ["radar-1", "#1", "cam-east"]);
        let places = places(&live);
        assert!(places[0].geodetic.lat_deg < 51.0);
    }
}
