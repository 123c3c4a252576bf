//! The detector against labelled scenarios (zones, 2 to 2,000 requests a minute, two incidents
//! in a day, a healthy day, slow-not-down, with and without alerts, midnight and New Year).
//! Prints the score table; `cargo test --release --test scoring -- --nocapture` shows it.

use postmortem_scenario::labelled::{all, score, table};

#[test]
fn labelled_scenarios_score() {
    let mut scores = Vec::new();
    for labelled in all() {
        let dir = tempfile::tempdir().unwrap();
        labelled.write(dir.path()).unwrap();
        let mut config = postmortem::Config::new(vec![dir.path().to_path_buf()]);
        // An empty zone: not given, so the zone is inferred from the files.
        if !labelled.zone.is_empty() {
            config = config.with_zone(labelled.zone).unwrap();
        }
        let (draft, analysis) = postmortem::draft(&config).unwrap();
        for f in &analysis.files {
            assert_eq!(
                f.summary.skipped, 0,
                "{}: {} lines skipped",
                labelled.name, f.display
            );
        }
        scores.push(score(&labelled, &draft));
    }
    let table = table(&scores);
    println!("{table}");
    assert!(scores.len() >= 8);
    assert!(scores.iter().all(|s| s.passed()), "{table}");
}
