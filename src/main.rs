//! The command line: clap options in, a validated `Config` to the library, the draft out.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use postmortem::exit::ExitCode;
use postmortem::{Config, Error};

#[derive(Parser, Debug)]
#[command(
    name = "postmortem",
    version,
    about = "Draft an incident postmortem from the logs"
)]
struct Opts {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read log files and folders and print a draft postmortem.
    #[command(
        after_help = "Examples:\n  postmortem draft ./logs\n  postmortem draft ./logs --json > draft.json\n  postmortem draft /var/log/nginx syslog.1 --tz Europe/Berlin"
    )]
    Draft(DraftOpts),
    /// Say how each file would be read: format and why, lines, time span, zone and year.
    #[command(after_help = "Examples:\n  postmortem scan ./logs\n  postmortem scan ./logs --json")]
    Scan(ScanOpts),
}

/// What both subcommands read, and how to place it in time.
#[derive(clap::Args, Debug)]
struct ReadOpts {
    /// Log files or folders (folders are read recursively; formats are detected).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Zone of lines written without one (nginx error log, classic syslog): an IANA name.
    /// Without it, the offset of sibling files that carry one is used, else UTC.
    #[arg(long, value_name = "ZONE")]
    tz: Option<String>,
    /// Year of the first line of year-less syslog files (otherwise inferred).
    #[arg(long, value_name = "YYYY")]
    year: Option<i32>,
    /// Follow symbolic links.
    #[arg(long)]
    follow: bool,
}

impl ReadOpts {
    fn config(&self) -> Result<Config, Error> {
        let mut config = Config::new(self.paths.clone()).with_year(self.year)?;
        if let Some(tz) = &self.tz {
            config = config.with_zone(tz)?;
        }
        config.follow_links = self.follow;
        Ok(config)
    }
}

#[derive(clap::Args, Debug)]
struct ScanOpts {
    #[command(flatten)]
    read: ReadOpts,
    /// Print JSON (the draft's `inputs` and `skipped_files`).
    #[arg(long)]
    json: bool,
}

fn scan(opts: ScanOpts) -> Result<ExitCode, Error> {
    let analysis = postmortem::pipeline::analyse(&opts.read.config()?)?;
    let inputs = postmortem::timeline::inputs(&analysis);
    let skipped: Vec<postmortem::timeline::SkippedFile> = analysis
        .passed_over
        .iter()
        .map(|p| postmortem::timeline::SkippedFile {
            file: p.display.clone(),
            reason: p.reason.clone(),
        })
        .collect();
    let text = if opts.json {
        let value = serde_json::json!({ "inputs": inputs, "skipped_files": skipped, "errors": analysis.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>() });
        serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
    } else {
        postmortem::render::scan_text(&inputs, &skipped)
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(Error::Output {
            path: "standard output".into(),
            message: e.to_string(),
        });
    }
    for e in &analysis.errors {
        eprintln!("postmortem: {e}");
    }
    Ok(if analysis.errors.is_empty() {
        ExitCode::Incident
    } else {
        ExitCode::Error
    })
}

#[derive(clap::Args, Debug)]
struct DraftOpts {
    #[command(flatten)]
    read: ReadOpts,
    /// Print the draft as JSON instead of Markdown.
    #[arg(long)]
    json: bool,
    /// Width of the time bins the error rate is computed in (30s, 1m, 5m…).
    #[arg(long, value_name = "DURATION", default_value = "1m")]
    bin: String,
    /// Availability objective in percent; sets how large a rise counts as an incident.
    #[arg(long, value_name = "PERCENT", default_value_t = 99.9)]
    slo: f64,
    /// Evidence needed to call an incident, in decades of likelihood ratio (lower finds more).
    #[arg(long, value_name = "DECADES", default_value_t = postmortem::detect::ONSET_DECADES)]
    sensitivity: f64,
    /// Count 4xx responses as failures too (by default they are counted apart).
    #[arg(long = "count-4xx")]
    count_4xx: bool,
    /// Print figures on stderr: bytes, lines, MB/s and lines/s per format, time per stage,
    /// threads, peak memory.
    #[arg(long)]
    stats: bool,
    /// Fail (exit 2) when any line could not be read as its file's format.
    #[arg(long)]
    strict: bool,
    /// Write the draft to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Allow --output to point inside the log folders.
    #[arg(long)]
    force: bool,
    /// Bytes per parallel chunk (for testing; results do not depend on it).
    #[arg(long, hide = true)]
    chunk_size: Option<usize>,
}

fn config(opts: &DraftOpts) -> Result<Config, Error> {
    let mut config = opts
        .read
        .config()?
        .with_bin(&opts.bin)?
        .with_slo(opts.slo)?
        .with_sensitivity(opts.sensitivity)?;
    config.count_client_errors = opts.count_4xx;
    if let Some(size) = opts.chunk_size {
        config = config.with_chunk_size(size);
    }
    Ok(config)
}

