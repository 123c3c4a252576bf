use super::*;

#[test]
fn sudo_restart_names_actor_and_unit() {
    let a = syslog_action(
        b"sudo",
        b"bob : TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/systemctl restart authd",
    )
    .unwrap();
    assert_eq!(a.kind, ActionKind::Restart);
    assert_eq!(a.actor.as_deref(), Some("bob"));
    assert_eq!(a.subject.as_deref(), Some("authd"));
    assert_eq!(a.text, "sudo /usr/bin/systemctl restart authd");
}

#[test]
fn sudo_copy_of_a_backup_is_a_rollback() {
    let a = syslog_action(
        b"sudo",
        b"bob : TTY=pts/1 ; PWD=/etc/authd ; USER=root ; COMMAND=/usr/bin/cp /etc/authd/authd.yaml.bak-20230909 /etc/authd/authd.yaml",
    )
    .unwrap();
    assert_eq!(a.kind, ActionKind::Rollback);
    assert_eq!(a.subject.as_deref(), Some("/etc/authd/authd.yaml"));
}

#[test]
fn sudo_edit_of_etc_is_a_config_change() {
    let a = syslog_action(
        b"sudo",
        b"deploy : TTY=unknown ; PWD=/srv ; USER=root ; COMMAND=/usr/bin/install -m 0644 /srv/authd.yaml /etc/authd/authd.yaml",
    )
    .unwrap();
    assert_eq!(a.kind, ActionKind::ConfigChange);
    let look = syslog_action(b"sudo", b"ubuntu : TTY=pts/0 ; PWD=/home/ubuntu ; USER=root ; COMMAND=/usr/bin/tail /var/log/messages").unwrap();
    assert_eq!(look.kind, ActionKind::Investigate);
    let block = syslog_action(b"sudo", b"alice : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/usr/sbin/iptables -I INPUT -s 198.51.100.0/24 -j DROP").unwrap();
    assert_eq!(block.kind, ActionKind::Command);
    let compare = syslog_action(b"sudo", b"bob : TTY=pts/2 ; PWD=/etc ; USER=root ; COMMAND=/usr/bin/diff /etc/a.yaml.bak /etc/a.yaml").unwrap();
    assert_eq!(
        compare.kind,
        ActionKind::Investigate,
        "looking at a backup is not rolling back"
    );
    assert!(
        syslog_action(
            b"sudo",
            b"pam_unix(sudo:session): session opened for user root"
        )
        .is_none()
    );
}

#[test]
fn systemd_unit_lines() {
    let a = syslog_action(
        b"systemd",
        b"Started authd.service - Authentication daemon.",
    )
    .unwrap();
    assert_eq!(
        (a.kind, a.subject.as_deref()),
        (ActionKind::Start, Some("authd.service"))
    );
    let a = syslog_action(b"systemd", b"Reloading authd.service...").unwrap();
    assert_eq!(
        (a.kind, a.subject.as_deref()),
        (ActionKind::Reload, Some("authd.service"))
    );
    let a = syslog_action(
        b"systemd",
        b"authd.service: Failed with result 'exit-code'.",
    )
    .unwrap();
    assert_eq!(
        (a.kind, a.subject.as_deref()),
        (ActionKind::ServiceFailed, Some("authd.service"))
    );
    assert!(syslog_action(b"systemd", b"Started Session 42 of User alice.").is_none());
}

#[test]
fn kernel_oom_kill_names_the_process() {
    let a = syslog_action(
        b"kernel",
        b"[12345.678] Out of memory: Killed process 4242 (java) total-vm:1234kB",
    )
    .unwrap();
    assert_eq!(
        (a.kind, a.subject.as_deref()),
        (ActionKind::OomKill, Some("java"))
    );
}

#[test]
fn nginx_reload_signal() {
    assert_eq!(
        nginx_action(b"signal process started").unwrap().kind,
        ActionKind::Reload
    );
    assert!(nginx_action(b"upstream timed out").is_none());
}

#[test]
fn failed_logins_are_not_service_errors() {
    assert!(!is_error_line(
        None,
        b"Failed password for invalid user admin from 192.0.2.23 port 40000 ssh2"
    ));
    assert!(!is_error_line(None, b"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.23"));
    assert!(!is_error_line(
        None,
        b"Connection closed by invalid user oracle 192.0.2.23 port 40007 [preauth]"
    ));
    assert!(is_error_line(
        None,
        b"error: kex_exchange_identification: read: Connection reset by peer"
    ));
}

