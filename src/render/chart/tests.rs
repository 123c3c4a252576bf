use super::*;

fn point(minute: i64, total: u64, errors: u64) -> SeriesPoint {
    SeriesPoint {
        time: crate::time::stamp::Stamp::utc(0),
        total,
        errors,
        p95_ms: None,
        micros: 1_694_333_700_000_000 + minute * MICROS_PER_MIN,
    }
}

#[test]
fn each_bin_is_a_column_when_they_fit() {
    let series: Vec<SeriesPoint> = (0..100).map(|m| point(m, 10, m as u64 % 3)).collect();
    let (cols, width) = columns(&series, MICROS_PER_MIN, WIDE.max_columns);
    assert_eq!(cols.len(), 100);
    assert_eq!(width, MICROS_PER_MIN);
    assert_eq!(cols[4].errors, 1);
}

#[test]
fn a_week_of_minutes_is_summed_into_columns_without_losing_a_request() {
    let series: Vec<SeriesPoint> = (0..7 * 1440).map(|m| point(m, 3, 1)).collect();
    let (cols, width) = columns(&series, MICROS_PER_MIN, WIDE.max_columns);
    assert!(cols.len() <= WIDE.max_columns, "{} columns", cols.len());
    assert_eq!(width, 9 * MICROS_PER_MIN);
    assert_eq!(cols.iter().map(|c| c.total).sum::<u64>(), 3 * 7 * 1440);
    assert_eq!(cols.iter().map(|c| c.bins).sum::<usize>(), 7 * 1440);
}

#[test]
fn ticks_fall_on_round_local_times() {
    // 08:15Z to 11:45Z: half-hour ticks; in Kolkata (+05:30) they read 14:00, 14:30…
    let axis = Axis {
        from: point(0, 0, 0).micros,
        to: point(210, 0, 0).micros,
        left: WIDE.left,
        right: WIDE.width,
    };
    let utc = ticks(&axis, None, WIDE.max_ticks);
    assert_eq!(utc.first().map(|t| t.1.as_str()), Some("08:30"));
    assert_eq!(utc.len(), 7);
    let kolkata = ticks(
        &axis,
        Some(Zone::Named(chrono_tz::Asia::Kolkata)),
        WIDE.max_ticks,
    );
    assert_eq!(kolkata.first().map(|t| t.1.as_str()), Some("14:00"));
}

#[test]
fn markup_in_log_lines_is_escaped() {
    assert_eq!(
        escape(r#"<script>alert("x")</script> & 'y'"#),
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
    );
    assert_eq!(escape("bell\u{7}"), "bell\u{FFFD}");
}

#[test]
fn value_axes_end_on_round_numbers() {
    assert_eq!(nice_ceiling(0.345), 0.5);
    assert_eq!(nice_ceiling(0.0152 * 1.15), 0.02);
    assert_eq!(nice_ceiling(4970.0), 5000.0);
    assert_eq!(nice_ceiling(120.0), 200.0);
    assert_eq!(nice_ceiling(2.0), 2.0);
    assert_eq!(nice_ceiling(0.0), 1.0);
}
