use super::*;
use postmortem_scenario::rng::Rng;

/// Bins with binomial errors: `ratio_at(i)` is the true error ratio in bin i.
fn series(len: i64, per_bin: u64, seed: u64, ratio_at: impl Fn(i64) -> f64) -> Vec<Bin> {
    let mut rng = Rng::new(seed);
    (0..len)
        .map(|index| {
            let p = ratio_at(index);
            let errors = (0..per_bin).filter(|_| rng.chance(p)).count() as u64;
            Bin {
                index,
                total: per_bin,
                errors,
            }
        })
        .collect()
}

const PARAMS: Params = Params {
    slo: 0.999,
    evidence_decades: crate::config::DEFAULT_SENSITIVITY,
    count_client_errors: false,
};

#[test]
fn a_clear_incident_is_found_with_its_start_and_end() {
    for seed in 1..=5 {
        let bins = series(600, 60, seed, |i| {
            if (200..300).contains(&i) { 0.2 } else { 0.002 }
        });
        let (incidents, p0) = find_incidents(&bins, PARAMS);
        assert_eq!(incidents.len(), 1, "seed {seed}: {incidents:?}");
        let i = &incidents[0];
        assert!(
            (i.start_bin - 200).abs() <= 1,
            "seed {seed}: start {}",
            i.start_bin
        );
        assert!(
            (i.end_bin.unwrap() - 300).abs() <= 1,
            "seed {seed}: end {:?}",
            i.end_bin
        );
        assert!(i.alarm_bin <= 202);
        assert!(p0 < 0.005, "baseline {p0}");
    }
}

#[test]
fn a_healthy_day_has_no_incident() {
    for seed in 1..=10 {
        let bins = series(1440, 40, seed, |_| 0.003);
        let (incidents, _) = find_incidents(&bins, PARAMS);
        assert!(incidents.is_empty(), "seed {seed}: {incidents:?}");
    }
}

#[test]
fn three_errors_at_two_requests_a_minute_is_not_an_incident() {
    let mut bins = series(600, 2, 7, |_| 0.0);
    bins[300].total = 3;
    bins[300].errors = 3;
    let (incidents, _) = find_incidents(&bins, PARAMS);
    assert!(incidents.is_empty(), "{incidents:?}");
}

#[test]
fn a_low_traffic_outage_is_still_found() {
    let bins = series(
        900,
        3,
        11,
        |i| if (300..360).contains(&i) { 0.6 } else { 0.0 },
    );
    let (incidents, _) = find_incidents(&bins, PARAMS);
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    assert!(
        (incidents[0].start_bin - 300).abs() <= 3,
        "{:?}",
        incidents[0]
    );
    assert!(
        (incidents[0].end_bin.unwrap() - 360).abs() <= 3,
        "{:?}",
        incidents[0]
    );
}

#[test]
fn two_incidents_hours_apart_stay_apart() {
    let bins = series(1000, 50, 3, |i| {
        if (100..150).contains(&i) || (700..760).contains(&i) {
            0.3
        } else {
            0.001
        }
    });
    let (incidents, _) = find_incidents(&bins, PARAMS);
    assert_eq!(incidents.len(), 2, "{incidents:?}");
    assert!((incidents[1].start_bin - 700).abs() <= 1);
}

#[test]
fn an_incident_running_to_the_end_has_no_recovery() {
    let bins = series(400, 50, 5, |i| if i >= 300 { 0.25 } else { 0.001 });
    let (incidents, _) = find_incidents(&bins, PARAMS);
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0].end_bin, None);
}

#[test]
fn effects_see_a_fall_and_ignore_noise() {
    let bins = series(100, 50, 9, |i| if i < 50 { 0.2 } else { 0.001 });
    assert_eq!(effect::effect(&bins, 50).verdict, effect::Direction::Fell);
    assert_eq!(
        effect::effect(&bins, 25).verdict,
        effect::Direction::NoChange
    );
    let sparse = series(30, 1, 9, |_| 0.5);
    assert_eq!(
        effect::effect(&sparse, 2).verdict,
        effect::Direction::Unknown
    );
}

/// Logs cut tightly around an outage: 15 of 40 minutes failing. The four 10-minute windows
/// were [0 %, 50 %, 100 %, 0 %] and the upper median (50 %) was taken as the baseline, so
/// "no incident: stayed at its baseline of 37.5 %". The lower median is a quiet window.
#[test]
fn an_outage_in_a_tightly_cut_log_is_found() {
    let bins = series(40, 12, 7, |i| if (15..30).contains(&i) { 1.0 } else { 0.0 });
    let (incidents, p0) = find_incidents(&bins, PARAMS);
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    assert_eq!(incidents[0].start_bin, 15);
    assert_eq!(incidents[0].end_bin, Some(30));
    assert!(p0 < 0.01, "baseline {p0}");
}
