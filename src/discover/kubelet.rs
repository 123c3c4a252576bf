//! Which pod a container log belongs to, from the names the kubelet gives its files: the
//! file's lines do not say (a CRI line is a time, a stream and the container's own line), so
//! the path is the only place that does.
//!
//! - `/var/log/containers/<pod>_<namespace>_<container>-<container id>.log` (links the
//!   kubelet keeps for log shippers);
//! - `/var/log/pods/<namespace>_<pod>_<pod uid>/<container>/<restart>.log`, and its rotated
//!   pieces (`0.log.20230910-081502`, `….gz`).

use serde::Serialize;

/// A container log's pod, as the kubelet's file names say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodPath {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// The container in it.
    pub container: String,
}

/// The pod a path names, when it is laid out as the kubelet lays out container logs.
pub(crate) fn pod_path(path: &str) -> Option<PodPath> {
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    let (name, parents) = parts.split_last()?;
    container_link(name).or_else(|| pod_folder(name, parents))
}

/// `<pod>_<namespace>_<container>-<64 hex>.log`: pod and namespace names have no `_`.
fn container_link(name: &str) -> Option<PodPath> {
    let (names, id) = name.strip_suffix(".log")?.rsplit_once('-')?;
    let mut fields = names.splitn(3, '_');
    let (pod, namespace, container) = (fields.next()?, fields.next()?, fields.next()?);
    let is_id = id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit());
    (is_id && !pod.is_empty() && !namespace.is_empty() && !container.is_empty()).then(|| PodPath {
        namespace: namespace.into(),
        pod: pod.into(),
        container: container.into(),
    })
}

/// `<namespace>_<pod>_<uid>/<container>/<n>.log[.<rotation>]`.
fn pod_folder(name: &str, parents: &[&str]) -> Option<PodPath> {
    let restart = name.split('.').next()?;
    let numbered = !restart.is_empty() && restart.bytes().all(|b| b.is_ascii_digit());
    if !numbered || !name[restart.len()..].starts_with(".log") {
        return None;
    }
    let [.., folder, container] = parents else {
        return None;
    };
    let mut fields = folder.splitn(3, '_');
    let (namespace, pod, uid) = (fields.next()?, fields.next()?, fields.next()?);
    let is_uid = uid.len() == 36 && uid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    is_uid.then(|| PodPath {
        namespace: namespace.into(),
        pod: pod.into(),
        container: (*container).into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(namespace: &str, pod: &str, container: &str) -> Option<PodPath> {
        Some(PodPath {
            namespace: namespace.into(),
            pod: pod.into(),
            container: container.into(),
        })
    }

    #[test]
    fn both_kubelet_layouts_name_the_pod() {
        assert_eq!(
            pod_path(
                "node-2/var/log/containers/web-7d4b9c8f6-x2x9k_shop_web-2f1e0d9c8b7a4c659d431e2f3a4b5c6d2f1e0d9c8b7a4c659d431e2f3a4b5c6d.log"
            ),
            named("shop", "web-7d4b9c8f6-x2x9k", "web")
        );
        assert_eq!(
            pod_path(
                "pods/shop_web-7d4b9c8f6-x2x9k_9a3c7b52-1d4e-4f60-8e2b-6c5d4a3b2f10/web/0.log"
            ),
            named("shop", "web-7d4b9c8f6-x2x9k", "web")
        );
        assert_eq!(
            pod_path(
                "pods/kube-system_coredns-5d78c9869d-abcde_9a3c7b52-1d4e-4f60-8e2b-6c5d4a3b2f10/coredns/3.log.20230910-081502.gz"
            ),
            named("kube-system", "coredns-5d78c9869d-abcde", "coredns")
        );
    }

    #[test]
    fn other_paths_name_no_pod() {
        assert_eq!(pod_path("web-1/access.log"), None);
        assert_eq!(pod_path("0.log"), None);
        assert_eq!(pod_path("logs/a_b_c/web/0.log"), None);
        assert_eq!(pod_path("containers/web_shop_web-123.log"), None);
    }
}
