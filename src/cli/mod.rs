//! The command line as clap reads it (ripgrep's "low" arguments): flags exactly as typed,
//! no defaults beyond clap's own and no rules. [`postmortem::config::flags::resolve`] turns them into
//! the validated [`postmortem::Config`]; [`run`] carries out each subcommand. Living in the library,
//! all of it is testable without the binary (`Args::try_parse_from`).

pub mod distributed;
pub mod run;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::output::terminal::ColorChoice;
use postmortem::timeline::events::EventKind;

/// The exit status table, for every `--help` and the man page.
macro_rules! exit_status {
    () => {
        "Exit status:
  0    a draft was written and it holds at least one incident (other commands: success)
  1    the logs were read and show no incident (timeline: no event passed the filters)
  2    an error: bad arguments, no readable log, or a file that could not be read (the
       draft is still written from the rest)
  130  interrupted (Ctrl-C); no partial output file is left"
    };
}

const EXAMPLES_DRAFT: &str = concat!(
    "Examples:
  postmortem draft ./logs
  postmortem draft ./logs --html report.html
  postmortem draft ./logs --json > draft.json
  postmortem draft /var/log/nginx syslog.1 --tz Europe/Berlin
  postmortem draft ./logs --tz 'web-2/*=America/New_York' --format 'legacy/*.log=nginx_error'
  postmortem draft ./logs --template team.md.j2 --display-tz Europe/Berlin

",
    exit_status!()
);

const EXAMPLES_TIMELINE: &str = concat!(
    "Examples:
  postmortem timeline ./logs
  postmortem timeline ./logs --since start-30m --until recovered --kind action,escalation
  postmortem timeline ./logs --source 'alerts/*' --json | jq .text
  postmortem timeline ./logs --kind error --grep 'ldap|bind' --csv > errors.csv

",
    exit_status!()
);

/// What the exit status means: in `--help` and in the man page's EXIT STATUS section.
pub const EXIT_STATUS: &str = exit_status!();

/// The command line, as typed.
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
#[command(after_help = EXIT_STATUS)]
pub struct Args {
    /// The subcommand and its flags.
    #[command(subcommand)]
    pub command: Command,
    /// Flags every subcommand takes.
    #[command(flatten)]
    pub global: GlobalOpts,
}

