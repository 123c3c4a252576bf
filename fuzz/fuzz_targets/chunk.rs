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
        let ctx = ChunkContext { format, file: 0, bin_width: 60_000_000, zone: chrono_tz::Europe::Berlin.into(), year: Some(YearTracker::new(2023)), w3c: None, access_format: None, overlap: None, sane: Default::default(), zone_last: None };
        let out = process_chunk(data, &ctx).summary;
        assert_eq!(out.lines, out.parsed + out.skipped + out.continuation + out.blank, "every line accounted for");
    }
});
