use super::*;

#[test]
fn a_glob_without_a_slash_matches_the_file_name_anywhere() {
    let rule = FileRule::new("*.log", "--tz").unwrap();
    assert!(rule.matches(
        "web-1/nginx/error.log",
        Path::new("/logs/web-1/nginx/error.log")
    ));
    assert!(!rule.matches("web-1/syslog", Path::new("/logs/web-1/syslog")));
}

#[test]
fn a_glob_with_a_slash_matches_the_shown_path() {
    let rule = FileRule::new("web-1/**", "--tz").unwrap();
    assert!(rule.matches(
        "web-1/nginx/error.log",
        Path::new("/x/web-1/nginx/error.log")
    ));
    assert!(!rule.matches(
        "web-2/nginx/error.log",
        Path::new("/x/web-2/nginx/error.log")
    ));
}

#[test]
fn the_last_rule_that_says_something_wins() {
    let mut a = FileRule::new("*", "postmortem.toml").unwrap();
    a.zone = Some(chrono_tz::Europe::Berlin);
    a.year = Some(2022);
    let mut b = FileRule::new("syslog*", "--tz").unwrap();
    b.zone = Some(chrono_tz::Asia::Tokyo);
    let rules = [a, b];
    let path = Path::new("syslog.1");
    let zone = last_match(&rules, "syslog.1", path, |r| r.zone).map(|(z, r)| (z, r.describe()));
    assert_eq!(
        zone,
        Some((chrono_tz::Asia::Tokyo, "--tz syslog*".to_string()))
    );
    let year = last_match(&rules, "syslog.1", path, |r| r.year).map(|(y, _)| y);
    assert_eq!(
        year,
        Some(2022),
        "the later rule says nothing about the year"
    );
    assert!(last_match(&rules, "app.json", Path::new("app.json"), |r| r.format).is_none());
}

#[test]
fn rule_values_are_checked() {
    assert_eq!(
        split_rule("nginx/*=Europe/Berlin"),
        Some(("nginx/*", "Europe/Berlin"))
    );
    assert_eq!(split_rule("Europe/Berlin"), None);
    assert_eq!(split_rule("=UTC"), None);
    assert_eq!(parse_format("nginx-access").ok(), Some(Format::NginxAccess));
    assert_eq!(parse_format("PagerDuty").ok(), Some(Format::PagerDuty));
    let err = parse_format("ngnix").unwrap_err().to_string();
    assert!(
        err.contains("nginx_access") && err.contains("opsgenie"),
        "{err}"
    );
    assert!(parse_zone("Mars/Olympus").is_err());
    assert!(check_year(1969).is_err());
    assert!(FileRule::new("web-[", "--tz").is_err());
}
