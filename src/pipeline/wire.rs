//! A plan and the partial summaries as files, for `postmortem plan`, `partial` and `merge`.
//!
//! The plan is JSON (a person may read it, a job scheduler reads its tasks): every file with
//! a stable number and what the sniffer decided, the settings, the tasks. Its `id` is a hash of
//! all the rest, so a partial made from another plan is refused. A partial is binary: a fixed
//! header (magic, version, the plan's id, a CRC-32 of the body) and a zstd-compressed
//! MessagePack body holding, per task, the summaries of its files. A summary holds bins,
//! sketches, signatures and kept lines, so its size follows time span and distinct
//! signatures, not lines read.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::placement::DatedSpan;
use super::plan::{ByteRange, Plan, Task};
use super::report::ZoneSource;
use super::report::{FileReport, PartialCopy, Rotation, YearChoice};
use super::sniff::Sniff;
use super::stages::{Piece, TaskOutput};
use crate::aggregate::{SaneTimes, Summary};
use crate::config::Config;
use crate::discover::{Candidate, Passed};
use crate::error::Error;
use crate::parse::Detection;
use crate::read::Compression;
use crate::time::{Civil, Micros};

/// The plan format's version: a plan of another version is refused.
pub(crate) const PLAN_VERSION: u32 = 3;
/// The partial format's version.
pub const PARTIAL_VERSION: u16 = 2;
const MAGIC: &[u8; 10] = b"PMPARTIAL\0";
/// Magic, version, plan id (16 hex digits), CRC-32, body length.
const HEADER: usize = 10 + 2 + 16 + 4 + 8;
/// A body that decompresses past this is refused (a partial is kilobytes to megabytes).
const MAX_BODY: u64 = 1 << 30;
/// How many times its compressed size a body may unpack to: summaries pack 5 to 20 times.
const MAX_RATIO: u64 = 64;

/// Where a planned file's bytes come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BytesFrom {
    /// A file at `path` (plain or compressed).
    File,
    /// A member of the archive at `path`.
    Member,
    /// A binary journal at `path`, read through its export.
    Journal,
    /// Standard input or a FIFO: `partial` reads it from its standard input (`-`).
    Stream,
}

/// One file of a plan, with what the sniffer decided about it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlannedFile {
    /// Its number: where its lines are cited from.
    pub id: usize,
    /// The path as shown in the draft.
    pub display: String,
    /// Where it is read from (the archive, for a member).
    pub path: PathBuf,
    /// Where it lies among its siblings (for placing zone-less and year-less files).
    pub place: PathBuf,
    /// How it is read.
    pub source: BytesFrom,
    /// Its name inside the archive, for a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Its size on disk, for a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Its compression.
    pub compression: Compression,
    /// Its format, and why.
    pub detection: Detection,
    /// Full dates without a zone (see `Detection::local_time`).
    pub local_time: bool,
    /// The first year-less time of its sample.
    pub first_civil: Option<Civil>,
    /// The year of its sample's first fully dated line (a year-less file).
    #[serde(default)]
    pub dated_year: Option<i32>,
    /// Its modification time.
    pub modified: Option<Micros>,
    /// Its gzip header's time.
    pub gzip_mtime: Option<Micros>,
    /// How its lines are read: the format, with what its head declares (W3C, CSV) or the
    /// custom `log_format` they are written in.
    pub reader: crate::parse::reader::FileReader,
    /// Hashes of its first lines.
    pub head: Vec<u64>,
    /// Read from standard input or a pipe when the plan was made.
    #[serde(default)]
    pub from_stream: bool,
}

/// A plan, as written by `postmortem plan`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanDoc {
    /// The format's version ([`PLAN_VERSION`]).
    pub postmortem_plan: u32,
    /// A hash of everything below: partials name it.
    pub id: String,
    /// The settings of the run.
    pub settings: Config,
    /// The times lines may carry.
    pub sane: SaneTimes,
    /// Every file, by number.
    pub files: Vec<PlannedFile>,
    /// The tasks, stage by stage.
    pub tasks: Vec<Task>,
    /// What was passed over, and why.
    pub passed_over: Vec<Passed>,
    /// Problems met while planning, as worded.
    pub errors: Vec<String>,
    /// Settings that had no effect.
    pub warnings: Vec<String>,
}

/// A fixed 64-bit FNV-1a, as hex: the same on every machine and build.
fn fnv_hex(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{h:016x}")
}

fn planned(id: usize, s: &Sniff) -> PlannedFile {
    let c = &s.candidate;
    let (source, path) = match (&c.journal, &c.spool, &c.member) {
        (Some(journal), _, _) => (BytesFrom::Journal, journal.clone()),
        (None, Some(_), _) => (BytesFrom::Stream, PathBuf::new()),
        (None, None, Some(_)) => (BytesFrom::Member, c.path.clone()),
        (None, None, None) => (BytesFrom::File, c.path.clone()),
    };
    PlannedFile {
        id,
        display: c.display.clone(),
        size: (source == BytesFrom::File)
            .then(|| std::fs::metadata(&path).ok().map(|m| m.len()))
            .flatten(),
        path,
        place: s.place.clone(),
        source,
        member: c.member.as_ref().map(|m| m.name.clone()),
        compression: s.compression,
        detection: s.detection.clone(),
        local_time: s.detection.local_time,
        first_civil: s.first_civil,
        dated_year: s.dated_year,
        modified: s.modified,
        gzip_mtime: s.gzip_mtime,
        reader: s.reader.clone(),
        head: s.head.clone(),
        from_stream: s.from_stream,
    }
}

