//! Who was affected: the distinct clients active in the incident's bins, and those who got a
//! server error there. The window is known only after detection, so the counts are kept per
//! bin and united over the window at the end.
//!
//! Per bin, a set of client keys while it is small (exact: small incidents report exact
//! counts), a HyperLogLog sketch (4,096 one-byte registers, about 1.6 % standard error) once it
//! passes [`EXACT_LIMIT`]. Memory therefore grows with bins, not with lines or with distinct
//! clients: a day of one-minute bins is at most 1,440 × 4 KiB per kind, however many clients.
//! Merging chunks is a per-bin union, so it stays cheap.

use std::collections::BTreeMap;

/// Keys a bin holds exactly before it becomes a sketch.
pub(crate) const EXACT_LIMIT: usize = 2048;
const P: u32 = 12;
const M: usize = 1 << P;
/// United windows larger than this are counted with a sketch too.
const EXACT_UNION_LIMIT: usize = 1 << 21;

/// The key a client is counted under: a 64-bit hash (FxHash, then a SplitMix64 finish so the
/// top bits a sketch reads are well mixed). Fixed, so runs are reproducible.
pub fn client_key(client: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(client);
    let mut z = h.finish().wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A HyperLogLog sketch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Box<[u8]>")]
pub(crate) struct Sketch(Box<[u8]>);

impl TryFrom<Box<[u8]>> for Sketch {
    type Error = String;
    fn try_from(registers: Box<[u8]>) -> Result<Self, String> {
        match registers.len() {
            M => Ok(Sketch(registers)),
            n => Err(format!("a client sketch of {n} registers, not {M}")),
        }
    }
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch(vec![0; M].into_boxed_slice())
    }
}

impl Sketch {
    /// Counts a client (by its hash).
    pub fn insert(&mut self, key: u64) {
        let index = (key >> (64 - P)) as usize;
        let rank = ((key << P) | (1 << (P - 1))).leading_zeros() as u8 + 1;
        if self.0[index] < rank {
            self.0[index] = rank;
        }
    }

    /// Adds another sketch's clients.
    pub(crate) fn absorb(&mut self, other: &Sketch) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0.iter()) {
            *mine = (*mine).max(*theirs);
        }
    }

    /// About how many distinct clients it holds (linear counting).
    pub fn estimate(&self) -> u64 {
        let m = M as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = self.0.iter().map(|&r| 2f64.powi(-i32::from(r))).sum();
        let raw = alpha * m * m / sum;
        let zeros = self.0.iter().filter(|&&r| r == 0).count();
        let estimate = if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        };
        estimate.round() as u64
    }
}

/// The distinct clients of one bin.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "BinWire", from = "BinWire")]
pub(crate) enum BinSet {
    /// Every client's hash, sorted and distinct, while there are few: a chunk's batch of a
    /// bin (sorted already) becomes the set as it is, and sets of one bin from two chunks
    /// merge in one pass, with no hashing.
    Exact(Vec<u64>),
    /// A sketch, past that.
    Sketch(Sketch),
}

/// A bin's clients as they cross the wire: an exact set sorted, so the same set gives the
/// same bytes.
#[derive(serde::Serialize, serde::Deserialize)]
enum BinWire {
    Exact(Vec<u64>),
    Sketch(Sketch),
}

impl From<BinSet> for BinWire {
    fn from(b: BinSet) -> Self {
        match b {
            BinSet::Exact(keys) => BinWire::Exact(keys),
            BinSet::Sketch(s) => BinWire::Sketch(s),
        }
    }
}

impl From<BinWire> for BinSet {
    fn from(w: BinWire) -> Self {
        match w {
            // Sorted again: a partial written elsewhere is not trusted to be.
            BinWire::Exact(mut keys) => {
                keys.sort_unstable();
                keys.dedup();
                BinSet::Exact(keys).within_limit()
            }
            BinWire::Sketch(s) => BinSet::Sketch(s),
        }
    }
}

impl Default for BinSet {
    fn default() -> Self {
        BinSet::Exact(Vec::new())
    }
}

