//! Decoded records → [`picket_core::Report`]s.
//!
//! | category | measurement | time | identity | velocity |
//! |---|---|---|---|---|
//! | 048 monoradar | `Polar` from I048/040 (RHO, THETA), elevation from I048/090 FL; else Cartesian I048/042 | I048/140 | I048/220 Mode S address, else I048/161 track number | I048/200 (GSP, HDG) |
//! | 062 system track | `Geodetic` from I062/105 (height I062/130, else I062/136 FL); else Cartesian I062/100 | I062/070 | I062/380 ADR, else I062/040 track number | I062/185 VX/VY, I062/220 ROCD |
//! | 021 ADS-B | `Geodetic` from I021/131 (hi-res) or I021/130; height I021/140, else FL I021/145 | I021/073, else 071/077/030 | I021/080 | I021/160 (GS, TA), I021/157/155 vertical rate |
//! | 010 surface | `Polar` from I010/040, `Geodetic` from I010/041, else Cartesian I010/042 | I010/140 | I010/220, else I010/161 | I010/202 VX/VY, else I010/200 |
//! | 034, 065 | service messages: no report | | | |
//!
//! Times of day (seconds since midnight UTC) are placed on the UTC day that puts them nearest
//! to the receive time ([`resolve_time_of_day`]). Cartesian positions are offsets from the
//! radar (CAT048/010) or the SDPS reference point (CAT062): [`ReportContext::cartesian_origin`]
//! says where that origin sits in the site's ENU frame. Where a message carries no accuracy,
//! the defaults in [`Noise::default`] apply.

use crate::record::Record;
use picket_core::{
    Enu, Geodetic, Identity, Measurement, Report, ReportError, SensorId, Timestamp, Velocity,
};

const NM_M: f64 = 1852.0;
const FT_M: f64 = 0.3048;
const SECONDS_PER_DAY: f64 = 86_400.0;

/// 1-sigma noise figures used when a message carries no accuracy of its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    /// Radar range noise, m (default 70 m: an en-route SSR/PSR, 1/256 NM quantisation and
    /// typical ASTERIX CAT048 accuracy).
    pub range_m: f64,
    /// Radar azimuth noise, rad (default 0.08°).
    pub azimuth_rad: f64,
    /// Elevation noise when derived from a flight level, rad (default 0.01 rad); without a
    /// flight level the elevation is unknown and 0.35 rad (20°) is used.
    pub elevation_rad: f64,
    /// Horizontal noise of a system track or ADS-B position without an accuracy item, m
    /// (default 50 m).
    pub horizontal_m: f64,
    /// Vertical noise, m (default 30 m, about one flight level's rounding plus baro error).
    pub vertical_m: f64,
    /// Velocity noise per component, m/s (default 3 m/s).
    pub velocity_mps: f64,
    /// Surface movement radar (CAT010) range noise, m (default 7.5 m).
    pub surface_range_m: f64,
    /// Surface movement radar azimuth noise, rad (default 0.1°).
    pub surface_azimuth_rad: f64,
}

impl Default for Noise {
    fn default() -> Self {
        Self {
            range_m: 70.0,
            azimuth_rad: 0.08_f64.to_radians(),
            elevation_rad: 0.01,
            horizontal_m: 50.0,
            vertical_m: 30.0,
            velocity_mps: 3.0,
            surface_range_m: 7.5,
            surface_azimuth_rad: 0.1_f64.to_radians(),
        }
    }
}

/// What the caller knows that the message does not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReportContext {
    /// The sensor the bytes came from.
    pub sensor: SensorId,
    /// Receive time; resolves times of day and stamps `Report::received`.
    pub received: Timestamp,
    /// Site-ENU position of the origin of the message's Cartesian coordinates (the radar for
    /// CAT048/010, the system reference point for CAT062). Default: the site origin.
    pub cartesian_origin: Enu,
    /// Height of the radar above the site's reference, m, for elevation from flight level.
    pub sensor_height_m: f64,
    /// Noise defaults.
    pub noise: Noise,
}

