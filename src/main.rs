//! The command line: clap options in, a validated `Config` to the library, the draft out.
//! Everything with a rule in it lives in the library (`config`, `output`, `render`).

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

use postmortem::config::flags::{RawDetect, RawRead};
use postmortem::config::rules::parse_zone;
use postmortem::exit::ExitCode;
use postmortem::output::terminal::ColorChoice;
use postmortem::output::{self, emit};
use postmortem::timeline::events::{EventKind, Filter};
use postmortem::{Config, Error};

const EXAMPLES_DRAFT: &str = "Examples:
  postmortem draft ./logs
  postmortem draft ./logs --html report.html
  postmortem draft ./logs --json > draft.json
  postmortem draft /var/log/nginx syslog.1 --tz Europe/Berlin
  postmortem draft ./logs --tz 'web-2/*=America/New_York' --format 'legacy/*.log=nginx_error'
  postmortem draft ./logs --template team.md.j2 --display-tz Europe/Berlin";

const EXAMPLES_TIMELINE: &str = "Examples:
  postmortem timeline ./logs
  postmortem timeline ./logs --since start-30m --until recovered --kind action,escalation
  postmortem timeline ./logs --source 'alerts/*' --json | jq .text
  postmortem timeline ./logs --kind error --grep 'ldap|bind' --csv > errors.csv";

#[derive(Parser, Debug)]
#[command(
    name = "postmortem",
    version,
    max_term_width = 100,
    about = "Draft an incident postmortem from the logs",
    long_about = "Draft an incident postmortem from the logs copied off the servers: when it \
                  started, when and how it was detected, what people did, when it recovered and \
                  who was affected, each line citing the file:line it came from."
)]
struct Opts {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read log files and folders and print a draft postmortem.
    #[command(after_help = EXAMPLES_DRAFT)]
    Draft(DraftOpts),
    /// Say how each file would be read: format and why, lines, time span, zone and year.
    #[command(after_help = "Examples:\n  postmortem scan ./logs\n  postmortem scan ./logs --json")]
    Scan(ScanOpts),
    /// Print the notable events of all files on one time line (alerts, actions, escalations).
    #[command(after_help = EXAMPLES_TIMELINE)]
    Timeline(TimelineOpts),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Example:\n  postmortem completions bash > ~/.local/share/bash-completion/completions/postmortem"
    )]
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff) on standard output: the tool's, or one subcommand's.
    #[command(
        after_help = "Examples:\n  postmortem man > ~/.local/share/man/man1/postmortem.1\n  postmortem man draft > ~/.local/share/man/man1/postmortem-draft.1"
    )]
    Man {
        /// draft, scan, timeline…
        subcommand: Option<String>,
    },
}

