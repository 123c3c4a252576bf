//! Failures per key (a request path, an upstream) per bin: what an incident hit most.
//! Bounded twice: at most [`MAX_BREAKDOWN_KEYS`] keys (the rest counted as overflow), each
//! at most [`MAX_KEY_BYTES`] long.

use std::collections::BTreeMap;

use super::bounded;

/// Distinct keys a breakdown keeps; further keys are counted under [`Breakdown::overflow`].
pub const MAX_BREAKDOWN_KEYS: usize = 10_000;

/// A key longer than this (a 500 KB request path) is kept as its prefix: memory stays bounded
/// by the number of keys, not by what a client sent.
pub const MAX_KEY_BYTES: usize = 256;

/// `key` as text, cut at [`MAX_KEY_BYTES`] on a character boundary (marked with `…`).
pub fn bounded_key(key: &[u8]) -> std::borrow::Cow<'_, str> {
    if key.len() <= MAX_KEY_BYTES {
        return String::from_utf8_lossy(key);
    }
    let text = String::from_utf8_lossy(&key[..MAX_KEY_BYTES]);
    let mut cut = text.trim_end_matches('\u{fffd}').to_string();
    cut.push('…');
    std::borrow::Cow::Owned(cut)
}

/// Failures per key (a path, an upstream) per bin, to say what an incident hit most.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Breakdown {
    /// Failures per key (bounded: see [`bounded::BoundedMap`]), per bin.
    pub by_key: bounded::BoundedMap<BTreeMap<i64, u32>>,
    /// Failures of keys the bound left out, per bin: counted, not named.
    pub overflow: BTreeMap<i64, u32>,
}

impl Default for Breakdown {
    fn default() -> Self {
        Self {
            by_key: bounded::BoundedMap::new(MAX_BREAKDOWN_KEYS),
            overflow: BTreeMap::new(),
        }
    }
}

fn add_bins(into: &mut BTreeMap<i64, u32>, from: BTreeMap<i64, u32>) {
    for (bin, n) in from {
        let slot = into.entry(bin).or_default();
        *slot = slot.saturating_add(n);
    }
}

impl Breakdown {
    /// Counts one failure of `key` in a bin.
    pub fn record(&mut self, key: &[u8], bin: i64) {
        self.record_n(key, bin, 1);
    }

    /// Counts `count` failures of `key` in a bin (a line that stands for several).
    pub(crate) fn record_n(&mut self, key: &[u8], bin: i64, count: u64) {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        let key = bounded_key(key);
        let mut evicted = None;
        let slot = self.by_key.slot(&key, BTreeMap::new, |v| evicted = Some(v));
        let slot = match slot {
            Some(per_bin) => per_bin,
            None => &mut self.overflow,
        };
        let n = slot.entry(bin).or_default();
        *n = n.saturating_add(count);
        if let Some(v) = evicted {
            add_bins(&mut self.overflow, v);
        }
    }

    /// Adds another breakdown (summaries merge in file order).
    pub fn merge(&mut self, other: Breakdown) {
        add_bins(&mut self.overflow, other.overflow);
        for (key, per_bin) in other.by_key.into_entries() {
            let mut evicted = None;
            match self.by_key.slot(&key, BTreeMap::new, |v| evicted = Some(v)) {
                Some(mine) => add_bins(mine, per_bin),
                None => add_bins(&mut self.overflow, per_bin),
            }
            if let Some(v) = evicted {
                add_bins(&mut self.overflow, v);
            }
        }
    }

    /// Keys by failures in `[from, to]` (bins), most first, ties by key.
    pub fn top(&self, from: i64, to: i64, n: usize) -> Vec<(String, u64)> {
        let mut ranked: Vec<(String, u64)> = self
            .by_key
            .iter()
            .map(|(k, per_bin)| {
                (
                    k.to_string(),
                    per_bin.range(from..=to).map(|(_, &c)| u64::from(c)).sum(),
                )
            })
            .filter(|(_, c)| *c > 0)
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ranked.truncate(n);
        ranked
    }
}
