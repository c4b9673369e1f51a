//! `--dry-run=client -o json` of kubectl's generators compared byte for byte with the real kubectl's
//! (`/usr/bin/kubectl`, v1.32). The generators build typed Go objects, so their JSON keeps the struct's
//! field order (`kind` before `apiVersion`, `metadata.name` before `creationTimestamp`), while objects
//! read back from the server (`get -o json`) and from files (`create -f`) are printed sorted.
//! Skipped, with the reason printed, where the real kubectl is absent.

use kubedojo::session::{ClockMode, Session};

#[path = "common/oracle.rs"]
mod oracle;
use oracle::{quoted, real};

/// `kubectl ARGS --dry-run=client -o json` (flags before any `--`) in both, compared byte for byte.
fn check(args: &[&str]) {
    let (before, after) = match args.iter().position(|a| *a == "--") {
        Some(i) => (&args[..i], &args[i..]),
        None => (args, &[][..]),
    };
    let mut full: Vec<&str> = before.to_vec();
    full.extend(["--dry-run=client", "-o", "json"]);
    full.extend(after);
    let Some(want) = real(&full) else { return };
    let line = format!("kubectl {}", quoted(&full));
    let mut s = Session::sandbox(ClockMode::Manual);
    let out = s.run(&line);
    assert_eq!(out.stderr, "", "{line}");
    assert_eq!(out.stdout, want, "{line}");
}

#[test]
fn create_deployment_json_is_in_struct_order() {
    check(&["create", "deployment", "web", "--image=nginx"]);
    check(&[
        "create",
        "deploy",
        "web",
        "--image=nginx",
        "--replicas=3",
        "--port=8080",
    ]);
    check(&[
        "create",
        "deployment",
        "m",
        "--image=nginx",
        "--image=redis:alpine",
    ]);
    check(&[
        "create",
        "deployment",
        "w",
        "--image=busybox",
        "--",
        "sleep",
        "3600",
    ]);
}

#[test]
fn create_job_and_cronjob_json_is_in_struct_order() {
    check(&["create", "job", "pi", "--image=perl"]);
    check(&[
        "create",
        "job",
        "hello",
        "--image=busybox",
        "--",
        "echo",
        "hi",
    ]);
    check(&[
        "create",
        "cronjob",
        "cj",
        "--image=busybox",
        "--schedule=*/5 * * * *",
    ]);
    check(&[
        "create",
        "cronjob",
        "cj",
        "--image=busybox",
        "--schedule=* * * * *",
        "--restart=OnFailure",
        "--",
        "date",
    ]);
}

#[test]
fn create_configmap_and_secrets_json_is_in_struct_order() {
    check(&[
        "create",
        "configmap",
        "app",
        "--from-literal=z=1",
        "--from-literal=a=2",
    ]);
    check(&["create", "cm", "empty"]);
    check(&[
        "create",
        "secret",
        "generic",
        "s",
        "--from-literal=user=admin",
        "--from-literal=pass=x",
    ]);
    check(&[
        "create",
        "secret",
        "generic",
        "t",
        "--from-literal=a=b",
        "--type=Opaque",
    ]);
    check(&[
        "create",
        "secret",
        "docker-registry",
        "reg",
        "--docker-server=r.io",
        "--docker-username=u",
        "--docker-password=p",
        "--docker-email=e@x.io",
    ]);
}

#[test]
fn create_services_json_is_in_struct_order() {
    check(&[
        "create",
        "service",
        "clusterip",
        "svc",
        "--tcp=80:8080",
        "--tcp=443",
    ]);
    check(&[
        "create",
        "service",
        "clusterip",
        "headless",
        "--clusterip=None",
    ]);
    check(&[
        "create",
        "service",
        "nodeport",
        "np",
        "--tcp=80:8080",
        "--node-port=30080",
    ]);
    check(&["create", "service", "loadbalancer", "lb", "--tcp=80:80"]);
    check(&[
        "create",
        "service",
        "externalname",
        "ex",
        "--external-name=db.example.com",
    ]);
}

#[test]
fn create_accounts_and_bindings_json_is_in_struct_order() {
    check(&["create", "serviceaccount", "sa1"]);
    check(&["create", "sa", "sa2"]);
    check(&[
        "create",
        "rolebinding",
        "rb",
        "--role=pod-reader",
        "--user=jane",
        "--group=devs",
        "--serviceaccount=default:sa1",
    ]);
    check(&[
        "create",
        "clusterrolebinding",
        "crb",
        "--clusterrole=cr",
        "--user=u",
    ]);
}

#[test]
fn create_cluster_objects_json_is_in_struct_order() {
    check(&["create", "namespace", "finance"]);
    check(&["create", "quota", "q", "--hard=pods=10,requests.cpu=1"]);
    check(&[
        "create",
        "quota",
        "be",
        "--hard=pods=2",
        "--scopes=BestEffort",
    ]);
    check(&[
        "create",
        "priorityclass",
        "high",
        "--value=1000",
        "--description=x",
    ]);
    check(&[
        "create",
        "priorityclass",
        "top",
        "--value=10",
        "--global-default",
        "--preemption-policy=Never",
    ]);
    check(&[
        "create",
        "pdb",
        "p",
        "--selector=app=web",
        "--min-available=1",
    ]);
    check(&[
        "create",
        "pdb",
        "p2",
        "--selector=app=web",
        "--max-unavailable=50%",
    ]);
}

