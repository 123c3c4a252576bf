//! What a format is, as the registry lists it: its name ([`Format`]), what its records mean
//! and how a line is recognised and read ([`FormatSpec`]). Kept apart from the registry so
//! that format files and the registry that lists them do not import each other.

use serde::Serialize;

use super::entry::Entry;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
/// A format's name: in JSON, in `--format GLOB=NAME` and in `postmortem.toml`.
pub enum Format {
    /// nginx and Apache access logs (combined and variants).
    NginxAccess,
    /// nginx's error log.
    NginxError,
    /// Apache httpd error log (2.2 and 2.4).
    ApacheError,
    /// RFC 3164 and RFC 5424 syslog lines.
    Syslog,
    /// Alertmanager webhook payloads.
    Alertmanager,
    /// `/var/log/dpkg.log`
    Dpkg,
    /// `/var/log/apt/history.log`
    AptHistory,
    /// `journalctl -o json` exports.
    Journald,
    /// JSON records of any application, one per line.
    JsonLines,
    /// PagerDuty webhooks (V2, V3) or REST log entries.
    #[serde(rename = "pagerduty")]
    PagerDuty,
    /// Opsgenie webhooks.
    Opsgenie,
    /// logfmt: `time=… level=error msg="…"`.
    Logfmt,
    /// Application logs: "timestamp, level, message" (log4j, logback, Python, Go).
    AppLog,
    /// Container logs as the kubelet writes them (CRI), the wrapped line read by its format.
    Cri,
    /// HAProxy HTTP and TCP logs, in syslog or bare.
    Haproxy,
    /// AWS Application Load Balancer and Classic ELB access logs.
    AwsLb,
    /// W3C extended logs with a `#Fields:` directive: IIS, CloudFront.
    W3c,
    /// Envoy's and Istio's default access logs.
    Envoy,
    /// Docker's json-file container logs, the wrapped line read by its format.
    DockerJson,
    /// klog/glog: Kubernetes components and Go services (year-less).
    Klog,
    /// `docker compose logs` output, the wrapped line read by its format.
    Compose,
    /// PostgreSQL server logs (`%m [%p] `).
    Postgres,
    /// MySQL and MariaDB error logs.
    Mysql,
    /// uWSGI request logs.
    Uwsgi,
    /// zap's console encoder (Go), tab-separated.
    ZapConsole,
    /// Kubernetes events: `kubectl get events -o json`, a list or a `--watch` stream.
    KubeEvents,
    /// OpenTelemetry logs, OTLP JSON (the collector's file exporter).
    Otlp,
    /// Logs exported as CSV with a header (a time column and a log column).
    CsvExport,
    /// Elasticsearch and OpenSearch `_search` and scroll responses.
    Elasticsearch,
    /// CloudWatch Logs events from the AWS CLI (`filter-log-events`, `get-log-events`).
    Cloudwatch,
    /// Loki's query API response (`data.result[].values`).
    Loki,
    /// Cloud Logging entries from `gcloud logging read --format=json`.
    CloudLogging,
    /// Redis and Valkey server logs.
    Redis,
    /// loghub's labelled logs (BGL, Thunderbird): alert label, Unix time, date, node.
    Loghub,
    /// Log platforms' exports a record a line: logcli JSON lines, Splunk JSON, and the
    /// records of the formats above, one a line.
    ExportLines,
}

/// What a format's records are, for the stages after aggregation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Every record is a request: the availability signal.
    Requests,
    /// Records that are requests when they carry HTTP statuses (JSON application logs).
    MaybeRequests,
    /// Messages of which mostly failures are written (web servers' error logs): their rate
    /// is a signal only beside the host's other logs.
    ErrorLog,
    /// Program messages of every level.
    Messages,
    /// Changes only (package managers): actions, never a signal.
    Changes,
    /// Alert histories: documents read whole, never a signal.
    Alerts,
}

