//! Parser for the asterix-specs `.ast` text format (zoranbosnjak/asterix-specs).
//!
//! The format is indentation-structured (4 spaces per level). A category file reads
//!
//! ```text
//! asterix 048 "Monoradar Target Reports"
//! edition 1.32
//! date 2024-07-01
//! preamble
//!     ...free text...
//! items
//!     010 "Data Source Identifier"
//!         definition
//!             ...free text...
//!         group
//!             SAC "System Area Code"
//!                 element 8
//!                     raw
//!             ...
//! uap
//!     010
//!     -
//! ```
//!
//! and a Reserved Expansion file starts with `ref 048 "..."` and holds one `compound N`.
//! Variations: `element N` + content, `group`, `extended` (`-` marks an FX bit), `repetitive N|fx`,
//! `explicit [re|sp]`, `compound [N]` (`-` marks an unused slot). Contents: `raw`, `table`,
//! `string icao|ascii|octal`, `(un)signed integer|quantity LSB "unit" [constraints]`, `bds [N]`
//! and `case PATH` with `N:` / `default:` branches. Free-text blocks (`definition`, `description`,
//! `remark`, `preamble`) are skipped.

use std::fmt;

/// A line of the file with its children (the following lines indented deeper).
#[derive(Debug)]
pub struct Node {
    pub text: String,
    pub line: usize,
    pub children: Vec<Node>,
}

#[derive(Debug)]
pub struct ParseError {
    pub line: usize,
    pub msg: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.msg)
    }
}

type R<T> = Result<T, ParseError>;

fn err<T>(line: usize, msg: impl Into<String>) -> R<T> {
    Err(ParseError {
        line,
        msg: msg.into(),
    })
}

/// Builds the indentation tree. Blank lines are ignored.
pub fn tree(src: &str) -> Vec<Node> {
    let lines: Vec<(usize, usize, &str)> = src
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.len() - l.trim_start().len(), l.trim()))
        .collect();
    let mut pos = 0;
    build(&lines, &mut pos, 0)
}

fn build(lines: &[(usize, usize, &str)], pos: &mut usize, indent: usize) -> Vec<Node> {
    let mut out = Vec::new();
    while let Some(&(line, ind, text)) = lines.get(*pos) {
        if ind < indent {
            break;
        }
        *pos += 1;
        let children = match lines.get(*pos) {
            Some(&(_, next, _)) if next > ind => build(lines, pos, next),
            _ => Vec::new(),
        };
        out.push(Node {
            text: text.to_string(),
            line,
            children,
        });
    }
    out
}

#[derive(Debug, Clone)]
pub enum TextKind {
    Icao,
    Ascii,
    Octal,
}

#[derive(Debug, Clone)]
pub enum Content {
    Raw,
    Spare,
    Table(Vec<(u64, String)>),
    Unsigned,
    Signed,
    Quantity {
        signed: bool,
        lsb: f64,
        unit: String,
    },
    Text(TextKind),
    Bds(Option<u8>),
    Case {
        path: Vec<String>,
        cases: Vec<(u64, Content)>,
        default: Box<Content>,
    },
}

#[derive(Debug, Clone)]
pub enum Var {
    Element {
        bits: u16,
        content: Content,
    },
    Group(Vec<Field>),
    /// `None` is an FX bit.
    Extended(Vec<Option<Field>>),
    /// `None` counter: FX-terminated repetition.
    Repetitive {
        counter: Option<u8>,
        var: Box<Var>,
    },
    Explicit(Option<String>),
    Compound {
        fspec: Option<u8>,
        items: Vec<Option<Field>>,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub title: String,
    pub var: Var,
}

#[derive(Debug)]
pub struct Category {
    pub number: u8,
    pub edition: (u8, u8),
    pub title: String,
    pub date: String,
    pub items: Vec<Field>,
    pub uap: Vec<Option<String>>,
}

#[derive(Debug)]
pub struct Expansion {
    pub number: u8,
    pub edition: (u8, u8),
    pub fspec: Option<u8>,
    pub items: Vec<Option<Field>>,
}

pub enum SpecFile {
    Category(Category),
    Expansion(Expansion),
}

const TEXT_BLOCKS: [&str; 4] = ["definition", "description", "remark", "preamble"];

/// Splits `NAME "title"` into its parts.
fn name_title(node: &Node) -> R<(String, String)> {
    let t = &node.text;
    match t.find(' ') {
        Some(i) => {
            let title = t[i + 1..].trim();
            let title = title
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .ok_or_else(|| ParseError {
                    line: node.line,
                    msg: format!("expected quoted title in {t:?}"),
                })?;
            Ok((t[..i].to_string(), title.to_string()))
        }
        None => Ok((t.clone(), String::new())),
    }
}

fn parse_edition(line: usize, s: &str) -> R<(u8, u8)> {
    let (a, b) = s.split_once('.').ok_or(ParseError {
        line,
        msg: format!("bad edition {s:?}"),
    })?;
    match (a.parse(), b.parse()) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        _ => err(line, format!("bad edition {s:?}")),
    }
}