#[test]
fn create_ingress_json_is_in_struct_order() {
    check(&["create", "ingress", "ing", "--rule=foo.com/bar=svc:80"]);
    check(&[
        "create",
        "ingress",
        "ing2",
        "--class=nginx",
        "--rule=foo.com/*=svc:80,tls=my-cert",
        "--rule=/api=api:8080",
        "--default-backend=def:80",
        "--annotation=a=b",
    ]);
}

/// `kubectl run`, `create role` and `create clusterrole` ask the server for its resources even with
/// `--dry-run=client`, so their expected JSON is written out from the Go types (corev1.Pod,
/// rbacv1.Role): struct fields in declaration order, map keys sorted.
#[test]
fn run_and_roles_json_follow_the_go_types() {
    let mut s = Session::sandbox(ClockMode::Manual);
    let out = s.run(
        "kubectl run nginx --image=nginx --port=80 -l tier=web,app=x --dry-run=client -o json",
    );
    assert_eq!(out.stderr, "");
    let want = r#"{
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {
        "name": "nginx",
        "creationTimestamp": null,
        "labels": {
            "app": "x",
            "tier": "web"
        }
    },
    "spec": {
        "containers": [
            {
                "name": "nginx",
                "image": "nginx",
                "ports": [
                    {
                        "containerPort": 80
                    }
                ],
                "resources": {}
            }
        ],
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst"
    },
    "status": {}
}
"#;
    assert_eq!(out.stdout, want);

    let out = s.run(
        "kubectl create role pod-reader --verb=get,list --resource=pods --dry-run=client -o json",
    );
    assert_eq!(out.stderr, "");
    let want = r#"{
    "kind": "Role",
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "metadata": {
        "name": "pod-reader",
        "creationTimestamp": null
    },
    "rules": [
        {
            "verbs": [
                "get",
                "list"
            ],
            "apiGroups": [
                ""
            ],
            "resources": [
                "pods"
            ]
        }
    ]
}
"#;
    assert_eq!(out.stdout, want);
}

/// `create -f` and `apply -f` decode the file into an unstructured map, whose JSON is sorted by key
/// whatever order the file had; `get -o json` prints the server's object sorted too.
#[test]
fn objects_from_files_and_the_server_are_printed_sorted() {
    let mut s = Session::sandbox(ClockMode::Manual);
    s.run("cat > pod.yaml <<EOF\nkind: Pod\napiVersion: v1\nmetadata:\n  name: p\n  labels: {z: a, a: b}\nspec:\n  containers:\n  - name: c\n    image: nginx\nEOF");
    for cmd in ["create", "apply"] {
        let out = s.run(&format!(
            "kubectl {cmd} -f pod.yaml --dry-run=client -o json"
        ));
        assert_eq!(out.stderr, "", "{cmd}");
        let text = out.stdout;
        let api = text.find("\"apiVersion\"").unwrap_or(usize::MAX);
        let kind = text.find("\"kind\"").unwrap_or(0);
        assert!(api < kind, "{cmd}: {text}");
        assert!(
            text.contains("\"image\": \"nginx\",\n                \"name\": \"c\""),
            "{cmd}: {text}"
        );
    }
    s.run("kubectl create deployment web --image=nginx");
    let out = s.run("kubectl get deploy web -o json");
    assert!(
        out.stdout
            .starts_with("{\n    \"apiVersion\": \"apps/v1\",\n    \"kind\": \"Deployment\",\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_generator_that_creates_prints_the_servers_answer_in_struct_order() {
    // Without a dry run kubectl's typed client decodes the created object into the Go type too:
    // `kind` first, the server's metadata in ObjectMeta's order, and the (empty) status.
    let mut s = Session::sandbox(ClockMode::Manual);
    let out = s.run("kubectl create deployment web --image=nginx -o json");
    assert_eq!(out.stderr, "");
    let text = &out.stdout;
    assert!(text.starts_with("{\n    \"kind\": \"Deployment\",\n    \"apiVersion\": \"apps/v1\",\n    \"metadata\": {\n        \"name\": \"web\",\n        \"namespace\": \"default\",\n        \"uid\": \""), "{text}");
    let order = [
        "\"uid\"",
        "\"resourceVersion\"",
        "\"generation\"",
        "\"creationTimestamp\"",
        "\"labels\"",
    ];
    let at: Vec<usize> = order.iter().filter_map(|k| text.find(k)).collect();
    assert_eq!(at.len(), order.len(), "{text}");
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.ends_with("    \"status\": {}\n}\n"), "{text}");
    // A version 4 UID with the RFC 4122 variant, as the API server makes them.
    let v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let uid = v["metadata"]["uid"].as_str().unwrap_or("");
    let groups: Vec<&str> = uid.split('-').collect();
    assert_eq!(
        groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12],
        "{uid}"
    );
    assert!(
        groups[2].starts_with('4') && groups[3].starts_with(['8', '9', 'a', 'b']),
        "{uid}"
    );
    // What kubectl reads back (get) or creates from a file is unstructured: sorted keys.
    let got = s.run("kubectl get deployment web -o json").stdout;
    assert!(
        got.starts_with("{\n    \"apiVersion\": \"apps/v1\",\n    \"kind\": \"Deployment\","),
        "{got}"
    );
}