impl ReportContext {
    /// A context with default noise, Cartesian origin at the site origin and sensor at height 0.
    pub fn new(sensor: SensorId, received: Timestamp) -> Self {
        Self {
            sensor,
            received,
            cartesian_origin: Enu::new(0.0, 0.0, 0.0),
            sensor_height_m: 0.0,
            noise: Noise::default(),
        }
    }
}

/// The full time for a time of day `tod_s` (seconds since midnight UTC): the candidate on the
/// reference's UTC day, the day before or the day after, whichever is nearest `reference`.
pub fn resolve_time_of_day(tod_s: f64, reference: Timestamp) -> Timestamp {
    let r = reference.as_secs();
    let midnight = (r / SECONDS_PER_DAY).floor() * SECONDS_PER_DAY;
    let best = [-SECONDS_PER_DAY, 0.0, SECONDS_PER_DAY]
        .into_iter()
        .map(|d| midnight + d + tod_s)
        .min_by(|a, b| (a - r).abs().total_cmp(&(b - r).abs()))
        .unwrap_or(r);
    Timestamp::from_secs(best).unwrap_or(reference)
}

/// A number at `path` in item `item` of the record.
fn num(rec: &Record<'_>, item: &str, path: &[&str]) -> Option<f64> {
    rec.item(item)?.get(path)?.as_f64()
}

fn code(rec: &Record<'_>, item: &str, path: &[&str]) -> Option<u64> {
    rec.item(item)?.get(path)?.as_u64()
}

/// The report a record carries: `Ok(None)` for service messages (CAT034, CAT065, ...) and
/// for target records without a position; `Err` when the numbers are unusable.
pub fn to_report(rec: &Record<'_>, ctx: &ReportContext) -> Result<Option<Report>, ReportError> {
    let report = match rec.def.category {
        48 => cat048(rec, ctx),
        62 => cat062(rec, ctx),
        21 => cat021(rec, ctx),
        10 => cat010(rec, ctx),
        _ => None,
    };
    if let Some(r) = &report {
        r.validate()?;
    }
    Ok(report)
}

fn base(ctx: &ReportContext, tod_s: Option<f64>, m: Measurement) -> Report {
    let time = tod_s.map_or(ctx.received, |t| resolve_time_of_day(t, ctx.received));
    let mut r = Report::new(ctx.sensor, time, m);
    r.received = ctx.received;
    r
}

/// Velocity from a ground speed and a course (clockwise from north).
fn polar_velocity(speed_mps: f64, course_deg: f64, vz: f64, sigma: f64) -> Velocity {
    let c = course_deg.to_radians();
    Velocity {
        vx: speed_mps * c.sin(),
        vy: speed_mps * c.cos(),
        vz,
        sigma_mps: sigma,
    }
}

fn cartesian(
    ctx: &ReportContext,
    x: f64,
    y: f64,
    z: f64,
    sigma_h: f64,
    sigma_v: f64,
) -> Measurement {
    let o = ctx.cartesian_origin;
    let (h, v) = (sigma_h * sigma_h, sigma_v * sigma_v);
    Measurement::Position {
        position: Enu::new(o.x + x, o.y + y, o.z + z),
        cov_m2: [[h, 0.0, 0.0], [0.0, h, 0.0], [0.0, 0.0, v]],
    }
}

/// Polar measurement with the elevation implied by a height above the sensor.
fn polar(
    ctx: &ReportContext,
    range_m: f64,
    az_deg: f64,
    height_m: Option<f64>,
    sigma_r: f64,
    sigma_az: f64,
) -> Measurement {
    let (el_rad, sigma_el_rad) = match height_m {
        Some(h) if range_m > 0.0 => (
            ((h - ctx.sensor_height_m) / range_m)
                .clamp(-1.0, 1.0)
                .asin(),
            ctx.noise.elevation_rad,
        ),
        _ => (0.0, 0.35),
    };
    Measurement::Polar {
        range_m,
        az_rad: az_deg.to_radians(),
        el_rad,
        sigma_range_m: sigma_r,
        sigma_az_rad: sigma_az,
        sigma_el_rad,
    }
}

