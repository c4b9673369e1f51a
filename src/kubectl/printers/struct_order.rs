//! `-o json` of a typed object, the way kubectl prints what its generators build.
//!
//! kubectl's `create SUBCOMMAND` and `run` build a typed Go object (`appsv1.Deployment`,
//! `corev1.Pod` ...) and `encoding/json` writes a struct's fields in the order the struct declares them
//! (`kind` before `apiVersion`, `metadata.name` before `creationTimestamp`), while maps (`labels`,
//! `data`, `resources.limits`) come out sorted by key. Objects kubectl reads from a server or a file are
//! unstructured maps, printed sorted (see [`super::gofmt::json_pretty`]).
//!
//! The tables below are the field orders of the Kubernetes v1.32 API types, as far as the generators
//! and the fields a learner can add with `--overrides` reach. A key a table does not know follows the
//! known ones, sorted, so nothing the object holds is ever dropped.

use super::gofmt::{json_indent_into, json_string_into, push_indent};
use serde_json::Value;

/// The type of one field's value.
#[derive(Clone, Copy)]
enum F {
    /// A struct with a known field order.
    S(T),
    /// A list of structs.
    L(T),
    /// Anything printed as an unstructured value: scalars, maps (sorted, as Go sorts map keys),
    /// lists of scalars, and types without a table.
    Any,
}

/// The API types that have a table.
#[derive(Clone, Copy)]
enum T {
    ObjectMeta,
    OwnerReference,
    LabelSelector,
    LabelSelectorRequirement,
    Deployment,
    DeploymentSpec,
    DeploymentStrategy,
    RollingUpdate,
    DeploymentStatus,
    Condition,
    PodTemplateSpec,
    Pod,
    PodSpec,
    Container,
    ContainerPort,
    EnvVar,
    EnvVarSource,
    KeySelector,
    FieldSelector,
    ResourceFieldSelector,
    EnvFromSource,
    NameRef,
    Resources,
    VolumeMount,
    Volume,
    KeyToPath,
    ConfigMapVolume,
    SecretVolume,
    Probe,
    HttpGet,
    TcpSocket,
    Exec,
    Lifecycle,
    LifecycleHandler,
    SecurityContext,
    PodSecurityContext,
    Toleration,
    Job,
    JobSpec,
    CronJob,
    CronJobSpec,
    JobTemplateSpec,
    ConfigMap,
    Secret,
    Service,
    ServiceSpec,
    ServicePort,
    ServiceStatus,
    ServiceAccount,
    Role,
    ClusterRole,
    PolicyRule,
    RoleBinding,
    Subject,
    RoleRef,
    Ingress,
    IngressSpec,
    IngressBackend,
    IngressServiceBackend,
    ServiceBackendPort,
    IngressTls,
    IngressRule,
    HttpIngressRule,
    HttpIngressPath,
    ResourceQuota,
    ResourceQuotaSpec,
    PriorityClass,
    Pdb,
    PdbSpec,
    PdbStatus,
    Namespace,
    NamespaceSpec,
    NamespaceStatus,
}

use F::{Any, L, S};

/// Every object starts with the inline `TypeMeta` and its `ObjectMeta`.
macro_rules! object {
    ($($rest:tt)*) => {
        &[("kind", Any), ("apiVersion", Any), ("metadata", S(T::ObjectMeta)), $($rest)*]
    };
}

