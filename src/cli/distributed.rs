//! `postmortem plan`, `partial` and `merge`: one run cut into tasks read anywhere (other
//! processes, a Spark cluster's executors), then merged into the draft `draft` would print.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::run::{config, prepare_write, write_draft};
use super::{MergeOpts, PartialOpts, PlanOpts};
use crate::output::{self, Verbosity};
use postmortem::Error;
use postmortem::exit::ExitCode;
use postmortem::pipeline::distributed::{
    gather, merge as merge_outputs, run_partial, select_tasks,
};
use postmortem::pipeline::opening::Inputs;
use postmortem::pipeline::stages::TaskOutput;
use postmortem::pipeline::wire::{PlanDoc, decode_partial, encode_partial};

/// A partial summary larger than this is refused unread (they are kilobytes to megabytes).
const MAX_PARTIAL_FILE: u64 = 4 << 30;

/// The smallest range `--split` cuts.
const MIN_SPLIT: u64 = 1 << 20;

/// `256M`, `1G`, `64K` or plain bytes.
pub fn parse_size(text: &str) -> Result<u64, Error> {
    let t = text.trim();
    let (digits, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, ""),
    };
    let scale: u64 = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => 0,
    };
    match digits.parse::<u64>() {
        // Smaller ranges cost more to start than to read (`--split 1` made 1.4 M tasks).
        Ok(n) if n > 0 && scale > 0 => match n.checked_mul(scale) {
            Some(bytes) if bytes >= MIN_SPLIT => Ok(bytes),
            Some(_) => Err(Error::invalid("--split", text, "at least 1M")),
            None => Err(Error::invalid("--split", text, "too large")),
        },
        _ => Err(Error::invalid(
            "--split",
            text,
            "a size such as 256M or 1G (bytes, K, M, G, T)",
        )),
    }
}

/// `postmortem plan`: discovers, sniffs and cuts the run into tasks; writes the plan as JSON.
pub fn plan(opts: PlanOpts, verbosity: Verbosity) -> Result<ExitCode, Error> {
    let config = config(&opts.read, Some(&opts.detect))?;
    let split = opts.split.as_deref().map(parse_size).transpose()?;
    if let Some(out) = &opts.output {
        output::check_outputs(&[out.as_path()], &opts.read.paths, false)?;
    }
    let plan = postmortem::pipeline::plan::make(&config, split)?;
    let doc = PlanDoc::new(&plan, &config);
    output::emit(opts.output.as_deref(), &doc.to_json())?;
    if verbosity != Verbosity::Quiet {
        let stage = |s: u8| plan.tasks.iter().filter(|t| t.stage == s).count();
        let ranges = plan.tasks.iter().filter(|t| t.range.is_some()).count();
        eprintln!(
            "postmortem: plan {}: {} files in {} tasks (by stage: {}, {}, {}), {ranges} of them byte ranges",
            doc.id,
            plan.file_count(),
            plan.tasks.len(),
            stage(0),
            stage(1),
            stage(2),
        );
        for w in &plan.warnings {
            crate::output::say(format_args!("warning: {w}"));
        }
    }
    for e in &plan.errors {
        crate::output::say(e);
    }
    Ok(match plan.errors.is_empty() {
        true => ExitCode::SUCCESS,
        false => ExitCode::Error,
    })
}

fn read_plan(path: &Path) -> Result<(PlanDoc, postmortem::Config), Error> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(&shown, e))?;
    let doc = PlanDoc::parse(&text, &shown)?;
    let config = doc.config()?;
    Ok((doc, config))
}

fn read_partials(
    paths: &[PathBuf],
    doc: &PlanDoc,
) -> Result<Vec<(String, Vec<TaskOutput>)>, Error> {
    paths
        .iter()
        .map(|p| {
            let shown = p.display().to_string();
            let len = std::fs::metadata(p)
                .map_err(|e| Error::io(&shown, e))?
                .len();
            if len > MAX_PARTIAL_FILE {
                return Err(Error::Plan {
                    path: shown,
                    message: format!("{len} bytes: larger than any partial summary"),
                });
            }
            let bytes = std::fs::read(p).map_err(|e| Error::io(&shown, e))?;
            let outputs = decode_partial(&bytes, &shown, &doc.id)?;
            Ok((shown, outputs))
        })
        .collect()
}

fn write_partial(
    path: Option<&Path>,
    doc: &PlanDoc,
    outputs: Vec<TaskOutput>,
) -> Result<(), Error> {
    let shown = path.map_or("standard output".into(), |p| p.display().to_string());
    let bytes = encode_partial(&doc.id, outputs).map_err(|message| Error::Output {
        path: shown.clone(),
        message,
    })?;
    match path {
        Some(p) => output::write_bytes_atomically(p, &bytes),
        None => output::write_stdout_bytes(&bytes),
    }
}

/// Every path a command of the plan reads, to keep its output off them: the plan, the
/// partials, the plan's inputs and files as named here (an executor runs from another folder
/// than the planner's).
fn read_by(doc: &PlanDoc, plan: &Path, partials: &[PathBuf]) -> Vec<PathBuf> {
    let mut read = vec![plan.to_path_buf()];
    read.extend(partials.iter().cloned());
    read.extend(doc.settings.paths.iter().cloned());
    read.extend(doc.files.iter().map(|f| f.path.clone()));
    // Standard input is no path here (`-`, or none for a stream the plan was made from).
    read.retain(|p| !p.as_os_str().is_empty() && p.as_os_str() != "-");
    read
}

