//! Where the draft goes: standard output, or a file written atomically and never over an
//! input; and how the terminal is treated (colour, progress). Kept out of `main.rs` so the
//! binary stays a thin clap front and these rules are tested as a library.

pub mod progress;
pub mod stats;
pub mod template_child;
pub mod terminal;

use std::io::Write;
use std::path::{Path, PathBuf};

use postmortem::error::Error;
use postmortem::name::plain;

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
    // An existing output is written where it finally leads: `report.md -> logs/syslog` would
    // put the draft in the syslog. (A hard link is safe: the rename replaces the name.)
    let out = match std::fs::symlink_metadata(output) {
        Ok(m) if m.file_type().is_symlink() => output.canonicalize().unwrap_or(out),
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
    // The draft is written beside its target and renamed over it: where that fails, say so
    // (`/proc/version` exists, but nothing can be created in `/proc`).
    written.map_err(|e| Error::Output {
        path: path.display().to_string(),
        message: format!(
            "cannot write a new file in {} to put in its place: {e}",
            dir.display()
        ),
    })
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

/// A message on stderr: `postmortem: ` and `text`, its control characters shown escaped (an
/// alert name's ESC would drive the terminal). A message's own lines (a list of reasons) stay
/// lines, indented, so no line of it can pass for a message of its own.
pub fn say(text: impl std::fmt::Display) {
    let text = text.to_string();
    let mut shown = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            shown.push('\n');
            if !line.starts_with(' ') {
                shown.push_str("  ");
            }
        }
        shown.push_str(&postmortem::name::plain(line));
    }
    let _ = writeln!(std::io::stderr().lock(), "postmortem: {shown}");
}

/// Files passed over for one reason shown one by one before the rest are counted: 200,000
/// empty files made 200,000 lines.
const PASSED_OVER_SHOWN: usize = 10;

/// Tells stderr what was passed over or skipped, as `path: reason` and `path:line: reason`;
/// with `Verbosity::Quiet` only the errors.
pub fn report_problems(analysis: &postmortem::pipeline::Analysis, verbosity: Verbosity) {
    if verbosity == Verbosity::Verbose {
        for f in &analysis.files {
            say(format_args!(
                "{}: read as {}: {}; {} lines, {} parsed",
                f.display,
                f.detection.format.name(),
                f.detection.explain(),
                f.summary.lines,
                f.summary.lines - f.summary.skipped.min(f.summary.lines)
            ));
        }
    }
    if verbosity != Verbosity::Quiet {
        for w in &analysis.warnings {
            say(format_args!("warning: {w}"));
        }
        passed_over(&analysis.passed_over);
        for f in &analysis.files {
            file_problems(f);
        }
    }
    for e in &analysis.errors {
        say(e);
    }
}

/// Files passed over, each reason's first few named and the rest counted.
fn passed_over(passed: &[postmortem::discover::Passed]) {
    let mut totals: std::collections::HashMap<&str, usize> = Default::default();
    for p in passed {
        *totals.entry(&p.reason).or_default() += 1;
    }
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();
    for p in passed {
        let total = totals[p.reason.as_str()];
        let rank = seen.entry(&p.reason).or_default();
        if total <= PASSED_OVER_SHOWN + 1 || *rank < PASSED_OVER_SHOWN {
            say(format_args!("{}: skipped: {}", plain(&p.display), p.reason));
        } else if *rank == PASSED_OVER_SHOWN {
            say(format_args!(
                "{} more files skipped: {}",
                total - PASSED_OVER_SHOWN,
                p.reason
            ));
        }
        *rank += 1;
    }
}

/// One file's skipped lines, clock jumps and limits reached.
fn file_problems(f: &postmortem::pipeline::FileReport) {
    for (line, why) in &f.summary.skipped_examples {
        say(format_args!(
            "{}:{}: skipped line: {}",
            plain(&f.display),
            line,
            why
        ));
    }
    if let Some(line) = f.summary.skew.first_line {
        say(format_args!(
            "{}:{}: time jumps back {} s; {} such jumps in the file (lines keep their own time)",
            f.display,
            line,
            f.summary.skew.largest / 1_000_000,
            f.summary.skew.jumps
        ));
    }
    if f.summary.events_dropped > 0 {
        say(format_args!(
            "{}: kept the first {} events; {} counted, not kept",
            f.display,
            postmortem::aggregate::MAX_KEPT_EVENTS,
            postmortem::render::count(f.summary.events_dropped as usize, "more was", "more were")
        ));
    }
    if f.summary.signatures.overflow > 0 {
        say(format_args!(
            "{}: more than {} distinct error signatures; {} counted together",
            f.display,
            postmortem::aggregate::signature::MAX_SIGNATURES,
            postmortem::render::count(f.summary.signatures.overflow as usize, "line", "lines")
        ));
    }
    let more = f
        .summary
        .skipped
        .saturating_sub(f.summary.skipped_examples.len() as u64);
    if more > 0 {
        say(format_args!(
            "{}: {} more lines skipped ({} in all)",
            f.display, more, f.summary.skipped
        ));
    }
}
