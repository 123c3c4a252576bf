//! One set of numbers: every figure of the sample's incident, as JSON holds it, reads the same
//! in the Markdown draft, the HTML page (cards, text and chart) and the terminal rendering,
//! each written by the one function for its kind (`render::figures`).

mod common;

use postmortem::render::figures::{duration, ms, part_of, pct};

struct Renderings {
    markdown: String,
    html: String,
    terminal: String,
}

fn sample() -> (postmortem::timeline::Draft, Renderings) {
    let config = postmortem::Config::new(vec![common::sample_logs()]);
    let (draft, _) = postmortem::draft(&config).expect("sample reads");
    let markdown = postmortem::render::markdown::render(&draft);
    let r = Renderings {
        html: postmortem::render::html::render(&draft),
        terminal: postmortem::render::terminal::for_terminal(&markdown, 100, false),
        markdown,
    };
    (draft, r)
}

fn assert_everywhere(r: &Renderings, what: &str, figure: &str) {
    for (name, text) in [
        ("Markdown", &r.markdown),
        ("HTML", &r.html),
        ("terminal", &r.terminal),
    ] {
        assert!(
            text.contains(figure),
            "{what} should read {figure:?} in the {name} rendering"
        );
    }
}

#[test]
fn every_figure_of_the_incident_reads_the_same_in_markdown_html_terminal_and_json() {
    let (draft, r) = sample();
    let json: serde_json::Value =
        serde_json::from_str(&postmortem::render::json(&draft)).expect("JSON");
    let i = &json["incidents"][0];
    let int = |v: &serde_json::Value| v.as_i64().expect("a whole number");
    let num = |v: &serde_json::Value| v.as_f64().expect("a number");
    let impact = &i["impact"];

    assert_everywhere(&r, "duration", &duration(int(&i["duration_seconds"])));
    assert_everywhere(
        &r,
        "time to detect",
        &duration(int(&i["time_to_detect_seconds"])),
    );
    assert_everywhere(
        &r,
        "time to acknowledge",
        &duration(int(&i["time_to_acknowledge_seconds"])),
    );
    assert_everywhere(
        &r,
        "requests failed",
        &part_of(
            int(&impact["requests_failed"]) as u64,
            int(&impact["requests_total"]) as u64,
        ),
    );
    assert_everywhere(&r, "failed ratio", &pct(num(&impact["failed_ratio"])));
    assert_everywhere(&r, "baseline", &pct(num(&i["baseline_ratio"])));
    assert_everywhere(&r, "peak error ratio", &pct(num(&i["peak_error_ratio"])));
    assert_everywhere(
        &r,
        "clients affected",
        &pct(num(&impact["clients_affected_ratio"])),
    );
    assert_everywhere(&r, "p95 latency", &ms(num(&i["latency"]["p95_ms"])));
    // The chart's baseline line is the text's baseline, not a second computation.
    assert!(r.html.contains(&format!(
        "<title>baseline {}</title>",
        pct(num(&i["baseline_ratio"]))
    )));
    // And the figures the issue found disagreeing are gone.
    assert!(
        !r.html.contains("195 min"),
        "a duration written a second way"
    );
}

