//! Custom nginx `log_format`s, compiled once into a parser. Teams change the access log
//! format (a vhost first, `$request_time` last, JSON…); they can hand us nginx's own format
//! string (`--nginx-log-format`) or their `nginx.conf` (`--nginx-conf`), and we read the
//! lines the way nginx wrote them instead of guessing.
//!
//! A format is a list of literals and variables. A variable's text runs up to where the next
//! literal starts (nginx escapes `"` in values as `\x22`, so a quote-delimited field cannot end
//! early); times are read by their own shape, since `$time_local` holds a space.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::common::{dash_as_none, rfc3339};
use super::nginx_access::{AccessLine, looks_like_seconds, split_request, status, time_local};
use crate::time::Micros;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Var {
    RemoteAddr,
    ForwardedFor,
    RemoteUser,
    TimeLocal,
    TimeIso8601,
    Msec,
    Request,
    Method,
    Uri,
    Status,
    BodyBytes,
    Referer,
    UserAgent,
    RequestTime,
    Host,
    /// Read and ignored: `$upstream_addr`, `$ssl_protocol`, anything else.
    Other,
}

impl Var {
    fn of(name: &str) -> Var {
        match name {
            "remote_addr" | "realip_remote_addr" | "binary_remote_addr" => Var::RemoteAddr,
            "http_x_forwarded_for" | "proxy_add_x_forwarded_for" => Var::ForwardedFor,
            "remote_user" => Var::RemoteUser,
            "time_local" => Var::TimeLocal,
            "time_iso8601" => Var::TimeIso8601,
            "msec" => Var::Msec,
            "request" => Var::Request,
            "request_method" => Var::Method,
            "request_uri" | "uri" | "document_uri" => Var::Uri,
            "status" => Var::Status,
            "body_bytes_sent" | "bytes_sent" => Var::BodyBytes,
            "http_referer" => Var::Referer,
            "http_user_agent" => Var::UserAgent,
            "request_time" => Var::RequestTime,
            "host" | "server_name" | "http_host" => Var::Host,
            _ => Var::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Literal(Vec<u8>),
    Var(Var, String),
}

/// A compiled `log_format`. A plan carries it as written (name, origin, format string) and
/// it is compiled again when read: a plan is written by anyone, and the compiled pieces are
/// several times longer than the string, once per file that uses it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(into = "WrittenFormat", try_from = "WrittenFormat")]
pub struct LogFormat {
    /// Its name in nginx.conf (or `custom-N`).
    pub name: String,
    /// Where it came from: `--nginx-log-format`, or `nginx.conf:12`.
    pub origin: String,
    /// The format string as written.
    written: String,
    pieces: Vec<Piece>,
}

/// A `log_format` as written: what a plan holds (see [`LogFormat`]).
#[derive(serde::Serialize, serde::Deserialize)]
struct WrittenFormat {
    name: String,
    origin: String,
    format: String,
}

impl From<LogFormat> for WrittenFormat {
    fn from(f: LogFormat) -> Self {
        WrittenFormat {
            name: f.name,
            origin: f.origin,
            format: f.written,
        }
    }
}

impl TryFrom<WrittenFormat> for LogFormat {
    type Error = String;

    fn try_from(w: WrittenFormat) -> Result<LogFormat, String> {
        LogFormat::compile(&w.name, &w.format, &w.origin)
    }
}

/// nginx's built-in `combined`, for `access_log … combined;` lines.
pub(crate) const COMBINED: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#;

impl LogFormat {
    /// Compiles nginx's format string. Fails when a line could not be read back: no time or
    /// no status, or two variables with nothing between them.
    pub fn compile(name: &str, format: &str, origin: &str) -> Result<LogFormat, String> {
        let bytes = format.as_bytes();
        let mut pieces = Vec::new();
        let mut literal = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'$' {
                literal.push(bytes[i]);
                i += 1;
                continue;
            }
            let (name, next) = if bytes.get(i + 1) == Some(&b'{') {
                let close = format[i..]
                    .find('}')
                    .ok_or_else(|| format!("unclosed ${{ at byte {i}"))?;
                (&format[i + 2..i + close], i + close + 1)
            } else {
                let len = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                (&format[i + 1..i + 1 + len], i + 1 + len)
            };
            if name.is_empty() {
                literal.push(b'$');
                i += 1;
                continue;
            }
            if !literal.is_empty() {
                pieces.push(Piece::Literal(std::mem::take(&mut literal)));
            } else if let Some(Piece::Var(v, previous)) = pieces.last()
                && !matches!(v, Var::TimeLocal | Var::TimeIso8601)
            {
                return Err(format!(
                    "${previous} and ${name} have nothing between them: cannot tell where one ends"
                ));
            }
            pieces.push(Piece::Var(Var::of(name), name.to_string()));
            i = next;
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        let has = |want: &[Var]| {
            pieces
                .iter()
                .any(|p| matches!(p, Piece::Var(v, _) if want.contains(v)))
        };
        if !has(&[Var::TimeLocal, Var::TimeIso8601, Var::Msec]) {
            return Err("no $time_local, $time_iso8601 or $msec: lines could not be placed".into());
        }
        if !has(&[Var::Status]) {
            return Err("no $status: errors could not be told from successes".into());
        }
        Ok(LogFormat {
            name: name.to_string(),
            origin: origin.to_string(),
            written: format.to_string(),
            pieces,
        })
    }

    /// Reads one line written with this format.
    pub fn parse<'a>(&self, line: &'a [u8]) -> Option<AccessLine<'a>> {
        let mut pos = 0;
        let mut out = AccessLine {
            vhost: None,
            client: b"-",
            forwarded_for: None,
            user: None,
            time: 0,
            offset_secs: 0,
            request: b"",
            method: None,
            target: None,
            status: 0,
            bytes: None,
            referer: None,
            user_agent: None,
            request_time: None,
        };
        let mut timed = false;
        let mut uri = None;
        for (k, piece) in self.pieces.iter().enumerate() {
            match piece {
                Piece::Literal(text) => {
                    if !line[pos..].starts_with(text) {
                        return None;
                    }
                    pos += text.len();
                }
                Piece::Var(var, _) => {
                    let rest = &line[pos..];
                    let value = match var {
                        Var::TimeLocal => {
                            let (after, (t, offset)) = time_local(rest).ok()?;
                            (out.time, out.offset_secs, timed) = (t, offset, true);
                            &rest[..rest.len() - after.len()]
                        }
                        Var::TimeIso8601 => {
                            let (after, (civil, offset)) = rfc3339(rest).ok()?;
                            out.time = civil.with_offset(offset)?;
                            (out.offset_secs, timed) = (offset, true);
                            &rest[..rest.len() - after.len()]
                        }
                        _ => {
                            let end = match self.pieces.get(k + 1) {
                                Some(Piece::Literal(next)) => {
                                    memchr::memmem::find(rest, next).unwrap_or(rest.len())
                                }
                                _ => rest.len(),
                            };
                            &rest[..end]
                        }
                    };
                    pos += value.len();
                    match var {
                        Var::RemoteAddr => out.client = value,
                        Var::ForwardedFor => {
                            out.forwarded_for = dash_as_none(value).map(|list| {
                                list.split(|&b| b == b',')
                                    .next()
                                    .unwrap_or(list)
                                    .trim_ascii()
                            })
                        }
                        Var::RemoteUser => out.user = dash_as_none(value),
                        Var::Msec => {
                            out.time = msec(value)?;
                            timed = true;
                        }
                        Var::Request => out.request = value,
                        Var::Method => out.method = dash_as_none(value),
                        Var::Uri => uri = dash_as_none(value),
                        Var::Status => out.status = status(value).ok().map(|(_, s)| s)?,
                        Var::BodyBytes => {
                            out.bytes = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok())
                        }
                        Var::Referer => out.referer = dash_as_none(value),
                        Var::UserAgent => out.user_agent = dash_as_none(value),
                        Var::RequestTime => out.request_time = seconds(value),
                        Var::Host => out.vhost = dash_as_none(value),
                        Var::TimeLocal | Var::TimeIso8601 | Var::Other => {}
                    }
                }
            }
        }
        if !timed || out.status == 0 {
            return None;
        }
        if !out.request.is_empty() {
            (out.method, out.target) = split_request(out.request);
        } else if let Some(u) = uri {
            out.request = u;
            out.target = Some(u);
        }
        if out.client == b"-"
            && let Some(f) = out.forwarded_for
        {
            out.client = f;
        }
        Some(out)
    }
}

