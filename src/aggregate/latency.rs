//! A mergeable latency sketch: counts in logarithmic buckets, each 8 % wider than the last, from
//! 0.1 ms to about 30 minutes. Quantiles read from it are within 4 % of the true value;
//! merging is adding counts, so per-chunk sketches combine exactly, in any order.

/// Bucket `i` holds durations in `[MIN_MS × GROWTH^i, MIN_MS × GROWTH^(i+1))`.
const GROWTH: f64 = 1.08;
const MIN_MS: f64 = 0.1;
/// Logarithmic buckets from 0.1 ms to about 37 min (0.1 ms × 1.08^220).
pub(crate) const BUCKETS: usize = 220;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(into = "Buckets", try_from = "Buckets")]
/// Request durations as a histogram of logarithmic buckets: mergeable, bounded, each
/// quantile within a bucket (8 %) of the truth.
pub struct Latency {
    /// Counts of buckets `first ..= first + counts.len() - 1`: only the span the durations
    /// reached is held (a bin's requests span a few dozen buckets, not 220), so a bin costs a
    /// fifth of the memory or less, and merging one adds only that span.
    first: usize,
    counts: Vec<u32>,
    total: u64,
}

/// Equal when the same buckets hold the same counts, whatever span each holds.
impl PartialEq for Latency {
    fn eq(&self, other: &Self) -> bool {
        self.total == other.total && self.buckets().eq(other.buckets())
    }
}

impl Eq for Latency {}

/// A histogram as it crosses the wire (a partial summary): only its non-empty buckets, as
/// (bucket, count) pairs, so that a bin with a few requests costs a few bytes, not 220 counts.
#[derive(serde::Serialize, serde::Deserialize)]
struct Buckets(Vec<(u8, u32)>);

impl From<Latency> for Buckets {
    fn from(l: Latency) -> Self {
        Buckets(l.buckets().map(|(i, c)| (i as u8, c)).collect())
    }
}

impl TryFrom<Buckets> for Latency {
    type Error = String;
    fn try_from(b: Buckets) -> Result<Self, String> {
        let mut l = Latency::default();
        for (i, c) in b.0 {
            let bucket = usize::from(i);
            if bucket >= BUCKETS {
                return Err("latency bucket out of range".into());
            }
            l.widen(bucket, bucket);
            let slot = &mut l.counts[bucket - l.first];
            *slot = slot.saturating_add(c);
            l.total += u64::from(c);
        }
        Ok(l)
    }
}

/// The bucket of a duration in milliseconds, by its definition (a logarithm).
fn bucket_by_log(ms: f64) -> usize {
    if ms.is_nan() || ms <= MIN_MS {
        return 0;
    }
    ((ms / MIN_MS).ln() / GROWTH.ln())
        .floor()
        .min((BUCKETS - 1) as f64) as usize
}

/// The smallest duration of each bucket past the first, as [`bucket_by_log`] draws the lines:
/// found once by bisecting over the bits of positive floats (whose order is their numeric
/// order), so that a look-up gives exactly the bucket the logarithm gives, without taking one
/// per request (it was 6 % of a run over an access log). Two infinities after the last edge
/// let a look-up read past it without a bound check.
fn thresholds() -> [f64; BUCKETS + 1] {
    let mut table = [f64::INFINITY; BUCKETS + 1];
    for (k, slot) in table[..BUCKETS - 1].iter_mut().enumerate() {
        let bucket = k + 1;
        // bucket_by_log(lo) < bucket <= bucket_by_log(hi), narrowed to adjacent floats.
        let (mut lo, mut hi) = (MIN_MS.to_bits(), f64::MAX.to_bits());
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if bucket_by_log(f64::from_bits(mid)) >= bucket {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        *slot = f64::from_bits(hi);
    }
    table
}

/// Floats are indexed by their exponent and the top 8 bits of their mantissa: a slice of
/// the number line 1/256 of an octave wide, narrower than a bucket (1.08×), so it holds at
/// most one bucket edge. From 2^-4 ms (under [`MIN_MS`]) to 2^22 ms (past the last edge).
const SLICE_SHIFT: u32 = 44;
const FIRST_SLICE: u64 = (1023 - 4) << 8;
const SLICES: usize = 26 << 8;

struct Lookup {
    /// See [`thresholds`].
    edges: [f64; BUCKETS + 1],
    /// The bucket of each slice's smallest float.
    slice_bucket: Box<[u8; SLICES]>,
}

fn lookup() -> &'static Lookup {
    static TABLE: std::sync::OnceLock<Lookup> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let edges = thresholds();
        let mut slice_bucket = Box::new([0u8; SLICES]);
        for (i, slot) in slice_bucket.iter_mut().enumerate() {
            let start = f64::from_bits((FIRST_SLICE + i as u64) << SLICE_SHIFT);
            *slot = edges.partition_point(|&t| t <= start) as u8;
        }
        Lookup {
            edges,
            slice_bucket,
        }
    })
}

