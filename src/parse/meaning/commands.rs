//! What a command run through sudo does: looks (investigation), changes (a restart, a reload,
//! a config edit, a deploy, a rollback) or deletes (a clean-up is a change). Matched against
//! the command line as sudo logs it (`COMMAND=/usr/bin/systemctl restart authd`).

use super::action::{ActionKind, text};
use crate::parse::common::contains_ignore_case;

const ROLLBACK_WORDS: [&[u8]; 6] = [
    b"rollback",
    b"roll back",
    b"roll-back",
    b"revert",
    b"last-known-good",
    b"last_known_good",
];
const DEPLOY_WORDS: [&[u8]; 3] = [b"deploy", b"release", b"helm upgrade"];
const EDITORS: [&[u8]; 9] = [
    b"/cp ",
    b"/mv ",
    b"/install ",
    b"/tee ",
    b"sed -i",
    b"/vi ",
    b"/vim ",
    b"/nano ",
    b"/ln ",
];

/// The unit named after a `systemctl VERB` or `service NAME VERB` in a command.
fn unit_after(command: &[u8], verb: &[u8]) -> Option<String> {
    let at = memchr::memmem::find(command, verb)?;
    let rest = command[at + verb.len()..].trim_ascii_start();
    let unit = rest.split(|&b| b == b' ').find(|w| !w.starts_with(b"-"))?;
    (!unit.is_empty()).then(|| text(unit))
}

pub(super) fn classify_command(command: &[u8]) -> (ActionKind, Option<String>) {
    let lower_has = |w: &[u8]| contains_ignore_case(command, w);
    if is_read_only(command) {
        return (ActionKind::Investigate, None);
    }
    if ROLLBACK_WORDS.iter().any(|w| lower_has(w)) || lower_has(b".bak") {
        let subject = command
            .split(|&b| b == b' ')
            .rev()
            .find(|w| w.starts_with(b"/"))
            .map(text);
        return (ActionKind::Rollback, subject);
    }
    for (verb, kind) in [
        (&b"systemctl restart"[..], ActionKind::Restart),
        (b"systemctl try-restart", ActionKind::Restart),
        (b"systemctl reload", ActionKind::Reload),
        (b"systemctl reload-or-restart", ActionKind::Restart),
        (b"systemctl stop", ActionKind::Stop),
        (b"systemctl start", ActionKind::Start),
    ] {
        if let Some(unit) = unit_after(command, verb) {
            return (kind, Some(unit));
        }
    }
    if let Some(at) = memchr::memmem::find(command, b"/service ") {
        let words: Vec<&[u8]> = command[at + 9..].split(|&b| b == b' ').collect();
        if let [unit, verb, ..] = words.as_slice() {
            let kind = match *verb {
                b"restart" => Some(ActionKind::Restart),
                b"reload" => Some(ActionKind::Reload),
                b"stop" => Some(ActionKind::Stop),
                b"start" => Some(ActionKind::Start),
                _ => None,
            };
            if let Some(kind) = kind {
                return (kind, Some(text(unit)));
            }
        }
    }
    if lower_has(b"nginx -s reload") {
        return (ActionKind::Reload, Some("nginx".into()));
    }
    if DEPLOY_WORDS.iter().any(|w| lower_has(w)) {
        return (ActionKind::Deploy, None);
    }
    if command.starts_with(b"sudoedit ") || command.starts_with(b"/usr/bin/sudoedit ") {
        let subject = command.split(|&b| b == b' ').nth(1).map(text);
        return (ActionKind::ConfigChange, subject);
    }
    if EDITORS
        .iter()
        .any(|e| memchr::memmem::find(command, e).is_some())
        && memchr::memmem::find(command, b"/etc/").is_some()
    {
        let subject = command
            .split(|&b| b == b' ')
            .rev()
            .find(|w| w.starts_with(b"/etc/"))
            .map(text);
        return (ActionKind::ConfigChange, subject);
    }
    (ActionKind::Command, None)
}

/// Programs that only look: running them through sudo is investigating, not changing.
const READ_ONLY_PROGRAMS: [&[u8]; 25] = [
    b"cat",
    b"less",
    b"more",
    b"tail",
    b"head",
    b"grep",
    b"zgrep",
    b"egrep",
    b"journalctl",
    b"last",
    b"lastb",
    b"ls",
    b"ps",
    b"top",
    b"htop",
    b"ss",
    b"netstat",
    b"lsof",
    b"dmesg",
    b"find",
    b"du",
    b"df",
    b"stat",
    b"strace",
    b"diff",
];

