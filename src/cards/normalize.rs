//! Text normalisation of shell command lines, so that equivalent ways of typing a command compare
//! equal: `k` is `kubectl`, `--flag value` is `--flag=value`, short kubectl flags become their long
//! names, resource types become their canonical singular (`po`, `pods` → `pod`; `deploy/web` →
//! `deployment web`), and flag order does not matter. Positional arguments keep their order.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Op(String),
}

/// Splits a command line into words and the operators `|`, `||`, `&&`, `;`, `>`, `>>`, `<`, honouring
/// single and double quotes and backslash escapes. Unbalanced quotes end at the end of the line.
fn tokenize(line: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    let flush = |cur: &mut String, in_word: &mut bool, out: &mut Vec<Tok>| {
        if *in_word {
            out.push(Tok::Word(std::mem::take(cur)));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    cur.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                if !matches!(n, '"' | '\\' | '$' | '`') {
                                    cur.push('\\');
                                }
                                cur.push(n);
                            }
                        }
                        _ => cur.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c.is_whitespace() => flush(&mut cur, &mut in_word, &mut out),
            '|' | '&' | ';' | '>' | '<' => {
                flush(&mut cur, &mut in_word, &mut out);
                let mut op = c.to_string();
                if let Some(&n) = chars.peek() {
                    if (n == c && c != ';' && c != '<') || (c == '&' && n == '>') {
                        op.push(n);
                        chars.next();
                    }
                }
                out.push(Tok::Op(op));
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    flush(&mut cur, &mut in_word, &mut out);
    out
}

/// Long kubectl flags that never take a separate value.
const BOOL_FLAGS: &[&str] = &[
    "all",
    "all-namespaces",
    "command",
    "delete-emptydir-data",
    "embed-certs",
    "follow",
    "force",
    "help",
    "ignore-daemonsets",
    "insecure-skip-tls-verify",
    "list",
    "local",
    "no-headers",
    "overwrite",
    "previous",
    "quiet",
    "record",
    "recursive",
    "rm",
    "save-config",
    "show-labels",
    "stdin",
    "timestamps",
    "tty",
    "watch",
];

/// Short kubectl flags: (letter, long name, takes a value).
fn short_flag(verb: &str, c: char) -> Option<(&'static str, bool)> {
    Some(match c {
        'n' => ("namespace", true),
        'o' => ("output", true),
        'l' => ("selector", true),
        'c' => ("container", true),
        'L' => ("label-columns", true),
        'k' => ("kustomize", true),
        's' => ("server", true),
        'f' if verb == "logs" => ("follow", false),
        'f' => ("filename", true),
        'p' if verb == "patch" => ("patch", true),
        'p' => ("previous", false),
        'A' => ("all-namespaces", false),
        'i' => ("stdin", false),
        't' => ("tty", false),
        'w' => ("watch", false),
        'R' => ("recursive", false),
        'q' => ("quiet", false),
        'h' => ("help", false),
        _ => return None,
    })
}

/// Canonical singular name of a resource type or its aliases, for the types the exams use.
fn canonical_resource(word: &str) -> Option<&'static str> {
    let base = word.split('.').next().unwrap_or(word).to_ascii_lowercase();
    Some(match base.as_str() {
        "po" | "pod" | "pods" => "pod",
        "deploy" | "deployment" | "deployments" => "deployment",
        "rs" | "replicaset" | "replicasets" => "replicaset",
        "ds" | "daemonset" | "daemonsets" => "daemonset",
        "sts" | "statefulset" | "statefulsets" => "statefulset",
        "svc" | "service" | "services" => "service",
        "ep" | "endpoints" => "endpoints",
        "ns" | "namespace" | "namespaces" => "namespace",
        "no" | "node" | "nodes" => "node",
        "cm" | "configmap" | "configmaps" => "configmap",
        "secret" | "secrets" => "secret",
        "sa" | "serviceaccount" | "serviceaccounts" => "serviceaccount",
        "pv" | "persistentvolume" | "persistentvolumes" => "persistentvolume",
        "pvc" | "persistentvolumeclaim" | "persistentvolumeclaims" => "persistentvolumeclaim",
        "sc" | "storageclass" | "storageclasses" => "storageclass",
        "ing" | "ingress" | "ingresses" => "ingress",
        "netpol" | "networkpolicy" | "networkpolicies" => "networkpolicy",
        "job" | "jobs" => "job",
        "cj" | "cronjob" | "cronjobs" => "cronjob",
        "hpa" | "horizontalpodautoscaler" | "horizontalpodautoscalers" => "horizontalpodautoscaler",
        "pdb" | "poddisruptionbudget" | "poddisruptionbudgets" => "poddisruptionbudget",
        "quota" | "resourcequota" | "resourcequotas" => "resourcequota",
        "limits" | "limitrange" | "limitranges" => "limitrange",
        "role" | "roles" => "role",
        "rolebinding" | "rolebindings" => "rolebinding",
        "clusterrole" | "clusterroles" => "clusterrole",
        "clusterrolebinding" | "clusterrolebindings" => "clusterrolebinding",
        "ev" | "event" | "events" => "event",
        "csr" | "certificatesigningrequest" | "certificatesigningrequests" => {
            "certificatesigningrequest"
        }
        "crd" | "crds" | "customresourcedefinition" | "customresourcedefinitions" => {
            "customresourcedefinition"
        }
        _ => return None,
    })
}

