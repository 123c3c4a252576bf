//! Binary systemd journal files (`*.journal`, `*.journal~`, as copied from
//! `/var/log/journal/<machine-id>/`), read with the pure-Rust `sdjournal` reader: no libsystemd,
//! no `journalctl` on the machine that reads them. Each file is exported once, entry by entry,
//! to a private temporary file in `journalctl -o json`'s shape, which the journald JSON format
//! then reads like any export: entry N of the journal is line N of the export, so citations
//! (`system.journal:N`) count entries.
//!
//! `sdjournal` opens folders, not files: the file is hard-linked (copied, across file systems)
//! into a private folder of its own first. Memory stays flat: entries are written as read.

use std::io::Write;
use std::path::Path;

/// A journal file's first eight bytes.
pub(crate) const MAGIC: &[u8] = b"LPKSHHRH";

/// Whether `sample` (a file's head) is a journal file.
pub(crate) fn is_journal(sample: &[u8]) -> bool {
    sample.starts_with(MAGIC)
}

fn private_copy(path: &Path, folder: &Path) -> std::io::Result<()> {
    let target = folder.join("exported.journal");
    match std::fs::hard_link(path, &target) {
        Ok(()) => Ok(()),
        Err(_) => std::fs::copy(path, &target).map(drop),
    }
}

/// One entry as `journalctl -o json` writes it: every field, text as a string and other bytes
/// as an array of numbers, and the receive time as `__REALTIME_TIMESTAMP`.
fn entry_json(entry: &sdjournal::EntryRef) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert(
        "__REALTIME_TIMESTAMP".into(),
        entry.realtime_usec().to_string().into(),
    );
    for (name, value) in entry.iter_fields() {
        let value = match std::str::from_utf8(value) {
            Ok(text) => serde_json::Value::from(text),
            Err(_) => serde_json::Value::from(value.to_vec()),
        };
        map.entry(name.to_string()).or_insert(value);
    }
    serde_json::Value::Object(map)
}

/// Damaged entries one after another past which a journal is not read further.
const MAX_DAMAGED_IN_A_ROW: u64 = 10_000;

/// Exports the journal at `path` to a private temporary file of JSON lines; a journal with
/// damaged objects yields every entry that reads, and what the damage cost.
pub fn export(path: &Path) -> std::io::Result<(crate::read::spool::SpoolFile, Option<String>)> {
    let folder = tempfile::tempdir()?;
    private_copy(path, folder.path())?;
    let journal = sdjournal::Journal::open_dir(folder.path()).map_err(std::io::Error::other)?;
    let entries = journal.query().iter().map_err(std::io::Error::other)?;
    let out = crate::read::spool::SpoolFile::new()?;
    let mut writer = std::io::BufWriter::new(out.file());
    // A damaged object costs its entry: reading goes on past it, as journalctl's does, and
    // the damage is reported once with how many entries it cost.
    let (mut damaged, mut in_a_row, mut first_damage) = (0u64, 0u64, None);
    for entry in entries {
        match entry {
            Ok(e) => {
                in_a_row = 0;
                serde_json::to_writer(&mut writer, &entry_json(&e))?;
                writer.write_all(b"\n")?;
            }
            Err(e) => {
                damaged += 1;
                in_a_row += 1;
                first_damage.get_or_insert_with(|| e.to_string());
                // A reader that yields nothing but errors has lost its way: stop there.
                if in_a_row >= MAX_DAMAGED_IN_A_ROW {
                    break;
                }
            }
        }
    }
    writer.flush()?;
    drop(writer);
    // The reader names the private copy: the file is the one the user gave.
    let copy = folder.path().join("exported.journal").display().to_string();
    let damage = first_damage.map(|first| {
        let first = first.replace(&copy, &path.display().to_string());
        format!("{damaged} damaged journal entries skipped, the first: {first}")
    });
    Ok((out, damage))
}
