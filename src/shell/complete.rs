//! Tab completion, as the exam terminal's bash with kubectl's completion script does it: command
//! names, file paths, and for `kubectl` (and aliases of it, such as `k`) verbs, subcommands, resource
//! types with their short names, object names from the current namespace, flags, namespaces after
//! `-n`, contexts after `config use-context`, and files after `-f`. A pure function of the shell and
//! the World: the terminal pane inserts what it returns.

use super::Shell;
use crate::cluster::object;
use crate::cluster::schema::RESOURCES;
use crate::world::World;

/// What Tab can do at the cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    /// The byte offset where the word being completed starts.
    pub start: usize,
    /// Every word that fits, sorted.
    pub candidates: Vec<String>,
    /// What the word becomes: the candidates' longest common prefix, with a space after a single
    /// complete word (not after a directory's `/` or a flag's `=`).
    pub replacement: String,
}

const KUBECTL_VERBS: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "create",
    "debug",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "help",
    "kustomize",
    "label",
    "logs",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];
const CONFIG_SUBS: &[&str] = &[
    "current-context",
    "delete-cluster",
    "delete-context",
    "delete-user",
    "get-clusters",
    "get-contexts",
    "get-users",
    "rename-context",
    "set",
    "set-cluster",
    "set-context",
    "set-credentials",
    "unset",
    "use-context",
    "view",
];
const ROLLOUT_SUBS: &[&str] = &["history", "pause", "restart", "resume", "status", "undo"];
const CREATE_SUBS: &[&str] = &[
    "clusterrole",
    "clusterrolebinding",
    "configmap",
    "cronjob",
    "deployment",
    "ingress",
    "job",
    "namespace",
    "poddisruptionbudget",
    "priorityclass",
    "quota",
    "role",
    "rolebinding",
    "secret",
    "service",
    "serviceaccount",
    "token",
];
const SET_SUBS: &[&str] = &[
    "env",
    "image",
    "resources",
    "selector",
    "serviceaccount",
    "subject",
];
const OUTPUTS: &[&str] = &[
    "custom-columns",
    "custom-columns-file",
    "go-template",
    "go-template-file",
    "json",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "name",
    "template",
    "templatefile",
    "wide",
    "yaml",
];
const SHELL_WORDS: &[&str] = &[
    "alias", "cd", "exit", "export", "history", "pwd", "read", "set", "source", "ssh", "sudo",
    "type", "unalias", "unset", "kubectl", "bash", "true", "false", "for", "while", "if", "test",
];
const TOOLS: &[&str] = &[
    "apt",
    "apt-cache",
    "apt-get",
    "apt-mark",
    "awk",
    "base64",
    "basename",
    "cat",
    "chmod",
    "clear",
    "column",
    "cp",
    "crictl",
    "cut",
    "date",
    "df",
    "diff",
    "dirname",
    "dpkg",
    "echo",
    "egrep",
    "env",
    "etcdctl",
    "etcdutl",
    "find",
    "free",
    "grep",
    "head",
    "hostname",
    "id",
    "ip",
    "journalctl",
    "kubeadm",
    "kubelet",
    "less",
    "ls",
    "mkdir",
    "more",
    "mv",
    "nano",
    "netstat",
    "nl",
    "openssl",
    "paste",
    "printenv",
    "printf",
    "ps",
    "readlink",
    "realpath",
    "rev",
    "rm",
    "rmdir",
    "sed",
    "seq",
    "sha256sum",
    "sleep",
    "sort",
    "ss",
    "systemctl",
    "tail",
    "tee",
    "touch",
    "tr",
    "uname",
    "uniq",
    "uptime",
    "vi",
    "vim",
    "wc",
    "which",
    "whoami",
    "xargs",
];
const SYSTEMCTL_SUBS: &[&str] = &[
    "daemon-reload",
    "disable",
    "enable",
    "is-active",
    "is-enabled",
    "restart",
    "start",
    "status",
    "stop",
];

