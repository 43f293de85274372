//! The rest of Mode S, from rs1090: Comm-B registers (DF 20/21, BDS 1,0 … 6,5 as rs1090
//! infers them) and the ADS-B messages picket does not read itself (TC 28, 29, 31, airspeed
//! velocity subtypes). Slower than [`crate::fields`] (deku reads bit by bit), so the decoder
//! calls it only when asked ([`crate::DecoderConfig::details`]).

use rs1090::decode::adsb::ME;
use rs1090::decode::{DF, Message};

/// rs1090's own JSON for the parts of the frame that [`crate::fields`] does not decode, or
/// `Ok(None)` when there is nothing more to say. `Err` carries rs1090's reason.
pub fn rs1090_details(bytes: &[u8]) -> Result<Option<serde_json::Value>, String> {
    let df = bytes.first().map_or(0, |b| b >> 3);
    // Only ask rs1090 for frames that have something we do not read ourselves.
    let wanted = match df {
        20 | 21 => true,
        17 | 18 => {
            let tc = bytes.get(4).map_or(0, |b| b >> 3);
            let subtype = bytes.get(4).map_or(0, |b| b & 7);
            matches!(tc, 28..=31) || (tc == 19 && matches!(subtype, 3 | 4))
        }
        _ => false,
    };
    if !wanted {
        return Ok(None);
    }
    let message = Message::try_from(bytes).map_err(|e| e.to_string())?;
    let value = match &message.df {
        DF::CommBAltitudeReply { bds, .. } => serde_json::to_value(bds),
        DF::CommBIdentityReply { bds, .. } => serde_json::to_value(bds),
        DF::ExtendedSquitterADSB(adsb) => me_json(&adsb.message),
        DF::ExtendedSquitterTisB { cf, .. } => me_json(&cf.me),
        _ => return Ok(None),
    };
    value.map(Some).map_err(|e| e.to_string())
}

fn me_json(me: &ME) -> serde_json::Result<serde_json::Value> {
    let mut value = serde_json::to_value(me)?;
    // rs1090 0.7 reads ME bit 36 (vertical-rate source) inverted; drop its reading so the
    // corrected `vertical_rate_source` of our own fields is the only one shown.
    if let Some(map) = value.as_object_mut() {
        map.remove("vrate_src");
    }
    Ok(value)
}
