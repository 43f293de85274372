//! The JSON view of decoded records, for `picket decode --json`:
//!
//! ```json
//! {"category":48,"edition":"1.32","block":0,"record":0,
//!  "items":{"010":{"SAC":25,"SIC":201},"040":{"RHO":197.68,"THETA":340.13},"140":27354.6}}
//! ```
//!
//! Item numbers and sub-item names are the specification's; quantities are scaled into the
//! specification's units; tables, integers and raw fields are integers; strings (callsigns,
//! octal Mode 3/A codes such as `"7000"`) are strings; BDS registers and explicit items are
//! hex strings; repetitive items are arrays; spare bits are left out. An item that is a single
//! element is the value itself (`"140": 27354.6`).

use crate::record::{Item, Record};
use crate::spec::{Content, Variation};
use crate::value::Value;
use crate::walk::{self, Visitor};
use serde_json::{Map, Value as Json, json};

/// The JSON object for one record (see the module documentation for the shape).
pub fn record_json(record: &Record<'_>) -> Json {
    let mut items = Map::new();
    for item in record.items() {
        items.insert(item.def.name.to_string(), item_json(&item, record));
    }
    json!({
        "category": record.def.category,
        "edition": record.def.edition.to_string(),
        "block": record.block,
        "record": record.index,
        "items": Json::Object(items),
    })
}

/// The JSON value of one item.
pub fn item_json(item: &Item<'_>, record: &Record<'_>) -> Json {
    let mut b = Builder {
        stack: Vec::new(),
        root: None,
        expansion: record.def.expansion.map(|e| &e.var),
    };
    item.visit(&mut b);
    b.root.unwrap_or(Json::Null)
}

struct Builder {
    stack: Vec<(&'static str, Json)>,
    root: Option<Json>,
    expansion: Option<&'static Variation>,
}

impl Builder {
    fn put(&mut self, name: &'static str, v: Json) {
        match self.stack.last_mut() {
            Some((_, Json::Array(a))) => a.push(v),
            Some((_, Json::Object(m))) => {
                m.insert(name.to_string(), v);
            }
            _ => self.root = Some(v),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// JSON for an element value.
pub fn leaf_json(content: &'static Content, bits: u16, raw: u64) -> Json {
    if let Content::Bds(_) = content {
        let digits = usize::from(bits).div_ceil(4);
        return Json::String(format!("{raw:0digits$x}"));
    }
    match Value::new(content, bits, raw) {
        Value::Raw(v) | Value::Table(v, _) | Value::Unsigned(v) | Value::Spare(v) => json!(v),
        Value::Signed(v) => json!(v),
        Value::Quantity(v, _) => json!(v),
        Value::Text(t) => json!(t.as_str()),
    }
}

impl Visitor for Builder {
    fn leaf(&mut self, name: &'static str, content: &'static Content, bits: u16, raw: u64) {
        if !matches!(content, Content::Spare) {
            self.put(name, leaf_json(content, bits, raw));
        }
    }

    fn open(&mut self, name: &'static str, var: &'static Variation) {
        let container = match var {
            Variation::Repetitive { .. } => Json::Array(Vec::new()),
            _ => Json::Object(Map::new()),
        };
        self.stack.push((name, container));
    }

    fn close(&mut self) {
        if let Some((name, v)) = self.stack.pop() {
            self.put(name, v);
        }
    }

    fn explicit(&mut self, name: &'static str, bytes: &[u8]) {
        // The Reserved Expansion Field is decoded with the category's REF definition when it
        // frames exactly; anything else (or a mismatch) stays hex.
        if name == "RE"
            && let Some(var) = self.expansion
            && crate::frame::var_len(var, "RE", bytes, 0).ok() == Some(bytes.len())
        {
            let mut inner = Builder {
                stack: Vec::new(),
                root: None,
                expansion: None,
            };
            walk::walk(var, name, bytes, &mut inner);
            if let Some(v) = inner.root {
                self.put(name, v);
                return;
            }
        }
        self.put(name, Json::String(hex(bytes)));
    }
}