fn cat048(rec: &Record<'_>, ctx: &ReportContext) -> Option<Report> {
    let n = &ctx.noise;
    let height = num(rec, "090", &["FL"]).map(|fl| fl * 100.0 * FT_M);
    let m = if let (Some(rho), Some(theta)) =
        (num(rec, "040", &["RHO"]), num(rec, "040", &["THETA"]))
    {
        polar(ctx, rho * NM_M, theta, height, n.range_m, n.azimuth_rad)
    } else {
        let x = num(rec, "042", &["X"])? * NM_M;
        let y = num(rec, "042", &["Y"])? * NM_M;
        let sigma = n.range_m.max(n.azimuth_rad * x.hypot(y));
        cartesian(ctx, x, y, height.unwrap_or(0.0), sigma, n.vertical_m)
    };
    let mut r = base(ctx, num(rec, "140", &[]), m);
    r.identity = code(rec, "220", &[])
        .map(|a| Identity::Icao(a as u32))
        .or_else(|| code(rec, "161", &["TRN"]).map(|t| Identity::SensorObject(t.to_string())));
    if let (Some(gsp), Some(hdg)) = (num(rec, "200", &["GSP"]), num(rec, "200", &["HDG"])) {
        r.velocity = Some(polar_velocity(gsp * NM_M, hdg, 0.0, n.velocity_mps));
    }
    Some(r)
}

fn cat062(rec: &Record<'_>, ctx: &ReportContext) -> Option<Report> {
    let n = &ctx.noise;
    let height = num(rec, "130", &[])
        .map(|ft| ft * FT_M)
        .or_else(|| num(rec, "136", &[]).map(|fl| fl * 100.0 * FT_M));
    // I062/500 APC gives the position accuracy when the SDPS sends it.
    let sigma_h = match (
        num(rec, "500", &["APC", "X"]),
        num(rec, "500", &["APC", "Y"]),
    ) {
        (Some(x), Some(y)) if x > 0.0 && y > 0.0 => x.max(y),
        _ => n.horizontal_m,
    };
    let m = if let (Some(lat), Some(lon)) = (num(rec, "105", &["LAT"]), num(rec, "105", &["LON"])) {
        Measurement::Geodetic {
            position: Geodetic::new(lat, lon, height.unwrap_or(0.0)),
            sigma_h_m: sigma_h,
            sigma_v_m: n.vertical_m,
        }
    } else {
        let x = num(rec, "100", &["X"])?;
        let y = num(rec, "100", &["Y"])?;
        cartesian(ctx, x, y, height.unwrap_or(0.0), sigma_h, n.vertical_m)
    };
    let mut r = base(ctx, num(rec, "070", &[]), m);
    r.identity = code(rec, "380", &["ADR"])
        .map(|a| Identity::Icao(a as u32))
        .or_else(|| code(rec, "040", &[]).map(|t| Identity::SensorObject(t.to_string())));
    if let (Some(vx), Some(vy)) = (num(rec, "185", &["VX"]), num(rec, "185", &["VY"])) {
        let vz = num(rec, "220", &[]).map_or(0.0, |fpm| fpm * FT_M / 60.0);
        r.velocity = Some(Velocity {
            vx,
            vy,
            vz,
            sigma_mps: n.velocity_mps,
        });
    }
    Some(r)
}

