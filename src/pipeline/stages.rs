//! Reading a stage of a plan (or one task of it), and putting what the tasks read back
//! together into the run's [`Analysis`]. `draft` reads every stage here in one process; `partial`
//! reads some tasks and `merge` assembles: the same functions, so the same draft.

use std::collections::BTreeMap;

use super::families;
use super::file::{dated_spans, process_file, read_group, span_of};
use super::placement::DatedSpan;
use super::plan::{ByteRange, Plan, Task};
use super::report::{Analysis, FileReport};
use super::sniff::Sniff;
use crate::config::Config;
use crate::error::Error;

/// What a task read of one file: the whole file, or one byte range of it.
#[derive(Debug, Clone)]
pub struct Piece {
    /// The file's number in the plan.
    pub file: usize,
    /// The bytes read, for a piece of a file cut into ranges.
    pub range: Option<ByteRange>,
    /// What it held (line numbers count from the range's start).
    pub report: FileReport,
}

/// What a task (or, in `draft`, a whole stage) read.
#[derive(Debug, Clone)]
pub struct TaskOutput {
    /// The task's number in the plan (`None`: a whole stage, read by `draft`).
    pub task: Option<usize>,
    /// Its files, or its range.
    pub pieces: Vec<Piece>,
    /// The time spans its whole files showed on their first read, before lines held twice
    /// were taken out: what later stages are placed by.
    pub spans: Vec<(usize, DatedSpan)>,
}

/// Time spans of files, by their number in the plan.
pub(crate) type DatedSpans = Vec<(usize, DatedSpan)>;

/// Reads files of one stage side by side, then counts lines held twice once. `dated`: the
/// spans of the stages before.
pub(super) fn read_stage(
    files: &[usize],
    logs: &[Sniff],
    config: &Config,
    dated: &[DatedSpan],
    progress: Option<&crate::config::Progress>,
) -> (Vec<(usize, FileReport)>, DatedSpans) {
    let mut reports = read_group(files, logs, config, dated, progress);
    reports.sort_by_key(|(i, _)| *i);
    // Every file lends its span (for the year) and the offsets its lines were written with:
    // a zone-less format that names its zone on most lines (PostgreSQL's `EDT`) is as good a
    // witness for its host's syslog as an access log.
    let spans = dated_spans(&reports, logs);
    families::count_copies_once(&mut reports);
    families::count_overlaps_once(&mut reports, logs, config, dated);
    families::count_partial_copies_once(&mut reports, logs, config, dated);
    (reports, spans)
}

/// Reads one task of a plan whose files were opened here. `dated`: see [`spans_before`];
/// `failed`: files that could not be opened, reported with their error and left out.
pub(crate) fn read_task(
    plan: &Plan,
    task: &Task,
    config: &Config,
    dated: &[DatedSpan],
    failed: Vec<(usize, Error)>,
) -> TaskOutput {
    let mut pieces: Vec<Piece> = failed
        .iter()
        .map(|(file, e)| {
            let mut report = super::file::unread(&plan.logs[*file]);
            report.errors.push(e.clone());
            Piece {
                file: *file,
                range: task.range,
                report,
            }
        })
        .collect();
    let readable: Vec<usize> = task
        .files
        .iter()
        .copied()
        .filter(|f| !failed.iter().any(|(g, _)| g == f))
        .collect();
    let mut spans = Vec::new();
    match (task.range, readable.as_slice()) {
        (Some(range), [file]) => {
            let mut sniff = plan.logs[*file].clone();
            // Standard input holds the range's bytes alone; a file is read from the range.
            if sniff.candidate.spool.is_none() {
                sniff.candidate.range = Some((range.start, range.end));
            }
            let report = process_file(*file, &sniff, config, dated, true, None, None);
            pieces.push(Piece {
                file: *file,
                range: Some(range),
                report,
            });
        }
        _ => {
            let (reports, stage_spans) = read_stage(&readable, &plan.logs, config, dated, None);
            spans = stage_spans;
            pieces.extend(reports.into_iter().map(|(file, report)| Piece {
                file,
                range: None,
                report,
            }));
        }
    }
    pieces.sort_by_key(|p| p.file);
    // What a partial carries does not depend on where its chunks were cut.
    for p in &mut pieces {
        p.report.summary.keep_cited_contexts();
    }
    TaskOutput {
        task: Some(task.id),
        pieces,
        spans,
    }
}

