use super::*;

#[test]
fn dpkg_upgrade_line() {
    let d = parse_dpkg(b"2023-09-10 08:14:05 upgrade nginx:amd64 1.18.0-6 1.18.0-6.1").unwrap();
    assert_eq!((d.civil.hour, d.civil.minute, d.civil.second), (8, 14, 5));
    assert_eq!(d.action, b"upgrade");
    assert_eq!(d.package, Some(&b"nginx:amd64"[..]));
    assert_eq!(
        (d.old_version, d.new_version),
        (Some(&b"1.18.0-6"[..]), Some(&b"1.18.0-6.1"[..]))
    );
    assert!(d.is_change());
    let s = parse_dpkg(b"2023-09-10 08:14:06 status installed nginx:amd64 1.18.0-6.1").unwrap();
    assert!(!s.is_change());
    assert_eq!(s.package, Some(&b"nginx:amd64"[..]));
    let i = parse_dpkg(b"2023-09-10 08:14:05 install htop:amd64 <none> 3.2.2-2").unwrap();
    assert_eq!(
        (i.old_version, i.new_version),
        (None, Some(&b"3.2.2-2"[..]))
    );
    assert!(parse_dpkg(b"2023-09-10 08:14:05 dance nginx").is_none());
}

#[test]
fn apt_history_record() {
    assert!(
        matches!(parse_history(b"Start-Date: 2023-09-10  08:14:05"), Some(HistoryLine::Start(c)) if c.minute == 14)
    );
    assert_eq!(
        parse_history(b"Commandline: apt-get install -y nginx"),
        Some(HistoryLine::Commandline(b"apt-get install -y nginx"))
    );
    assert_eq!(
        parse_history(b"Requested-By: alice (1000)"),
        Some(HistoryLine::RequestedBy(b"alice"))
    );
    assert_eq!(
        parse_history(b"Upgrade: nginx:amd64 (1.18.0-6, 1.18.0-6.1)"),
        Some(HistoryLine::Other)
    );
    assert_eq!(parse_history(b"Sep 10 08:00:00 host x: y"), None);
}