fn cat021(rec: &Record<'_>, ctx: &ReportContext) -> Option<Report> {
    let n = &ctx.noise;
    let (lat, lon) = match (num(rec, "131", &["LAT"]), num(rec, "131", &["LON"])) {
        (Some(lat), Some(lon)) => (lat, lon),
        _ => (num(rec, "130", &["LAT"])?, num(rec, "130", &["LON"])?),
    };
    let height = num(rec, "140", &[])
        .map(|ft| ft * FT_M)
        .or_else(|| num(rec, "145", &[]).map(|fl| fl * 100.0 * FT_M));
    let m = Measurement::Geodetic {
        position: Geodetic::new(lat, lon, height.unwrap_or(0.0)),
        sigma_h_m: nacp_sigma_m(code(rec, "090", &["NACP"])).unwrap_or(n.horizontal_m),
        sigma_v_m: n.vertical_m,
    };
    let tod = ["073", "071", "077", "075", "030"]
        .iter()
        .find_map(|i| num(rec, i, &[]));
    let mut r = base(ctx, tod, m);
    r.identity = code(rec, "080", &[]).map(|a| Identity::Icao(a as u32));
    if let (Some(gs), Some(ta)) = (num(rec, "160", &["GS"]), num(rec, "160", &["TA"])) {
        let vz = num(rec, "157", &["GVR"])
            .or_else(|| num(rec, "155", &["BVR"]))
            .map_or(0.0, |fpm| fpm * FT_M / 60.0);
        r.velocity = Some(polar_velocity(gs * NM_M, ta, vz, n.velocity_mps));
    }
    Some(r)
}

/// 1-sigma horizontal error from the ADS-B NACp (DO-260B EPU 95 % bounds, halved).
fn nacp_sigma_m(nacp: Option<u64>) -> Option<f64> {
    const EPU_M: [f64; 12] = [
        f64::NAN,
        18_520.0,
        7_408.0,
        3_704.0,
        1_852.0,
        926.0,
        555.6,
        185.2,
        92.6,
        30.0,
        10.0,
        3.0,
    ];
    let epu = *EPU_M.get(usize::try_from(nacp?).ok()?)?;
    epu.is_finite().then_some(epu / 2.0)
}

fn cat010(rec: &Record<'_>, ctx: &ReportContext) -> Option<Report> {
    let n = &ctx.noise;
    let height = num(rec, "091", &[]).map(|ft| ft * FT_M);
    let dev = match (num(rec, "500", &["DEVX"]), num(rec, "500", &["DEVY"])) {
        (Some(x), Some(y)) if x > 0.0 && y > 0.0 => Some(x.max(y)),
        _ => None,
    };
    let m = if let (Some(rho), Some(th)) = (num(rec, "040", &["RHO"]), num(rec, "040", &["TH"])) {
        polar(
            ctx,
            rho,
            th,
            height,
            n.surface_range_m,
            n.surface_azimuth_rad,
        )
    } else if let (Some(lat), Some(lon)) = (num(rec, "041", &["LAT"]), num(rec, "041", &["LON"])) {
        Measurement::Geodetic {
            position: Geodetic::new(lat, lon, height.unwrap_or(0.0)),
            sigma_h_m: dev.unwrap_or(n.surface_range_m),
            sigma_v_m: n.vertical_m,
        }
    } else {
        let x = num(rec, "042", &["X"])?;
        let y = num(rec, "042", &["Y"])?;
        cartesian(
            ctx,
            x,
            y,
            height.unwrap_or(0.0),
            dev.unwrap_or(n.surface_range_m),
            n.vertical_m,
        )
    };
    let mut r = base(ctx, num(rec, "140", &[]), m);
    r.identity = code(rec, "220", &[])
        .map(|a| Identity::Icao(a as u32))
        .or_else(|| code(rec, "161", &["TRK"]).map(|t| Identity::SensorObject(t.to_string())));
    r.velocity = match (num(rec, "202", &["VX"]), num(rec, "202", &["VY"])) {
        (Some(vx), Some(vy)) => Some(Velocity {
            vx,
            vy,
            vz: 0.0,
            sigma_mps: n.velocity_mps,
        }),
        _ => match (num(rec, "200", &["GSP"]), num(rec, "200", &["TRA"])) {
            (Some(gs), Some(tra)) => Some(polar_velocity(gs * NM_M, tra, 0.0, n.velocity_mps)),
            _ => None,
        },
    };
    Some(r)
}
