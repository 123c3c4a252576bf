#![no_main]
//! Document files: the document stream with its recovery from broken documents, the
//! Alertmanager, PagerDuty and Opsgenie readers, and the formats whose documents hold many
//! records (Kubernetes events, OTLP exports), folded as lines are.
use libfuzzer_sys::fuzz_target;
use postmortem::aggregate::chunk::ChunkContext;
use postmortem::parse::Format;

fuzz_target!(|data: &[u8]| {
    let summary = postmortem::pipeline::read_alert_bytes(data, 0);
    assert_eq!(summary.lines, summary.parsed + summary.skipped + summary.blank, "every line accounted for");
    if let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = postmortem::parse::alertmanager::notices(&doc);
        let _ = postmortem::parse::pager::notices(&doc);
    }
    for format in [Format::KubeEvents, Format::Otlp] {
        let ctx = ChunkContext::new(format, 0, 60_000_000, chrono_tz::UTC.into());
        let summary = postmortem::pipeline::read_record_bytes(data, &ctx);
        assert_eq!(summary.lines, summary.parsed + summary.skipped + summary.blank, "every line accounted for");
    }
});
