use super::*;

#[test]
fn summer_time_in_berlin_is_two_hours_ahead() {
    assert_eq!(
        relabel("2023-09-10T08:15:00Z", chrono_tz::Europe::Berlin),
        "2023-09-10T10:15:00+02:00"
    );
}

#[test]
fn winter_time_in_new_york_and_a_half_hour_zone() {
    assert_eq!(
        relabel("2024-01-01T03:00:00Z", chrono_tz::America::New_York),
        "2023-12-31T22:00:00-05:00"
    );
    assert_eq!(
        relabel("2023-09-10T08:15:00Z", chrono_tz::Asia::Kolkata),
        "2023-09-10T13:45:00+05:30"
    );
}

#[test]
fn what_is_not_a_time_is_left_alone() {
    assert_eq!(relabel("yesterday", chrono_tz::UTC), "yesterday");
}

#[test]
fn sentences_name_the_zone() {
    assert_eq!(when("2023-09-10T08:15:00Z"), "2023-09-10 08:15:00 UTC");
    assert_eq!(
        when("2023-09-10T10:15:00+02:00"),
        "2023-09-10 10:15:00 +02:00"
    );
}