/// The stage each file is read in (its task's).
fn file_stages(plan: &Plan) -> Vec<u8> {
    let mut stages = vec![0; plan.logs.len()];
    for t in &plan.tasks {
        for &f in &t.files {
            stages[f] = t.stage;
        }
    }
    stages
}

/// The spans that files of `stage` are placed by: those of every file of an earlier stage,
/// by stage and then by file. A file read in ranges shows its span once all its pieces are
/// joined.
pub(crate) fn spans_before(plan: &Plan, done: &[TaskOutput], stage: u8) -> Vec<DatedSpan> {
    let stages = file_stages(plan);
    let mut spans: Vec<(u8, usize, DatedSpan)> = Vec::new();
    let mut ranged: BTreeMap<usize, Vec<Piece>> = BTreeMap::new();
    for out in done {
        for (file, span) in &out.spans {
            if stages[*file] < stage {
                spans.push((stages[*file], *file, span.clone()));
            }
        }
        for p in out.pieces.iter().filter(|p| p.range.is_some()) {
            if stages[p.file] < stage {
                ranged.entry(p.file).or_default().push(p.clone());
            }
        }
    }
    for (file, pieces) in ranged {
        if let Some(joined) = join(pieces)
            && let Some(span) = span_of(&joined, &plan.logs[file].place)
        {
            spans.push((stages[file], file, span));
        }
    }
    spans.sort_by_key(|(s, f, _)| (*s, *f));
    spans.into_iter().map(|(_, _, span)| span).collect()
}

/// The pieces of one file in byte order, as one report: line numbers move on past the pieces
/// before (see `Summary::append`).
fn join(mut pieces: Vec<Piece>) -> Option<FileReport> {
    pieces.sort_by_key(|p| p.range);
    pieces
        .into_iter()
        .map(|p| p.report)
        .reduce(|mut all, next| {
            all.summary.append(next.summary);
            all.errors.extend(next.errors);
            all
        })
        .map(|mut all| {
            all.summary.keep_cited_contexts();
            all
        })
}

/// A file no task output holds: reported, as a file that could not be read is.
fn missing(plan: &Plan, file: usize, why: String) -> FileReport {
    let s = &plan.logs[file];
    let mut report = super::file::unread(s);
    report.errors.push(Error::Partial {
        path: s.candidate.display.clone(),
        message: why,
    });
    report
}

/// Every file's report, in plan order, into the run's analysis. A file (or a byte range of
/// one) whose task is not among `outputs` is reported as not read, and the rest goes on.
pub(crate) fn assemble(plan: &Plan, outputs: Vec<TaskOutput>, config: &Config) -> Analysis {
    let mut by_file: BTreeMap<usize, Vec<Piece>> = BTreeMap::new();
    let mut tasks_done = std::collections::BTreeSet::new();
    let mut whole_stage = false;
    for out in outputs {
        match out.task {
            Some(t) => {
                tasks_done.insert(t);
            }
            None => whole_stage = true,
        }
        for p in out.pieces {
            by_file.entry(p.file).or_default().push(p);
        }
    }
    let mut analysis = Analysis {
        passed_over: plan.passed_over.clone(),
        errors: plan.errors.clone(),
        warnings: plan.warnings.clone(),
        bin_width: config.bin_width,
        zone: config.zone.name().to_string(),
        files: Vec::with_capacity(plan.logs.len()),
        scope: config.scope.clone(),
    };
    let lost: Vec<&Task> = match whole_stage {
        true => Vec::new(),
        false => plan
            .tasks
            .iter()
            .filter(|t| !tasks_done.contains(&t.id))
            .collect(),
    };
    for file in 0..plan.logs.len() {
        let report = match by_file.remove(&file).and_then(join) {
            Some(mut joined) => {
                for t in lost.iter().filter(|t| t.files == [file]) {
                    if let Some(r) = t.range {
                        let why = format!(
                            "bytes {} to {} not read: no partial summary holds task {} of the plan",
                            r.start, r.end, t.id
                        );
                        joined.errors.push(Error::Partial {
                            path: joined.display.clone(),
                            message: why,
                        });
                    }
                }
                joined
            }
            None => {
                let task = lost.iter().find(|t| t.files.contains(&file));
                let why = match task {
                    Some(t) => format!(
                        "not read: no partial summary holds task {} of the plan",
                        t.id
                    ),
                    None => "not read".to_string(),
                };
                missing(plan, file, why)
            }
        };
        analysis.errors.extend(report.errors.iter().cloned());
        analysis.files.push(report);
    }
    analysis
}
