//! `kubectl config`: the contexts, users and clusters of the kubeconfig file(s) kubectl reads on
//! the host it runs on, written back to the file each entry came from.

use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::printers::table;
use crate::world::{KubeConfig, World};
use crate::Output;

pub const FLAGS: &[FlagSpec] = &[
    flag("current", None),
    val("output", Some('o')),
    flag("minify", None),
    flag("raw", None),
    flag("flatten", None),
    flag("no-headers", None),
    val("client-certificate", None),
    val("client-key", None),
    val("token", None),
    val("username", None),
    val("password", None),
    val("server", None),
    val("tls-server-name", None),
    val("proxy-url", None),
    val("certificate-authority", None),
    flag("embed-certs", None),
    flag("insecure-skip-tls-verify", None),
    flag("set-raw-bytes", None),
];

/// `kubectl config ...` runs even when no context is set, so it takes the World directly. A
/// `--kubeconfig` file that does not exist yet is an empty kubeconfig (a change creates it).
pub fn run(world: &mut World, argv: &[String], inv: crate::kubectl::Invocation<'_>) -> Output {
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
    let loaded = match world.load_kubeconfig(&inv.sources(p.get("kubeconfig")), false) {
        Ok(l) => l,
        Err(e) => return Output::err(format!("{e}\n"), 1),
    };
    let mut kc = loaded.merged.clone();
    let out = run_inner(world, &mut kc, &loaded, &p, inv);
    if out.code == 0 && kc != loaded.merged {
        world.save_kubeconfig(inv.host, &loaded, &kc);
    }
    out
}

/// Reads a file a flag names (`--client-certificate=/root/john.crt`) on the host kubectl runs on.
fn read_file(
    world: &World,
    inv: &crate::kubectl::Invocation<'_>,
    path: &str,
) -> Result<String, String> {
    let abs = crate::vfs::normalize(inv.cwd, path);
    world
        .hosts
        .get(inv.host)
        .ok_or_else(|| format!("stat {abs}: no such file or directory"))
        .and_then(|h| {
            h.fs.read(&abs)
                .map(String::from)
                .map_err(|_| format!("stat {abs}: no such file or directory"))
        })
}

fn run_inner(
    world: &World,
    kc: &mut KubeConfig,
    loaded: &crate::world::Loaded,
    p: &crate::kubectl::flags::Parsed,
    inv: crate::kubectl::Invocation<'_>,
) -> Output {
    let args = p.args.clone();
    if let Some(out) = entries(world, kc, loaded.file_name(), p, &args, inv) {
        return out;
    }
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
                let mut names: Vec<&str> = kc.contexts.iter().map(|c| c.name.as_str()).collect();
                names.sort();
                return Output::ok(names.iter().map(|n| format!("{n}\n")).collect::<String>());
            }
            let filter = args.get(1);
            if let Some(f) = filter {
                if !kc.contexts.iter().any(|c| &c.name == f) {
                    return Output::err(format!("error: context {f} not found\n"), 1);
                }
            }
            let mut sorted: Vec<&crate::world::Context> = kc.contexts.iter().collect();
            sorted.sort_by(|a, b| a.name.cmp(&b.name));
            let rows: Vec<Vec<String>> = sorted
                .into_iter()
                .filter(|c| filter.is_none_or(|f| &c.name == f))
                .map(|c| {
                    vec![if c.name == kc.current { "*".into() } else { String::new() }, c.name.clone(), c.cluster.clone(), c.user.clone(), c.namespace.clone()]
                })
                .collect();
            Output::ok(table::render(&headers, &rows))
        }
        Some("set-context") => {
            if p.is_set("current") && kc.current.is_empty() {
                return Output::err("error: no current context is set\n", 1);
            }
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
                        ..Default::default()
                    });
                    Output::ok(format!("Context \"{target}\" created.\n"))
                }
            }
        }
        Some("get-clusters") => {
            let mut names: Vec<String> = kc.clusters.iter().map(|c| c.name.clone()).collect();
            names.sort();
            Output::ok(format!("NAME\n{}", names.iter().map(|n| format!("{n}\n")).collect::<String>()))
        }
        Some("view") => view(world, kc, p, inv),
        Some(other) => Output::err(format!("error: unknown command \"{other}\" for \"kubectl config\"\n"), 1),
        None => Output::ok("Modify kubeconfig files using subcommands like \"kubectl config set current-context my-context\".\n\nAvailable Commands:\n  current-context   Display the current-context\n  delete-cluster    Delete the specified cluster from the kubeconfig\n  delete-context    Delete the specified context from the kubeconfig\n  delete-user       Delete the specified user from the kubeconfig\n  get-clusters      Display clusters defined in the kubeconfig\n  get-contexts      Describe one or many contexts\n  get-users         Display users defined in the kubeconfig\n  rename-context    Rename a context from the kubeconfig file\n  set-cluster       Set a cluster entry in kubeconfig\n  set-context       Set a context entry in kubeconfig\n  set-credentials   Set a user entry in kubeconfig\n  unset             Unset an individual value in a kubeconfig file\n  use-context       Set the current-context in a kubeconfig file\n  view              Display merged kubeconfig settings or a specified kubeconfig file\n\nUsage:\n  kubectl config SUBCOMMAND [options]\n"),
    }
}

