use super::*;

#[test]
fn variable_parts_are_masked() {
    assert_eq!(
        signature(
            "ERROR realm=corp-eu user=u0123 bind to ldaps://ldap-eu.internal:6360 failed: connection refused"
        ),
        "ERROR realm=corp-eu user=<*> bind to <path> failed: connection refused"
    );
    assert_eq!(
        signature("Out of memory: Killed process 4242 (java) total-vm:123kB"),
        "Out of memory: Killed process <*> java <*>"
    );
    assert_eq!(
        signature(
            "open() \"/var/www/a.png\" failed (2: No such file or directory), client: 10.0.0.1"
        ),
        signature(
            "open() \"/var/www/b.png\" failed (2: No such file or directory), client: 10.9.8.7"
        )
    );
    assert_eq!(
        signature("write failed: No space left on device"),
        "write failed: No space left on device"
    );
}

#[test]
fn a_huge_token_is_kept_as_its_prefix() {
    let message = format!("bad header {} from client", "A".repeat(500_000));
    let s = signature(&message);
    assert!(s.len() < 200, "{} bytes", s.len());
    assert!(s.starts_with("bad header AAAA"));
    assert!(s.ends_with("… from client"));
}

#[test]
fn a_long_failing_path_is_kept_as_its_prefix() {
    let mut b = crate::aggregate::Breakdown::default();
    let path = format!("/search?q={}", "x".repeat(500_000));
    for bin in 0..1000 {
        b.record(path.as_bytes(), bin);
    }
    let (key, per_bin) = b.by_key.iter().next().expect("kept");
    assert!(key.len() <= crate::aggregate::MAX_KEY_BYTES + 3);
    assert!(key.ends_with('…'));
    assert_eq!(per_bin.len(), 1000);
}
