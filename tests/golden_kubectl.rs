//! Generated manifests compared byte for byte with the real kubectl's (`/usr/bin/kubectl`, v1.32),
//! whose client-side generators run without a cluster. Skipped, with the reason printed, where it is absent.

use kubedojo::session::{ClockMode, Session};

#[path = "common/oracle.rs"]
mod oracle;
use oracle::{quoted, real};

fn ours(line: &str) -> String {
    let mut s = Session::sandbox(ClockMode::Manual);
    let out = s.run(line);
    assert_eq!(out.stderr, "", "{line}");
    out.stdout
}

fn check(args: &[&str]) {
    let Some(want) = real(args) else { return };
    let line = format!("kubectl {}", quoted(args));
    assert_eq!(ours(&line), want, "{line}");
}

#[test]
fn create_deployment_yaml() {
    check(&[
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "--replicas=3",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "deploy",
        "hr-web-app",
        "--image=kodekloud/webapp-color",
        "--replicas=2",
        "--port=8080",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "deployment",
        "multi",
        "--image=nginx",
        "--image=redis:alpine",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
}

#[test]
fn create_namespace_yaml() {
    check(&[
        "create",
        "namespace",
        "finance",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&["create", "ns", "dev", "--dry-run=client", "-o", "yaml"]);
}

#[test]
fn create_configmap_yaml() {
    check(&[
        "create",
        "configmap",
        "app",
        "--from-literal=a=1",
        "--from-literal=b=true",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "cm",
        "colors",
        "--from-literal=color=blue",
        "--from-literal=mode=dark",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
}

#[test]
fn create_names_and_dry_run_lines() {
    check(&[
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "--dry-run=client",
        "-o",
        "name",
    ]);
    check(&["create", "namespace", "web", "--dry-run=client"]);
    check(&[
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "--dry-run=client",
    ]);
}

/// `kubectl run` needs a server in the real kubectl, so its expected output comes from kubectl's
/// documented generator (a pod labelled run=NAME, dnsPolicy ClusterFirst, restartPolicy Always).
#[test]
fn run_pod_yaml_follows_kubectls_generator() {
    let got = ours("kubectl run nginx --image=nginx --dry-run=client -o yaml");
    let want = "apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    run: nginx\n  name: nginx\nspec:\n  containers:\n  - image: nginx\n    name: nginx\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\nstatus: {}\n";
    assert_eq!(got, want);
    let got = ours("kubectl run bb --image=busybox --restart=Never --dry-run=client -o yaml --command -- sleep 3600");
    let want = "apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    run: bb\n  name: bb\nspec:\n  containers:\n  - command:\n    - sleep\n    - \"3600\"\n    image: busybox\n    name: bb\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Never\nstatus: {}\n";
    assert_eq!(got, want);
}

/// `kubectl expose` also needs a server; the service it generates copies the pod's labels.
#[test]
fn expose_pod_yaml_follows_kubectls_generator() {
    let mut s = Session::sandbox(ClockMode::Manual);
    s.run("kubectl run messaging --image=redis:alpine -l tier=msg");
    let out = s.run("kubectl expose pod messaging --name=messaging-service --port=6379 --dry-run=client -o yaml");
    let want = "apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  labels:\n    tier: msg\n  name: messaging-service\nspec:\n  ports:\n  - port: 6379\n    protocol: TCP\n    targetPort: 6379\n  selector:\n    tier: msg\nstatus:\n  loadBalancer: {}\n";
    assert_eq!(out.stdout, want);
}

#[test]
fn create_secrets_and_accounts_yaml() {
    check(&[
        "create",
        "secret",
        "generic",
        "s",
        "--from-literal=user=admin",
        "--from-literal=pass=x",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "secret",
        "generic",
        "s2",
        "--from-literal=a=b",
        "--type=Opaque",
        "--dry-run=client",
        "-o",
        "yaml",
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
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "serviceaccount",
        "sa1",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "rolebinding",
        "rb",
        "--role=pod-reader",
        "--user=jane",
        "--serviceaccount=default:sa1",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "clusterrolebinding",
        "crb",
        "--clusterrole=cr",
        "--group=devs",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
}

#[test]
fn create_workloads_and_services_yaml() {
    check(&[
        "create",
        "cronjob",
        "cj",
        "--image=busybox",
        "--schedule=*/5 * * * *",
        "--dry-run=client",
        "-o",
        "yaml",
        "--",
        "date",
    ]);
    check(&[
        "create",
        "service",
        "clusterip",
        "svc",
        "--tcp=80:8080",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "service",
        "nodeport",
        "np",
        "--tcp=80:8080",
        "--node-port=30080",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "service",
        "externalname",
        "ex",
        "--external-name=db.example.com",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "quota",
        "q",
        "--hard=pods=10,requests.cpu=1",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "ingress",
        "ing",
        "--rule=foo.com/bar=svc:80",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "ingress",
        "ing2",
        "--class=nginx",
        "--rule=foo.com/*=svc:80,tls=my-cert",
        "--rule=/api=api:8080",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "priorityclass",
        "high",
        "--value=1000",
        "--description=x",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    check(&[
        "create",
        "poddisruptionbudget",
        "pdb",
        "--selector=app=web",
        "--min-available=1",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
}