#[test]
fn error_words_with_exclusions() {
    assert!(is_error_line(
        None,
        b"LDAP bind failed: invalid credentials"
    ));
    assert!(is_error_line(
        None,
        b"connect() failed (111: Connection refused)"
    ));
    assert!(!is_error_line(None, b"sync finished with 0 errors"));
    assert!(is_error_line(None, b"ERROR: disk quota"));
    assert!(
        !is_error_line(None, b"terror alert level"),
        "a word inside another is not the word"
    );
}

#[test]
fn regression_port_ending_in_0_before_failed_is_still_an_error() {
    // "…:6360 failed" once matched the exclusion "0 failed" and hid every authd error.
    assert!(is_error_line(
        None,
        b"bind to ldaps://ldap-eu.internal:6360 failed: connection refused"
    ));
}

#[test]
fn regression_fail2ban_is_not_a_failure() {
    // "Fail2Ban" once matched the error word "fail": restarting it looked like errors.
    assert!(!is_error_line(
        None,
        b"Started fail2ban.service - Fail2Ban Service."
    ));
    assert!(!is_error_line(None, b"Accepted publickey for alice"));
    assert!(is_error_line(Some(3), b"anything"));
    assert!(!is_error_line(Some(4), b"error in a warning"));
}

#[test]
fn failed_logins_are_a_security_signal() {
    assert!(is_auth_failure(
        b"sshd",
        b"Failed password for invalid user admin from 192.0.2.23 port 40000 ssh2"
    ));
    assert!(is_auth_failure(
        b"sshd",
        b"Invalid user oracle from 198.51.100.9 port 52000"
    ));
    assert!(is_auth_failure(
        b"sshd",
        b"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.23"
    ));
    assert!(is_auth_failure(
        b"sshd",
        b"error: maximum authentication attempts exceeded for root from 192.0.2.23 port 1 ssh2 [preauth]"
    ));
    assert!(!is_auth_failure(
        b"sshd",
        b"Accepted publickey for alice from 10.0.0.5 port 50000 ssh2"
    ));
    assert!(!is_auth_failure(b"authd", b"error: bind failed"));
}

#[test]
fn one_pass_classification_agrees_with_the_two_checks() {
    let lines: [(&[u8], &[u8], Option<u8>); 6] = [
        (
            b"sshd",
            b"Failed password for root from 192.0.2.1 port 1 ssh2",
            None,
        ),
        (
            b"sshd",
            b"Invalid user oracle from 198.51.100.9 port 52000",
            Some(6),
        ),
        (
            b"sshd",
            b"error: maximum authentication attempts exceeded for root",
            None,
        ),
        (
            b"authd",
            b"ERROR bind to ldaps://x failed: connection refused",
            None,
        ),
        (b"CRON", b"(root) CMD (run-parts /etc/cron.hourly)", None),
        (b"kernel", b"anything at all", Some(2)),
    ];
    for (program, message, severity) in lines {
        let class = classify_line(severity, program, message);
        assert_eq!(class.error, is_error_line(severity, message), "{message:?}");
        assert_eq!(
            class.failed_login,
            is_auth_failure(program, message),
            "{message:?}"
        );
    }
}

#[test]
fn one_pass_finds_what_the_two_prefilters_found() {
    let errors = build_finder(&ERROR_WORDS).expect("an automaton");
    let changes =
        build_finder(&crate::parse::meaning::catalogue::any_message_words()).expect("an automaton");
    for message in [
        &b"Scaled up replica set web-7d4 to 3"[..],
        b"Back-off restarting failed container web",
        b"deployed auth-service 2.4.0; no errors",
        b"ERROR: disk quota",
        b"Killing container with id docker://web: Need to kill Pod",
        b"session opened for user root",
        b"rolled back to v1.2.2 after failed health checks",
        b"OOMKilling: Memory cgroup out of memory",
        b"",
        b"errorless deploying",
        b"upstream TimEd OuT; SEGFAULT at 0x0",
        "\u{c9}RROR: r\u{e9}fused, Out Of Memory".as_bytes(),
        b"\xff\xfeFAIL\x00ROLLED BACK",
        // Digits are masked for the memo: none may make or break a word.
        b"err0r t1meout fai1ed 0ut of memory",
        b"2024error99 refused7 x9timed out",
    ] {
        let hits = word_hits(message);
        assert_eq!(
            hits,
            WordHits {
                error: errors.is_match(message),
                change: changes.is_match(message),
            },
            "{}",
            String::from_utf8_lossy(message)
        );
    }
}

