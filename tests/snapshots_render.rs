//! The rendered draft of the bundled sample, pinned: any change to wording, order or numbers
//! shows up as a snapshot diff to review (`cargo insta review`).

mod common;

#[test]
fn sample_markdown_draft() {
    let config = postmortem::Config::new(vec![common::sample_logs()]);
    let (draft, _) = postmortem::draft(&config).expect("sample reads");
    insta::assert_snapshot!(postmortem::render::markdown::render(&draft));
}

#[test]
fn sample_json_incident_fields() {
    let config = postmortem::Config::new(vec![common::sample_logs()]);
    let (draft, _) = postmortem::draft(&config).expect("sample reads");
    let json: serde_json::Value = serde_json::from_str(&postmortem::render::json(&draft)).unwrap();
    let i = &json["incidents"][0];
    let picked = serde_json::json!({
        "start": i["start"],
        "detected": i["detected"],
        "detection_method": i["detection_method"],
        "recovered": i["recovered"],
        "impact": i["impact"],
        "timeline_kinds": i["timeline"].as_array().unwrap().iter().map(|t| t["kind"].clone()).collect::<Vec<_>>(),
    });
    insta::assert_json_snapshot!(picked);
}