/// The union of two sorted, distinct key lists, sorted and distinct.
fn union_sorted(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                (i, j) = (i + 1, j + 1);
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

impl BinSet {
    /// Adds sorted, distinct keys. A sketch is a union of what was inserted, in any order, so
    /// turning into one after the whole batch gives the sketch key-by-key insertion gives.
    fn insert_sorted(&mut self, sorted: &[u64]) {
        match self {
            BinSet::Exact(keys) if keys.is_empty() => *keys = sorted.to_vec(),
            // A few keys (lines out of time order) go in where they belong, without a new
            // vector for the union.
            BinSet::Exact(keys) if sorted.len() <= 16 => {
                for &key in sorted {
                    if let Err(at) = keys.binary_search(&key) {
                        keys.insert(at, key);
                    }
                }
            }
            BinSet::Exact(keys) => *keys = union_sorted(keys, sorted),
            BinSet::Sketch(s) => sorted.iter().for_each(|&k| s.insert(k)),
        }
        *self = std::mem::take(self).within_limit();
    }

    /// Itself, or its sketch once it holds more than [`EXACT_LIMIT`] keys.
    fn within_limit(self) -> Self {
        match self {
            BinSet::Exact(keys) if keys.len() > EXACT_LIMIT => BinSet::Sketch(sketch_of(&keys)),
            other => other,
        }
    }

    fn absorb(&mut self, other: BinSet) {
        match (&mut *self, other) {
            (_, BinSet::Exact(theirs)) => self.insert_sorted(&theirs),
            (BinSet::Exact(mine), BinSet::Sketch(mut theirs)) => {
                mine.iter().for_each(|&k| theirs.insert(k));
                *self = BinSet::Sketch(theirs);
            }
            (BinSet::Sketch(mine), BinSet::Sketch(theirs)) => mine.absorb(&theirs),
        }
    }
}

fn sketch_of<'a>(keys: impl IntoIterator<Item = &'a u64>) -> Sketch {
    let mut s = Sketch::default();
    keys.into_iter().for_each(|&k| s.insert(k));
    s
}

/// The distinct clients over a run of bins: exact while every bin is and the union is small.
/// A sketch anywhere, or a union past [`EXACT_UNION_LIMIT`], gives the sketch of every key.
fn distinct<'a>(sets: impl Iterator<Item = &'a BinSet>) -> u64 {
    let mut exact: Vec<&[u64]> = Vec::new();
    let mut sketches: Vec<&Sketch> = Vec::new();
    for set in sets {
        match set {
            BinSet::Exact(keys) => exact.push(keys),
            BinSet::Sketch(s) => sketches.push(s),
        }
    }
    if sketches.is_empty() {
        let count = exact_union(&exact);
        if count <= EXACT_UNION_LIMIT {
            return count as u64;
        }
    }
    let mut sketch = sketch_of(exact.iter().flat_map(|keys| keys.iter()));
    sketches.iter().for_each(|other| sketch.absorb(other));
    sketch.estimate()
}

/// Keys a part of [`exact_union`] is sized for: a table of them fits in a core's cache.
const PART_KEYS: usize = 1 << 14;

/// How many distinct keys the sorted runs hold together. Keys are well-mixed hashes, so the
/// keys under one top-bits prefix are about an equal share, and in a sorted run they are one
/// slice: the union is counted prefix by prefix, each in a small table that stays in cache,
/// where one table of a few hundred thousand keys misses the cache on most inserts.
fn exact_union(runs: &[&[u64]]) -> usize {
    use rayon::prelude::*;
    let most: usize = runs.iter().map(|keys| keys.len()).sum();
    let bits = (most / PART_KEYS)
        .next_power_of_two()
        .trailing_zeros()
        .min(10);
    let part = |table: &mut KeyTable, prefix: u64| {
        let (low, high) = prefix_bounds(prefix, bits);
        let slices: Vec<&[u64]> = runs
            .iter()
            .map(|keys| {
                let from = keys.partition_point(|&k| k < low);
                let to = high.map_or(keys.len(), |h| keys.partition_point(|&k| k < h));
                &keys[from..to]
            })
            .collect();
        table.clear_for(slices.iter().map(|s| s.len()).sum());
        slices
            .iter()
            .for_each(|s| s.iter().for_each(|&k| table.insert(k)));
        table.len
    };
    // The parts shared among the threads, each thread's table reused from part to part.
    (0..1u64 << bits)
        .into_par_iter()
        .map_init(KeyTable::default, part)
        .sum()
}