/// Flags every subcommand takes, before or after its name.
#[derive(clap::Args, Debug, Default)]
pub struct GlobalOpts {
    /// Threads to read and parse with [default: one per core].
    #[arg(short = 'j', long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// Print only errors on stderr: no warnings about skipped files or lines, clock skew or
    /// limits reached.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print what each stage did on stderr: every file with its format and why, and the
    /// figures of --stats.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Read log files and folders and print a draft postmortem.
    #[command(after_help = EXAMPLES_DRAFT)]
    Draft(DraftOpts),
    /// Say how each file would be read: format and why, lines, time span, zone and year.
    #[command(after_help = concat!(
        "Examples:\n  postmortem scan ./logs\n  postmortem scan ./logs --json\n\n",
        exit_status!()
    ))]
    Scan(ScanOpts),
    /// Print the notable events of all files on one time line (alerts, actions, escalations).
    #[command(after_help = EXAMPLES_TIMELINE)]
    Timeline(TimelineOpts),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Example:\n  postmortem completions bash > ~/.local/share/bash-completion/completions/postmortem"
    )]
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Plan a run for other processes or machines: files, formats and tasks (JSON).
    #[command(after_help = concat!(
        "Examples:\n  postmortem plan ./logs -o plan.json\n  postmortem plan ./logs --split 256M -o plan.json\n  postmortem partial --plan plan.json --task 0 -o 0.part\n  postmortem merge --plan plan.json *.part --json\n\n",
        exit_status!()
    ))]
    Plan(PlanOpts),
    /// Read some tasks of a plan and write their partial summary (binary).
    #[command(after_help = concat!(
        "Examples:\n  postmortem partial --plan plan.json --task 3 -o 3.part\n  postmortem partial --plan plan.json web-1/access.log -o web-1.part\n  zcat access.log.gz | postmortem partial --plan plan.json --name web-1/access.log.gz - -o w.part\n  postmortem partial --plan plan.json --task 9 --after 0.part --after 1.part -o 9.part\n\n",
        exit_status!()
    ))]
    Partial(PartialOpts),
    /// Merge partial summaries (in any order) into the draft `draft` would print.
    #[command(after_help = concat!(
        "Examples:\n  postmortem merge --plan plan.json parts/*.part\n  postmortem merge --plan plan.json parts/*.part --json -o draft.json\n\n",
        exit_status!()
    ))]
    Merge(MergeOpts),
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
pub struct ReadOpts {
    /// Log files or folders (folders are read recursively; formats are detected); `-` reads
    /// standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Zone of lines written without one: ZONE for all files, or GLOB=ZONE for some (repeat).
    /// Without it, the offset of sibling files that carry one is used, else UTC.
    #[arg(long, value_name = "[GLOB=]ZONE")]
    pub tz: Vec<String>,
    /// Year of year-less syslog lines: YYYY for all files, or GLOB=YYYY for some (repeat).
    #[arg(long, value_name = "[GLOB=]YYYY")]
    pub year: Vec<String>,
    /// Read files matching GLOB as FORMAT instead of detecting it (repeat), e.g.
    /// 'legacy/*.log=nginx_error'.
    #[arg(long, value_name = "GLOB=FORMAT")]
    pub format: Vec<String>,
    /// An nginx log_format string the access logs were written with (repeat for several), e.g.
    /// '$host $remote_addr [$time_local] "$request" $status $request_time'.
    #[arg(long, value_name = "FORMAT")]
    pub nginx_log_format: Vec<String>,
    /// Read log_format and access_log directives from this nginx.conf.
    #[arg(long, value_name = "FILE")]
    pub nginx_conf: Option<PathBuf>,
    /// Follow symbolic links.
    #[arg(long)]
    pub follow: bool,
    /// Name standard input (given as `-`) in the draft, e.g. `web-1/access.log`; it is
    /// sniffed like a file [default: <stdin>].
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// Settings file [default: postmortem.toml in a folder given, if there is one].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// How the run detects: shared by `draft` and `timeline` (whose relative times need it).
#[derive(clap::Args, Debug)]
pub struct DetectOpts {
    /// Width of the time bins the error rate is computed in (30s, 1m, 5m…) [default: 1m].
    #[arg(long, value_name = "DURATION")]
    pub bin: Option<String>,
    /// Availability objective in percent; sets how large a rise counts as an incident
    /// [default: 99.9].
    #[arg(long, value_name = "PERCENT")]
    pub slo: Option<f64>,
    /// Evidence needed to call an incident, in decades of likelihood ratio (lower finds more)
    /// [default: 6].
    #[arg(long, value_name = "DECADES")]
    pub sensitivity: Option<f64>,
    /// Count 4xx responses as failures too (by default they are counted apart).
    #[arg(long = "count-4xx")]
    count_4xx: bool,
    /// Bytes per parallel chunk (for testing; results do not depend on it).
    #[arg(long, hide = true)]
    pub chunk_size: Option<usize>,
}

/// How text output looks.
#[derive(clap::Args, Debug)]
pub struct ShowOpts {
    /// Show times in this zone (IANA name), with their offset. JSON stays UTC.
    #[arg(long, value_name = "ZONE")]
    pub display_tz: Option<String>,
    /// Colour: auto (only on a terminal, and not if NO_COLOR is set), always or never.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
}

/// `postmortem scan`.
#[derive(clap::Args, Debug)]
pub struct ScanOpts {
    /// What to read.
    #[command(flatten)]
    pub read: ReadOpts,
    /// Print JSON (the draft's `inputs` and `skipped_files`).
    #[arg(long)]
    pub json: bool,
    /// Print figures on stderr: bytes, lines, MB/s and lines/s per format, threads, peak memory.
    #[arg(long)]
    pub stats: bool,
    /// Colour: auto (only on a terminal, and not if NO_COLOR is set), always or never.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
}

/// How a draft is written: shared by `draft` and `merge`.
#[derive(clap::Args, Debug)]
pub struct WriteOpts {
    /// How to show.
    #[command(flatten)]
    pub show: ShowOpts,
    /// Print the draft as JSON instead of Markdown (times in UTC).
    #[arg(long, conflicts_with = "template")]
    pub json: bool,
    /// Also write a self-contained HTML report (chart, timeline, draft) to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Render the draft with your own Markdown template (minijinja, over the --json model).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Follow the Markdown timeline with each cited line and N lines around it (0–2), in
    /// collapsed <details> blocks. JSON and HTML always carry two.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub context: u8,
    /// Print figures on stderr: bytes, lines, MB/s and lines/s per format, time per stage
    /// (reading split into file reads, decompression and parsing), threads, peak memory.
    #[arg(long)]
    pub stats: bool,
    /// Fail (exit 2) when any line could not be read as its file's format.
    #[arg(long)]
    pub strict: bool,
    /// Write the draft to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Allow --output and --html to point inside the log folders.
    #[arg(long)]
    pub force: bool,
}

/// `postmortem draft`.
#[derive(clap::Args, Debug)]
pub struct DraftOpts {
    /// What to read.
    #[command(flatten)]
    pub read: ReadOpts,
    /// How to detect.
    #[command(flatten)]
    pub detect: DetectOpts,
    /// How to write.
    #[command(flatten)]
    pub write: WriteOpts,
    /// Never show a progress bar (it only appears on a terminal, after about a second).
    #[arg(long)]
    pub no_progress: bool,
    /// Only lines at or after: RFC 3339, a date (2023-09-10) or a zone-less time (2023-09-10
    /// 10:15) read in --display-tz. Lines before are left out (counted: the header says how
    /// many).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only lines at or before (same forms as --since; a date reaches to its end).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Only files of these hosts: the top folders of the run (`web-1` for
    /// web-1/nginx/access.log), as globs (`web-*`); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub host: Vec<String>,
}

/// `postmortem plan`.
#[derive(clap::Args, Debug)]
pub struct PlanOpts {
    /// What to read.
    #[command(flatten)]
    pub read: ReadOpts,
    /// How to detect (kept in the plan for `merge`).
    #[command(flatten)]
    pub detect: DetectOpts,
    /// Cut plain files larger than SIZE into byte ranges of about SIZE, read by tasks of their
    /// own (e.g. 256M, 1G; plain bytes, K, M, G).
    #[arg(long, value_name = "SIZE")]
    pub split: Option<String>,
    /// Write the plan to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `postmortem partial`.
#[derive(clap::Args, Debug)]
pub struct PartialOpts {
    /// The plan (from `postmortem plan`).
    #[arg(long, value_name = "PLAN")]
    pub plan: PathBuf,
    /// Files of the plan to read (as the plan shows them, or by their path), or `-`: the
    /// bytes of the one task chosen, on standard input [default: every task].
    pub files: Vec<String>,
    /// Read this task of the plan (repeat).
    #[arg(long, value_name = "N")]
    pub task: Vec<usize>,
    /// With `-`: the file of the plan that standard input holds.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Read the plan's file NAME from PATH, a local copy (repeat).
    #[arg(long, value_name = "NAME=PATH")]
    pub at: Vec<String>,
    /// Partials of the earlier stages, for tasks of a later one (repeat): zone-less and
    /// year-less files are placed by the files with full dates.
    #[arg(long, value_name = "PARTIAL")]
    pub after: Vec<PathBuf>,
    /// Write the partial summary to FILE [default: standard output, when not a terminal].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `postmortem merge`.
#[derive(clap::Args, Debug)]
pub struct MergeOpts {
    /// The plan the partials were made from.
    #[arg(long, value_name = "PLAN")]
    pub plan: PathBuf,
    /// Partial summaries, in any order.
    #[arg(required = true, value_name = "PARTIAL")]
    pub parts: Vec<PathBuf>,
    /// Write the partials merged into one partial (to merge further) instead of the draft.
    #[arg(long, requires = "output")]
    pub partial: bool,
    /// How to write.
    #[command(flatten)]
    pub write: WriteOpts,
}

/// `postmortem timeline`.
#[derive(clap::Args, Debug)]
pub struct TimelineOpts {
    /// What to read.
    #[command(flatten)]
    pub read: ReadOpts,
    /// How to detect.
    #[command(flatten)]
    pub detect: DetectOpts,
    /// How to show.
    #[command(flatten)]
    pub show: ShowOpts,
    /// Print NDJSON: one JSON object per event, times in UTC.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV with a header row.
    #[arg(long)]
    pub csv: bool,
    /// Only events at or after: RFC 3339, a date (2023-09-10) or a zone-less time (2023-09-10
    /// 10:15) read in --display-tz, or relative to the incident (start-30m, detected,
    /// recovered+1h).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only events at or before (same forms as --since; a date reaches to its end).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Only these kinds (comma-separated) [default: all but error].
    #[arg(long, value_name = "KIND", value_delimiter = ',')]
    pub kind: Vec<EventKind>,
    /// Only events from files matching GLOB (the path as shown, e.g. 'alerts/*').
    #[arg(long, value_name = "GLOB")]
    pub source: Option<String>,
    /// Only events whose text matches REGEX.
    #[arg(long, value_name = "REGEX")]
    pub grep: Option<String>,
}

#[cfg(test)]
mod tests;