/// One format: what it is called, what its records mean, how a line is recognised and read.
#[derive(Debug)]
pub struct FormatSpec {
    /// The name in JSON and in `--format GLOB=NAME`.
    pub format: Format,
    /// The name shown to people (`nginx access`).
    pub name: &'static str,
    /// What its records mean.
    pub meaning: Meaning,
    /// Lines carry no zone, so `--tz` (or a sibling's offset) places them.
    pub zone_less: bool,
    /// Every line carries its UTC offset (or is in UTC): no hour repeats when clocks go back,
    /// so its chunks need not be read in order.
    pub every_line_has_offset: bool,
    /// Whether a sampled line is of this format (the sniffer's vote).
    pub accepts: fn(&[u8]) -> bool,
    /// The line, read.
    pub read: fn(&[u8]) -> Entry<'_>,
    /// For formats of JSON documents (alert histories, Kubernetes event lists, OpenTelemetry
    /// exports, log platforms' exports): how they are told and read. Such files are read by
    /// document, not line by line.
    pub documents: Option<Documents>,
}

/// One record of a document: where in the document it starts (a slice of the document's
/// text, so the pipeline can tell its line) and what it says.
#[derive(Debug)]
pub struct Record<'a> {
    /// The record's own text inside the document.
    pub at: &'a str,
    /// The record, read.
    pub entry: Entry<'static>,
}

/// Where a streamed record was found.
#[derive(Debug, Clone, Copy)]
pub struct Around<'a> {
    /// The labels found before it (Loki's `stream`, OTLP's `resource`).
    pub labels: Option<&'a [u8]>,
    /// Whether it is a whole top-level document rather than an element at a record path.
    pub document: bool,
}

/// Hands a record's entries, each with the source it names, to the fold.
pub(crate) type Fold<'f> = &'f mut dyn FnMut(Entry<'_>, Option<&[u8]>);

/// Reads one record of a streamed document into entries; why not, when it does not read.
pub(crate) type RecordReader = fn(&[u8], Around<'_>, Fold<'_>) -> Result<(), &'static str>;

/// A document format: how it is told from a file's first bytes, and how its documents are
/// read. Such files are read by document, not line by line.
#[derive(Debug, Clone, Copy)]
pub struct Documents {
    /// How the sniffer tells it.
    pub recognise: Recognise,
    /// What its documents hold.
    pub records: Records,
}

/// How a document format is told from a file's first bytes. The sniffer asks every document
/// format in the registry's order, first by the head's keys, then by the first document, then
/// by the keys of a first document the sample cut: a stricter test before a looser one.
#[derive(Debug, Clone, Copy)]
pub struct Recognise {
    /// The head's keys alone, before any document is parsed: a streamed export's one
    /// document may be a gigabyte on one line.
    pub head_keys: Option<fn(&[u8]) -> bool>,
    /// The first document, whole in the sample.
    pub first_document: Option<fn(&FirstDocument<'_>) -> bool>,
    /// The keys of a first document too large for the sample.
    pub cut_document: Option<fn(&[u8]) -> bool>,
}

/// A sample's first JSON document, whole: its text, and its value parsed once for every
/// format that asks (the alert formats), not once each.
pub struct FirstDocument<'a> {
    /// The document's text.
    pub raw: &'a serde_json::value::RawValue,
    value: std::cell::OnceCell<Option<serde_json::Value>>,
}

impl<'a> FirstDocument<'a> {
    /// The document `raw`, not parsed yet.
    pub fn new(raw: &'a serde_json::value::RawValue) -> Self {
        FirstDocument {
            raw,
            value: std::cell::OnceCell::new(),
        }
    }

    /// Its value, parsed on first asking.
    pub fn value(&self) -> Option<&serde_json::Value> {
        let parsed = self
            .value
            .get_or_init(|| serde_json::from_str(self.raw.get()).ok());
        parsed.as_ref()
    }
}

/// No test at all: what a format's [`Recognise`] fills in (`..RECOGNISE_NOTHING`).
pub(crate) const RECOGNISE_NOTHING: Recognise = Recognise {
    head_keys: None,
    first_document: None,
    cut_document: None,
};

/// What a document format's documents hold.
#[derive(Debug, Clone, Copy)]
pub enum Records {
    /// Many records each, found at these paths as the bytes stream past and read one by one
    /// (a document of any size; a bad record costs only itself).
    Streamed {
        /// Where the records are, and their labels.
        paths: &'static super::json_stream::Paths,
        /// Reads one record.
        read: RecordReader,
    },
    /// Alert notices, each document read whole by [`super::alerts::read_document`], which
    /// reads any of the alert formats: one file may hold documents of several.
    Alerts,
}