#[test]
fn timeline_and_draft_show_an_event_at_one_time_with_one_kind() {
    let config = postmortem::Config::new(vec![common::sample_logs()]);
    let analysis = postmortem::pipeline::analyse(&config).expect("sample reads");
    let draft = postmortem::timeline::build(&analysis, postmortem::detect::Params::of(&config));
    let rows = postmortem::timeline::events::rows(&analysis, &draft);
    let mut compared = 0;
    for item in draft.incidents.iter().flat_map(|i| &i.timeline) {
        let kind = postmortem::render::figures::kind_text(item);
        // The incident's detection and recovery are `incident` rows of `timeline`, in the
        // draft's words and with its citation.
        if ["detection", "resolution"].contains(&kind.as_str()) {
            let same = rows.iter().any(|r| {
                r.kind.name() == "incident"
                    && r.text == item.text
                    && (r.file.as_str(), r.line) == (item.source.file.as_str(), item.source.line)
            });
            assert!(same, "no `incident` row reads {:?}", item.text);
            compared += 1;
            continue;
        }
        // Evidence is the draft's reading; alerts, escalations, the trigger, actions and
        // investigation are rows of both.
        if !["alert", "escalation", "trigger", "action", "investigation"].contains(&kind.as_str()) {
            continue;
        }
        let row = rows
            .iter()
            .find(|r| r.file == item.source.file && r.line == item.source.line)
            .unwrap_or_else(|| {
                panic!(
                    "{}:{} is not in `timeline`",
                    item.source.file, item.source.line
                )
            });
        assert_eq!(row.micros, item.micros, "{}:{}", row.file, row.line);
        assert_eq!(row.kind.name(), kind, "{}:{}", row.file, row.line);
        compared += 1;
    }
    assert!(compared >= 10, "only {compared} events compared");
}

/// Each ratio of the incident has one spelling wherever it is mentioned: a percentage in any
/// rendering that rounds the same figure differently (the baseline as `0.08%` in Impact and
/// `0.1%` in Resolution) fails.
#[test]
fn every_percentage_has_one_spelling() {
    let (draft, r) = sample();
    let json: serde_json::Value =
        serde_json::from_str(&postmortem::render::json(&draft)).expect("JSON");
    let i = &json["incidents"][0];
    let figures: Vec<f64> = [
        &i["baseline_ratio"],
        &i["error_ratio"],
        &i["peak_error_ratio"],
        &i["impact"]["failed_ratio"],
        &i["impact"]["clients_affected_ratio"],
    ]
    .iter()
    .map(|v| v.as_f64().unwrap())
    .collect();
    let percent = regex::Regex::new(r"(\d+(?:\.(\d+))?)%").unwrap();
    let mut checked = 0;
    for (name, text) in [
        ("Markdown", &r.markdown),
        ("HTML", &r.html),
        ("terminal", &r.terminal),
    ] {
        for m in percent.captures_iter(text) {
            let shown = &m[0];
            let value: f64 = m[1].parse().unwrap();
            let decimals = m.get(2).map_or(0, |d| d.as_str().len()) as i32;
            for &v in &figures {
                let rounds_it = (value - v * 100.0).abs() <= 0.5 * 10f64.powi(-decimals) + 1e-9;
                let canonical = pct(v);
                assert!(
                    !rounds_it || shown == canonical || decimals > 2,
                    "{name}: {shown} is {canonical} spelt another way"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} percentages seen");
}

/// `timeline`'s incident rows cite a line of a file in every labelled scenario, alerts alone
/// included (the start of an alert-only incident cited `:0`).
#[test]
fn every_incident_row_of_timeline_cites_a_line() {
    let mut rows_seen = 0;
    for l in postmortem_scenario::labelled::all() {
        let dir = tempfile::tempdir().unwrap();
        l.write(dir.path()).unwrap();
        let mut config = postmortem::Config::new(vec![dir.path().to_path_buf()]);
        if !l.zone.is_empty() {
            config = config.with_zone(l.zone).unwrap();
        }
        let analysis = postmortem::pipeline::analyse(&config).expect("reads");
        let draft = postmortem::timeline::build(&analysis, postmortem::detect::Params::of(&config));
        for r in postmortem::timeline::events::rows(&analysis, &draft) {
            if r.kind.name() == "incident" {
                assert!(
                    !r.file.is_empty() && r.line > 0,
                    "{}: {:?} cites {}:{}",
                    l.name,
                    r.text,
                    r.file,
                    r.line
                );
                rows_seen += 1;
            }
        }
    }
    assert!(rows_seen >= 40, "only {rows_seen} incident rows");
}