/// The completions of `line` at byte offset `cursor` (clamped to the line, and to a char boundary).
pub fn complete(sh: &Shell, world: &World, line: &str, cursor: usize) -> Completion {
    let mut cursor = cursor.min(line.len());
    while !line.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let before = line.get(..cursor).unwrap_or_default();
    // The current simple command starts after the last `|`, `;`, `&` or `(`.
    let cmd_start = before.rfind(['|', ';', '&', '(', '`']).map_or(0, |i| i + 1);
    let cmd = before.get(cmd_start..).unwrap_or_default();
    let word_start = cmd.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let word = cmd.get(word_start..).unwrap_or_default();
    let mut prev: Vec<String> = cmd
        .get(..word_start)
        .unwrap_or_default()
        .split_whitespace()
        .map(|w| w.trim_matches(['\'', '"']).to_string())
        .collect();
    // Leading assignments and sudo do not change what the command is.
    while prev
        .first()
        .is_some_and(|w| w == "sudo" || (w.contains('=') && !w.starts_with('-')))
    {
        prev.remove(0);
    }
    // An alias's words stand for its name (`k` -> `kubectl`, `kgp` -> `kubectl get pods`).
    if let Some(first) = prev.first().cloned() {
        if let Some(value) = sh.aliases.get(&first) {
            let mut words: Vec<String> = value.split_whitespace().map(String::from).collect();
            words.extend(prev.drain(1..));
            prev = words;
        }
    }
    let candidates = match prev.first().map(String::as_str) {
        None if word.contains('/') => paths(sh, world, word, false),
        None => command_names(sh, word),
        Some("kubectl") => kubectl(sh, world, prev.get(1..).unwrap_or_default(), word),
        Some("ssh") if !word.starts_with('-') => {
            filter(world.hosts.keys().map(String::as_str), word)
        }
        Some("systemctl") if prev.len() == 1 => filter(SYSTEMCTL_SUBS.iter().copied(), word),
        Some("systemctl") => filter(["kubelet", "containerd"].into_iter(), word),
        Some("cd") => paths(sh, world, word, true),
        _ => paths(sh, world, word, false),
    };
    finish(cmd_start + word_start, word, candidates)
}

fn finish(start: usize, word: &str, mut candidates: Vec<String>) -> Completion {
    candidates.sort();
    candidates.dedup();
    let replacement = match candidates.as_slice() {
        [] => word.to_string(),
        [one] if one.ends_with('/') || one.ends_with('=') => one.clone(),
        [one] => format!("{one} "),
        many => common_prefix(many),
    };
    Completion {
        start,
        candidates,
        replacement,
    }
}

/// The longest prefix every candidate shares (whole characters).
pub fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut end = first.len();
    for w in words.iter().skip(1) {
        end = first
            .char_indices()
            .zip(w.chars())
            .find(|((_, a), b)| a != b)
            .map_or(end.min(w.len()).min(first.len()), |((i, _), _)| i.min(end));
    }
    first.get(..end).unwrap_or_default().to_string()
}

fn filter<'a>(words: impl Iterator<Item = &'a str>, prefix: &str) -> Vec<String> {
    words
        .filter(|w| w.starts_with(prefix))
        .map(String::from)
        .collect()
}

fn command_names(sh: &Shell, word: &str) -> Vec<String> {
    let mut v = filter(SHELL_WORDS.iter().copied(), word);
    v.extend(filter(TOOLS.iter().copied(), word));
    v.extend(filter(sh.aliases.keys().map(String::as_str), word));
    v.extend(filter(sh.functions.keys().map(String::as_str), word));
    v
}

/// Files under the word's directory (relative to the working directory) whose names start with its
/// last part; directories end in `/`.
fn paths(sh: &Shell, world: &World, word: &str, dirs_only: bool) -> Vec<String> {
    let fs = world.hosts.get(&sh.host).map_or(&sh.fallback, |h| &h.fs);
    let (dir_part, base) = match word.rfind('/') {
        Some(i) => (
            word.get(..=i).unwrap_or_default(),
            word.get(i + 1..).unwrap_or_default(),
        ),
        None => ("", word),
    };
    let home = sh.vars.get("HOME").map_or("/root", String::as_str);
    let dir = match dir_part.strip_prefix("~/") {
        Some(rest) => format!("{home}/{rest}"),
        None if dir_part.is_empty() => sh.cwd.clone(),
        None => dir_part.to_string(),
    };
    let abs = crate::vfs::normalize(&sh.cwd, &dir);
    let Ok(names) = fs.list(&abs) else {
        return Vec::new();
    };
    names
        .into_iter()
        .filter(|n| n.starts_with(base) && (base.starts_with('.') || !n.starts_with('.')))
        .filter_map(|n| {
            let full = format!("{}/{n}", abs.trim_end_matches('/'));
            if fs.is_dir(&full) {
                Some(format!("{dir_part}{n}/"))
            } else if dirs_only {
                None
            } else {
                Some(format!("{dir_part}{n}"))
            }
        })
        .collect()
}

