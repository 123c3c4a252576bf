//! At most N keys of a breakdown (error signatures, failing paths), chosen so that the choice
//! does not depend on how the input was cut or in which order parts are merged.
//!
//! Why not "the first N seen": chunks are read in parallel, each fills its own table, and which
//! keys reach a full table first depends on chunk size, thread count and map iteration order
//! (six runs over 5,000+ signatures gave six outputs). Instead the table keeps the N keys of
//! lowest rank, a fixed hash of the key (a bottom-k sketch): the N lowest of a union are the
//! N lowest of the parts' N lowest, so every part keeps every key that survives, with all of its
//! counts, and whatever falls out is counted as overflow the same way in every order.

use std::collections::{BTreeSet, HashMap};

/// A fixed 64-bit FNV-1a of the key: stable across runs, threads and builds.
pub fn rank(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(
    into = "Ranked<V>",
    from = "Ranked<V>",
    bound(
        serialize = "V: Clone + serde::Serialize",
        deserialize = "V: serde::Deserialize<'de>"
    )
)]
/// A map that keeps at most `cap` keys: the bottom-k by a fixed hash rank, so any order of the same input keeps the same keys.
pub struct BoundedMap<V> {
    map: HashMap<Box<str>, V>,
    /// The kept keys by (rank, key): the largest is evicted first.
    ranks: BTreeSet<(u64, Box<str>)>,
    cap: usize,
}

impl<V> BoundedMap<V> {
    /// An empty map keeping at most `cap` keys.
    pub fn new(cap: usize) -> Self {
        Self {
            map: HashMap::new(),
            ranks: BTreeSet::new(),
            cap,
        }
    }

    /// Keys kept.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no key is kept.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The value of a kept key.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key)
    }

    /// Kept keys and values, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.map.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// Every kept value, to change.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.map.values_mut()
    }

    /// The value of a kept key, to change.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.map.get_mut(key)
    }

    /// The value of `key`, admitting it (with `make()`) if it ranks among the lowest; a key
    /// it displaces is handed to `evicted`. `None`: the key does not rank, count it apart.
    pub fn slot(
        &mut self,
        key: &str,
        make: impl FnOnce() -> V,
        evicted: impl FnOnce(V),
    ) -> Option<&mut V> {
        if self.map.contains_key(key) {
            return self.map.get_mut(key);
        }
        let ranked = rank(key);
        if !self.ranks_in(ranked, key) {
            return None;
        }
        Some(self.insert_ranked(ranked, key, make(), evicted))
    }

    /// Whether a key not kept yet would be: there is room, or it ranks below the largest.
    fn ranks_in(&self, ranked: u64, key: &str) -> bool {
        self.map.len() < self.cap
            || self
                .ranks
                .last()
                .is_some_and(|(r, k)| (ranked, key) < (*r, k.as_ref()))
    }

    /// Admits `key` (not kept yet) with `value` if it ranks in, displacing the largest when
    /// full; gives the value back when it does not rank.
    pub(crate) fn admit(
        &mut self,
        key: &str,
        value: V,
        evicted: impl FnOnce(V),
    ) -> Result<&mut V, V> {
        let ranked = rank(key);
        if !self.ranks_in(ranked, key) {
            return Err(value);
        }
        Ok(self.insert_ranked(ranked, key, value, evicted))
    }

    /// Inserts a key that ranks in, displacing the largest when full.
    fn insert_ranked(
        &mut self,
        ranked: u64,
        key: &str,
        value: V,
        evicted: impl FnOnce(V),
    ) -> &mut V {
        if self.map.len() >= self.cap
            && let Some((_, out)) = self.ranks.pop_last()
            && let Some(v) = self.map.remove(&out)
        {
            evicted(v);
        }
        let key: Box<str> = key.into();
        self.ranks.insert((ranked, key.clone()));
        self.map.entry(key).or_insert(value)
    }

    /// Every kept entry, consumed (merging one map into another).
    pub(crate) fn into_entries(self) -> impl Iterator<Item = (Box<str>, V)> {
        self.map.into_iter()
    }
}

/// A bounded map as it crosses the wire (a partial summary): its entries by rank, so that the
/// same map gives the same bytes whatever order its hash map holds them in.
#[derive(serde::Serialize, serde::Deserialize)]
struct Ranked<V> {
    cap: usize,
    entries: Vec<(Box<str>, V)>,
}

impl<V> From<BoundedMap<V>> for Ranked<V> {
    fn from(mut m: BoundedMap<V>) -> Self {
        let entries = std::mem::take(&mut m.ranks)
            .into_iter()
            .filter_map(|(_, k)| m.map.remove(&k).map(|v| (k, v)))
            .collect();
        Ranked {
            cap: m.cap,
            entries,
        }
    }
}

impl<V> From<Ranked<V>> for BoundedMap<V> {
    fn from(r: Ranked<V>) -> Self {
        let mut m = BoundedMap::new(r.cap.max(1));
        // Admitted one by one: a damaged or hostile partial cannot pass the bound.
        for (k, v) in r.entries {
            if !m.map.contains_key(&k) {
                let _ = m.admit(&k, v, drop);
            }
        }
        m
    }
}

impl<V> Default for BoundedMap<V> {
    fn default() -> Self {
        Self::new(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds `keys` (each one count) into a map of `cap`, the evicted counts into `overflow`.
    fn fill(map: &mut BoundedMap<u64>, overflow: &mut u64, keys: &[String]) {
        for k in keys {
            let mut out = 0;
            match map.slot(k, || 0, |v| out += v) {
                Some(v) => *v += 1,
                None => *overflow += 1,
            }
            *overflow += out;
        }
    }

    fn merge(into: &mut BoundedMap<u64>, overflow: &mut u64, from: BoundedMap<u64>) {
        for (k, n) in from.into_entries() {
            let mut out = 0;
            match into.slot(&k, || 0, |v| out += v) {
                Some(v) => *v += n,
                None => *overflow += n,
            }
            *overflow += out;
        }
    }

    #[test]
    fn kept_keys_and_counts_do_not_depend_on_how_the_input_was_cut() {
        let keys: Vec<String> = (0..3000).map(|i| format!("sig-{}", i % 700)).collect();
        let mut whole = BoundedMap::new(100);
        let mut whole_overflow = 0;
        fill(&mut whole, &mut whole_overflow, &keys);
        for parts in [2, 3, 7] {
            let size = keys.len().div_ceil(parts);
            let mut merged = BoundedMap::new(100);
            let mut overflow = 0;
            // Merged in reverse, to show order does not matter either.
            for chunk in keys.chunks(size).rev() {
                let mut part = BoundedMap::new(100);
                let mut part_overflow = 0;
                fill(&mut part, &mut part_overflow, chunk);
                overflow += part_overflow;
                merge(&mut merged, &mut overflow, part);
            }
            let mut a: Vec<_> = whole.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            let mut b: Vec<_> = merged.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            a.sort();
            b.sort();
            assert_eq!(a, b, "{parts} parts");
            assert_eq!(overflow, whole_overflow);
        }
        assert_eq!(whole.len(), 100);
        assert_eq!(
            whole.iter().map(|(_, v)| v).sum::<u64>() + whole_overflow,
            3000
        );
    }
}
