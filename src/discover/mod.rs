//! Discover: turn the paths a user gives into the list of candidate files, in a stable order.
//!
//! Folders are walked recursively with walkdir (not `ignore`: `.gitignore` files often list
//! `*.log`, and those are exactly the files we want). Symbolic links are not followed unless
//! asked, so a link cannot pull in files from outside the copied tree. Whether a file is a
//! log, and which, is decided later from its content.

pub mod kubelet;
pub mod rotation;

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::read::spool;

/// The settings file a log folder may hold: never read as a log (see `config::file`).
pub(crate) const SETTINGS_FILE_NAME: &str = "postmortem.toml";

/// How standard input (`-`) is shown, unless `--stdin-name` names it.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// A file to read: a path, or a member of an archive at that path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The file on disk (the archive, for a member).
    pub path: PathBuf,
    /// The path as shown in the draft: relative to the folder given.
    pub display: String,
    /// A file inside the archive at `path` (`.tar`, `.tar.gz`…), read in place.
    pub member: Option<crate::read::tar::Member>,
    /// For a stream (standard input, a FIFO): the private copy `path` points to, kept for as
    /// long as the candidate lives.
    pub spool: Option<Spool>,
    /// For a binary journal read through its export (`path`): the journal file itself.
    pub journal: Option<PathBuf>,
    /// Only these bytes `[start, end)` of a plain file, cut at line ends by a plan.
    pub range: Option<(u64, u64)>,
}

/// A stream copied to a private temporary file (see [`spool`]): read twice (sniffed, then
/// read) like any file, in memory that does not depend on its size. Gone when the last
/// candidate holding it goes, or the process ends however it ends.
#[derive(Debug, Clone)]
pub struct Spool(std::sync::Arc<spool::SpoolFile>);

impl PartialEq for Spool {
    fn eq(&self, other: &Self) -> bool {
        self.0.path() == other.0.path()
    }
}

impl Eq for Spool {}

/// Copies a stream to a private temporary file, as a candidate shown as `display`, and what
/// was left out when the stream held more than a copy may (see [`spool::limit`]).
fn spooled(
    mut stream: impl std::io::Read,
    display: String,
) -> std::io::Result<(Candidate, Option<String>)> {
    let copy = spool::SpoolFile::new()?;
    let limit = spool::limit();
    let mut writer = std::io::BufWriter::with_capacity(256 << 10, copy.file());
    let cut = spool::copy_bounded(&mut stream, &mut writer, limit)?;
    std::io::Write::flush(&mut writer)?;
    drop(writer);
    let candidate = Candidate::standing_in(copy, display, None);
    Ok((candidate, cut.then(|| spool::limit_reached(limit))))
}

/// A root that is a stream: `-` (standard input) or a FIFO named on the command line (`<(zcat
/// x.gz)` gives `/dev/fd/63`). Folders are walked, and FIFOs found in them are passed over:
/// only a stream the user named is read.
fn stream_root(
    root: &Path,
    stdin_name: &str,
) -> Option<std::io::Result<(Candidate, Option<String>)>> {
    use std::os::unix::fs::FileTypeExt;
    if root == Path::new("-") {
        return Some(spooled(std::io::stdin().lock(), stdin_name.to_string()));
    }
    let is_fifo = std::fs::metadata(root).is_ok_and(|m| m.file_type().is_fifo());
    is_fifo.then(|| {
        let stream = std::fs::File::open(root)?;
        spooled(stream, root.display().to_string())
    })
}

impl Candidate {
    /// A private copy standing for the file shown as `display` (a stream, or a binary
    /// journal's export, whose file is `journal`): read in its place, gone when the last
    /// candidate holding it goes.
    pub(crate) fn standing_in(
        copy: spool::SpoolFile,
        display: String,
        journal: Option<PathBuf>,
    ) -> Candidate {
        Candidate {
            path: copy.path().to_path_buf(),
            display,
            member: None,
            spool: Some(Spool(std::sync::Arc::new(copy))),
            journal,
            range: None,
        }
    }

    /// Where the file lies, for placing it beside its siblings: the path given (a journal's
    /// own path, not its export's); a stream lies nowhere.
    pub fn place(&self) -> PathBuf {
        match (&self.journal, &self.spool) {
            (Some(journal), _) => journal.clone(),
            (None, Some(_)) => PathBuf::new(),
            _ => self.path.clone(),
        }
    }

