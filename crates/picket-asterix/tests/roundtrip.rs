//! Round-trip properties over every built-in category edition (048 and 062 above all):
//! random record values, drawn from the generated tables, encode → decode → the same values
//! and the same bytes; and decode → JSON view → encode → the same bytes.

use picket_asterix::encode::{Node, RecordValue, encode_block};
use picket_asterix::spec::{self, CategoryDef, Content, Counter, TextKind, Variation};
use picket_asterix::{Editions, Reader, json, json_encode};
use proptest::prelude::*;

/// SplitMix64: a seeded generator so proptest can shrink on the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// `json_safe`: only values the JSON view represents exactly (spare bits 0, printable text).
fn leaf(content: &Content, bits: u16, rng: &mut Rng, json_safe: bool) -> u64 {
    let mask = if bits >= 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    match content {
        Content::Spare if json_safe => 0,
        Content::Text(kind @ (TextKind::Icao | TextKind::Ascii)) if json_safe => {
            let (width, alphabet): (u16, &[u8]) = match kind {
                TextKind::Icao => (6, &[1, 2, 3, 25, 26, 32, 48, 57]),
                _ => (8, b" AZaz09#-"),
            };
            (0..bits / width).fold(0, |acc, _| {
                let c = alphabet[rng.below(alphabet.len() as u64) as usize];
                (acc << width) | u64::from(c)
            })
        }
        _ => rng.next() & mask,
    }
}

fn gen_var(var: &'static Variation, rng: &mut Rng, json_safe: bool) -> Node {
    match var {
        Variation::Element { bits, content } => Node::Leaf(leaf(content, *bits, rng, json_safe)),
        Variation::Group { fields, .. } => Node::Fields(
            fields
                .iter()
                .map(|f| gen_var(&f.var, rng, json_safe))
                .collect(),
        ),
        Variation::Extended { parts } => {
            let k = 1 + rng.below(parts.len() as u64) as usize;
            let fields = parts[..k].iter().flat_map(|p| p.fields.iter());
            Node::Fields(fields.map(|f| gen_var(&f.var, rng, json_safe)).collect())
        }
        Variation::Repetitive { counter, var } => {
            let n = match counter {
                Counter::Fx => 1 + rng.below(3),
                Counter::Bytes(_) => rng.below(4),
            };
            Node::List((0..n).map(|_| gen_var(var, rng, json_safe)).collect())
        }
        Variation::Explicit { .. } => {
            let n = if json_safe { 0 } else { rng.below(5) };
            Node::Bytes((0..n).map(|_| rng.next() as u8).collect())
        }
        Variation::Compound { fields, .. } => {
            let mut subs: Vec<(usize, Node)> = Vec::new();
            for (i, f) in fields.iter().enumerate() {
                if let Some(f) = f
                    && rng.below(3) == 0
                {
                    subs.push((i, gen_var(&f.var, rng, json_safe)));
                }
            }
            if subs.is_empty() {
                let (i, f) = fields
                    .iter()
                    .enumerate()
                    .find_map(|(i, f)| Some((i, f.as_ref()?)))
                    .expect("compound with a sub-item");
                subs.push((i, gen_var(&f.var, rng, json_safe)));
            }
            Node::Compound(subs)
        }
    }
}

fn gen_record(def: &'static CategoryDef, rng: &mut Rng, json_safe: bool) -> RecordValue {
    let mut items = Vec::new();
    for frn in 1..=def.uap.len() {
        if let Some(f) = def.item_at(frn)
            && rng.below(2) == 0
        {
            items.push((frn, gen_var(&f.var, rng, json_safe)));
        }
    }
    if items.is_empty() {
        items.push((
            1,
            gen_var(&def.item_at(1).expect("FRN 1").var, rng, json_safe),
        ));
    }
    RecordValue { items }
}

fn editions_for(def: &'static CategoryDef) -> Editions {
    Editions::newest()
        .with(def.category, def.edition)
        .expect("built-in edition")
}

fn check_values(def: &'static CategoryDef, seed: u64) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed);
    let records: Vec<RecordValue> = (0..1 + rng.below(3))
        .map(|_| gen_record(def, &mut rng, false))
        .collect();
    let bytes = encode_block(def, &records).expect("encodable");
    let editions = editions_for(def);
    let mut reader = Reader::new(&bytes, &editions);
    let mut decoded = Vec::new();
    while let Some(r) = reader.next_record().expect("decodes") {
        prop_assert_eq!(r.def.edition, def.edition);
        decoded.push(RecordValue::from_record(&r));
    }
    prop_assert_eq!(&decoded, &records);
    prop_assert_eq!(encode_block(def, &decoded).expect("re-encodes"), bytes);
    Ok(())
}

fn check_json(def: &'static CategoryDef, seed: u64) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed);
    let record = gen_record(def, &mut rng, true);
    let bytes = encode_block(def, &[record]).expect("encodable");
    let editions = editions_for(def);
    let mut reader = Reader::new(&bytes, &editions);
    let r = reader.next_record().expect("decodes").expect("one record");
    let view = json::record_json(&r);
    let again = json_encode::encode_block_json(def, &[view["items"].clone()]);
    prop_assert_eq!(
        again.as_ref().ok(),
        Some(&bytes),
        "json {} -> {:?}",
        view,
        again
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn cat048_values_round_trip(seed in any::<u64>()) {
        check_values(spec::lookup(48, None).expect("CAT048"), seed)?;
    }

    #[test]
    fn cat062_values_round_trip(seed in any::<u64>()) {
        check_values(spec::lookup(62, None).expect("CAT062"), seed)?;
    }

    #[test]
    fn cat048_json_round_trip(seed in any::<u64>()) {
        check_json(spec::lookup(48, None).expect("CAT048"), seed)?;
    }

    #[test]
    fn cat062_json_round_trip(seed in any::<u64>()) {
        check_json(spec::lookup(62, None).expect("CAT062"), seed)?;
    }

    #[test]
    fn every_edition_round_trips(seed in any::<u64>()) {
        for def in spec::CATEGORIES {
            check_values(def, seed)?;
            check_json(def, seed)?;
        }
    }
}
