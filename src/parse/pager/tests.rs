use super::*;
use crate::time::format_utc;

#[test]
fn pagerduty_v3_acknowledgement() {
    let doc: Value = serde_json::from_str(
        r#"{"event":{"event_type":"incident.acknowledged","occurred_at":"2023-09-10T08:17:02.120Z",
        "agent":{"summary":"Alice Ops","type":"user_reference"},
        "data":{"id":"PABC123","title":"HighAuthErrorRate","service":{"summary":"authd"}}}}"#,
    )
    .unwrap();
    let (pager, n) = notices(&doc).unwrap();
    assert_eq!(pager, Pager::PagerDuty);
    assert_eq!(n[0].status, AlertStatus::Acknowledged);
    assert_eq!(format_utc(n[0].at), "2023-09-10T08:17:02Z");
    assert_eq!(n[0].actor.as_deref(), Some("Alice Ops"));
    assert_eq!(n[0].service.as_deref(), Some("authd"));
    assert_eq!(n[0].identity, "PABC123");
}

#[test]
fn opsgenie_times_in_ms_and_ns() {
    let create: Value = serde_json::from_str(r#"{"action":"Create","alert":{"createdAt":1502709956288,"updatedAt":1502709956288000110,"message":"disk full","alertId":"a1","username":"bot"}}"#).unwrap();
    let (_, n) = notices(&create).unwrap();
    assert_eq!(
        (n[0].status, format_utc(n[0].at)),
        (AlertStatus::Firing, "2017-08-14T11:25:56Z".to_string())
    );
    let ack: Value = serde_json::from_str(r#"{"action":"Acknowledge","alert":{"createdAt":1420452191104,"updatedAt":1420452224764002246,"message":"m","username":"fili@ifountain.com"}}"#).unwrap();
    let (pager, n) = notices(&ack).unwrap();
    assert_eq!(pager, Pager::Opsgenie);
    assert_eq!(
        (n[0].status, format_utc(n[0].at)),
        (
            AlertStatus::Acknowledged,
            "2015-01-05T10:03:44Z".to_string()
        )
    );
    assert_eq!(n[0].actor.as_deref(), Some("fili@ifountain.com"));
}

#[test]
fn rest_log_entries_export() {
    let doc: Value = serde_json::from_str(r#"{"log_entries":[
        {"type":"trigger_log_entry","created_at":"2023-09-10T08:15:40Z","incident":{"id":"P1","summary":"[#12] auth errors"},"service":{"summary":"authd"}},
        {"type":"notify_log_entry","created_at":"2023-09-10T08:15:41Z","incident":{"id":"P1"}},
        {"type":"escalate_log_entry","created_at":"2023-09-10T09:30:00Z","incident":{"id":"P1"},"agent":{"summary":"Alice"},"assignees":[{"summary":"Auth Team"}]}]}"#).unwrap();
    let (_, n) = notices(&doc).unwrap();
    let statuses: Vec<AlertStatus> = n.iter().map(|p| p.status).collect();
    assert_eq!(statuses, vec![AlertStatus::Firing, AlertStatus::Escalated]);
    assert_eq!(n[1].target.as_deref(), Some("Auth Team"));
    assert!(notices(&serde_json::json!({"level":"info"})).is_none());
}
