//! Self-ID message (type 3): free text the operator declares (purpose of the flight).
//!
//! ```text
//! byte  field
//!  0    message type = 3 (bits 7-4) | protocol version (3-0)
//!  1    DescType: 0 text, 1 emergency, 2 extended status, 201-255 private
//!  2-24 Desc: 23 bytes ASCII, NUL-padded
//! ```

use crate::codec::{Fields, Text};
use serde::Serialize;

/// A decoded Self-ID message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SelfId {
    /// Description type (0 text, 1 emergency, 2 extended status).
    pub desc_type: u8,
    /// The description.
    pub desc: Text<23>,
}

impl SelfId {
    #[inline]
    pub(crate) fn decode(m: &[u8; 25]) -> Self {
        let f = Fields(m);
        Self {
            desc_type: f.u8(1),
            desc: Text(f.array(2)),
        }
    }

    pub(crate) fn encode(&self, m: &mut [u8; 25]) {
        m[1] = self.desc_type;
        m[2..25].copy_from_slice(&self.desc.0);
    }
}