    /// Opens the file (or the archive member) decoded, with the sniffer's sample.
    pub fn open(&self) -> std::io::Result<crate::read::Opened> {
        match (&self.member, self.range) {
            (Some(m), _) => crate::read::tar::open_member(&self.path, m),
            (None, Some((start, end))) => crate::read::open_range(&self.path, start, end),
            (None, None) => crate::read::open(&self.path),
        }
    }

    /// An archive's members as candidates of their own.
    pub fn members(&self, listed: Vec<crate::read::tar::Member>) -> Vec<Candidate> {
        listed
            .into_iter()
            .map(|m| Candidate {
                path: self.path.clone(),
                display: format!("{}/{}", self.display, m.name.trim_start_matches("./")),
                member: Some(m),
                spool: self.spool.clone(),
                journal: None,
                range: None,
            })
            .collect()
    }
}

/// Something discovery passed over, with the reason (printed as `path: reason`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Passed {
    /// What was passed over, as shown.
    pub display: String,
    /// Why.
    pub reason: String,
}

#[derive(Debug, Default)]
/// What discovery found under the paths given.
pub struct Discovered {
    /// Files to sniff.
    pub candidates: Vec<Candidate>,
    /// Paths passed over, with reasons.
    pub passed_over: Vec<Passed>,
    /// Paths that could not be walked.
    pub errors: Vec<Error>,
}

fn display_name(root: &Path, path: &Path, prefix_root: bool) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let relative = if relative.as_os_str().is_empty() {
        Path::new(path.file_name().unwrap_or(path.as_os_str()))
    } else {
        relative
    };
    let shown = if prefix_root && root.is_dir() {
        let root_name = root.file_name().map(Path::new).unwrap_or(root);
        root_name.join(relative)
    } else {
        relative.to_path_buf()
    };
    // On Unix a backslash is part of a name (`web\\prod.log` is not `web/prod.log`).
    let shown = shown.to_string_lossy();
    match std::path::MAIN_SEPARATOR {
        '/' => shown.into_owned(),
        other => shown.replace(other, "/"),
    }
}

/// Lists the regular files under `roots`, sorted within each root; `-` and FIFOs named as
/// roots are read as streams (standard input shown as `stdin_name`).
pub fn discover(roots: &[PathBuf], follow_links: bool, stdin_name: Option<&str>) -> Discovered {
    let mut found = Discovered::default();
    let prefix_root = roots.len() > 1;
    for root in roots {
        if let Some(stream) = stream_root(root, stdin_name.unwrap_or(STDIN_NAME)) {
            match stream {
                Ok((candidate, cut)) => {
                    if let Some(message) = cut {
                        found.errors.push(Error::Partial {
                            path: candidate.display.clone(),
                            message,
                        });
                    }
                    found.candidates.push(candidate);
                }
                Err(e) => found.errors.push(Error::io(&root.display().to_string(), e)),
            }
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(follow_links)
            .sort_by_file_name();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err.path().unwrap_or(root).to_path_buf();
                    // The io error alone: walkdir's own message repeats the path.
                    let reason = match (err.loop_ancestor(), err.io_error()) {
                        (Some(_), _) => "symbolic link loop, not followed".to_string(),
                        (None, Some(io)) => io.to_string(),
                        (None, None) => err.to_string(),
                    };
                    found.errors.push(Error::Partial {
                        path: display_name(root, &path, prefix_root),
                        message: reason,
                    });
                    continue;
                }
            };
            let file_type = entry.file_type();
            // The settings file kept beside the logs is not one of them.
            if file_type.is_dir() || entry.file_name() == SETTINGS_FILE_NAME && entry.depth() == 1 {
                continue;
            }
            let display = display_name(root, entry.path(), prefix_root);
            if file_type.is_symlink() {
                found.passed_over.push(Passed {
                    display,
                    reason: "symbolic link, not followed (use --follow)".into(),
                });
                continue;
            }
            if !file_type.is_file() {
                found.passed_over.push(Passed {
                    display,
                    reason: "not a regular file (FIFO, socket or device)".into(),
                });
                continue;
            }
            found.candidates.push(Candidate {
                path: entry.path().to_path_buf(),
                display,
                member: None,
                spool: None,
                journal: None,
                range: None,
            });
        }
    }
    found
}
