//! The run, stage by stage: discover the files, sniff each, read and parse them in parallel
//! chunks, merge the summaries in file order. Detection and rendering take it from there.
//!
//! Files with full dates are read before year-less syslog files, so that the latter can be
//! placed in the year of the former (see `time::year`). Large plain files are read one at a
//! time with their chunks spread over all workers; small and compressed files are spread
//! over workers a file each. Chunk contexts (the syslog year) are worked out before the
//! chunks are handed out, so results do not depend on the number of threads.

use std::sync::atomic::Ordering;

pub mod distributed;
mod documents;
mod exports;
pub mod families;
mod file;
pub mod lines;
pub mod opening;
mod placement;
pub mod plan;
mod report;
mod sniff;
pub mod stages;
mod untrusted;
mod warnings;
pub mod wire;

pub use documents::{read_alert_bytes, read_record_bytes, read_record_stream};
pub use plan::Plan;
pub use report::{Analysis, FileReport, PartialCopy, Rotation, YearChoice, ZoneSource};
use sniff::Sniff;

use crate::config::Config;
use crate::error::Error;

/// How far a run has got (defined with the settings that carry it).
pub use crate::config::Progress;

/// Runs discovery, reading and aggregation over the configured paths: the plan's tasks,
/// stage by stage, in this process.
pub fn analyse(config: &Config) -> Result<Analysis, Error> {
    analyse_watched(config, None)
}

/// [`analyse`], counting how far it has got on `progress` (a progress bar reads it).
pub(crate) fn analyse_watched(
    config: &Config,
    progress: Option<&Progress>,
) -> Result<Analysis, Error> {
    let plan = plan::make(config, None)?;
    start_progress(progress, &plan.logs);
    let mut done: Vec<stages::TaskOutput> = Vec::new();
    for stage in 0..plan::STAGES {
        let dated = stages::spans_before(&plan, &done, stage);
        let files: Vec<usize> = plan
            .tasks
            .iter()
            .filter(|t| t.stage == stage)
            .flat_map(|t| t.files.iter().copied())
            .collect();
        // Read as one group, so that large files use every thread and small ones share them.
        let (reports, spans) = stages::read_stage(&files, &plan.logs, config, &dated, progress);
        done.push(stages::TaskOutput {
            task: None,
            pieces: reports
                .into_iter()
                .map(|(file, report)| stages::Piece {
                    file,
                    range: None,
                    report,
                })
                .collect(),
            spans,
        });
    }
    Ok(stages::assemble(&plan, done, config))
}

/// The totals the progress bar counts towards.
fn start_progress(progress: Option<&Progress>, logs: &[Sniff]) {
    let Some(p) = progress else {
        return;
    };
    let on_disk: u64 = logs
        .iter()
        .filter(|s| s.candidate.member.is_none())
        .filter_map(|s| std::fs::metadata(&s.candidate.path).ok())
        .map(|m| m.len())
        .sum();
    p.bytes_total.store(on_disk, Ordering::Relaxed);
    p.files_total.store(logs.len() as u64, Ordering::Relaxed);
}