/// Flags that take the next word as their value.
fn takes_value(flag: &str, verb: &str) -> bool {
    if !flag.starts_with('-') || flag.contains('=') {
        return false;
    }
    let name = flag.trim_start_matches('-');
    let specs = crate::kubectl::cmd::verb_flags(verb);
    specs
        .iter()
        .chain(crate::kubectl::GLOBAL.iter())
        .any(|s| s.value && (s.long == name || (name.len() == 1 && s.short == name.chars().next())))
}

fn kubectl(sh: &Shell, world: &World, args: &[String], word: &str) -> Vec<String> {
    // Positional words, the namespace and context the line names, and the flag before the word.
    let mut positional: Vec<&str> = Vec::new();
    let mut namespace = None;
    let mut verb = "";
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        if let Some(v) = a.strip_prefix("--namespace=") {
            namespace = Some(v.to_string());
        } else if a == "-n" || a == "--namespace" {
            namespace = args.get(i).cloned();
        }
        if a.starts_with('-') {
            if takes_value(a, verb) {
                i += 1;
            }
            continue;
        }
        if positional.is_empty() {
            verb = a;
        }
        positional.push(a);
    }
    let last = args.last().map(String::as_str).unwrap_or_default();
    if takes_value(last, verb) {
        return flag_values(sh, world, last.trim_start_matches('-'), word);
    }
    if let Some((flag, value)) = word.split_once('=').filter(|(f, _)| f.starts_with("--")) {
        return flag_values(sh, world, flag.trim_start_matches('-'), value)
            .into_iter()
            .map(|v| format!("{flag}={v}"))
            .collect();
    }
    if word.starts_with('-') {
        return flag_names(verb, &positional, args, word);
    }
    let kc = shell_kubeconfig(sh, world);
    let ns = namespace.unwrap_or_else(|| {
        kc.current_context()
            .map(|c| c.namespace.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "default".to_string())
    });
    let names = |plural: &str, prefix: &str| -> Vec<String> {
        let Some(c) = shell_cluster(sh, world, &kc).and_then(|n| world.clusters.get(&n)) else {
            return Vec::new();
        };
        let scoped = RESOURCES
            .iter()
            .find(|r| r.plural == plural)
            .is_some_and(|r| r.namespaced);
        let objs = if scoped {
            c.list_ns(plural, &ns)
        } else {
            c.list_all(plural)
        };
        objs.iter()
            .map(|o| object::name(o))
            .filter(|n| n.starts_with(prefix))
            .map(String::from)
            .collect()
    };
    let rest = positional.get(1..).unwrap_or_default();
    match verb {
        "" => filter(KUBECTL_VERBS.iter().copied(), word),
        "config" => match rest {
            [] => filter(CONFIG_SUBS.iter().copied(), word),
            ["use-context" | "delete-context" | "rename-context" | "set-context"] => {
                filter(kc.contexts.iter().map(|c| c.name.as_str()), word)
            }
            _ => Vec::new(),
        },
        "create" if rest.is_empty() => filter(CREATE_SUBS.iter().copied(), word),
        "set" if rest.is_empty() => filter(SET_SUBS.iter().copied(), word),
        "rollout" if rest.is_empty() => filter(ROLLOUT_SUBS.iter().copied(), word),
        "rollout" if rest.len() == 1 => {
            filter(["deployment", "daemonset", "statefulset"].into_iter(), word)
        }
        "rollout" => object_names(&names, rest.get(1).copied().unwrap_or_default(), word),
        "logs" | "exec" | "attach" | "port-forward" | "cp" => {
            if word.contains('/') {
                let (t, p) = word.split_once('/').unwrap_or_default();
                let plural = plural_of(t);
                names(plural, p)
                    .into_iter()
                    .map(|n| format!("{t}/{n}"))
                    .collect()
            } else {
                names("pods", word)
            }
        }
        "drain" | "cordon" | "uncordon" => names("nodes", word),
        "top" if rest.is_empty() => filter(["node", "pod"].into_iter(), word),
        "top" => names(plural_of(rest.first().copied().unwrap_or_default()), word),
        "taint" if rest.is_empty() => filter(["nodes", "node", "no"].into_iter(), word),
        "taint" if rest.len() == 1 => names("nodes", word),
        "get" | "describe" | "delete" | "edit" | "label" | "annotate" | "patch" | "scale"
        | "explain" | "expose" | "wait" | "autoscale" | "set" => {
            let rest = if verb == "set" {
                rest.get(1..).unwrap_or_default()
            } else {
                rest
            };
            match rest.first() {
                None if word.contains('/') => {
                    let (t, p) = word.split_once('/').unwrap_or_default();
                    names(plural_of(t), p)
                        .into_iter()
                        .map(|n| format!("{t}/{n}"))
                        .collect()
                }
                None => resource_words(word),
                Some(_) if verb == "explain" => Vec::new(),
                Some(t) => object_names(&names, t, word),
            }
        }
        _ => Vec::new(),
    }
}

