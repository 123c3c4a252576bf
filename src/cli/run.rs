//! Each subcommand, from its parsed flags to its exit code: the settings merged into a
//! [`Config`], the pipeline run, the output written.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::CommandFactory;

use super::{
    Args, DetectOpts, DraftOpts, GlobalOpts, ReadOpts, ScanOpts, ShowOpts, TimelineOpts, WriteOpts,
};
use crate::output::terminal::ColorChoice;
use crate::output::{self, Verbosity, emit};
use postmortem::config::flags::{RawDetect, RawRead};
use postmortem::config::rules::parse_zone;
use postmortem::exit::ExitCode;
use postmortem::timeline::events::Filter;
use postmortem::{Config, Error};

/// The settings file and the flags, merged (flags win) into the library's `Config`.
pub fn config(read: &ReadOpts, detect: Option<&DetectOpts>) -> Result<Config, Error> {
    let raw = RawRead {
        paths: read.paths.clone(),
        tz: read.tz.clone(),
        year: read.year.clone(),
        format: read.format.clone(),
        nginx_log_format: read.nginx_log_format.clone(),
        nginx_conf: read.nginx_conf.clone(),
        follow: read.follow,
        stdin_name: read.stdin_name.clone(),
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

/// Applies the flags every subcommand takes: the reading threads (`-j`), and how much goes to
/// stderr (`-q`, `-v`).
pub fn apply_global(global: &GlobalOpts) -> Result<Verbosity, Error> {
    if let Some(n) = global.threads {
        if n == 0 {
            return Err(Error::invalid("--threads", "0", "at least 1"));
        }
        // Only fails when a pool was already built, which nothing here does before this.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    Ok(match (global.quiet, global.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, true) => Verbosity::Verbose,
        (false, false) => Verbosity::Normal,
    })
}

/// `postmortem scan`: how each file would be read.
pub fn scan(opts: ScanOpts, verbosity: Verbosity) -> Result<ExitCode, Error> {
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
        postmortem::render::scan_text(&inputs, &skipped, opts.color.for_stdout())
    };
    output::write_stdout(&text)?;
    // scan's output already says what was passed over and why: only errors are added.
    if verbosity != Verbosity::Quiet {
        for w in &analysis.warnings {
            crate::output::say(format_args!("warning: {w}"));
        }
    }
    for e in &analysis.errors {
        crate::output::say(e);
    }
    if opts.stats || verbosity == Verbosity::Verbose {
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

/// `postmortem draft`: the draft, as Markdown, JSON, HTML or through a template.
pub fn draft(opts: DraftOpts, verbosity: Verbosity) -> Result<ExitCode, Error> {
    let mut config = config(&opts.read, Some(&opts.detect))?;
    config.scope = scope(&opts)?;
    let prepared = prepare_write(&opts.write, &opts.read.paths)?;
    let bar = output::progress::Bar::start(!opts.no_progress && verbosity != Verbosity::Quiet);
    let progress = bar.progress();
    let started = std::time::Instant::now();
    let run = postmortem::draft_timed(&config, Some(&progress));
    bar.finish();
    let (draft, analysis, timings) = run?;
    write_draft(
        &opts.write,
        prepared,
        (draft, analysis, timings),
        started,
        verbosity,
    )
}

/// The run's scope from `draft --since/--until/--host`; times without an offset are read in
/// `--display-tz`.
fn scope(opts: &DraftOpts) -> Result<postmortem::config::Scope, Error> {
    let zone = display_zone(&opts.write.show)?;
    let bound = |t: &Option<String>, flag: &str, end: bool| -> Result<Option<i64>, Error> {
        let Some(text) = t.as_deref() else {
            return Ok(None);
        };
        match postmortem::timeline::events::parse_absolute(text, zone, end) {
            Some(t) => t.map(Some).map_err(|e| e.for_flag(flag)),
            None => Err(Error::invalid(
                flag,
                text,
                "an RFC 3339 time (2023-09-10T08:00:00Z), a date (2023-09-10) or a zone-less time (2023-09-10 08:00)",
            )),
        }
    };
    let since = bound(&opts.since, "--since", false)?;
    let until = bound(&opts.until, "--until", true)?;
    in_order(since, until, opts.until.as_deref())?;
    Ok(postmortem::config::Scope {
        since,
        until,
        hosts: opts.host.clone(),
    })
}

/// What writing a draft needs before the run: the display zone, the template, and the
/// outputs checked against the inputs (so no run is wasted on a refused `-o`).
pub struct Prepared {
    zone: Option<chrono_tz::Tz>,
    template: Option<String>,
}

/// Checks the write flags before a run over `inputs`.
pub fn prepare_write(opts: &WriteOpts, inputs: &[PathBuf]) -> Result<Prepared, Error> {
    let zone = display_zone(&opts.show)?;
    let outputs: Vec<&std::path::Path> = opts
        .output
        .iter()
        .chain(&opts.html)
        .map(PathBuf::as_path)
        .collect();
    let mut read = inputs.to_vec();
    read.extend(opts.template.iter().cloned());
    output::check_outputs(&outputs, &read, opts.force)?;
    let template = opts.template.as_deref().map(read_template).transpose()?;
    Ok(Prepared { zone, template })
}

/// A template is read whole, so it must be a regular file of a template's size: a FIFO
/// would hang the run, `/dev/zero` fill memory.
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

fn read_template(path: &std::path::Path) -> Result<String, Error> {
    use std::io::Read;
    let shown = path.display().to_string();
    let refuse = |message: String| Error::invalid("--template", &shown, message);
    let meta = std::fs::metadata(path).map_err(|e| Error::io(&shown, e))?;
    if !meta.is_file() {
        return Err(refuse(
            "not a regular file (a FIFO or a device would hang the run)".into(),
        ));
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_TEMPLATE_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| Error::io(&shown, e))?;
    if text.len() as u64 > MAX_TEMPLATE_BYTES {
        return Err(refuse(format!(
            "larger than {} KiB: not a template",
            MAX_TEMPLATE_BYTES >> 10
        )));
    }
    Ok(text)
}

/// Writes a finished run's draft as `opts` say, and says how the run ends.
pub fn write_draft(
    opts: &WriteOpts,
    prepared: Prepared,
    (draft, analysis, timings): (
        postmortem::timeline::Draft,
        postmortem::pipeline::Analysis,
        postmortem::Timings,
    ),
    started: std::time::Instant,
    verbosity: Verbosity,
) -> Result<ExitCode, Error> {
    let Prepared { zone, template } = prepared;
    output::report_problems(&analysis, verbosity);
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
        (None, false) => {
            postmortem::render::markdown::render_with_context(&shown, usize::from(opts.context))
        }
    };
    // A failed HTML write is reported after the draft is out: it does not cost the draft.
    let html_written = match &opts.html {
        Some(path) => output::write_atomically(path, &postmortem::render::html::render(&shown)),
        None => Ok(()),
    };
    // Laid out for a terminal when one reads it (or `--color always` asks for its styles);
    // a file or a pipe gets the Markdown itself.
    let to_terminal = opts.output.is_none()
        && !opts.json
        && template.is_none()
        && (std::io::stdout().is_terminal() || opts.show.color == ColorChoice::Always);
    let text = match to_terminal {
        true => postmortem::render::terminal::for_terminal(
            &text,
            output::terminal::width(),
            opts.show.color.for_stdout(),
        ),
        false => text,
    };
    emit(opts.output.as_deref(), &text)?;
    html_written?;
    if opts.stats || verbosity == Verbosity::Verbose {
        let stages = [
            ("discover, read, parse, aggregate", timings.read),
            ("detect, timeline", timings.detect),
            (
                "render, write",
                started.elapsed() - timings.read - timings.detect,
            ),
        ];
        eprint!(
            "{}",
            output::stats::stats_text(&analysis, &stages, started.elapsed())
        );
    }
    let skipped: u64 = analysis.files.iter().map(|f| f.summary.skipped).sum();
    if opts.strict && skipped > 0 {
        eprintln!(
            "postmortem: --strict: {} skipped",
            postmortem::render::count(skipped as usize, "line was", "lines were")
        );
        return Ok(ExitCode::Error);
    }
    Ok(ExitCode::for_run(
        draft.incidents.len(),
        !analysis.errors.is_empty(),
    ))
}

/// `postmortem timeline`: the notable events of every file on one time line.
pub fn timeline(opts: TimelineOpts, verbosity: Verbosity) -> Result<ExitCode, Error> {
    let config = config(&opts.read, Some(&opts.detect))?;
    let zone = display_zone(&opts.show)?;
    let analysis = postmortem::pipeline::analyse(&config)?;
    let draft = postmortem::timeline::build(&analysis, postmortem::detect::Params::of(&config));
    output::report_problems(&analysis, verbosity);
    let filter = filter(&opts, &draft)?;
    let all = postmortem::timeline::events::rows(&analysis, &draft);
    let hidden_errors = all
        .iter()
        .filter(|r| r.kind == postmortem::timeline::events::EventKind::Error)
        .count();
    let rows: Vec<_> = all.into_iter().filter(|r| filter.keeps(r)).collect();
    if rows.is_empty() && verbosity != Verbosity::Quiet {
        // An empty answer and exit 1 said nothing of why.
        output::say(match (hidden_errors, opts.kind.is_empty()) {
            (n, true) if n > 0 => format!(
                "no rows: no alert, action, escalation or incident passed the filters; {n} error rows (one per bin per file) are shown with --kind error"
            ),
            _ => "no rows: nothing in these logs passed the filters".to_string(),
        });
    }
    let text = if opts.json {
        postmortem::render::events::ndjson(&rows)
    } else if opts.csv {
        postmortem::render::events::csv(&rows, zone)
    } else {
        postmortem::render::events::text(&rows, zone, opts.show.color.for_stdout())
    };
    output::write_stdout(&text)?;
    Ok(match (analysis.errors.is_empty(), rows.is_empty()) {
        (false, _) => ExitCode::Error,
        (true, true) => ExitCode::NoIncident,
        (true, false) => ExitCode::Incident,
    })
}

/// `--until` before `--since` is an empty range: refused, naming the flag.
fn in_order(since: Option<i64>, until: Option<i64>, until_text: Option<&str>) -> Result<(), Error> {
    match (since, until) {
        (Some(s), Some(u)) if u < s => Err(Error::invalid(
            "--until",
            until_text.unwrap_or(""),
            "before --since: an empty range (swap them?)",
        )),
        _ => Ok(()),
    }
}

/// The `timeline` flags that choose events, checked: times relative to the incident resolved
/// against the draft, the glob and the regex compiled.
fn filter(opts: &TimelineOpts, draft: &postmortem::timeline::Draft) -> Result<Filter, Error> {
    let zone = display_zone(&opts.show)?;
    let bound = |t: &Option<String>, flag: &str, end: bool| {
        let read = |t: &str| postmortem::timeline::events::parse_bound_in(t, draft, zone, end);
        t.as_deref()
            .map(|t| read(t).map_err(|e| e.for_flag(flag)))
            .transpose()
    };
    let since = bound(&opts.since, "--since", false)?;
    let until = bound(&opts.until, "--until", true)?;
    in_order(since, until, opts.until.as_deref())?;
    Ok(Filter {
        since,
        until,
        kinds: opts.kind.clone(),
        source: opts
            .source
            .as_deref()
            .map(|g| {
                globset::Glob::new(g)
                    .map(|g| g.compile_matcher())
                    .map_err(|e| Error::invalid("--source", g.to_string(), e.kind().to_string()))
            })
            .transpose()?,
        grep: opts
            .grep
            .as_deref()
            .map(|r| {
                regex::Regex::new(r)
                    .map_err(|e| Error::invalid("--grep", r.to_string(), e.to_string()))
            })
            .transpose()?,
    })
}

/// `postmortem man`: the manual page of the tool or of one subcommand.
pub fn man(subcommand: Option<&str>) -> Result<ExitCode, Error> {
    let mut command = Args::command();
    command.build();
    let page_of = match subcommand {
        None => command,
        Some(name) => command
            .find_subcommand(name)
            .cloned()
            .map(|c| c.name(format!("postmortem-{name}")))
            .ok_or_else(|| {
                Error::invalid(
                    "man",
                    name.to_string(),
                    "a subcommand: draft, scan, timeline, plan, partial, merge, completions or man",
                )
            })?,
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(page_of)
        .render(&mut page)
        .map_err(|e| Error::Output {
            path: "standard output".into(),
            message: e.to_string(),
        })?;
    let mut page = String::from_utf8_lossy(&page).into_owned();
    page.push_str(&exit_status_roff());
    output::write_stdout(&page)?;
    Ok(ExitCode::SUCCESS)
}

/// The EXIT STATUS section of a man page (man-pages(7) names it so), from the `--help` table.
fn exit_status_roff() -> String {
    let mut roff = String::from(".SH \"EXIT STATUS\"\n");
    for line in super::EXIT_STATUS.lines().skip(1) {
        let line = line.trim();
        match line.split_once(' ') {
            Some((code, what)) if code.parse::<u8>().is_ok() => {
                roff.push_str(&format!(".TP\n\\fB{code}\\fR\n{}\n", what.trim()));
            }
            _ => {
                roff.push_str(line);
                roff.push('\n');
            }
        }
    }
    roff
}
