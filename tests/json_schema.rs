//! The JSON contract written down: `docs/draft.schema.json` describes every field `draft --json`
//! prints, and each object the draft owns lists all its fields, so a field added to the model
//! but not to the schema (or renamed) fails here. Checked on the sample and on every labelled
//! scenario (incidents of each kind, several incidents, none at all).

mod common;

use std::path::Path;

/// The schema, compiled: `is_valid` and `problems` check a draft against it.
struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn problems(&self, json: &serde_json::Value) -> Option<String> {
        self.schemas
            .validate(json, self.index)
            .err()
            .map(|e| format!("{e:#}"))
    }

    fn is_valid(&self, json: &serde_json::Value) -> bool {
        self.problems(json).is_none()
    }
}

fn validator() -> Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/draft.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the schema")).expect("JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("file:///draft.schema.json", schema)
        .expect("the schema added");
    let index = compiler
        .compile("file:///draft.schema.json", &mut schemas)
        .expect("a valid schema");
    Validator { schemas, index }
}

fn draft_value(dir: &Path, zone: Option<&str>) -> serde_json::Value {
    let mut config = postmortem::Config::new(vec![dir.to_path_buf()]);
    if let Some(z) = zone {
        config = config.with_zone(z).unwrap();
    }
    let (draft, _) = postmortem::draft(&config).expect("reads");
    serde_json::from_str(&postmortem::render::json(&draft)).expect("JSON")
}

fn assert_valid(v: &Validator, what: &str, json: &serde_json::Value) {
    if let Some(problems) = v.problems(json) {
        panic!("{what}: {problems}");
    }
}

#[test]
fn the_samples_draft_matches_the_schema() {
    let v = validator();
    let json = draft_value(&common::sample_logs(), None);
    assert_valid(&v, "sample", &json);
    // A field the schema does not know is refused: the test can fail.
    let mut extra = json.clone();
    extra["incidents"][0]["timeline"][0]["renamed"] = serde_json::json!(1);
    assert!(!v.is_valid(&extra), "an unknown field passed");
    let mut wrong_kind = json;
    wrong_kind["incidents"][0]["timeline"][0]["kind"] = serde_json::json!("happening");
    assert!(!v.is_valid(&wrong_kind), "an unknown kind passed");
}

#[test]
fn every_labelled_scenario_matches_the_schema() {
    let v = validator();
    let mut kinds = std::collections::BTreeSet::new();
    for l in postmortem_scenario::labelled::all() {
        let dir = tempfile::tempdir().unwrap();
        l.write(dir.path()).unwrap();
        let json = draft_value(dir.path(), Some(l.zone).filter(|z| !z.is_empty()));
        assert_valid(&v, l.name, &json);
        for i in json["incidents"].as_array().unwrap() {
            kinds.insert(i["kind"].as_str().unwrap().to_string());
            for t in i["timeline"].as_array().unwrap() {
                kinds.insert(t["kind"].as_str().unwrap().to_string());
            }
        }
    }
    // The scenarios reach every incident kind and the kinds of row the contract promises.
    for k in [
        "errors",
        "slow",
        "traffic_loss",
        "security",
        "trigger",
        "investigation",
        "action",
    ] {
        assert!(kinds.contains(k), "no scenario shows {k}: {kinds:?}");
    }
}

/// The README's contract names every kind a timeline row may have, as the schema lists them.
#[test]
fn the_readme_lists_every_row_kind_of_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("docs/draft.schema.json")).unwrap(),
    )
    .unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for kind in schema["$defs"]["item_kind"]["enum"].as_array().unwrap() {
        let word = format!("`{}`", kind.as_str().unwrap());
        assert!(
            readme.contains(&word),
            "README does not list the row kind {word}"
        );
    }
}
