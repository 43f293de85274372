//! Edition detection for captures of unknown origin: which built-in editions of a category
//! decode a buffer cleanly. Framing errors rule an edition out; so do spare bits that are not
//! zero, which a wrong UAP typically produces long before framing breaks.

use crate::frame::Editions;
use crate::record::{Reader, Record};
use crate::spec::{self, Content, Edition};
use crate::walk::Visitor;

struct SpareCheck(bool);

impl Visitor for SpareCheck {
    fn leaf(&mut self, _: &'static str, content: &'static Content, _: u16, raw: u64) {
        if matches!(content, Content::Spare) && raw != 0 {
            self.0 = false;
        }
    }
}

impl Record<'_> {
    /// True when every spare bit in the record is zero, as the specification requires.
    pub fn spares_are_zero(&self) -> bool {
        let mut check = SpareCheck(true);
        self.visit(&mut check);
        check.0
    }
}

/// The editions of `category` (oldest first) under which every data block of that category in
/// `data` decodes without error and with all spare bits zero. Blocks of other categories are
/// decoded with the newest editions and must decode too.
pub fn plausible_editions(data: &[u8], category: u8) -> Vec<Edition> {
    spec::editions(category)
        .filter(|def| {
            let Ok(eds) = Editions::newest().with(category, def.edition) else {
                return false;
            };
            let mut reader = Reader::new(data, &eds);
            loop {
                match reader.next_record() {
                    Ok(Some(rec)) if rec.def.category != category || rec.spares_are_zero() => {}
                    Ok(None) => return true,
                    _ => return false,
                }
            }
        })
        .map(|def| def.edition)
        .collect()
}