/// What every reading subcommand reads, and how to place it in time.
#[derive(clap::Args, Debug)]
struct ReadOpts {
    /// Log files or folders (folders are read recursively; formats are detected).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Zone of lines written without one: ZONE for all files, or GLOB=ZONE for some (repeat).
    /// Without it, the offset of sibling files that carry one is used, else UTC.
    #[arg(long, value_name = "[GLOB=]ZONE")]
    tz: Vec<String>,
    /// Year of year-less syslog lines: YYYY for all files, or GLOB=YYYY for some (repeat).
    #[arg(long, value_name = "[GLOB=]YYYY")]
    year: Vec<String>,
    /// Read files matching GLOB as FORMAT instead of detecting it (repeat), e.g.
    /// 'legacy/*.log=nginx_error'.
    #[arg(long, value_name = "GLOB=FORMAT")]
    format: Vec<String>,
    /// An nginx log_format string the access logs were written with (repeat for several), e.g.
    /// '$host $remote_addr [$time_local] "$request" $status $request_time'.
    #[arg(long, value_name = "FORMAT")]
    nginx_log_format: Vec<String>,
    /// Read log_format and access_log directives from this nginx.conf.
    #[arg(long, value_name = "FILE")]
    nginx_conf: Option<PathBuf>,
    /// Follow symbolic links.
    #[arg(long)]
    follow: bool,
    /// Settings file [default: postmortem.toml in a folder given, if there is one].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// How the run detects: shared by `draft` and `timeline` (whose relative times need it).
#[derive(clap::Args, Debug)]
struct DetectOpts {
    /// Width of the time bins the error rate is computed in (30s, 1m, 5m…) [default: 1m].
    #[arg(long, value_name = "DURATION")]
    bin: Option<String>,
    /// Availability objective in percent; sets how large a rise counts as an incident
    /// [default: 99.9].
    #[arg(long, value_name = "PERCENT")]
    slo: Option<f64>,
    /// Evidence needed to call an incident, in decades of likelihood ratio (lower finds more)
    /// [default: 6].
    #[arg(long, value_name = "DECADES")]
    sensitivity: Option<f64>,
    /// Count 4xx responses as failures too (by default they are counted apart).
    #[arg(long = "count-4xx")]
    count_4xx: bool,
    /// Bytes per parallel chunk (for testing; results do not depend on it).
    #[arg(long, hide = true)]
    chunk_size: Option<usize>,
}

/// How text output looks.
#[derive(clap::Args, Debug)]
struct ShowOpts {
    /// Show times in this zone (IANA name), with their offset. JSON stays UTC.
    #[arg(long, value_name = "ZONE")]
    display_tz: Option<String>,
    /// Colour: auto (only on a terminal, and not if NO_COLOR is set), always or never.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    color: ColorChoice,
}

/// The settings file and the flags, merged (flags win) into the library's `Config`.
fn config(read: &ReadOpts, detect: Option<&DetectOpts>) -> Result<Config, Error> {
    let raw = RawRead {
        paths: read.paths.clone(),
        tz: read.tz.clone(),
        year: read.year.clone(),
        format: read.format.clone(),
        nginx_log_format: read.nginx_log_format.clone(),
        nginx_conf: read.nginx_conf.clone(),
        follow: read.follow,
        config: read.config.clone(),
    };
    let detect = detect.map(|d| RawDetect {
        bin: d.bin.clone(),
        slo: d.slo,
        sensitivity: d.sensitivity,
        count_4xx: d.count_4xx,
        chunk_size: d.chunk_size,
    });
    postmortem::config::flags::resolve(&raw, detect.as_ref())
}

fn display_zone(show: &ShowOpts) -> Result<Option<chrono_tz::Tz>, Error> {
    show.display_tz.as_deref().map(parse_zone).transpose()
}

#[derive(clap::Args, Debug)]
struct ScanOpts {
    #[command(flatten)]
    read: ReadOpts,
    /// Print JSON (the draft's `inputs` and `skipped_files`).
    #[arg(long)]
    json: bool,
    /// Print figures on stderr: bytes, lines, MB/s and lines/s per format, threads, peak memory.
    #[arg(long)]
    stats: bool,
}

fn scan(opts: ScanOpts) -> Result<ExitCode, Error> {
    let started = std::time::Instant::now();
    let analysis = postmortem::pipeline::analyse(&config(&opts.read, None)?)?;
    let read = started.elapsed();
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
    output::write_stdout(&text)?;
    for e in &analysis.errors {
        eprintln!("postmortem: {e}");
    }
    if opts.stats {
        let stages = [
            ("discover, read, parse, aggregate", read),
            ("render, write", started.elapsed() - read),
        ];
        eprint!(
            "{}",
            output::stats::stats_text(&analysis, &stages, started.elapsed())
        );
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
    #[command(flatten)]
    detect: DetectOpts,
    #[command(flatten)]
    show: ShowOpts,
    /// Print the draft as JSON instead of Markdown (times in UTC).
    #[arg(long, conflicts_with = "template")]
    json: bool,
    /// Also write a self-contained HTML report (chart, timeline, draft) to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Render the draft with your own Markdown template (minijinja, over the --json model).
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
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
    /// Allow --output and --html to point inside the log folders.
    #[arg(long)]
    force: bool,
    /// Never show a progress bar (it only appears on a terminal, after about a second).
    #[arg(long)]
    no_progress: bool,
}

fn draft(opts: DraftOpts) -> Result<ExitCode, Error> {
    let mut config = config(&opts.read, Some(&opts.detect))?;
    let zone = display_zone(&opts.show)?;
    let outputs: Vec<&std::path::Path> = opts
        .output
        .iter()
        .chain(&opts.html)
        .map(PathBuf::as_path)
        .collect();
    output::check_outputs(&outputs, &opts.read.paths, opts.force)?;
    let template = match &opts.template {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| Error::io(&path.display().to_string(), &e))?,
        ),
        None => None,
    };
    let bar = output::progress::Bar::start(!opts.no_progress);
    config.progress = Some(bar.progress());
    let started = std::time::Instant::now();
    let analysis = postmortem::pipeline::analyse(&config);
    bar.finish();
    let analysis = analysis?;
    let read_done = std::time::Instant::now();
    let draft = postmortem::timeline::build(&analysis, config.detect_params());
    let detect_done = std::time::Instant::now();
    output::report_problems(&analysis);
    let shown = match zone {
        Some(tz) => postmortem::render::zone::in_display_zone(&draft, tz),
        None => draft.clone(),
    };
    let text = match (&template, opts.json) {
        (_, true) => postmortem::render::json(&draft),
        (Some(t), false) => {
            let name = opts
                .template
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            output::template_child::render(&name, t, &shown)?
        }
        (None, false) => postmortem::render::markdown::render(&shown),
    };
    // A failed HTML write is reported after the draft is out: it does not cost the draft.
    let html_written = match &opts.html {
        Some(path) => output::write_atomically(path, &postmortem::render::html::render(&shown)),
        None => Ok(()),
    };
    let coloured =
        opts.output.is_none() && !opts.json && template.is_none() && opts.show.color.for_stdout();
    let text = if coloured {
        output::terminal::colour_markdown(&text)
    } else {
        text
    };
    emit(opts.output.as_deref(), &text)?;
    html_written?;
    if opts.stats {
        let stages = [
            ("discover, read, parse, aggregate", read_done - started),
            ("detect, timeline", detect_done - read_done),
            ("render, write", detect_done.elapsed()),
        ];
        eprint!(
            "{}",
            output::stats::stats_text(&analysis, &stages, started.elapsed())
        );
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

#[derive(clap::Args, Debug)]
struct TimelineOpts {
    #[command(flatten)]
    read: ReadOpts,
    #[command(flatten)]
    detect: DetectOpts,
    #[command(flatten)]
    show: ShowOpts,
    /// Print NDJSON: one JSON object per event, times in UTC.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV with a header row.
    #[arg(long)]
    csv: bool,
    /// Only events at or after: RFC 3339, or relative to the incident (start-30m, detected,
    /// recovered+1h).
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only events at or before (same forms as --since).
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Only these kinds (comma-separated) [default: all but error].
    #[arg(long, value_name = "KIND", value_delimiter = ',')]
    kind: Vec<EventKind>,
    /// Only events from files matching GLOB (the path as shown, e.g. 'alerts/*').
    #[arg(long, value_name = "GLOB")]
    source: Option<String>,
    /// Only events whose text matches REGEX.
    #[arg(long, value_name = "REGEX")]
    grep: Option<String>,
}

fn timeline(opts: TimelineOpts) -> Result<ExitCode, Error> {
    let config = config(&opts.read, Some(&opts.detect))?;
    let zone = display_zone(&opts.show)?;
    let analysis = postmortem::pipeline::analyse(&config)?;
    let draft = postmortem::timeline::build(&analysis, config.detect_params());
    output::report_problems(&analysis);
    let bound = |t: &Option<String>| {
        t.as_deref()
            .map(|t| postmortem::timeline::events::parse_bound(t, &draft))
            .transpose()
    };
    let filter = Filter {
        since: bound(&opts.since)?,
        until: bound(&opts.until)?,
        kinds: opts.kind.clone(),
        source: opts
            .source
            .as_deref()
            .map(|g| {
                globset::Glob::new(g)
                    .map(|g| g.compile_matcher())
                    .map_err(|e| Error::InvalidFlag {
                        flag: "--source",
                        value: g.to_string(),
                        why: e.kind().to_string(),
                    })
            })
            .transpose()?,
        grep: opts
            .grep
            .as_deref()
            .map(|r| {
                regex::Regex::new(r).map_err(|e| Error::InvalidFlag {
                    flag: "--grep",
                    value: r.to_string(),
                    why: e.to_string(),
                })
            })
            .transpose()?,
    };
    let rows: Vec<_> = postmortem::timeline::events::rows(&analysis, &draft)
        .into_iter()
        .filter(|r| filter.keeps(r))
        .collect();
    let text = if opts.json {
        postmortem::render::events::ndjson(&rows)
    } else if opts.csv {
        postmortem::render::events::csv(&rows, zone)
    } else {
        postmortem::render::events::text(&rows, zone)
    };
    output::write_stdout(&text)?;
    Ok(match (analysis.errors.is_empty(), rows.is_empty()) {
        (false, _) => ExitCode::Error,
        (true, true) => ExitCode::NoIncident,
        (true, false) => ExitCode::Incident,
    })
}

fn main() -> std::process::ExitCode {
    // The sandboxed template renderer (see output::template_child): not a user command.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == output::template_child::SUBCOMMAND)
    {
        return match output::template_child::run_child() {
            Ok(text) => match output::write_stdout(&text) {
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(_) => std::process::ExitCode::from(2),
            },
            Err(e) => {
                // For the parent: the line, a tab, the message.
                match e {
                    Error::Template { line, message, .. } => eprint!("{line}\t{message}"),
                    other => eprint!("0\t{other}"),
                }
                std::process::ExitCode::from(2)
            }
        };
    }
    let opts = Opts::parse();
    output::remove_temporaries_on_interrupt();
    let result = match opts.command {
        Command::Draft(d) => draft(d),
        Command::Scan(s) => scan(s),
        Command::Timeline(t) => timeline(t),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Opts::command(),
                "postmortem",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { subcommand } => man(subcommand.as_deref()),
    };
    match result {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("postmortem: {e}");
            ExitCode::Error.into()
        }
    }
}

fn man(subcommand: Option<&str>) -> Result<ExitCode, Error> {
    let mut command = Opts::command();
    command.build();
    let page_of = match subcommand {
        None => command,
        Some(name) => command
            .find_subcommand(name)
            .cloned()
            .map(|c| c.name(format!("postmortem-{name}")))
            .ok_or_else(|| Error::InvalidFlag {
                flag: "man",
                value: name.to_string(),
                why: "a subcommand: draft, scan, timeline, completions or man".into(),
            })?,
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(page_of)
        .render(&mut page)
        .map_err(|e| Error::Output {
            path: "standard output".into(),
            message: e.to_string(),
        })?;
    output::write_stdout(&String::from_utf8_lossy(&page))?;
    Ok(ExitCode::SUCCESS)
}