/// `kubectl config set PROPERTY VALUE`: one field of the kubeconfig by its dotted path
/// (`contexts.NAME.namespace`); an entry that does not exist yet is created. Binary fields
/// (`...-data`) take base64 unless `raw`.
fn set_property(kc: &mut KubeConfig, prop: &str, value: &str, raw: bool) -> Result<(), String> {
    use base64::Engine;
    let data = |v: &str| -> Result<String, String> {
        if raw {
            return Ok(v.to_string());
        }
        base64::engine::general_purpose::STANDARD
            .decode(v.as_bytes())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| {
                let at = match e {
                    base64::DecodeError::InvalidByte(i, _)
                    | base64::DecodeError::InvalidLastSymbol(i, _) => i,
                    base64::DecodeError::InvalidLength(n) => n,
                    base64::DecodeError::InvalidPadding => v.len(),
                };
                format!("error decoding input value: illegal base64 data at input byte {at}")
            })
    };
    let boolean = |v: &str| -> Result<bool, String> {
        match v {
            "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
            "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
            _ => Err(format!(
                "strconv.ParseBool: parsing \"{v}\": invalid syntax"
            )),
        }
    };
    // client-go's message for a field it does not know names the map it was looking in.
    let map_error = |names: Vec<&str>| {
        let entries: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{n}:0xc0000{:05x}", 0x1a000 + i * 0x50))
            .collect();
        format!("can't set a map to a value: map[{}]", entries.join(" "))
    };
    let parts: Vec<&str> = prop.splitn(3, '.').collect();
    match parts.as_slice() {
        ["current-context"] => kc.current = value.to_string(),
        ["contexts", name, field] => {
            if !matches!(*field, "cluster" | "user" | "namespace") {
                return Err(map_error(
                    kc.contexts.iter().map(|c| c.name.as_str()).collect(),
                ));
            }
            if kc.context(name).is_none() {
                kc.contexts.push(crate::world::Context {
                    name: name.to_string(),
                    ..Default::default()
                });
            }
            if let Some(c) = kc.contexts.iter_mut().find(|c| c.name == *name) {
                match *field {
                    "cluster" => c.cluster = value.to_string(),
                    "user" => c.user = value.to_string(),
                    _ => c.namespace = value.to_string(),
                }
            }
        }
        ["clusters", name, field] => {
            if !matches!(
                *field,
                "server"
                    | "certificate-authority"
                    | "certificate-authority-data"
                    | "insecure-skip-tls-verify"
            ) {
                return Err(map_error(
                    kc.clusters.iter().map(|c| c.name.as_str()).collect(),
                ));
            }
            let mut entry =
                kc.cluster(name)
                    .cloned()
                    .unwrap_or_else(|| crate::world::ClusterEntry {
                        name: name.to_string(),
                        ..Default::default()
                    });
            match *field {
                "server" => entry.server = value.to_string(),
                "certificate-authority" => entry.certificate_authority = value.to_string(),
                "certificate-authority-data" => entry.certificate_authority_data = data(value)?,
                _ => entry.insecure_skip_tls_verify = boolean(value)?,
            }
            kc.clusters.retain(|c| c.name != *name);
            kc.clusters.push(entry);
        }
        ["users", name, field] => {
            let known = [
                "token",
                "client-certificate",
                "client-key",
                "client-certificate-data",
                "client-key-data",
                "username",
                "password",
            ];
            if !known.contains(field) {
                return Err(map_error(
                    kc.users.iter().map(|u| u.name.as_str()).collect(),
                ));
            }
            let mut entry = kc
                .user(name)
                .cloned()
                .unwrap_or_else(|| crate::world::AuthInfo {
                    name: name.to_string(),
                    ..Default::default()
                });
            match *field {
                "token" => entry.token = value.to_string(),
                "client-certificate" => entry.client_certificate = value.to_string(),
                "client-key" => entry.client_key = value.to_string(),
                "client-certificate-data" => entry.client_certificate_data = data(value)?,
                "client-key-data" => entry.client_key_data = data(value)?,
                "username" => entry.username = value.to_string(),
                _ => entry.password = value.to_string(),
            }
            kc.users.retain(|u| u.name != *name);
            kc.users.push(entry);
        }
        [first, ..] if !matches!(*first, "contexts" | "clusters" | "users") => {
            return Err(format!("unable to parse {prop} after [] at api.Config"));
        }
        _ => return Err(format!("unable to parse {prop} after [] at api.Config")),
    }
    Ok(())
}

