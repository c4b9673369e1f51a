//! The kinds the embedded API server serves: names, short names, groups and scope, as `kubectl api-resources` lists them.

/// One API resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    pub kind: &'static str,
    /// Lower-case plural, the resource name used in URLs and messages (`pods`, `deployments`).
    pub plural: &'static str,
    pub singular: &'static str,
    pub short: &'static [&'static str],
    /// API group, "" for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
}

impl ResourceType {
    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `deployments.apps` or `pods`: how API errors name the resource.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `deployment.apps` or `pod`: how kubectl names an object of this kind (`deployment.apps/web created`).
    pub fn qualified_singular(&self) -> String {
        if self.group.is_empty() {
            self.singular.to_string()
        } else {
            format!("{}.{}", self.singular, self.group)
        }
    }
}

macro_rules! rt {
    ($kind:expr, $plural:expr, $singular:expr, [$($s:expr),*], $group:expr, $version:expr, $ns:expr) => {
        ResourceType { kind: $kind, plural: $plural, singular: $singular, short: &[$($s),*], group: $group, version: $version, namespaced: $ns }
    };
}

/// Every resource type the cluster knows, in `kubectl api-resources` order.
pub static RESOURCES: &[ResourceType] = &[
    rt!("Binding", "bindings", "binding", [], "", "v1", true),
    rt!(
        "ComponentStatus",
        "componentstatuses",
        "componentstatus",
        ["cs"],
        "",
        "v1",
        false
    ),
    rt!(
        "ConfigMap",
        "configmaps",
        "configmap",
        ["cm"],
        "",
        "v1",
        true
    ),
    rt!(
        "Endpoints",
        "endpoints",
        "endpoints",
        ["ep"],
        "",
        "v1",
        true
    ),
    rt!("Event", "events", "event", ["ev"], "", "v1", true),
    rt!(
        "LimitRange",
        "limitranges",
        "limitrange",
        ["limits"],
        "",
        "v1",
        true
    ),
    rt!(
        "Namespace",
        "namespaces",
        "namespace",
        ["ns"],
        "",
        "v1",
        false
    ),
    rt!("Node", "nodes", "node", ["no"], "", "v1", false),
    rt!(
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        ["pvc"],
        "",
        "v1",
        true
    ),
    rt!(
        "PersistentVolume",
        "persistentvolumes",
        "persistentvolume",
        ["pv"],
        "",
        "v1",
        false
    ),
    rt!("Pod", "pods", "pod", ["po"], "", "v1", true),
    rt!(
        "PodTemplate",
        "podtemplates",
        "podtemplate",
        [],
        "",
        "v1",
        true
    ),
    rt!(
        "ReplicationController",
        "replicationcontrollers",
        "replicationcontroller",
        ["rc"],
        "",
        "v1",
        true
    ),
    rt!(
        "ResourceQuota",
        "resourcequotas",
        "resourcequota",
        ["quota"],
        "",
        "v1",
        true
    ),
    rt!("Secret", "secrets", "secret", [], "", "v1", true),
    rt!(
        "ServiceAccount",
        "serviceaccounts",
        "serviceaccount",
        ["sa"],
        "",
        "v1",
        true
    ),
    rt!("Service", "services", "service", ["svc"], "", "v1", true),
    rt!(
        "CustomResourceDefinition",
        "customresourcedefinitions",
        "customresourcedefinition",
        ["crd", "crds"],
        "apiextensions.k8s.io",
        "v1",
        false
    ),
    rt!(
        "ControllerRevision",
        "controllerrevisions",
        "controllerrevision",
        [],
        "apps",
        "v1",
        true
    ),
    rt!(
        "DaemonSet",
        "daemonsets",
        "daemonset",
        ["ds"],
        "apps",
        "v1",
        true
    ),
    rt!(
        "Deployment",
        "deployments",
        "deployment",
        ["deploy"],
        "apps",
        "v1",
        true
    ),
    rt!(
        "ReplicaSet",
        "replicasets",
        "replicaset",
        ["rs"],
        "apps",
        "v1",
        true
    ),
    rt!(
        "StatefulSet",
        "statefulsets",
        "statefulset",
        ["sts"],
        "apps",
        "v1",
        true
    ),
    rt!(
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        ["hpa"],
        "autoscaling",
        "v2",
        true
    ),
    rt!(
        "CronJob",
        "cronjobs",
        "cronjob",
        ["cj"],
        "batch",
        "v1",
        true
    ),
    rt!("Job", "jobs", "job", [], "batch", "v1", true),
    rt!(
        "CertificateSigningRequest",
        "certificatesigningrequests",
        "certificatesigningrequest",
        ["csr"],
        "certificates.k8s.io",
        "v1",
        false
    ),
    rt!(
        "Lease",
        "leases",
        "lease",
        [],
        "coordination.k8s.io",
        "v1",
        true
    ),
    rt!(
        "EndpointSlice",
        "endpointslices",
        "endpointslice",
        [],
        "discovery.k8s.io",
        "v1",
        true
    ),
    rt!(
        "IngressClass",
        "ingressclasses",
        "ingressclass",
        [],
        "networking.k8s.io",
        "v1",
        false
    ),
    rt!(
        "Ingress",
        "ingresses",
        "ingress",
        ["ing"],
        "networking.k8s.io",
        "v1",
        true
    ),
    rt!(
        "NetworkPolicy",
        "networkpolicies",
        "networkpolicy",
        ["netpol"],
        "networking.k8s.io",
        "v1",
        true
    ),
    rt!(
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        ["pdb"],
        "policy",
        "v1",
        true
    ),
    rt!(
        "ClusterRoleBinding",
        "clusterrolebindings",
        "clusterrolebinding",
        [],
        "rbac.authorization.k8s.io",
        "v1",
        false
    ),
    rt!(
        "ClusterRole",
        "clusterroles",
        "clusterrole",
        [],
        "rbac.authorization.k8s.io",
        "v1",
        false
    ),
    rt!(
        "RoleBinding",
        "rolebindings",
        "rolebinding",
        [],
        "rbac.authorization.k8s.io",
        "v1",
        true
    ),
    rt!(
        "Role",
        "roles",
        "role",
        [],
        "rbac.authorization.k8s.io",
        "v1",
        true
    ),
    rt!(
        "PriorityClass",
        "priorityclasses",
        "priorityclass",
        ["pc"],
        "scheduling.k8s.io",
        "v1",
        false
    ),
    rt!(
        "StorageClass",
        "storageclasses",
        "storageclass",
        ["sc"],
        "storage.k8s.io",
        "v1",
        false
    ),
];

