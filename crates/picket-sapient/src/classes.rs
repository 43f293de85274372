//! SAPIENT classifications ↔ picket's four classes.
//!
//! SAPIENT's class names come from the BSI Flex 335 taxonomy (Dstl's harness lists them:
//! `Air Vehicle` with sub-classes `UAV Rotary Wing`, `UAV Fixed Wing`, `Manned Rotary Wing`,
//! `Manned Fixed Wing`, `UAS Control Station`; `Animal` with `Bird`, `Horse`, `Other`;
//! `Human`, `Land Vehicle`, `Sea Vessel`, `Fixed Object`, `Equipment`, `Unknown`). Sensors also
//! send free text, so matching is case-insensitive and on keywords.
//!
//! | SAPIENT class (sub-class)                       | picket class                     |
//! |-------------------------------------------------|----------------------------------|
//! | anything naming `UAV`, `UAS`, `drone`, `RPAS`   | drone                            |
//! | `Air Vehicle` (`Manned ...`), `aircraft`, `helicopter`, `plane` | aircraft         |
//! | `Air Vehicle` without a sub-class               | drone and aircraft, equally      |
//! | `Bird`, `Animal` (`Bird`)                       | bird                             |
//! | `Animal` without a sub-class                    | bird and other, equally          |
//! | `Unknown`                                       | no information (ignored)         |
//! | anything else (`Human`, `Land Vehicle`, ...)    | other                            |
//!
//! A sub-class's confidence, when given, replaces its parent's (it is the more specific
//! statement); a missing confidence counts as 1. Mass not claimed by any classification is
//! spread evenly over the classes no classification named, and the result is normalised.

use crate::v2_0::detection_report::{DetectionReportClassification, SubClass};
use picket_core::{Class, ClassProbs};

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_ascii_lowercase().contains(needle)
}

/// The picket classes a SAPIENT class name (with its sub-class, if any) stands for.
pub fn classes_for(class: &str, sub_class: Option<&str>) -> &'static [Class] {
    let name = sub_class.unwrap_or(class);
    let drone_words = ["uav", "uas", "drone", "rpas", "unmanned"];
    if drone_words.iter().any(|w| contains(name, w)) {
        return &[Class::Drone];
    }
    if ["manned", "aircraft", "helicopter", "plane", "jet"]
        .iter()
        .any(|w| contains(name, w))
    {
        return &[Class::Aircraft];
    }
    if contains(name, "bird") {
        return &[Class::Bird];
    }
    if contains(name, "air vehicle") {
        return &[Class::Drone, Class::Aircraft];
    }
    if contains(name, "animal") {
        return &[Class::Bird, Class::Other];
    }
    if name.trim().is_empty() || contains(name, "unknown") {
        return &[];
    }
    if sub_class.is_some() {
        // An unrecognised sub-class ("Other", "Horse"): fall back to its parent.
        return match classes_for(class, None) {
            [Class::Bird, Class::Other] => &[Class::Other],
            parent => parent,
        };
    }
    &[Class::Other]
}

