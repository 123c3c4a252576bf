use super::*;

/// `2023-09-10T08:15:00Z` and the like, as a stamp.
fn at(rfc3339: &str) -> Stamp {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339).expect("a time");
    Stamp::utc(t.timestamp_micros())
}

#[test]
fn summer_time_in_berlin_is_two_hours_ahead() {
    assert_eq!(
        at("2023-09-10T08:15:00Z").in_zone(chrono_tz::Europe::Berlin),
        "2023-09-10T10:15:00+02:00"
    );
}

#[test]
fn winter_time_in_new_york_and_a_half_hour_zone() {
    assert_eq!(
        at("2024-01-01T03:00:00Z").in_zone(chrono_tz::America::New_York),
        "2023-12-31T22:00:00-05:00"
    );
    assert_eq!(
        at("2023-09-10T08:15:00Z").in_zone(chrono_tz::Asia::Kolkata),
        "2023-09-10T13:45:00+05:30"
    );
}

#[test]
fn sentences_name_the_zone() {
    assert_eq!(when_text("2023-09-10T08:15:00Z"), "2023-09-10 08:15:00 UTC");
    assert_eq!(
        when_text("2023-09-10T10:15:00+02:00"),
        "2023-09-10 10:15:00 +02:00"
    );
}
