//! The columns `kubectl get` prints for each kind (the API server's table definitions), with `-o wide`.

use super::printers::age::human_duration;
use crate::cluster::{object, parse_timestamp};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The age of an object from its creationTimestamp, as the AGE column shows it.
pub fn age(obj: &Value, now: DateTime<Utc>) -> String {
    since(object::str_at(obj, "metadata.creationTimestamp"), now)
}

/// Time since an API timestamp, or `<unknown>`.
pub fn since(ts: &str, now: DateTime<Utc>) -> String {
    match parse_timestamp(ts) {
        Some(t) => human_duration(now - t),
        None => "<unknown>".into(),
    }
}

fn s(v: &str) -> String {
    v.to_string()
}

fn or_none(v: String) -> String {
    if v.is_empty() {
        "<none>".into()
    } else {
        v
    }
}

/// Headers for a kind (`wide` adds the wide columns).
pub fn headers(kind: &str, wide: bool) -> Vec<String> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        "Pod" => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        "Deployment" => (
            &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "ReplicaSet" => (
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "DaemonSet" => (
            &[
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "StatefulSet" => (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]),
        "Service" => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            &["SELECTOR"],
        ),
        "Node" => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        "Job" => (
            &["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "CronJob" => (
            &[
                "NAME",
                "SCHEDULE",
                "TIMEZONE",
                "SUSPEND",
                "ACTIVE",
                "LAST SCHEDULE",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "PersistentVolume" => (
            &[
                "NAME",
                "CAPACITY",
                "ACCESS MODES",
                "RECLAIM POLICY",
                "STATUS",
                "CLAIM",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "REASON",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        "PersistentVolumeClaim" => (
            &[
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        "StorageClass" => (
            &[
                "NAME",
                "PROVISIONER",
                "RECLAIMPOLICY",
                "VOLUMEBINDINGMODE",
                "ALLOWVOLUMEEXPANSION",
                "AGE",
            ],
            &[],
        ),
        "Namespace" => (&["NAME", "STATUS", "AGE"], &[]),
        "ConfigMap" => (&["NAME", "DATA", "AGE"], &[]),
        "Secret" => (&["NAME", "TYPE", "DATA", "AGE"], &[]),
        "ServiceAccount" => (&["NAME", "SECRETS", "AGE"], &[]),
        "Endpoints" => (&["NAME", "ENDPOINTS", "AGE"], &[]),
        "EndpointSlice" => (&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], &[]),
        "Lease" => (&["NAME", "HOLDER", "AGE"], &[]),
        "ComponentStatus" => (&["NAME", "STATUS", "MESSAGE", "ERROR"], &[]),
        "NetworkPolicy" => (&["NAME", "POD-SELECTOR", "AGE"], &[]),
        "Event" => (&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &[]),
        "ResourceQuota" => (&["NAME", "AGE", "REQUEST", "LIMIT"], &[]),
        "LimitRange" | "Role" | "ClusterRole" | "CustomResourceDefinition" => {
            (&["NAME", "CREATED AT"], &[])
        }
        "RoleBinding" | "ClusterRoleBinding" => (
            &["NAME", "ROLE", "AGE"],
            &["USERS", "GROUPS", "SERVICEACCOUNTS"],
        ),
        "CertificateSigningRequest" => (
            &[
                "NAME",
                "AGE",
                "SIGNERNAME",
                "REQUESTOR",
                "REQUESTEDDURATION",
                "CONDITION",
            ],
            &[],
        ),
        "HorizontalPodAutoscaler" => (
            &[
                "NAME",
                "REFERENCE",
                "TARGETS",
                "MINPODS",
                "MAXPODS",
                "REPLICAS",
                "AGE",
            ],
            &[],
        ),
        "Ingress" => (&["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], &[]),
        "IngressClass" => (&["NAME", "CONTROLLER", "PARAMETERS", "AGE"], &[]),
        "PriorityClass" => (
            &["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"],
            &[],
        ),
        "PodDisruptionBudget" => (
            &[
                "NAME",
                "MIN AVAILABLE",
                "MAX UNAVAILABLE",
                "ALLOWED DISRUPTIONS",
                "AGE",
            ],
            &[],
        ),
        _ => (&["NAME", "AGE"], &[]),
    };
    if kind == "Event" && wide {
        // The wide columns sit between the others here, as the events table defines them.
        return [
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST SEEN",
            "COUNT",
            "NAME",
        ]
        .map(String::from)
        .to_vec();
    }
    let mut h: Vec<String> = base.iter().map(|x| x.to_string()).collect();
    if wide {
        h.extend(extra.iter().map(|x| x.to_string()));
    }
    h
}

/// The cells of one object's row; `name` is what the NAME column shows (it may carry a `kind/` prefix).
pub fn row(obj: &Value, name: &str, now: DateTime<Utc>, wide: bool) -> Vec<String> {
    let kind = object::kind(obj);
    if kind == "Pod" {
        return pod_row(obj, &pod_state(obj), name, now, wide);
    }
    let age = age(obj, now);
    let i = |p: &str| object::i64_at(obj, p).unwrap_or(0);
    let mut r: Vec<String> = match kind {
        "Deployment" => {
            let mut r = vec![
                s(name),
                format!("{}/{}", i("status.readyReplicas"), i("spec.replicas")),
                i("status.updatedReplicas").to_string(),
                i("status.availableReplicas").to_string(),
                age,
            ];
            if wide {
                r.extend(containers_images(obj, "spec.template.spec.containers"));
                r.push(selector_text(obj));
            }
            r
        }
        "ReplicaSet" => {
            let mut r = vec![
                s(name),
                i("spec.replicas").to_string(),
                i("status.replicas").to_string(),
                i("status.readyReplicas").to_string(),
                age,
            ];
            if wide {
                r.extend(containers_images(obj, "spec.template.spec.containers"));
                r.push(selector_text(obj));
            }
            r
        }
        "DaemonSet" => {
            let ns = object::string_map(obj, "spec.template.spec.nodeSelector");
            let sel: Vec<String> = ns.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let mut r = vec![
                s(name),
                i("status.desiredNumberScheduled").to_string(),
                i("status.currentNumberScheduled").to_string(),
                i("status.numberReady").to_string(),
                i("status.updatedNumberScheduled").to_string(),
                i("status.numberAvailable").to_string(),
                or_none(sel.join(",")),
                age,
            ];
            if wide {
                r.extend(containers_images(obj, "spec.template.spec.containers"));
                r.push(selector_text(obj));
            }
            r
        }
        "StatefulSet" => {
            let mut r = vec![
                s(name),
                format!("{}/{}", i("status.readyReplicas"), i("spec.replicas")),
                age,
            ];
            if wide {
                r.extend(containers_images(obj, "spec.template.spec.containers"));
            }
            r
        }
        "Service" => {
            let t = object::str_at(obj, "spec.type");
            let cluster_ip = or_none(s(object::str_at(obj, "spec.clusterIP")));
            let external = match t {
                "ExternalName" => s(object::str_at(obj, "spec.externalName")),
                "LoadBalancer" => {
                    let mut all: Vec<String> = load_balancer_text(obj, wide)
                        .split(',')
                        .filter(|x| !x.is_empty())
                        .map(String::from)
                        .collect();
                    all.extend(
                        object::array(obj, "spec.externalIPs")
                            .iter()
                            .filter_map(|x| x.as_str().map(String::from)),
                    );
                    if all.is_empty() {
                        "<pending>".into()
                    } else {
                        all.join(",")
                    }
                }
                _ => {
                    let ext: Vec<String> = object::array(obj, "spec.externalIPs")
                        .iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect();
                    or_none(ext.join(","))
                }
            };
            let ports: Vec<String> = object::array(obj, "spec.ports")
                .iter()
                .map(|p| {
                    let port = p.get("port").map(|v| v.to_string()).unwrap_or_default();
                    let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                    match p.get("nodePort").and_then(Value::as_i64) {
                        Some(np) => format!("{port}:{np}/{proto}"),
                        None => format!("{port}/{proto}"),
                    }
                })
                .collect();
            let mut r = vec![
                s(name),
                s(t),
                cluster_ip,
                external,
                or_none(ports.join(",")),
                age,
            ];
            if wide {
                let sel = object::string_map(obj, "spec.selector");
                let sel: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
                r.push(or_none(sel.join(",")));
            }
            r
        }
        "Node" => {
            let ready = object::array(obj, "status.conditions")
                .iter()
                .find(|c| c.get("type").and_then(Value::as_str) == Some("Ready"))
                .and_then(|c| c.get("status").and_then(Value::as_str))
                .unwrap_or("Unknown");
            let mut status = if ready == "True" {
                s("Ready")
            } else {
                s("NotReady")
            };
            if object::get(obj, "spec.unschedulable").and_then(Value::as_bool) == Some(true) {
                status.push_str(",SchedulingDisabled");
            }
            let roles: Vec<String> = object::labels(obj)
                .keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/").map(String::from))
                .filter(|r| !r.is_empty())
                .collect();
            let mut r = vec![
                s(name),
                status,
                or_none(roles.join(",")),
                age,
                s(object::str_at(obj, "status.nodeInfo.kubeletVersion")),
            ];
            if wide {
                let addr = |t: &str| {
                    object::array(obj, "status.addresses")
                        .iter()
                        .find(|a| a.get("type").and_then(Value::as_str) == Some(t))
                        .and_then(|a| a.get("address").and_then(Value::as_str))
                        .unwrap_or("<none>")
                        .to_string()
                };
                r.push(addr("InternalIP"));
                r.push(addr("ExternalIP"));
                r.push(s(object::str_at(obj, "status.nodeInfo.osImage")));
                r.push(s(object::str_at(obj, "status.nodeInfo.kernelVersion")));
                r.push(s(object::str_at(
                    obj,
                    "status.nodeInfo.containerRuntimeVersion",
                )));
            }
            r
        }
        "Job" => {
            let mut r = vec![
                s(name),
                job_status(obj),
                job_completions(obj),
                job_duration(obj, now),
                age,
            ];
            if wide {
                r.extend(containers_images(obj, "spec.template.spec.containers"));
                r.push(selector_text(obj));
            }
            r
        }
        "CronJob" => {
            let suspend = object::get(obj, "spec.suspend").and_then(Value::as_bool) == Some(true);
            let last = object::str_at(obj, "status.lastScheduleTime");
            let mut r = vec![
                s(name),
                s(object::str_at(obj, "spec.schedule")),
                or_none(s(object::str_at(obj, "spec.timeZone"))),
                if suspend { "True" } else { "False" }.to_string(),
                object::array(obj, "status.active").len().to_string(),
                if last.is_empty() {
                    "<none>".into()
                } else {
                    since(last, now)
                },
                age,
            ];
            if wide {
                r.extend(containers_images(
                    obj,
                    "spec.jobTemplate.spec.template.spec.containers",
                ));
                r.push(or_none(s(object::str_at(
                    obj,
                    "spec.jobTemplate.spec.selector",
                ))));
            }
            r
        }
        "PersistentVolume" => {
            let claim = if object::str_at(obj, "spec.claimRef.name").is_empty() {
                String::new()
            } else {
                format!(
                    "{}/{}",
                    object::str_at(obj, "spec.claimRef.namespace"),
                    object::str_at(obj, "spec.claimRef.name")
                )
            };
            let mut r = vec![
                s(name),
                s(object::str_at(obj, "spec.capacity.storage")),
                access_modes(obj, "spec.accessModes"),
                s(object::str_at(obj, "spec.persistentVolumeReclaimPolicy")),
                s(phase_or_terminating(obj)),
                claim,
                s(object::str_at(obj, "spec.storageClassName")),
                unset(object::str_at(obj, "spec.volumeAttributesClassName")),
                s(object::str_at(obj, "status.reason")),
                age,
            ];
            if wide {
                r.push(s(object::str_at(obj, "spec.volumeMode")));
            }
            r
        }
        "PersistentVolumeClaim" => {
            let mut r = vec![
                s(name),
                s(phase_or_terminating(obj)),
                s(object::str_at(obj, "spec.volumeName")),
                s(object::str_at(obj, "status.capacity.storage")),
                access_modes(obj, "status.accessModes"),
                s(object::str_at(obj, "spec.storageClassName")),
                unset(object::str_at(obj, "spec.volumeAttributesClassName")),
                age,
            ];
            if wide {
                r.push(s(object::str_at(obj, "spec.volumeMode")));
            }
            r
        }
        "StorageClass" => {
            let shown = if crate::cluster::defaults::is_default_class(obj) {
                format!("{name} (default)")
            } else {
                s(name)
            };
            let expand =
                object::get(obj, "allowVolumeExpansion").and_then(Value::as_bool) == Some(true);
            vec![
                shown,
                s(object::str_at(obj, "provisioner")),
                s(object::str_at(obj, "reclaimPolicy")),
                s(object::str_at(obj, "volumeBindingMode")),
                expand.to_string(),
                age,
            ]
        }
        "Namespace" => vec![s(name), s(phase_or_terminating(obj)), age],
        "ConfigMap" => {
            let n = object::get(obj, "data")
                .and_then(Value::as_object)
                .map(|m| m.len())
                .unwrap_or(0)
                + object::get(obj, "binaryData")
                    .and_then(Value::as_object)
                    .map(|m| m.len())
                    .unwrap_or(0);
            vec![s(name), n.to_string(), age]
        }
        "Secret" => {
            let n = object::get(obj, "data")
                .and_then(Value::as_object)
                .map(|m| m.len())
                .unwrap_or(0);
            vec![s(name), s(object::str_at(obj, "type")), n.to_string(), age]
        }
        "ServiceAccount" => vec![
            s(name),
            object::array(obj, "secrets").len().to_string(),
            age,
        ],
        "EndpointSlice" => {
            let ports: Vec<String> = object::array(obj, "ports")
                .iter()
                .filter_map(|p| p.get("port").and_then(Value::as_i64))
                .map(|p| p.to_string())
                .collect();
            let addrs: Vec<String> = object::array(obj, "endpoints")
                .iter()
                .flat_map(|e| {
                    e.get("addresses")
                        .and_then(Value::as_array)
                        .map(|a| a.as_slice())
                        .unwrap_or(&[])
                })
                .filter_map(|a| a.as_str().map(String::from))
                .collect();
            vec![
                s(name),
                s(object::str_at(obj, "addressType")),
                first_three(&ports),
                first_three(&addrs),
                age,
            ]
        }
        "Lease" => vec![s(name), s(object::str_at(obj, "spec.holderIdentity")), age],
        "ComponentStatus" => {
            // kubectl's printer: the Healthy condition's status, message and error.
            let healthy = object::array(obj, "conditions")
                .iter()
                .find(|c| c.get("type").and_then(Value::as_str) == Some("Healthy"))
                .cloned()
                .unwrap_or_default();
            let field = |k: &str| s(healthy.get(k).and_then(Value::as_str).unwrap_or(""));
            let status = match healthy.get("status").and_then(Value::as_str) {
                Some("True") => "Healthy",
                Some(_) => "Unhealthy",
                None => "Unknown",
            };
            vec![s(name), status.into(), field("message"), field("error")]
        }
        "Endpoints" => {
            let mut eps = Vec::new();
            for subset in object::array(obj, "subsets") {
                let ports: Vec<i64> = subset
                    .get("ports")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|p| p.get("port").and_then(Value::as_i64))
                            .collect()
                    })
                    .unwrap_or_default();
                let addrs: Vec<&str> = object::array(subset, "addresses")
                    .iter()
                    .map(|a| a.get("ip").and_then(Value::as_str).unwrap_or(""))
                    .collect();
                // kubectl walks the ports, then the addresses of each (ports are not sorted).
                if ports.is_empty() {
                    eps.extend(addrs.iter().map(|ip| ip.to_string()));
                }
                for p in &ports {
                    eps.extend(addrs.iter().map(|ip| format!("{ip}:{p}")));
                }
            }
            let text = if eps.is_empty() {
                "<none>".to_string()
            } else if eps.len() > 3 {
                format!("{} + {} more...", eps[..3].join(","), eps.len() - 3)
            } else {
                eps.join(",")
            };
            vec![s(name), text, age]
        }
        "NetworkPolicy" => vec![s(name), crate::cluster::netpol::pod_selector_text(obj), age],
        "Ingress" => {
            let class = or_none(s(object::str_at(obj, "spec.ingressClassName")));
            let rules = object::array(obj, "spec.rules");
            // kubectl lists three hosts, then counts the rules left after the third.
            let mut hosts: Vec<&str> = Vec::new();
            let mut more = false;
            for r in rules {
                if hosts.len() == 3 {
                    more = true;
                }
                let host = r.get("host").and_then(Value::as_str).unwrap_or("");
                if !more && !host.is_empty() {
                    hosts.push(host);
                }
            }
            let hosts = if hosts.is_empty() {
                "*".to_string()
            } else if more {
                format!("{} + {} more...", hosts.join(","), rules.len() - 3)
            } else {
                hosts.join(",")
            };
            let ports = if object::array(obj, "spec.tls").is_empty() {
                "80"
            } else {
                "80, 443"
            };
            vec![
                s(name),
                class,
                hosts,
                load_balancer_text(obj, wide),
                s(ports),
                age,
            ]
        }
        "IngressClass" => {
            let params = match object::get(obj, "spec.parameters") {
                Some(p) => {
                    let kind = object::str_at(p, "kind");
                    let group = object::str_at(p, "apiGroup");
                    let name = object::str_at(p, "name");
                    if group.is_empty() {
                        format!("{kind}/{name}")
                    } else {
                        format!("{kind}.{group}/{name}")
                    }
                }
                None => "<none>".into(),
            };
            vec![
                s(name),
                s(object::str_at(obj, "spec.controller")),
                params,
                age,
            ]
        }
        "PriorityClass" => vec![
            s(name),
            i("value").to_string(),
            object::get(obj, "globalDefault")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                .to_string(),
            age,
            s(object::str_at(obj, "preemptionPolicy")),
        ],
        "Event" => event_row(obj, now, wide),
        "ResourceQuota" => {
            let (request, limit) = quota_columns(obj);
            vec![s(name), age, request, limit]
        }
        "LimitRange" | "Role" | "ClusterRole" | "CustomResourceDefinition" => vec![
            s(name),
            s(object::str_at(obj, "metadata.creationTimestamp")),
        ],
        "RoleBinding" | "ClusterRoleBinding" => {
            let mut r = vec![
                s(name),
                format!(
                    "{}/{}",
                    object::str_at(obj, "roleRef.kind"),
                    object::str_at(obj, "roleRef.name")
                ),
                age,
            ];
            if wide {
                let of = |kind: &str| -> String {
                    object::array(obj, "subjects")
                        .iter()
                        .filter(|x| object::str_at(x, "kind") == kind)
                        .map(|x| {
                            let n = object::str_at(x, "name");
                            let ns = object::str_at(x, "namespace");
                            if kind == "ServiceAccount" {
                                format!("{ns}/{n}")
                            } else {
                                n.to_string()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                r.push(of("User"));
                r.push(of("Group"));
                r.push(of("ServiceAccount"));
            }
            r
        }
        "CertificateSigningRequest" => {
            let dur = object::i64_at(obj, "spec.expirationSeconds")
                .map(|secs| super::printers::age::human_duration(chrono::Duration::seconds(secs)))
                .unwrap_or_else(|| "<none>".into());
            let mut conds: Vec<String> = object::array(obj, "status.conditions")
                .iter()
                .map(|c| object::str_at(c, "type").to_string())
                .collect();
            if !object::str_at(obj, "status.certificate").is_empty() {
                conds.push("Issued".into());
            }
            let cond = if conds.is_empty() {
                "Pending".to_string()
            } else {
                conds.join(",")
            };
            vec![
                s(name),
                age,
                s(object::str_at(obj, "spec.signerName")),
                s(object::str_at(obj, "spec.username")),
                dur,
                cond,
            ]
        }
        "HorizontalPodAutoscaler" => {
            let reference = format!(
                "{}/{}",
                object::str_at(obj, "spec.scaleTargetRef.kind"),
                object::str_at(obj, "spec.scaleTargetRef.name")
            );
            vec![
                s(name),
                reference,
                hpa_targets(obj),
                object::i64_at(obj, "spec.minReplicas")
                    .unwrap_or(1)
                    .to_string(),
                i("spec.maxReplicas").to_string(),
                i("status.currentReplicas").to_string(),
                age,
            ]
        }
        "PodDisruptionBudget" => {
            let int_or_string = |p: &str| match object::get(obj, p) {
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::String(v)) => v.clone(),
                _ => "N/A".to_string(),
            };
            vec![
                s(name),
                int_or_string("spec.minAvailable"),
                int_or_string("spec.maxUnavailable"),
                i("status.disruptionsAllowed").to_string(),
                age,
            ]
        }
        _ => vec![s(name), age],
    };
    r.truncate(headers(kind, wide).len().max(2));
    r
}

/// An Event's cells: times fall back as the API server's printer does (last seen to first seen,
/// first seen to `eventTime`), and a series counts for the event it stands for.
fn event_row(obj: &Value, now: DateTime<Utc>, wide: bool) -> Vec<String> {
    let at = |path: &str| {
        let t = object::str_at(obj, path);
        (!t.is_empty()).then_some(t)
    };
    let first = since(at("firstTimestamp").or(at("eventTime")).unwrap_or(""), now);
    let series_last = at("series.lastObservedTime");
    let last = match series_last.or(at("lastTimestamp")) {
        Some(t) => since(t, now),
        None => first.clone(),
    };
    let count = object::i64_at(obj, "series.count")
        .filter(|_| object::get(obj, "series").is_some())
        .or_else(|| object::i64_at(obj, "count").filter(|n| *n != 0))
        .unwrap_or(1);
    let kind = object::str_at(obj, "involvedObject.kind").to_ascii_lowercase();
    let target = match object::str_at(obj, "involvedObject.name") {
        "" => kind,
        name => format!("{kind}/{name}"),
    };
    let message = object::str_at(obj, "message").trim().to_string();
    let (kind_, reason) = (
        s(object::str_at(obj, "type")),
        s(object::str_at(obj, "reason")),
    );
    if !wide {
        return vec![last, kind_, reason, target, message];
    }
    let pick = |a: &str, b: &str| {
        let a = object::str_at(obj, a);
        if a.is_empty() {
            object::str_at(obj, b).to_string()
        } else {
            a.to_string()
        }
    };
    let component = pick("source.component", "reportingComponent");
    let instance = pick("source.host", "reportingInstance");
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };
    vec![
        last,
        kind_,
        reason,
        target,
        s(object::str_at(obj, "involvedObject.fieldPath")),
        source,
        message,
        first,
        count.to_string(),
        s(object::str_at(obj, "metadata.name")),
    ]
}

/// The addresses of `status.loadBalancer.ingress` (IPs and hostnames, sorted, unique), clipped to
/// 16 bytes with `...` unless wide, as kubectl's load balancer stringer does.
pub fn load_balancer_text(obj: &Value, wide: bool) -> String {
    let mut all: Vec<&str> = object::array(obj, "status.loadBalancer.ingress")
        .iter()
        .flat_map(|x| {
            ["ip", "hostname"]
                .into_iter()
                .filter_map(|k| x.get(k).and_then(Value::as_str))
        })
        .filter(|v| !v.is_empty())
        .collect();
    all.sort_unstable();
    all.dedup();
    let text = all.join(",");
    if !wide && text.len() > 16 {
        format!("{}...", text.get(..13).unwrap_or(&text))
    } else {
        text
    }
}

fn unset(v: &str) -> String {
    if v.is_empty() {
        "<unset>".into()
    } else {
        v.to_string()
    }
}

/// Access modes as kubectl abbreviates them (`RWO,ROX`).
fn access_modes(obj: &Value, path: &str) -> String {
    let modes: Vec<&str> = object::array(obj, path)
        .iter()
        .filter_map(Value::as_str)
        .map(|m| match m {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect();
    modes.join(",")
}

fn condition_true(obj: &Value, type_: &str) -> bool {
    object::array(obj, "status.conditions").iter().any(|c| {
        c.get("type").and_then(Value::as_str) == Some(type_)
            && c.get("status").and_then(Value::as_str) == Some("True")
    })
}

/// A Job's STATUS column (kubectl 1.32).
fn job_status(obj: &Value) -> String {
    for (t, shown) in [
        ("Failed", "Failed"),
        ("Complete", "Complete"),
        ("Suspended", "Suspended"),
        ("FailureTarget", "FailureTarget"),
        ("SuccessCriteriaMet", "SuccessCriteriaMet"),
    ] {
        if condition_true(obj, t) {
            return shown.into();
        }
    }
    "Running".into()
}

fn job_completions(obj: &Value) -> String {
    let succeeded = object::i64_at(obj, "status.succeeded").unwrap_or(0);
    match object::i64_at(obj, "spec.completions") {
        Some(n) => format!("{succeeded}/{n}"),
        None => {
            let p = object::i64_at(obj, "spec.parallelism").unwrap_or(0);
            if p > 1 {
                format!("{succeeded}/1 of {p}")
            } else {
                format!("{succeeded}/1")
            }
        }
    }
}

fn job_duration(obj: &Value, now: DateTime<Utc>) -> String {
    let Some(start) = parse_timestamp(object::str_at(obj, "status.startTime")) else {
        return String::new();
    };
    match parse_timestamp(object::str_at(obj, "status.completionTime")) {
        Some(end) => human_duration(end - start),
        None => human_duration(now - start),
    }
}

fn containers_images(obj: &Value, path: &str) -> Vec<String> {
    let cs = object::array(obj, path);
    let names: Vec<&str> = cs
        .iter()
        .filter_map(|c| c.get("name").and_then(Value::as_str))
        .collect();
    let images: Vec<&str> = cs
        .iter()
        .filter_map(|c| c.get("image").and_then(Value::as_str))
        .collect();
    vec![names.join(","), images.join(",")]
}

fn selector_text(obj: &Value) -> String {
    let sel = crate::cluster::selector::Selector::from_label_selector(
        object::get(obj, "spec.selector").unwrap_or(&Value::Null),
    );
    or_none(sel.to_string())
}

/// What a pod's `get` row shows that does not depend on the time: READY, total, STATUS, the
/// restart count and when the last restart was, and when the pod was created.
#[derive(Debug, Clone, PartialEq)]
pub struct PodState {
    pub name: String,
    pub namespace: String,
    pub ready: usize,
    pub total: usize,
    pub reason: String,
    pub restarts: i64,
    pub last_restart: Option<DateTime<Utc>>,
    pub created: Option<DateTime<Utc>>,
}

/// READY, total, STATUS and RESTARTS of a pod, with kubectl's rules for the status reason.
pub fn pod_columns(pod: &Value, now: DateTime<Utc>) -> (usize, usize, String, String) {
    let st = pod_state(pod);
    let restarts = restarts_text(&st, now);
    (st.ready, st.total, st.reason, restarts)
}

/// RESTARTS as kubectl prints it: the count, and how long ago the last one was.
fn restarts_text(st: &PodState, now: DateTime<Utc>) -> String {
    match st.last_restart {
        Some(t) if st.restarts > 0 => format!("{} ({} ago)", st.restarts, human_duration(now - t)),
        _ => st.restarts.to_string(),
    }
}

/// A pod's row cells (`get pods`, `-o wide` too) from its state.
pub fn pod_row(
    pod: &Value,
    st: &PodState,
    name: &str,
    now: DateTime<Utc>,
    wide: bool,
) -> Vec<String> {
    let age = match st.created {
        Some(t) => human_duration(now - t),
        None => "<unknown>".into(),
    };
    let mut r = vec![
        s(name),
        format!("{}/{}", st.ready, st.total),
        st.reason.clone(),
        restarts_text(st, now),
        age,
    ];
    if wide {
        r.push(or_none(s(object::str_at(pod, "status.podIP"))));
        r.push(or_none(s(object::str_at(pod, "spec.nodeName"))));
        r.push(or_none(s(object::str_at(pod, "status.nominatedNodeName"))));
        r.push("<none>".into());
    }
    r
}

/// A pod's [`PodState`], with kubectl's rules for the status reason.
///
/// Every `get pods` row needs this, so it looks up `spec`, `status` and `metadata` once and
/// reads the fields below them directly (`get pods -A` on 10,000 pods is a benchmark).
pub fn pod_state(pod: &Value) -> PodState {
    fn field<'a>(m: Option<&'a Value>, key: &str) -> Option<&'a Value> {
        m.and_then(|m| m.get(key))
    }
    fn list<'a>(m: Option<&'a Value>, key: &str) -> &'a [Value] {
        field(m, key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    fn text<'a>(m: Option<&'a Value>, key: &str) -> &'a str {
        field(m, key).and_then(Value::as_str).unwrap_or("")
    }
    let spec = pod.get("spec");
    let status = pod.get("status");
    let total = list(spec, "containers").len();
    let mut reason = s(text(status, "phase"));
    let pod_reason = text(status, "reason");
    if !pod_reason.is_empty() {
        reason = s(pod_reason);
    }
    let mut restarts = 0i64;
    let mut last_restart: Option<DateTime<Utc>> = None;
    fn note_restart(st: &Value, restarts: &mut i64, last_restart: &mut Option<DateTime<Utc>>) {
        *restarts += st.get("restartCount").and_then(Value::as_i64).unwrap_or(0);
        if let Some(t) = st
            .get("lastState")
            .and_then(|l| l.get("terminated"))
            .and_then(|t| t.get("finishedAt"))
            .and_then(Value::as_str)
            .and_then(parse_timestamp)
        {
            if last_restart.is_none_or(|l| t > l) {
                *last_restart = Some(t);
            }
        }
    }
    let init_total = list(spec, "initContainers").len();
    let mut initializing = false;
    for (i, st) in list(status, "initContainerStatuses").iter().enumerate() {
        note_restart(st, &mut restarts, &mut last_restart);
        let state = st.get("state");
        if let Some(t) = field(state, "terminated") {
            let code = t.get("exitCode").and_then(Value::as_i64).unwrap_or(0);
            if code == 0 {
                continue;
            }
            let r = t.get("reason").and_then(Value::as_str).unwrap_or("");
            reason = if r.is_empty() {
                format!("Init:ExitCode:{code}")
            } else {
                format!("Init:{r}")
            };
        } else if let Some(r) = field(state, "waiting")
            .and_then(|w| w.get("reason"))
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{init_total}");
        }
        initializing = true;
        break;
    }
    let mut ready = 0;
    if !initializing {
        restarts = 0;
        last_restart = None;
        let mut has_running = false;
        for st in list(status, "containerStatuses").iter().rev() {
            note_restart(st, &mut restarts, &mut last_restart);
            let state = st.get("state");
            if let Some(r) = field(state, "waiting")
                .and_then(|w| w.get("reason"))
                .and_then(Value::as_str)
                .filter(|r| !r.is_empty())
            {
                reason = s(r);
            } else if let Some(t) = field(state, "terminated") {
                let r = t.get("reason").and_then(Value::as_str).unwrap_or("");
                reason = if r.is_empty() {
                    format!(
                        "ExitCode:{}",
                        t.get("exitCode").and_then(Value::as_i64).unwrap_or(0)
                    )
                } else {
                    s(r)
                };
            } else if field(state, "running").is_some()
                && st.get("ready").and_then(Value::as_bool) == Some(true)
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if crate::cluster::controllers::pod_ready(pod) {
                s("Running")
            } else {
                s("NotReady")
            };
        }
    }
    let metadata = pod.get("metadata");
    if field(metadata, "deletionTimestamp").is_some() {
        reason = s("Terminating");
    }
    PodState {
        name: s(text(metadata, "name")),
        namespace: s(text(metadata, "namespace")),
        ready,
        total,
        reason,
        restarts,
        last_restart,
        created: parse_timestamp(text(metadata, "creationTimestamp")),
    }
}

/// `status.phase`, or `Terminating` once the object is being deleted (kubectl's PV, PVC and
/// namespace printers).
fn phase_or_terminating(obj: &Value) -> &str {
    if object::get(obj, "metadata.deletionTimestamp").is_some() {
        "Terminating"
    } else {
        object::str_at(obj, "status.phase")
    }
}

/// Up to three values joined by commas, `+ N more...` past that, `<unset>` for none (the
/// EndpointSlice printer's PORTS and ENDPOINTS).
fn first_three(values: &[String]) -> String {
    match values.len() {
        0 => "<unset>".to_string(),
        1..=3 => values.join(","),
        n => format!("{} + {} more...", values[..3].join(","), n - 3),
    }
}

/// REQUEST and LIMIT of `get quota`: `used/hard` per resource, `limits.*` in LIMIT.
fn quota_columns(obj: &Value) -> (String, String) {
    let mut request = Vec::new();
    let mut limit = Vec::new();
    let mut hard: Vec<String> = object::get(obj, "spec.hard")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    hard.sort();
    let q = |path: &str, key: &str| -> String {
        object::get(obj, path)
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .unwrap_or("0")
            .to_string()
    };
    for k in hard {
        let cell = format!("{k}: {}/{}", q("status.used", &k), q("status.hard", &k));
        if k.split('.').next() == Some("limits") && k.contains('.') {
            limit.push(cell);
        } else {
            request.push(cell);
        }
    }
    (request.join(", "), limit.join(", "))
}

/// TARGETS of `get hpa` (v1.32 names each metric: `cpu: 42%/50%`).
fn hpa_targets(obj: &Value) -> String {
    let metrics = object::array(obj, "spec.metrics");
    if metrics.is_empty() {
        return "<none>".into();
    }
    let current = object::array(obj, "status.currentMetrics");
    let mut cells = Vec::new();
    for (idx, m) in metrics.iter().enumerate() {
        if object::str_at(m, "type") != "Resource" {
            cells.push(format!("<unknown>/{}", object::str_at(m, "type")));
            continue;
        }
        let res = object::str_at(m, "resource.name");
        let target = object::get(m, "resource.target")
            .cloned()
            .unwrap_or(Value::Null);
        let cur = current
            .get(idx)
            .and_then(|c| c.get("resource"))
            .and_then(|r| r.get("current"));
        let cell = match object::str_at(&target, "type") {
            "Utilization" => {
                let want = object::i64_at(&target, "averageUtilization").unwrap_or(0);
                let have = cur
                    .and_then(|c| c.get("averageUtilization"))
                    .and_then(Value::as_i64)
                    .map(|v| format!("{v}%"))
                    .unwrap_or_else(|| "<unknown>".into());
                format!("{res}: {have}/{want}%")
            }
            _ => {
                let want = object::str_at(&target, "averageValue");
                let have = cur
                    .and_then(|c| c.get("averageValue"))
                    .and_then(Value::as_str)
                    .unwrap_or("<unknown>");
                format!("{res}: {have}/{want}")
            }
        };
        cells.push(cell);
    }
    cells.join(", ")
}