/// `1694333702.123` (`$msec`) → microseconds.
fn msec(value: &[u8]) -> Option<Micros> {
    let text = std::str::from_utf8(value).ok()?;
    let (secs, frac) = text.split_once('.').unwrap_or((text, "0"));
    let secs: i64 = secs.parse().ok()?;
    let frac = format!("{frac:0<6}");
    let micros: i64 = frac.get(..6)?.parse().ok()?;
    Some(secs * 1_000_000 + micros)
}

/// `$request_time` (`0.123`) or a bare `0`.
fn seconds(value: &[u8]) -> Option<f64> {
    looks_like_seconds(value).or_else(|| {
        (value.iter().all(u8::is_ascii_digit) && !value.is_empty())
            .then(|| std::str::from_utf8(value).ok()?.parse().ok())
            .flatten()
    })
}

/// What an `nginx.conf` says about access logs: its `log_format`s (with the built-in
/// `combined`) and which file each `access_log` writes with which format.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NginxConf {
    /// Every format known, in the order given.
    pub formats: Vec<Arc<LogFormat>>,
    /// (file name of the `access_log` path, format name).
    pub access_logs: Vec<(String, String)>,
}

const BUILT_IN: &str = "nginx's built-in combined";

impl NginxConf {
    /// Adds a format given on the command line (or read from a conf); a later one of the same
    /// name replaces the earlier.
    pub fn add(&mut self, format: LogFormat) {
        self.formats.retain(|f| f.name != format.name);
        self.formats.push(Arc::new(format));
    }

