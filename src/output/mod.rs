//! Where the draft goes: standard output, or a file written atomically and never over an
//! input; and how the terminal is treated (colour, progress). Kept out of `main.rs` so the
//! binary stays a thin clap front and these rules are tested as a library.

pub mod progress;
pub mod stats;
pub mod template_child;
pub mod terminal;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Refuses an output path that is an input or lies inside an input folder.
pub fn check_output(output: &Path, inputs: &[PathBuf], force: bool) -> Result<(), Error> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let out = absolute(output);
    let parent = out
        .parent()
        .map(|p| p.canonicalize().unwrap_or_else(|_| p.to_path_buf()));
    let out = match (parent, out.file_name()) {
        (Some(p), Some(name)) => p.join(name),
        _ => out,
    };
    for input in inputs {
        let input = input.canonicalize().unwrap_or_else(|_| absolute(input));
        // Never over a file that is (or could be) read: --force only allows new files inside.
        let over_existing = out.starts_with(&input) && out.exists();
        if out == input || over_existing || (!force && out.starts_with(&input)) {
            return Err(Error::Output {
                path: output.display().to_string(),
                message: format!(
                    "refusing to write over or inside the input {} (use --force to write inside it)",
                    input.display()
                ),
            });
        }
    }
    Ok(())
}

/// Writes through a temporary file in the same folder and renames it into place, so a
/// reader never sees half a draft.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), Error> {
    write_bytes_atomically(path, text.as_bytes())
}

/// [`write_atomically`], for bytes that are not text (a partial summary).
pub fn write_bytes_atomically(path: &Path, text: &[u8]) -> Result<(), Error> {
    let fail = |e: std::io::Error| Error::Output {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    if path.as_os_str() == "-" {
        return write_stdout_bytes(text);
    }
    // A device, a FIFO or a link to one (`/dev/stdout`, `/dev/full`) is written straight
    // into: renaming over it would replace the device with a file.
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        if meta.is_dir() {
            return Err(fail(std::io::Error::other("is a directory")));
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(fail)?;
        return f.write_all(text).and_then(|_| f.flush()).map_err(fail);
    }
    // A link to a regular file: write where it points, keep the link.
    let resolved;
    let path = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            resolved = std::fs::canonicalize(path).map_err(fail)?;
            resolved.as_path()
        }
        _ => path,
    };
    // Keep the target's permissions.
    let mode = std::fs::metadata(path).ok().map(|m| m.permissions());
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    pending(|p| p.push(temp.clone()));
    let written = std::fs::write(&temp, text).and_then(|_| {
        if let Some(mode) = mode {
            let _ = std::fs::set_permissions(&temp, mode);
        }
        std::fs::rename(&temp, path)
    });
    if written.is_err() {
        // ENOSPC and the like: leave no half-written temporary file behind.
        let _ = std::fs::remove_file(&temp);
    }
    pending(|p| p.retain(|t| t != &temp));
    written.map_err(fail)
}

/// Temporary files being written, removed if the run is interrupted.
static PENDING: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

fn pending(change: impl FnOnce(&mut Vec<std::path::PathBuf>)) {
    let mut list = PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    change(&mut list);
}

/// Removes the temporary files of writes still under way (an interrupted run).
pub fn remove_pending() {
    pending(|list| {
        for temp in list.drain(..) {
            let _ = std::fs::remove_file(temp);
        }
    });
}

/// On SIGINT, SIGTERM or SIGHUP: remove temporary files, then exit 130 as shells expect
/// after an interrupt. Without it an interrupted `-o` left `.NAME.PID.tmp` behind.
pub fn remove_temporaries_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        remove_pending();
        std::process::exit(130);
    });
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
pub fn write_stdout(text: &str) -> Result<(), Error> {
    write_stdout_bytes(text.as_bytes())
}

/// [`write_stdout`], for bytes.
pub fn write_stdout_bytes(text: &[u8]) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Output {
            path: "standard output".into(),
            message: e.to_string(),
        }),
        _ => Ok(()),
    }
}

/// Writes `text` to `path` (atomically), or to standard output.
pub fn emit(path: Option<&Path>, text: &str) -> Result<(), Error> {
    match path {
        Some(p) => write_atomically(p, text),
        None => write_stdout(text),
    }
}

