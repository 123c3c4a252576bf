//! The 31 syslog cases of rsyslog's parser tests (`../shared/data/syslog/parsertest-*.json`),
//! compared field by field with rsyslog's own output: PRI, facility, severity, timestamp,
//! hostname, program name and message. Where we differ, we differ on purpose; each such case
//! is listed in `DIFFERENCES` with the fields and the reason, and the test fails both when a
//! new difference appears and when a listed one goes away (so the list stays true).
//!
//! rsyslog's tag and `$RS_HOSTNAME` (the receiving host) have no counterpart here: a file read
//! after the fact has no receiver, and the tag is split into program and pid.

mod common;

use postmortem::parse::syslog::{self, SyslogStamp};
use serde_json::Value;

const FACILITIES: [&str; 24] = [
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
    "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4",
    "local5", "local6", "local7",
];
const SEVERITIES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (file, case index, fields that differ, why).
const DIFFERENCES: &[(&str, usize, &str, &str)] = &[
    (
        "parse-nodate",
        0,
        "unparsed",
        "no time in the line: rsyslog stamps it with the time it received it; a file read \
         afterwards has no such time, so the line is skipped (and reported as path:line)",
    ),
    (
        "parse-nodate",
        1,
        "unparsed",
        "the same: plain text with no time cannot be placed on the time line",
    ),
];

/// Our parse in rsyslog's fields: PRI (13 when absent, as rsyslog), facility, severity,
/// `Mmm dd hh:mm:ss`, host, program, message (rsyslog keeps the space after `tag:`; we
/// compare without it).
fn ours(line: &str) -> Option<Vec<String>> {
    let s = syslog::parse(line.as_bytes())?;
    let pri = s.pri.unwrap_or(13);
    let (month, day, clock) = match s.stamp {
        SyslogStamp::YearLess(c) | SyslogStamp::Local(c) => {
            (c.month, c.day, (c.hour, c.minute, c.second))
        }
        SyslogStamp::Dated { time, offset_secs } => {
            let local = postmortem::time::to_naive(time + i64::from(offset_secs) * 1_000_000)?;
            use chrono::{Datelike, Timelike};
            (
                local.month(),
                local.day(),
                (local.hour(), local.minute(), local.second()),
            )
        }
    };
    Some(vec![
        pri.to_string(),
        FACILITIES
            .get(usize::from(pri >> 3))
            .unwrap_or(&"?")
            .to_string(),
        SEVERITIES[usize::from(pri & 7)].to_string(),
        format!(
            "{} {day:>2} {:02}:{:02}:{:02}",
            MONTHS[month as usize - 1],
            clock.0,
            clock.1,
            clock.2
        ),
        String::from_utf8_lossy(s.host).to_string(),
        String::from_utf8_lossy(s.program).to_string(),
        String::from_utf8_lossy(s.message)
            .trim_start_matches(' ')
            .to_string(),
    ])
}

const NAMES: [&str; 7] = [
    "pri",
    "facility",
    "severity",
    "timestamp",
    "host",
    "program",
    "msg",
];

/// rsyslog's expected line in the same fields. Fields up to the host hold no commas; the
/// program, tag and message may, so they are split where the tag starts with the program.
fn theirs(template: &str, expected: &str) -> Vec<String> {
    let has_time = template.contains("%timestamp%");
    let head = if has_time { 5 } else { 4 };
    let parts: Vec<&str> = expected.splitn(head + 1, ',').collect();
    let rest = parts.get(head).copied().unwrap_or("");
    let (program, message) = rest
        .match_indices(',')
        .find_map(|(i, _)| {
            let program = &rest[..i];
            let after = rest[i + 1..].strip_prefix(program)?;
            let after = match after.strip_prefix('[') {
                Some(inside) => &inside[inside.find(']')? + 1..],
                None => after,
            };
            let after = after.strip_prefix(':').unwrap_or(after);
            Some((program, after.strip_prefix(',')?))
        })
        .unwrap_or(("?", rest));
    let get = |i: usize| parts.get(i).map_or(String::new(), |v| v.to_string());
    vec![
        get(0),
        get(1),
        get(2),
        if has_time { get(3) } else { String::new() },
        get(head - 1),
        program.to_string(),
        message.trim_start_matches(' ').to_string(),
    ]
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn rsyslog_parser_cases_field_by_field() {
    let dir = common::shared_data();
    let mut cases = 0;
    let mut report = Vec::new();
    for file in ["parse1", "parse-nodate"] {
        let path = dir.join(format!("syslog/parsertest-{file}.json"));
        let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let template = doc["template"].as_str().unwrap();
        let inputs = doc["inputs"].as_array().unwrap();
        let expected = doc["expected_lines"].as_array().unwrap();
        for (n, (input, want)) in inputs.iter().zip(expected).enumerate() {
            cases += 1;
            let input = input.as_str().unwrap();
            let want = theirs(template, want.as_str().unwrap());
            let differing: Vec<&str> = match ours(input) {
                None => vec!["unparsed"],
                Some(got) => NAMES
                    .iter()
                    .enumerate()
                    .filter(|(i, name)| {
                        // rsyslog's `$RS_HOSTNAME`: the receiver's name, which a file lacks.
                        let receiver_only = *name == &"host" && want[*i] == "$RS_HOSTNAME";
                        let no_time = *name == &"timestamp" && want[*i].is_empty();
                        !receiver_only && !no_time && got[*i] != want[*i]
                    })
                    .map(|(_, name)| *name)
                    .collect(),
            };
            report.push((file, n, differing.join("+"), input.to_string(), want));
        }
    }
    assert_eq!(cases, 31);
    for (file, n, diff, input, want) in &report {
        println!(
            "{file}#{n}: [{diff}] {input:?}\n    rsyslog: {want:?}\n    ours:    {:?}",
            ours(input)
        );
    }
    let found: Vec<(&str, usize, String)> = report
        .iter()
        .filter(|r| !r.2.is_empty())
        .map(|r| (r.0, r.1, r.2.clone()))
        .collect();
    let listed: Vec<(&str, usize, String)> = DIFFERENCES
        .iter()
        .map(|d| (d.0, d.1, d.2.to_string()))
        .collect();
    assert_eq!(found, listed, "differences from rsyslog changed");
}
