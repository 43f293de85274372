//! Decoding throughput: framing only, and framing plus every element decoded into its value
//! (quantities scaled, strings built, tables looked up). Records/s = records × iterations / time.
//!
//! `cargo bench -p picket-asterix --bench decode`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use picket_asterix::spec::Content;
use picket_asterix::walk::Visitor;
use picket_asterix::{Editions, Reader, Value};
use std::hint::black_box;

mod data;

/// Decodes every element's value and folds it into a checksum so nothing is optimised away.
struct AllValues(f64, usize);

impl Visitor for AllValues {
    fn leaf(&mut self, _: &'static str, content: &'static Content, bits: u16, raw: u64) {
        let v = Value::new(content, bits, raw);
        self.0 += match v {
            Value::Text(t) => t.as_str().len() as f64,
            v => v.as_f64().unwrap_or(0.0),
        };
        self.1 += 1;
    }
}

fn decode_all(data: &[u8], eds: &Editions) -> (usize, AllValues) {
    let mut r = Reader::new(data, eds);
    let mut acc = AllValues(0.0, 0);
    let mut n = 0;
    while let Ok(Some(rec)) = r.next_record() {
        rec.visit(&mut acc);
        n += 1;
    }
    (n, acc)
}

fn frame_only(data: &[u8], eds: &Editions) -> usize {
    let mut r = Reader::new(data, eds);
    let mut n = 0;
    while let Ok(Some(rec)) = r.next_record() {
        n += rec.items().count();
    }
    n
}

fn bench(c: &mut Criterion) {
    let (bytes, records) = data::stream(500);
    let eds = Editions::newest()
        .with(21, picket_asterix::spec::Edition::new(2, 1))
        .expect("CAT021 2.1");
    let (n, acc) = decode_all(&bytes, &eds);
    assert_eq!(n, records, "the stream decodes completely");
    eprintln!(
        "stream: {} bytes, {records} records, {} elements",
        bytes.len(),
        acc.1
    );
    let mut g = c.benchmark_group("asterix");
    g.throughput(Throughput::Elements(records as u64));
    g.bench_function("decode_every_element", |b| {
        b.iter(|| black_box(decode_all(black_box(&bytes), &eds).1.0))
    });
    g.bench_function("frame_only", |b| {
        b.iter(|| black_box(frame_only(black_box(&bytes), &eds)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
