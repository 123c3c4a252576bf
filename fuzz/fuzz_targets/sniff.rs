#![no_main]
//! The format sniffer, on whole and on cut samples.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = postmortem::parse::sniff(data, true);
    let _ = postmortem::parse::sniff(data, false);
});