impl PlanDoc {
    /// The plan of a run, to write.
    pub fn new(plan: &Plan, config: &Config) -> PlanDoc {
        let mut doc = PlanDoc {
            postmortem_plan: PLAN_VERSION,
            id: String::new(),
            settings: config.clone(),
            sane: plan.logs.first().map(|s| s.sane).unwrap_or_default(),
            files: plan
                .logs
                .iter()
                .enumerate()
                .map(|(i, s)| planned(i, s))
                .collect(),
            tasks: plan.tasks.clone(),
            passed_over: plan.passed_over.clone(),
            errors: plan.errors.iter().map(Error::to_string).collect(),
            warnings: plan.warnings.clone(),
        };
        doc.id = doc.digest();
        doc
    }

    /// The id: a checksum of the plan against accidents (anyone can recompute it, so nothing
    /// in a plan is trusted for it: see [`PlanDoc::parse`]).
    pub fn digest(&self) -> String {
        let body = PlanDoc {
            id: String::new(),
            ..self.clone()
        };
        fnv_hex(serde_json::to_string(&body).unwrap_or_default().as_bytes())
    }

    /// The plan as JSON, one field per line.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Reads a plan written by `postmortem plan`, refusing another version or an edited one.
    pub fn parse(text: &str, path: &str) -> Result<PlanDoc, Error> {
        let bad = |message: String| Error::Plan {
            path: path.to_string(),
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(format!("not a plan: {e}")))?;
        match value.get("postmortem_plan").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(PLAN_VERSION) => {}
            Some(v) => {
                return Err(bad(format!(
                    "a plan of version {v}; this postmortem reads version {PLAN_VERSION} (make the plan again)"
                )));
            }
            None => return Err(bad("not a plan (no postmortem_plan field)".into())),
        }
        let doc: PlanDoc =
            serde_json::from_value(value).map_err(|e| bad(format!("not a plan: {e}")))?;
        if doc.digest() != doc.id {
            return Err(bad(
                "its id does not match its content: the plan was changed after it was made".into(),
            ));
        }
        let files: Vec<_> = doc
            .files
            .iter()
            .map(|f| (f.path.as_path(), f.member.as_deref()))
            .collect();
        super::untrusted::check_tasks(&doc.tasks, &files).map_err(bad)?;
        doc.config()?;
        Ok(doc)
    }

    /// The settings, as a run's `Config` (each checked as its flag is).
    pub fn config(&self) -> Result<Config, Error> {
        self.settings.clone().checked()
    }

    /// The plan, its files not yet opened (see [`PlanDoc::open`]).
    pub fn plan(&self) -> Plan {
        Plan {
            logs: self.files.iter().map(|f| self.sniff(f)).collect(),
            tasks: self.tasks.clone(),
            passed_over: self.passed_over.clone(),
            errors: self.errors.iter().cloned().map(Error::Carried).collect(),
            warnings: self.warnings.clone(),
        }
    }

    fn sniff(&self, f: &PlannedFile) -> Sniff {
        let mut detection = f.detection.clone();
        detection.local_time = f.local_time;
        Sniff {
            candidate: Candidate {
                path: f.path.clone(),
                display: f.display.clone(),
                member: None,
                spool: None,
                journal: (f.source == BytesFrom::Journal).then(|| f.path.clone()),
                range: None,
            },
            place: f.place.clone(),
            compression: f.compression,
            detection,
            first_civil: f.first_civil,
            dated_year: f.dated_year,
            modified: f.modified,
            gzip_mtime: f.gzip_mtime,
            sane: self.sane,
            reader: f.reader.clone(),
            head: f.head.clone(),
            from_stream: f.from_stream,
        }
    }
}

/// A file's report as it crosses the wire: errors as they were worded.
#[derive(Serialize, Deserialize)]
struct ReportWire {
    display: String,
    detection: Detection,
    local_time: bool,
    compression: Compression,
    zone: Option<String>,
    zone_source: Option<ZoneSource>,
    year: Option<YearChoice>,
    summary: Summary,
    errors: Vec<String>,
    duplicate_of: Option<String>,
    rotation: Option<Rotation>,
    copy_of: Option<PartialCopy>,
}

#[derive(Serialize, Deserialize)]
struct PieceWire {
    file: usize,
    range: Option<ByteRange>,
    report: ReportWire,
}

#[derive(Serialize, Deserialize)]
struct OutputWire {
    task: usize,
    pieces: Vec<PieceWire>,
    spans: Vec<(usize, DatedSpan)>,
}

#[derive(Serialize, Deserialize)]
struct PartialDoc {
    plan: String,
    outputs: Vec<OutputWire>,
}

