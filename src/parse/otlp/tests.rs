use super::*;
use crate::parse::alertmanager::parse_time;
use crate::parse::entry::{Entry, Verdict, When};

/// One line of the collector's `file` exporter: one export request, two records.
pub(crate) const EXPORT: &str = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}},{"key":"host.name","value":{"stringValue":"ip-10-0-1-17"}}]},"scopeLogs":[{"scope":{"name":"checkout.http"},"logRecords":[{"timeUnixNano":"1715958262619632000","observedTimeUnixNano":"1715958262620001000","severityNumber":9,"severityText":"INFO","body":{"stringValue":"GET /cart 200"},"attributes":[{"key":"http.response.status_code","value":{"intValue":"200"}},{"key":"url.path","value":{"stringValue":"/cart"}},{"key":"client.address","value":{"stringValue":"203.0.113.9"}}],"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"},{"timeUnixNano":"1715958263001000000","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"payment declined: upstream timeout"},"attributes":[{"key":"http.response.status_code","value":{"intValue":"503"}},{"key":"url.path","value":{"stringValue":"/checkout"}}],"traceId":"","spanId":""}]}],"schemaUrl":"https://opentelemetry.io/schemas/1.21.0"}]}"#;

fn raw(text: &str) -> &RawValue {
    serde_json::from_str(text).expect("JSON")
}

#[test]
fn an_export_line_gives_every_record_with_service_host_status_and_path() {
    let records = records(raw(EXPORT)).expect("an export");
    assert_eq!(records.len(), 2);
    let read = |i: usize| match &records[i].entry {
        Entry::Message(m) => m.clone(),
        other => panic!("a message: {other:?}"),
    };
    let (ok, failed) = (read(0), read(1));
    let base = parse_time("2024-05-17T15:04:22Z").unwrap();
    assert_eq!(ok.when, When::Utc(base + 619_632));
    assert_eq!(failed.when, When::Utc(base + 1_001_000));
    assert_eq!(ok.verdict, Verdict::Given(false));
    assert_eq!(failed.verdict, Verdict::Given(true));
    assert_eq!(ok.program.as_deref(), Some(&b"checkout"[..]));
    assert_eq!(ok.host.as_deref(), Some(&b"ip-10-0-1-17"[..]));
    assert_eq!(&*failed.text, b"payment declined: upstream timeout");
    let http = ok.http.expect("a request");
    assert_eq!(http.status, 200);
    assert_eq!(http.path.as_deref(), Some(&b"/cart"[..]));
    assert_eq!(http.client.as_deref(), Some(&b"203.0.113.9"[..]));
    assert_eq!(failed.http.expect("a request").status, 503);
    assert!(records[1].at.contains("payment declined"));
}

#[test]
fn severity_text_decides_without_a_number_and_old_exports_are_read() {
    // OTLP before 0.15 named the scope level `instrumentationLibraryLogs`; the time here is
    // only the observed one, and the body a structured value.
    let old = r#"{"resourceLogs":[{"resource":{},"instrumentationLibraryLogs":[{"logRecords":[{"observedTimeUnixNano":1715958262000000000,"severityText":"Error","body":{"kvlistValue":{"values":[{"key":"msg","value":{"stringValue":"db down"}}]}}}]}]}]}"#;
    let records = records(raw(old)).expect("an export");
    assert_eq!(records.len(), 1);
    let Entry::Message(m) = &records[0].entry else {
        panic!("a message")
    };
    assert_eq!(m.verdict, Verdict::Given(true));
    assert_eq!(
        m.when,
        When::Utc(parse_time("2024-05-17T15:04:22Z").unwrap())
    );
    assert!(String::from_utf8_lossy(&m.text).contains("db down"));
}

#[test]
fn documents_that_are_not_exports_are_not_read_as_exports() {
    assert!(records(raw(r#"{"level":"error","msg":"x"}"#)).is_none());
    assert!(records(raw(r#"{"resourceSpans":[]}"#)).is_none());
}
