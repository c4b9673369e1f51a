//! NetworkPolicies read like the exam: a default deny blocks `wget` from inside a pod until a policy
//! allows it, DNS needs its own egress rule, and `kubectl get/describe netpol` print what kubectl does.

use kubedojo::session::{ClockMode, Session};

fn session() -> Session {
    Session::sandbox(ClockMode::Manual)
}

fn apply(s: &mut Session, file: &str, yaml: &str) {
    let out = s.run(&format!("cat > {file} <<'EOF'\n{yaml}EOF"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = s.run(&format!("kubectl apply -f {file}"));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// A `db` nginx pod behind a `db` service, and `frontend` and `other` busybox clients, in `prod`.
fn app() -> Session {
    let mut s = session();
    for cmd in [
        "kubectl create namespace prod",
        "kubectl -n prod run db --image=nginx --labels=app=db --port=80",
        "kubectl -n prod expose pod db --port=80",
        "kubectl -n prod run frontend --image=busybox --labels=app=frontend -- sleep 3600",
        "kubectl -n prod run other --image=busybox --labels=app=other -- sleep 3600",
    ] {
        let out = s.run(cmd);
        assert_eq!(out.code, 0, "{cmd}: {}", out.stderr);
    }
    s.world.advance(20);
    s
}

fn first(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn wget(s: &mut Session, from: &str, target: &str) -> kubedojo::Output {
    s.run(&format!(
        "kubectl -n prod exec {from} -- wget -qO- -T 2 {target}"
    ))
}

const DENY_INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: prod
spec:
  podSelector: {}
  policyTypes:
  - Ingress
";

const ALLOW_FRONTEND: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-frontend
  namespace: prod
spec:
  podSelector:
    matchLabels:
      app: db
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: frontend
    ports:
    - protocol: TCP
      port: 80
";

#[test]
fn without_policies_a_pod_reaches_a_service() {
    let mut s = app();
    let out = wget(&mut s, "frontend", "db");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Welcome to nginx!"), "{out:?}");
}

#[test]
fn a_default_deny_times_out_wget_and_curl_like_the_real_tools() {
    let mut s = app();
    apply(&mut s, "deny.yaml", DENY_INGRESS);
    let out = wget(&mut s, "frontend", "db");
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(first(&out.stderr), "wget: download timed out");
    let ip = s
        .run("kubectl -n prod get svc db -o jsonpath={.spec.clusterIP}")
        .stdout;
    let out = s.run("kubectl -n prod exec frontend -- wget -qO- db");
    assert_eq!(
        first(&out.stderr),
        format!("wget: can't connect to remote host ({ip}): Connection timed out")
    );
    // busybox has no curl (exit 126, as on a real cluster); the curl image has.
    let out = s.run("kubectl -n prod exec frontend -- curl -s -m 3 http://db");
    assert_eq!(out.code, 126, "{out:?}");
    s.run("kubectl -n prod run tool --image=curlimages/curl --command -- sleep 3600");
    s.world.advance(10);
    let out = s.run("kubectl -n prod exec tool -- curl -s -m 3 http://db");
    assert_eq!(out.code, 28, "{out:?}");
    assert_eq!(
        out.stderr,
        "curl: (28) Connection timed out after 3001 milliseconds\ncommand terminated with exit code 28\n"
    );
}

#[test]
fn an_allow_policy_opens_the_port_for_the_selected_pods_only() {
    let mut s = app();
    apply(&mut s, "deny.yaml", DENY_INGRESS);
    apply(&mut s, "allow.yaml", ALLOW_FRONTEND);
    let out = wget(&mut s, "frontend", "db");
    assert_eq!(out.code, 0, "{out:?}");
    let out = wget(&mut s, "other", "db");
    assert_eq!(first(&out.stderr), "wget: download timed out");
    let out = s.run("kubectl -n prod exec frontend -- nc -zv -w 2 db 80");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(first(&out.stderr).ends_with(":80) open"), "{out:?}");
    let out = s.run("kubectl -n prod exec other -- nc -zv -w 2 db 80");
    assert_eq!(out.code, 1, "{out:?}");
}

#[test]
fn an_egress_default_deny_breaks_dns_until_port_53_is_allowed() {
    let mut s = app();
    apply(
        &mut s,
        "deny-egress.yaml",
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-egress
  namespace: prod
spec:
  podSelector:
    matchLabels:
      app: frontend
  policyTypes:
  - Egress
",
    );
    let out = wget(&mut s, "frontend", "db");
    assert_eq!(first(&out.stderr), "wget: bad address 'db'");
    let out = s.run("kubectl -n prod exec frontend -- nslookup db");
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("connection timed out"), "{out:?}");
    apply(
        &mut s,
        "dns.yaml",
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns-and-db
  namespace: prod
spec:
  podSelector:
    matchLabels:
      app: frontend
  policyTypes:
  - Egress
  egress:
  - to:
    - namespaceSelector: {}
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - port: 53
      protocol: UDP
  - to:
    - podSelector:
        matchLabels:
          app: db
",
    );
    let out = wget(&mut s, "frontend", "db");
    assert_eq!(out.code, 0, "{out:?}");
    let out = s.run("kubectl -n prod exec frontend -- nslookup kubernetes.default");
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn get_netpol_shows_the_pod_selector() {
    let mut s = app();
    apply(&mut s, "deny.yaml", DENY_INGRESS);
    apply(&mut s, "allow.yaml", ALLOW_FRONTEND);
    let out = s.run("kubectl -n prod get netpol");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0], "NAME             POD-SELECTOR   AGE",
        "{}",
        out.stdout
    );
    assert!(
        lines[1].starts_with("allow-frontend   app=db         "),
        "{}",
        out.stdout
    );
    assert!(
        lines[2].starts_with("default-deny     <none>         "),
        "{}",
        out.stdout
    );
    let yaml = s
        .run("kubectl -n prod get netpol allow-frontend -o yaml")
        .stdout;
    assert!(yaml.contains("policyTypes:\n  - Ingress\n"), "{yaml}");
}

#[test]
fn describe_netpol_prints_the_rules_as_kubectl_does() {
    let mut s = app();
    apply(&mut s, "allow.yaml", ALLOW_FRONTEND);
    apply(&mut s, "deny.yaml", DENY_INGRESS);
    let out = s.run("kubectl -n prod describe netpol allow-frontend");
    let text = out.stdout;
    let created = text
        .lines()
        .find(|l| l.starts_with("Created on:"))
        .unwrap_or("")
        .to_string();
    assert!(created.ends_with("+0000 UTC"), "{text}");
    let want = format!(
        "Name:         allow-frontend
Namespace:    prod
{created}
Labels:       <none>
Annotations:  <none>
Spec:
  PodSelector:     app=db
  Allowing ingress traffic:
    To Port: 80/TCP
    From:
      PodSelector: app=frontend
  Not affecting egress traffic
  Policy Types: Ingress
"
    );
    assert_eq!(text, want);
    let deny = s.run("kubectl -n prod describe netpol default-deny").stdout;
    assert!(deny.contains("  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n  Allowing ingress traffic:\n    <none> (Selected pods are isolated for ingress connectivity)\n  Not affecting egress traffic\n"), "{deny}");
}

fn grade(s: &Session, toml_text: &str) -> kubedojo::grader::Finding {
    let a: kubedojo::scenario::model::Assertion =
        toml::from_str(toml_text).expect("assertion parses");
    let cluster = s.world.clusters.keys().next().cloned().unwrap_or_default();
    let query = |_: &str| String::new();
    let target = kubedojo::grader::eval::Target {
        cluster: &cluster,
        namespace: "prod",
        query: &query,
    };
    kubedojo::grader::eval::evaluate(&s.world, &target, &[a])
        .pop()
        .expect("one finding")
}

#[test]
fn the_reachable_assertion_explains_which_policy_decided() {
    let mut s = app();
    let blocked = "check = \"reachable\"\nfrom = \"frontend\"\nto = \"db\"\nport = 80\nexpect = false\nfeedback = \"Only the api may reach the database\"\n";
    let f = grade(&s, blocked);
    assert!(!f.passed);
    assert_eq!(
        f.feedback,
        "Only the api may reach the database (expected frontend -> db:80 to be blocked, it is allowed: no NetworkPolicy selects either pod)"
    );
    apply(&mut s, "deny.yaml", DENY_INGRESS);
    assert!(grade(&s, blocked).passed);
    apply(&mut s, "allow.yaml", ALLOW_FRONTEND);
    let f = grade(&s, blocked);
    assert!(!f.passed);
    assert!(
        f.feedback
            .contains("it is allowed: allowed by policy prod/allow-frontend"),
        "{}",
        f.feedback
    );
    let others = "check = \"reachable\"\nfrom_selector = \"app=other\"\nto = \"db.prod.svc.cluster.local\"\nport = 80\nexpect = true\nfeedback = \"x\"\n";
    let f = grade(&s, others);
    assert!(!f.passed);
    assert!(f.feedback.contains("expected other -> db.prod.svc.cluster.local:80 to be allowed, it is blocked: ingress of prod/db is isolated by policies prod/allow-frontend, prod/default-deny and no rule allows it"), "{}", f.feedback);
}