/// Finds a resource type by any name kubectl accepts: plural, singular, short name, kind, or `plural.group`.
pub fn lookup(name: &str) -> Option<&'static ResourceType> {
    let lower = name.to_ascii_lowercase();
    let (base, group) = match lower.split_once('.') {
        Some((b, g)) => (b.to_string(), Some(g.to_string())),
        None => (lower.clone(), None),
    };
    RESOURCES.iter().find(|r| {
        let name_ok = r.plural == base
            || r.singular == base
            || r.short.contains(&base.as_str())
            || r.kind.eq_ignore_ascii_case(&base);
        let group_ok = match &group {
            None => true,
            Some(g) => {
                r.group == g
                    || g.starts_with(&format!("{}/", r.version))
                    || r.group.starts_with(g.as_str())
            }
        };
        name_ok && group_ok
    })
}

/// Finds a resource type by kind and apiVersion, as written in a manifest.
pub fn by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceType> {
    RESOURCES
        .iter()
        .find(|r| r.kind == kind && (api_version.is_empty() || r.api_version() == api_version))
}

/// Finds a resource type by kind alone.
pub fn by_kind_any_version(kind: &str) -> Option<&'static ResourceType> {
    RESOURCES.iter().find(|r| r.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_all_the_names_kubectl_takes() {
        for n in [
            "po",
            "pod",
            "pods",
            "Pod",
            "deploy",
            "deployments.apps",
            "svc",
            "no",
            "ns",
            "rs",
        ] {
            assert!(lookup(n).is_some(), "{n}");
        }
        assert_eq!(
            lookup("deploy").map(|r| r.qualified_singular()),
            Some("deployment.apps".into())
        );
        assert!(lookup("dev").is_none());
    }

    #[test]
    fn manifests_name_kind_and_version() {
        assert!(by_kind("apps/v1", "Deployment").is_some());
        assert!(by_kind("apps/v1beta2", "Deployment").is_none());
    }
}