/// The bucket of a duration in milliseconds: its slice's bucket, or the next when the slice's
/// one edge is at or below it. Two loads and a comparison.
#[inline]
fn bucket_of(ms: f64) -> usize {
    if ms.is_nan() || ms <= MIN_MS {
        return 0;
    }
    let table = lookup();
    let slice = (ms.to_bits() >> SLICE_SHIFT).saturating_sub(FIRST_SLICE) as usize;
    let Some(&first) = table.slice_bucket.get(slice) else {
        return BUCKETS - 1;
    };
    let bucket = usize::from(first);
    bucket + usize::from(table.edges[bucket] <= ms)
}

/// The middle of a bucket (geometric), in milliseconds.
fn value_of(bucket: usize) -> f64 {
    MIN_MS * GROWTH.powf(bucket as f64 + 0.5)
}

impl Latency {
    /// Counts a request's duration.
    #[inline]
    pub(crate) fn record_seconds(&mut self, seconds: f64) {
        let bucket = bucket_of(seconds * 1000.0);
        // Below `first` the difference wraps to a large index: one comparison for both sides.
        let at = bucket.wrapping_sub(self.first);
        if at < self.counts.len() {
            self.counts[at] += 1;
        } else {
            self.widen(bucket, bucket);
            self.counts[bucket - self.first] += 1;
        }
        self.total += 1;
    }

    /// Holds buckets `low ..= high` too (and a few beyond, so that the next durations of a
    /// widening bin land inside): the span only grows.
    #[cold]
    fn widen(&mut self, low: usize, high: usize) {
        const SLACK: usize = 4;
        let (low, high) = match self.counts.is_empty() {
            true => (low, high),
            false => (
                low.min(self.first),
                high.max(self.first + self.counts.len() - 1),
            ),
        };
        let low = low.saturating_sub(SLACK);
        let high = (high + SLACK).min(BUCKETS - 1);
        let mut counts = vec![0; high + 1 - low];
        if !self.counts.is_empty() {
            let at = self.first - low;
            counts[at..at + self.counts.len()].copy_from_slice(&self.counts);
        }
        self.first = low;
        self.counts = counts;
    }

    /// The non-empty buckets, as (bucket, count), lowest first.
    fn buckets(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        let first = self.first;
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(move |(i, &c)| (first + i, c))
    }

    /// Adds another histogram.
    pub fn merge(&mut self, other: &Latency) {
        if other.counts.is_empty() {
            return;
        }
        let other_last = other.first + other.counts.len() - 1;
        let inside = !self.counts.is_empty()
            && other.first >= self.first
            && other_last < self.first + self.counts.len();
        if !inside {
            self.widen(other.first, other_last);
        }
        let at = other.first - self.first;
        for (mine, theirs) in self.counts[at..].iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
    }

    /// Requests counted.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `q`-quantile (0..=1) in milliseconds; `None` when empty.
    pub(crate) fn quantile_ms(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * (self.total - 1) as f64).round() as u64;
        let mut seen = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if seen > rank {
                return Some(value_of(self.first + i));
            }
        }
        Some(value_of(BUCKETS - 1))
    }

    /// How many recorded durations fall in buckets wholly above `ms`.
    pub(crate) fn count_above_ms(&self, ms: f64) -> u64 {
        let from = (bucket_of(ms) + 1).saturating_sub(self.first);
        self.counts
            .get(from..)
            .unwrap_or_default()
            .iter()
            .map(|&c| u64::from(c))
            .sum()
    }
}

#[cfg(test)]
mod tests;
