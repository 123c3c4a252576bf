use super::*;
use rustc_hash::FxHashSet;

#[test]
fn small_windows_are_counted_exactly_across_merged_chunks() {
    let mut a = Clients::default();
    a.record(b"alice", 10, false);
    a.record(b"alice", 11, true);
    a.record(b"bob", 30, false);
    let mut b = Clients::default();
    b.record(b"alice", 12, false);
    b.record(b"carol", 11, true);
    a.merge(b);
    assert_eq!(a.active_and_affected(10, 12), (2, 2));
    assert_eq!(a.active_and_affected(12, 40), (2, 0));
    assert_eq!(a.active_and_affected(31, 40), (0, 0));
    assert_eq!(a.active_and_affected(i64::MIN, i64::MAX), (3, 2));
    assert!(a.named, "alice is a name, not an address");
    let mut addresses = Clients::default();
    addresses.record(b"203.0.113.7", 1, false);
    addresses.record(b"2001:db8::1", 1, false);
    assert!(!addresses.named);
}

#[test]
fn large_bins_turn_into_sketches_within_two_percent() {
    let mut c = Clients::default();
    // 60 bins of 5,000 requests from a pool of 100,000 clients; every tenth client fails.
    let mut state = 7u64;
    let mut truth_active = FxHashSet::default();
    let mut truth_failed = FxHashSet::default();
    for bin in 0..60 {
        for _ in 0..5000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let id = (state >> 33) % 100_000;
            let name = format!("10.{}.{}.{}", id / 65536, (id / 256) % 256, id % 256);
            let failed = id.is_multiple_of(10);
            c.record(name.as_bytes(), bin, failed);
            if (20..40).contains(&bin) {
                truth_active.insert(id);
                if failed {
                    truth_failed.insert(id);
                }
            }
        }
    }
    assert!(matches!(c.active.get(&0), Some(BinSet::Sketch(_))));
    let (active, failed) = c.active_and_affected(20, 39);
    let off = |est: u64, truth: usize| (est as f64 - truth as f64).abs() / truth as f64;
    assert!(
        off(active, truth_active.len()) < 0.02,
        "{active} vs {}",
        truth_active.len()
    );
    assert!(
        off(failed, truth_failed.len()) < 0.03,
        "{failed} vs {}",
        truth_failed.len()
    );
}

#[test]
fn the_sketch_is_exact_enough_for_small_sets_and_merges_by_maximum() {
    let mut s = Sketch::default();
    (0..1000u64).for_each(|i| s.insert(client_key(&i.to_le_bytes())));
    let e = s.estimate();
    assert!((980..=1020).contains(&e), "{e}");
    let mut t = Sketch::default();
    (500..1500u64).for_each(|i| t.insert(client_key(&i.to_le_bytes())));
    s.absorb(&t);
    let e = s.estimate();
    assert!((1470..=1530).contains(&e), "{e}");
}

/// Held bins count what one-at-a-time recording counts, however the lines go between bins:
/// in order, back and forth across an edge, among more bins than are held, at random; with
/// bins that turn into sketches and a batch that fills up.
#[test]
fn the_batch_counts_what_recording_one_at_a_time_counts_in_any_order() {
    let mut state = 11u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    let orders: [&dyn Fn(u64, u64) -> i64; 5] = [
        &|i, _| (i / 500) as i64,
        &|i, _| (i / 500 + i % 2) as i64,
        &|i, _| (i % 7) as i64,
        &|_, r| (r % 40) as i64,
        &|_, _| 3,
    ];
    for (n, order) in orders.iter().enumerate() {
        let (mut batched, mut one_by_one) = (Clients::default(), Clients::default());
        let mut batch = ClientBatch::default();
        let lines = match n {
            2 => 90_000,
            4 => MOST_HELD as u64 + 5_000,
            _ => 20_000,
        };
        for i in 0..lines {
            let r = next();
            let bin = order(i, r);
            let client = format!("10.0.{}.{}", r % 13, (r >> 8) % 250);
            let error = r % 9 == 0;
            batch.record(&mut batched, client.as_bytes(), bin, error);
            one_by_one.record(client.as_bytes(), bin, error);
        }
        batch.flush(&mut batched);
        for (from, to) in [(0, 0), (0, 3), (5, 6), (0, 100), (i64::MIN, i64::MAX)] {
            assert_eq!(
                batched.active_and_affected(from, to),
                one_by_one.active_and_affected(from, to),
                "order {n}, bins {from}..={to}"
            );
        }
        assert_eq!(batched.active, one_by_one.active, "order {n}");
    }
}

/// The union counted prefix by prefix must count what one table counts: keys at the
/// prefixes' edges (0, the last key, the first and last of a prefix), keys shared by bins,
/// and sizes from none to past the exact limit's parts.
#[test]
fn the_union_by_prefix_counts_what_one_table_counts() {
    let mut state = 11u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        client_key(&state.to_le_bytes())
    };
    for (bins, per_bin) in [(0, 0), (1, 0), (1, 1), (3, 5), (40, 2000), (300, 2048)] {
        let mut runs: Vec<Vec<u64>> = Vec::new();
        for b in 0..bins {
            let mut keys: Vec<u64> = (0..per_bin).map(|_| next()).collect();
            // Every bin shares some keys with the one before, and holds the edges.
            if let Some(before) = runs.last() {
                keys.extend(before.iter().step_by(3).copied());
            }
            if b % 7 == 0 {
                let edge = 1u64 << (64 - 4);
                keys.extend([
                    0,
                    u64::MAX,
                    edge,
                    edge - 1,
                    edge + 1,
                    3 * edge,
                    3 * edge - 1,
                ]);
            }
            keys.sort_unstable();
            keys.dedup();
            runs.push(keys);
        }
        let slices: Vec<&[u64]> = runs.iter().map(Vec::as_slice).collect();
        let truth: FxHashSet<u64> = runs.iter().flatten().copied().collect();
        assert_eq!(
            exact_union(&slices),
            truth.len(),
            "{bins} bins of {per_bin}"
        );
    }
}

#[test]
fn prefix_bounds_cover_every_key_once() {
    assert_eq!(prefix_bounds(0, 0), (0, None));
    assert_eq!(prefix_bounds(0, 1), (0, Some(1 << 63)));
    assert_eq!(prefix_bounds(1, 1), (1 << 63, None));
    assert_eq!(prefix_bounds(2, 2), (2 << 62, Some(3 << 62)));
    assert_eq!(prefix_bounds(1023, 10), (1023 << 54, None));
}