/// `kubectl config view`: the merged kubeconfig; `--minify` keeps the current context's entries,
/// `--flatten` embeds the files entries name, and `--raw` (or `--flatten`) shows secrets.
fn view(
    world: &World,
    kc: &KubeConfig,
    p: &crate::kubectl::flags::Parsed,
    inv: crate::kubectl::Invocation<'_>,
) -> Output {
    let mut shown = kc.clone();
    if p.is_set("minify") {
        if kc.current.is_empty() {
            return Output::err("error: current-context must exist in order to minify\n", 1);
        }
        if kc.current_context().is_none() {
            return Output::err(format!("error: cannot locate context {}\n", kc.current), 1);
        }
        shown = kc.minified();
    }
    if p.is_set("flatten") {
        let embed = |path: &mut String, data: &mut String| -> Result<(), String> {
            if !path.is_empty() {
                *data = read_file(world, &inv, path)?;
                path.clear();
            }
            Ok(())
        };
        for c in &mut shown.clusters {
            if let Err(e) = embed(
                &mut c.certificate_authority,
                &mut c.certificate_authority_data,
            ) {
                return Output::err(format!("error: {e}\n"), 1);
            }
        }
        for u in &mut shown.users {
            if let Err(e) = embed(&mut u.client_certificate, &mut u.client_certificate_data)
                .and_then(|_| embed(&mut u.client_key, &mut u.client_key_data))
            {
                return Output::err(format!("error: {e}\n"), 1);
            }
        }
    }
    let raw = p.is_set("raw") || p.is_set("flatten");
    match p.get("output") {
        None | Some("yaml") => Output::ok(shown.to_yaml(raw)),
        Some("json") => Output::ok(shown.to_json(raw)),
        Some(o) if o.starts_with("jsonpath=") => {
            match crate::kubectl::printers::jsonpath::render(&o["jsonpath=".len()..], &shown.to_value(raw)) {
                Ok(s) => Output::ok(s),
                Err(e) => Output::err(format!("error: {e}\n"), 1),
            }
        }
        Some(o) => Output::err(format!("error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n"), 1),
    }
}

