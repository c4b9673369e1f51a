//! `kubectl config`: contexts of the learner's kubeconfig.

use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::printers::table;
use crate::kubectl::Ctx;
use crate::world::World;
use crate::Output;

pub const FLAGS: &[FlagSpec] = &[
    flag("current", None),
    val("output", Some('o')),
    flag("minify", None),
    flag("raw", None),
    flag("no-headers", None),
];

/// `kubectl config ...` runs even when no context is set, so it takes the World directly.
pub fn run(world: &mut World, argv: &[String]) -> Output {
    let mut specs = FLAGS.to_vec();
    specs.extend_from_slice(crate::kubectl::GLOBAL);
    let p = match crate::kubectl::flags::parse(argv, &specs) {
        Ok(p) => p,
        Err(e) => {
            return Output::err(
                format!("error: {e}\nSee 'kubectl config --help' for usage.\n"),
                1,
            )
        }
    };
    let args = p.args.clone();
    let kc = &mut world.kubeconfig;
    match args.first().map(String::as_str) {
        Some("current-context") => match kc.current_context() {
            Some(c) => Output::ok(format!("{}\n", c.name)),
            None => Output::err("error: current-context is not set\n", 1),
        },
        Some("use-context") | Some("use") => {
            let Some(name) = args.get(1) else {
                return Output::err("error: Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples\n", 1);
            };
            if kc.contexts.iter().any(|c| &c.name == name) {
                kc.current = name.clone();
                Output::ok(format!("Switched to context \"{name}\".\n"))
            } else {
                Output::err(format!("error: no context exists with the name: \"{name}\"\n"), 1)
            }
        }
        Some("get-contexts") => {
            let headers: Vec<String> = ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"].iter().map(|s| s.to_string()).collect();
            if p.get("output") == Some("name") {
                return Output::ok(kc.contexts.iter().map(|c| format!("{}\n", c.name)).collect::<String>());
            }
            let filter = args.get(1);
            if let Some(f) = filter {
                if !kc.contexts.iter().any(|c| &c.name == f) {
                    return Output::err(format!("error: context {f} not found\n"), 1);
                }
            }
            let rows: Vec<Vec<String>> = kc
                .contexts
                .iter()
                .filter(|c| filter.is_none_or(|f| &c.name == f))
                .map(|c| {
                    let ns = if c.namespace == "default" { String::new() } else { c.namespace.clone() };
                    vec![if c.name == kc.current { "*".into() } else { String::new() }, c.name.clone(), c.cluster.clone(), c.user.clone(), ns]
                })
                .collect();
            Output::ok(table::render(&headers, &rows))
        }
        Some("set-context") => {
            let target = if p.is_set("current") { Some(kc.current.clone()) } else { args.get(1).cloned() };
            let Some(target) = target else {
                return Output::err("error: you must specify a non-empty context name or --current\nSee 'kubectl config set-context -h' for help and examples\n", 1);
            };
            let ns = p.get("namespace").map(String::from);
            let cluster = p.get("cluster").map(String::from);
            let user = p.get("user").map(String::from);
            match kc.contexts.iter_mut().find(|c| c.name == target) {
                Some(c) => {
                    if let Some(ns) = ns {
                        c.namespace = ns;
                    }
                    if let Some(cl) = cluster {
                        c.cluster = cl;
                    }
                    if let Some(u) = user {
                        c.user = u;
                    }
                    Output::ok(format!("Context \"{target}\" modified.\n"))
                }
                None => {
                    kc.contexts.push(crate::world::Context {
                        name: target.clone(),
                        cluster: cluster.unwrap_or_default(),
                        user: user.unwrap_or_default(),
                        namespace: ns.unwrap_or_default(),
                    });
                    Output::ok(format!("Context \"{target}\" created.\n"))
                }
            }
        }
        Some("get-clusters") => {
            let mut names: Vec<String> = kc.contexts.iter().map(|c| c.cluster.clone()).collect();
            names.sort();
            names.dedup();
            Output::ok(format!("NAME\n{}", names.iter().map(|n| format!("{n}\n")).collect::<String>()))
        }
        Some("view") => Output::ok(view(world, p.is_set("minify"))),
        Some(other) => Output::err(format!("error: unknown command \"{other}\"\nSee 'kubectl config -h' for help and examples\n"), 1),
        None => Output::ok("Modify kubeconfig files using subcommands like \"kubectl config set current-context my-context\".\n\nAvailable Commands:\n  current-context   Display the current-context\n  get-contexts      Describe one or many contexts\n  set-context       Set a context entry in kubeconfig\n  use-context       Set the current-context in a kubeconfig file\n  view              Display merged kubeconfig settings or a specified kubeconfig file\n\nUsage:\n  kubectl config SUBCOMMAND [options]\n"),
    }
}

fn view(world: &World, minify: bool) -> String {
    let kc = &world.kubeconfig;
    let ctxs: Vec<&crate::world::Context> = kc
        .contexts
        .iter()
        .filter(|c| !minify || c.name == kc.current)
        .collect();
    let mut clusters: Vec<&str> = ctxs.iter().map(|c| c.cluster.as_str()).collect();
    clusters.sort();
    clusters.dedup();
    let mut s = String::from("apiVersion: v1\nclusters:\n");
    for (i, c) in clusters.iter().enumerate() {
        s.push_str(&format!("- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://{}:6443\n  name: {c}\n", crate::world::node_ip(0, i as u8)));
    }
    s.push_str("contexts:\n");
    for c in &ctxs {
        s.push_str(&format!("- context:\n    cluster: {}\n", c.cluster));
        if !c.namespace.is_empty() && c.namespace != "default" {
            s.push_str(&format!("    namespace: {}\n", c.namespace));
        }
        s.push_str(&format!("    user: {}\n  name: {}\n", c.user, c.name));
    }
    s.push_str(&format!(
        "current-context: {}\nkind: Config\npreferences: {{}}\nusers:\n",
        kc.current
    ));
    let mut users: Vec<&str> = ctxs.iter().map(|c| c.user.as_str()).collect();
    users.sort();
    users.dedup();
    for u in users {
        s.push_str(&format!("- name: {u}\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n"));
    }
    s
}

/// Unused: config does not go through Ctx.
pub fn _unused(_: &Ctx<'_>) {}
