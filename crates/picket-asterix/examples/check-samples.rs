//! Manual check against the GPL reference samples, which are not part of this repository:
//! decodes each file in DIR (`cat048.raw`, `cat062ed1.16.bin`, `cat021ed2.1.bin`) and compares
//! the values the reference decoders report (see the project's data MANIFEST).
//!
//! `cargo run -p picket-asterix --example check-samples -- DIR`

use picket_asterix::spec::Edition;
use picket_asterix::{Editions, Reader, Value};

struct Check {
    file: &'static str,
    edition: Option<(u8, Edition)>,
    item: &'static str,
    path: &'static [&'static str],
    expected: Expected,
}

enum Expected {
    Number(f64, f64),
    Text(&'static str),
}

const fn num(
    file: &'static str,
    item: &'static str,
    path: &'static [&'static str],
    value: f64,
    tol: f64,
) -> Check {
    Check {
        file,
        edition: None,
        item,
        path,
        expected: Expected::Number(value, tol),
    }
}

fn checks() -> Vec<Check> {
    let ed21 = Some((21, Edition::new(2, 1)));
    vec![
        num("cat048.raw", "010", &["SAC"], 25.0, 0.0),
        num("cat048.raw", "010", &["SIC"], 201.0, 0.0),
        num("cat048.raw", "040", &["RHO"], 197.68, 0.005),
        num("cat048.raw", "040", &["THETA"], 340.14, 0.005),
        num("cat048.raw", "090", &["FL"], 330.0, 0.0),
        num("cat048.raw", "220", &[], f64::from(0x3C660C), 0.0),
        Check {
            file: "cat048.raw",
            edition: None,
            item: "240",
            path: &[],
            expected: Expected::Text("DLH65A  "),
        },
        num("cat062ed1.16.bin", "070", &[], 57617.2265625, 1e-6),
        num("cat062ed1.16.bin", "040", &[], 5533.0, 0.0),
        Check {
            edition: ed21,
            ..num("cat021ed2.1.bin", "161", &["TRNUM"], 1375.0, 0.0)
        },
        Check {
            edition: ed21,
            ..num("cat021ed2.1.bin", "130", &["LAT"], 46.8442010880, 1e-6)
        },
        Check {
            edition: ed21,
            ..num("cat021ed2.1.bin", "080", &[], f64::from(0x1A4B65), 0.0)
        },
        Check {
            file: "cat021ed2.1.bin",
            edition: ed21,
            item: "170",
            path: &[],
            expected: Expected::Text("EZS14ZH "),
        },
    ]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: check-samples DIR")?;
    let mut failed = 0;
    for c in checks() {
        let data = std::fs::read(format!("{dir}/{}", c.file))?;
        let mut eds = Editions::newest();
        if let Some((cat, ed)) = c.edition {
            eds = eds.with(cat, ed)?;
        }
        let mut reader = Reader::new(&data, &eds);
        let rec = reader.next_record()?.ok_or("no record")?;
        let got = rec.item(c.item).and_then(|i| i.get(c.path));
        let ok = match (&c.expected, got) {
            (Expected::Number(want, tol), Some(v)) => {
                v.as_f64().is_some_and(|x| (x - want).abs() <= *tol)
            }
            (Expected::Text(want), Some(Value::Text(t))) => t.as_str() == *want,
            _ => false,
        };
        failed += usize::from(!ok);
        println!(
            "{} {} CAT{:03} ed {} I{}{:?}: {:?}",
            if ok { "PASS" } else { "FAIL" },
            c.file,
            rec.def.category,
            rec.def.edition,
            c.item,
            c.path,
            got
        );
    }
    for (file, cat) in [
        ("cat048.raw", 48),
        ("cat062ed1.16.bin", 62),
        ("cat021ed2.1.bin", 21),
    ] {
        let data = std::fs::read(format!("{dir}/{file}"))?;
        let eds: Vec<String> = picket_asterix::plausible_editions(&data, cat)
            .iter()
            .map(ToString::to_string)
            .collect();
        println!("{file}: plausible CAT{cat:03} editions {eds:?}");
    }
    if failed > 0 {
        return Err(format!("{failed} check(s) failed").into());
    }
    Ok(())
}
