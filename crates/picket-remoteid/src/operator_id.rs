//! Operator ID message (type 5): the operator's registration number.
//!
//! ```text
//! byte  field
//!  0    message type = 5 (bits 7-4) | protocol version (3-0)
//!  1    OperatorIdType: 0 operator id, 1-200 reserved, 201-255 private
//!  2-21 OperatorId: 20 bytes ASCII, NUL-padded
//! 22-24 reserved
//! ```

use crate::codec::{Fields, Text};
use serde::Serialize;

/// A decoded Operator ID message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct OperatorId {
    /// Id type (0 = operator registration id).
    pub operator_id_type: u8,
    /// The operator id.
    pub operator_id: Text<20>,
}

impl OperatorId {
    #[inline]
    pub(crate) fn decode(m: &[u8; 25]) -> Self {
        let f = Fields(m);
        Self {
            operator_id_type: f.u8(1),
            operator_id: Text(f.array(2)),
        }
    }

    pub(crate) fn encode(&self, m: &mut [u8; 25]) {
        m[1] = self.operator_id_type;
        m[2..22].copy_from_slice(&self.operator_id.0);
    }
}
