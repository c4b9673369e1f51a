//! `kubectl auth can-i` and `kubectl auth whoami`: questions to the cluster's RBAC authorizer, asked
//! as the kubeconfig user or as the identity `--as`/`--as-group` name.

use super::super::flags::{flag, val, FlagSpec};
use super::super::printers::table;
use super::super::Ctx;
use crate::cluster::rbac::{self, Attributes, Decision, UserInfo};
use crate::cluster::schema;

/// The flags of `kubectl auth` subcommands.
pub const FLAGS: &[FlagSpec] = &[
    flag("all-namespaces", Some('A')),
    flag("quiet", Some('q')),
    val("subresource", None),
    flag("list", None),
    flag("no-headers", None),
    val("output", Some('o')),
];

const AUTH_HELP: &str = "Inspect authorization.

Available Commands:
  can-i         Check whether an action is allowed
  reconcile     Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects
  whoami        Experimental: Check self subject attributes

Usage:
  kubectl auth [flags] [options]

Use \"kubectl <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

const CAN_I_HELP: &str = "Check whether an action is allowed.

 VERB is a logical Kubernetes API verb like 'get', 'list', 'watch', 'delete', etc. TYPE is a Kubernetes resource. Shortcuts and groups will be resolved. NONRESOURCEURL is a partial URL that starts with \"/\". NAME is the name of a particular Kubernetes resource. This command pairs nicely with impersonation. See --as global flag.

Examples:
  # Check to see if I can create pods in any namespace
  kubectl auth can-i create pods --all-namespaces
  
  # Check to see if I can list deployments in my current namespace
  kubectl auth can-i list deployments.apps
  
  # Check to see if service account \"foo\" of namespace \"dev\" can list pods in the namespace \"prod\"
  # You must be allowed to use impersonation for the global option \"--as\"
  kubectl auth can-i list pods --as=system:serviceaccount:dev:foo -n prod
  
  # Check to see if I can do everything in my current namespace (\"*\" means all)
  kubectl auth can-i '*' '*'
  
  # Check to see if I can get the job named \"bar\" in namespace \"foo\"
  kubectl auth can-i list jobs.batch/bar -n foo
  
  # Check to see if I can read pod logs
  kubectl auth can-i get pods --subresource=log
  
  # Check to see if I can access the URL /logs/
  kubectl auth can-i get /logs/
  
  # Check to see if I can approve certificates.k8s.io
  kubectl auth can-i approve certificates.k8s.io
  
  # List all allowed actions in namespace \"foo\"
  kubectl auth can-i --list --namespace=foo

Options:
    -A, --all-namespaces=false:
\tIf true, check the specified action in all namespaces.

    --list=false:
\tIf true, prints all allowed actions.

    --no-headers=false:
\tIf true, prints allowed actions without headers

    -q, --quiet=false:
\tIf true, suppress output and just return the exit code.

    --subresource='':
\tSubResource such as pod/log or deployment/scale

Usage:
  kubectl auth can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL] [options]

Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

/// The identity a command acts as: `--as` when given, else the kubeconfig's admin.
pub fn effective_user(ctx: &Ctx<'_>) -> UserInfo {
    ctx.cluster_ref()
        .and_then(|c| c.requester.clone())
        .unwrap_or_else(UserInfo::admin)
}

/// Runs `kubectl auth SUBCOMMAND ...`.
pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    match args.first().map(String::as_str) {
        None => ctx.print(AUTH_HELP),
        Some("can-i") => can_i(ctx, &args[1..]),
        Some("whoami") => whoami(ctx),
        Some("reconcile") => ctx.error(
            "kubedojo does not simulate \"kubectl auth reconcile\" yet; use kubectl apply -f for RBAC objects",
        ),
        Some(other) => ctx.error(&format!(
            "unknown command \"{other}\"\nSee 'kubectl auth -h' for help and examples"
        )),
    }
}

/// The `--help` text of an auth subcommand, if the argv names one.
pub fn help_for(argv: &[String]) -> Option<&'static str> {
    match argv
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str)
    {
        Some("can-i") => Some(CAN_I_HELP),
        None => Some(AUTH_HELP),
        _ => None,
    }
}