/// Names of objects of a type word (`po`, `deploy,svc` takes the first) that start with `word`.
fn object_names(
    names: &dyn Fn(&str, &str) -> Vec<String>,
    type_word: &str,
    word: &str,
) -> Vec<String> {
    if type_word.contains('/') {
        return Vec::new();
    }
    let first = type_word.split(',').next().unwrap_or_default();
    names(plural_of(first), word)
}

/// The plural of a resource word (plural, singular, short name or kind), else the word itself.
fn plural_of(w: &str) -> &str {
    let lw = w.to_ascii_lowercase();
    let base = lw.split('.').next().unwrap_or_default().to_string();
    RESOURCES
        .iter()
        .find(|r| {
            r.plural == base
                || r.singular == base
                || r.short.contains(&base.as_str())
                || r.kind.eq_ignore_ascii_case(&base)
        })
        .map_or(w, |r| r.plural)
}

fn resource_words(word: &str) -> Vec<String> {
    let mut v = Vec::new();
    for r in RESOURCES {
        v.push(r.plural);
        v.push(r.singular);
        v.extend(r.short.iter().copied());
    }
    v.push("all");
    filter(v.into_iter(), word)
}

/// kubectl's global flags (`kubectl options`), with their shorthands.
const GLOBAL_FLAGS: &[(&str, Option<char>)] = &[
    ("as", None),
    ("as-group", None),
    ("as-uid", None),
    ("cache-dir", None),
    ("certificate-authority", None),
    ("client-certificate", None),
    ("client-key", None),
    ("cluster", None),
    ("context", None),
    ("disable-compression", None),
    ("insecure-skip-tls-verify", None),
    ("kubeconfig", None),
    ("log-flush-frequency", None),
    ("match-server-version", None),
    ("namespace", Some('n')),
    ("password", None),
    ("profile", None),
    ("profile-output", None),
    ("request-timeout", None),
    ("server", Some('s')),
    ("tls-server-name", None),
    ("token", None),
    ("user", None),
    ("username", None),
    ("v", Some('v')),
    ("vmodule", None),
    ("warnings-as-errors", None),
];

/// The flags each command marks required: cobra offers only these while one is missing.
const REQUIRED_FLAGS: &[(&str, &[&str])] = &[
    ("kubectl create deployment", &["image"]),
    ("kubectl create cronjob", &["image", "schedule"]),
    ("kubectl create clusterrolebinding", &["clusterrole"]),
    ("kubectl create service externalname", &["external-name"]),
    ("kubectl run", &["image"]),
    ("kubectl autoscale", &["max"]),
    ("kubectl scale", &["replicas"]),
];

