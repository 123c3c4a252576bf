//! Nothing panics on any input, and results do not depend on where chunks are cut.

mod common;

use postmortem::aggregate::Summary;
use postmortem::aggregate::chunk::{ChunkContext, process_chunk};
use postmortem::parse::{self, Format, alertmanager, nginx_access, nginx_error, syslog};
use postmortem::time::year::YearTracker;
use postmortem_scenario::rng::Rng;

const VALID: [&[u8]; 5] = [
    br#"10.0.0.2, 10.0.0.1 10.2.1.1 - bob [10/Sep/2023:08:15:02 +0200] "GET /a?b HTTP/1.1" 503 12 "-" "x" "1.2.3.4" 0.5"#,
    b"2023/09/10 08:15:02 [error] 1#1: *2 boom, client: 1.2.3.4, server: s, upstream: \"u\"",
    b"<13>Sep 10 08:15:02 host sudo:  bob : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/systemctl restart x",
    b"2023-09-10T08:15:02.123456+02:00 host kernel: Out of memory: Killed process 1 (java)",
    br#"{"version":"4","status":"firing","alerts":[{"startsAt":"2023-09-10T08:15:02Z","labels":{"alertname":"A"}}]}"#,
];

fn every_parser(line: &[u8]) {
    let _ = nginx_access::parse(line);
    let _ = nginx_error::parse(line);
    let _ = syslog::parse(line);
    let _ = parse::sniff(line, true);
    let _ = parse::sniff(line, false);
    if let Ok(doc) = serde_json::from_slice::<serde_json::Value>(line) {
        let _ = alertmanager::notices(&doc);
    }
    for format in [Format::NginxAccess, Format::NginxError, Format::Syslog] {
        let ctx = ChunkContext {
            year: Some(YearTracker::new(2023)),
            ..ChunkContext::new(format, 0, 60_000_000, chrono_tz::Europe::Berlin.into())
        };
        let _ = process_chunk(line, &ctx);
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng::new(0x5eed);
    for _ in 0..3000 {
        let len = rng.below(300) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        every_parser(&bytes);
    }
}

#[test]
fn every_prefix_and_single_byte_mutation_of_valid_lines_never_panics() {
    let mut rng = Rng::new(7);
    for line in VALID {
        for cut in 0..=line.len() {
            every_parser(&line[..cut]);
            every_parser(&line[cut..]);
        }
        for _ in 0..2000 {
            let mut mutated = line.to_vec();
            let at = rng.below(mutated.len() as u64) as usize;
            mutated[at] = *rng.pick(&[
                b'"', b'[', b']', b' ', b'\\', b':', b',', 0, 0xff, b'9', b'\n', b'\t', b'-', b'.',
            ]);
            every_parser(&mutated);
        }
    }
}

/// Parses `data` cut into chunks of `size` bytes (at newlines), through the reader's own
/// chunk loop.
fn summary_in_chunks(data: &[u8], size: usize, ctx: &ChunkContext) -> Summary {
    let stream = Box::new(std::io::Cursor::new(data.to_vec()));
    let read = postmortem::pipeline::lines::read_stream(stream, ctx.clone(), size, false, |_| {});
    assert!(read.stopped.is_none(), "an in-memory stream cannot fail");
    read.summary
}

fn fingerprint(s: &Summary) -> String {
    let events: Vec<String> = s
        .events
        .iter()
        .map(|e| format!("{}@{}:{}", e.time, e.source.file, e.source.line))
        .collect();
    format!(
        "{} {} {} {} {} {:?} {:?} {:?} {:?} {}",
        s.lines,
        s.parsed,
        s.skipped,
        s.continuation,
        s.blank,
        s.first_time,
        s.last_time,
        s.series.bins,
        s.skipped_examples,
        events.join(",")
    )
}

#[test]
fn chunk_boundaries_do_not_change_the_result() {
    let mut rng = Rng::new(3);
    // A year-less syslog across New Year, with continuation lines and a bad line.
    let mut data = Vec::new();
    for (month, day) in [(12u32, 31u32), (1, 1)] {
        let name = if month == 12 { "Dec" } else { "Jan" };
        for h in 0..24 {
            data.extend_from_slice(format!("{name} {day:>2} {h:02}:00:00 h sudo:  bob : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/systemctl restart s{h}\n").as_bytes());
            data.extend_from_slice(
                format!(
                    "{name} {day:>2} {h:02}:30:00 h app[1]: request failed {}\n",
                    rng.below(100)
                )
                .as_bytes(),
            );
            data.extend_from_slice(b"\tcontinued detail\n");
            if h == 5 {
                data.extend_from_slice(b"garbage line\n");
            }
        }
    }
    let ctx = ChunkContext {
        year: Some(YearTracker::new(2023)),
        ..ChunkContext::new(
            Format::Syslog,
            0,
            60_000_000,
            chrono_tz::Europe::Berlin.into(),
        )
    };
    let whole_summary = summary_in_chunks(&data, data.len() + 1, &ctx);
    let utc = |t: Option<i64>| postmortem::time::format_utc(t.unwrap());
    assert_eq!(
        utc(whole_summary.first_time),
        "2023-12-30T23:00:00Z",
        "Dec 31 00:00 in Berlin"
    );
    assert_eq!(
        utc(whole_summary.last_time),
        "2024-01-01T22:30:00Z",
        "Jan 1 rolled into 2024"
    );
    assert_eq!(
        (whole_summary.skipped, whole_summary.continuation),
        (2, 48),
        "{:?}",
        whole_summary.skipped_examples
    );
    let whole = fingerprint(&whole_summary);
    for size in [1, 7, 64, 100, 333, 1000, 4096] {
        assert_eq!(
            fingerprint(&summary_in_chunks(&data, size, &ctx)),
            whole,
            "chunk size {size}"
        );
    }
    // And the sample's access log, cut anywhere.
    let access = std::fs::read(common::sample_logs().join("nginx/access.log")).unwrap();
    let ctx = ChunkContext {
        reader: postmortem::parse::reader::FileReader::plain(Format::NginxAccess),
        year: None,
        ..ctx
    };
    let whole = summary_in_chunks(&access, access.len() + 1, &ctx);
    for size in [4096, 65_536, 1 << 20] {
        let cut = summary_in_chunks(&access, size, &ctx);
        assert_eq!(fingerprint(&cut), fingerprint(&whole), "chunk size {size}");
        assert_eq!(
            cut.clients.active_and_affected(i64::MIN, i64::MAX),
            whole.clients.active_and_affected(i64::MIN, i64::MAX)
        );
    }
}

/// Found by the `alerts` fuzz target: `28 [` is two documents on one line (a number, then
/// broken JSON); the line was counted as skipped twice, so skipped exceeded lines read.
#[test]
fn regression_two_documents_on_one_line_are_counted_once() {
    for data in [
        &b"28 ["[..],
        b"{} {}\n[1]\n",
        b"{\"a\":1}\n\n  \n{",
        b"\n\n",
    ] {
        let s = postmortem::pipeline::read_alert_bytes(data, 0);
        assert_eq!(
            s.lines,
            s.parsed + s.skipped + s.blank,
            "{:?}: {s:?}",
            String::from_utf8_lossy(data)
        );
    }
    let s = postmortem::pipeline::read_alert_bytes(b"28 [", 0);
    assert_eq!((s.lines, s.skipped), (1, 1));
}

/// Year inference across New Year: for random spans and starting months, lines written in
/// order get years that never go backwards and step exactly at each New Year.
#[test]
fn year_tracking_follows_random_spans_across_new_year() {
    use postmortem::time::year::YearTracker;
    let mut rng = Rng::new(2024);
    for _ in 0..500 {
        let start_month = 1 + rng.below(12) as u32;
        let mut tracker = YearTracker::new(2020);
        let (mut month, mut year) = (start_month, 2020);
        assert_eq!(
            tracker.year_for(month),
            Some(year),
            "the first line is in the base year"
        );
        for _ in 0..rng.below(40) {
            let step = rng.below(3) as u32; // 0–2 months between lines
            month += step;
            while month > 12 {
                month -= 12;
                year += 1;
            }
            assert_eq!(tracker.year_for(month), Some(year), "start {start_month}");
        }
    }
}

/// Civil times round-trip through every zone the tool may be asked for: local → UTC → local
/// gives the same wall clock, except in the hour skipped when clocks go forward.
#[test]
fn civil_times_round_trip_through_zones() {
    use chrono::TimeZone;
    use postmortem::time::{Civil, ZoneConverter};
    let mut rng = Rng::new(77);
    for zone in [
        chrono_tz::UTC,
        chrono_tz::Europe::Berlin,
        chrono_tz::America::New_York,
        chrono_tz::Asia::Kolkata,
        chrono_tz::Australia::Sydney,
        chrono_tz::Asia::Kathmandu,
        chrono_tz::Pacific::Chatham,
    ] {
        let mut conv = ZoneConverter::new(zone);
        for _ in 0..2000 {
            let civil = Civil {
                year: 1990 + rng.below(60) as i32,
                month: 1 + rng.below(12) as u32,
                day: 1 + rng.below(28) as u32,
                hour: rng.below(24) as u32,
                minute: rng.below(60) as u32,
                second: rng.below(60) as u32,
                micros: 0,
            };
            let t = conv.to_utc(&civil).unwrap();
            let back = zone
                .timestamp_opt(t.div_euclid(1_000_000), 0)
                .unwrap()
                .naive_local();
            let wall = chrono::NaiveDate::from_ymd_opt(civil.year, civil.month, civil.day)
                .unwrap()
                .and_hms_opt(civil.hour, civil.minute, civil.second)
                .unwrap();
            let skipped = zone.from_local_datetime(&wall).single().is_none()
                && zone.from_local_datetime(&wall).earliest().is_none();
            if !skipped {
                assert_eq!(back, wall, "{zone}");
            }
        }
    }
}
