//! The draft as data: what `--json` prints and what the Markdown renderer reads. Field names
//! here are a contract with users' scripts: add fields, never rename them.

use serde::Serialize;

use crate::aggregate::ActionKind;
use crate::detect::effect::Effect;
use crate::time::stamp::Stamp;
use crate::time::year::YearSource;

#[derive(Debug, Clone, Serialize)]
/// The whole draft: what `--json` prints, and what every renderer reads.
pub struct Draft {
    /// The tool that wrote it, and its version.
    pub tool: Tool,
    /// The zone assumed for lines written without one.
    pub zone_assumed: String,
    /// Every zone and year the logs did not state and the run did not give: what was assumed,
    /// for which files, why, and the flag that sets it instead.
    pub guesses: Vec<Guess>,
    /// What the run was scoped to (`draft --since/--until/--host`), when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<ScopeNote>,
    /// Width of the time bins the error rate is computed in, in seconds.
    pub bin_seconds: i64,
    /// What the error rate was computed from.
    pub signal: String,
    /// Error ratio of the run outside incidents (pooled over quiet bins).
    pub baseline_ratio: f64,
    /// What `series` counts: `requests` (access logs) or `log records`.
    pub series_unit: String,
    /// The availability objective the detector was given (`--slo`), in percent.
    pub slo_percent: f64,
    /// The error ratio that pages: the baseline plus 14.4 times the error budget (the fast
    /// burn rate of the SRE workbook's multiwindow alerts). Drawn on the chart. `null` when the
    /// series is a count of error lines, which has no ratio to page on.
    pub alert_threshold_ratio: Option<f64>,
    /// First and last time of any line read; `null` when no line carried a time.
    pub span: Option<Span>,
    /// The incidents found, in order of their start.
    pub incidents: Vec<Incident>,
    /// Every file read: its format and why, what it held, its zone and year.
    pub inputs: Vec<Input>,
    /// Files passed over, each with the reason.
    pub skipped_files: Vec<SkippedFile>,
    /// Problems met while reading (`path:line: what`), in the order met.
    pub errors: Vec<String>,
    /// Clients' requests refused or rate-limited over the whole run: not failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_side: Option<ClientSideCounts>,
    /// The signal per bin (bins with records only), for charts: what the detector read.
    pub series: Vec<SeriesPoint>,
    /// The zone times are shown in by the text renderers (`--display-tz`); JSON stays UTC.
    #[serde(skip)]
    pub display_zone: Option<crate::time::Zone>,
}

