#![no_main]
//! The access-log parser on arbitrary bytes: must never panic, and what it returns must hold
//! together (the client is part of the line, the status is a status), and its fast path must
//! read every line exactly as the general parser does.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    assert_eq!(
        postmortem::parse::nginx_access::parse(data),
        postmortem::parse::nginx_access::parse_general(data)
    );
    if let Some(a) = postmortem::parse::nginx_access::parse(data) {
        assert!((100..=599).contains(&a.status));
        assert!(!a.client.is_empty());
        let _ = a.path();
        let _ = a.client_key();
    }
});
