use super::*;
use crate::parse::meaning::notable::syslog_action;

fn kind_of(program: &[u8], message: &[u8]) -> Option<(ActionKind, Option<String>, Option<String>)> {
    syslog_action(program, message).map(|a| (a.kind, a.actor, a.subject))
}

#[test]
fn su_in_both_wordings() {
    assert_eq!(
        kind_of(b"su", b"(to root) alice on pts/0"),
        Some((
            ActionKind::SwitchUser,
            Some("alice".into()),
            Some("root".into())
        ))
    );
    assert_eq!(
        kind_of(b"su", b"Successful su for postgres by bob"),
        Some((
            ActionKind::SwitchUser,
            Some("bob".into()),
            Some("postgres".into())
        ))
    );
    assert_eq!(
        kind_of(b"su", b"pam_unix(su:session): session opened for user root"),
        None
    );
}

#[test]
fn deploy_and_rollback_markers_need_a_version() {
    assert_eq!(
        kind_of(b"deployer", b"Deploying authd version 2.14.1 to auth-1"),
        Some((ActionKind::Deploy, None, Some("2.14.1".into())))
    );
    assert_eq!(
        kind_of(b"app", b"deployed commit 3f9c2ab by ci"),
        Some((ActionKind::Deploy, None, Some("3f9c2ab".into())))
    );
    assert_eq!(
        kind_of(b"deployer", b"Rolled back authd to v2.13.0"),
        Some((ActionKind::Rollback, None, Some("v2.13.0".into())))
    );
    assert_eq!(
        kind_of(b"app", b"deployment finished, no changes"),
        None,
        "no version, no deploy"
    );
    assert_eq!(kind_of(b"app", b"user deployed a widget"), None);
    assert_eq!(
        kind_of(
            b"deploy",
            b"deploying shop-api release v2.31.0 to prod-eu (build 8812) requested by ci-bot"
        ),
        Some((ActionKind::Deploy, None, Some("v2.31.0".into())))
    );
}

#[test]
fn kubernetes_and_helm_changes_without_a_version() {
    assert_eq!(
        kind_of(b"ci", b"+ kubectl rollout undo deployment/shop-api -n prod"),
        Some((ActionKind::Rollback, None, None))
    );
    assert_eq!(
        kind_of(
            b"ci",
            b"+ helm upgrade shop ./charts/shop --install --namespace prod"
        ),
        Some((ActionKind::Deploy, None, None))
    );
    assert_eq!(
        kind_of(
            b"ci",
            br#"Release "shop" has been upgraded. Happy Helming!"#
        ),
        Some((ActionKind::Deploy, None, None))
    );
    assert_eq!(
        kind_of(
            b"ci",
            b"+ kubectl set image deployment/shop-api shop-api=registry.example.com/shop-api:2.31.1"
        )
        .map(|k| k.0),
        Some(ActionKind::Deploy)
    );
    assert_eq!(kind_of(b"app", b"the image was set in the header"), None);
}

#[test]
fn kubernetes_event_reasons() {
    let scaled = kind_of(b"kube-controller-manager", br#"I0910 08:20:01 event.go:294] "Event occurred" object="prod/authd" kind="Deployment" reason="ScalingReplicaSet" message="Scaled up replica set authd-7d9f to 6""#);
    assert_eq!(scaled.map(|k| k.0), Some(ActionKind::Scale));
    let backoff = kind_of(b"kubelet", br#"E0910 08:21:00 pod_workers.go:1294] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"authd\" with CrashLoopBackOff: \"back-off 40s restarting failed container=authd\"""#);
    assert_eq!(backoff.map(|k| k.0), Some(ActionKind::ServiceFailed));
    let killing = kind_of(b"kubelet", br#"I0910 08:22:00 kuberuntime_container.go:745] "Killing container with a grace period" pod="prod/authd-7d9f-x2" containerName="authd""#);
    assert_eq!(killing.map(|k| k.0), Some(ActionKind::Stop));
    // As `kubectl get events` prints the kubelet's restart after a failed probe.
    let probe = kind_of(
        b"kubelet",
        b"Killing pod/authd-7d9f-x2: Container authd failed liveness probe, will be restarted",
    );
    assert_eq!(probe.map(|k| k.0), Some(ActionKind::AutomaticRestart));
}

#[test]
fn keepalived_and_pacemaker_failovers() {
    assert_eq!(
        kind_of(b"Keepalived_vrrp", b"(VI_1) Entering MASTER STATE"),
        Some((ActionKind::Failover, None, Some("VI_1 → MASTER".into())))
    );
    assert_eq!(
        kind_of(
            b"pacemaker-schedulerd",
            b"notice: Actions: * Move       vip     ( node1 -> node2 )"
        )
        .map(|k| k.0),
        Some(ActionKind::Failover)
    );
    assert_eq!(
        kind_of(
            b"pacemaker-controld",
            b"notice: Initiating start operation nginx_start_0 on node2"
        )
        .map(|k| k.2),
        Some(Some("nginx_start_0".into()))
    );
}

#[test]
fn sudoedit_and_nginx_signals() {
    let a = syslog_action(
        b"sudo",
        b"alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=sudoedit /etc/nginx/nginx.conf",
    )
    .unwrap();
    assert_eq!(
        (a.kind, a.subject.as_deref()),
        (ActionKind::ConfigChange, Some("/etc/nginx/nginx.conf"))
    );
    use crate::parse::meaning::notable::nginx_action;
    assert_eq!(
        nginx_action(b"reopening logs").unwrap().kind,
        ActionKind::LogRotation
    );
    assert_eq!(
        nginx_action(b"changing binary").unwrap().kind,
        ActionKind::Deploy
    );
}

#[test]
fn feature_flag_changes_in_any_wording_are_changes_with_the_flag_named() {
    let cases: [(&[u8], &[u8], &str); 5] = [
        (
            b"checkout",
            b"flag checkout.new_pricing enabled by alice",
            "checkout.new_pricing",
        ),
        (
            b"checkout",
            b"Feature flag 'new-checkout' turned off",
            "new-checkout",
        ),
        (
            b"launchdarkly",
            b"Alice Chen turned on the flag new-pricing in Production",
            "new-pricing",
        ),
        (
            b"unleash",
            b"feature-toggle-updated: toggle fast-search rollout 25% of users",
            "fast-search",
        ),
        (b"api", b"flag: search.v2 percentage set to 50", "search.v2"),
    ];
    for (program, message, flag) in cases {
        let (kind, _, subject) = kind_of(program, message)
            .unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(message)));
        assert_eq!(
            kind,
            ActionKind::FeatureFlag,
            "{}",
            String::from_utf8_lossy(message)
        );
        assert_eq!(subject.as_deref(), Some(flag));
        assert!(kind.is_change() && kind.is_human());
    }
    // A flag named without a change, and TCP flags, are not changes.
    assert!(kind_of(b"api", b"evaluating flag new-pricing for user 42: true").is_none());
    assert!(kind_of(b"kernel", b"nf_conntrack: invalid TCP flags SYN,FIN").is_none());
}
