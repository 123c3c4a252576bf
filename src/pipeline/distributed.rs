//! `partial` and `merge` over a plan: which tasks a partial reads and in what order, what it
//! needs from partials made before it, and how partials made anywhere, in any order, come
//! back together as the run `draft` would have read.

use std::collections::{BTreeMap, BTreeSet};

use super::opening::{Inputs, open_task};
use super::plan::Plan;
use super::report::Analysis;
use super::stages::{TaskOutput, assemble, read_task, spans_before};
use super::wire::PlanDoc;
use crate::config::Config;
use crate::error::Error;

/// The tasks that read the files named (as shown in the plan, or by the path it was read
/// from), with the tasks asked for by number; all tasks when neither is given.
pub fn select_tasks(
    doc: &PlanDoc,
    numbers: &[usize],
    names: &[String],
) -> Result<Vec<usize>, Error> {
    let mut chosen = BTreeSet::new();
    for &n in numbers {
        if n >= doc.tasks.len() {
            return Err(Error::invalid(
                "--task",
                n,
                format!(
                    "the plan has tasks 0 to {}",
                    doc.tasks.len().saturating_sub(1)
                ),
            ));
        }
        chosen.insert(n);
    }
    for name in names {
        let file = doc
            .files
            .iter()
            .find(|f| &f.display == name || f.path.to_string_lossy() == name.as_str())
            .ok_or_else(|| Error::invalid("file", name, "not a file of the plan"))?;
        chosen.extend(
            doc.tasks
                .iter()
                .filter(|t| t.files.contains(&file.id))
                .map(|t| t.id),
        );
    }
    if numbers.is_empty() && names.is_empty() {
        chosen.extend(0..doc.tasks.len());
    }
    Ok(chosen.into_iter().collect())
}

/// Reads the tasks `chosen`, stage by stage. A task of a later stage is placed by every file
/// of the stages before it: read here, or given in `after` (partials made before).
pub fn run_partial(
    doc: &PlanDoc,
    config: &Config,
    chosen: &[usize],
    after: Vec<TaskOutput>,
    inputs: &Inputs,
) -> Result<Vec<TaskOutput>, Error> {
    if let Some(&t) = chosen.iter().find(|&&t| t >= doc.tasks.len()) {
        return Err(Error::invalid("--task", t, "not a task of the plan"));
    }
    if inputs.stdin {
        one_stream_one_file(doc, chosen)?;
    }
    let mut plan = doc.plan();
    let mut known: Vec<TaskOutput> = after;
    let mut made = Vec::new();
    let mut by_stage: BTreeMap<u8, Vec<usize>> = BTreeMap::new();
    for &t in chosen {
        by_stage.entry(doc.tasks[t].stage).or_default().push(t);
    }
    for (stage, tasks) in by_stage {
        check_earlier_stages(&plan, &known, stage, &tasks)?;
        let dated = spans_before(&plan, &known, stage);
        for t in tasks {
            let task = plan.tasks[t].clone();
            let failed = open_task(doc, &mut plan, &task, inputs);
            let out = read_task(&plan, &task, config, &dated, failed);
            known.push(out.clone());
            made.push(out);
        }
    }
    Ok(made)
}

/// Standard input holds the bytes of one file (or one range of it): one task, of one file.
fn one_stream_one_file(doc: &PlanDoc, chosen: &[usize]) -> Result<(), Error> {
    if chosen.len() != 1 {
        let listed: Vec<String> = chosen.iter().map(usize::to_string).collect();
        let why = format!(
            "standard input holds one task's bytes; this names tasks {}: choose one with --task",
            listed.join(", ")
        );
        return Err(Error::invalid("file", "-", why));
    }
    let task = &doc.tasks[chosen[0]];
    if task.files.len() > 1 {
        let why = format!(
            "standard input holds one file's bytes; task {} reads {} files side by side (a rotation family, or copies): give their paths with --at NAME=PATH",
            task.id,
            task.files.len()
        );
        return Err(Error::invalid("file", "-", why));
    }
    Ok(())
}

/// Every task of the stages before `stage` must be known, or the placing would differ from a
/// single run's.
fn check_earlier_stages(
    plan: &Plan,
    known: &[TaskOutput],
    stage: u8,
    waiting: &[usize],
) -> Result<(), Error> {
    let have: BTreeSet<usize> = known.iter().filter_map(|o| o.task).collect();
    let missing: Vec<String> = plan
        .tasks
        .iter()
        .filter(|t| t.stage < stage && !have.contains(&t.id))
        .map(|t| t.id.to_string())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let shown = if missing.len() > 10 {
        format!("{} … ({} tasks)", missing[..10].join(", "), missing.len())
    } else {
        missing.join(", ")
    };
    Err(Error::invalid(
        "--after",
        format!("{} partial(s)", have.len()),
        format!(
            "task {} is read in stage {stage}, placed by every file of the stages before it: give the partials of tasks {shown} with --after",
            waiting[0]
        ),
    ))
}