/// Parses one whole file.
pub fn parse_file(src: &str) -> R<SpecFile> {
    let nodes = tree(src);
    let head = nodes.first().ok_or(ParseError {
        line: 0,
        msg: "empty file".into(),
    })?;
    let mut words = head.text.splitn(3, ' ');
    let kind = words.next().unwrap_or_default();
    let number: u8 = words
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or(ParseError {
            line: head.line,
            msg: "bad category number".into(),
        })?;
    let title = words.next().unwrap_or("").trim_matches('"').to_string();
    let mut edition = None;
    let mut date = String::new();
    let mut items = Vec::new();
    let mut uap = Vec::new();
    let mut expansion = None;
    for n in &nodes[1..] {
        let (key, rest) = n.text.split_once(' ').unwrap_or((&n.text, ""));
        match key {
            "edition" => edition = Some(parse_edition(n.line, rest)?),
            "date" => date = rest.to_string(),
            "preamble" => {}
            "items" => {
                for c in &n.children {
                    items.push(parse_field(c)?);
                }
            }
            "uap" => {
                for c in &n.children {
                    uap.push((c.text != "-").then(|| c.text.clone()));
                }
            }
            "compound" => expansion = Some(parse_var(n)?),
            _ => return err(n.line, format!("unexpected top-level {key:?}")),
        }
    }
    let edition = edition.ok_or(ParseError {
        line: 0,
        msg: "no edition".into(),
    })?;
    match (kind, expansion) {
        ("asterix", None) => Ok(SpecFile::Category(Category {
            number,
            edition,
            title,
            date,
            items,
            uap,
        })),
        ("ref", Some(Var::Compound { fspec, items })) => Ok(SpecFile::Expansion(Expansion {
            number,
            edition,
            fspec,
            items,
        })),
        _ => err(head.line, "unsupported file kind"),
    }
}

/// `NAME "title"` with a variation among its children, or `spare N`.
fn parse_field(node: &Node) -> R<Field> {
    if let Some(bits) = node.text.strip_prefix("spare ") {
        let bits = bits.trim().parse().map_err(|_| ParseError {
            line: node.line,
            msg: "bad spare size".into(),
        })?;
        return Ok(Field {
            name: String::new(),
            title: String::new(),
            var: Var::Element {
                bits,
                content: Content::Spare,
            },
        });
    }
    let (name, title) = name_title(node)?;
    let mut vars = node
        .children
        .iter()
        .filter(|c| !TEXT_BLOCKS.contains(&c.text.as_str()));
    let v = vars.next().ok_or(ParseError {
        line: node.line,
        msg: format!("{name}: no variation"),
    })?;
    if let Some(extra) = vars.next() {
        return err(extra.line, format!("{name}: more than one variation"));
    }
    Ok(Field {
        name,
        title,
        var: parse_var(v)?,
    })
}

fn parse_optional_fields(children: &[Node]) -> R<Vec<Option<Field>>> {
    children
        .iter()
        .map(|c| {
            if c.text == "-" {
                Ok(None)
            } else {
                parse_field(c).map(Some)
            }
        })
        .collect()
}

fn first_child(node: &Node) -> R<&Node> {
    node.children.first().ok_or(ParseError {
        line: node.line,
        msg: format!("{:?} needs a body", node.text),
    })
}

