//! The **hypothesiser** role: which (track, detection) pairs are plausible at all.
//!
//! [`GridGater`] indexes the predicted tracks in a uniform hash grid over site space: each
//! track is entered in every cell its gate's bounding box touches, and each detection looks
//! only at the cells its own box touches. A pair whose boxes do not overlap cannot pass the
//! Mahalanobis gate (for any unit vector e, (eᵀν)² ≤ (νᵀS⁻¹ν)(eᵀSe)), so the grid never loses a
//! pair; it only saves the work of testing far-away ones, which keeps the work per detection
//! flat as the number of targets grows. Pairs that survive the box test are gated exactly on the
//! squared Mahalanobis distance against χ²(D) at the gate probability.

use crate::gaussian::Vector3;
use crate::measurement::MeasurementModel;
use crate::motion::Belief;
use crate::update::Distance;

/// A detection prepared for one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// What it measured.
    pub model: MeasurementModel,
    /// Its position in the site frame (polar converted), metres; a bearing's sensor position.
    pub position: Vector3,
    /// One-sigma extent of its position on each axis, metres; infinite for a bearing (a ray
    /// through the whole grid: it is tested against every track). Single precision: it only
    /// sizes the grid search (a detection is scratch memory, counted per track).
    pub sigma: [f32; 3],
    /// Index of the report it came from in the step's input.
    pub report: u32,
}

impl Detection {
    /// Prepares a measurement model for gating.
    pub fn new(model: MeasurementModel, report: u32) -> Self {
        let (position, sigma) = match (model.cartesian(), model) {
            (Some((position, cov)), _) => (position, [0, 1, 2].map(|i| cov[(i, i)].sqrt() as f32)),
            (None, MeasurementModel::Bearing { sensor, .. }) => (sensor, [f32::INFINITY; 3]),
            (None, _) => (Vector3::zeros(), [f32::INFINITY; 3]),
        };
        Self {
            model,
            position,
            sigma,
            report,
        }
    }
}

/// A plausible pairing of a track and a detection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hypothesis {
    /// Track index in the tracker's store.
    pub track: u32,
    /// Detection index in the step.
    pub detection: u32,
    /// How far apart they are.
    pub distance: Distance,
}

impl Hypothesis {
    /// The negative log-likelihood cost used by assignment, up to a constant:
    /// `d² + ln det S`.
    pub fn cost(&self) -> f64 {
        self.distance.squared + self.distance.ln_det_s
    }
}

/// The hypothesiser role: all gated pairs of tracks and detections.
pub trait Hypothesiser {
    /// Replaces `out` with every (track, detection) pair inside the gate.
    fn hypothesise<B: Belief>(
        &mut self,
        tracks: &[B],
        detections: &[Detection],
        out: &mut Vec<Hypothesis>,
    );

    /// Bytes of scratch memory held between steps.
    fn memory_bytes(&self) -> usize {
        0
    }

    /// The largest Mahalanobis distance², for a measurement of `dimension`, at which a pair
    /// can be inside the gate; `None` (the default) when there is no such bound, and then
    /// every step gates every track (see the tracker's narrow steps).
    fn gate_bound_chi2(&self, dimension: usize) -> Option<f64> {
        let _ = dimension;
        None
    }
}

/// χ² quantiles at probability 0.999 for 1 to 4 degrees of freedom.
const CHI2_999: [f64; 4] = [10.827566, 13.815511, 16.266236, 18.466827];

/// The χ² gate at 0.999 for a measurement of `dimension` (1 to 4; larger dimensions use 4's).
pub fn gate_threshold(dimension: usize) -> f64 {
    CHI2_999[dimension.clamp(1, 4) - 1]
}

