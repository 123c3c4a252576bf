//! Third round: plans and partials, trusted with nothing. Each case starts from a real plan
//! and partial of the bundled sample and changes one thing, as someone could.

use super::*;
use postmortem::pipeline::wire::{PlanDoc, decode_partial, encode_partial};

fn plan_of(case: &Case) -> PlanDoc {
    serde_json::from_slice(&case.read("plan.json")).unwrap()
}

/// A plan changed as `change` says, its id made to match, written as `name`.
fn edited_plan(case: &Case, name: &str, change: impl FnOnce(&mut PlanDoc)) {
    let mut doc = plan_of(case);
    change(&mut doc);
    doc.id = doc.digest();
    case.write(name, doc.to_json().as_bytes());
}

/// The sample's partial changed as `change` says, written back with a valid checksum.
fn edited_partial(
    case: &Case,
    change: impl FnOnce(&mut Vec<postmortem::pipeline::stages::TaskOutput>),
) {
    let doc = plan_of(case);
    let mut outputs = decode_partial(&case.read("all.part"), "all.part", &doc.id).unwrap();
    change(&mut outputs);
    case.write("bad.part", &encode_partial(&doc.id, outputs).unwrap());
}

fn merge_refuses(case: &Case, part: &str, why: &str) {
    refused(&case.run(&["merge", "--plan", "plan.json", part]), why);
}

/// The summary of the sample's `name` in a partial's outputs.
fn summary<'a>(
    outputs: &'a mut [postmortem::pipeline::stages::TaskOutput],
    name: &str,
) -> &'a mut postmortem::aggregate::Summary {
    outputs
        .iter_mut()
        .flat_map(|o| o.pieces.iter_mut())
        .find(|p| p.report.display == name)
        .map(|p| &mut p.report.summary)
        .unwrap()
}

/// "16746605 of 16743 requests failed (100021.5%)", a citation of file 999 and a million
/// events were accepted from partials whose checksum was valid.
#[test]
fn regression_a_partial_with_impossible_content_is_refused() {
    let case = planned();
    edited_partial(&case, |o| {
        let c = summary(o, "nginx/access.log")
            .series
            .bins
            .values_mut()
            .next()
            .unwrap();
        c.errors = c.total + 16_000_000;
    });
    merge_refuses(&case, "bad.part", "errors and");
    edited_partial(&case, |o| summary(o, "syslog").events[0].source.file = 999);
    merge_refuses(&case, "bad.part", "cites 999:");
    edited_partial(&case, |o| {
        let s = summary(o, "syslog");
        let one = s.events[0].clone();
        s.events = (0..200_000)
            .map(|i| postmortem::aggregate::Event {
                time: one.time + i * 7_919,
                host: Some(format!("host-{}", i * 7_919 % 1_000_003)),
                ..one.clone()
            })
            .collect();
    });
    merge_refuses(&case, "bad.part", "200000 events");
    // The same events alike: they pack so small that their unpacked size gives them away.
    edited_partial(&case, |o| {
        let s = summary(o, "syslog");
        s.events = vec![s.events[0].clone(); 200_000];
    });
    merge_refuses(&case, "bad.part", "unpacks to over");
    edited_partial(&case, |o| summary(o, "nginx/access.log").lines = 1);
    merge_refuses(&case, "bad.part", "than the 1 read");
}

/// Rewrites a partial's body and header: length and checksum made valid again.
fn with_body(part: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = part[..40].to_vec();
    out[28..32].copy_from_slice(&crc32fast::hash(body).to_le_bytes());
    out[32..40].copy_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// A 33 KB zstd bomb unpacked to 1 GB; a second frame after the body was read without a word.
#[test]
fn regression_a_partials_body_unpacks_to_its_size_and_nothing_follows_it() {
    let case = planned();
    let part = case.read("all.part");
    let zeros = std::io::Read::take(std::io::repeat(0), 512 << 20);
    let bomb = zstd::encode_all(zeros, 3).unwrap();
    case.write("bomb.part", &with_body(&part, &bomb));
    merge_refuses(&case, "bomb.part", "unpacks to over");
    let mut two = part[40..].to_vec();
    two.extend_from_slice(&zstd::encode_all(&b"more"[..], 3).unwrap());
    case.write("two.part", &with_body(&part, &two));
    merge_refuses(&case, "two.part", "bytes after its body");
}

/// A plan's settings and tasks were taken as written: `bin_width = i64::MAX` exhausted
/// memory, `slo = 1e308` put `inf` in the chart, a file listed twice or read by two tasks was
/// counted twice, a reversed range read nothing, silently.
#[test]
fn regression_a_plan_is_checked_as_its_flags_are() {
    let case = planned();
    let plan_refused = |name: &str, why: &str| {
        let o = case.run(&["partial", "--plan", name, "-o", "x.part"]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(why),
            "{name}: wanted {why:?}: {}",
            stderr(&o)
        );
        assert!(
            case.read("x.part").is_empty(),
            "{name}: a partial was written"
        );
    };
    edited_plan(&case, "bin.json", |d| d.settings.bin_width = i64::MAX);
    plan_refused("bin.json", "invalid bin value");
    edited_plan(&case, "slo.json", |d| d.settings.slo = 1e308);
    plan_refused("slo.json", "invalid slo value");
    edited_plan(&case, "twice.json", |d| {
        let again = d.tasks[0].clone();
        d.tasks.push(postmortem::pipeline::plan::Task {
            id: d.tasks.len(),
            ..again
        });
    });
    plan_refused("twice.json", "read by two tasks");
    edited_plan(&case, "listed.json", |d| {
        let again = d.files[0].clone();
        d.files.push(postmortem::pipeline::wire::PlannedFile {
            id: d.files.len(),
            ..again
        });
    });
    plan_refused("listed.json", "listed twice");
    edited_plan(&case, "reversed.json", |d| {
        d.tasks[0].range = Some(postmortem::pipeline::plan::ByteRange {
            start: 100,
            end: 10,
        });
        d.tasks[0].files.truncate(1);
    });
    plan_refused("reversed.json", "reads nothing");
    let o = case.run(&["plan", "logs", "--split", "1", "-o", "tiny.json"]);
    refused(&o, "at least 1M");
}
