use super::*;

#[test]
fn members_of_one_family_sort_oldest_first() {
    let mut names = [
        "syslog",
        "syslog.1",
        "syslog.2.gz",
        "syslog.10.gz",
        "syslog-20230901.gz",
        "syslog-20230908",
    ];
    let members: Vec<RotationMember> = names.iter().map(|n| member(n)).collect();
    assert!(members.iter().all(|m| m.family == "syslog"), "{members:?}");
    names.sort_by_key(|n| member(n).age_key);
    assert_eq!(
        names,
        [
            "syslog-20230901.gz",
            "syslog-20230908",
            "syslog.10.gz",
            "syslog.2.gz",
            "syslog.1",
            "syslog"
        ]
    );
}

#[test]
fn names_that_only_look_rotated_are_their_own_family() {
    assert_eq!(member("access.log").family, "access.log");
    assert_eq!(member("access.log.gz").family, "access.log");
    assert_eq!(member("error.log.1").family, "error.log");
    assert_eq!(member("api-v2.log").family, "api-v2.log");
    assert_eq!(member("app-2023-09-10.log").family, "app-2023-09-10.log");
    assert_eq!(member("auth.log-2023091012.gz").family, "auth.log");
    assert_eq!(member("1.2.3").family, "1.2");
}

#[test]
fn kubelet_pieces_join_their_live_file() {
    let mut names = ["0.log", "0.log.20251104-152654.gz", "0.log.20251104-101502"];
    assert!(names.iter().all(|n| member(n).family == "0.log"));
    names.sort_by_key(|n| member(n).age_key);
    assert_eq!(
        names,
        ["0.log.20251104-101502", "0.log.20251104-152654.gz", "0.log"]
    );
}

#[test]
fn slice_shapes_mask_digit_runs() {
    assert_eq!(slice_shape("08_43_log.csv").as_deref(), Some("*_*_log.csv"));
    assert_eq!(
        slice_shape("app-2023-09-10.log").as_deref(),
        Some("app-*-*-*.log")
    );
    assert_eq!(slice_shape("web12.log").as_deref(), Some("web*.log"));
    assert_eq!(slice_shape("access.log"), None);
}
