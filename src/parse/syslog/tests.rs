use super::*;
use crate::time::format_utc;

#[test]
fn sudo_line_from_auth_log() {
    let line = b"Mar 27 13:09:37 ip-10-77-20-248 sudo:   ubuntu : TTY=pts/0 ; PWD=/home/ubuntu ; USER=root ; COMMAND=/usr/bin/apt-key add -";
    let s = parse(line).unwrap();
    let Stamp::YearLess(c) = s.stamp else {
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
    let Stamp::Dated { time, offset_secs } = s.stamp else {
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
    let Stamp::Dated { time, offset_secs } = s.stamp else {
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
fn line_without_tag_keeps_message() {
    let s = parse(b"Nov  3 09:23:38 veridian lookup for opt failed").unwrap();
    assert_eq!(s.program, b"");
    assert_eq!(s.message, b"lookup for opt failed");
}

#[test]
fn bad_dates_are_rejected() {
    assert!(parse(b"Foo 10 08:15:02 host x: y").is_none());
    assert!(parse(b"Sep 31 08:15:02 host x: y").is_none());
    assert!(parse(b"Sep 10 25:15:02 host x: y").is_none());
    assert!(parse(b"\tcontinued").is_none());
    assert!(is_continuation(b"\tASL Module"));
}