const EMPTY: u32 = u32::MAX;
/// End of a cell's chain of entries.
const NIL: u32 = u32::MAX;
/// Largest number of cells a track's box may cover before it is checked against every
/// detection instead (a coasting track with a huge covariance).
const MAX_CELLS_PER_BOX: i64 = 64;
/// Cell coordinates are clamped to ±`CELL_LIMIT` (10 bits each in a 32-bit key): hundreds of
/// kilometres at the usual cell sizes. Anything beyond shares the edge cells, which only
/// costs box tests, never a pair (the cells of a box and of a detection clamp alike).
const CELL_LIMIT: i32 = 511;

/// One occupied cell of the open-addressing table: its key and the head of its entry chain.
#[derive(Debug, Clone, Copy)]
struct Slot {
    key: u32,
    head: u32,
}

/// A track's gate box (centre and half-widths) and what the Cartesian gate reads of its
/// prediction: a compact copy made while the grid is built, so that testing a pair reads one
/// record instead of the track's kilobyte belief (in a large picture, misses in the cache).
#[derive(Debug, Clone, Copy)]
struct GateBox {
    centre: [f64; 3],
    half: [f64; 3],
    /// Upper triangle of the position covariance, `[p00, p01, p02, p11, p12, p22]`.
    upper: [f64; 6],
}

/// Cells a box covers: inclusive lower and upper cell coordinates (within ±[`CELL_LIMIT`],
/// see [`GridGater::cell_range`]).
type CellRange = ([i32; 3], [i32; 3]);

/// The spatial-hash gater.
#[derive(Debug, Clone)]
pub struct GridGater {
    /// The largest cell size, metres.
    cell_m: f64,
    /// This step's cell size: smaller in a dense picture (see [`GridGater::build`]).
    step_cell_m: f64,
    /// Its reciprocal.
    inv_cell_m: f64,
    /// Multiplier of the one-sigma boxes: √χ²₄(0.999) with a margin for linearisation.
    box_sigmas: f64,
    /// `(track, next entry of the same cell)`: chains built without sorting.
    entries: Vec<(u32, u32)>,
    table: Vec<Slot>,
    wide: Vec<u32>,
    boxes: Vec<GateBox>,
    seen: Vec<u32>,
    generation: u32,
}

/// Cell coordinates are offset by this before truncation, so that truncation (toward zero)
/// is the floor for every coordinate within the clamp.
const CELL_OFFSET: i32 = 1024;

/// The cell coordinate of `x` (in cells), clamped to ±[`CELL_LIMIT`]: the floor, computed as
/// the truncation of `x + 1024` (one conversion, no libm call, no branch). The sum may round
/// up to the next integer a hair below it; that only moves a cell boundary by a rounding,
/// the same for tracks and detections (the mapping is monotonic, so two boxes that overlap
/// still share a cell: the pairs found do not change, see the exhaustive test). NaN maps to
/// the lowest cell.
#[inline]
fn cell_of(x: f64) -> i32 {
    let shifted = (x + f64::from(CELL_OFFSET)) as i32;
    shifted.clamp(CELL_OFFSET - CELL_LIMIT, CELL_OFFSET + CELL_LIMIT) - CELL_OFFSET
}

impl GridGater {
    /// A gater with cubic cells of at most `cell_m` metres (about a typical gate's width),
    /// down to half that in a dense picture.
    pub fn new(cell_m: f64) -> Self {
        let cell_m = if cell_m.is_finite() && cell_m > 1.0 {
            cell_m
        } else {
            200.0
        };
        Self {
            cell_m,
            step_cell_m: cell_m,
            inv_cell_m: cell_m.recip(),
            box_sigmas: gate_threshold(4).sqrt() * 1.05,
            entries: Vec::new(),
            table: Vec::new(),
            wide: Vec::new(),
            boxes: Vec::new(),
            seen: Vec::new(),
            generation: 0,
        }
    }

