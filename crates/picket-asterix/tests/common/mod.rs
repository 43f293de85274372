//! Hand-assembled ASTERIX data blocks shared by the integration tests. Each byte is
//! explained from the specification; none is copied from a capture.

/// CAT048 data block, one record (UAP of edition 1.32; these items are unchanged since 1.15).
pub const CAT048: &[u8] = &[
    0x30, 0x00, 0x1E, // CAT 48, LEN 30
    0xFD, // FSPEC 1: FRN 1-6 (010 140 020 040 070 090), FX
    0xD0, // FSPEC 2: FRN 8 (220), 9 (240), 11 (161)
    0x19, 0xC9, // 010: SAC 25, SIC 201
    0x35, 0x6D, 0x4D, // 140: 3501389 / 128 s = 27354.6015625 s
    0xA0, // 020: TYP 5 (Mode S roll-call), no FX
    0xC5, 0xAF, 0xF1,
    0xE0, // 040: RHO 50607/256 NM = 197.68 NM, THETA 61920*360/2^16 = 340.14°
    0x02, 0x00, // 070: V G L 0, Mode 3/A octal 1000
    0x05, 0x28, // 090: FL 1320/4 = 330
    0x3C, 0x66, 0x0C, // 220: Mode S address 3C660C
    0x10, 0xC2, 0x36, 0xD4, 0x18, 0x20, // 240: ICAO 6-bit "DLH65A  "
    0x0D, 0xEB, // 161: track number 3563
];

/// CAT062 data block, one system track (edition 1.21 UAP).
pub const CAT062: &[u8] = &[
    0x3E, 0x00, 0x20, // CAT 62, LEN 32
    0xBB, // FSPEC 1: FRN 1 (010), 3 (015), 4 (070), 5 (105), 7 (185), FX
    0x19, // FSPEC 2: FRN 11 (380), 12 (040), FX
    0x20, // FSPEC 3: FRN 17 (136)
    0x00, 0x05, // 010: SAC 0, SIC 5
    0x15, // 015: service identification 21
    0x70, 0x88, 0x9D, // 070: time of track 7375005/128 = 57617.2265625 s
    0x00, 0x63, 0xF3, 0x2E, // 105: LAT 6550318 * 180/2^25 = 35.1386°
    0xFF, 0xDD, 0x64, 0xF6, // 105: LON -2267914 * 180/2^25 = -12.1660°
    0x01, 0xFD, 0x02, 0xD5, // 185: VX 509/4 = 127.25 m/s, VY 725/4 = 181.25 m/s
    0x80, 0x3C, 0x66, 0x0C, // 380: compound FSPEC sub-item 1 (ADR), address 3C660C
    0x15, 0x9D, // 040: track number 5533
    0x05, 0xF0, // 136: measured flight level 1520/4 = FL380
];

/// CAT021 edition 2.1 data block, one ADS-B report.
pub const CAT021: &[u8] = &[
    0x15, 0x00, 0x29, // CAT 21, LEN 41
    0xE3, // FSPEC 1: FRN 1 (010), 2 (040), 3 (161), 7 (131), FX
    0x19, // FSPEC 2: FRN 11 (080), 12 (073), FX
    0x43, // FSPEC 3: FRN 16 (140), 21 (145), FX
    0x09, // FSPEC 4: FRN 26 (160), FX
    0x80, // FSPEC 5: FRN 29 (170)
    0x00, 0x03, // 010: SAC 0, SIC 3
    0x08, // 040: ATP 0 (24-bit ICAO), ARC 1 (25 ft), no FX
    0x05, 0x5F, // 161: track number 1375
    0x10, 0xA7, 0xDD, 0x00, // 131: LAT 279436544 * 180/2^30 = 46.8442010880°
    0x04, 0x5F, 0x70, 0x80, // 131: LON 73363584 * 180/2^30 = 12.2985291481°
    0x1A, 0x4B, 0x65, // 080: target address 1A4B65
    0x41, 0x6F, 0x71, // 073: time of applicability for position 4288369/128 s
    0x15, 0xB8, // 140: geometric height 5560 * 6.25 = 34750 ft
    0x05, 0x78, // 145: FL 1400/4 = 350
    0x08, 0x00, 0x40, 0x00, // 160: RE 0, GS 2048/2^14 = 0.125 NM/s, TA 16384*360/2^16 = 90°
    0x15, 0xA4, 0xF1, 0xD1, 0xA2, 0x20, // 170: ICAO 6-bit "EZS14ZH "
];