/// Every output path of a run, checked against every input.
pub fn check_outputs(outputs: &[&Path], inputs: &[PathBuf], force: bool) -> Result<(), Error> {
    // Standard output (`-`) and devices or FIFOs are written into, never over: no input is at
    // risk from them.
    let is_stream = |o: &&&Path| {
        o.as_os_str() == "-" || std::fs::metadata(o).is_ok_and(|m| !m.is_file() && !m.is_dir())
    };
    // `report` and `./report` are one file: compare them made absolute.
    let same = |a: &Path, b: &Path| {
        a == b
            || std::path::absolute(a)
                .ok()
                .zip(std::path::absolute(b).ok())
                .is_some_and(|(a, b)| a == b)
    };
    for pair in outputs.windows(2) {
        if same(pair[0], pair[1]) && !is_stream(&&pair[0]) {
            return Err(Error::Output {
                path: pair[0].display().to_string(),
                message: "given for two outputs (-o and --html): name two files".into(),
            });
        }
    }
    outputs
        .iter()
        .filter(|o| !is_stream(o))
        .try_for_each(|o| check_output(o, inputs, force))
}

/// How much goes to stderr besides the errors: `-q`, the default, or `-v`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Verbosity {
    /// `-q`: errors only.
    Quiet,
    /// Errors and warnings (files passed over, lines skipped, clock skew, limits reached).
    #[default]
    Normal,
    /// `-v`: also every file as it was read, and the figures of `--stats`.
    Verbose,
}

/// Tells stderr what was passed over or skipped, as `path: reason` and `path:line: reason`;
/// with `Verbosity::Quiet` only the errors.
pub fn report_problems(analysis: &crate::pipeline::Analysis, verbosity: Verbosity) {
    let mut err = std::io::stderr().lock();
    if verbosity == Verbosity::Verbose {
        for f in &analysis.files {
            let _ = writeln!(
                err,
                "postmortem: {}: read as {}: {}; {} lines, {} parsed",
                f.display,
                f.detection.format.name(),
                f.detection.explain(),
                f.summary.lines,
                f.summary.lines - f.summary.skipped.min(f.summary.lines)
            );
        }
    }
    if verbosity == Verbosity::Quiet {
        for e in &analysis.errors {
            let _ = writeln!(err, "postmortem: {e}");
        }
        return;
    }
    for w in &analysis.warnings {
        let _ = writeln!(err, "postmortem: warning: {w}");
    }
    for p in &analysis.passed_over {
        let _ = writeln!(err, "postmortem: {}: skipped: {}", p.display, p.reason);
    }
    for f in &analysis.files {
        for (line, why) in &f.summary.skipped_examples {
            let _ = writeln!(
                err,
                "postmortem: {}:{}: skipped line: {}",
                f.display, line, why
            );
        }
        if let Some(line) = f.summary.skew.first_line {
            let _ = writeln!(
                err,
                "postmortem: {}:{}: time jumps back {} s; {} such jumps in the file (lines keep their own time)",
                f.display,
                line,
                f.summary.skew.largest / 1_000_000,
                f.summary.skew.jumps
            );
        }
        if f.summary.events_dropped > 0 {
            let _ = writeln!(
                err,
                "postmortem: {}: kept the first {} events; {} counted, not kept",
                f.display,
                crate::aggregate::MAX_KEPT_EVENTS,
                crate::render::count(f.summary.events_dropped as usize, "more was", "more were")
            );
        }
        if f.summary.signatures.overflow > 0 {
            let _ = writeln!(
                err,
                "postmortem: {}: more than {} distinct error signatures; {} counted together",
                f.display,
                crate::aggregate::signature::MAX_SIGNATURES,
                crate::render::count(f.summary.signatures.overflow as usize, "line", "lines")
            );
        }
        let more = f
            .summary
            .skipped
            .saturating_sub(f.summary.skipped_examples.len() as u64);
        if more > 0 {
            let _ = writeln!(
                err,
                "postmortem: {}: {} more lines skipped ({} in all)",
                f.display, more, f.summary.skipped
            );
        }
    }
    for e in &analysis.errors {
        let _ = writeln!(err, "postmortem: {e}");
    }
}
