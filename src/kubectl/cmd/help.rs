//! Help texts: what `kubectl -h` and `kubectl VERB -h` show in kubedojo.

/// Every verb of the real kubectl, to tell a typo from a verb kubedojo does not simulate yet.
pub const KNOWN_VERBS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "alpha",
    "config",
    "plugin",
    "version",
    "api-versions",
    "api-resources",
    "options",
];

/// What cobra suggests for an unknown command: every command (in kubectl's registration order) within
/// an edit distance of 2, ignoring case, or that starts with the typed word.
pub fn suggestions(word: &str) -> Vec<&'static str> {
    let lower = word.to_lowercase();
    KNOWN_VERBS
        .iter()
        .copied()
        .filter(|v| distance(&lower, v) <= 2 || v.starts_with(&lower))
        .collect()
}

/// `unknown command "foo" for "kubectl"`, with cobra's `Did you mean this?` block when it has one.
pub fn unknown_command(word: &str) -> String {
    let found = suggestions(word);
    let mut s = format!("error: unknown command {word:?} for \"kubectl\"\n");
    if !found.is_empty() {
        s.push_str("\nDid you mean this?\n");
        for f in found {
            s.push('\t');
            s.push_str(f);
            s.push('\n');
        }
    }
    s
}

fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

pub const ROOT: &str = "kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\nBasic Commands (Beginner):\n  create          Create a resource from a file or from stdin\n  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service\n  run             Run a particular image on the cluster\n  set             Set specific features on objects\n\nBasic Commands (Intermediate):\n  explain         Get documentation for a resource\n  get             Display one or many resources\n  edit            Edit a resource on the server\n  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector\n\nDeploy Commands:\n  rollout         Manage the rollout of a resource\n  scale           Set a new size for a deployment, replica set, or replication controller\n  autoscale       Auto-scale a deployment, replica set, stateful set, or replication controller\n\nCluster Management Commands:\n  certificate     Modify certificate resources\n  cluster-info    Display cluster information\n  top             Display resource (CPU/memory) usage\n  cordon          Mark node as unschedulable\n  uncordon        Mark node as schedulable\n  drain           Drain node in preparation for maintenance\n  taint           Update the taints on one or more nodes\n\nTroubleshooting and Debugging Commands:\n  describe        Show details of a specific resource or group of resources\n  logs            Print the logs for a container in a pod\n  exec            Execute a command in a container\n  port-forward    Forward one or more local ports to a pod\n  auth            Inspect authorization\n\nAdvanced Commands:\n  diff            Diff the live version against a would-be applied version\n  apply           Apply a configuration to a resource by file name or stdin\n  patch           Update fields of a resource\n  replace         Replace a resource by file name or stdin\n  wait            Experimental: Wait for a specific condition on one or many resources\n\nSettings Commands:\n  label           Update the labels on a resource\n  annotate        Update the annotations on a resource\n  completion      Output shell completion code for the specified shell (bash, zsh, fish, or powershell)\n\nOther Commands:\n  api-resources   Print the supported API resources on the server\n  api-versions    Print the supported API versions on the server, in the form of \"group/version\"\n  config          Modify kubeconfig files\n  version         Print the client and server version information\n\nUsage:\n  kubectl [flags] [options]\n\nUse \"kubectl <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n";

