//! Turns parsed `.ast` definitions into Rust source for the static tables in `src/spec.rs`.
//! Sizes are checked here, so the runtime can trust that every fixed part is whole octets.

use crate::ast::{Category, Content, Expansion, Field, TextKind, Var};
use std::fmt::Write;

/// Bit size of a fixed variation, `None` for variable ones.
fn fixed_bits(v: &Var) -> Option<u32> {
    match v {
        Var::Element { bits, .. } => Some(u32::from(*bits)),
        Var::Group(fields) => fields.iter().map(|f| fixed_bits(&f.var)).sum(),
        _ => None,
    }
}

fn content(c: &Content) -> String {
    match c {
        Content::Raw => "Content::Raw".into(),
        Content::Spare => "Content::Spare".into(),
        Content::Table(entries) => {
            let mut s = String::from("Content::Table(&[");
            for (k, v) in entries {
                let _ = write!(s, "({k}, {v:?}),");
            }
            s + "])"
        }
        Content::Unsigned => "Content::Unsigned".into(),
        Content::Signed => "Content::Signed".into(),
        Content::Quantity { signed, lsb, unit } => {
            format!("Content::Quantity {{ signed: {signed}, lsb: {lsb:?}, unit: {unit:?} }}")
        }
        Content::Text(TextKind::Icao) => "Content::Text(TextKind::Icao)".into(),
        Content::Text(TextKind::Ascii) => "Content::Text(TextKind::Ascii)".into(),
        Content::Text(TextKind::Octal) => "Content::Text(TextKind::Octal)".into(),
        Content::Bds(n) => format!("Content::Bds({n:?})"),
        Content::Case {
            path,
            cases,
            default,
        } => {
            let mut s = format!("Content::Case {{ path: &{path:?}, cases: &[");
            for (k, c) in cases {
                let _ = write!(s, "({k}, {}),", content(c));
            }
            s + &format!("], default: &{} }}", content(default))
        }
    }
}

fn field(f: &Field, ctx: &str) -> Result<String, String> {
    Ok(format!(
        "Field {{ name: {:?}, title: {:?}, var: {} }}",
        f.name,
        f.title,
        var(&f.var, &format!("{ctx}/{}", f.name))?
    ))
}

fn fields(fs: &[Field], ctx: &str) -> Result<String, String> {
    let mut s = String::from("&[");
    for f in fs {
        s += &field(f, ctx)?;
        s.push(',');
    }
    Ok(s + "]")
}

fn optional_fields(fs: &[Option<Field>], ctx: &str) -> Result<String, String> {
    let mut s = String::from("&[");
    for f in fs {
        match f {
            Some(f) => s += &format!("Some({}),", field(f, ctx)?),
            None => s += "None,",
        }
    }
    Ok(s + "]")
}

fn extended(items: &[Option<Field>], ctx: &str) -> Result<String, String> {
    let mut s = String::from("Variation::Extended { parts: &[");
    let mut part: Vec<Field> = Vec::new();
    let close = |part: &mut Vec<Field>, fx: bool| -> Result<String, String> {
        let bits: u32 = part
            .iter()
            .map(|f| fixed_bits(&f.var).ok_or(format!("{ctx}: variable field in extended")))
            .sum::<Result<u32, String>>()?;
        if !(bits + u32::from(fx)).is_multiple_of(8) || bits == 0 {
            return Err(format!("{ctx}: extended part of {bits} bits (fx {fx})"));
        }
        let out = format!(
            "Part {{ bits: {bits}, fx: {fx}, fields: {} }},",
            fields(part, ctx)?
        );
        part.clear();
        Ok(out)
    };
    for it in items {
        match it {
            Some(f) => part.push(f.clone()),
            None => s += &close(&mut part, true)?,
        }
    }
    if !part.is_empty() {
        s += &close(&mut part, false)?;
    }
    Ok(s + "] }")
}

