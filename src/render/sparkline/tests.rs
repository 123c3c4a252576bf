use super::*;

#[test]
fn level_follows_the_ratio_and_the_incident_is_marked() {
    let draft = crate::render::tests_support::draft_with_series(
        &[
            (100, 0),
            (100, 0),
            (100, 50),
            (100, 100),
            (100, 25),
            (100, 0),
        ],
        Some((2, 5)),
    );
    let s = sparkline(&draft).expect("six bins");
    assert_eq!(s.line, "▁▁▅█▃▁");
    assert_eq!(s.marks, "  ^^^");
    assert!((s.peak_ratio - 1.0).abs() < 1e-9);
}

#[test]
fn bins_without_records_are_blank_and_long_spans_fit_the_width() {
    let mut points: Vec<(u64, u64)> = vec![(10, 1); 600];
    points[0] = (0, 0);
    let draft = crate::render::tests_support::draft_with_series(&points, None);
    let s = sparkline(&draft).expect("many bins");
    assert_eq!(s.line.chars().count(), CELLS);
    assert!(s.marks.is_empty());
    let one = crate::render::tests_support::draft_with_series(&[(5, 0)], None);
    assert!(sparkline(&one).is_none());
}

#[test]
fn an_incidents_line_peaks_at_the_incidents_own_peak_and_marks_its_window() {
    use crate::timeline::shape::{Measure, Shape};
    let bin = 60_000_000;
    let values = [0.0, 0.01, 0.2, 0.345, 0.1, 0.0];
    let shape = Shape {
        measure: Measure::Ratio,
        label: "error ratio",
        bin_micros: bin,
        points: values
            .iter()
            .enumerate()
            .map(|(i, &v)| (i as i64 * bin, v))
            .collect(),
        from: 0,
        to: 6 * bin,
        peak: 0.345,
    };
    let s = of_shape(&shape, 2 * bin, Some(5 * bin)).expect("six bins");
    assert_eq!(s.line, "▁▁▅█▃▁");
    assert_eq!(s.marks, "  ^^^");
    assert!((s.peak_ratio - 0.345).abs() < 1e-12);
}
