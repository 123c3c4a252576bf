//! Conformance: the parsers against real files from other projects (`../shared/data`). Each
//! file is read whole; chosen lines are checked for the values a person reads off them.

mod common;

use postmortem::parse::{nginx_access, nginx_error, syslog};
use postmortem::time::{ZoneConverter, format_utc};

fn access_lines(name: &str) -> Vec<Vec<u8>> {
    let dir = common::shared_data();
    let path = dir.join(name);
    common::lines_of(&path)
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn every_access_sample_line_parses_except_the_known_bad_one() {
    let dir = common::shared_data();
    let mut files: Vec<_> = std::fs::read_dir(dir.join("nginx"))
        .unwrap()
        .chain(std::fs::read_dir(dir.join("apache")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().contains("error"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    for path in files {
        let lines = common::lines_of(&path);
        let failed: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| nginx_access::parse(l).is_none())
            .map(|(i, _)| i + 1)
            .collect();
        let expected: Vec<usize> = if path.ends_with("lnav_bad_access.log") {
            vec![2]
        } else {
            vec![]
        };
        assert_eq!(failed, expected, "{}", path.display());
    }
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn apache_combined_first_line() {
    let lines = access_lines("apache/elastic_apache_combined.log");
    assert_eq!(lines.len(), 10_000);
    let a = nginx_access::parse(&lines[0]).unwrap();
    assert_eq!(a.client, b"83.149.9.216");
    assert_eq!(format_utc(a.time), "2015-05-17T10:05:03Z");
    assert_eq!(a.method, Some(&b"GET"[..]));
    assert_eq!(
        a.path(),
        Some(&b"/presentations/logstash-monitorama-2013/images/kibana-search.png"[..])
    );
    assert_eq!(a.status, 200);
    assert_eq!(a.bytes, Some(203_023));
    assert_eq!(
        a.referer,
        Some(&b"http://semicomplete.com/presentations/logstash-monitorama-2013/"[..])
    );
    assert!(a.user_agent.unwrap().starts_with(b"Mozilla/5.0 (Macintosh"));
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn filebeat_edge_cases() {
    let lines = access_lines("nginx/filebeat_nginx_access_test.log");
    // An X-Forwarded-For list where $remote_addr stands: origin first, proxy last.
    let a = nginx_access::parse(&lines[0]).unwrap();
    assert_eq!(a.client, b"127.0.0.1");
    assert_eq!(a.forwarded_for, Some(&b"10.0.0.2"[..]));
    assert_eq!(format_utc(a.time), "2016-12-07T10:05:07Z");
    assert_eq!(a.client_key(), b"10.0.0.2");
    // A trailing "$http_x_forwarded_for" of "-" is no forwarded address.
    let a = nginx_access::parse(&lines[1]).unwrap();
    assert_eq!(
        (a.client, a.forwarded_for, a.status),
        (&b"172.17.0.1"[..], None, 404)
    );
    // A quoted list before the address.
    let a = nginx_access::parse(&lines[4]).unwrap();
    assert_eq!(a.client, b"10.2.1.185");
    assert_eq!(a.forwarded_for, Some(&b"10.5.102.222"[..]));
    assert_eq!(a.path(), Some(&b"/assets/xxxx"[..]));
    assert_eq!(a.user_agent, Some(&b"Amazon CloudFront"[..]));
    // IPv6 in the list.
    let a = nginx_access::parse(&lines[5]).unwrap();
    assert_eq!(a.client, b"10.2.2.121");
    assert_eq!(
        a.forwarded_for,
        Some(&b"2a03:0000:10ff:f00f:0000:0000:0:8000"[..])
    );
    assert_eq!(a.status, 404);
    // The empty request.
    let a = nginx_access::parse(&lines[6]).unwrap();
    assert_eq!((a.request, a.status, a.bytes), (&b""[..], 400, Some(0)));
    assert_eq!(format_utc(a.time), "2018-04-12T07:48:40Z");
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn filebeat_vhost_prefixed_line() {
    let lines = access_lines("nginx/filebeat_nginx_access_access.log");
    let line = lines
        .iter()
        .find(|l| l.starts_with(b"lessons.example.com"))
        .unwrap();
    let a = nginx_access::parse(line).unwrap();
    assert_eq!(a.vhost, Some(&b"lessons.example.com"[..]));
    assert_eq!(a.client, b"192.168.0.1");
    assert_eq!(format_utc(a.time), "2020-06-09T19:10:39Z");
    assert_eq!(a.offset_secs, -7 * 3600);
    assert_eq!((a.status, a.bytes), (206, Some(7_648_063)));
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn shop_log_with_half_hour_offset() {
    let lines = access_lines("nginx/lnav_shop_access.log");
    assert_eq!(lines.len(), 1000);
    let a = nginx_access::parse(&lines[0]).unwrap();
    assert_eq!(a.client, b"54.36.149.41");
    assert_eq!(format_utc(a.time), "2019-01-22T00:26:14Z");
    assert_eq!(a.offset_secs, 3 * 3600 + 30 * 60);
    assert_eq!((a.status, a.bytes), (200, Some(30_577)));
    assert_eq!(
        a.user_agent,
        Some(&b"Mozilla/5.0 (compatible; AhrefsBot/6.1; +http://ahrefs.com/robot/)"[..])
    );
    assert_eq!(a.forwarded_for, None);
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn nginx_error_records_and_continuations() {
    let dir = common::shared_data();
    let lines = common::lines_of(&dir.join("nginx/filebeat_nginx_error_error.log"));
    let records: Vec<_> = lines
        .iter()
        .filter(|l| nginx_error::starts_record(l))
        .collect();
    assert_eq!((records.len(), lines.len() - records.len()), (4, 2));
    for r in &records {
        assert!(
            nginx_error::parse(r).is_some(),
            "{}",
            String::from_utf8_lossy(r)
        );
    }
    let e = nginx_error::parse(records[0]).unwrap();
    let mut utc = ZoneConverter::new(chrono_tz::UTC);
    assert_eq!(
        format_utc(utc.to_utc(&e.civil).unwrap()),
        "2016-10-25T14:49:34Z"
    );
    assert_eq!(e.level, nginx_error::Level::Error);
    assert_eq!(e.pid, Some(54053));
    assert_eq!(e.connection, Some(1));
    assert_eq!(e.client, Some(&b"127.0.0.1"[..]));
    assert_eq!(e.server, Some(&b"localhost"[..]));
    let fastcgi = nginx_error::parse(records[2]).unwrap();
    assert_eq!(fastcgi.pid, Some(205_860));
    assert!(fastcgi.message.starts_with(b"FastCGI sent in stderr"));
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn every_auth_log_line_parses_with_its_fields() {
    let dir = common::shared_data();
    let lines = common::lines_of(&dir.join("syslog/elastic_auth.log"));
    assert_eq!(lines.len(), 7121);
    let parsed: Vec<_> = lines.iter().map(|l| syslog::parse(l)).collect();
    assert!(parsed.iter().all(Option::is_some), "every line parses");
    let first = parsed[0].as_ref().unwrap();
    let syslog::SyslogStamp::YearLess(c) = first.stamp else {
        panic!("year-less")
    };
    assert_eq!(
        (c.month, c.day, c.hour, c.minute, c.second),
        (3, 27, 13, 6, 56)
    );
    assert_eq!(first.host, b"ip-10-77-20-248");
    assert_eq!(first.program, b"sshd");
    assert_eq!(first.pid, Some(1291));
    assert_eq!(first.message, b"Server listening on 0.0.0.0 port 22.");
    let sudo = parsed[9].as_ref().unwrap();
    assert_eq!((sudo.program, sudo.pid), (&b"sudo"[..], None));
    let action =
        postmortem::parse::meaning::notable::syslog_action(sudo.program, sudo.message).unwrap();
    assert_eq!(action.actor.as_deref(), Some("ubuntu"));
    assert!(action.text.ends_with("filebeat-5.2.2-amd64.deb"));
    let programs = |name: &[u8]| {
        parsed
            .iter()
            .flatten()
            .filter(|s| s.program == name)
            .count()
    };
    assert_eq!(programs(b"sshd"), 4095);
    assert_eq!(programs(b"CRON"), 1264);
    assert_eq!(programs(b"sudo"), 557);
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn lnav_syslog_continuations_and_tagless_lines_read_as_rsyslog_does() {
    let dir = common::shared_data();
    let data = std::fs::read(dir.join("syslog/lnav_syslog.3")).unwrap();
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let continued = lines.iter().filter(|l| syslog::is_continuation(l)).count();
    assert_eq!((lines.len(), continued), (17, 10));
    let s = syslog::parse(lines[2]).unwrap();
    assert_eq!(
        (s.host, s.program, s.pid),
        (&b"Tims-Air"[..], &b"syslogd"[..], Some(314))
    );
    assert_eq!(s.message, b"Configuration Notice:");
    let bad = std::fs::read(dir.join("syslog/lnav_bad_syslog.0")).unwrap();
    let tagless = bad.split(|&b| b == b'\n').nth(2).unwrap();
    let s = syslog::parse(tagless).unwrap();
    // No `tag:`: the first word is the tag, as rsyslog reads it (tests/rsyslog_cases.rs).
    assert_eq!(
        (s.host, s.program, s.message),
        (&b"veridian"[..], &b"lookup"[..], &b"for opt failed"[..])
    );
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn alertmanager_samples_give_their_alerts() {
    use postmortem::parse::alertmanager::{AlertStatus, notices};
    let dir = common::shared_data();
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join("alerts/alertmanager").join(name)).unwrap())
            .unwrap()
    };
    let zulip = notices(&read("zulip_alert.json")).unwrap();
    assert_eq!(zulip.len(), 2);
    assert_eq!(zulip[0].name, "High CPU Temperature");
    assert_eq!(zulip[0].status, AlertStatus::Firing);
    assert_eq!(format_utc(zulip[0].starts_at), "2020-02-06T00:17:58Z");
    assert_eq!(zulip[0].ends_at, None, "Go zero time is no end");
    assert_eq!(zulip[0].receiver, "ops-zulip");
    assert_eq!(zulip[0].identity, "a1bc48475b20e73d");
    let old = notices(&read("old_shape_2018.json")).unwrap();
    assert_eq!(old.len(), 1);
    assert_eq!(
        old[0].status,
        AlertStatus::Firing,
        "group status stands in for the missing one"
    );
    assert_eq!(
        format_utc(old[0].starts_at),
        "2018-03-07T11:33:21Z",
        "-05:00 honoured"
    );
    assert_eq!(
        old[0].starts_at % 1_000_000,
        873_077,
        "nanoseconds kept to the microsecond"
    );
    assert_eq!(old[0].severity.as_deref(), Some("warning"));
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn pagerduty_and_opsgenie_samples_give_their_pages() {
    use postmortem::parse::alertmanager::AlertStatus;
    use postmortem::parse::pager::{Pager, notices};
    let dir = common::shared_data();
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join("alerts").join(name)).unwrap()).unwrap()
    };
    let (pager, n) = notices(&read("pagerduty/pagerduty__triggered_v3.json")).unwrap();
    assert_eq!(pager, Pager::PagerDuty);
    assert_eq!(n.len(), 1);
    assert_eq!(
        (n[0].status, format_utc(n[0].at)),
        (AlertStatus::Firing, "2021-06-04T13:35:29Z".to_string())
    );
    assert_eq!(n[0].title, "Test Incident 3");
    assert_eq!(n[0].service.as_deref(), Some("pig208"));
    assert_eq!(n[0].identity, "PFQZPSY");
    let (_, n) = notices(&read("pagerduty/pagerduty__resolved_v3.json")).unwrap();
    assert_eq!(
        (n[0].status, format_utc(n[0].at)),
        (AlertStatus::Resolved, "2021-06-04T13:16:53Z".to_string())
    );
    assert_eq!(n[0].actor.as_deref(), Some("PIG 208"));
    let (_, n) = notices(&read("pagerduty/go-pagerduty_webhook_test_v2payload.json")).unwrap();
    assert_eq!(
        (n[0].status, format_utc(n[0].at)),
        (AlertStatus::Firing, "2017-09-26T15:14:36Z".to_string())
    );
    assert_eq!(n[0].title, "My new incident");
    assert_eq!(n[0].service.as_deref(), Some("Production XDB Cluster"));
    assert_eq!(n[0].actor.as_deref(), Some("Laura Haley"));
    // A priority change is PagerDuty, but says nothing about the page's course.
    let (pager, n) = notices(&read(
        "pagerduty/go-pagerduty_webhookv3_test_defaultBody.json",
    ))
    .unwrap();
    assert_eq!((pager, n.len()), (Pager::PagerDuty, 0));
    let expected = [
        (
            "opsgenie/opsgenie__create.json",
            AlertStatus::Firing,
            "2017-08-14T11:25:56Z",
            "another alert",
        ),
        (
            "opsgenie/opsgenie__acknowledge.json",
            AlertStatus::Acknowledged,
            "2015-01-05T10:03:44Z",
            "test alert",
        ),
        (
            "opsgenie/opsgenie__close.json",
            AlertStatus::Resolved,
            "2015-01-05T10:06:14Z",
            "test alert",
        ),
    ];
    for (file, status, at, title) in expected {
        let (pager, n) = notices(&read(file)).unwrap();
        assert_eq!(pager, Pager::Opsgenie, "{file}");
        assert_eq!(
            (n[0].status, format_utc(n[0].at), n[0].title.as_str()),
            (status, at.to_string(), title),
            "{file}"
        );
    }
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn journald_export_records() {
    use postmortem::parse::jsonl::{JsonTime, parse_journald};
    let dir = common::shared_data();
    let lines = common::lines_of(&dir.join("journald/lnav_journald_export.json"));
    assert_eq!(lines.len(), 2);
    let records: Vec<_> = lines
        .iter()
        .map(|l| parse_journald(l).expect("every record parses"))
        .collect();
    assert_eq!(records[0].time, JsonTime::Utc(1_534_860_261_221_373));
    assert!(matches!(records[0].time, JsonTime::Utc(t) if format_utc(t) == "2018-08-21T14:04:21Z"));
    assert!(records[0].is_error, "PRIORITY 1 is alert");
    assert_eq!(records[0].host.as_deref(), Some("imx6ul-medusa"));
    assert_eq!(records[0].program.as_deref(), Some("python"));
    assert_eq!(records[0].pid, Some(184));
    assert!(!records[0].message.is_empty());
    let sniffed = postmortem::parse::sniff(
        &std::fs::read(dir.join("journald/lnav_journald_export.json")).unwrap(),
        true,
    );
    assert!(
        matches!(sniffed, postmortem::parse::Sniffed::Log(d) if d.format == postmortem::parse::Format::Journald)
    );
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn rfc5424_and_variants_all_parse() {
    let dir = common::shared_data();
    let lines = common::lines_of(&dir.join("syslog/lnav_rfc5424_and_variants.txt"));
    assert_eq!(lines.len(), 9);
    let parsed: Vec<_> = lines.iter().map(|l| syslog::parse(l)).collect();
    assert!(
        parsed.iter().all(Option::is_some),
        "{:?}",
        parsed.iter().position(Option::is_none)
    );
    let s = parsed[3].as_ref().unwrap();
    let syslog::SyslogStamp::Dated { time, offset_secs } = s.stamp else {
        panic!("RFC 5424 is dated")
    };
    assert_eq!(
        (format_utc(time), offset_secs),
        ("2017-04-27T05:50:47Z".to_string(), 7200)
    );
    assert_eq!(
        (s.pri, s.host, s.program),
        (Some(46), &b"logserver"[..], &b"rsyslogd"[..])
    );
    assert_eq!(s.message, b"start");
    let cron = parsed[5].as_ref().unwrap();
    assert_eq!(
        (cron.program, cron.pid, cron.severity()),
        (&b"CRON"[..], Some(1472), Some(6))
    );
    let hup = parsed[8].as_ref().unwrap();
    let syslog::SyslogStamp::Dated { time, .. } = hup.stamp else {
        panic!("high precision is dated")
    };
    assert_eq!(format_utc(time), "2025-08-31T16:36:55Z");
    assert_eq!(
        (hup.host, hup.program),
        (&b"stack-pc2"[..], &b"rsyslogd"[..])
    );
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn lnav_mixed_times_jump_back_twice_whatever_the_chunk_size() {
    let dir = common::shared_data();
    let path = dir.join("syslog/lnav_syslog_with_mixed_times.0");
    for chunk in [1 << 20, 64, 200] {
        let config = postmortem::Config::new(vec![path.clone()])
            .with_year(Some(2023))
            .unwrap()
            .with_chunk_size(chunk);
        let analysis = postmortem::pipeline::analyse(&config).unwrap();
        let inputs = postmortem::timeline::inputs(&analysis);
        let skew = inputs[0].skew.as_ref().expect("skew reported");
        // 03:12:04 → 01:25:39 at line 6, and 03:46:03 → 03:13:16 at line 12.
        assert_eq!(
            (
                skew.jumps_back,
                skew.largest_jump_back_seconds,
                skew.first_line
            ),
            (2, 6385, 6),
            "chunk size {chunk}"
        );
    }
}

/// The access parser's fast path reads a line exactly as the general parser does: every line
/// of every real sample (error logs too, as lines it must refuse), and each of them with one
/// byte changed, at every position, to one that could change how it splits.
#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn the_fast_access_path_reads_every_sample_line_and_its_mutations_as_the_general_parser() {
    let dir = common::shared_data();
    let mut checked = 0;
    let mut fast_taken = 0;
    for sub in ["nginx", "apache"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            for line in common::lines_of(&entry.unwrap().path())
                .into_iter()
                .take(300)
            {
                let variants = common::one_byte_mutations(&line, b" \"[],\t9:\\-");
                for v in &variants {
                    let (fast, general) = (nginx_access::parse(v), nginx_access::parse_general(v));
                    assert_eq!(fast, general, "{}", String::from_utf8_lossy(v));
                    checked += 1;
                    fast_taken += usize::from(general.is_some());
                }
            }
        }
    }
    assert!(
        checked > 100_000 && fast_taken > 50_000,
        "{checked} {fast_taken}"
    );
}
