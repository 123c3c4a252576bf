//! Formats read through the whole pipeline from files on disk: detection by content, the zone
//! given, and the actions they yield.

use postmortem::aggregate::{ActionKind, EventBody};
use postmortem::parse::Format;
use postmortem::time::format_utc;

#[test]
fn package_logs_become_actions_in_the_given_zone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dpkg.log"),
        "2023-09-10 10:14:05 startup archives unpack\n\
         2023-09-10 10:14:05 upgrade nginx:amd64 1.18.0-6 1.18.0-6.1\n\
         2023-09-10 10:14:06 status half-configured nginx:amd64 1.18.0-6.1\n\
         2023-09-10 10:14:06 status installed nginx:amd64 1.18.0-6.1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("history.log"),
        "\nStart-Date: 2023-09-10  10:14:04\nCommandline: apt-get install --only-upgrade nginx\nRequested-By: alice (1000)\nUpgrade: nginx:amd64 (1.18.0-6, 1.18.0-6.1)\nEnd-Date: 2023-09-10  10:14:07\n",
    )
    .unwrap();
    let config = postmortem::Config::new(vec![dir.path().to_path_buf()])
        .with_zone("Europe/Berlin")
        .unwrap();
    let analysis = postmortem::pipeline::analyse(&config).unwrap();
    let formats: Vec<Format> = analysis.files.iter().map(|f| f.detection.format).collect();
    assert_eq!(formats, vec![Format::Dpkg, Format::AptHistory]);
    for f in &analysis.files {
        assert_eq!(
            f.summary.skipped, 0,
            "{}: {:?}",
            f.display, f.summary.skipped_examples
        );
        assert_eq!(f.zone.as_deref(), Some("Europe/Berlin"));
    }
    let actions: Vec<(String, ActionKind, Option<String>, String)> = analysis
        .events()
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Action(a) => {
                Some((format_utc(e.time), a.kind, a.actor.clone(), a.text.clone()))
            }
            EventBody::Alert(_) => None,
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            (
                "2023-09-10T08:14:04Z".into(),
                ActionKind::Deploy,
                Some("alice".into()),
                "apt: apt-get install --only-upgrade nginx".into()
            ),
            (
                "2023-09-10T08:14:05Z".into(),
                ActionKind::Deploy,
                None,
                "dpkg upgrade nginx:amd64 1.18.0-6 → 1.18.0-6.1".into()
            ),
        ]
    );
}

#[test]
fn mixed_alert_sources_detection_and_escalation() {
    // The sample plus an Opsgenie alert created before Alertmanager's: Opsgenie detects it,
    // PagerDuty's acknowledgements land under escalation.
    let dir = tempfile::tempdir().unwrap();
    postmortem::scenario::auth_outage::scenario()
        .write(dir.path())
        .unwrap();
    std::fs::write(
        dir.path().join("alerts/opsgenie.json"),
        r#"{"action":"Create","alert":{"alertId":"og-1","message":"Auth errors above 5%","createdAt":1694333720000,"updatedAt":1694333720000000000,"username":"prometheus","entity":"authd"},"source":{"name":"prometheus","type":"API"}}"#,
    )
    .unwrap();
    let config = postmortem::Config::new(vec![dir.path().to_path_buf()]);
    let (draft, analysis) = postmortem::draft(&config).unwrap();
    let formats: Vec<Format> = analysis.files.iter().map(|f| f.detection.format).collect();
    assert!(
        formats.contains(&Format::Opsgenie)
            && formats.contains(&Format::PagerDuty)
            && formats.contains(&Format::Alertmanager)
    );
    let i = &draft.incidents[0];
    assert_eq!(i.detected, "2023-09-10T08:15:20Z");
    assert!(
        i.detection_detail.contains("Opsgenie"),
        "{}",
        i.detection_detail
    );
    let escalations: Vec<&str> = i
        .timeline
        .iter()
        .filter(|t| t.kind == postmortem::timeline::ItemKind::Escalation)
        .map(|t| t.text.as_str())
        .collect();
    assert!(
        escalations
            .iter()
            .any(|t| t.contains("acknowledged by Alice Chen") && t.contains("PagerDuty")),
        "{escalations:?}"
    );
}
