//! The BSI Flex 335 rules that the schema's `field_options` cannot express: value ranges and
//! fixed strings, each following a check in Dstl's test harness validators
//! (`CommonValidator.BeAValidScalar` for every 0-1 confidence, `RegistrationValidator` for the
//! ICD version and dependent node UUIDs, `ErrorValidator` for a non-empty error list).
//! `build.rs` lists which fields they apply to and calls these checks from both generated
//! validators (on decoded messages and on wire bytes), so the two cannot disagree.

use crate::v2_0::LocationCoordinateSystem as Cs;
use crate::validate::{Ctx, Rule};

/// The only `icd_version` a v2.0 registration may carry.
pub const ICD_VERSION_V2_0: &str = "BSI Flex 335 v2.0";

pub(crate) fn check_unit_interval(ctx: &mut Ctx, field: &'static str, v: Option<f32>) {
    if let Some(v) = v
        && !(0.0..=1.0).contains(&v)
    {
        ctx.error(Rule::ConfidenceRange, field);
    }
}

pub(crate) fn check_icd_version(ctx: &mut Ctx, v: Option<&str>) {
    // Blank or absent is reported as `Mandatory` by the schema rule.
    if let Some(v) = v
        && !v.trim().is_empty()
        && v != ICD_VERSION_V2_0
    {
        ctx.error(Rule::IcdVersion, "icd_version");
    }
}

/// Latitude/longitude ranges for geographic locations; SAPIENT puts longitude in `x` and
/// latitude in `y`. UTM and unspecified systems are not range-checked here.
pub(crate) fn check_lat_lon(ctx: &mut Ctx, cs: Option<i32>, x: Option<f64>, y: Option<f64>) {
    let (lat_max, lon_max) = match cs.map(Cs::try_from) {
        Some(Ok(Cs::LatLngDegM)) => (90.0, 180.0),
        Some(Ok(Cs::LatLngRadM)) => (std::f64::consts::FRAC_PI_2, std::f64::consts::PI),
        _ => return,
    };
    if y.is_some_and(|lat| !(-lat_max..=lat_max).contains(&lat)) {
        ctx.error(Rule::LatLonRange, "y");
    }
    if x.is_some_and(|lon| !(-lon_max..=lon_max).contains(&lon)) {
        ctx.error(Rule::LatLonRange, "x");
    }
}
