//! What one line says, whatever format wrote it. Each format's `read` turns a line into an
//! [`Entry`]; the aggregate stage folds entries without knowing which format they came from,
//! so a new format is a parser plus this translation, in its own file.

use std::borrow::Cow;

use crate::time::{Civil, Micros};

/// When a line happened, as precisely as the line says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum When {
    /// An instant in UTC, the writer's offset unknown or irrelevant.
    Utc(Micros),
    /// An instant written with its UTC offset (the offset places zone-less siblings).
    Offset {
        /// The instant, in UTC.
        time: Micros,
        /// The offset it was written with, in seconds east of UTC.
        offset_secs: i32,
    },
    /// A date and time without a zone: placed in the file's zone.
    Local(Civil),
    /// A month, day and time without a year (classic syslog): the year is inferred.
    YearLess(Civil),
}

/// Whether a message reports a failure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// The format says so itself (a level, a status).
    Given(bool),
    /// Judged from the words of the message and the syslog severity, if any.
    ByWords(Option<u8>),
    /// Not a failure of the service: a client's request refused or held back, reported at an
    /// error level by a server (nginx's `open() … (2: No such file…)`, `limiting requests`).
    ClientSide(ClientSide),
}

/// How a client's request failed on the client's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientSide {
    /// Held back by a rate or connection limit (a load test, a client over its rate).
    Limited,
    /// Refused for the client's sake: not found, forbidden, too large, a broken handshake.
    Refused,
}

impl ClientSide {
    /// Its name in JSON and in counts: `limited`, `refused`.
    pub fn key(self) -> &'static str {
        match self {
            ClientSide::Limited => "limited",
            ClientSide::Refused => "refused",
        }
    }
}

/// Which vocabulary of changes (deploys, restarts, reloads) a message is read with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Vocabulary {
    /// Program and message: sudo, systemd, package managers, kubectl…
    Syslog,
    /// nginx's own notices (signals, reconfiguring).
    Nginx,
    /// Apache httpd's own notices (graceful restarts).
    Apache,
}

/// One HTTP request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request<'a> {
    /// When it was logged.
    pub when: When,
    /// The HTTP status sent.
    pub status: u16,
    /// Who made it, as users are counted (the forwarded-for address when there is one).
    pub client_key: &'a [u8],
    /// The address as written, for the error sample.
    pub client: &'a [u8],
    /// The request line (`GET /x HTTP/1.1`).
    pub request: &'a [u8],
    /// The path without its query.
    pub path: Option<&'a [u8]>,
    /// Seconds the server took.
    pub latency: Option<f64>,
}

/// The HTTP side of a message that also describes a request (JSON application logs).
#[derive(Debug, Clone, PartialEq)]
pub struct Http<'a> {
    /// The HTTP status sent.
    pub status: u16,
    /// Who made the request, where the record says.
    pub client: Option<Cow<'a, [u8]>>,
    /// The path requested, where the record says.
    pub path: Option<Cow<'a, [u8]>>,
    /// Seconds the request took, where the record says.
    pub latency: Option<f64>,
}

/// A message of a program: syslog, error logs, JSON records.
#[derive(Debug, Clone, PartialEq)]
pub struct Message<'a> {
    /// When it was logged.
    pub when: When,
    /// Whether it reports a failure, or how to judge that.
    pub verdict: Verdict,
    /// The program that wrote it; when present, samples and signatures are prefixed with
    /// `program: `.
    pub program: Option<Cow<'a, [u8]>>,
    /// The host that wrote it, where the line names one.
    pub host: Option<Cow<'a, [u8]>>,
    /// The message itself.
    pub text: Cow<'a, [u8]>,
    /// Which changes the message can announce.
    pub vocabulary: Vocabulary,
    /// The upstream a proxy failed to reach (`http://10.0.0.5:8080/x`).
    pub upstream: Option<&'a [u8]>,
    /// The client the line is about, where it names one outside a request (an error log's
    /// `client: 10.0.0.7`, Apache's `[client 10.0.0.7:52342]`).
    pub client: Option<&'a [u8]>,
    /// The request it also describes, if it does.
    pub http: Option<Http<'a>>,
}

/// A change a package manager made.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What was done, in words (`dpkg upgrade nginx 1.24 → 1.26`).
    pub text: String,
    /// What it was done to (the package).
    pub subject: Option<String>,
}

/// What one line is.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry<'a> {
    /// An HTTP request.
    Request(Request<'a>),
    /// A program's message.
    Message(Message<'a>),
    /// A timed line of a package log; `None` when it records no change (status lines).
    Package(When, Option<Change>),
    /// The first line of a multi-line record (apt history's `Start-Date:`).
    RecordStart(Civil),
    /// The change a multi-line record made (`Commandline:`), at its start's time.
    RecordChange(Change),
    /// Who made the change of the record being read (`Requested-By:`).
    RecordActor(&'a [u8]),
    /// Any other line of a multi-line record.
    RecordOther,
    /// A line continuing the previous record (stack traces, wrapped messages).
    Continuation,
    /// A marker that carries nothing (`-- Boot …` in journal exports).
    Marker,
    /// Not a line of this format: why.
    Unreadable(&'static str),
}

impl Entry<'_> {
    /// Whether the line belongs to the record above it rather than starting one.
    pub(crate) fn continues_record(&self) -> bool {
        matches!(
            self,
            Entry::Continuation
                | Entry::RecordChange(_)
                | Entry::RecordActor(_)
                | Entry::RecordOther
        )
    }
}

/// A line of a document format met on the line path: never read there.
pub(crate) fn read_whole(_line: &[u8]) -> Entry<'_> {
    Entry::Unreadable("a document format: its files are read whole, by JSON document")
}

impl<'a> Message<'a> {
    /// A program's line of text, borrowed from the line: no host, no upstream, no request,
    /// changes read with syslog's vocabulary. What most application formats write.
    pub(crate) fn text_line(
        when: When,
        verdict: Verdict,
        program: Option<&'a [u8]>,
        text: &'a [u8],
    ) -> Entry<'a> {
        Entry::Message(Message {
            when,
            verdict,
            program: program.map(Cow::Borrowed),
            host: None,
            text: Cow::Borrowed(text),
            vocabulary: Vocabulary::Syslog,
            upstream: None,
            client: None,
            http: None,
        })
    }
}

impl Entry<'_> {
    /// When the line happened, for the entries that say.
    pub fn when(&self) -> Option<When> {
        match self {
            Entry::Request(r) => Some(r.when),
            Entry::Message(m) => Some(m.when),
            Entry::Package(w, _) => Some(*w),
            Entry::RecordStart(c) => Some(When::Local(*c)),
            _ => None,
        }
    }
}
