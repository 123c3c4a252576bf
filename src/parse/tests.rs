use super::*;
use crate::parse::entry::{Entry, When};

fn format_of(sample: &[u8]) -> Option<Format> {
    match sniff(sample, true) {
        Sniffed::Log(d) => Some(d.format),
        _ => None,
    }
}

#[test]
fn each_format_is_recognised_by_content() {
    assert_eq!(
        format_of(
            b"1.2.3.4 - - [10/Sep/2023:08:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n"
        ),
        Some(Format::NginxAccess)
    );
    assert_eq!(
        format_of(b"2023/09/10 08:00:00 [error] 1#1: *1 boom, client: 1.2.3.4\n"),
        Some(Format::NginxError)
    );
    assert_eq!(
        format_of(b"Sep 10 08:00:00 host sshd[1]: hello\n"),
        Some(Format::Syslog)
    );
    assert_eq!(
        format_of(b"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[]}\n"),
        Some(Format::Alertmanager)
    );
}

#[test]
fn binary_and_unknown_are_explained() {
    assert!(
        matches!(sniff(b"\x7fELF\x02\x01\x01\x00", true), Sniffed::Binary(r) if r.contains("ELF"))
    );
    assert!(matches!(sniff(b"abc\x00def", true), Sniffed::Binary(r) if r.contains("NUL")));
    let mut padded = b"Sep 10 08:00:00 host a: b\n".repeat(40);
    padded.extend(std::iter::repeat_n(0u8, 300));
    padded.extend_from_slice(b"Sep 10 08:00:01 host a: c\nSep 10 08:00:02 host a: d\n");
    assert!(
        matches!(sniff(&padded, true), Sniffed::Log(_)),
        "NUL padding after a crash is not binary"
    );
    assert!(matches!(
        sniff(b"hello world\nanother line\n", true),
        Sniffed::Unknown(_)
    ));
    assert_eq!(sniff(b"\n\n  \n", true), Sniffed::Empty);
}

#[test]
fn year_less_syslog_is_flagged() {
    let Sniffed::Log(d) = sniff(b"Sep 10 08:00:00 host x: y\n", true) else {
        panic!()
    };
    assert!(d.year_less);
    let Sniffed::Log(d) = sniff(b"2023-09-10T08:00:00+00:00 host x: y\n", true) else {
        panic!()
    };
    assert!(!d.year_less);
}

#[test]
fn compressed_or_random_bytes_are_binary_and_latin1_text_is_not() {
    // gzip's output without its header: about half its bytes are not UTF-8, few are controls.
    let mut noise = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..4096 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let b = (x >> 16) as u8;
        // No NUL and no control byte: only the UTF-8 test can tell.
        noise.push(if b < 0x20 { b | 0x40 } else { b });
    }
    match sniff(&noise, true) {
        Sniffed::Binary(why) => assert!(why.contains("not text (UTF-8)"), "{why}"),
        other => panic!("noise read as {other:?}"),
    }
    // A Latin-1 syslog (é as one byte 0xE9) is text.
    let latin1 = b"Sep 10 08:00:00 host sshd[1]: connexion refus\xe9e pour ren\xe9\n".repeat(8);
    assert_eq!(format_of(&latin1), Some(Format::Syslog));
}