fn to_wire(out: TaskOutput) -> OutputWire {
    OutputWire {
        task: out.task.unwrap_or(usize::MAX),
        pieces: out
            .pieces
            .into_iter()
            .map(|p| {
                let r = p.report;
                PieceWire {
                    file: p.file,
                    range: p.range,
                    report: ReportWire {
                        display: r.display,
                        local_time: r.detection.local_time,
                        detection: r.detection,
                        compression: r.compression,
                        zone: r.zone,
                        zone_source: r.zone_source,
                        year: r.year,
                        summary: r.summary,
                        errors: r.errors.iter().map(Error::to_string).collect(),
                        duplicate_of: r.duplicate_of,
                        rotation: r.rotation,
                        copy_of: r.copy_of,
                    },
                }
            })
            .collect(),
        spans: out.spans,
    }
}

fn from_wire(w: OutputWire) -> TaskOutput {
    TaskOutput {
        task: Some(w.task),
        pieces: w
            .pieces
            .into_iter()
            .map(|p| {
                let r = p.report;
                let mut detection = r.detection;
                detection.local_time = r.local_time;
                Piece {
                    file: p.file,
                    range: p.range,
                    report: FileReport {
                        display: r.display,
                        detection,
                        compression: r.compression,
                        zone: r.zone,
                        zone_source: r.zone_source,
                        year: r.year,
                        summary: r.summary,
                        errors: r.errors.into_iter().map(Error::Carried).collect(),
                        duplicate_of: r.duplicate_of,
                        rotation: r.rotation,
                        copy_of: r.copy_of,
                    },
                }
            })
            .collect(),
        spans: w.spans,
    }
}

/// A partial summary's bytes: the header, then the compressed body.
pub fn encode_partial(plan_id: &str, outputs: Vec<TaskOutput>) -> Result<Vec<u8>, String> {
    let doc = PartialDoc {
        plan: plan_id.to_string(),
        outputs: outputs.into_iter().map(to_wire).collect(),
    };
    let packed = rmp_serde::to_vec_named(&doc).map_err(|e| e.to_string())?;
    let body = zstd::encode_all(packed.as_slice(), 3).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&PARTIAL_VERSION.to_le_bytes());
    let mut id = [b'0'; 16];
    for (slot, b) in id.iter_mut().zip(plan_id.bytes()) {
        *slot = b;
    }
    out.extend_from_slice(&id);
    out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// Reads a partial summary made from the plan `plan_id`; `path` names it in errors.
pub fn decode_partial(bytes: &[u8], path: &str, plan_id: &str) -> Result<Vec<TaskOutput>, Error> {
    let bad = |message: String| Error::Plan {
        path: path.to_string(),
        message,
    };
    if bytes.len() < HEADER || &bytes[..10] != MAGIC {
        return Err(bad("not a partial summary of postmortem".into()));
    }
    let version = u16::from_le_bytes([bytes[10], bytes[11]]);
    if version != PARTIAL_VERSION {
        return Err(bad(format!(
            "a partial summary of version {version}; this postmortem reads version {PARTIAL_VERSION}"
        )));
    }
    let id = String::from_utf8_lossy(&bytes[12..28]).into_owned();
    if id != plan_id {
        return Err(bad(format!(
            "made from another plan (id {id}, not {plan_id})"
        )));
    }
    let crc = u32::from_le_bytes([bytes[28], bytes[29], bytes[30], bytes[31]]);
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[32..40]);
    let body = &bytes[HEADER..];
    if u64::from_le_bytes(len) != body.len() as u64 || crc32fast::hash(body) != crc {
        return Err(bad("damaged: its length or checksum does not match".into()));
    }
    // One zstd frame, unpacked to no more than its size allows (a 33 KB bomb reached 1 GB),
    // holding one document and nothing after it.
    let most = MAX_BODY.min(
        MAX_RATIO
            .saturating_mul(body.len() as u64)
            .saturating_add(16 << 20),
    );
    let mut packed = Vec::new();
    let mut decoder = zstd::stream::read::Decoder::new(body)
        .map_err(|e| bad(e.to_string()))?
        .single_frame();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut decoder, most + 1),
        &mut packed,
    )
    .map_err(|e| bad(format!("damaged: {e}")))?;
    if packed.len() as u64 > most {
        return Err(bad(format!(
            "its body unpacks to over {most} bytes from {}: not a partial summary",
            body.len()
        )));
    }
    let mut rest = decoder.finish();
    if std::io::Read::read(&mut rest, &mut [0u8; 1]).unwrap_or(0) > 0 {
        return Err(bad("bytes after its body".into()));
    }
    let mut reader = std::io::Cursor::new(&packed[..]);
    let doc: PartialDoc =
        rmp_serde::from_read(&mut reader).map_err(|e| bad(format!("damaged: {e}")))?;
    if reader.position() != packed.len() as u64 {
        return Err(bad("bytes after its body".into()));
    }
    if doc.plan != plan_id {
        return Err(bad("made from another plan".into()));
    }
    Ok(doc.outputs.into_iter().map(from_wire).collect())
}
