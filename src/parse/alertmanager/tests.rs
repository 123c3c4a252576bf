use super::*;
use crate::time::format_utc;

#[test]
fn version_4_body_with_wrapper_time() {
    let doc: Value = serde_json::from_str(
        r#"{"time":"2023-09-10T09:30:04Z","body":{"version":"4","status":"firing","receiver":"auth-oncall",
        "commonLabels":{"alertname":"HighAuthErrorRate","severity":"page","service":"authd"},
        "alerts":[{"status":"firing","labels":{"alertname":"HighAuthErrorRate"},"annotations":{"summary":"auth errors"},
        "startsAt":"2023-09-10T08:15:30Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"ab12"}]}}"#,
    )
    .unwrap();
    let n = notices(&doc).unwrap();
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].name, "HighAuthErrorRate");
    assert_eq!(n[0].status, AlertStatus::Firing);
    assert_eq!(format_utc(n[0].starts_at), "2023-09-10T08:15:30Z");
    assert_eq!(n[0].ends_at, None);
    assert_eq!(
        n[0].received_at.map(format_utc).as_deref(),
        Some("2023-09-10T09:30:04Z")
    );
    assert_eq!(n[0].receiver, "auth-oncall");
    assert_eq!(n[0].identity, "ab12");
    assert_eq!(n[0].service.as_deref(), Some("authd"));
    assert_eq!(n[0].severity.as_deref(), Some("page"));
    assert_eq!(n[0].summary.as_deref(), Some("auth errors"));
}

#[test]
fn non_alert_json_is_not_a_body() {
    let doc: Value = serde_json::from_str(r#"{"level":"info","msg":"hello"}"#).unwrap();
    assert!(notices(&doc).is_none());
    assert!(!is_alertmanager(&doc));
}