/// Verbs whose first argument is a resource type (or `TYPE/NAME`).
const RESOURCE_VERBS: &[&str] = &[
    "annotate",
    "autoscale",
    "delete",
    "describe",
    "edit",
    "explain",
    "expose",
    "get",
    "label",
    "patch",
    "scale",
    "taint",
    "top",
    "wait",
];

fn normalize_kubectl(words: &[String]) -> String {
    let mut positionals: Vec<String> = Vec::new();
    let mut flags: Vec<String> = Vec::new();
    let mut rest: Vec<String> = Vec::new();
    // The verb decides what some short flags mean, so find it first.
    let verb = words
        .iter()
        .skip(1)
        .find(|w| !w.starts_with('-'))
        .cloned()
        .unwrap_or_default();
    let mut i = 1;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            rest.extend(words[i..].iter().cloned());
            break;
        }
        let value_next = |i: usize| words.get(i).filter(|n| !n.starts_with('-')).cloned();
        if let Some(long) = w.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (long.to_string(), None),
            };
            let is_bool = BOOL_FLAGS.contains(&name.as_str());
            let value = match value {
                Some(v) if is_bool && v == "true" => None,
                Some(v) => Some(v),
                None if is_bool => None,
                None => {
                    let v = value_next(i);
                    if v.is_some() {
                        i += 1;
                    }
                    v
                }
            };
            flags.push(flag_text(&name, value));
        } else if let Some(short) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
            let (letters, inline) = match short.split_once('=') {
                Some((l, v)) => (l, Some(v.to_string())),
                None => (short, None),
            };
            let chars: Vec<char> = letters.chars().collect();
            let all_bool = chars
                .iter()
                .all(|c| matches!(short_flag(&verb, *c), Some((_, false))));
            if chars.len() > 1 && all_bool && inline.is_none() {
                for c in chars {
                    if let Some((name, _)) = short_flag(&verb, c) {
                        flags.push(flag_text(name, None));
                    }
                }
            } else if let (1, Some((name, takes))) = (
                chars.len(),
                chars.first().and_then(|c| short_flag(&verb, *c)),
            ) {
                let value = match (inline, takes) {
                    (Some(v), _) => Some(v),
                    (None, true) => {
                        let v = value_next(i);
                        if v.is_some() {
                            i += 1;
                        }
                        v
                    }
                    (None, false) => None,
                };
                flags.push(flag_text(name, value));
            } else {
                // An unknown short flag, kept as written.
                flags.push(w.clone());
            }
        } else {
            positionals.push(w.clone());
        }
    }
    canonical_positionals(&mut positionals);
    flags.sort();
    let mut out = vec!["kubectl".to_string()];
    out.extend(positionals);
    out.extend(flags);
    if !rest.is_empty() {
        out.push("--".to_string());
        out.extend(rest);
    }
    out.join(" ")
}