    fn cell_range(&self, centre: &Vector3, half: &Vector3) -> Option<CellRange> {
        let inv = self.inv_cell_m;
        let lo: [i32; 3] = std::array::from_fn(|i| cell_of((centre[i] - half[i]) * inv));
        let hi: [i32; 3] = std::array::from_fn(|i| cell_of((centre[i] + half[i]) * inv));
        // At most 1023 cells per axis: the product fits easily.
        let count: i64 = (0..3).map(|i| i64::from(hi[i] - lo[i]) + 1).product();
        (count <= MAX_CELLS_PER_BOX).then_some((lo, hi))
    }

    /// Enters every track in the cells its box covers: the boxes first (counting the
    /// entries, to size the table), then the entries, from the stored boxes (no per-track
    /// ranges are kept).
    fn build<B: Belief>(&mut self, tracks: &[B]) {
        self.step_cell_m = self.cell_size(tracks);
        self.inv_cell_m = self.step_cell_m.recip();
        self.wide.clear();
        self.boxes.clear();
        // Exact capacities: scratch counts against the memory per live track, and doubling
        // would leave up to half of it unused.
        self.boxes.reserve_exact(tracks.len());
        let mut total = 0;
        for (index, belief) in tracks.iter().enumerate() {
            let g = belief.estimate();
            let half = Vector3::new(g.cov[(0, 0)], g.cov[(1, 1)], g.cov[(2, 2)])
                .map(|v| v.max(0.0).sqrt() * self.box_sigmas);
            let gate_box = GateBox {
                centre: [g.mean[0], g.mean[1], g.mean[2]],
                half: half.into(),
                upper: crate::fast::upper_position(g),
            };
            self.boxes.push(gate_box);
            match self.cell_range(&gate_box.centre.into(), &half) {
                Some((lo, hi)) => {
                    total += (0..3)
                        .map(|i| (hi[i] - lo[i] + 1) as usize)
                        .product::<usize>();
                }
                None => self.wide.push(index as u32),
            }
        }
        // Load factor between 1/3 and 2/3: short probes, bounded memory.
        let capacity = (total + total / 2).next_power_of_two().max(16);
        self.table.clear();
        self.table.resize(
            capacity,
            Slot {
                key: EMPTY,
                head: NIL,
            },
        );
        self.entries.clear();
        self.entries.reserve_exact(total);
        for index in 0..self.boxes.len() {
            let b = self.boxes[index];
            let Some((lo, hi)) = self.cell_range(&b.centre.into(), &b.half.into()) else {
                continue;
            };
            for ix in lo[0]..=hi[0] {
                for iy in lo[1]..=hi[1] {
                    for iz in lo[2]..=hi[2] {
                        let key = cell_key(ix, iy, iz);
                        let slot = self.slot_of(key);
                        let s = &mut self.table[slot];
                        s.key = key;
                        self.entries.push((index as u32, s.head));
                        s.head = (self.entries.len() - 1) as u32;
                    }
                }
            }
        }
        self.seen.clear();
        self.seen.reserve_exact(tracks.len());
        self.seen.resize(tracks.len(), 0);
        self.generation = 0;
    }

    /// The cell size for this step: three times the mean spacing of the tracks over the
    /// ground they cover, between half the configured size and the configured size. Fewer
    /// tracks per cell in a dense picture (10,000 targets in 10 km: 300 m cells walk half
    /// the entries of 500 m ones), big cells elsewhere (fewer entries per track, less memory).
    /// The pairs found do not depend on it, only the work.
    fn cell_size<B: Belief>(&self, tracks: &[B]) -> f64 {
        let mut lo = [f64::INFINITY; 2];
        let mut hi = [f64::NEG_INFINITY; 2];
        for belief in tracks {
            let m = &belief.estimate().mean;
            for i in 0..2 {
                lo[i] = lo[i].min(m[i]);
                hi[i] = hi[i].max(m[i]);
            }
        }
        let area_m2 = ((hi[0] - lo[0]) * (hi[1] - lo[1])).max(1.0);
        let spacing_m = (area_m2 / tracks.len().max(1) as f64).sqrt();
        let cell_m = 3.0 * spacing_m;
        if cell_m.is_finite() {
            cell_m.clamp(0.5 * self.cell_m, self.cell_m)
        } else {
            self.cell_m
        }
    }

