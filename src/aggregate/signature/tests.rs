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