/// A set of client keys, open addressing with linear probing. Keys are well-mixed hashes, so
/// their low bits are the slot (no hashing again); zero marks an empty slot, and the key zero
/// is kept aside.
#[derive(Default)]
struct KeyTable {
    slots: Vec<u64>,
    /// The slots in use are the first `mask + 1`.
    mask: usize,
    len: usize,
    zero: bool,
}

impl KeyTable {
    /// Empties the table, with room for `most` keys at most half full. The slots are kept
    /// from part to part, and written when allocated: zeroed memory that the kernel hands out
    /// lazily took two page faults a page on first use (a read, then a write), which made the
    /// first part of an incident's union ten times as slow as the next.
    fn clear_for(&mut self, most: usize) {
        let size = (2 * most).next_power_of_two().max(16);
        if self.slots.len() < size {
            self.slots = Vec::with_capacity(size);
            self.slots.resize(size, 0);
        } else {
            self.slots[..size].fill(0);
        }
        self.mask = size - 1;
        self.len = 0;
        self.zero = false;
    }

    #[inline]
    fn insert(&mut self, key: u64) {
        if key == 0 {
            self.len += usize::from(!self.zero);
            self.zero = true;
            return;
        }
        let mut at = key as usize & self.mask;
        loop {
            match self.slots[at] {
                0 => {
                    self.slots[at] = key;
                    self.len += 1;
                    return;
                }
                k if k == key => return,
                _ => at = (at + 1) & self.mask,
            }
        }
    }
}

/// The keys whose top `bits` bits are `prefix`: from the first, up to the next prefix's
/// first (none past the last prefix).
fn prefix_bounds(prefix: u64, bits: u32) -> (u64, Option<u64>) {
    if bits == 0 {
        return (0, None);
    }
    let shift = 64 - bits;
    (
        prefix << shift,
        (prefix + 1)
            .checked_shl(shift)
            .filter(|_| prefix + 1 < 1 << bits),
    )
}

const fn address_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_hexdigit() || b == b'.' as usize || b == b':' as usize;
        b += 1;
    }
    table
}
static ADDRESS_BYTES: [bool; 256] = address_table();

fn is_address(client: &[u8]) -> bool {
    // Every byte looked at, no early exit: branch-free, and an address is a dozen bytes.
    client
        .iter()
        .fold(true, |ok, &b| ok & ADDRESS_BYTES[b as usize])
}

/// Clients (users, origin addresses or connecting addresses) per bin: all, and those who got
/// a server error.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Clients {
    active: BTreeMap<i64, BinSet>,
    failed: BTreeMap<i64, BinSet>,
    /// Some client was a name (`$remote_user`), not an address.
    pub named: bool,
}

impl Clients {
    /// Whether no client was seen.
    pub fn is_empty(&self) -> bool {
        self.active.is_empty()
    }

    /// Counts a client in a bin, as affected when `error`. One at a time, each costs a pass
    /// over the bin's set: the readers go through [`ClientBatch`], which counts a bin at once.
    pub fn record(&mut self, client: &[u8], bin: i64, error: bool) {
        let key = client_key(client);
        self.named = self.named || !is_address(client);
        let mut failed = if error { vec![key] } else { Vec::new() };
        self.record_keys(bin, &mut vec![key], &mut failed);
    }

    /// Counts keys already hashed in one bin: the active ones, and those with a server error.
    fn record_keys(&mut self, bin: i64, active: &mut Vec<u64>, failed: &mut Vec<u64>) {
        for (sets, keys) in [(&mut self.active, active), (&mut self.failed, failed)] {
            if keys.is_empty() {
                continue;
            }
            // Sorted and distinct, then copied at its size (the batch keeps its buffer).
            keys.sort_unstable();
            keys.dedup();
            sets.entry(bin).or_default().insert_sorted(keys);
            keys.clear();
        }
    }