fn parse_var(node: &Node) -> R<Var> {
    let (key, rest) = node.text.split_once(' ').unwrap_or((&node.text, ""));
    let rest = rest.trim();
    match key {
        "element" => {
            let bits = rest.parse().map_err(|_| ParseError {
                line: node.line,
                msg: "bad element size".into(),
            })?;
            Ok(Var::Element {
                bits,
                content: parse_content(first_child(node)?)?,
            })
        }
        "group" => Ok(Var::Group(
            node.children
                .iter()
                .map(parse_field)
                .collect::<R<Vec<_>>>()?,
        )),
        "extended" => Ok(Var::Extended(parse_optional_fields(&node.children)?)),
        "repetitive" => {
            let counter = if rest == "fx" {
                None
            } else {
                Some(rest.parse().map_err(|_| ParseError {
                    line: node.line,
                    msg: "bad repetition counter".into(),
                })?)
            };
            Ok(Var::Repetitive {
                counter,
                var: Box::new(parse_var(first_child(node)?)?),
            })
        }
        "explicit" => Ok(Var::Explicit((!rest.is_empty()).then(|| rest.to_string()))),
        "compound" => {
            let fspec = if rest.is_empty() {
                None
            } else {
                Some(rest.parse().map_err(|_| ParseError {
                    line: node.line,
                    msg: "bad compound fspec size".into(),
                })?)
            };
            Ok(Var::Compound {
                fspec,
                items: parse_optional_fields(&node.children)?,
            })
        }
        _ => err(node.line, format!("unknown variation {:?}", node.text)),
    }
}

/// Evaluates an LSB expression: `1/2^7`, `360/2^16`, `1/10^6`, `3/20`, `128`.
fn eval_lsb(line: usize, s: &str) -> R<f64> {
    fn term(line: usize, t: &str) -> R<f64> {
        let parse = |x: &str| -> R<f64> {
            x.parse::<f64>().map_err(|_| ParseError {
                line,
                msg: format!("bad number {x:?}"),
            })
        };
        match t.split_once('^') {
            Some((b, e)) => Ok(parse(b)?.powf(parse(e)?)),
            None => parse(t),
        }
    }
    match s.split_once('/') {
        Some((n, d)) => Ok(term(line, n)? / term(line, d)?),
        None => term(line, s),
    }
}

fn parse_number_content(node: &Node, signed: bool, rest: &str) -> R<Content> {
    let (kind, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    match kind {
        "integer" if signed => Ok(Content::Signed),
        "integer" => Ok(Content::Unsigned),
        "quantity" => {
            let (lsb, rest) = rest.split_once(' ').ok_or(ParseError {
                line: node.line,
                msg: "quantity needs LSB and unit".into(),
            })?;
            let unit = rest
                .trim()
                .strip_prefix('"')
                .and_then(|r| r.split_once('"'))
                .map(|(u, _)| u.to_string())
                .ok_or(ParseError {
                    line: node.line,
                    msg: "quantity needs a quoted unit".into(),
                })?;
            Ok(Content::Quantity {
                signed,
                lsb: eval_lsb(node.line, lsb)?,
                unit,
            })
        }
        _ => err(node.line, format!("unknown number kind {kind:?}")),
    }
}

fn parse_content(node: &Node) -> R<Content> {
    let (key, rest) = node.text.split_once(' ').unwrap_or((&node.text, ""));
    let rest = rest.trim();
    match key {
        "raw" => Ok(Content::Raw),
        "table" => node
            .children
            .iter()
            .map(|c| {
                let (k, v) = c.text.split_once(':').ok_or(ParseError {
                    line: c.line,
                    msg: "table entry needs ':'".into(),
                })?;
                let k = k.trim().parse().map_err(|_| ParseError {
                    line: c.line,
                    msg: "bad table key".into(),
                })?;
                Ok((k, v.trim().to_string()))
            })
            .collect::<R<Vec<_>>>()
            .map(Content::Table),
        "string" => match rest {
            "icao" => Ok(Content::Text(TextKind::Icao)),
            "ascii" => Ok(Content::Text(TextKind::Ascii)),
            "octal" => Ok(Content::Text(TextKind::Octal)),
            _ => err(node.line, format!("unknown string kind {rest:?}")),
        },
        "unsigned" => parse_number_content(node, false, rest),
        "signed" => parse_number_content(node, true, rest),
        "bds" => Ok(Content::Bds(rest.parse().ok())),
        "case" => parse_case(node, rest),
        _ => err(node.line, format!("unknown content {:?}", node.text)),
    }
}

fn parse_case(node: &Node, path: &str) -> R<Content> {
    let mut cases = Vec::new();
    let mut default = Content::Raw;
    for c in &node.children {
        let body = parse_content(first_child(c)?)?;
        match c.text.trim_end_matches(':') {
            "default" => default = body,
            k => cases.push((
                k.parse().map_err(|_| ParseError {
                    line: c.line,
                    msg: "bad case key".into(),
                })?,
                body,
            )),
        }
    }
    Ok(Content::Case {
        path: path.split('/').map(str::to_string).collect(),
        cases,
        default: Box::new(default),
    })
}
