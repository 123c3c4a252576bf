use clap::Parser;

use super::{Args, Command};
use postmortem::time::MICROS_PER_SEC;

fn draft_args(flags: &[&str]) -> super::DraftOpts {
    let argv = ["postmortem", "draft", "logs"].iter().chain(flags);
    match Args::try_parse_from(argv).expect("flags parse").command {
        Command::Draft(d) => d,
        other => panic!("not draft: {other:?}"),
    }
}

#[test]
fn flags_become_a_validated_config_without_the_binary() {
    let d = draft_args(&["--slo", "99.5", "--bin", "30s", "--tz", "Europe/Berlin"]);
    let config = super::run::config(&d.read, Some(&d.detect)).expect("valid flags");
    assert_eq!(config.slo, 0.995, "the percent is kept as a fraction");
    assert_eq!(config.bin_width, 30 * MICROS_PER_SEC);
    assert_eq!(config.zone, chrono_tz::Europe::Berlin);
    assert!(config.zone_given);
}

#[test]
fn defaults_come_from_the_library_config_not_the_flags() {
    let d = draft_args(&[]);
    let config = super::run::config(&d.read, Some(&d.detect)).expect("valid flags");
    let library = postmortem::Config::new(vec!["logs".into()]);
    assert_eq!(config.slo, library.slo);
    assert_eq!(config.bin_width, library.bin_width);
    assert_eq!(config.sensitivity, library.sensitivity);
}

#[test]
fn a_bad_value_is_an_error_naming_the_flag() {
    let d = draft_args(&["--bin", "soon"]);
    let err = super::run::config(&d.read, Some(&d.detect)).unwrap_err();
    assert!(err.to_string().contains("--bin"), "{err}");
}