/// The flag names a `-`/`--` word completes to, as kubectl's (cobra's) completion offers them:
/// the command's own flags (its `--help` options) and the global ones, long names only for
/// `--`, shorthands too for `-`, and only the missing required flags while there are any.
fn flag_names(verb: &str, positional: &[&str], args: &[String], word: &str) -> Vec<String> {
    let rest: Vec<String> = positional.iter().skip(1).map(|s| s.to_string()).collect();
    let mut path = crate::kubectl::cmd::help::command_path(verb, &rest);
    if verb == "top" {
        match positional.get(1).copied() {
            Some("pod" | "pods" | "po") => path = "kubectl top pod".into(),
            Some("node" | "nodes" | "no") => path = "kubectl top node".into(),
            _ => {}
        }
    }
    let own: Vec<(String, Option<char>, bool)> = crate::kubectl::cmd::help::flags_of(&path)
        .unwrap_or_else(|| {
            crate::kubectl::cmd::verb_flags(verb)
                .iter()
                .map(|f| (f.long.to_string(), f.short, f.repeat))
                .collect()
        });
    let set = |name: &str| {
        args.iter()
            .any(|a| a == &format!("--{name}") || a.starts_with(&format!("--{name}=")))
    };
    let set_short = |c: Option<char>| {
        c.is_some_and(|c| {
            args.iter()
                .any(|a| !a.starts_with("--") && a.starts_with(&format!("-{c}")))
        })
    };
    if let Some((_, required)) = REQUIRED_FLAGS.iter().find(|(p, _)| *p == path) {
        let missing: Vec<String> = required
            .iter()
            .filter(|f| !set(f))
            .map(|f| format!("--{f}"))
            .filter(|f| f.starts_with(word))
            .collect();
        if !missing.is_empty() {
            return missing;
        }
    }
    let mut all: Vec<(String, Option<char>, bool)> = GLOBAL_FLAGS
        .iter()
        .map(|(n, s)| (n.to_string(), *s, *n == "as-group"))
        .chain(own)
        .collect();
    all.push(("help".into(), Some('h'), false));
    let mut out = Vec::new();
    for (name, short, list) in all {
        // A flag already given is not offered again, unless it collects several values.
        if !list && (set(&name) || set_short(short)) {
            continue;
        }
        let long = format!("--{name}");
        if long.starts_with(word) && !out.contains(&long) {
            out.push(long);
        }
        if let Some(c) = short {
            let s = format!("-{c}");
            if word == "-" && !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out.sort();
    out
}

/// The kubeconfig kubectl would read in this shell (`KUBECONFIG`, else ~/.kube/config on its host).
fn shell_kubeconfig(sh: &Shell, world: &World) -> crate::world::KubeConfig {
    world
        .load_kubeconfig(
            &crate::world::Sources {
                host: &sh.host,
                cwd: &sh.cwd,
                explicit: None,
                env: sh.vars.get("KUBECONFIG").map(String::as_str),
            },
            false,
        )
        .map(|l| l.merged)
        .unwrap_or_default()
}

/// The World cluster the current context of `kc` reaches from the shell's host.
fn shell_cluster(sh: &Shell, world: &World, kc: &crate::world::KubeConfig) -> Option<String> {
    let ctx = kc.current_context()?;
    let entry = kc.cluster(&ctx.cluster)?;
    world.cluster_for_server(&entry.server, &sh.host).ok()
}

fn flag_values(sh: &Shell, world: &World, flag: &str, word: &str) -> Vec<String> {
    match flag {
        "n" | "namespace" => {
            let kc = shell_kubeconfig(sh, world);
            let Some(c) = shell_cluster(sh, world, &kc).and_then(|n| world.clusters.get(&n)) else {
                return Vec::new();
            };
            c.list_all("namespaces")
                .iter()
                .map(|o| object::name(o))
                .filter(|n| n.starts_with(word))
                .map(String::from)
                .collect()
        }
        "context" => filter(
            shell_kubeconfig(sh, world)
                .contexts
                .iter()
                .map(|c| c.name.as_str()),
            word,
        ),
        "o" | "output" => filter(OUTPUTS.iter().copied(), word),
        "f" | "filename" | "kustomize" | "k" => paths(sh, world, word, false),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(sh: &Shell, w: &World, line: &str) -> Completion {
        complete(sh, w, line, line.len())
    }

    #[test]
    fn kubectl_words_complete_through_the_k_alias() {
        let w = World::standard();
        let sh = Shell::new("controlplane");
        assert_eq!(c(&sh, &w, "k desc").replacement, "describe ");
        assert_eq!(
            c(&sh, &w, "kubectl get deploy").candidates,
            vec!["deploy", "deployment", "deployments"]
        );
        assert_eq!(c(&sh, &w, "k get po").replacement, "po");
        assert_eq!(c(&sh, &w, "k -n kube-sys").replacement, "kube-system ");
        let names = c(&sh, &w, "k -n kube-system get po etcd").candidates;
        assert_eq!(names, vec!["etcd-controlplane"]);
        let names = c(&sh, &w, "k get deploy -n kube-system ").candidates;
        assert_eq!(names, vec!["coredns"]);
        assert_eq!(
            c(&sh, &w, "k config use-context kub").replacement,
            "kubernetes-admin@kubernetes "
        );
        assert_eq!(
            c(&sh, &w, "k get po --all-n").replacement,
            "--all-namespaces "
        );
        assert_eq!(c(&sh, &w, "k get po -o ya").replacement, "yaml ");
        assert_eq!(
            c(&sh, &w, "k get po --namespace=kube-p").replacement,
            "--namespace=kube-public "
        );
        assert_eq!(
            c(&sh, &w, "k drain node0").candidates,
            vec!["node01", "node02"]
        );
        assert_eq!(c(&sh, &w, "k drain node0").replacement, "node0");
    }

    #[test]
    fn flags_complete_as_kubectls_bash_completion_offers_them() {
        let w = World::standard();
        let sh = Shell::new("controlplane");
        let get = c(&sh, &w, "kubectl get pods --").candidates;
        for f in [
            "--all-namespaces",
            "--selector",
            "--output",
            "--show-labels",
            "--kubeconfig",
            "--help",
        ] {
            assert!(get.contains(&f.to_string()), "{f}: {get:?}");
        }
        assert!(!get.contains(&"--image".to_string()), "{get:?}");
        assert!(!get.iter().any(|f| f.ends_with('=')), "{get:?}");
        // While a required flag is missing, it is the only one offered.
        assert_eq!(
            c(&sh, &w, "kubectl create deployment x --").candidates,
            vec!["--image"]
        );
        assert_eq!(
            c(&sh, &w, "kubectl create deployment x --ima").replacement,
            "--image "
        );
        let deploy = c(&sh, &w, "kubectl create deployment x --image=nginx --").candidates;
        for f in [
            "--replicas",
            "--port",
            "--dry-run",
            "--output",
            "--save-config",
        ] {
            assert!(deploy.contains(&f.to_string()), "{f}: {deploy:?}");
        }
        // The subcommand's own flags, not every create subcommand's.
        assert!(
            !deploy.contains(&"--from-literal".to_string()),
            "{deploy:?}"
        );
        assert!(c(&sh, &w, "k create cm x --")
            .candidates
            .contains(&"--from-literal".to_string()));
        assert_eq!(
            c(&sh, &w, "k create cronjob x --").candidates,
            vec!["--image", "--schedule"]
        );
        // `-` offers the shorthands too.
        let short = c(&sh, &w, "k get po -").candidates;
        assert!(
            short.contains(&"-A".to_string()) && short.contains(&"-o".to_string()),
            "{short:?}"
        );
        assert!(c(&sh, &w, "k rollout status deploy/x --")
            .candidates
            .contains(&"--timeout".to_string()));
        assert!(c(&sh, &w, "k top pod --")
            .candidates
            .contains(&"--containers".to_string()));
    }

    #[test]
    fn files_and_commands_complete() {
        let w = World::standard();
        let sh = Shell::new("controlplane");
        assert_eq!(
            c(&sh, &w, "cat /etc/kubernetes/manifests/kube-a").replacement,
            "/etc/kubernetes/manifests/kube-apiserver.yaml "
        );
        assert_eq!(c(&sh, &w, "ls /etc/kube").replacement, "/etc/kubernetes/");
        assert_eq!(
            c(&sh, &w, "k apply -f /etc/kubernetes/manifests/etc").replacement,
            "/etc/kubernetes/manifests/etcd.yaml "
        );
        assert_eq!(c(&sh, &w, "kubea").replacement, "kubeadm ");
        assert_eq!(c(&sh, &w, "echo hi | gr").replacement, "grep ");
        assert_eq!(c(&sh, &w, "systemctl rest").replacement, "restart ");
        assert!(c(&sh, &w, "zzz").candidates.is_empty());
        // A cursor inside a multi-byte character is moved back, not a panic.
        let _ = complete(&sh, &w, "é", 1);
    }
}