fn var(v: &Var, ctx: &str) -> Result<String, String> {
    Ok(match v {
        Var::Element { bits, content: c } => {
            if *bits == 0 || *bits > 64 {
                return Err(format!("{ctx}: element of {bits} bits"));
            }
            format!(
                "Variation::Element {{ bits: {bits}, content: {} }}",
                content(c)
            )
        }
        Var::Group(fs) => {
            let bits = fixed_bits(v).ok_or(format!("{ctx}: variable field in group"))?;
            format!(
                "Variation::Group {{ bits: {bits}, fields: {} }}",
                fields(fs, ctx)?
            )
        }
        Var::Extended(items) => extended(items, ctx)?,
        Var::Repetitive {
            counter,
            var: inner,
        } => {
            let counter = match counter {
                // The counter is read into a u64.
                Some(n) if (1..=8).contains(n) => format!("Counter::Bytes({n})"),
                Some(n) => return Err(format!("{ctx}: {n}-octet repetition counter")),
                None => {
                    // FX repetition: each element plus its FX bit fills whole octets.
                    let bits = fixed_bits(inner).ok_or(format!("{ctx}: variable fx repetition"))?;
                    if !(bits + 1).is_multiple_of(8) {
                        return Err(format!("{ctx}: fx repetition of {bits} bits"));
                    }
                    "Counter::Fx".into()
                }
            };
            if let Some(bits) = fixed_bits(inner)
                && counter != "Counter::Fx"
                && !bits.is_multiple_of(8)
            {
                return Err(format!("{ctx}: repeated element of {bits} bits"));
            }
            format!(
                "Variation::Repetitive {{ counter: {counter}, var: &{} }}",
                var(inner, ctx)?
            )
        }
        Var::Explicit(kind) => {
            let kind = match kind.as_deref() {
                None => "ExplicitKind::Plain",
                Some("re") => "ExplicitKind::ReservedExpansion",
                Some("sp") => "ExplicitKind::SpecialPurpose",
                Some(k) => return Err(format!("{ctx}: explicit {k}")),
            };
            format!("Variation::Explicit {{ kind: {kind} }}")
        }
        Var::Compound { fspec, items } => {
            for f in items.iter().flatten() {
                check_whole_octets(&f.var, &format!("{ctx}/{}", f.name))?;
            }
            format!(
                "Variation::Compound {{ fspec_bytes: {fspec:?}, fields: {} }}",
                optional_fields(items, ctx)?
            )
        }
    })
}

/// Items and compound sub-items start on an octet boundary, so fixed ones must be whole octets.
fn check_whole_octets(v: &Var, ctx: &str) -> Result<(), String> {
    match fixed_bits(v) {
        Some(b) if !b.is_multiple_of(8) => Err(format!("{ctx}: {b} bits is not whole octets")),
        _ => Ok(()),
    }
}

/// Rust name of a category's static.
pub fn static_name(prefix: &str, number: u8, edition: (u8, u8)) -> String {
    format!("{prefix}{number:03}_{}_{}", edition.0, edition.1)
}

pub fn category(c: &Category, expansion: Option<&str>) -> Result<String, String> {
    let ctx = format!("CAT{:03} {}.{}", c.number, c.edition.0, c.edition.1);
    let mut items = String::from("&[");
    for f in &c.items {
        check_whole_octets(&f.var, &format!("{ctx} {}", f.name))?;
        items += &field(f, &ctx)?;
        items.push(',');
    }
    items.push(']');
    let mut uap = String::from("&[");
    for slot in &c.uap {
        match slot {
            Some(name) => {
                let i = c
                    .items
                    .iter()
                    .position(|f| &f.name == name)
                    .ok_or(format!("{ctx}: UAP names unknown item {name}"))?;
                let _ = write!(uap, "Some({i}),");
            }
            None => uap += "None,",
        }
    }
    uap.push(']');
    Ok(format!(
        "/// CAT{:03} edition {}.{} ({}), generated from `specs/cat{:03}/cat-{}.{}.ast`.\n\
         pub static {}: CategoryDef = CategoryDef {{ category: {}, edition: Edition {{ major: {}, minor: {} }}, \
         title: {:?}, date: {:?}, items: {items}, uap: {uap}, expansion: {} }};\n",
        c.number,
        c.edition.0,
        c.edition.1,
        c.title,
        c.number,
        c.edition.0,
        c.edition.1,
        static_name("CAT", c.number, c.edition),
        c.number,
        c.edition.0,
        c.edition.1,
        c.title,
        c.date,
        expansion.map_or("None".to_string(), |e| format!("Some(&{e})")),
    ))
}

pub fn expansion(e: &Expansion) -> Result<String, String> {
    let ctx = format!("REF{:03} {}.{}", e.number, e.edition.0, e.edition.1);
    for f in e.items.iter().flatten() {
        check_whole_octets(&f.var, &format!("{ctx} {}", f.name))?;
    }
    Ok(format!(
        "/// CAT{:03} Reserved Expansion Field edition {}.{}, generated from `specs/cat{:03}/ref-{}.{}.ast`.\n\
         pub static {}: ExpansionDef = ExpansionDef {{ category: {}, edition: Edition {{ major: {}, minor: {} }}, \
         var: Variation::Compound {{ fspec_bytes: {:?}, fields: {} }} }};\n",
        e.number,
        e.edition.0,
        e.edition.1,
        e.number,
        e.edition.0,
        e.edition.1,
        static_name("REF", e.number, e.edition),
        e.number,
        e.edition.0,
        e.edition.1,
        e.fspec,
        optional_fields(&e.items, &ctx)?
    ))
}