/// Refuses an output path that is an input or lies inside an input folder.
fn check_output(output: &Path, inputs: &[PathBuf], force: bool) -> Result<(), Error> {
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
fn write_atomically(path: &Path, text: &str) -> Result<(), Error> {
    let fail = |e: std::io::Error| Error::Output {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temp, text).map_err(fail)?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        fail(e)
    })
}

fn report(analysis: &postmortem::pipeline::Analysis) {
    let mut err = std::io::stderr().lock();
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
        if f.summary.events_dropped > 0 {
            let _ = writeln!(
                err,
                "postmortem: {}: kept the first {} events; {} more were counted, not kept",
                f.display,
                postmortem::aggregate::MAX_KEPT_EVENTS,
                f.summary.events_dropped
            );
        }
        if f.summary.signatures.overflow > 0 {
            let _ = writeln!(
                err,
                "postmortem: {}: more than {} distinct error signatures; {} lines counted together",
                f.display,
                postmortem::aggregate::signature::MAX_SIGNATURES,
                f.summary.signatures.overflow
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

fn run(opts: DraftOpts) -> Result<ExitCode, Error> {
    let config = config(&opts)?;
    if let Some(out) = &opts.output {
        check_output(out, &opts.read.paths, opts.force)?;
    }
    let started = std::time::Instant::now();
    let analysis = postmortem::pipeline::analyse(&config)?;
    let read_done = std::time::Instant::now();
    let draft = postmortem::timeline::build(&analysis, config.detect_params());
    let detect_done = std::time::Instant::now();
    report(&analysis);
    let text = if opts.json {
        postmortem::render::json(&draft)
    } else {
        postmortem::render::markdown::render(&draft)
    };
    match &opts.output {
        Some(path) => write_atomically(path, &text)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
            {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return Ok(ExitCode::Incident);
                }
                return Err(Error::Output {
                    path: "standard output".into(),
                    message: e.to_string(),
                });
            }
        }
    }
    if opts.stats {
        let stages = [
            ("discover, read, parse, aggregate", read_done - started),
            ("detect, timeline", detect_done - read_done),
            ("render, write", detect_done.elapsed()),
        ];
        eprint!("{}", stats_text(&analysis, &stages, started.elapsed()));
    }
    let skipped: u64 = analysis.files.iter().map(|f| f.summary.skipped).sum();
    if opts.strict && skipped > 0 {
        eprintln!("postmortem: --strict: {skipped} lines were skipped");
        return Ok(ExitCode::Error);
    }
    Ok(ExitCode::for_run(
        draft.incidents.len(),
        !analysis.errors.is_empty(),
    ))
}

/// Peak resident memory of this process, from `/proc/self/status` (Linux), in bytes.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn stats_text(
    analysis: &postmortem::pipeline::Analysis,
    stages: &[(&str, std::time::Duration)],
    total: std::time::Duration,
) -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    let mut by_format: BTreeMap<&str, (u64, u64, u64)> = BTreeMap::new();
    for f in &analysis.files {
        let e = by_format.entry(f.detection.format.name()).or_default();
        e.0 += 1;
        e.1 += f.summary.bytes;
        e.2 += f.summary.lines;
    }
    let read_secs = stages[0].1.as_secs_f64().max(1e-9);
    let mut out = String::from("postmortem stats\n");
    let _ = writeln!(
        out,
        "  {:<22} {:>6} {:>14} {:>12} {:>10} {:>12}",
        "format", "files", "bytes", "lines", "MB/s", "lines/s"
    );
    let (mut bytes, mut lines) = (0u64, 0u64);
    for (format, (files, b, l)) in &by_format {
        bytes += b;
        lines += l;
        let _ = writeln!(
            out,
            "  {format:<22} {files:>6} {b:>14} {l:>12} {:>10.1} {:>12.0}",
            *b as f64 / 1e6 / read_secs,
            *l as f64 / read_secs
        );
    }
    let _ = writeln!(
        out,
        "  {:<22} {:>6} {bytes:>14} {lines:>12} {:>10.1} {:>12.0}",
        "all",
        analysis.files.len(),
        bytes as f64 / 1e6 / read_secs,
        lines as f64 / read_secs
    );
    for (stage, took) in stages {
        let _ = writeln!(out, "  stage {stage:<32} {:>9.3} s", took.as_secs_f64());
    }
    let _ = writeln!(
        out,
        "  wall {:.3} s, {} threads, peak memory {}",
        total.as_secs_f64(),
        rayon::current_num_threads(),
        peak_memory().map_or("unknown".into(), |b| format!("{:.1} MB", b as f64 / 1e6))
    );
    let _ = writeln!(
        out,
        "  (MB/s and lines/s per format are over the read stage, which reads all formats at once)"
    );
    out
}

fn main() -> std::process::ExitCode {
    let opts = Opts::parse();
    let result = match opts.command {
        Command::Draft(d) => run(d),
        Command::Scan(s) => scan(s),
    };
    match result {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("postmortem: {e}");
            ExitCode::Error.into()
        }
    }
}