fn flag_text(name: &str, value: Option<String>) -> String {
    match value {
        Some(v) => format!("--{name}={v}"),
        None => format!("--{name}"),
    }
}

fn canonical_positionals(p: &mut Vec<String>) {
    let Some(verb) = p.first().cloned() else {
        return;
    };
    let type_at = match verb.as_str() {
        v if RESOURCE_VERBS.contains(&v) => Some(1),
        "rollout" => Some(2),
        "set" => Some(2),
        "create" => {
            if let Some(sub) = p.get_mut(1) {
                let canon = match sub.as_str() {
                    "deploy" => "deployment",
                    "cm" => "configmap",
                    "ns" => "namespace",
                    "sa" => "serviceaccount",
                    "quota" => "resourcequota",
                    "pdb" => "poddisruptionbudget",
                    "cj" => "cronjob",
                    "svc" => "service",
                    "pc" => "priorityclass",
                    other => other,
                };
                *sub = canon.to_string();
            }
            None
        }
        _ => None,
    };
    let Some(at) = type_at else { return };
    let Some(word) = p.get(at).cloned() else {
        return;
    };
    if let Some((ty, name)) = word.split_once('/') {
        if let Some(canon) = canonical_resource(ty) {
            p.splice(at..=at, [canon.to_string(), name.to_string()]);
        }
    } else if word.contains(',') {
        let parts: Vec<String> = word
            .split(',')
            .map(|t| canonical_resource(t).map_or_else(|| t.to_string(), str::to_string))
            .collect();
        p[at] = parts.join(",");
    } else if let Some(canon) = canonical_resource(&word) {
        p[at] = canon.to_string();
    }
}

/// Normalises a generic command: flags sorted (values joined with `=`), positionals in order.
fn normalize_other(words: &[String]) -> String {
    let mut positionals = vec![words.first().cloned().unwrap_or_default()];
    let mut flags = Vec::new();
    let mut i = 1;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            positionals.extend(words[i..].iter().cloned());
            break;
        }
        if w.starts_with('-') && w.len() > 1 {
            if w.contains('=') {
                flags.push(w.clone());
            } else if let Some(v) = words.get(i).filter(|n| !n.starts_with('-')) {
                flags.push(format!("{w}={v}"));
                i += 1;
            } else {
                flags.push(w.clone());
            }
        } else {
            positionals.push(w.clone());
        }
    }
    flags.sort();
    positionals.extend(flags);
    positionals.join(" ")
}

/// The normal form used to compare commands (see the module docs). Pipelines and redirections are
/// normalised one command at a time; operators stay in place.
pub fn normalize_command(line: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let finish = |words: &mut Vec<String>, parts: &mut Vec<String>| {
        if words.is_empty() {
            return;
        }
        if words[0] == "k" {
            words[0] = "kubectl".to_string();
        }
        let text = if words[0] == "kubectl" {
            normalize_kubectl(words)
        } else {
            normalize_other(words)
        };
        parts.push(text);
        words.clear();
    };
    for tok in tokenize(line.trim()) {
        match tok {
            Tok::Word(w) => words.push(w),
            Tok::Op(op) if op == ">" || op == ">>" || op == "<" => {
                // A redirection belongs to its command: keep it at the end, with its target.
                finish(&mut words, &mut parts);
                parts.push(op);
            }
            Tok::Op(op) => {
                finish(&mut words, &mut parts);
                parts.push(op);
            }
        }
    }
    finish(&mut words, &mut parts);
    parts.join(" ")
}
