use super::year::*;
use super::*;

fn civil(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Civil {
    Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        micros: 0,
    }
}

#[test]
fn days_from_civil_matches_known_dates() {
    for (y, m, d, days) in [
        (1970, 1, 1, 0),
        (2000, 3, 1, 11_017),
        (2023, 9, 10, 19_610),
        (1969, 12, 31, -1),
        (2024, 2, 29, 19_782),
    ] {
        assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
    }
}

#[test]
fn offsets_are_subtracted_east_of_utc() {
    let t = civil(2023, 9, 10, 10, 15, 0).with_offset(2 * 3600).unwrap();
    assert_eq!(format_utc(t), "2023-09-10T08:15:00Z");
    let t = civil(2020, 6, 9, 12, 10, 39)
        .with_offset(-7 * 3600)
        .unwrap();
    assert_eq!(format_utc(t), "2020-06-09T19:10:39Z");
}

#[test]
fn feb_29_of_a_common_year_is_rejected() {
    assert_eq!(civil(2023, 2, 29, 0, 0, 0).as_utc(), None);
    assert!(civil(2024, 2, 29, 0, 0, 0).as_utc().is_some());
}

#[test]
fn zone_converter_follows_daylight_saving() {
    let mut berlin = ZoneConverter::new(chrono_tz::Europe::Berlin);
    let summer = berlin.to_utc(&civil(2023, 9, 10, 10, 15, 0)).unwrap();
    assert_eq!(format_utc(summer), "2023-09-10T08:15:00Z");
    let winter = berlin.to_utc(&civil(2023, 12, 31, 23, 59, 59)).unwrap();
    assert_eq!(format_utc(winter), "2023-12-31T22:59:59Z");
    // 02:30 on 2023-10-29 happens twice in Berlin: the earlier (CEST) reading is taken.
    let repeated = berlin.to_utc(&civil(2023, 10, 29, 2, 30, 0)).unwrap();
    assert_eq!(format_utc(repeated), "2023-10-29T00:30:00Z");
    // 02:30 on 2023-03-26 never happened: the offset before the gap (+01:00) is used.
    let gap = berlin.to_utc(&civil(2023, 3, 26, 2, 30, 0)).unwrap();
    assert_eq!(format_utc(gap), "2023-03-26T01:30:00Z");
}

#[test]
fn year_tracker_steps_forward_at_new_year_only() {
    let mut tracker = YearTracker::new(2023);
    assert_eq!(tracker.year_for(12), Some(2023));
    assert_eq!(
        tracker.year_for(11),
        Some(2023),
        "a line a month back is late, not a new year"
    );
    assert_eq!(tracker.year_for(12), Some(2023));
    assert_eq!(tracker.year_for(1), Some(2024));
    assert_eq!(tracker.year_for(12), Some(2023), "a late line of last year");
    assert_eq!(tracker.year_for(2), Some(2024));
}

#[test]
fn one_far_out_of_order_line_is_skew_and_the_year_is_kept() {
    let mut tracker = YearTracker::new(2023);
    assert_eq!(tracker.year_for(9), Some(2023));
    assert_eq!(tracker.year_for(2), None, "Feb among September lines");
    assert_eq!(tracker.year_for(9), Some(2023));
    assert_eq!(tracker.year_for(10), Some(2023));
    // A far jump that the next line confirms is real (a log silent for months).
    assert_eq!(tracker.year_for(3), None);
    assert_eq!(tracker.year_for(3), Some(2024));
}

#[test]
fn latest_year_puts_last_line_before_mtime() {
    let mut utc = ZoneConverter::new(chrono_tz::UTC);
    let mtime = civil(2024, 1, 3, 10, 0, 0).as_utc().unwrap();
    let dec = civil(0, 12, 31, 23, 0, 0);
    assert_eq!(latest_year_not_after(&dec, &mut utc, mtime), Some(2023));
    let jan = civil(0, 1, 2, 23, 0, 0);
    assert_eq!(latest_year_not_after(&jan, &mut utc, mtime), Some(2024));
    let feb29 = civil(0, 2, 29, 12, 0, 0);
    assert_eq!(latest_year_not_after(&feb29, &mut utc, mtime), Some(2020));
}

#[test]
fn nearest_year_to_dated_span() {
    let mut utc = ZoneConverter::new(chrono_tz::UTC);
    let start = civil(2023, 12, 31, 20, 0, 0).as_utc().unwrap();
    let end = civil(2024, 1, 1, 4, 0, 0).as_utc().unwrap();
    let dec = civil(0, 12, 31, 21, 0, 0);
    assert_eq!(year_nearest_span(&dec, &mut utc, start, end), Some(2023));
    let jan = civil(0, 1, 1, 1, 0, 0);
    assert_eq!(year_nearest_span(&jan, &mut utc, start, end), Some(2024));
}

#[test]
fn durations_parse_with_units() {
    assert_eq!(parse_duration("1m"), Some(60));
    assert_eq!(parse_duration("90s"), Some(90));
    assert_eq!(parse_duration("2h"), Some(7200));
    assert_eq!(parse_duration("30"), Some(30));
    assert_eq!(parse_duration("0m"), None);
    assert_eq!(parse_duration("5x"), None);
}

#[test]
fn the_repeated_hour_is_read_in_file_order() {
    let civil = |h, m| Civil {
        year: 2024,
        month: 10,
        day: 27,
        hour: h,
        minute: m,
        second: 0,
        micros: 0,
    };
    let z = |h: i64, m: i64| (1_729_987_200 + h * 3600 + m * 60) * MICROS_PER_SEC; // 2024-10-27T00:00Z
    let mut c = ZoneConverter::new(chrono_tz::Europe::Berlin);
    assert_eq!(c.to_utc(&civil(2, 10)), Some(z(0, 10))); // CEST, first pass
    assert_eq!(c.to_utc(&civil(2, 50)), Some(z(0, 50)));
    assert_eq!(c.to_utc(&civil(2, 5)), Some(z(1, 5))); // back in the hour: CET
    assert_eq!(c.to_utc(&civil(2, 40)), Some(z(1, 40)));
    assert_eq!(c.to_utc(&civil(3, 10)), Some(z(2, 10)));
    // A chunk that starts in the second pass continues from the chunk before it.
    let mut next = ZoneConverter::new(chrono_tz::Europe::Berlin).after(Some(z(1, 5)));
    assert_eq!(next.to_utc(&civil(2, 6)), Some(z(1, 6)));
}
