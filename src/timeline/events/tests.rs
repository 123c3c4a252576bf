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