/// `--at NAME=PATH`s: NAME is a file of the plan (as shown, or its path), PATH where it is
/// here. Either may hold `=`: the split is where the part before it names a file of the plan.
fn parse_at(at: &[String], doc: &PlanDoc) -> Result<Inputs, Error> {
    let names: std::collections::HashSet<String> = doc
        .files
        .iter()
        .flat_map(|f| [f.display.clone(), f.path.to_string_lossy().into_owned()])
        .collect();
    let mut inputs = Inputs::default();
    for a in at {
        let split = a
            .match_indices('=')
            .map(|(i, _)| (&a[..i], &a[i + 1..]))
            .find(|(name, path)| !path.is_empty() && names.contains(*name));
        let Some((name, path)) = split else {
            let why = match a.contains('=') {
                true => "no file of the plan is named so (NAME as the plan shows it, or its path)",
                false => "NAME=PATH: a file of the plan, and where it is here",
            };
            return Err(Error::invalid("--at", a, why));
        };
        inputs.at.insert(name.to_string(), PathBuf::from(path));
    }
    Ok(inputs)
}

/// `postmortem partial`: reads some tasks of a plan, writes their partial summary.
pub fn partial(opts: PartialOpts, verbosity: Verbosity) -> Result<ExitCode, Error> {
    let (doc, config) = read_plan(&opts.plan)?;
    let stdin = opts.files.iter().any(|f| f == "-");
    let mut names: Vec<String> = opts.files.iter().filter(|f| *f != "-").cloned().collect();
    if stdin && !names.is_empty() {
        let why = "standard input holds one task's bytes: give - alone, with --name or --task";
        return Err(Error::invalid("file", names.join(" "), why));
    }
    names.extend(opts.name.iter().cloned());
    if stdin && names.is_empty() && opts.task.is_empty() {
        let why = "say which file of the plan standard input holds: --name NAME or --task N";
        return Err(Error::invalid("file", "-", why));
    }
    let chosen = select_tasks(&doc, &opts.task, &names)?;
    if opts.output.is_none() && std::io::stdout().is_terminal() {
        let why = "a partial summary is binary: give -o FILE, or send standard output to a file";
        return Err(Error::invalid("--output", "", why));
    }
    let mut inputs = parse_at(&opts.at, &doc)?;
    inputs.stdin = stdin;
    if let Some(out) = &opts.output {
        let mut read = read_by(&doc, &opts.plan, &opts.after);
        read.extend(inputs.at.values().cloned());
        output::check_outputs(&[out.as_path()], &read, false)?;
    }
    let after = gather(&doc, read_partials(&opts.after, &doc)?)?;
    let outputs = run_partial(&doc, &config, &chosen, after, &inputs)?;
    let errors: Vec<String> = outputs
        .iter()
        .flat_map(|o| &o.pieces)
        .flat_map(|p| &p.report.errors)
        .map(Error::to_string)
        .collect();
    let lines: u64 = outputs
        .iter()
        .flat_map(|o| &o.pieces)
        .map(|p| p.report.summary.lines)
        .sum();
    let tasks = outputs.len();
    write_partial(opts.output.as_deref(), &doc, outputs)?;
    for e in &errors {
        crate::output::say(e);
    }
    if verbosity == Verbosity::Verbose {
        eprintln!("postmortem: {tasks} tasks, {lines} lines read");
    }
    Ok(match errors.is_empty() {
        true => ExitCode::SUCCESS,
        false => ExitCode::Error,
    })
}

/// `postmortem merge`: the partials of a plan, in any order, into the draft (or one partial).
pub fn merge(opts: MergeOpts, verbosity: Verbosity) -> Result<ExitCode, Error> {
    let started = std::time::Instant::now();
    let (doc, config) = read_plan(&opts.plan)?;
    let outputs = gather(&doc, read_partials(&opts.parts, &doc)?)?;
    let read = read_by(&doc, &opts.plan, &opts.parts);
    if opts.partial {
        let out: Vec<&Path> = opts.write.output.iter().map(PathBuf::as_path).collect();
        output::check_outputs(&out, &read, opts.write.force)?;
        write_partial(opts.write.output.as_deref(), &doc, outputs)?;
        return Ok(ExitCode::SUCCESS);
    }
    let prepared = prepare_write(&opts.write, &read)?;
    let analysis = merge_outputs(&doc, &config, outputs);
    let run = postmortem::draft_of(analysis, &config, started);
    write_draft(&opts.write, prepared, run, started, verbosity)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_read_as_a_person_writes_them() {
        assert_eq!(parse_size("256M").unwrap(), 256 << 20);
        assert_eq!(parse_size("1G").unwrap(), 1 << 30);
        assert_eq!(parse_size("1MiB").unwrap(), 1 << 20);
        assert_eq!(parse_size("1048576").unwrap(), 1 << 20);
        for bad in [
            "",
            "0",
            "M",
            "12X",
            "-5M",
            "99999999999T",
            "1",
            "64k",
            "4096",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
    }
}