#[test]
fn spring_boot_3_lines_are_an_application_log_whose_warnings_are_not_errors() {
    let sample = "2024-05-17T15:04:30.123+02:00  INFO 12345 --- [checkout] [           main] c.e.checkout.CheckoutApplication         : Started CheckoutApplication in 3.2 seconds (process running for 3.6)\n\
2024-05-17T15:04:31.001+02:00  WARN 12345 --- [checkout] [nio-8080-exec-1] o.h.engine.jdbc.spi.SqlExceptionHelper   : SQL Warning Code: 0, SQLState: 00000\n\
2024-05-17T15:04:32.500+02:00 ERROR 12345 --- [checkout] [nio-8080-exec-2] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception\n";
    let Sniffed::Log(d) = sniff(sample.as_bytes(), true) else {
        panic!("not read")
    };
    assert_eq!(d.format, Format::AppLog);
    let errors: Vec<bool> = sample
        .lines()
        .map(|l| match app_log::read(l.as_bytes()) {
            entry::Entry::Message(m) => m.verdict == entry::Verdict::Given(true),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(errors, [false, false, true]);
}

#[test]
fn lines_no_format_reads_under_a_record_continue_it_and_do_not_vote() {
    // An XML request body logged under its line: 3 of 12 lines are timed.
    let sample = b"[2020-12-10 06:56:41,061] INFO [m:108] Calling 'x' with params:\n\
[2020-12-10 06:56:41,092] DEBUG [connect.client:69] Full request text:\n\
<?xml version='1.0' encoding='iso-8859-2'?>\n<a-request>\n<head>\n<id>7</id>\n</head>\n\
<body>\n<value>1</value>\n</body>\n</a-request>\n\
[2020-12-10 06:56:41,100] ERROR [connect.client:71] no answer\n";
    assert_eq!(format_of(sample), Some(Format::AppLog));
    // Plain text with one syslog line in the middle is still no log: the first line is not
    // a record, so nothing it could continue.
    let sample =
        b"hello\nhello\nbye\nMar 22 13:41:18 mac syslogd[557]: ASL Sender Statistics\nhello\n";
    assert_eq!(format_of(sample), None);
}

#[test]
fn a_slow_query_log_after_its_server_header_is_mysql() {
    let sample =
        b"/usr/sbin/mysqld, Version: 8.0.23 (MySQL Community Server - GPL). started with:\n\
Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\n\
Time                 Id Command    Argument\n\
# Time: 2021-01-26T23:45:57.678222Z\n\
# User@Host: app[app] @ localhost []  Id:     2\n\
# Query_time: 2.011853  Lock_time: 0.011542 Rows_sent: 268  Rows_examined: 268\n\
use shop;\nSET timestamp=1611704757;\nSELECT * FROM orders WHERE id > 5;\n\
# Time: 2021-01-26T23:46:00.584120Z\n\
# User@Host: app[app] @ localhost []  Id:     2\n\
# Query_time: 3.100000  Lock_time: 0.000100 Rows_sent: 1  Rows_examined: 90000\n\
SET timestamp=1611704760;\nSELECT count(*) FROM orders;\n\
# Time: 2021-01-26T23:46:09.000001Z\n\
# Query_time: 9.000000  Lock_time: 0.000100 Rows_sent: 0  Rows_examined: 0\n\
SET timestamp=1611704769;\nUPDATE orders SET state = 1;\n";
    assert_eq!(format_of(sample), Some(Format::Mysql));
    let read: Vec<_> = sample
        .split(|&b| b == b'\n')
        .map(|l| (Format::Mysql.spec().read)(l))
        .collect();
    // The server's start-up header is passed over.
    assert!(read[..3].iter().all(|e| *e == Entry::Marker), "{read:?}");
    let heads: Vec<_> = read
        .into_iter()
        .filter(|e| matches!(e, Entry::Message(_)))
        .collect();
    assert_eq!(heads.len(), 3, "{heads:?}");
    let Entry::Message(m) = &heads[0] else {
        panic!("a message: {heads:?}")
    };
    assert_eq!(
        m.when,
        When::Offset {
            time: 1_611_704_757_678_222,
            offset_secs: 0
        }
    );
    assert_eq!(&*m.text, b"slow query");
    // MySQL 5.6 and MariaDB: `yymmdd H:MM:SS`, local time.
    let Entry::Message(m) = (Format::Mysql.spec().read)(b"# Time: 210126  9:05:01") else {
        panic!("a message")
    };
    assert!(
        matches!(m.when, When::Local(c) if (c.year, c.month, c.day, c.hour, c.minute) == (2021, 1, 26, 9, 5))
    );
}

#[test]
fn regression_a_tai64n_label_holding_multibyte_text_does_not_panic() {
    // `@` and 24 bytes that are valid UTF-8 but not hex: the label was cut at byte 16, inside
    // a character.
    let line = "@400000004332258é3b6e1a8 tcpserver: x".as_bytes();
    assert_eq!(line[25], b' ', "24 bytes of label, byte 16 inside the `é`");
    for spec in registry::all() {
        (spec.accepts)(line);
        (spec.read)(line);
    }
}

/// Every reader, on the heads of lines that take each rarer path (leading times, thread and
/// level heads, slow-log and Zeek lines), cut at every byte and followed by multibyte text:
/// nothing panics.
#[test]
fn every_reader_survives_every_cut_of_the_rarer_heads() {
    let heads = [
        "@40000000433225833b6e1a8c tcpserver: status: 5/30",
        "17/06/09 20:10:40 INFO executor.Executor: ok",
        "20120702.102240,672:DEBUG:foo",
        "2012-025T10:22:40,672:DEBUG:foo",
        "Wed May 19 08:00:01 EST 2021 line 1",
        "MainThread::ERROR::2011-12-05 07:04:56,300::vdsm::74::vds::(run) x",
        "# Time: 2021-01-26T23:45:57.678222Z",
        "# Time: 210126  9:05:01",
        "2025-08-15T14:03:50.259438Z\t    9 Query\tset global log_output = 'FILE'",
        "#fields\tts\tuid\tid.orig_h\tmethod\turi\tstatus_code",
        "1320279566.452687\tCwFs1P2UcUdlSxD2La\t192.168.2.76\tGET\t/\t200",
        "août 19 11:08:37 nlaptop symphorien[4961]: test",
    ];
    for head in heads {
        for cut in 0..=head.len() {
            let mut line = head.as_bytes()[..cut].to_vec();
            for tail in [&b""[..], "é€😀".as_bytes(), b"\xff\xfe", b"::", b" "] {
                line.truncate(cut);
                line.extend_from_slice(tail);
                for spec in registry::all() {
                    (spec.accepts)(&line);
                    (spec.read)(&line);
                }
            }
        }
    }
}