/// Short help for one command: usage line and the flags kubedojo simulates.
pub fn for_command(path: &str) -> String {
    if let Some(text) = verbatim(path) {
        return text.to_string();
    }
    let (summary, usage, examples): (&str, &str, &str) = match path {
        "kubectl get" => ("Display one or many resources.", "kubectl get [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]", "  kubectl get pods -o wide\n  kubectl get deploy,svc -n web\n  kubectl get nodes -o jsonpath='{.items[*].status.nodeInfo.osImage}'"),
        "kubectl run" => ("Create and run a particular image in a pod.", "kubectl run NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...] [options]", "  kubectl run nginx --image=nginx -l tier=web\n  kubectl run bb --image=busybox --restart=Never --dry-run=client -o yaml --command -- sleep 3600"),
        "kubectl create" => ("Create a resource from a file or from stdin.", "kubectl create -f FILENAME [options]", "  kubectl create -f pod.yaml\n  kubectl create deployment web --image=nginx --replicas=3"),
        "kubectl expose" => ("Expose a resource as a new Kubernetes service.", "kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type] [options]", "  kubectl expose pod redis --port=6379 --name=redis-svc\n  kubectl expose deploy web --type=NodePort --port=80"),
        "kubectl edit" => ("Edit a resource from the default editor.", "kubectl edit (RESOURCE/NAME | -f FILENAME) [options]", "  kubectl edit svc/docker-registry\n  KUBE_EDITOR=\"nano\" kubectl edit svc/docker-registry\n  kubectl edit job.v1.batch/myjob -o json\n  kubectl edit deployment/mydeployment -o yaml --save-config"),
        _ => ("", "", ""),
    };
    if summary.is_empty() {
        return format!(
            "Usage:\n  {path} [options]\n\nUse \"kubectl --help\" for a list of commands.\n"
        );
    }
    format!("{summary}\n\nExamples:\n{examples}\n\nUsage:\n  {usage}\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n")
}

/// The flags a command's verbatim `--help` lists under `Options:` (long name, shorthand, and
/// whether it collects several values: its default is a list), as kubectl v1.32 has them; `None`
/// for a command without a verbatim help text.
pub fn flags_of(path: &str) -> Option<Vec<(String, Option<char>, bool)>> {
    let text = verbatim(path)?;
    let options = text.split("\nOptions:\n").nth(1).unwrap_or("");
    let mut out = Vec::new();
    for line in options.lines() {
        let Some(spec) = line.strip_prefix("    -") else {
            continue;
        };
        let spec = format!("-{spec}");
        let (short, long) = match spec.split_once(", ") {
            Some((s, l)) => (s.strip_prefix('-').and_then(|c| c.chars().next()), l),
            None => (None, spec.as_str()),
        };
        let Some(long) = long.strip_prefix("--") else {
            continue;
        };
        let name: String = long
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let list = long[name.len()..].starts_with("=[");
        if !name.is_empty() {
            out.push((name, short, list));
        }
    }
    Some(out)
}