/// The subcommands that edit users, clusters and contexts by name; `None` for the others.
fn entries(
    world: &World,
    kc: &mut KubeConfig,
    file: &str,
    p: &crate::kubectl::flags::Parsed,
    args: &[String],
    inv: crate::kubectl::Invocation<'_>,
) -> Option<Output> {
    let sub = args.first()?.as_str();
    let name = args.get(1).cloned();
    let embed = p.is_set("embed-certs");
    Some(match sub {
        "set-credentials" => {
            let Some(name) = name else {
                return Some(Output::err("error: you must specify a non-empty user name\nSee 'kubectl config set-credentials -h' for help and examples\n", 1));
            };
            let mut entry = kc
                .users
                .iter()
                .find(|u| u.name == name)
                .cloned()
                .unwrap_or_else(|| crate::world::AuthInfo {
                    name: name.clone(),
                    ..Default::default()
                });
            let given = |f: &str| p.get(f).is_some_and(|v| !v.is_empty());
            if given("token") && (given("username") || given("password")) {
                return Some(Output::err(
                    "error: you cannot specify more than one authentication method at the same time: --token, --username/--password\n",
                    1,
                ));
            }
            if embed && p.get("client-certificate").is_none() && p.get("client-key").is_none() {
                return Some(Output::err(
                    "error: you must specify a --client-certificate or --client-key to embed\n",
                    1,
                ));
            }
            for flag in ["client-certificate", "client-key"] {
                let Some(path) = p.get(flag) else { continue };
                let abs = crate::vfs::normalize(inv.cwd, path);
                let cert = flag == "client-certificate";
                if embed {
                    let text = match read_file(world, &inv, &abs) {
                        Ok(t) => t,
                        Err(e) => {
                            return Some(Output::err(
                                format!("error: could not stat {flag} file {abs}: {e}\n"),
                                1,
                            ))
                        }
                    };
                    if cert {
                        entry.client_certificate_data = text;
                        entry.client_certificate.clear();
                    } else {
                        entry.client_key_data = text;
                        entry.client_key.clear();
                    }
                } else if cert {
                    entry.client_certificate = abs;
                    entry.client_certificate_data.clear();
                } else {
                    entry.client_key = abs;
                    entry.client_key_data.clear();
                }
            }
            // A bearer token and basic auth exclude each other: setting one (to a non-empty
            // value) clears the other.
            let (mut set_token, mut set_basic) = (false, false);
            if let Some(t) = p.get("token") {
                entry.token = t.to_string();
                set_token = !t.is_empty();
            }
            if let Some(u) = p.get("username") {
                entry.username = u.to_string();
                set_basic |= !u.is_empty();
            }
            if let Some(pw) = p.get("password") {
                entry.password = pw.to_string();
                set_basic |= !pw.is_empty();
            }
            if set_token && !set_basic {
                entry.username.clear();
                entry.password.clear();
            } else if set_basic && !set_token {
                entry.token.clear();
            }
            match kc.users.iter_mut().find(|u| u.name == name) {
                Some(u) => *u = entry,
                None => kc.users.push(entry),
            }
            Output::ok(format!("User \"{name}\" set.\n"))
        }
        "set-cluster" => {
            let Some(name) = name else {
                return Some(Output::err("error: you must specify a non-empty cluster name\nSee 'kubectl config set-cluster -h' for help and examples\n", 1));
            };
            let mut entry = kc
                .clusters
                .iter()
                .find(|c| c.name == name)
                .cloned()
                .unwrap_or_else(|| crate::world::ClusterEntry {
                    name: name.clone(),
                    ..Default::default()
                });
            if let Some(s) = p.get("server") {
                entry.server = s.to_string();
                // A new server drops the TLS server name the file had, unless one is given.
                entry.extra.remove("tls-server-name");
            }
            for key in ["tls-server-name", "proxy-url"] {
                match p.get(key) {
                    Some("") => {
                        entry.extra.remove(key);
                    }
                    Some(v) => {
                        entry
                            .extra
                            .insert(key.into(), serde_json::Value::String(v.into()));
                    }
                    None => {}
                }
            }
            if let Some(path) = p.get("certificate-authority") {
                let abs = crate::vfs::normalize(inv.cwd, path);
                if embed {
                    match read_file(world, &inv, &abs) {
                        Ok(t) => {
                            entry.certificate_authority_data = t;
                            entry.certificate_authority.clear();
                        }
                        Err(e) => {
                            return Some(Output::err(
                                format!(
                                    "error: could not stat certificate-authority file {abs}: {e}\n"
                                ),
                                1,
                            ))
                        }
                    }
                } else {
                    entry.certificate_authority = abs;
                }
            }
            match kc.clusters.iter_mut().find(|c| c.name == name) {
                Some(c) => *c = entry,
                None => kc.clusters.push(entry),
            }
            Output::ok(format!("Cluster \"{name}\" set.\n"))
        }
        "delete-context" => {
            let Some(name) = name else {
                return Some(Output::err("error: Unexpected args: []\nSee 'kubectl config delete-context -h' for help and examples\n", 1));
            };
            let Some(i) = kc.contexts.iter().position(|c| c.name == name) else {
                return Some(Output::err(
                    format!("error: cannot delete context {name}, not in {file}\n"),
                    1,
                ));
            };
            kc.contexts.remove(i);
            let mut out = Output::ok(format!("deleted context {name} from {file}\n"));
            if kc.current == name {
                out.stderr
                    .push_str("warning: this removed your active context, use \"kubectl config use-context\" to select a different one\n");
            }
            out
        }
        "delete-user" => {
            let Some(name) = name else {
                return Some(Output::err("error: user to delete is required\nSee 'kubectl config delete-user -h' for help and examples\n", 1));
            };
            match kc.users.iter().position(|u| u.name == name) {
                Some(i) => {
                    kc.users.remove(i);
                }
                None => {
                    return Some(Output::err(
                        format!("error: cannot delete user {name}, not in {file}\n"),
                        1,
                    ))
                }
            }
            Output::ok(format!("deleted user {name} from {file}\n"))
        }
        "delete-cluster" => {
            let Some(name) = name else {
                return Some(Output::err("error: Unexpected args: []\nSee 'kubectl config delete-cluster -h' for help and examples\n", 1));
            };
            match kc.clusters.iter().position(|c| c.name == name) {
                Some(i) => {
                    kc.clusters.remove(i);
                }
                None => {
                    return Some(Output::err(
                        format!("error: cannot delete cluster {name}, not in {file}\n"),
                        1,
                    ))
                }
            }
            Output::ok(format!("deleted cluster {name} from {file}\n"))
        }
        "rename-context" => {
            let (Some(old), Some(new)) = (name, args.get(2).cloned()) else {
                return Some(Output::err("error: Unexpected args: []\nSee 'kubectl config rename-context -h' for help and examples\n", 1));
            };
            if kc.contexts.iter().any(|c| c.name == new) {
                return Some(Output::err(
                    format!("error: cannot rename the context \"{old}\", the context \"{new}\" already exists in {file}\n"),
                    1,
                ));
            }
            let Some(c) = kc.contexts.iter_mut().find(|c| c.name == old) else {
                return Some(Output::err(
                    format!("error: cannot rename the context \"{old}\", it's not in {file}\n"),
                    1,
                ));
            };
            c.name = new.clone();
            if kc.current == old {
                kc.current = new.clone();
            }
            Output::ok(format!("Context \"{old}\" renamed to \"{new}\".\n"))
        }
        "get-users" => {
            let mut names: Vec<String> = kc.users.iter().map(|u| u.name.clone()).collect();
            names.sort();
            Output::ok(format!(
                "NAME\n{}",
                names.iter().map(|n| format!("{n}\n")).collect::<String>()
            ))
        }
        "set" => {
            let (Some(prop), Some(value), None) = (args.get(1), args.get(2), args.get(3)) else {
                let mut out =
                    Output::ok(crate::kubectl::cmd::help::for_command("kubectl config set"));
                out.stderr = format!("error: Unexpected args: [{}]\n", args[1..].join(" "));
                out.code = 1;
                return Some(out);
            };
            Some(
                match set_property(kc, prop, value, p.is_set("set-raw-bytes")) {
                    Ok(()) => Output::ok(format!("Property \"{prop}\" set.\n")),
                    Err(e) => Output::err(format!("error: {e}\n"), 1),
                },
            )?
        }
        "unset" => {
            let Some(prop) = name else {
                return Some(Output::err("error: unexpected args: []\nSee 'kubectl config unset -h' for help and examples\n", 1));
            };
            let parts: Vec<&str> = prop.splitn(3, '.').collect();
            let ok = match parts.as_slice() {
                ["current-context"] => {
                    kc.current.clear();
                    true
                }
                ["contexts", n] => {
                    let before = kc.contexts.len();
                    kc.contexts.retain(|c| &c.name != n);
                    before != kc.contexts.len()
                }
                ["contexts", n, "namespace"] => match kc.contexts.iter_mut().find(|c| &c.name == n)
                {
                    Some(c) => {
                        c.namespace.clear();
                        true
                    }
                    None => false,
                },
                ["users", n] => {
                    let before = kc.users.len();
                    kc.users.retain(|u| &u.name != n);
                    before != kc.users.len()
                }
                ["clusters", n] => {
                    let before = kc.clusters.len();
                    kc.clusters.retain(|c| &c.name != n);
                    before != kc.clusters.len()
                }
                _ => false,
            };
            if !ok {
                return Some(Output::err(
                    format!(
                        "error: current map key `{}` is invalid\n",
                        parts.get(1).unwrap_or(&"")
                    ),
                    1,
                ));
            }
            Output::ok(format!("Property \"{prop}\" unset.\n"))
        }
        _ => return None,
    })
}
