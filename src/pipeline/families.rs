//! Pieces of one rotation family (`syslog.2.gz`, `syslog.1`, `syslog`) that overlap in time
//! hold some lines twice: copied while logrotate ran, `copytruncate` races, a folder gathered
//! twice. The overlap is found from the pieces' spans after the first read; only then are the
//! two pieces read again: the older one to hash its lines in the overlap, the newer one to
//! leave out the lines whose hash it finds there. Families without overlap cost nothing.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::placement::DatedSpan;
use super::{FileReport, Sniff, process_file};
use crate::aggregate::chunk::Overlap;
use crate::config::Config;
use crate::discover::rotation;

/// How far two neighbouring pieces may overlap before their shared lines are looked for.
pub const OVERLAP_TOLERANCE: crate::time::Micros = 60 * crate::time::MICROS_PER_SEC;

/// A file's place in its rotation family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rotation {
    /// The live file's name: `syslog` for `syslog.2.gz`.
    pub family: String,
    /// 1 for the oldest piece.
    pub position: usize,
    /// How many pieces the family has.
    pub of: usize,
    /// Lines left out as copies of lines the previous (older) piece holds.
    pub lines_repeated: u64,
}

/// Orders the families' pieces and counts the lines two neighbours share only once.
pub(super) fn count_overlaps_once(
    reports: &mut [(usize, FileReport)],
    logs: &[Sniff],
    config: &Config,
    spans: &[DatedSpan],
) {
    let mut families: std::collections::BTreeMap<(String, String, String), Vec<usize>> =
        Default::default();
    for (slot, (i, report)) in reports.iter().enumerate() {
        if report.detection.format.is_alerts() || report.duplicate_of.is_some() {
            continue;
        }
        // By the path as shown: for archive members, their path inside the archive.
        let path = Path::new(&logs[*i].candidate.display);
        let name = path
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().to_string());
        let folder = path
            .parent()
            .map_or(String::new(), |p| p.display().to_string());
        let member = rotation::member(&name);
        families
            .entry((folder, member.family, report.detection.format.id()))
            .or_default()
            .push(slot);
    }
    for ((_, family, _), mut slots) in families {
        if slots.len() < 2 {
            continue;
        }
        // Oldest first by the times the pieces hold; the names (logrotate's `.1` newer than
        // `.2`, `split`'s `.00` older than `.01`) only break ties.
        let age = |slot: &usize| {
            let first = reports[*slot].1.summary.first_time;
            let path = Path::new(&logs[reports[*slot].0].candidate.display);
            let name = path
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().to_string());
            (first, rotation::member(&name).age_key, name)
        };
        slots.sort_by_key(age);
        let of = slots.len();
        for (position, slot) in slots.iter().enumerate() {
            reports[*slot].1.rotation = Some(Rotation {
                family: family.clone(),
                position: position + 1,
                of,
                lines_repeated: 0,
            });
        }
        for pair in slots.windows(2) {
            let (older, newer) = (pair[0], pair[1]);
            let (Some(older_last), Some(newer_first)) = (
                reports[older].1.summary.last_time,
                reports[newer].1.summary.first_time,
            ) else {
                continue;
            };
            // Lines a few seconds out of order at a boundary are normal (nginx stamps a request
            // when it starts): only an overlap longer than that is read again.
            if older_last - newer_first <= OVERLAP_TOLERANCE {
                continue;
            }
            let (older_index, newer_index) = (reports[older].0, reports[newer].0);
            let collect = Overlap::Collect {
                from: newer_first,
                to: older_last,
            };
            let hashed = process_file(
                older_index,
                &logs[older_index],
                config,
                spans,
                true,
                Some(Arc::new(collect)),
            );
            let hashes: rustc_hash::FxHashSet<u64> =
                hashed.summary.line_hashes.into_iter().collect();
            if hashes.is_empty() {
                continue;
            }
            let drop = Overlap::Drop {
                hashes,
                until: older_last,
            };
            let reread = process_file(
                newer_index,
                &logs[newer_index],
                config,
                spans,
                true,
                Some(Arc::new(drop)),
            );
            let report = &mut reports[newer].1;
            report.summary = reread.summary;
            report.errors = reread.errors;
            if let Some(r) = report.rotation.as_mut() {
                r.lines_repeated = report.summary.duplicates;
            }
        }
    }
}
