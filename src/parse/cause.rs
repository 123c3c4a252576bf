//! The cause a record names beyond its first line: the exception at the end of a Python,
//! Java or Go traceback, or a structured `err`/`error`/`exception` field. "Internal Server
//! Error: /checkout/" says that something failed; "KeyError: 'user_id'" says what.

/// The last word of an exception's name: Python's `KeyError`, Java's `SQLException`, Node's
/// `Error`, `SystemExit`, `KeyboardInterrupt`.
const EXCEPTION_ENDINGS: [&[u8]; 6] = [
    b"Error",
    b"Exception",
    b"Exit",
    b"Interrupt",
    b"Fault",
    b"Failure",
];

/// The exception a line of a traceback names, or `None`: `KeyError: 'user_id'` (Python's
/// last line), `Caused by: java.sql.SQLException: …` (the cause, without `Caused by: `),
/// `java.lang.NullPointerException`, `panic: runtime error: …` (Go). Frames (`  File …`,
/// `\tat …`, `goroutine 1 [running]:`) and prose (`During handling of …:`) are not.
pub(crate) fn exception_line(line: &[u8]) -> Option<&[u8]> {
    let line = line.trim_ascii_end();
    let line = line.strip_prefix(b"Caused by: ").unwrap_or(line);
    if line.starts_with(b"panic: ") || line.starts_with(b"fatal error: ") {
        return Some(line);
    }
    let name_len = line
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$')))
        .unwrap_or(line.len());
    let (name, rest) = line.split_at(name_len);
    if !name
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        || !(rest.is_empty() || rest == b":" || rest.starts_with(b": "))
    {
        return None;
    }
    let last = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
    EXCEPTION_ENDINGS
        .iter()
        .any(|ending| last.ends_with(ending))
        .then_some(line)
}

/// Whether a line is part of a traceback printed under a record: the exception it names
/// (see [`exception_line`]), or the furniture of Python's, Java's and Go's dumps that starts
/// at the margin. Such lines continue the record above and, like indented ones, neither vote
/// for a format when a file is sniffed nor count against one.
pub(crate) fn is_traceback_line(line: &[u8]) -> bool {
    const FURNITURE: [&[u8]; 5] = [
        b"Traceback (most recent call last):",
        b"During handling of the above exception",
        b"The above exception was the direct cause",
        b"goroutine ",
        b"... ",
    ];
    FURNITURE.iter().any(|f| line.starts_with(f))
        || php_frame(line)
        || exception_line(line).is_some()
}

/// A PHP stack trace's lines, as Monolog writes them under a record: `[stacktrace]`,
/// `#0 /var/www/app/Http/Kernel.php(140): …`, `[previous exception] …`, `Stack trace:`, and
/// the `"}` that closes the record's context.
fn php_frame(line: &[u8]) -> bool {
    let line = line.trim_ascii_end();
    let digits = line
        .strip_prefix(b"#")
        .map_or(0, |r| r.iter().take_while(|b| b.is_ascii_digit()).count());
    (digits > 0 && line.get(digits + 1) == Some(&b' '))
        || line == b"[stacktrace]"
        || line.starts_with(b"[previous exception]")
        || line == b"\"}"
        || line == b"Stack trace:"
}

/// A record's message with the cause a structured field gives (`err="dial tcp …: connection
/// refused"`, a Python `exc_info`, a Java `stack_trace`): the exception line a traceback
/// names, else the field's first line. The message alone when there is no cause.
pub(crate) fn with_cause(message: &str, cause: &str) -> String {
    let named = cause
        .lines()
        .rev()
        .find_map(|l| exception_line(l.as_bytes()))
        .and_then(|l| std::str::from_utf8(l).ok());
    let cause = named
        .unwrap_or_else(|| cause.lines().next().unwrap_or(""))
        .trim();
    match (
        message.trim().is_empty(),
        cause.is_empty() || message.contains(cause),
    ) {
        (_, true) => message.to_string(),
        (true, false) => cause.to_string(),
        (false, false) => format!("{message}: {cause}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tracebacks_exception_lines_are_told_from_its_frames() {
        let named = |line: &str| {
            exception_line(line.as_bytes()).map(|e| String::from_utf8_lossy(e).into_owned())
        };
        // As CPython, the JVM and Go print them.
        assert_eq!(
            named("KeyError: 'user_id'").as_deref(),
            Some("KeyError: 'user_id'")
        );
        assert_eq!(
            named("django.db.utils.OperationalError: could not connect to server").as_deref(),
            Some("django.db.utils.OperationalError: could not connect to server")
        );
        assert_eq!(
            named("Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available").as_deref(),
            Some("java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available")
        );
        assert_eq!(
            named("java.lang.NullPointerException").as_deref(),
            Some("java.lang.NullPointerException")
        );
        assert_eq!(
            named("panic: runtime error: invalid memory address or nil pointer dereference")
                .as_deref(),
            Some("panic: runtime error: invalid memory address or nil pointer dereference")
        );
        for frame in [
            "Traceback (most recent call last):",
            "  File \"/app/views.py\", line 47, in checkout",
            "    user = session['user_id']",
            "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
            "\t... 42 more",
            "During handling of the above exception, another exception occurred:",
            "goroutine 1 [running]:",
            "main.main()",
            "ErrorCount: 3 retries left",
        ] {
            assert_eq!(named(frame), None, "{frame}");
        }
    }

    #[test]
    fn traceback_furniture_at_the_margin_is_told_apart() {
        for line in [
            "Traceback (most recent call last):",
            "KeyError: 'user_id'",
            "During handling of the above exception, another exception occurred:",
            "goroutine 1 [running]:",
            "Caused by: java.io.IOException: Broken pipe",
        ] {
            assert!(is_traceback_line(line.as_bytes()), "{line}");
        }
        for line in [
            "2024-10-22 10:00:03,118 ERROR django.request Internal Server Error: /checkout/",
            "Oct 22 10:00:03 web-1 sshd[1]: Failed password for root",
            "GET /index.html 200",
        ] {
            assert!(!is_traceback_line(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn a_structured_cause_joins_the_message() {
        assert_eq!(
            with_cause(
                "quote failed",
                "dial tcp 10.0.0.5:5432: connect: connection refused"
            ),
            "quote failed: dial tcp 10.0.0.5:5432: connect: connection refused"
        );
        let traceback = "Traceback (most recent call last):\n  File \"/app/views.py\", line 47, in checkout\n    user = request.session['user_id']\nKeyError: 'user_id'";
        assert_eq!(
            with_cause("Internal Server Error: /checkout/", traceback),
            "Internal Server Error: /checkout/: KeyError: 'user_id'"
        );
        assert_eq!(with_cause("", "boom"), "boom");
        assert_eq!(
            with_cause("timeout: upstream", "upstream"),
            "timeout: upstream"
        );
    }
}