fn fields(t: T) -> &'static [(&'static str, F)] {
    match t {
        T::ObjectMeta => &[
            ("name", Any),
            ("generateName", Any),
            ("namespace", Any),
            ("selfLink", Any),
            ("uid", Any),
            ("resourceVersion", Any),
            ("generation", Any),
            ("creationTimestamp", Any),
            ("deletionTimestamp", Any),
            ("deletionGracePeriodSeconds", Any),
            ("labels", Any),
            ("annotations", Any),
            ("ownerReferences", L(T::OwnerReference)),
            ("finalizers", Any),
            ("managedFields", Any),
        ],
        T::OwnerReference => &[
            ("apiVersion", Any),
            ("kind", Any),
            ("name", Any),
            ("uid", Any),
            ("controller", Any),
            ("blockOwnerDeletion", Any),
        ],
        T::LabelSelector => &[
            ("matchLabels", Any),
            ("matchExpressions", L(T::LabelSelectorRequirement)),
        ],
        T::LabelSelectorRequirement => &[("key", Any), ("operator", Any), ("values", Any)],
        T::Deployment => object![
            ("spec", S(T::DeploymentSpec)),
            ("status", S(T::DeploymentStatus))
        ],
        T::DeploymentSpec => &[
            ("replicas", Any),
            ("selector", S(T::LabelSelector)),
            ("template", S(T::PodTemplateSpec)),
            ("strategy", S(T::DeploymentStrategy)),
            ("minReadySeconds", Any),
            ("revisionHistoryLimit", Any),
            ("paused", Any),
            ("progressDeadlineSeconds", Any),
        ],
        T::DeploymentStrategy => &[("type", Any), ("rollingUpdate", S(T::RollingUpdate))],
        T::RollingUpdate => &[("maxUnavailable", Any), ("maxSurge", Any)],
        T::DeploymentStatus => &[
            ("observedGeneration", Any),
            ("replicas", Any),
            ("updatedReplicas", Any),
            ("readyReplicas", Any),
            ("availableReplicas", Any),
            ("unavailableReplicas", Any),
            ("terminatingReplicas", Any),
            ("conditions", L(T::Condition)),
            ("collisionCount", Any),
        ],
        T::Condition => &[
            ("type", Any),
            ("status", Any),
            ("observedGeneration", Any),
            ("lastUpdateTime", Any),
            ("lastTransitionTime", Any),
            ("reason", Any),
            ("message", Any),
        ],
        T::PodTemplateSpec => &[("metadata", S(T::ObjectMeta)), ("spec", S(T::PodSpec))],
        T::Pod => object![("spec", S(T::PodSpec)), ("status", Any)],
        T::PodSpec => &[
            ("volumes", L(T::Volume)),
            ("initContainers", L(T::Container)),
            ("containers", L(T::Container)),
            ("ephemeralContainers", L(T::Container)),
            ("restartPolicy", Any),
            ("terminationGracePeriodSeconds", Any),
            ("activeDeadlineSeconds", Any),
            ("dnsPolicy", Any),
            ("nodeSelector", Any),
            ("serviceAccountName", Any),
            ("serviceAccount", Any),
            ("automountServiceAccountToken", Any),
            ("nodeName", Any),
            ("hostNetwork", Any),
            ("hostPID", Any),
            ("hostIPC", Any),
            ("shareProcessNamespace", Any),
            ("securityContext", S(T::PodSecurityContext)),
            ("imagePullSecrets", L(T::NameRef)),
            ("hostname", Any),
            ("subdomain", Any),
            ("affinity", Any),
            ("schedulerName", Any),
            ("tolerations", L(T::Toleration)),
            ("hostAliases", Any),
            ("priorityClassName", Any),
            ("priority", Any),
            ("dnsConfig", Any),
            ("readinessGates", Any),
            ("runtimeClassName", Any),
            ("enableServiceLinks", Any),
            ("preemptionPolicy", Any),
            ("overhead", Any),
            ("topologySpreadConstraints", Any),
            ("setHostnameAsFQDN", Any),
            ("os", Any),
            ("hostUsers", Any),
            ("schedulingGates", Any),
            ("resourceClaims", Any),
            ("resources", S(T::Resources)),
        ],
        T::Container => &[
            ("name", Any),
            ("image", Any),
            ("command", Any),
            ("args", Any),
            ("workingDir", Any),
            ("ports", L(T::ContainerPort)),
            ("envFrom", L(T::EnvFromSource)),
            ("env", L(T::EnvVar)),
            ("resources", S(T::Resources)),
            ("resizePolicy", Any),
            ("restartPolicy", Any),
            ("volumeMounts", L(T::VolumeMount)),
            ("volumeDevices", Any),
            ("livenessProbe", S(T::Probe)),
            ("readinessProbe", S(T::Probe)),
            ("startupProbe", S(T::Probe)),
            ("lifecycle", S(T::Lifecycle)),
            ("terminationMessagePath", Any),
            ("terminationMessagePolicy", Any),
            ("imagePullPolicy", Any),
            ("securityContext", S(T::SecurityContext)),
            ("stdin", Any),
            ("stdinOnce", Any),
            ("tty", Any),
        ],
        T::ContainerPort => &[
            ("name", Any),
            ("hostPort", Any),
            ("containerPort", Any),
            ("protocol", Any),
            ("hostIP", Any),
        ],
        T::EnvVar => &[
            ("name", Any),
            ("value", Any),
            ("valueFrom", S(T::EnvVarSource)),
        ],
        T::EnvVarSource => &[
            ("fieldRef", S(T::FieldSelector)),
            ("resourceFieldRef", S(T::ResourceFieldSelector)),
            ("configMapKeyRef", S(T::KeySelector)),
            ("secretKeyRef", S(T::KeySelector)),
        ],
        T::KeySelector => &[("name", Any), ("key", Any), ("optional", Any)],
        T::FieldSelector => &[("apiVersion", Any), ("fieldPath", Any)],
        T::ResourceFieldSelector => &[("containerName", Any), ("resource", Any), ("divisor", Any)],
        T::EnvFromSource => &[
            ("prefix", Any),
            ("configMapRef", S(T::KeySelector)),
            ("secretRef", S(T::KeySelector)),
        ],
        T::NameRef => &[("name", Any)],
        T::Resources => &[("limits", Any), ("requests", Any), ("claims", Any)],
        T::VolumeMount => &[
            ("name", Any),
            ("readOnly", Any),
            ("recursiveReadOnly", Any),
            ("mountPath", Any),
            ("subPath", Any),
            ("mountPropagation", Any),
            ("subPathExpr", Any),
        ],
        T::Volume => &[
            ("name", Any),
            ("hostPath", Any),
            ("emptyDir", Any),
            ("gcePersistentDisk", Any),
            ("awsElasticBlockStore", Any),
            ("gitRepo", Any),
            ("secret", S(T::SecretVolume)),
            ("nfs", Any),
            ("iscsi", Any),
            ("glusterfs", Any),
            ("persistentVolumeClaim", Any),
            ("rbd", Any),
            ("flexVolume", Any),
            ("cinder", Any),
            ("cephfs", Any),
            ("flocker", Any),
            ("downwardAPI", Any),
            ("fc", Any),
            ("azureFile", Any),
            ("configMap", S(T::ConfigMapVolume)),
            ("vsphereVolume", Any),
            ("quobyte", Any),
            ("azureDisk", Any),
            ("photonPersistentDisk", Any),
            ("projected", Any),
            ("portworxVolume", Any),
            ("scaleIO", Any),
            ("storageos", Any),
            ("csi", Any),
            ("ephemeral", Any),
            ("image", Any),
        ],
        T::KeyToPath => &[("key", Any), ("path", Any), ("mode", Any)],
        T::ConfigMapVolume => &[
            ("name", Any),
            ("items", L(T::KeyToPath)),
            ("defaultMode", Any),
            ("optional", Any),
        ],
        T::SecretVolume => &[
            ("secretName", Any),
            ("items", L(T::KeyToPath)),
            ("defaultMode", Any),
            ("optional", Any),
        ],
        T::Probe => &[
            ("exec", S(T::Exec)),
            ("httpGet", S(T::HttpGet)),
            ("tcpSocket", S(T::TcpSocket)),
            ("grpc", Any),
            ("initialDelaySeconds", Any),
            ("timeoutSeconds", Any),
            ("periodSeconds", Any),
            ("successThreshold", Any),
            ("failureThreshold", Any),
            ("terminationGracePeriodSeconds", Any),
        ],
        T::HttpGet => &[
            ("path", Any),
            ("port", Any),
            ("host", Any),
            ("scheme", Any),
            ("httpHeaders", Any),
        ],
        T::TcpSocket => &[("port", Any), ("host", Any)],
        T::Exec => &[("command", Any)],
        T::Lifecycle => &[
            ("postStart", S(T::LifecycleHandler)),
            ("preStop", S(T::LifecycleHandler)),
        ],
        T::LifecycleHandler => &[
            ("exec", S(T::Exec)),
            ("httpGet", S(T::HttpGet)),
            ("tcpSocket", S(T::TcpSocket)),
            ("sleep", Any),
        ],
        T::SecurityContext => &[
            ("capabilities", Any),
            ("privileged", Any),
            ("seLinuxOptions", Any),
            ("windowsOptions", Any),
            ("runAsUser", Any),
            ("runAsGroup", Any),
            ("runAsNonRoot", Any),
            ("readOnlyRootFilesystem", Any),
            ("allowPrivilegeEscalation", Any),
            ("procMount", Any),
            ("seccompProfile", Any),
            ("appArmorProfile", Any),
        ],
        T::PodSecurityContext => &[
            ("seLinuxOptions", Any),
            ("windowsOptions", Any),
            ("runAsUser", Any),
            ("runAsGroup", Any),
            ("runAsNonRoot", Any),
            ("supplementalGroups", Any),
            ("supplementalGroupsPolicy", Any),
            ("fsGroup", Any),
            ("sysctls", Any),
            ("fsGroupChangePolicy", Any),
            ("seccompProfile", Any),
            ("appArmorProfile", Any),
            ("seLinuxChangePolicy", Any),
        ],
        T::Toleration => &[
            ("key", Any),
            ("operator", Any),
            ("value", Any),
            ("effect", Any),
            ("tolerationSeconds", Any),
        ],
        T::Job => object![("spec", S(T::JobSpec)), ("status", Any)],
        T::JobSpec => &[
            ("parallelism", Any),
            ("completions", Any),
            ("activeDeadlineSeconds", Any),
            ("podFailurePolicy", Any),
            ("successPolicy", Any),
            ("backoffLimit", Any),
            ("backoffLimitPerIndex", Any),
            ("maxFailedIndexes", Any),
            ("selector", S(T::LabelSelector)),
            ("manualSelector", Any),
            ("template", S(T::PodTemplateSpec)),
            ("ttlSecondsAfterFinished", Any),
            ("completionMode", Any),
            ("suspend", Any),
            ("podReplacementPolicy", Any),
            ("managedBy", Any),
        ],
        T::CronJob => object![("spec", S(T::CronJobSpec)), ("status", Any)],
        T::CronJobSpec => &[
            ("schedule", Any),
            ("timeZone", Any),
            ("startingDeadlineSeconds", Any),
            ("concurrencyPolicy", Any),
            ("suspend", Any),
            ("jobTemplate", S(T::JobTemplateSpec)),
            ("successfulJobsHistoryLimit", Any),
            ("failedJobsHistoryLimit", Any),
        ],
        T::JobTemplateSpec => &[("metadata", S(T::ObjectMeta)), ("spec", S(T::JobSpec))],
        T::ConfigMap => object![("immutable", Any), ("data", Any), ("binaryData", Any)],
        T::Secret => object![
            ("immutable", Any),
            ("data", Any),
            ("stringData", Any),
            ("type", Any)
        ],
        T::Service => object![("spec", S(T::ServiceSpec)), ("status", S(T::ServiceStatus))],
        T::ServiceSpec => &[
            ("ports", L(T::ServicePort)),
            ("selector", Any),
            ("clusterIP", Any),
            ("clusterIPs", Any),
            ("type", Any),
            ("externalIPs", Any),
            ("sessionAffinity", Any),
            ("loadBalancerIP", Any),
            ("loadBalancerSourceRanges", Any),
            ("externalName", Any),
            ("externalTrafficPolicy", Any),
            ("healthCheckNodePort", Any),
            ("publishNotReadyAddresses", Any),
            ("sessionAffinityConfig", Any),
            ("ipFamilies", Any),
            ("ipFamilyPolicy", Any),
            ("allocateLoadBalancerNodePorts", Any),
            ("loadBalancerClass", Any),
            ("internalTrafficPolicy", Any),
            ("trafficDistribution", Any),
        ],
        T::ServicePort => &[
            ("name", Any),
            ("protocol", Any),
            ("appProtocol", Any),
            ("port", Any),
            ("targetPort", Any),
            ("nodePort", Any),
        ],
        T::ServiceStatus => &[("loadBalancer", Any), ("conditions", Any)],
        T::ServiceAccount => object![
            ("secrets", Any),
            ("imagePullSecrets", L(T::NameRef)),
            ("automountServiceAccountToken", Any)
        ],
        T::Role => object![("rules", L(T::PolicyRule))],
        T::ClusterRole => object![("rules", L(T::PolicyRule)), ("aggregationRule", Any)],
        T::PolicyRule => &[
            ("verbs", Any),
            ("apiGroups", Any),
            ("resources", Any),
            ("resourceNames", Any),
            ("nonResourceURLs", Any),
        ],
        T::RoleBinding => object![("subjects", L(T::Subject)), ("roleRef", S(T::RoleRef))],
        T::Subject => &[
            ("kind", Any),
            ("apiGroup", Any),
            ("name", Any),
            ("namespace", Any),
        ],
        T::RoleRef => &[("apiGroup", Any), ("kind", Any), ("name", Any)],
        T::Ingress => object![("spec", S(T::IngressSpec)), ("status", Any)],
        T::IngressSpec => &[
            ("ingressClassName", Any),
            ("defaultBackend", S(T::IngressBackend)),
            ("tls", L(T::IngressTls)),
            ("rules", L(T::IngressRule)),
        ],
        T::IngressBackend => &[("service", S(T::IngressServiceBackend)), ("resource", Any)],
        T::IngressServiceBackend => &[("name", Any), ("port", S(T::ServiceBackendPort))],
        T::ServiceBackendPort => &[("name", Any), ("number", Any)],
        T::IngressTls => &[("hosts", Any), ("secretName", Any)],
        T::IngressRule => &[("host", Any), ("http", S(T::HttpIngressRule))],
        T::HttpIngressRule => &[("paths", L(T::HttpIngressPath))],
        T::HttpIngressPath => &[
            ("path", Any),
            ("pathType", Any),
            ("backend", S(T::IngressBackend)),
        ],
        T::ResourceQuota => object![("spec", S(T::ResourceQuotaSpec)), ("status", Any)],
        T::ResourceQuotaSpec => &[("hard", Any), ("scopes", Any), ("scopeSelector", Any)],
        T::PriorityClass => object![
            ("value", Any),
            ("globalDefault", Any),
            ("description", Any),
            ("preemptionPolicy", Any)
        ],
        T::Pdb => object![("spec", S(T::PdbSpec)), ("status", S(T::PdbStatus))],
        T::PdbSpec => &[
            ("minAvailable", Any),
            ("selector", S(T::LabelSelector)),
            ("maxUnavailable", Any),
            ("unhealthyPodEvictionPolicy", Any),
        ],
        T::PdbStatus => &[
            ("observedGeneration", Any),
            ("disruptedPods", Any),
            ("disruptionsAllowed", Any),
            ("currentHealthy", Any),
            ("desiredHealthy", Any),
            ("expectedPods", Any),
            ("conditions", Any),
        ],
        T::Namespace => object![
            ("spec", S(T::NamespaceSpec)),
            ("status", S(T::NamespaceStatus))
        ],
        T::NamespaceSpec => &[("finalizers", Any)],
        T::NamespaceStatus => &[("phase", Any), ("conditions", Any)],
    }
}

