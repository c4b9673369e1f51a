//! Resolving `TYPE [NAME...]`, `TYPE/NAME ...` and `TYPE1,TYPE2` arguments into resource types and names.

use crate::cluster::schema::{self, ResourceType};
use crate::cluster::Cluster;

/// One requested resource: a type, and a name or all of them.
#[derive(Debug, Clone)]
pub struct Request {
    pub rt: &'static ResourceType,
    pub name: Option<String>,
}

/// The types `kubectl get all` covers, in its order.
pub const ALL: &[&str] = &[
    "pods",
    "replicationcontrollers",
    "services",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
    "horizontalpodautoscalers",
    "cronjobs",
    "jobs",
];

/// The verbs the API server lists for a resource (`kubectl api-resources -o wide`, `--verbs`).
pub fn verbs(rt: &ResourceType) -> Vec<&'static str> {
    match rt.plural {
        "bindings" => vec!["create"],
        "componentstatuses" => vec!["get", "list"],
        "namespaces" => vec![
            "create", "delete", "get", "list", "patch", "update", "watch",
        ],
        "tokenreviews"
        | "selfsubjectaccessreviews"
        | "selfsubjectrulesreviews"
        | "subjectaccessreviews"
        | "localsubjectaccessreviews"
        | "selfsubjectreviews" => vec!["create"],
        _ => vec![
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ],
    }
}

/// The categories of a resource (`all` for the kinds `kubectl get all` shows).
pub fn categories(rt: &ResourceType) -> Vec<&'static str> {
    if ALL.contains(&rt.plural) {
        vec!["all"]
    } else if matches!(
        rt.plural,
        "customresourcedefinitions"
            | "mutatingwebhookconfigurations"
            | "validatingwebhookconfigurations"
            | "validatingadmissionpolicies"
            | "validatingadmissionpolicybindings"
    ) {
        vec!["api-extensions"]
    } else {
        Vec::new()
    }
}

fn resolve_type(
    cluster: Option<&Cluster>,
    name: &str,
) -> Result<Vec<&'static ResourceType>, String> {
    if name == "all" {
        return Ok(ALL.iter().filter_map(|n| schema::lookup(n)).collect());
    }
    let found = match cluster {
        Some(c) => c.lookup_type(name),
        None => schema::lookup(name),
    };
    found
        .map(|r| vec![r])
        .ok_or_else(|| super::errors::unknown_type(name))
}

/// Parses the arguments of get/describe/delete. The error is the full line kubectl prints.
pub fn parse(args: &[String]) -> Result<Vec<Request>, String> {
    parse_in(None, args)
}

/// Like [`parse`], resolving types through a cluster's registry: its custom types (from its CRDs)
/// as well as the built-in kinds.
pub fn parse_in(cluster: Option<&Cluster>, args: &[String]) -> Result<Vec<Request>, String> {
    let mut out = Vec::new();
    if args.is_empty() {
        return Ok(out);
    }
    if args.iter().any(|a| a.contains('/')) {
        for a in args {
            let Some((t, n)) = a.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            for rt in resolve_type(cluster, t)? {
                out.push(Request {
                    rt,
                    name: Some(n.to_string()),
                });
            }
        }
        return Ok(out);
    }
    let types: Vec<&str> = args[0].split(',').filter(|s| !s.is_empty()).collect();
    let mut rts = Vec::new();
    for t in types {
        rts.extend(resolve_type(cluster, t)?);
    }
    if args.len() == 1 {
        out.extend(rts.into_iter().map(|rt| Request { rt, name: None }));
    } else {
        for rt in rts {
            for n in &args[1..] {
                out.push(Request {
                    rt,
                    name: Some(n.clone()),
                });
            }
        }
    }
    Ok(out)
}