/// The memo of message words answers as the automatons do: for messages seen before (hits),
/// for ones sharing a slot (collisions, many messages, few slots), and while it stands aside
/// (rounds of distinct messages).
#[test]
fn remembered_words_are_the_words_of_the_message() {
    let errors = build_finder(&ERROR_WORDS).expect("an automaton");
    let changes =
        build_finder(&crate::parse::meaning::catalogue::any_message_words()).expect("an automaton");
    let message = |i: u32| match i % 5 {
        0 => format!("request served {}", i % 3),
        1 => format!("upstream failed for user u{i}"),
        2 => "deployed auth 2.4.0".to_string(),
        3 => format!("ok {i}"),
        _ => format!("connection refused {}", i % 700),
    };
    // Numbers are masked for the memo only while no word holds a digit.
    assert!(WORD_FINDERS.as_ref().is_some_and(|f| f.digit_free));
    for i in 0..200_000u32 {
        let text = message(i);
        let text = text.as_bytes();
        assert_eq!(
            word_hits(text),
            WordHits {
                error: errors.is_match(text),
                change: changes.is_match(text),
            },
            "{i}: {}",
            String::from_utf8_lossy(text)
        );
    }
}

fn kind_of_sudo(command: &str) -> ActionKind {
    let line = format!("alice : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND={command}");
    syslog_action(b"sudo", line.as_bytes())
        .expect("a sudo line")
        .kind
}

#[test]
fn checks_dry_runs_and_cluster_reads_are_investigation_wherever_they_occur() {
    for command in [
        "/usr/bin/openssl x509 -noout -enddate -in /etc/ssl/certs/shop.pem",
        "/usr/sbin/nginx -t",
        "/usr/sbin/apachectl configtest",
        "/usr/bin/kubectl get pods -n shop",
        "/usr/bin/kubectl -n shop describe pod web-7d9c",
        "/usr/bin/docker logs --tail 100 web",
        "/usr/bin/apt-get install --dry-run nginx",
        "/usr/bin/systemctl list-timers",
        "/usr/bin/free -m",
    ] {
        assert_eq!(kind_of_sudo(command), ActionKind::Investigate, "{command}");
    }
}

#[test]
fn clean_ups_that_delete_are_changes_even_by_looking_programs() {
    for command in [
        "/usr/bin/find /var/log/app -name *.log.* -mtime +3 -delete",
        "/usr/bin/journalctl --vacuum-size=500M",
        "/usr/bin/rm -f /var/lib/app/cache/big.dump",
        "/usr/bin/truncate -s 0 /var/log/app/debug.log",
    ] {
        let kind = kind_of_sudo(command);
        assert!(kind.is_change(), "{command}: {kind:?}");
        assert_ne!(kind, ActionKind::Investigate, "{command}");
    }
}

#[test]
fn a_failed_login_names_the_address_it_came_from() {
    let cases: [(&[u8], Option<&[u8]>); 5] = [
        (b"Failed password for invalid user admin from 203.0.113.7 port 4242 ssh2", Some(b"203.0.113.7")),
        (b"Invalid user pi from 2001:db8::7", Some(b"2001:db8::7")),
        (b"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.4  user=root", Some(b"198.51.100.4")),
        (b"Authentication failed from 192.0.2.9 (192.0.2.9): Permission denied in replay cache code", Some(b"192.0.2.9")),
        (b"error: maximum authentication attempts exceeded for root", None),
    ];
    for (line, want) in cases {
        assert_eq!(
            failed_login_address(line),
            want,
            "{}",
            String::from_utf8_lossy(line)
        );
    }
    assert!(is_auth_failure(
        b"klogind",
        b"Authentication failed from 192.0.2.9 (192.0.2.9): Permission denied in replay cache code"
    ));
}
