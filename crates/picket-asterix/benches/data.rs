//! The benchmark stream: CAT048 plots, CAT062 tracks and CAT021 ADS-B reports built with the
//! crate's own JSON encoder (no captured bytes), 20 records per data block.

use picket_asterix::{json_encode, spec};
use serde_json::json;

/// `blocks` data blocks per category; returns the bytes and the record count.
pub fn stream(blocks: usize) -> (Vec<u8>, usize) {
    let cat048 = spec::lookup(48, None).expect("CAT048");
    let cat062 = spec::lookup(62, None).expect("CAT062");
    let cat021 = spec::lookup(21, Some(spec::Edition::new(2, 1))).expect("CAT021 2.1");
    let mut out = Vec::new();
    let mut records = 0;
    for b in 0..blocks {
        let t = 30000.0 + b as f64;
        let plots: Vec<_> = (0..20)
            .map(|i| {
                json!({
                    "010": {"SAC": 25, "SIC": 201}, "140": t + i as f64 * 0.01,
                    "020": {"TYP": 5}, "040": {"RHO": 20.0 + i as f64, "THETA": 12.5 * i as f64},
                    "070": {"MODE3A": "7000"}, "090": {"FL": 330.0},
                    "130": {"SRL": 0.5, "SRR": 4, "SAM": -70},
                    "220": 0x3C660C + i, "240": "DLH65A  ",
                    "250": [{"MBDATA": 0x10_0000_0000_0000_u64 + i, "BDS1": 4, "BDS2": 0}],
                    "161": {"TRN": 100 + i}, "200": {"GSP": 0.12, "HDG": 124.0},
                    "170": {"CNF": 0, "RAD": 2}, "230": {"COM": 1, "ARC": 1, "AIC": 1, "B1B": 5}
                })
            })
            .collect();
        out.extend(json_encode::encode_block_json(cat048, &plots).expect("CAT048 block"));
        let tracks: Vec<_> = (0..20)
            .map(|i| {
                json!({
                    "010": {"SAC": 0, "SIC": 5}, "015": 21, "070": t + i as f64 * 0.01,
                    "105": {"LAT": 46.0 + i as f64 * 0.01, "LON": 12.0},
                    "100": {"X": 1000.0 * i as f64, "Y": -500.0},
                    "185": {"VX": 127.25, "VY": 181.25}, "060": {"MODE3A": "6204"},
                    "380": {"ADR": 0x3C660C + i, "ID": "DLH65A  "},
                    "040": 5533 + i, "080": {"MON": 0, "SPI": 0, "MRH": 0, "SRC": 6, "CNF": 0},
                    "290": {"PSR": 1.0, "SSR": 2.0}, "136": 380.0, "130": 34837.5,
                    "200": {"TRANS": 0, "LONG": 0}
                })
            })
            .collect();
        out.extend(json_encode::encode_block_json(cat062, &tracks).expect("CAT062 block"));
        let adsb: Vec<_> = (0..20)
            .map(|i| {
                json!({
                    "010": {"SAC": 0, "SIC": 3}, "040": {"ATP": 0, "ARC": 1},
                    "161": {"TRNUM": 1375 + i}, "015": 0, "071": t,
                    "131": {"LAT": 46.8442010880, "LON": 12.2985291481},
                    "080": 0x1A4B65 + i, "073": t, "075": t,
                    "140": 34750.0, "090": {"NUCRNACV": 0, "NUCPNIC": 7},
                    "210": {"VN": 0, "LTT": 2}, "145": 350.0,
                    "160": {"GS": 0.125, "TA": 90.0}, "170": "EZS14ZH "
                })
            })
            .collect();
        out.extend(json_encode::encode_block_json(cat021, &adsb).expect("CAT021 block"));
        records += 60;
    }
    (out, records)
}