/// More programs that only look: system state, names, the network.
const READ_ONLY_TOOLS: [&[u8]; 24] = [
    b"free",
    b"uptime",
    b"vmstat",
    b"iostat",
    b"mpstat",
    b"sar",
    b"id",
    b"whoami",
    b"ping",
    b"dig",
    b"nslookup",
    b"host",
    b"traceroute",
    b"mtr",
    b"tcpdump",
    b"wc",
    b"which",
    b"file",
    b"getent",
    b"nproc",
    b"lsblk",
    b"zcat",
    b"zless",
    b"sha256sum",
];

/// Sub-commands of cluster and container tools that only look.
const LOOKING_SUBCOMMANDS: [&[u8]; 12] = [
    b"get",
    b"describe",
    b"logs",
    b"top",
    b"explain",
    b"version",
    b"ps",
    b"inspect",
    b"stats",
    b"images",
    b"events",
    b"history",
];

/// Sub-commands of cluster and container tools that change something.
const CHANGING_SUBCOMMANDS: [&[u8]; 20] = [
    b"apply",
    b"delete",
    b"create",
    b"edit",
    b"patch",
    b"scale",
    b"set",
    b"run",
    b"replace",
    b"cordon",
    b"drain",
    b"uncordon",
    b"taint",
    b"rm",
    b"kill",
    b"stop",
    b"restart",
    b"start",
    b"upgrade",
    b"rollback",
];

/// Commands that delete or cut what they are given: the clean-up of a full disk is a change,
/// whatever program does it (`find … -delete`, `journalctl --vacuum-size`).
fn destroys(name: &[u8], rest: &[u8]) -> bool {
    let has = |w: &[u8]| memchr::memmem::find(rest, w).is_some();
    matches!(name, b"rm" | b"truncate" | b"shred" | b"unlink" | b"rmdir")
        || (name == b"find" && (has(b" -delete") || has(b"-exec rm") || has(b"-exec truncate")))
        || (name == b"journalctl" && (has(b"--vacuum") || has(b"--rotate") || has(b"--flush")))
}

fn is_read_only(command: &[u8]) -> bool {
    let program = command.split(|&b| b == b' ').next().unwrap_or_default();
    let name = program.rsplit(|&b| b == b'/').next().unwrap_or(program);
    let rest = &command[program.len()..];
    if destroys(name, rest) {
        return false;
    }
    if READ_ONLY_PROGRAMS.contains(&name) || READ_ONLY_TOOLS.contains(&name) {
        return true;
    }
    let has = |w: &[u8]| memchr::memmem::find(rest, w).is_some();
    let first_word = rest
        .split(|&b| b == b' ')
        .find(|w| !w.is_empty() && !w.starts_with(b"-"))
        .unwrap_or_default();
    // Checking a configuration, printing a certificate, a dry run: nothing changes.
    let checks = has(b" -noout")
        || has(b" --dry-run")
        || has(b" configtest")
        || (matches!(
            name,
            b"nginx" | b"apachectl" | b"apache2ctl" | b"httpd" | b"sshd"
        ) && (rest == b" -t" || rest.starts_with(b" -t ") || rest.starts_with(b" -T")))
        || (name == b"haproxy" && has(b" -c"))
        || (name == b"openssl" && matches!(first_word, b"s_client" | b"x509" | b"verify"));
    // Flags may come before the sub-command (`kubectl -n shop describe pod x`): any word.
    let words: Vec<&[u8]> = rest
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .collect();
    let any = |list: &[&[u8]]| words.iter().any(|w| list.contains(w));
    let looks = matches!(
        name,
        b"kubectl" | b"oc" | b"docker" | b"podman" | b"crictl" | b"helm"
    ) && (any(&LOOKING_SUBCOMMANDS) || any(&[b"list", b"status"]))
        && !any(&CHANGING_SUBCOMMANDS);
    checks
        || looks
        || (name == b"systemctl" || name == b"service")
            && [
                &b" status"[..],
                b" is-active",
                b" list-units",
                b" list-timers",
                b" show",
                b" cat ",
            ]
            .iter()
            .any(|v| memchr::memmem::find(rest, v).is_some())
        || (name == b"fail2ban-client" && memchr::memmem::find(rest, b" status").is_some())
        || (name == b"iptables" && (rest.starts_with(b" -L") || rest.starts_with(b" -S")))
}
