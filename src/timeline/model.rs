//! The draft as data: what `--json` prints and what the Markdown renderer reads. Field names
//! here are a contract with users' scripts: add fields, never rename them.

use serde::Serialize;

use crate::aggregate::ActionKind;
use crate::detect::effect::Effect;
use crate::time::Stamp;
use crate::time::year::YearSource;

#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub tool: Tool,
    /// The zone assumed for lines written without one.
    pub zone_assumed: String,
    pub bin_seconds: i64,
    /// What the error rate was computed from.
    pub signal: String,
    pub baseline_ratio: f64,
    pub span: Option<Span>,
    pub incidents: Vec<Incident>,
    pub inputs: Vec<Input>,
    pub skipped_files: Vec<SkippedFile>,
    pub errors: Vec<String>,
    /// The signal per bin (bins with records only), for charts: what the detector read.
    pub series: Vec<SeriesPoint>,
    /// The zone times are shown in by the text renderers (`--display-tz`); JSON stays UTC.
    #[serde(skip)]
    pub display_zone: Option<crate::time::Zone>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriesPoint {
    /// Start of the bin.
    pub time: Stamp,
    pub total: u64,
    pub errors: u64,
    /// 95th percentile request time in the bin, where access logs record it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p95_ms: Option<f64>,
    #[serde(skip)]
    pub micros: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Span {
    pub first: Stamp,
    pub last: Stamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectionMethod {
    /// A monitoring alert fired.
    Alert,
    /// No alert in the logs: when the SRE workbook's multiwindow burn-rate page would have fired.
    BurnRate,
    /// Neither: the moment the error-rate test had enough evidence.
    DerivedFromLogs,
}

#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    /// `errors` (requests failed) or `slow` (requests succeeded, slowly).
    pub kind: crate::detect::Kind,
    pub start: Stamp,
    /// Where the start could be (95 % likelihood interval): earliest and latest.
    pub start_interval: [Stamp; 2],
    /// The same for the recovery.
    pub recovered_interval: Option<[Stamp; 2]>,
    pub detected: Stamp,
    pub detection_method: DetectionMethod,
    /// In words: which alert, or how the logs show it.
    pub detection_detail: String,
    pub recovered: Option<Stamp>,
    pub duration_seconds: Option<i64>,
    pub time_to_detect_seconds: i64,
    /// From detection to the first acknowledgement, where the alert source records one.
    pub time_to_acknowledge_seconds: Option<i64>,
    /// From the start to the recovery.
    pub time_to_resolve_seconds: Option<i64>,
    pub baseline_ratio: f64,
    pub error_ratio: f64,
    pub peak_error_ratio: f64,
    pub impact: Impact,
    /// Request latency during the incident, where the access logs time requests.
    pub latency: Option<LatencyImpact>,
    pub top_paths: Vec<KeyCount>,
    pub top_upstreams: Vec<KeyCount>,
    /// Failures per source file (each file stands for the host that wrote it).
    pub top_sources: Vec<KeyCount>,
    /// Error signatures during the incident, those new against the baseline first.
    pub signatures: Vec<SignatureRow>,
    pub timeline: Vec<TimelineItem>,
    /// The last change before the start, if one came shortly before it.
    pub trigger_candidate: Option<TimelineItem>,
    /// Changes during the incident after which the error rate did not move.
    pub misleading_candidates: Vec<TimelineItem>,
    /// The change after which the error rate fell most.
    pub resolution_candidate: Option<TimelineItem>,
    pub first_errors: Vec<TimelineItem>,
    /// Each source family with data near the window: what it holds, its own baseline and
    /// peak, and whether it showed the incident.
    pub sources: Vec<crate::timeline::sources::IncidentSource>,
    /// Whether a source that showed the incident lacks data over part of the window (or the
    /// data ends before a recovery): the window is only partly covered.
    pub coverage_partial: bool,
    /// The incident's own signal around its window, for its sparkline.
    #[serde(skip)]
    pub shape: Option<crate::timeline::shape::Shape>,
    #[serde(skip)]
    pub start_micros: i64,
    #[serde(skip)]
    pub recovered_micros: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    pub requests_total: u64,
    pub requests_failed: u64,
    pub failed_ratio: f64,
    /// Failed requests beyond what the baseline ratio predicts.
    pub requests_failed_excess: u64,
    /// 4xx during the incident: counted apart, not an outage.
    pub requests_client_errors: u64,
    /// For slow incidents: requests slower than twice the baseline p95.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests_slow: Option<u64>,
    pub clients_total: u64,
    pub clients_affected: u64,
    pub clients_affected_ratio: f64,
    /// What a "client" is here: users where the logs name them, else addresses.
    pub client_basis: String,
    /// What `requests_total` and `requests_failed` count: `requests`, or `records` (log
    /// lines, for incidents seen only in logs without requests), or `alerts`.
    pub unit: crate::timeline::sources::SourceKind,
    /// For lost traffic: the requests the hours around predicted that never arrived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests_missing: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyCount {
    pub key: String,
    pub failed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LatencyImpact {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub baseline_p95_ms: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignatureRow {
    /// The message with numbers, addresses and paths masked.
    pub signature: String,
    /// Lines with this signature during the incident, and before it outside incidents.
    pub during: u64,
    pub before: u64,
    /// At least ten times as frequent per bin as before the incident (or absent before).
    pub new: bool,
    /// New, and first seen within ten bins of the start: a root-cause hint.
    pub at_onset: bool,
    pub first: TimelineItem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Detection,
    Action,
    Escalation,
    Resolution,
    Alert,
    Evidence,
}

#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub file: String,
    pub line: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineItem {
    pub time: Stamp,
    pub kind: ItemKind,
    pub text: String,
    pub source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<ActionKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<Effect>,
    /// Lines that confirm the same step (systemd reporting the restart a sudo asked for).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub confirmed_by: Vec<Source>,
    #[serde(skip)]
    pub micros: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Input {
    pub file: String,
    pub format: crate::parse::Format,
    pub detected_because: String,
    pub compression: crate::read::Compression,
    pub lines_read: u64,
    pub lines_parsed: u64,
    pub lines_skipped: u64,
    pub lines_continuation: u64,
    pub lines_blank: u64,
    /// Lines over 1 MiB: read whole (messages kept from them are cut short).
    #[serde(skip_serializing_if = "is_zero")]
    pub lines_over_1_mib: u64,
    pub skipped_examples: Vec<SkippedLine>,
    pub first_time: Option<Stamp>,
    pub last_time: Option<Stamp>,
    /// The same two times in the offset (or zone) the file is written in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_time_as_written: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_time_as_written: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_rule: Option<crate::pipeline::ZoneSource>,
    /// Where the zone was inferred from a sibling's offset switches: every IANA zone with the
    /// same rules over that time (the first is the one used).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_inferred: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_rule: Option<YearSource>,
    /// Times that jump back by more than five minutes from the line before (clock trouble,
    /// or files concatenated out of order). Lines keep their own time either way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skew: Option<SkewReport>,
    /// Its place in a rotation family (`syslog.2.gz`, `syslog.1`, `syslog`), oldest first,
    /// and how many of its lines were copies of the older piece's (counted once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation: Option<crate::pipeline::families::Rotation>,
    /// The earlier file with the same bytes: this one is not counted again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// Where the file's source family has data, between gaps (a silence far longer than its
    /// usual spacing): `[first, last]` times of each stretch.
    pub coverage: Vec<[String; 2]>,
    /// The gaps: from the last line before to the first line after.
    pub gaps: Vec<[String; 2]>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkippedLine {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkippedFile {
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkewReport {
    /// How many times the time jumps back by more than five minutes.
    pub jumps_back: u64,
    pub largest_jump_back_seconds: i64,
    pub first_line: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
