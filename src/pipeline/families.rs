//! Lines held twice are counted once. Three cases, cheapest first: the same bytes twice (a
//! folder copied twice: the later file gives up its contribution); pieces of one rotation
//! family (`syslog.2.gz`, `syslog.1`, `syslog`) that overlap in time (copied while logrotate
//! ran, `copytruncate` races); and a partial copy elsewhere (a backup of a log's first lines),
//! found by files whose first lines are the same bytes (`sniff::head_hashes`). For the last two the overlap is found
//! after the first read; only then are the two files read again: the one kept to hash its lines
//! in the overlap, the other to leave out the lines whose hash it finds there. Files without
//! overlap cost nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::file::process_file;
use super::placement::DatedSpan;
use super::report::{FileReport, PartialCopy, Rotation};
use super::sniff::Sniff;
use crate::aggregate::Summary;
use crate::aggregate::chunk::Overlap;
use crate::config::Config;
use crate::discover::rotation;
use crate::parse::Format;
use crate::time::Micros;

/// How far two neighbouring pieces may overlap before their shared lines are looked for.
pub(crate) const OVERLAP_TOLERANCE: crate::time::Micros = 60 * crate::time::MICROS_PER_SEC;

/// The rotation family a file belongs to: its folder, its family name and its format. By the
/// path as shown: for archive members, their path inside the archive. The plan ties a family
/// into one task by the same key.
pub(super) fn family_key(display: &str, format: Format) -> (String, String, String) {
    let path = Path::new(display);
    let name = path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().to_string());
    let folder = path
        .parent()
        .map_or(String::new(), |p| p.display().to_string());
    (folder, rotation::member(&name).family, format.id())
}

