#![no_main]
//! A whole chunk through each line format's worker: parsing, time conversion in a zone with
//! daylight saving, year tracking, binning, signatures and kept events. Lines are accounted.
use libfuzzer_sys::fuzz_target;
use postmortem::aggregate::chunk::{ChunkContext, month_span, process_chunk};
use postmortem::parse::registry;
use postmortem::time::year::YearTracker;

fuzz_target!(|data: &[u8]| {
    for format in registry::LINE_FORMATS.iter().map(|s| s.format) {
        let _ = month_span(data, format);
        let ctx = ChunkContext { year: Some(YearTracker::new(2023)), ..ChunkContext::new(format, 0, 60_000_000, chrono_tz::Europe::Berlin.into()) };
        let out = process_chunk(data, &ctx).summary;
        assert_eq!(out.lines, out.parsed + out.skipped + out.continuation + out.blank, "every line accounted for");
    }
});