    /// Adds another file's (or chunk's) clients.
    pub fn merge(&mut self, other: Clients) {
        self.named |= other.named;
        for (mine, theirs) in [
            (&mut self.active, other.active),
            (&mut self.failed, other.failed),
        ] {
            for (bin, set) in theirs {
                match mine.get_mut(&bin) {
                    Some(existing) => existing.absorb(set),
                    None => {
                        mine.insert(bin, set);
                    }
                }
            }
        }
    }

    /// (clients active in the bin range, clients with a server error in it).
    pub fn active_and_affected(&self, from_bin: i64, to_bin: i64) -> (u64, u64) {
        if from_bin > to_bin {
            return (0, 0);
        }
        // Two unions, each on a thread of its own where there are two.
        rayon::join(
            || distinct(self.active.range(from_bin..=to_bin).map(|(_, s)| s)),
            || distinct(self.failed.range(from_bin..=to_bin).map(|(_, s)| s)),
        )
    }
}

/// Clients of the bins being read, hashed and held until a bin is left for good, then counted
/// together: one map look-up and one sort a bin instead of a set insertion a line. A few bins
/// are held at once, so lines that go back and forth across a minute's edge (a server writes a
/// request when it ends, stamped when it began) do not count a bin a line at a time. Counting
/// is a union, so when the keys arrive does not change the counts.
#[derive(Debug, Default)]
pub struct ClientBatch {
    open: Vec<OpenBin>,
    /// The open bin read last (nearly always the next one's).
    last: usize,
    /// Bin switches, to find the open bin left longest ago.
    switches: u64,
}

/// A bin being read: its keys so far, and when it was last switched to.
#[derive(Debug, Default)]
struct OpenBin {
    bin: i64,
    active: Vec<u64>,
    failed: Vec<u64>,
    used: u64,
}

/// Bins held at once.
const OPEN_BINS: usize = 4;
/// Keys a bin holds before they are counted anyway (a document's records may all fall in one
/// bin), so what is held stays small.
const MOST_HELD: usize = 1 << 16;

impl ClientBatch {
    /// As [`Clients::record`], held until the bin is left for good or [`Self::flush`].
    #[inline]
    pub fn record(&mut self, clients: &mut Clients, client: &[u8], bin: i64, error: bool) {
        let at = match self.open.get(self.last) {
            Some(open) if open.bin == bin => self.last,
            _ => self.switch_to(clients, bin),
        };
        clients.named = clients.named || !is_address(client);
        let key = client_key(client);
        let open = &mut self.open[at];
        open.active.push(key);
        if error {
            open.failed.push(key);
        }
        if open.active.len() >= MOST_HELD {
            clients.record_keys(open.bin, &mut open.active, &mut open.failed);
        }
    }

    /// The slot of `bin`: held already, a new one, or the one left longest ago (counted
    /// first and reused).
    fn switch_to(&mut self, clients: &mut Clients, bin: i64) -> usize {
        self.switches += 1;
        let at = match self.open.iter().position(|o| o.bin == bin) {
            Some(at) => at,
            None if self.open.len() < OPEN_BINS => {
                self.open.push(OpenBin {
                    bin,
                    ..OpenBin::default()
                });
                self.open.len() - 1
            }
            None => {
                let at = (0..self.open.len())
                    .min_by_key(|&i| self.open[i].used)
                    .unwrap_or(0);
                let oldest = &mut self.open[at];
                clients.record_keys(oldest.bin, &mut oldest.active, &mut oldest.failed);
                oldest.bin = bin;
                at
            }
        };
        self.open[at].used = self.switches;
        self.last = at;
        at
    }

    /// Counts what is held.
    pub fn flush(&mut self, clients: &mut Clients) {
        for open in &mut self.open {
            clients.record_keys(open.bin, &mut open.active, &mut open.failed);
        }
    }
}

#[cfg(test)]
mod tests;
