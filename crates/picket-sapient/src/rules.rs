//! The BSI Flex 335 rules that the schema's `field_options` cannot express: value ranges and
//! fixed strings. Each follows a check in Dstl's test harness validators (e.g.
//! `CommonValidator.BeAValidScalar` for every 0-1 confidence, `RegistrationValidator` for the
//! ICD version).

use crate::v2_0 as pkg;
use crate::validate::{Ctx, ExtraRules, Rule, check_unit_interval, check_uuid};

/// The only `icd_version` a v2.0 registration may carry.
pub const ICD_VERSION_V2_0: &str = "BSI Flex 335 v2.0";

impl ExtraRules for pkg::SapientMessage {
    fn extra_rules(&self, _ctx: &mut Ctx) {
        // Everything on the envelope (timestamp, node_id, content) is marked in the schema.
    }
}

impl ExtraRules for pkg::DetectionReport {
    fn extra_rules(&self, ctx: &mut Ctx) {
        check_unit_interval(ctx, "detection_confidence", self.detection_confidence);
    }
}

impl ExtraRules for pkg::detection_report::DetectionReportClassification {
    fn extra_rules(&self, ctx: &mut Ctx) {
        check_unit_interval(ctx, "confidence", self.confidence);
    }
}

impl ExtraRules for pkg::detection_report::SubClass {
    fn extra_rules(&self, ctx: &mut Ctx) {
        check_unit_interval(ctx, "confidence", self.confidence);
    }
}

impl ExtraRules for pkg::detection_report::Behaviour {
    fn extra_rules(&self, ctx: &mut Ctx) {
        check_unit_interval(ctx, "confidence", self.confidence);
    }
}

impl ExtraRules for pkg::Alert {
    fn extra_rules(&self, ctx: &mut Ctx) {
        check_unit_interval(ctx, "ranking", self.ranking);
        check_unit_interval(ctx, "confidence", self.confidence);
    }
}

impl ExtraRules for pkg::Registration {
    fn extra_rules(&self, ctx: &mut Ctx) {
        if let Some(v) = &self.icd_version
            && !v.trim().is_empty()
            && v != ICD_VERSION_V2_0
        {
            ctx.error(Rule::IcdVersion, "icd_version");
        }
        // The harness checks every dependent node id as a UUID (`RegistrationValidator`),
        // though the schema does not mark the field `is_uuid`.
        for (i, node) in self.dependent_nodes.iter().enumerate() {
            ctx.enter_index("dependent_nodes", i);
            check_uuid(ctx, node);
            ctx.leave();
        }
    }
}

impl ExtraRules for pkg::Error {
    fn extra_rules(&self, ctx: &mut Ctx) {
        // The harness requires at least one non-empty error message (`ErrorValidator`); the
        // schema cannot mark a repeated string as mandatory-and-non-empty.
        if self.error_message.iter().all(|m| m.trim().is_empty()) {
            ctx.error(Rule::Mandatory, "error_message");
        }
        if self.packet.as_ref().is_some_and(|p| p.is_empty()) {
            ctx.error(Rule::Mandatory, "packet");
        }
    }
}

impl ExtraRules for pkg::Location {
    fn extra_rules(&self, ctx: &mut Ctx) {
        use pkg::LocationCoordinateSystem as Cs;
        let (lat_max, lon_max) = match self.coordinate_system.map(Cs::try_from) {
            Some(Ok(Cs::LatLngDegM)) => (90.0, 180.0),
            Some(Ok(Cs::LatLngRadM)) => (std::f64::consts::FRAC_PI_2, std::f64::consts::PI),
            _ => return,
        };
        // SAPIENT puts longitude in x and latitude in y.
        if self
            .y
            .is_some_and(|lat| !(-lat_max..=lat_max).contains(&lat))
        {
            ctx.error(Rule::LatLonRange, "y");
        }
        if self
            .x
            .is_some_and(|lon| !(-lon_max..=lon_max).contains(&lon))
        {
            ctx.error(Rule::LatLonRange, "x");
        }
    }
}