/// `--help` of the verbs whose text is kept verbatim from kubectl v1.32 (`assets/help/*.txt`).
fn verbatim(path: &str) -> Option<&'static str> {
    Some(match path {
        "kubectl patch" => include_str!("../../../assets/help/patch.txt"),
        "kubectl wait" => include_str!("../../../assets/help/wait.txt"),
        "kubectl events" => include_str!("../../../assets/help/events.txt"),
        "kubectl explain" => include_str!("../../../assets/help/explain.txt"),
        "kubectl api-versions" => include_str!("../../../assets/help/api-versions.txt"),
        "kubectl diff" => include_str!("../../../assets/help/diff.txt"),
        "kubectl cp" => include_str!("../../../assets/help/cp.txt"),
        "kubectl port-forward" => include_str!("../../../assets/help/port-forward.txt"),
        "kubectl autoscale" => include_str!("../../../assets/help/autoscale.txt"),
        "kubectl top" => include_str!("../../../assets/help/top.txt"),
        "kubectl top pod" => include_str!("../../../assets/help/top-pod.txt"),
        "kubectl top node" => include_str!("../../../assets/help/top-node.txt"),
        "kubectl get" => include_str!("../../../assets/help/get.txt"),
        "kubectl describe" => include_str!("../../../assets/help/describe.txt"),
        "kubectl run" => include_str!("../../../assets/help/run.txt"),
        "kubectl create" => include_str!("../../../assets/help/create.txt"),
        "kubectl create deployment" => include_str!("../../../assets/help/create-deployment.txt"),
        "kubectl create namespace" => include_str!("../../../assets/help/create-namespace.txt"),
        "kubectl create configmap" => include_str!("../../../assets/help/create-configmap.txt"),
        "kubectl create secret" => include_str!("../../../assets/help/create-secret.txt"),
        "kubectl create secret generic" => {
            include_str!("../../../assets/help/create-secret-generic.txt")
        }
        "kubectl create secret tls" => include_str!("../../../assets/help/create-secret-tls.txt"),
        "kubectl create secret docker-registry" => {
            include_str!("../../../assets/help/create-secret-docker-registry.txt")
        }
        "kubectl create service" => include_str!("../../../assets/help/create-service.txt"),
        "kubectl create service clusterip" => {
            include_str!("../../../assets/help/create-service-clusterip.txt")
        }
        "kubectl create service nodeport" => {
            include_str!("../../../assets/help/create-service-nodeport.txt")
        }
        "kubectl create service loadbalancer" => {
            include_str!("../../../assets/help/create-service-loadbalancer.txt")
        }
        "kubectl create service externalname" => {
            include_str!("../../../assets/help/create-service-externalname.txt")
        }
        "kubectl create serviceaccount" => {
            include_str!("../../../assets/help/create-serviceaccount.txt")
        }
        "kubectl create role" => include_str!("../../../assets/help/create-role.txt"),
        "kubectl create clusterrole" => include_str!("../../../assets/help/create-clusterrole.txt"),
        "kubectl create rolebinding" => include_str!("../../../assets/help/create-rolebinding.txt"),
        "kubectl create clusterrolebinding" => {
            include_str!("../../../assets/help/create-clusterrolebinding.txt")
        }
        "kubectl create job" => include_str!("../../../assets/help/create-job.txt"),
        "kubectl create cronjob" => include_str!("../../../assets/help/create-cronjob.txt"),
        "kubectl create quota" => include_str!("../../../assets/help/create-quota.txt"),
        "kubectl create ingress" => include_str!("../../../assets/help/create-ingress.txt"),
        "kubectl create priorityclass" => {
            include_str!("../../../assets/help/create-priorityclass.txt")
        }
        "kubectl create poddisruptionbudget" => {
            include_str!("../../../assets/help/create-poddisruptionbudget.txt")
        }
        "kubectl create token" => include_str!("../../../assets/help/create-token.txt"),
        "kubectl expose" => include_str!("../../../assets/help/expose.txt"),
        "kubectl delete" => include_str!("../../../assets/help/delete.txt"),
        "kubectl apply" => include_str!("../../../assets/help/apply.txt"),
        "kubectl replace" => include_str!("../../../assets/help/replace.txt"),
        "kubectl edit" => include_str!("../../../assets/help/edit.txt"),
        "kubectl scale" => include_str!("../../../assets/help/scale.txt"),
        "kubectl label" => include_str!("../../../assets/help/label.txt"),
        "kubectl annotate" => include_str!("../../../assets/help/annotate.txt"),
        "kubectl rollout" => include_str!("../../../assets/help/rollout.txt"),
        "kubectl rollout status" => include_str!("../../../assets/help/rollout-status.txt"),
        "kubectl rollout history" => include_str!("../../../assets/help/rollout-history.txt"),
        "kubectl rollout undo" => include_str!("../../../assets/help/rollout-undo.txt"),
        "kubectl rollout restart" => include_str!("../../../assets/help/rollout-restart.txt"),
        "kubectl rollout pause" => include_str!("../../../assets/help/rollout-pause.txt"),
        "kubectl rollout resume" => include_str!("../../../assets/help/rollout-resume.txt"),
        "kubectl set" => include_str!("../../../assets/help/set.txt"),
        "kubectl set image" => include_str!("../../../assets/help/set-image.txt"),
        "kubectl set env" => include_str!("../../../assets/help/set-env.txt"),
        "kubectl set resources" => include_str!("../../../assets/help/set-resources.txt"),
        "kubectl set serviceaccount" => include_str!("../../../assets/help/set-serviceaccount.txt"),
        "kubectl set selector" => include_str!("../../../assets/help/set-selector.txt"),
        "kubectl set subject" => include_str!("../../../assets/help/set-subject.txt"),
        "kubectl logs" => include_str!("../../../assets/help/logs.txt"),
        "kubectl exec" => include_str!("../../../assets/help/exec.txt"),
        "kubectl taint" => include_str!("../../../assets/help/taint.txt"),
        "kubectl cordon" => include_str!("../../../assets/help/cordon.txt"),
        "kubectl uncordon" => include_str!("../../../assets/help/uncordon.txt"),
        "kubectl drain" => include_str!("../../../assets/help/drain.txt"),
        "kubectl api-resources" => include_str!("../../../assets/help/api-resources.txt"),
        "kubectl version" => include_str!("../../../assets/help/version.txt"),
        "kubectl config" => include_str!("../../../assets/help/config.txt"),
        "kubectl config view" => include_str!("../../../assets/help/config-view.txt"),
        "kubectl config get-contexts" => {
            include_str!("../../../assets/help/config-get-contexts.txt")
        }
        "kubectl config current-context" => {
            include_str!("../../../assets/help/config-current-context.txt")
        }
        "kubectl config use-context" => include_str!("../../../assets/help/config-use-context.txt"),
        "kubectl config set-context" => include_str!("../../../assets/help/config-set-context.txt"),
        "kubectl config set-credentials" => {
            include_str!("../../../assets/help/config-set-credentials.txt")
        }
        "kubectl config set-cluster" => include_str!("../../../assets/help/config-set-cluster.txt"),
        "kubectl config delete-context" => {
            include_str!("../../../assets/help/config-delete-context.txt")
        }
        "kubectl config rename-context" => {
            include_str!("../../../assets/help/config-rename-context.txt")
        }
        "kubectl config get-clusters" => {
            include_str!("../../../assets/help/config-get-clusters.txt")
        }
        "kubectl config get-users" => include_str!("../../../assets/help/config-get-users.txt"),
        "kubectl config set" => include_str!("../../../assets/help/config-set.txt"),
        "kubectl config unset" => include_str!("../../../assets/help/config-unset.txt"),
        "kubectl auth" => include_str!("../../../assets/help/auth.txt"),
        "kubectl auth can-i" => include_str!("../../../assets/help/auth-can-i.txt"),
        "kubectl auth whoami" => include_str!("../../../assets/help/auth-whoami.txt"),
        "kubectl auth reconcile" => include_str!("../../../assets/help/auth-reconcile.txt"),
        "kubectl certificate" => include_str!("../../../assets/help/certificate.txt"),
        "kubectl certificate approve" => {
            include_str!("../../../assets/help/certificate-approve.txt")
        }
        "kubectl certificate deny" => include_str!("../../../assets/help/certificate-deny.txt"),
        "kubectl cluster-info" => include_str!("../../../assets/help/cluster-info.txt"),
        "kubectl debug" => include_str!("../../../assets/help/debug.txt"),
        "kubectl attach" => include_str!("../../../assets/help/attach.txt"),
        _ => return None,
    })
}