/// The typed struct a kubectl generator builds for this kind, if the table knows it.
fn type_of_kind(kind: &str) -> Option<T> {
    Some(match kind {
        "Deployment" => T::Deployment,
        "Pod" => T::Pod,
        "Job" => T::Job,
        "CronJob" => T::CronJob,
        "ConfigMap" => T::ConfigMap,
        "Secret" => T::Secret,
        "Service" => T::Service,
        "ServiceAccount" => T::ServiceAccount,
        "Role" => T::Role,
        "ClusterRole" => T::ClusterRole,
        "RoleBinding" | "ClusterRoleBinding" => T::RoleBinding,
        "Ingress" => T::Ingress,
        "ResourceQuota" => T::ResourceQuota,
        "PriorityClass" => T::PriorityClass,
        "PodDisruptionBudget" => T::Pdb,
        "Namespace" => T::Namespace,
        _ => return None,
    })
}

/// `json.MarshalIndent(obj, "", "    ")` of the typed object kubectl's generator builds for `obj`'s
/// kind, and a newline. A kind without a table is printed sorted, as an unstructured object is.
pub fn json_pretty_typed(obj: &Value) -> String {
    let mut out = String::new();
    match obj
        .get("kind")
        .and_then(Value::as_str)
        .and_then(type_of_kind)
    {
        Some(t) => typed_into(&mut out, obj, F::S(t), 0),
        None => json_indent_into(&mut out, obj, 0),
    }
    out.push('\n');
    out
}

