use super::*;
use crate::render::tests_support::{T0, draft_with_series};
use crate::time::MICROS_PER_MIN;

fn event(kind: EventKind, file: &str, minute: i64, text: &str) -> EventRow {
    EventRow {
        time: Stamp::utc(T0 + minute * MICROS_PER_MIN),
        kind,
        file: file.into(),
        line: 1,
        text: text.into(),
        action: None,
        actor: None,
        micros: T0 + minute * MICROS_PER_MIN,
        order: (0, 1),
    }
}

#[test]
fn bounds_are_absolute_or_relative_to_the_incident() {
    let draft = draft_with_series(&[(10, 0); 20], Some((5, 15)));
    let start = T0 + 5 * MICROS_PER_MIN;
    assert_eq!(parse_bound("start", &draft).ok(), Some(start));
    assert_eq!(
        parse_bound("start-30m", &draft).ok(),
        Some(start - 30 * MICROS_PER_MIN)
    );
    assert_eq!(
        parse_bound("recovered+1h", &draft).ok(),
        Some(T0 + 15 * MICROS_PER_MIN + 60 * MICROS_PER_MIN)
    );
    assert_eq!(
        parse_bound("2023-09-10T10:00:00+02:00", &draft).ok(),
        Some(T0)
    );
    assert!(parse_bound("lunch", &draft).is_err());
    assert!(parse_bound("start-soon", &draft).is_err());
    let quiet = draft_with_series(&[(10, 0); 20], None);
    let err = parse_bound("start", &quiet)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no incident"), "{err}");
}

#[test]
fn filters_combine_and_errors_are_only_shown_when_asked_for() {
    let rows = [
        event(EventKind::Alert, "alerts/am.ndjson", 0, "alert X firing"),
        event(
            EventKind::Action,
            "syslog",
            10,
            "alice: sudo systemctl restart authd",
        ),
        event(EventKind::Error, "nginx/access.log", 11, "500 GET /"),
    ];
    let all = Filter::default();
    let kept: Vec<_> = rows.iter().filter(|r| all.keeps(r)).collect();
    assert_eq!(kept.len(), 2);
    let errors = Filter {
        kinds: vec![EventKind::Error],
        ..Filter::default()
    };
    assert_eq!(rows.iter().filter(|r| errors.keeps(r)).count(), 1);
    let narrow = Filter {
        since: Some(T0 + MICROS_PER_MIN),
        source: Some(globset::Glob::new("sys*").unwrap().compile_matcher()),
        grep: Some(Regex::new("restart").unwrap()),
        ..Filter::default()
    };
    let kept: Vec<_> = rows.iter().filter(|r| narrow.keeps(r)).collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].file, "syslog");
    let until = Filter {
        until: Some(T0),
        ..Filter::default()
    };
    assert_eq!(rows.iter().filter(|r| until.keeps(r)).count(), 1);
}

#[test]
fn a_date_or_a_zone_less_time_is_read_in_the_display_zone() {
    let draft = draft_with_series(&[(10, 0); 20], Some((5, 15)));
    let berlin = Some(chrono_tz::Europe::Berlin);
    // 2023-09-10 in Berlin (UTC+2): from 2023-09-09T22:00Z to 2023-09-10T21:59:59.999999Z.
    let since = parse_bound_in("2023-09-10", &draft, berlin, false).unwrap();
    let until = parse_bound_in("2023-09-10", &draft, berlin, true).unwrap();
    assert_eq!(Stamp::utc(since).to_string(), "2023-09-09T22:00:00Z");
    assert_eq!(until - since, 24 * 3600 * 1_000_000 - 1);
    let t = parse_bound_in("2023-09-10 10:15", &draft, berlin, false).unwrap();
    assert_eq!(Stamp::utc(t).to_string(), "2023-09-10T08:15:00Z");
    let utc = parse_bound_in("2023-09-10T10:15:30", &draft, None, false).unwrap();
    assert_eq!(Stamp::utc(utc).to_string(), "2023-09-10T10:15:30Z");
    // The hour skipped when clocks go forward does not exist.
    assert!(parse_bound_in("2023-03-26 02:30", &draft, berlin, false).is_err());
}
