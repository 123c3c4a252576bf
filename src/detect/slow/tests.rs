use super::*;
use std::collections::BTreeMap;

#[test]
fn a_slow_hour_is_found_and_fast_days_are_not() {
    let mut latency = BTreeMap::new();
    for bin in 0..600i64 {
        let mut l = Latency::default();
        for k in 0..50 {
            let base = 0.02 + (k % 10) as f64 * 0.004; // 20–56 ms
            l.record_seconds(if (300..360).contains(&bin) {
                base * 6.0
            } else {
                base
            });
        }
        latency.insert(bin, l);
    }
    let params = Params::new(0.999);
    let found = find_slow(&latency, params).unwrap();
    assert_eq!(found.incidents.len(), 1, "{:?}", found.incidents);
    assert_eq!(found.incidents[0].kind, Kind::Slow);
    assert!((found.incidents[0].start_bin - 300).abs() <= 1);
    assert!((found.incidents[0].end_bin.unwrap() - 360).abs() <= 1);
    latency.retain(|&b, _| !(300..360).contains(&b));
    assert!(find_slow(&latency, params).unwrap().incidents.is_empty());
}