fn whoami(ctx: &mut Ctx<'_>) {
    let user = effective_user(ctx);
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    match output.as_str() {
        "" => {
            let rows = vec![
                vec!["Username".to_string(), user.name.clone()],
                vec!["Groups".to_string(), rbac::go_list(&user.groups)],
            ];
            let text = table::render(&["ATTRIBUTE".to_string(), "VALUE".to_string()], &rows);
            ctx.print(&text);
        }
        "yaml" => ctx.print(&format!(
            "apiVersion: authentication.k8s.io/v1\nkind: SelfSubjectReview\nmetadata:\n  creationTimestamp: null\nstatus:\n  userInfo:\n    groups:\n{}    username: {}\n",
            user.groups.iter().map(|g| format!("    - {g}\n")).collect::<String>(),
            user.name
        )),
        "json" => {
            let v = serde_json::json!({"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
                "metadata": {"creationTimestamp": null},
                "status": {"userInfo": {"username": user.name, "groups": user.groups}}});
            let s = serde_json::to_string_pretty(&v).unwrap_or_default();
            ctx.println(&s);
        }
        other => ctx.error(&format!(
            "unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,yaml"
        )),
    }
}

fn can_i(ctx: &mut Ctx<'_>, args: &[String]) {
    let list = ctx.flags.is_set("list");
    let quiet = ctx.flags.is_set("quiet");
    let all_ns = ctx.flags.is_set("all-namespaces");
    let subresource = ctx.flags.get("subresource").unwrap_or("").to_string();
    let no_headers = ctx.flags.is_set("no-headers");
    let namespace = if all_ns {
        String::new()
    } else {
        ctx.namespace.clone()
    };
    let user = effective_user(ctx);
    if list {
        if !args.is_empty() {
            return ctx.error("list option must be specified with no arguments");
        }
        if quiet || all_ns || !subresource.is_empty() {
            return ctx.error(
                "list option can't be specified with neither quiet, all-namespaces nor subresource options",
            );
        }
        let Some(c) = ctx.cluster_ref() else {
            return ctx.error("cluster not reachable");
        };
        let (rules, _) = rbac::rules_for(c, &user, &namespace);
        let rules = rbac::compact_for_listing(&rules);
        let rows: Vec<Vec<String>> = rules
            .iter()
            .map(|r| {
                let res: Vec<String> = r
                    .resources
                    .iter()
                    .flat_map(|res| {
                        r.api_groups.iter().map(move |g| {
                            if g.is_empty() {
                                res.clone()
                            } else {
                                format!("{res}.{g}")
                            }
                        })
                    })
                    .collect();
                vec![
                    res.join(", "),
                    rbac::go_list(&r.non_resource_urls),
                    rbac::go_list(&r.resource_names),
                    rbac::go_list(&r.verbs),
                ]
            })
            .collect();
        let headers: Vec<String> = ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut text = String::new();
        table::render_into(&mut text, (!no_headers).then_some(&headers[..]), &rows);
        return ctx.print(&text);
    }
    if args.len() != 2 {
        return ctx.error(
            "you must specify two or three arguments: verb, resource, and optional resourceName",
        );
    }
    let verb = args[0].clone();
    let mut attrs = Attributes {
        verb,
        namespace: namespace.clone(),
        subresource: subresource.clone(),
        ..Default::default()
    };
    if args[1].starts_with('/') {
        if !subresource.is_empty() {
            return ctx.error("--subresource can not be used with NonResourceURL");
        }
        attrs.path = args[1].clone();
        attrs.namespace = String::new();
    } else {
        let (res, name) = match args[1].split_once('/') {
            Some((r, n)) => (r.to_string(), n.to_string()),
            None => (args[1].clone(), String::new()),
        };
        attrs.name = name;
        if res == "*" {
            attrs.resource = "*".into();
        } else {
            match schema::lookup(&res) {
                Some(rt) => {
                    attrs.resource = rt.plural.into();
                    attrs.group = rt.group.into();
                    if !rt.namespaced && !namespace.is_empty() {
                        ctx.warn(&format!(
                            "Warning: resource '{}' is not namespace scoped",
                            rt.qualified_plural()
                        ));
                    }
                }
                None => {
                    let lower = res.to_ascii_lowercase();
                    match lower.split_once('.') {
                        Some((r, g)) => ctx.warn(&format!(
                            "Warning: the server doesn't have a resource type '{r}' in group '{g}'"
                        )),
                        None => ctx.warn(&format!(
                            "Warning: the server doesn't have a resource type '{lower}'"
                        )),
                    }
                    attrs.resource = res;
                }
            }
        }
    }
    if no_headers {
        return ctx.error("--no-headers cannot be set without --list specified");
    }
    let Some(c) = ctx.cluster_ref() else {
        return ctx.error("cluster not reachable");
    };
    let decision = rbac::authorize(c, &user, &attrs);
    match decision {
        Decision::Allow => {
            if !quiet {
                ctx.println("yes");
            }
        }
        Decision::Deny(reason) => {
            if !quiet {
                if reason.is_empty() {
                    ctx.println("no");
                } else {
                    ctx.println(&format!("no - {reason}"));
                }
            }
            ctx.out.code = 1;
        }
    }
}
