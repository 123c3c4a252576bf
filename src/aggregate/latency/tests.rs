use super::*;

#[test]
fn quantiles_are_within_four_percent() {
    let mut l = Latency::default();
    for i in 1..=1000 {
        l.record_seconds(i as f64 / 1000.0); // 1 ms … 1000 ms
    }
    for (q, want) in [(0.5, 500.0), (0.95, 950.0), (0.99, 990.0)] {
        let got = l.quantile_ms(q).unwrap();
        assert!((got - want).abs() / want < 0.04, "q{q}: {got} vs {want}");
    }
    assert_eq!(l.count(), 1000);
    // Whole buckets only: the bucket holding 900 ms (up to 8 % wide) is left out.
    let above = l.count_above_ms(900.0);
    assert!((100 - 80..=100).contains(&above), "{above}");
}

#[test]
fn merging_equals_recording_together() {
    let (mut a, mut b, mut both) = (Latency::default(), Latency::default(), Latency::default());
    for i in 0..500 {
        let s = (i % 97) as f64 / 37.0;
        if i % 2 == 0 {
            a.record_seconds(s)
        } else {
            b.record_seconds(s)
        }
        both.record_seconds(s);
    }
    a.merge(&b);
    assert_eq!(a, both);
    assert_eq!(Latency::default().quantile_ms(0.5), None);
    let mut odd = Latency::default();
    odd.record_seconds(f64::NAN);
    odd.record_seconds(-1.0);
    odd.record_seconds(1e12);
    assert_eq!(odd.count(), 3);
}

/// The look-up table must put every duration where the logarithm does: around every edge,
/// at the millisecond values logs write, and at the extremes.
#[test]
fn the_bucket_table_agrees_with_the_logarithm_everywhere() {
    let agree = |ms: f64| assert_eq!(bucket_of(ms), bucket_by_log(ms), "{ms:e} ms");
    for &edge in &lookup().edges[..BUCKETS - 1] {
        let bits = edge.to_bits();
        for d in 0..2000u64 {
            agree(f64::from_bits(bits - d));
            agree(f64::from_bits(bits + d));
        }
    }
    for us in 0..2_000_000u64 {
        agree(us as f64 / 1000.0);
    }
    for ms in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        0.0,
        MIN_MS,
        f64::MAX,
        f64::MIN_POSITIVE,
        1e300,
    ] {
        agree(ms);
    }
    assert_eq!(bucket_of(f64::INFINITY), BUCKETS - 1);
}

/// Only the span of buckets reached is held: histograms with disjoint, nested and overlapping
/// spans merge, in either order, to what recording everything in one gives, and cross the wire
/// unchanged.
#[test]
fn spans_of_any_shape_merge_to_the_same_histogram() {
    let durations = |from_ms: f64, to_ms: f64| {
        (0..60).map(move |i| (from_ms + (to_ms - from_ms) * f64::from(i) / 59.0) / 1000.0)
    };
    let ranges = [
        (0.05, 0.3),
        (2.0, 9.0),
        (5.0, 400.0),
        (300.0, 2e6),
        (1.0, 1.0),
    ];
    for &(a_from, a_to) in &ranges {
        for &(b_from, b_to) in &ranges {
            let (mut a, mut b, mut both) =
                (Latency::default(), Latency::default(), Latency::default());
            for s in durations(a_from, a_to) {
                a.record_seconds(s);
                both.record_seconds(s);
            }
            for s in durations(b_from, b_to) {
                b.record_seconds(s);
                both.record_seconds(s);
            }
            let mut b_then_a = b.clone();
            b_then_a.merge(&a);
            a.merge(&b);
            assert_eq!(a, both, "{a_from}..{a_to} + {b_from}..{b_to}");
            assert_eq!(b_then_a, both);
            for q in [0.0, 0.5, 0.99, 1.0] {
                assert_eq!(a.quantile_ms(q), both.quantile_ms(q));
            }
            assert_eq!(a.count_above_ms(7.0), both.count_above_ms(7.0));
            let wire = serde_json::to_string(&a).unwrap();
            assert_eq!(serde_json::from_str::<Latency>(&wire).unwrap(), both);
        }
    }
    // Nothing held equals nothing held; an empty merge changes nothing.
    let mut empty = Latency::default();
    empty.merge(&Latency::default());
    assert_eq!(empty, Latency::default());
    assert_eq!(empty.count_above_ms(0.0), 0);
}