    /// The slot holding `key`, or the empty slot where it belongs.
    fn slot_of(&self, key: u32) -> usize {
        let capacity = self.table.len();
        let mut slot = hash_slot(key, capacity);
        loop {
            let k = self.table[slot].key;
            if k == key || k == EMPTY {
                return slot;
            }
            slot = (slot + 1) & (capacity - 1);
        }
    }

    /// Tests every track entered in cell `key` against one detection.
    fn test_cell<B: Belief>(
        &mut self,
        tracks: &[B],
        key: u32,
        detection: (u32, &Detection, &Vector3),
        out: &mut Vec<Hypothesis>,
    ) {
        let mut e = self.table[self.slot_of(key)].head;
        while e != NIL {
            let (track, next) = self.entries[e as usize];
            self.test(tracks, track, detection, out);
            e = next;
        }
    }

    /// Tests one candidate pair and records it when inside the gate.
    fn test<B: Belief>(
        &mut self,
        tracks: &[B],
        track: u32,
        detection: (u32, &Detection, &Vector3),
        out: &mut Vec<Hypothesis>,
    ) {
        let (det_index, det, det_half) = detection;
        if self.seen[track as usize] == self.generation {
            return;
        }
        self.seen[track as usize] = self.generation;
        let b = &self.boxes[track as usize];
        if (0..3).any(|i| (b.centre[i] - det.position[i]).abs() > b.half[i] + det_half[i]) {
            return;
        }
        let distance = match &det.model {
            MeasurementModel::Cartesian { z, noise } => {
                crate::fast::gated_cartesian_distance(&b.centre, &b.upper, z, noise, CHI2_999[2])
            }
            model => crate::update::distance(tracks[track as usize].estimate(), model)
                .filter(|d| d.squared < gate_threshold(d.dimension)),
        };
        if let Some(distance) = distance {
            out.push(Hypothesis {
                track,
                detection: det_index,
                distance,
            });
        }
    }
}

/// The 32-bit key of a cell: each coordinate offset into 0..1023 (see [`CELL_LIMIT`]); never
/// [`EMPTY`].
fn cell_key(ix: i32, iy: i32, iz: i32) -> u32 {
    let field = |c: i32| (c + CELL_LIMIT + 1) as u32;
    (field(ix) << 20) | (field(iy) << 10) | field(iz)
}