fn typed_into(out: &mut String, v: &Value, f: F, level: usize) {
    match (f, v) {
        (F::S(t), Value::Object(m)) if !m.is_empty() => {
            let known = fields(t);
            let mut entries: Vec<(&str, &Value, F)> = Vec::with_capacity(m.len());
            for (name, ft) in known {
                if let Some(x) = m.get(*name) {
                    entries.push((name, x, *ft));
                }
            }
            for (k, x) in m {
                if !known.iter().any(|(name, _)| name == k) {
                    entries.push((k, x, F::Any));
                }
            }
            out.push('{');
            for (i, (k, x, ft)) in entries.into_iter().enumerate() {
                out.push_str(if i > 0 { ",\n" } else { "\n" });
                push_indent(out, level + 1);
                json_string_into(out, k);
                out.push_str(": ");
                typed_into(out, x, ft, level + 1);
            }
            out.push('\n');
            push_indent(out, level);
            out.push('}');
        }
        (F::L(t), Value::Array(a)) if !a.is_empty() => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                out.push_str(if i > 0 { ",\n" } else { "\n" });
                push_indent(out, level + 1);
                typed_into(out, x, F::S(t), level + 1);
            }
            out.push('\n');
            push_indent(out, level);
            out.push(']');
        }
        _ => json_indent_into(out, v, level),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_deployment_comes_out_in_struct_order_with_sorted_maps() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"creationTimestamp": null, "labels": {"z": "1", "app": "web"}, "name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "replicas": 2, "strategy": {},
                "template": {"metadata": {"creationTimestamp": null},
                    "spec": {"containers": [{"resources": {}, "name": "nginx", "image": "nginx"}]}}},
            "status": {}});
        let got = json_pretty_typed(&d);
        let compact: String = got.split_whitespace().collect();
        assert_eq!(
            compact,
            r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web","z":"1"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"nginx","image":"nginx","resources":{}}]}},"strategy":{}},"status":{}}"#
        );
        assert!(got.ends_with("}\n"));
    }

    #[test]
    fn keys_the_table_does_not_know_follow_sorted_and_unknown_kinds_sort() {
        let s = json!({"kind": "ServiceAccount", "apiVersion": "v1", "zeta": 1, "alpha": 2,
            "metadata": {"name": "s"}});
        let compact: String = json_pretty_typed(&s).split_whitespace().collect();
        assert_eq!(
            compact,
            r#"{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"s"},"alpha":2,"zeta":1}"#
        );
        let c = json!({"kind": "CronTab", "apiVersion": "x/v1", "metadata": {"name": "c"}});
        let compact: String = json_pretty_typed(&c).split_whitespace().collect();
        assert_eq!(
            compact,
            r#"{"apiVersion":"x/v1","kind":"CronTab","metadata":{"name":"c"}}"#
        );
    }
}
