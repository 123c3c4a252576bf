use super::*;

fn message(line: &str) -> Message<'_> {
    match read(line.as_bytes()) {
        Entry::Message(m) => m,
        other => panic!("not a record: {other:?}"),
    }
}

fn local(m: &Message) -> (u32, u32, u32, u32) {
    match m.when {
        When::Local(c) => (c.hour, c.minute, c.second, c.micros),
        other => panic!("not local: {other:?}"),
    }
}

#[test]
fn logback_default_pattern() {
    // `%d{yyyy-MM-dd HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n`
    let m = message(
        "2023-09-10 08:15:02.123 [http-nio-8080-exec-3] ERROR c.e.auth.LdapClient - bind failed: connection refused",
    );
    assert_eq!(local(&m), (8, 15, 2, 123_000));
    assert_eq!(m.verdict, Verdict::Given(true));
    assert_eq!(
        &*m.text,
        b"c.e.auth.LdapClient - bind failed: connection refused"
    );
}

#[test]
fn spring_boot_line() {
    let m = message(
        "2023-09-10T08:15:02.123+02:00  WARN 4711 --- [           main] o.s.b.a.l.ConditionEvaluationReportLogger : report",
    );
    assert_eq!(
        m.when,
        When::Offset {
            time: 1_694_326_502_123_000,
            offset_secs: 7200
        }
    );
    assert_eq!(m.verdict, Verdict::Given(false));
}

#[test]
fn python_logging_default_and_colon_formats() {
    let m = message("2023-09-10 08:15:02,344 - auth.ldap - ERROR - bind failed");
    assert_eq!(local(&m), (8, 15, 2, 344_000));
    assert_eq!(m.verdict, Verdict::Given(true));
    assert_eq!(&*m.text, b"bind failed");
    let m = message("2014-10-08 16:56:38,344:WARN:urllib3.connectionpool:Retrying");
    assert_eq!(local(&m), (16, 56, 38, 344_000));
    assert_eq!(m.verdict, Verdict::Given(false));
    assert_eq!(&*m.text, b"urllib3.connectionpool:Retrying");
}

#[test]
fn go_log_package_has_no_level_and_is_judged_by_its_words() {
    let m = message("2023/09/10 08:15:02 http: TLS handshake error from 203.0.113.7:50122: EOF");
    assert_eq!(local(&m), (8, 15, 2, 0));
    assert_eq!(m.verdict, Verdict::ByWords(None));
}

#[test]
fn stack_traces_continue_the_record() {
    for line in [
        "\tat com.example.auth.LdapClient.bind(LdapClient.java:88)",
        "Caused by: java.net.ConnectException: Connection refused",
        "Traceback (most recent call last):",
        "  File \"/app/auth.py\", line 12, in bind",
    ] {
        assert_eq!(read(line.as_bytes()), Entry::Continuation, "{line}");
    }
}

#[test]
fn monolog_channel_levels_php_traces_and_millisecond_epochs() {
    let Entry::Message(m) = read(b"[2023-05-15 18:19:32] local.ERROR: Target class [Fruitcake\\Cors\\HandleCors] does not exist.") else {
        panic!("a message")
    };
    assert_eq!(m.verdict, Verdict::Given(true));
    assert!(m.text.starts_with(b"Target class"));
    let Entry::Message(m) =
        read(b"[2025-01-02 11:19:06] laravel.EMERGENCY: Unable to create configured logger.")
    else {
        panic!("a message")
    };
    assert_eq!(m.verdict, Verdict::Given(true));
    for frame in [
        &b"#0 /var/www/html/vendor/laravel/LogManager.php(140): tap()"[..],
        b"[stacktrace]",
        b"\"} ",
        b"Stack trace:",
    ] {
        assert!(
            crate::parse::cause::is_traceback_line(frame),
            "{}",
            String::from_utf8_lossy(frame)
        );
    }
    assert!(!crate::parse::cause::is_traceback_line(
        b"#Fields: date time"
    ));
    let Entry::Message(m) = read(b"1428634687123 Hello, World!") else {
        panic!("a message")
    };
    assert_eq!(m.when, When::Utc(1_428_634_687_123_000));
    assert_eq!(m.text.as_ref(), b"Hello, World!");
    assert_eq!(read(b"1428634687 bytes sent"), Entry::Continuation);
}

#[test]
fn vdsm_thread_and_level_before_the_time() {
    let m = message(
        "MainThread::ERROR::2011-12-05 07:04:56,300::vdsm::74::vds::(run) Traceback (most recent call last):",
    );
    assert_eq!(local(&m), (7, 4, 56, 300_000));
    assert_eq!(m.verdict, Verdict::Given(true));
    assert_eq!(
        &*m.text,
        b"vdsm::74::vds::(run) Traceback (most recent call last):"
    );
    let m = message(
        "Thread-13::DEBUG::2011-12-05 07:05:00,001::task::588::TaskManager.Task::(_updateState) moving",
    );
    assert_eq!(m.verdict, Verdict::Given(false));
    // A `::` in a message is not a thread: the first word has a space before it.
    assert_eq!(
        read(b"  at Foo::Bar::2011-12-05 07:04:56 x"),
        Entry::Continuation
    );
}

#[test]
fn rarer_leading_times_read_with_their_level() {
    let m = message("17/06/09 20:10:40 ERROR executor.Executor: Exception in task 0.0");
    assert_eq!(local(&m), (20, 10, 40, 0));
    assert_eq!(m.verdict, Verdict::Given(true));
    assert_eq!(&*m.text, b"executor.Executor: Exception in task 0.0");
    let m = message("2014-333T16:56:38,344:WARN:foo bar baz");
    assert_eq!(local(&m), (16, 56, 38, 344_000));
    assert_eq!(&*m.text, b"foo bar baz");
    let m = message(
        "@40000000433225840c8f0cbc rblsmtpd: 194.206.24.40 pid 26162: 451 We do not accept mail",
    );
    assert_eq!(m.when, When::Utc(1_127_359_866_210_701));
    assert_eq!(m.verdict, Verdict::ByWords(None));
    let m = message("Wed May 19 12:00:02 UTC 2021 line 2");
    assert_eq!(
        m.when,
        When::Offset {
            time: 1_621_425_602_000_000,
            offset_secs: 0
        }
    );
    assert_eq!(&*m.text, b"line 2");
}
