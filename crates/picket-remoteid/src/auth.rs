//! Authentication message (type 2), sent as pages: page 0 carries the header and 17 bytes of
//! authentication data, pages 1-15 carry 23 bytes each (F3411-22a allows 16 pages, earlier
//! editions 5).
//!
//! ```text
//! byte  bits  field
//!  0    7-4   message type = 2 | 3-0 protocol version
//!  1    7-4   AuthType: 0 none, 1 UAS id signature, 2 operator id signature,
//!             3 message set signature, 4 network remote id, 5 specific method, 10-15 private
//!       3-0   DataPage: page number 0-15
//! page 0:
//!  2          LastPageIndex: number of the last page
//!  3          Length: total bytes of authentication data over all pages
//!  4-7        Timestamp: seconds since 2019-01-01T00:00:00Z
//!  8-24       AuthData: 17 bytes
//! pages 1-15:
//!  2-24       AuthData: 23 bytes
//! ```

use crate::codec::Fields;
use serde::Serialize;

/// Authentication data bytes in page 0.
pub const PAGE_ZERO_DATA_LEN: usize = 17;
/// Authentication data bytes in pages 1-15.
pub const PAGE_DATA_LEN: usize = 23;

/// One decoded Authentication page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Auth {
    /// Authentication method.
    pub auth_type: u8,
    /// Page number 0-15.
    pub data_page: u8,
    /// Index of the last page (page 0 only, else 0).
    pub last_page_index: u8,
    /// Total authentication data length over all pages, bytes (page 0 only, else 0).
    pub length: u8,
    /// Seconds since 2019-01-01T00:00:00Z (page 0 only, else 0).
    pub timestamp: u32,
    /// This page's data: 17 bytes on page 0, 23 on the others (the rest zero).
    #[serde(serialize_with = "crate::json::hex_bytes")]
    pub auth_data: [u8; PAGE_DATA_LEN],
}

impl Auth {
    #[inline]
    pub(crate) fn decode(m: &[u8; 25]) -> Self {
        let f = Fields(m);
        let data_page = f.u8(1) & 0x0f;
        let mut auth = Self {
            auth_type: f.u8(1) >> 4,
            data_page,
            ..Self::default()
        };
        if data_page == 0 {
            auth.last_page_index = f.u8(2);
            auth.length = f.u8(3);
            auth.timestamp = f.u32(4);
            auth.auth_data[..PAGE_ZERO_DATA_LEN].copy_from_slice(&m[8..25]);
        } else {
            auth.auth_data = f.array(2);
        }
        auth
    }

    pub(crate) fn encode(&self, m: &mut [u8; 25]) {
        m[1] = (self.auth_type << 4) | (self.data_page & 0x0f);
        if self.data_page == 0 {
            m[2] = self.last_page_index;
            m[3] = self.length;
            m[4..8].copy_from_slice(&self.timestamp.to_le_bytes());
            m[8..25].copy_from_slice(&self.auth_data[..PAGE_ZERO_DATA_LEN]);
        } else {
            m[2..25].copy_from_slice(&self.auth_data);
        }
    }

    /// This page's data bytes (17 on page 0, 23 on the others).
    pub fn data(&self) -> &[u8] {
        if self.data_page == 0 {
            &self.auth_data[..PAGE_ZERO_DATA_LEN]
        } else {
            &self.auth_data
        }
    }
}