/// Class probabilities from a detection's classifications; `None` when none of them says
/// anything about picket's classes (no classification, or only `Unknown`).
pub fn class_probs(classifications: &[DetectionReportClassification]) -> Option<ClassProbs> {
    let mut claimed = [None::<f64>; 4];
    let mut claim = |classes: &[Class], confidence: f64| {
        for c in classes {
            let share = confidence / classes.len() as f64;
            let slot = &mut claimed[c.index()];
            *slot = Some(slot.map_or(share, |s| s.max(share)));
        }
    };
    for cl in classifications {
        let confidence = f64::from(cl.confidence.unwrap_or(1.0)).clamp(0.0, 1.0);
        let class = cl.r#type.as_deref().unwrap_or("");
        if cl.sub_class.is_empty() {
            claim(classes_for(class, None), confidence);
        }
        for sub in &cl.sub_class {
            let sub_conf = sub
                .confidence
                .map_or(confidence, |c| f64::from(c).clamp(0.0, 1.0));
            claim(classes_for(class, sub.r#type.as_deref()), sub_conf);
        }
    }
    let named = claimed.iter().filter(|c| c.is_some()).count();
    if named == 0 {
        return None;
    }
    let total: f64 = claimed.iter().flatten().sum();
    let rest = (1.0 - total).max(0.0) / (4 - named).max(1) as f64;
    let probs = claimed.map(|c| c.unwrap_or(rest));
    Some(ClassProbs(probs).normalized())
}

/// SAPIENT classifications for picket's class probabilities: `Air Vehicle` carrying the
/// drone and aircraft mass with sub-classes `UAV Rotary Wing` and `Manned Fixed Wing`, and
/// `Animal`/`Bird`. "Other" has no SAPIENT class of its own: it is the mass the others leave,
/// which is how [`class_probs`] reads it back. Classes below `min_probability` are left out.
pub fn classifications(
    probs: &ClassProbs,
    min_probability: f64,
) -> Vec<DetectionReportClassification> {
    let p = |c: Class| probs.get(c);
    let sub = |name: &str, confidence: f64| SubClass {
        r#type: Some(name.to_owned()),
        confidence: Some(confidence as f32),
        level: Some(1),
        sub_class: Vec::new(),
    };
    let mut out = Vec::new();
    let air = p(Class::Drone) + p(Class::Aircraft);
    if air >= min_probability {
        let subs = [
            ("UAV Rotary Wing", Class::Drone),
            ("Manned Fixed Wing", Class::Aircraft),
        ];
        out.push(DetectionReportClassification {
            r#type: Some("Air Vehicle".to_owned()),
            confidence: Some(air as f32),
            sub_class: subs
                .into_iter()
                .filter(|(_, c)| p(*c) >= min_probability)
                .map(|(name, c)| sub(name, p(c)))
                .collect(),
        });
    }
    if p(Class::Bird) >= min_probability {
        out.push(DetectionReportClassification {
            r#type: Some("Animal".to_owned()),
            confidence: Some(p(Class::Bird) as f32),
            sub_class: vec![sub("Bird", p(Class::Bird))],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cl(class: &str, confidence: f32, subs: &[(&str, f32)]) -> DetectionReportClassification {
        DetectionReportClassification {
            r#type: Some(class.to_owned()),
            confidence: Some(confidence),
            sub_class: subs
                .iter()
                .map(|(t, c)| SubClass {
                    r#type: Some((*t).to_owned()),
                    confidence: Some(*c),
                    level: Some(1),
                    sub_class: vec![],
                })
                .collect(),
        }
    }

    #[test]
    fn taxonomy_names_map_to_classes() {
        assert_eq!(
            classes_for("Air Vehicle", Some("UAV Rotary Wing")),
            &[Class::Drone]
        );
        assert_eq!(
            classes_for("Air Vehicle", Some("Manned Fixed Wing")),
            &[Class::Aircraft]
        );
        assert_eq!(
            classes_for("Air Vehicle", None),
            &[Class::Drone, Class::Aircraft]
        );
        assert_eq!(classes_for("Animal", Some("Bird")), &[Class::Bird]);
        assert_eq!(classes_for("Animal", Some("Horse")), &[Class::Other]);
        assert_eq!(classes_for("Human", Some("Male")), &[Class::Other]);
        assert_eq!(classes_for("Unknown", None), &[] as &[Class]);
        assert_eq!(classes_for("drone", None), &[Class::Drone]);
    }

    #[test]
    fn probabilities_follow_confidences() {
        let p = class_probs(&[cl("Air Vehicle", 0.9, &[("UAV Rotary Wing", 0.8)])]).unwrap();
        assert_eq!(p.best().0, Class::Drone);
        assert!((p.get(Class::Drone) - 0.8).abs() < 1e-6);
        assert!((p.0.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(class_probs(&[cl("Unknown", 1.0, &[])]), None);
        assert_eq!(class_probs(&[]), None);
        let human = class_probs(&[cl("Human", 0.8, &[("Male", 0.6)])]).unwrap();
        assert_eq!(human.best().0, Class::Other);
    }

    #[test]
    fn encoding_round_trips_the_best_class() {
        for best in Class::ALL {
            let mut probs = ClassProbs([0.1; 4]);
            probs.set(best, 0.7);
            let back = class_probs(&classifications(&probs, 0.05)).unwrap();
            assert_eq!(back.best().0, best, "{probs:?} -> {back:?}");
        }
    }
}
