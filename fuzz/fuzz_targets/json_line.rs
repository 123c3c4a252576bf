#![no_main]
//! JSON records on arbitrary bytes: never a panic, and the one-pass reader either declines a
//! line or reads it exactly as the general (`serde_json`) reader does.
use libfuzzer_sys::fuzz_target;
use postmortem::parse::jsonl::{parse_json_line_general, read_json_line_fast};

fuzz_target!(|data: &[u8]| {
    if let Some(fast) = read_json_line_fast(data) {
        assert_eq!(Some(fast), parse_json_line_general(data).map(|r| r.entry()));
    }
});
