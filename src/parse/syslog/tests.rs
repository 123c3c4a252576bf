use super::*;
use crate::time::format_utc;

#[test]
fn sudo_line_from_auth_log() {
    let line = b"Mar 27 13:09:37 ip-10-77-20-248 sudo:   ubuntu : TTY=pts/0 ; PWD=/home/ubuntu ; USER=root ; COMMAND=/usr/bin/apt-key add -";
    let s = parse(line).unwrap();
    let SyslogStamp::YearLess(c) = s.stamp else {
        panic!("year-less expected")
    };
    assert_eq!(
        (c.month, c.day, c.hour, c.minute, c.second),
        (3, 27, 13, 9, 37)
    );
    assert_eq!(s.host, b"ip-10-77-20-248");
    assert_eq!(s.program, b"sudo");
    assert_eq!(s.pid, None);
    assert!(s.message.starts_with(b"ubuntu : TTY=pts/0"));
}

#[test]
fn tag_with_pid_and_pri() {
    let s =
        parse(b"<38>Sep  3 09:23:38 veridian sshd[1291]: Server listening on :: port 22.").unwrap();
    assert_eq!(s.pri, Some(38));
    assert_eq!(s.severity(), Some(6));
    assert_eq!(s.program, b"sshd");
    assert_eq!(s.pid, Some(1291));
    assert_eq!(s.message, b"Server listening on :: port 22.");
}

#[test]
fn high_precision_rsyslog_format() {
    let s = parse(b"2023-09-10T10:15:02.123456+02:00 auth-1 systemd[1]: Started authd.service.")
        .unwrap();
    let SyslogStamp::Dated { time, offset_secs } = s.stamp else {
        panic!("dated expected")
    };
    assert_eq!(format_utc(time), "2023-09-10T08:15:02Z");
    assert_eq!(time % 1_000_000, 123_456);
    assert_eq!(offset_secs, 7200);
    assert_eq!(s.program, b"systemd");
    assert_eq!(s.pid, Some(1));
}

