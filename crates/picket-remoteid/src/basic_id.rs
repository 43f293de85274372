//! Basic ID message (type 0): who the aircraft is.
//!
//! ```text
//! byte  bits  field
//!  0    7-4   message type = 0 | 3-0 protocol version
//!  1    7-4   IDType: 0 none, 1 serial number (ANSI/CTA-2063-A), 2 CAA registration,
//!             3 UTM assigned UUID, 4 specific session id (F3411-22a)
//!       3-0   UAType: 0 none, 1 aeroplane, 2 helicopter/multirotor, 3 gyroplane, 4 VTOL,
//!             5 ornithopter, 6 glider, 7 kite, 8 free balloon, 9 captive balloon,
//!             10 airship, 11 parachute, 12 rocket, 13 tethered, 14 ground obstacle, 15 other
//!  2-21       UASID: 20 bytes ASCII, NUL-padded
//! 22-24       reserved
//! ```

use crate::codec::{Fields, Text};
use serde::Serialize;

/// IDType value for a serial number.
pub const ID_TYPE_SERIAL_NUMBER: u8 = 1;
/// IDType value for a CAA-assigned registration id.
pub const ID_TYPE_CAA_REGISTRATION: u8 = 2;
/// IDType value for a UTM-assigned UUID.
pub const ID_TYPE_UTM_ASSIGNED: u8 = 3;
/// IDType value for a specific session id (F3411-22a).
pub const ID_TYPE_SPECIFIC_SESSION: u8 = 4;

/// A decoded Basic ID message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct BasicId {
    /// How `uas_id` is to be read (`ID_TYPE_*`).
    pub id_type: u8,
    /// Kind of aircraft (0 none, 2 helicopter or multirotor, ... 15 other).
    pub ua_type: u8,
    /// The id itself.
    pub uas_id: Text<20>,
}

impl BasicId {
    #[inline]
    pub(crate) fn decode(m: &[u8; 25]) -> Self {
        let f = Fields(m);
        Self {
            id_type: f.u8(1) >> 4,
            ua_type: f.u8(1) & 0x0f,
            uas_id: Text(f.array(2)),
        }
    }

    pub(crate) fn encode(&self, m: &mut [u8; 25]) {
        m[1] = (self.id_type << 4) | (self.ua_type & 0x0f);
        m[2..22].copy_from_slice(&self.uas_id.0);
    }
}
