#![no_main]
//! Syslog, nginx error, dpkg and apt history parsers, and the action and error-word rules run
//! on what they return.
use libfuzzer_sys::fuzz_target;
use postmortem::parse::meaning::notable;
use postmortem::parse::{nginx_error, packages, syslog};

fuzz_target!(|data: &[u8]| {
    if let Some(s) = syslog::parse(data) {
        let _ = notable::syslog_action(s.program, s.message);
        let _ = notable::is_error_line(s.severity(), s.message);
        let _ = postmortem::aggregate::signature::signature(&String::from_utf8_lossy(s.message));
    }
    if let Some(e) = nginx_error::parse(data) {
        let _ = notable::nginx_action(e.message);
    }
    let _ = packages::parse_dpkg(data);
    let _ = packages::parse_history(data);
});