/// Whether a report's times and bins lie where the plan lets lines lie (a partial made by
/// `partial` always does; a forged one could otherwise stretch the run over millennia).
fn within_plan_times(doc: &PlanDoc, r: &crate::pipeline::FileReport) -> bool {
    let (earliest, latest) = (doc.sane.earliest, doc.sane.latest);
    let width = doc.settings.bin_width.max(1);
    let bins = earliest.div_euclid(width)..=latest.div_euclid(width);
    let s = &r.summary;
    let times_ok = [s.first_time, s.last_time]
        .into_iter()
        .flatten()
        .all(|t| (earliest..=latest).contains(&t));
    let first_last =
        |keys: Option<(&i64, &i64)>| keys.is_none_or(|(a, b)| bins.contains(a) && bins.contains(b));
    times_ok
        && first_last(
            s.series
                .bins
                .keys()
                .next()
                .zip(s.series.bins.keys().next_back()),
        )
        && first_last(
            s.series
                .latency
                .keys()
                .next()
                .zip(s.series.latency.keys().next_back()),
        )
        && first_last(
            s.last_lines
                .keys()
                .next()
                .zip(s.last_lines.keys().next_back()),
        )
}

/// Whether a partial's outputs are tasks of this plan, holding only those tasks' files, with
/// nothing no reader could have written (see [`super::untrusted`]).
fn check_outputs(doc: &PlanDoc, outputs: &[TaskOutput], path: &str) -> Result<(), Error> {
    if let Some(why) = super::untrusted::implausible(outputs) {
        return Err(Error::Plan {
            path: path.to_string(),
            message: format!("not a partial postmortem wrote: {why}"),
        });
    }
    for out in outputs {
        let task = out.task.and_then(|t| doc.tasks.get(t));
        let Some(task) = task else {
            return Err(Error::Plan {
                path: path.to_string(),
                message: format!("holds task {:?}, which the plan does not have", out.task),
            });
        };
        if let Some(p) = out
            .pieces
            .iter()
            .find(|p| !within_plan_times(doc, &p.report))
        {
            return Err(Error::Plan {
                path: path.to_string(),
                message: format!(
                    "task {} holds times outside those the plan allows for file {}",
                    task.id, p.file
                ),
            });
        }
        let files = out.pieces.iter().map(|p| p.file);
        if let Some(f) = files
            .chain(out.spans.iter().map(|s| s.0))
            .find(|f| !task.files.contains(f))
        {
            return Err(Error::Plan {
                path: path.to_string(),
                message: format!(
                    "task {} holds file {f}, which the plan gives another task",
                    task.id
                ),
            });
        }
    }
    Ok(())
}

/// The task outputs of several partials of `doc`, each task once; `path` names each partial.
pub fn gather(
    doc: &PlanDoc,
    parts: Vec<(String, Vec<TaskOutput>)>,
) -> Result<Vec<TaskOutput>, Error> {
    let mut seen: BTreeMap<usize, String> = BTreeMap::new();
    let mut all = Vec::new();
    for (path, outputs) in parts {
        check_outputs(doc, &outputs, &path)?;
        for out in outputs {
            let task = out.task.unwrap_or(usize::MAX);
            if let Some(first) = seen.get(&task) {
                return Err(Error::Plan {
                    path,
                    message: format!("task {task} is also in {first}: give each task once"),
                });
            }
            seen.insert(task, path.clone());
            all.push(out);
        }
    }
    // Any order in, one order out: a merge does not depend on how the partials were given.
    all.sort_by_key(|o| o.task);
    Ok(all)
}

/// The run, from the task outputs of a plan: what `draft` would have read.
/// `outputs` come from [`gather`], which checked them against the plan.
pub fn merge(doc: &PlanDoc, config: &Config, outputs: Vec<TaskOutput>) -> Analysis {
    assemble(&doc.plan(), outputs, config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_plan() -> (PlanDoc, Config) {
        let logs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs/auth-outage");
        let config = Config::new(vec![logs]);
        let plan = crate::pipeline::plan::make(&config, None).expect("a plan");
        (PlanDoc::new(&plan, &config), config)
    }

    #[test]
    fn a_forged_partial_with_bins_past_the_plans_times_is_refused() {
        let (doc, config) = sample_plan();
        let task = doc.tasks[0].clone();
        let inputs = Inputs::default();
        let mut outputs = run_partial(&doc, &config, &[task.id], Vec::new(), &inputs).unwrap();
        assert!(gather(&doc, vec![("ok.part".into(), outputs.clone())]).is_ok());
        let summary = &mut outputs[0].pieces[0].report.summary;
        summary.series.record(i64::MAX / 2, false, false);
        let err = gather(&doc, vec![("forged.part".into(), outputs)]).unwrap_err();
        assert!(err.to_string().contains("forged.part"), "{err}");
        assert!(err.to_string().contains("outside"), "{err}");
    }

    #[test]
    fn a_task_given_twice_is_refused() {
        let (doc, config) = sample_plan();
        let outputs = run_partial(&doc, &config, &[0], Vec::new(), &Inputs::default()).unwrap();
        let twice = vec![("a".into(), outputs.clone()), ("b".into(), outputs)];
        assert!(
            gather(&doc, twice)
                .unwrap_err()
                .to_string()
                .contains("also in a")
        );
    }
}