    /// The format of this name.
    pub fn named(&self, name: &str) -> Option<Arc<LogFormat>> {
        self.formats.iter().find(|f| f.name == name).cloned()
    }

    /// The custom format to read `path` with, if any: the one its `access_log` names, else
    /// the user's format that reads most of the sample, when it reads at least half of it
    /// and no fewer lines than the built-in detection (the user said how the logs were
    /// written: that wins a tie). `None`: detect as usual.
    pub(crate) fn best_for(
        &self,
        path: &Path,
        sample: &[u8],
        sniffed: &super::Sniffed,
    ) -> Option<super::Detection> {
        if self.formats.iter().all(|f| f.origin == BUILT_IN) {
            return None;
        }
        let lines = super::sample_lines(sample);
        let score = |f: &LogFormat| lines.iter().filter(|l| f.parse(l).is_some()).count();
        let enough = |n: usize| n > 0 && n * 2 >= lines.len();
        if let Some(f) = self.format_for_file(path)
            && f.origin != BUILT_IN
        {
            let n = score(f);
            if enough(n) {
                return Some(super::with_log_format(&f.name, n, lines.len()));
            }
        }
        let (n, best) = self
            .formats
            .iter()
            .filter(|f| f.origin != BUILT_IN)
            .map(|f| (score(f), f))
            .max_by_key(|(n, _)| *n)?;
        let detected = match sniffed {
            super::Sniffed::Log(d) => d.matched,
            _ => 0,
        };
        (enough(n) && n >= detected).then(|| super::with_log_format(&best.name, n, lines.len()))
    }

    /// The format an `access_log` directive names for this file, if one does.
    pub(crate) fn format_for_file(&self, path: &Path) -> Option<&LogFormat> {
        let name = path.file_name()?.to_string_lossy();
        // Rotated copies (`access.log.1`, `access.log-20230910.gz`) keep their base name.
        let (_, wanted) = self.access_logs.iter().find(|(log, _)| {
            name == log.as_str()
                || name
                    .strip_prefix(log.as_str())
                    .is_some_and(|suffix| suffix.starts_with(['.', '-']))
        })?;
        self.formats
            .iter()
            .find(|f| &f.name == wanted)
            .map(|f| &**f)
    }
}

/// Splits nginx config text into directives (words, with quotes joined), comments dropped.
fn directives(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut line = 1;
    let mut start_line = 1;
    let mut chars = text.chars().peekable();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) if c == '\\' => {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            Some(_) => word.push(c),
            None => match c {
                '#' => {
                    for n in chars.by_ref() {
                        if n == '\n' {
                            line += 1;
                            break;
                        }
                    }
                }
                '\'' | '"' => {
                    quote = Some(c);
                    if !in_word && words.is_empty() {
                        start_line = line;
                    }
                    in_word = true;
                }
                ';' | '{' | '}' => {
                    if in_word {
                        words.push(std::mem::take(&mut word));
                        in_word = false;
                    }
                    if !words.is_empty() {
                        out.push((start_line, std::mem::take(&mut words)));
                    }
                }
                c if c.is_whitespace() => {
                    if in_word {
                        words.push(std::mem::take(&mut word));
                        in_word = false;
                    }
                }
                c => {
                    if !in_word && words.is_empty() {
                        start_line = line;
                    }
                    in_word = true;
                    word.push(c);
                }
            },
        }
    }
    out
}

/// Reads `log_format` and `access_log` directives from an nginx.conf's text. `shown` names
/// the file in messages and origins.
pub(crate) fn read_conf(text: &str, shown: &str) -> Result<NginxConf, String> {
    let mut conf = NginxConf::default();
    conf.add(LogFormat::compile("combined", COMBINED, BUILT_IN)?);
    for (line, words) in directives(text) {
        match words.first().map(String::as_str) {
            Some("log_format") if words.len() >= 3 => {
                let name = &words[1];
                // `escape=json` and the like come before the strings; the strings are joined.
                let strings: Vec<&str> = words[2..]
                    .iter()
                    .filter(|w| !w.starts_with("escape="))
                    .map(String::as_str)
                    .collect();
                let format =
                    LogFormat::compile(name, &strings.concat(), &format!("{shown}:{line}"))
                        .map_err(|e| format!("{shown}:{line}: log_format {name}: {e}"))?;
                conf.add(format);
            }
            Some("access_log") if words.len() >= 2 && words[1] != "off" => {
                let file = PathBuf::from(&words[1])
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let format = words
                    .get(2)
                    .filter(|w| !w.contains('='))
                    .cloned()
                    .unwrap_or_else(|| "combined".into());
                conf.access_logs.push((file, format));
            }
            _ => {}
        }
    }
    Ok(conf)
}

#[cfg(test)]
mod tests;