/// Orders the families' pieces and counts the lines two neighbours share only once.
pub(super) fn count_overlaps_once(
    reports: &mut [(usize, FileReport)],
    logs: &[Sniff],
    config: &Config,
    spans: &[DatedSpan],
) {
    let mut families: BTreeMap<FamilyKey, Vec<usize>> = Default::default();
    for (slot, (i, report)) in reports.iter().enumerate() {
        if report.detection.format.is_alerts() || report.duplicate_of.is_some() {
            continue;
        }
        families
            .entry(family_key(
                &logs[*i].candidate.display,
                report.detection.format,
            ))
            .or_default()
            .push(slot);
    }
    for ((_, family, _), (mut slots, sliced)) in join_slices(families, reports) {
        if slots.len() < 2 {
            continue;
        }
        // Slices are cut, not copied while written: any line two of them hold is a copy.
        let tolerance = if sliced { 0 } else { OVERLAP_TOLERANCE };
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
            if older_last - newer_first <= tolerance {
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
                // Read again: the bar counted the file once already.
                None,
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
                // Read again: the bar counted the file once already.
                None,
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

type FamilyKey = (String, String, String);

/// Families of one folder and format whose names differ only in their digits
/// (`08_43_log.csv`, `08_44_log.csv`; `app-2023-09-10.log`, `app-2023-09-11.log`) are time
/// slices of one stream when their times follow one another: each starts and ends no earlier
/// than the one before, and together they overlap for at most a quarter of their time (two
/// hosts' logs of one day overlap all day). Those are joined into one family, named by the
/// shape of their names (`*_*_log.csv`); the flag says which families were so joined.
fn join_slices(
    families: BTreeMap<FamilyKey, Vec<usize>>,
    reports: &[(usize, FileReport)],
) -> BTreeMap<FamilyKey, (Vec<usize>, bool)> {
    let mut by_shape: BTreeMap<FamilyKey, Vec<(FamilyKey, Vec<usize>)>> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for (key, slots) in families {
        match rotation::slice_shape(&key.1) {
            Some(shape) => by_shape
                .entry((key.0.clone(), shape, key.2.clone()))
                .or_default()
                .push((key, slots)),
            None => {
                out.insert(key, (slots, false));
            }
        }
    }
    for (shape_key, members) in by_shape {
        let spans: Option<Vec<(Micros, Micros)>> = members
            .iter()
            .map(|(_, slots)| span_of(slots, reports))
            .collect();
        match spans {
            Some(spans) if members.len() > 1 && follow_one_another(&spans) => {
                let slots = members.into_iter().flat_map(|(_, s)| s).collect();
                out.insert(shape_key, (slots, true));
            }
            _ => out.extend(members.into_iter().map(|(k, s)| (k, (s, false)))),
        }
    }
    out
}

/// The times a family's pieces hold, first to last; `None` when one holds none.
fn span_of(slots: &[usize], reports: &[(usize, FileReport)]) -> Option<(Micros, Micros)> {
    slots
        .iter()
        .try_fold(None, |span: Option<(Micros, Micros)>, slot| {
            let s = &reports[*slot].1.summary;
            let (first, last) = (s.first_time?, s.last_time?);
            Some(Some(
                span.map_or((first, last), |(f, l)| (f.min(first), l.max(last))),
            ))
        })?
}

/// Whether spans, once in order, follow one another as slices of one stream do.
fn follow_one_another(spans: &[(Micros, Micros)]) -> bool {
    let mut spans = spans.to_vec();
    spans.sort_unstable();
    let covered: Micros = spans.iter().map(|(f, l)| l - f).sum();
    let mut overlap: Micros = 0;
    for pair in spans.windows(2) {
        let ((_, older_last), (newer_first, newer_last)) = (pair[0], pair[1]);
        if newer_last < older_last {
            return false;
        }
        overlap += (older_last - newer_first).max(0);
    }
    overlap * 4 <= covered
}

/// The same bytes twice (`x.log.1` beside `x.log.1.gz`, a folder copied twice) count once:
/// the later copy keeps its line counts but gives up its contribution.
pub(super) fn count_copies_once(reports: &mut [(usize, FileReport)]) {
    let mut seen: std::collections::HashMap<(u64, u64, Format), String> =
        std::collections::HashMap::new();
    for (_, report) in reports {
        let s = &report.summary;
        if s.lines == 0 || report.detection.format.is_alerts() {
            continue;
        }
        let key = (s.content_hash, s.bytes, report.detection.format);
        match seen.get(&key) {
            Some(first) => {
                report.duplicate_of = Some(first.clone());
                report.summary = Summary {
                    bytes: s.bytes,
                    lines: s.lines,
                    parsed: s.parsed,
                    continuation: s.continuation,
                    blank: s.blank,
                    skipped: s.skipped,
                    first_time: s.first_time,
                    last_time: s.last_time,
                    content_hash: s.content_hash,
                    ..Summary::default()
                };
            }
            None => {
                seen.insert(key, report.display.clone());
            }
        }
    }
}

/// Files of one format whose heads agree, outside the rotation families (another folder, another
/// name): the one with fewer lines leaves out the lines the other holds in its time span. Only
/// then are the two read again; files with heads of their own cost nothing.
pub(super) fn count_partial_copies_once(
    reports: &mut [(usize, FileReport)],
    logs: &[Sniff],
    config: &Config,
    spans: &[DatedSpan],
) {
    let mut groups: BTreeMap<(Format, Vec<u64>), Vec<usize>> = Default::default();
    for (slot, (i, report)) in reports.iter().enumerate() {
        let head = &logs[*i].head;
        let counted = report.duplicate_of.is_none()
            && !report.detection.format.is_document()
            && report
                .rotation
                .as_ref()
                .is_none_or(|r| r.lines_repeated == 0);
        if counted && !head.is_empty() && report.summary.first_time.is_some() {
            groups
                .entry((report.detection.format, head.clone()))
                .or_default()
                .push(slot);
        }
    }
    for mut slots in groups.into_values().filter(|s| s.len() > 1) {
        // The file with the most lines keeps them; ties go to the first name.
        slots.sort_by(|a, b| {
            let (ra, rb) = (&reports[*a].1, &reports[*b].1);
            rb.summary
                .lines
                .cmp(&ra.summary.lines)
                .then(ra.display.cmp(&rb.display))
        });
        let keeper = slots[0];
        let (Some(from), Some(to)) = (
            slots[1..]
                .iter()
                .filter_map(|s| reports[*s].1.summary.first_time)
                .min(),
            slots[1..]
                .iter()
                .filter_map(|s| reports[*s].1.summary.last_time)
                .max(),
        ) else {
            continue;
        };
        let keeper_index = reports[keeper].0;
        let hashed = process_file(
            keeper_index,
            &logs[keeper_index],
            config,
            spans,
            true,
            Some(Arc::new(Overlap::Collect { from, to })),
            // Read again: the bar counted the file once already.
            None,
        );
        let hashes: rustc_hash::FxHashSet<u64> = hashed.summary.line_hashes.into_iter().collect();
        if hashes.is_empty() {
            continue;
        }
        for &copy in &slots[1..] {
            let index = reports[copy].0;
            let Some(until) = reports[copy].1.summary.last_time else {
                continue;
            };
            let drop = Overlap::Drop {
                hashes: hashes.clone(),
                until,
            };
            let reread = process_file(
                index,
                &logs[index],
                config,
                spans,
                true,
                Some(Arc::new(drop)),
                // Read again: the bar counted the file once already.
                None,
            );
            if reread.summary.duplicates == 0 {
                continue;
            }
            let file = reports[keeper].1.display.clone();
            let report = &mut reports[copy].1;
            report.copy_of = Some(PartialCopy {
                file,
                lines_repeated: reread.summary.duplicates,
            });
            // A copy whose every line was left out still spans its time, as written.
            let (first, last) = (report.summary.first_time, report.summary.last_time);
            report.summary = reread.summary;
            report.summary.first_time = report.summary.first_time.or(first);
            report.summary.last_time = report.summary.last_time.or(last);
            report.errors = reread.errors;
        }
    }
}