#[derive(Debug, Clone, Serialize)]
/// One bin of the signal.
pub struct SeriesPoint {
    /// Start of the bin.
    pub time: Stamp,
    /// Records (requests, or log lines) in the bin.
    pub total: u64,
    /// Of which errors.
    pub errors: u64,
    /// 95th percentile request time in the bin, where access logs record it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p95_ms: Option<f64>,
    #[serde(skip)]
    /// Start of the bin in microseconds since the epoch (not in JSON).
    pub micros: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
/// A zone or year assumed for files whose lines do not carry it.
pub struct Guess {
    /// `zone` or `year`.
    pub what: &'static str,
    /// The zone or year assumed.
    pub value: String,
    /// How it was chosen, in words.
    pub rule: String,
    /// The files it was assumed for.
    pub files: Vec<String>,
    /// The flag that sets it instead (`--tz`, `--year`).
    pub flag: &'static str,
}

#[derive(Debug, Clone, Serialize)]
/// The part of the logs a draft was scoped to, and what was left out for it.
pub struct ScopeNote {
    /// Lines before this were left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<Stamp>,
    /// Lines after this were left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Stamp>,
    /// Only files of hosts matching these globs were read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Lines outside the window, left out.
    pub lines_left_out: u64,
    /// Files of other hosts, not read.
    pub files_left_out: usize,
}

#[derive(Debug, Clone, Serialize)]
/// The tool that wrote a draft.
pub struct Tool {
    /// `postmortem`.
    pub name: &'static str,
    /// The crate's version.
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
/// The time span the logs cover.
pub struct Span {
    /// The first time of any line.
    pub first: Stamp,
    /// The last time of any line.
    pub last: Stamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
/// How the incident was detected.
pub enum DetectionMethod {
    /// A monitoring alert fired.
    Alert,
    /// No alert in the logs: when the SRE workbook's multiwindow burn-rate page would have fired.
    BurnRate,
    /// Neither: the moment the error-rate test had enough evidence.
    DerivedFromLogs,
}

#[derive(Debug, Clone, Serialize)]
/// One incident, in the classic postmortem template's terms.
pub struct Incident {
    /// `errors` (requests failed) or `slow` (requests succeeded, slowly).
    pub kind: crate::detect::Kind,
    /// When it started: the first bin of the window.
    pub start: Stamp,
    /// Where the start could be (95 % likelihood interval): earliest and latest.
    pub start_interval: [Stamp; 2],
    /// The same for the recovery.
    pub recovered_interval: Option<[Stamp; 2]>,
    /// When it was detected (see `detection_method`).
    pub detected: Stamp,
    /// Alert, burn rate, or derived from the logs.
    pub detection_method: DetectionMethod,
    /// In words: which alert, or how the logs show it.
    pub detection_detail: String,
    /// When it recovered: the end of the window; `null` if the logs end first.
    pub recovered: Option<Stamp>,
    /// From start to recovery, in seconds.
    pub duration_seconds: Option<i64>,
    /// From start to detection, in seconds (negative when an alert fired before the computed
    /// start); `null` when no alert or page in the logs says when someone noticed (`detected`
    /// is then when a burn-rate page would have fired, or when the logs' evidence sufficed).
    pub time_to_detect_seconds: Option<i64>,
    /// From detection to the first acknowledgement, where the alert source records one.
    pub time_to_acknowledge_seconds: Option<i64>,
    /// From the start to the recovery.
    pub time_to_resolve_seconds: Option<i64>,
    /// The error ratio before the incident it is judged against.
    pub baseline_ratio: f64,
    /// The error ratio over the window.
    pub error_ratio: f64,
    /// The highest error ratio of any bin in the window.
    pub peak_error_ratio: f64,
    /// What it cost: requests (or records) failed, clients affected.
    pub impact: Impact,
    /// Request latency during the incident, where the access logs time requests.
    pub latency: Option<LatencyImpact>,
    /// Paths with the most failed requests during the window.
    pub top_paths: Vec<KeyCount>,
    /// Upstreams the proxy failed to reach most during the window.
    pub top_upstreams: Vec<KeyCount>,
    /// For failed logins: the addresses most of them came from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub top_login_sources: Vec<KeyCount>,
    /// Failures per source file (each file stands for the host that wrote it).
    pub top_sources: Vec<KeyCount>,
    /// Clients' requests refused or rate-limited during the window: not failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_side: Option<ClientSideCounts>,
    /// Error signatures during the incident, those new against the baseline first.
    pub signatures: Vec<SignatureRow>,
    /// Everything the logs show about it, in time order: detection, evidence, actions, alerts, escalations, the resolution.
    pub timeline: Vec<TimelineItem>,
    /// The last change before the start, if one came shortly before it.
    pub trigger_candidate: Option<TimelineItem>,
    /// Changes during the incident after which the error rate did not move.
    pub misleading_candidates: Vec<TimelineItem>,
    /// In an incident that is not a security one: a burst of failed logins during it (a
    /// trail the on-call may have followed), as its evidence row; `null` when there was none
    /// that stood out.
    pub failed_logins: Option<TimelineItem>,
    /// The change after which the error rate fell most.
    pub resolution_candidate: Option<TimelineItem>,
    /// The first error line of each source at the onset.
    pub first_errors: Vec<TimelineItem>,
    /// Each source family with data near the window: what it holds, its own baseline and
    /// peak, and whether it showed the incident.
    pub sources: Vec<crate::detect::run::IncidentSource>,
    /// Whether a source that showed the incident lacks data over part of the window (or the
    /// data ends before a recovery): the window is only partly covered.
    pub coverage_partial: bool,
    /// Without a recovery in the data: the source that still showed the incident when its data
    /// stopped, and when that was (the incident's duration is unknown past it).
    pub ongoing_at_end_of: Option<Ongoing>,
    /// The incident's own signal around its window, for its sparkline.
    #[serde(skip)]
    pub shape: Option<crate::timeline::shape::Shape>,
    #[serde(skip)]
    /// `start` in microseconds since the epoch (not in JSON).
    pub start_micros: i64,
    #[serde(skip)]
    /// `detected` in microseconds since the epoch (not in JSON).
    pub detected_micros: i64,
    #[serde(skip)]
    /// `recovered` in microseconds since the epoch (not in JSON).
    pub recovered_micros: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
/// An incident still going when the data of a source that showed it stopped.
pub struct Ongoing {
    /// The source family (its live file's path).
    pub file: String,
    /// The end of its last stretch of data.
    pub data_ends: Stamp,
}

#[derive(Debug, Clone, Serialize)]
/// What an incident cost.
pub struct Impact {
    /// Requests (or records, or alerts: see `unit`) during the window.
    pub requests_total: u64,
    /// Of which failed.
    pub requests_failed: u64,
    /// `requests_failed / requests_total`.
    pub failed_ratio: f64,
    /// Failed requests beyond what the baseline ratio predicts.
    pub requests_failed_excess: u64,
    /// 4xx during the incident: counted apart, not an outage.
    pub requests_client_errors: u64,
    /// For slow incidents: requests slower than twice the baseline p95.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests_slow: Option<u64>,
    /// Distinct clients seen during the window.
    pub clients_total: u64,
    /// Of which got at least one server error.
    pub clients_affected: u64,
    /// `clients_affected / clients_total`.
    pub clients_affected_ratio: f64,
    /// What a "client" is here: users where the logs name them, else addresses.
    pub client_basis: String,
    /// What `requests_total` and `requests_failed` count: `requests`, or `records` (log
    /// lines, for incidents seen only in logs without requests), or `alerts`.
    pub unit: crate::detect::sources::SourceKind,
    /// For lost traffic: the requests the hours around predicted that never arrived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests_missing: Option<u64>,
    /// How many request sources (hosts of the service) the totals count, the showing ones and
    /// those that stayed normal alike; 0 when the unit is not requests.
    pub request_sources: usize,
}

#[derive(Debug, Clone, Serialize)]
/// A key (a path, an upstream, a file) and its failures.
pub struct KeyCount {
    /// The path, upstream or file.
    pub key: String,
    /// Failures counted against it.
    pub failed: u64,
}

#[derive(Debug, Clone, Serialize)]
/// Request latency during an incident, from the access logs' request times.
pub struct LatencyImpact {
    /// Median, in milliseconds.
    pub p50_ms: f64,
    /// 95th percentile, in milliseconds.
    pub p95_ms: f64,
    /// 99th percentile, in milliseconds.
    pub p99_ms: f64,
    /// 95th percentile before the incident, where there was traffic to measure it.
    pub baseline_p95_ms: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
/// An error signature during an incident.
pub struct SignatureRow {
    /// The message with numbers, addresses and paths masked.
    pub signature: String,
    /// Lines with this signature during the incident, and before it outside incidents.
    pub during: u64,
    /// Lines with this signature before the incident, outside other incidents.
    pub before: u64,
    /// At least ten times as frequent per bin as before the incident (or absent before).
    pub new: bool,
    /// New, and first seen within ten bins of the start: a root-cause hint.
    pub at_onset: bool,
    /// Its first line during the window.
    pub first: TimelineItem,
}

/// Lines that report a client's request refused or held back, not the service failing:
/// shown beside the failures, never counted among them.
#[derive(Debug, Clone, Serialize)]
pub struct ClientSideCounts {
    /// Requests held back by a rate or connection limit (nginx `limiting requests`, HTTP 429).
    pub limited: u64,
    /// Requests refused for the client's sake (not found, forbidden, too large), as a server's
    /// error log reports them.
    pub refused: u64,
    /// The clients most of them came from.
    pub top_clients: Vec<KeyCount>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
/// What a timeline item is.
pub enum ItemKind {
    /// The moment it was detected.
    Detection,
    /// Something a person (or a deploy tool) did.
    Action,
    /// A command that only looked (`grep`, `journalctl`, `diff`…): it changes nothing.
    Investigation,
    /// The change the errors (or the slowdown, or the loss of traffic) began after: the
    /// candidate trigger.
    Trigger,
    /// An escalation, acknowledgement or hand-over from the alert logs.
    Escalation,
    /// The recovery.
    Resolution,
    /// An alert firing or resolving.
    Alert,
    /// What the logs show happened: the trigger, first errors, what the system did.
    Evidence,
}

#[derive(Debug, Clone, Serialize)]
/// Where a line came from.
pub struct Source {
    /// The file, as shown in the draft (relative to the folder given).
    pub file: String,
    /// The line number, from 1.
    pub line: u64,
    /// The lines just before and after it in the same file, where it has lines around it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<crate::aggregate::Context>,
}

#[derive(Debug, Clone, Serialize)]
/// One line of the timeline, citing where it came from.
pub struct TimelineItem {
    /// When it happened.
    pub time: Stamp,
    /// What kind of item it is.
    pub kind: ItemKind,
    /// What happened, in words (log text quoted as written).
    pub text: String,
    /// The `file:line` it came from.
    pub source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// For actions: what kind of change it was.
    pub action: Option<ActionKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// For actions: who did it, where the log says.
    pub actor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// For actions: the error rate before and after, and the verdict.
    pub effect: Option<Effect>,
    /// Lines that confirm the same step (systemd reporting the restart a sudo asked for).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub confirmed_by: Vec<Source>,
    /// For an automatic event the system repeated (OOM kills, automatic restarts), summarised
    /// in this one row: how often, over how long, and the last one's line. The row cites the
    /// first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeats: Option<Repeats>,
    #[serde(skip)]
    /// `time` in microseconds since the epoch (not in JSON).
    pub micros: i64,
}

impl Incident {
    /// Whether its times fall on more than one day (in the zone they are shown in): its rows
    /// then need their dates.
    pub(crate) fn spans_days(&self) -> bool {
        let day = self.start.date();
        let mut times = self
            .timeline
            .iter()
            .map(|t| &t.time)
            .chain(self.recovered.as_ref())
            .chain(self.start_interval.iter())
            .chain(self.signatures.iter().map(|s| &s.first.time));
        times.any(|t| t.date() != day)
    }
}

#[derive(Debug, Clone, Serialize)]
/// A repeated automatic event, as one timeline row counts it.
pub struct Repeats {
    /// How many times it happened in the incident's window.
    pub count: u64,
    /// From the first to the last, in seconds.
    pub over_seconds: i64,
    /// The last one's `file:line`.
    pub last: Source,
}

#[derive(Debug, Clone, Serialize)]
/// One file read.
pub struct Input {
    /// The file, as shown (relative to the folder given; archive members as `archive/member`).
    pub file: String,
    /// The format it was read as.
    pub format: crate::parse::Format,
    /// Why: how many sampled lines parsed as the format, or the rule that gave it.
    pub detected_because: String,
    /// How it was compressed, if it was.
    pub compression: crate::read::Compression,
    /// Lines in the file.
    pub lines_read: u64,
    /// Lines read as records of the format.
    pub lines_parsed: u64,
    /// Lines that could not be read as the format (see `skipped_examples`).
    pub lines_skipped: u64,
    /// Lines that continue a record (stack traces, wrapped messages).
    pub lines_continuation: u64,
    /// Blank lines.
    pub lines_blank: u64,
    /// Lines over 1 MiB: read whole (messages kept from them are cut short).
    #[serde(skip_serializing_if = "is_zero")]
    pub lines_over_1_mib: u64,
    /// Lines outside the run's time scope (`--since`/`--until`): left out.
    #[serde(skip_serializing_if = "is_zero")]
    pub lines_out_of_scope: u64,
    /// The first few skipped lines, with the reason for each.
    pub skipped_examples: Vec<SkippedLine>,
    /// The first time of any of its lines.
    pub first_time: Option<Stamp>,
    /// The last time of any of its lines.
    pub last_time: Option<Stamp>,
    /// The same two times in the offset (or zone) the file is written in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_time_as_written: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// `last_time` in the offset (or zone) the file is written in.
    pub last_time_as_written: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The zone its zone-less lines were read in.
    pub zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// How that zone was chosen.
    pub zone_rule: Option<crate::pipeline::ZoneSource>,
    /// Where the zone was inferred from a sibling's offset switches: every IANA zone with the
    /// same rules over that time (the first is the one used).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_inferred: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The year its year-less lines were read in.
    pub year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// How that year was chosen.
    pub year_rule: Option<YearSource>,
    /// Times that jump back by more than five minutes from the line before (clock trouble,
    /// or files concatenated out of order). Lines keep their own time either way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skew: Option<SkewReport>,
    /// Its place in a rotation family (`syslog.2.gz`, `syslog.1`, `syslog`), oldest first,
    /// and how many of its lines were copies of the older piece's (counted once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation: Option<crate::pipeline::Rotation>,
    /// The earlier file with the same bytes: this one is not counted again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// The file whose first lines this one repeats (a partial copy in another folder), and
    /// how many of its lines were left out as copies of that file's (counted once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial_copy_of: Option<crate::pipeline::PartialCopy>,
    /// For a container log laid out by the kubelet: the pod and container its path names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubernetes: Option<crate::discover::kubelet::PodPath>,
    /// Where the file's source family has data, between gaps (a silence far longer than its
    /// usual spacing): `[first, last]` times of each stretch.
    pub coverage: Vec<[String; 2]>,
    /// Why nothing of the file was read, when nothing was (the error, as on stderr).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_read: Option<String>,
    /// The gaps: from the last line before to the first line after.
    pub gaps: Vec<[String; 2]>,
}

#[derive(Debug, Clone, Serialize)]
/// A line that could not be read.
pub struct SkippedLine {
    /// The line number.
    pub line: u64,
    /// Why it was skipped.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
/// A file passed over.
pub struct SkippedFile {
    /// The file, as shown.
    pub file: String,
    /// Why it was not read.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
/// Times that jump back in a file.
pub struct SkewReport {
    /// How many times the time jumps back by more than five minutes.
    pub jumps_back: u64,
    /// The largest jump back, in seconds.
    pub largest_jump_back_seconds: i64,
    /// The line of the first jump back.
    pub first_line: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