/// The full command path of a command line, for `--help` and flag errors: `kubectl create deployment`
/// for `create deploy web --foo`, `kubectl rollout status` for `rollout status deploy/x`.
pub fn command_path(verb: &str, rest: &[String]) -> String {
    let base = format!("kubectl {verb}");
    if !matches!(
        verb,
        "create" | "rollout" | "set" | "config" | "auth" | "certificate"
    ) {
        return base;
    }
    let mut words = rest.iter().filter(|a| !a.starts_with('-'));
    let Some(first) = words.next() else {
        return base;
    };
    let sub = canonical_sub(first);
    let path = format!("{base} {sub}");
    if verbatim(&path).is_none() {
        return base;
    }
    if matches!(sub, "secret" | "service") && verb == "create" {
        if let Some(second) = words.next() {
            let deeper = format!("{path} {second}");
            if verbatim(&deeper).is_some() {
                return deeper;
            }
        }
    }
    path
}

/// A subcommand's name from its alias (`deploy` -> `deployment`).
fn canonical_sub(word: &str) -> &str {
    match word {
        "deploy" => "deployment",
        "ns" => "namespace",
        "cm" => "configmap",
        "svc" => "service",
        "sa" => "serviceaccount",
        "cj" => "cronjob",
        "resourcequota" => "quota",
        "ing" => "ingress",
        "pc" => "priorityclass",
        "pdb" => "poddisruptionbudget",
        "use" => "use-context",
        w => w,
    }
}