/// Fibonacci hashing: the top bits of the product depend on every bit of the key (the low
/// bits would ignore the x cell, which sits in the key's top bits).
fn hash_slot(key: u32, capacity: usize) -> usize {
    let bits = capacity.trailing_zeros();
    (u64::from(key).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

impl Hypothesiser for GridGater {
    fn gate_bound_chi2(&self, dimension: usize) -> Option<f64> {
        Some(gate_threshold(dimension))
    }

    fn memory_bytes(&self) -> usize {
        use std::mem::size_of;
        self.entries.capacity() * size_of::<(u32, u32)>()
            + self.table.capacity() * size_of::<Slot>()
            + self.wide.capacity() * 4
            + self.boxes.capacity() * size_of::<GateBox>()
            + self.seen.capacity() * 4
    }

    fn hypothesise<B: Belief>(
        &mut self,
        tracks: &[B],
        detections: &[Detection],
        out: &mut Vec<Hypothesis>,
    ) {
        out.clear();
        self.build(tracks);
        for (det_index, det) in detections.iter().enumerate() {
            self.generation += 1;
            let half = Vector3::from(det.sigma.map(f64::from)) * self.box_sigmas;
            let found = (det_index as u32, det, &half);
            match self.cell_range(&det.position, &half) {
                Some((lo, hi)) => {
                    for ix in lo[0]..=hi[0] {
                        for iy in lo[1]..=hi[1] {
                            for iz in lo[2]..=hi[2] {
                                self.test_cell(tracks, cell_key(ix, iy, iz), found, out);
                            }
                        }
                    }
                    for k in 0..self.wide.len() {
                        let track = self.wide[k];
                        self.test(tracks, track, found, out);
                    }
                }
                None => {
                    for track in 0..tracks.len() as u32 {
                        self.test(tracks, track, found, out);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gaussian::{Gaussian, Matrix3, StateCovariance, StateVector};
    use crate::update::distance;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The grid finds exactly the pairs that testing every track against every detection
    /// finds: tight and wide tracks (a coasting track's box covers too many cells), Cartesian
    /// detections near them, and bearings (tested against everything).
    #[test]
    fn grid_finds_the_same_pairs_as_testing_all() {
        for seed in 1..=10u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let tracks: Vec<Gaussian> = (0..400)
                .map(|i| {
                    let sigma = if i % 25 == 0 {
                        2_000.0
                    } else {
                        2.0 + rng.random::<f64>() * 60.0
                    };
                    let mean = StateVector::from([
                        rng.random::<f64>() * 3_000.0 - 1_500.0,
                        rng.random::<f64>() * 3_000.0 - 1_500.0,
                        rng.random::<f64>() * 600.0,
                        0.0,
                        0.0,
                        0.0,
                    ]);
                    Gaussian::new(mean, StateCovariance::identity() * sigma * sigma)
                })
                .collect();
            let mut detections: Vec<Detection> = (0..300)
                .map(|d| {
                    let near = &tracks[(rng.random::<f64>() * 400.0) as usize].mean;
                    let z = Vector3::new(
                        near[0] + rng.random::<f64>() * 120.0 - 60.0,
                        near[1] + rng.random::<f64>() * 120.0 - 60.0,
                        near[2] + rng.random::<f64>() * 60.0 - 30.0,
                    );
                    let noise = Matrix3::identity() * (1.0 + rng.random::<f64>() * 400.0);
                    Detection::new(MeasurementModel::Cartesian { z, noise }, d)
                })
                .collect();
            // Far beyond the clamped cell coordinates (±102 km at 200 m cells): the edge cells
            // alias, pairs are still found.
            let mut tracks = tracks;
            for k in 0..5 {
                let far = StateVector::from([
                    400_000.0 + 50.0 * k as f64,
                    -300_000.0,
                    100.0,
                    0.0,
                    0.0,
                    0.0,
                ]);
                tracks.push(Gaussian::new(far, StateCovariance::identity() * 100.0));
                let z = Vector3::new(400_000.0 + 50.0 * k as f64 + 5.0, -300_000.0, 100.0);
                let noise = Matrix3::identity() * 25.0;
                detections.push(Detection::new(
                    MeasurementModel::Cartesian { z, noise },
                    301 + k,
                ));
            }
            detections.push(Detection::new(
                MeasurementModel::Bearing {
                    sensor: Vector3::new(0.0, -2_000.0, 0.0),
                    az: (0.1, 0.02),
                    el: None,
                },
                300,
            ));
            let mut found = Vec::new();
            GridGater::new(200.0).hypothesise(&tracks, &detections, &mut found);
            let grid: std::collections::BTreeSet<(u32, u32)> =
                found.iter().map(|h| (h.track, h.detection)).collect();
            assert_eq!(grid.len(), found.len(), "seed {seed}: a pair found twice");
            let mut all = std::collections::BTreeSet::new();
            for (t, g) in tracks.iter().enumerate() {
                for (d, det) in detections.iter().enumerate() {
                    if distance(g, &det.model)
                        .is_some_and(|x| x.squared < gate_threshold(x.dimension))
                    {
                        all.insert((t as u32, d as u32));
                    }
                }
            }
            assert!(
                all.len() > 100,
                "seed {seed}: the case must gate pairs ({})",
                all.len()
            );
            assert_eq!(grid, all, "seed {seed}");
        }
    }
}
