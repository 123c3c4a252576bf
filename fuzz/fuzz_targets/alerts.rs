#![no_main]
//! Alert files: the document stream with its recovery from broken documents, and the
//! Alertmanager, PagerDuty and Opsgenie readers.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let summary = postmortem::pipeline::read_alert_bytes(data, 0);
    assert_eq!(summary.lines, summary.parsed + summary.skipped + summary.blank, "every line accounted for");
    if let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = postmortem::parse::alertmanager::notices(&doc);
        let _ = postmortem::parse::pager::notices(&doc);
    }
});