#[test]
fn rfc5424_with_structured_data_and_nil_fields() {
    let s = parse(br#"<46>1 2017-04-27T07:50:47.381967+02:00 logserver rsyslogd - - [origin software="rsyslogd" swVersion="8.4.2" x-pid="900"] start"#).unwrap();
    let SyslogStamp::Dated { time, offset_secs } = s.stamp else {
        panic!("dated")
    };
    assert_eq!(format_utc(time), "2017-04-27T05:50:47Z");
    assert_eq!(offset_secs, 7200);
    assert_eq!(
        (s.pri, s.host, s.program, s.pid),
        (Some(46), &b"logserver"[..], &b"rsyslogd"[..], None)
    );
    assert_eq!(s.message, b"start");
    let s =
        parse(b"<78>1 2017-04-27T08:09:01+02:00 nextcloud CRON 1472 - -  (root) CMD (x)").unwrap();
    assert_eq!(
        (s.program, s.pid, s.message),
        (&b"CRON"[..], Some(1472), &b" (root) CMD (x)"[..])
    );
    let s = parse(b"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventID=\"1011\"][examplePriority@32473 class=\"high\"] \xef\xbb\xbfAn application event").unwrap();
    assert_eq!(
        (s.host, s.program, s.severity()),
        (&b"mymachine.example.com"[..], &b"evntslog"[..], Some(5))
    );
    assert_eq!(s.message, b"An application event", "the BOM is dropped");
    let s =
        parse(br#"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 [a x="]\]"] msg"#)
            .unwrap();
    assert_eq!(
        s.message, b"msg",
        "an escaped bracket inside a value does not end the element"
    );
}

#[test]
fn without_a_colon_the_first_word_is_the_tag_as_rsyslog_reads_it() {
    let s = parse(b"Nov  3 09:23:38 veridian lookup for opt failed").unwrap();
    assert_eq!(s.host, b"veridian");
    assert_eq!(s.program, b"lookup");
    assert_eq!(s.message, b"for opt failed");
    let mark = parse(b"Feb 18 16:01:59 serverX -- MARK --").unwrap();
    assert_eq!((mark.program, mark.message), (&b"--"[..], &b"MARK --"[..]));
}

#[test]
fn cisco_style_year_in_the_date_and_a_colon_after_the_clock() {
    let s = parse(b"<167>Mar 7 2008 19:06:53: example tag: testmessage").unwrap();
    let SyslogStamp::Local(c) = s.stamp else {
        panic!("a full local date expected")
    };
    assert_eq!((c.year, c.month, c.day, c.hour), (2008, 3, 7, 19));
    assert_eq!((s.host, s.program), (&b"example"[..], &b"tag"[..]));
    assert_eq!(s.message, b"testmessage");
}

#[test]
fn shouted_months_a_space_after_pri_and_a_bare_stamp() {
    let s = parse(b"<6>AUG 10 22:18:24 host kernel: x").unwrap();
    assert!(matches!(s.stamp, SyslogStamp::YearLess(c) if c.month == 8 && c.day == 10));
    let s = parse(b"<167> Mar  7 19:06:53 example tag: testmessage").unwrap();
    assert_eq!(s.pri, Some(167));
    assert_eq!(s.host, b"example");
    let bare = parse(b"<14>Aug 30 23:00:05").unwrap();
    assert_eq!(
        (bare.host, bare.program, bare.message),
        (&b""[..], &b""[..], &b""[..])
    );
}

#[test]
fn bad_dates_are_rejected() {
    assert!(parse(b"Foo 10 08:15:02 host x: y").is_none());
    assert!(parse(b"Sep 31 08:15:02 host x: y").is_none());
    assert!(parse(b"Sep 10 25:15:02 host x: y").is_none());
    assert!(parse(b"\tcontinued").is_none());
    assert!(is_continuation(b"\tASL Module"));
}

#[test]
fn journalctl_short_iso_with_a_colonless_offset() {
    let s = parse(b"2023-09-10T08:15:03+0200 web-1 sudo[812]:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx").unwrap();
    let SyslogStamp::Dated { time, offset_secs } = s.stamp else {
        panic!("dated expected")
    };
    assert_eq!(format_utc(time), "2023-09-10T06:15:03Z");
    assert_eq!(offset_secs, 7200);
    assert_eq!(s.host, b"web-1");
    assert_eq!((s.program, s.pid), (&b"sudo"[..], Some(812)));
    assert!(
        s.message
            .ends_with(b"COMMAND=/usr/bin/systemctl restart nginx")
    );
}

#[test]
fn journalctl_short_precise_keeps_the_microseconds() {
    let s =
        parse(b"Sep 10 08:15:02.123456 web-1 kernel: Out of memory: Killed process 4242 (authd)")
            .unwrap();
    let SyslogStamp::YearLess(c) = s.stamp else {
        panic!("year-less expected")
    };
    assert_eq!(
        (c.month, c.day, c.hour, c.minute, c.second),
        (9, 10, 8, 15, 2)
    );
    assert_eq!(c.micros, 123_456);
    assert_eq!(s.program, b"kernel");
    assert_eq!(s.message, b"Out of memory: Killed process 4242 (authd)");
}

#[test]
fn journalctl_markers_are_not_records() {
    assert!(is_journal_marker(
        b"-- Journal begins at Mon 2023-09-04 10:00:00 CEST, ends at Sun 2023-09-10 10:20:00 CEST. --"
    ));
    assert!(is_journal_marker(
        b"-- Boot 3f2a9c0e5b0c4b7e9d1e2f3a4b5c6d7e --"
    ));
    assert!(is_journal_marker(b"-- No entries --"));
    assert!(!is_journal_marker(
        b"Sep 10 08:15:02 web-1 rsyslogd: -- MARK --"
    ));
}

#[test]
fn a_folded_repeat_says_how_many_messages_it_stands_for() {
    assert_eq!(
        repeats(b"message repeated 5 times: [ Failed password for root from 203.0.113.77 port 40000 ssh2]"),
        5
    );
    assert_eq!(
        repeats(b"Failed password for root from 203.0.113.77 port 40000 ssh2"),
        1
    );
    assert_eq!(repeats(b"message repeated many times: [ x]"), 1);
    assert_eq!(repeats(b"message repeated 0 times: [ x]"), 1);
    assert_eq!(repeats(b"message repeated 99999999999 times: [ x]"), 1);
}

#[test]
fn month_names_of_a_french_german_or_spanish_locale() {
    // journalctl under LC_TIME=fr_FR.UTF-8 (glibc's `%b`): `août`, `juil.`, `mars`.
    let cases: [(&str, u32); 6] = [
        ("août 19 11:08:37 nlaptop symphorien[4961]: test", 8),
        ("juil. 19 11:08:37 nlaptop cron[1]: test", 7),
        ("mars  2 11:08:37 nlaptop cron[1]: test", 3),
        ("déc. 24 23:59:59 nlaptop cron[1]: test", 12),
        ("Mär 19 11:08:37 rechner cron[1]: test", 3),
        ("dic 19 11:08:37 equipo cron[1]: test", 12),
    ];
    for (line, month) in cases {
        let s = parse(line.as_bytes()).expect(line);
        let SyslogStamp::YearLess(c) = s.stamp else {
            panic!("year-less expected: {line}")
        };
        assert_eq!(c.month, month, "{line}");
        assert_eq!(s.message, b"test", "{line}");
    }
    assert!(parse("août19 11:08:37 host x: y".as_bytes()).is_none());
}
