//! Opening a plan's files where `postmortem partial` runs: at the path the plan names, at a
//! local copy (`--at NAME=PATH`, where a cluster job fetched it), or from standard input (`-`).
//! Archives are listed again to find a member; journals are exported again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::plan::{Plan, Task};
use super::wire::{BytesFrom, PlanDoc, PlannedFile};
use crate::discover::Candidate;
use crate::error::Error;

/// Where this process finds the plan's files.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Local copies, by the file's name in the plan (as shown, or its path).
    pub at: HashMap<String, PathBuf>,
    /// Standard input holds the task's bytes (its one file, or its byte range).
    pub stdin: bool,
}

impl Inputs {
    fn local(&self, f: &PlannedFile) -> PathBuf {
        let by_path = f.path.to_string_lossy();
        self.at
            .get(&f.display)
            .or_else(|| self.at.get(by_path.as_ref()))
            .cloned()
            .unwrap_or_else(|| f.path.clone())
    }
}

/// Standard input, copied to a private file once (as `draft -` does) and shared.
fn spool_stdin(spooled: &mut Option<Candidate>, display: &str) -> Result<Candidate, Error> {
    if let Some(c) = spooled {
        return Ok(c.clone());
    }
    let found = crate::discover::discover(&[PathBuf::from("-")], false, Some(display));
    let c = found.candidates.into_iter().next().ok_or_else(|| {
        match found.errors.into_iter().next() {
            Some(e) => e,
            None => Error::Partial {
                path: display.to_string(),
                message: "standard input could not be read".into(),
            },
        }
    })?;
    *spooled = Some(c.clone());
    Ok(c)
}

fn member_of(archive: Candidate, f: &PlannedFile) -> Result<Candidate, Error> {
    let name = f.member.as_deref().unwrap_or_default();
    let io = |e| Error::io(&f.display, e);
    let opened = archive.open().map_err(io)?;
    let listing = crate::read::tar::list(opened.stream, opened.compression).map_err(io)?;
    let member = listing.members.into_iter().find(|m| m.name == name);
    let member = member.ok_or_else(|| Error::Partial {
        path: f.display.clone(),
        message: format!("no member {name} in the archive any more"),
    })?;
    let mut c = archive.members(vec![member]).remove(0);
    c.display = f.display.clone();
    Ok(c)
}

/// A plan's file is read from a regular file only: a plan (anyone can write one) naming
/// `/dev/zero` or a FIFO would read forever, as `draft` refuses to.
fn refuse_unless_regular(path: &Path, display: &str) -> Result<(), Error> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => Err(Error::Partial {
            path: display.to_string(),
            message: format!(
                "{} is not a regular file (a device, FIFO or folder): not read",
                path.display()
            ),
        }),
        _ => Ok(()),
    }
}

fn open_one(
    f: &PlannedFile,
    inputs: &Inputs,
    spooled: &mut Option<Candidate>,
) -> Result<Candidate, Error> {
    let stdin = inputs.stdin || f.source == BytesFrom::Stream;
    let local = inputs.local(f);
    let plain = |path: &Path| Candidate {
        path: path.to_path_buf(),
        display: f.display.clone(),
        member: None,
        spool: None,
        journal: None,
        range: None,
    };
    let container = match stdin {
        true => {
            if !inputs.stdin {
                return Err(Error::Partial {
                    path: f.display.clone(),
                    message: "came on standard input when planned: give it as - to partial".into(),
                });
            }
            spool_stdin(spooled, &f.display)?
        }
        false => {
            refuse_unless_regular(&local, &f.display)?;
            plain(&local)
        }
    };
    match (f.source, &f.member) {
        (BytesFrom::Member, _) | (BytesFrom::Stream, Some(_)) => member_of(container, f),
        (BytesFrom::Journal, _) if !stdin => {
            let (export, _) = crate::read::journal::export(&local).map_err(|e| Error::Partial {
                path: f.display.clone(),
                message: format!("not a readable journal file: {e}"),
            })?;
            Ok(Candidate::standing_in(
                export,
                f.display.clone(),
                Some(f.path.clone()),
            ))
        }
        _ => {
            let mut c = container;
            c.display = f.display.clone();
            Ok(c)
        }
    }
}

/// Opens the files of `task` for reading here; a file that cannot be opened is returned with
/// its error (the task reads the rest).
pub(crate) fn open_task(
    doc: &PlanDoc,
    plan: &mut Plan,
    task: &Task,
    inputs: &Inputs,
) -> Vec<(usize, Error)> {
    let mut spooled = None;
    let mut failed = Vec::new();
    for &file in &task.files {
        match open_one(&doc.files[file], inputs, &mut spooled) {
            Ok(c) => plan.logs[file].candidate = c,
            Err(e) => failed.push((file, e)),
        }
    }
    failed
}
