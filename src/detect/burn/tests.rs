use super::*;

#[test]
fn fast_burn_fires_when_both_windows_burn() {
    // 100 requests a minute; 0.1 % errors, then 5 % from bin 120.
    let bins: Vec<Bin> = (0..240)
        .map(|i| Bin {
            index: i,
            total: 100,
            errors: if i >= 120 { 5 } else { u64::from(i % 10 == 0) },
        })
        .collect();
    let (at, name) = first_page(&bins, MICROS_PER_MIN, 0.999, 100, 239).unwrap();
    // 1h/5m at 14.4× is reached after 16 bins at 5 %; the 6 h window is never whole here.
    let fired_bin = at / MICROS_PER_MIN - 1;
    assert_eq!(fired_bin, 136, "{name}");
    assert_eq!(name, "1h/5m at 14.4×");
    assert!(first_page(&bins, MICROS_PER_MIN, 0.999, 0, 119).is_none());
}
