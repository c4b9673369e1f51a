//! Admission read like the exam: ResourceQuota (counts, compute, "must specify", a Deployment
//! short of replicas), LimitRange defaults and limits, and CertificateSigningRequests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use kubedojo::session::{ClockMode, Session};

fn session() -> Session {
    let mut s = Session::sandbox(ClockMode::Manual);
    ok(&mut s, "kubectl create ns q");
    s
}

fn ok(s: &mut Session, line: &str) -> String {
    let out = s.run(line);
    assert_eq!(out.code, 0, "{line}: {}", out.stderr);
    out.stdout
}

fn words(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn a_pod_count_quota_rejects_the_third_pod() {
    let mut s = session();
    ok(
        &mut s,
        "kubectl create quota q1 --hard=pods=2,configmaps=5 -n q",
    );
    ok(&mut s, "kubectl run a --image=nginx -n q");
    ok(&mut s, "kubectl run b --image=nginx -n q");
    let out = s.run("kubectl run c --image=nginx -n q");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "Error from server (Forbidden): pods \"c\" is forbidden: exceeded quota: q1, requested: pods=1, used: pods=2, limited: pods=2\n"
    );
    let out = ok(&mut s, "kubectl get quota -n q");
    let lines = words(&out);
    assert_eq!(lines[0], "NAME AGE REQUEST LIMIT");
    assert!(lines[1].starts_with("q1 "), "{out}");
    assert!(lines[1].ends_with("configmaps: 1/5, pods: 2/2"), "{out}");
    let out = ok(&mut s, "kubectl describe quota q1 -n q");
    let lines = words(&out);
    assert!(lines.contains(&"Resource Used Hard".to_string()), "{out}");
    assert!(lines.contains(&"pods 2 2".to_string()), "{out}");
    // Deleting a pod frees the room.
    ok(&mut s, "kubectl delete pod a -n q --grace-period=0 --force");
    ok(&mut s, "kubectl run c --image=nginx -n q");
}

#[test]
fn a_compute_quota_needs_every_container_to_say_what_it_uses() {
    let mut s = session();
    ok(
        &mut s,
        "kubectl create quota cq --hard=requests.cpu=1,limits.cpu=2,limits.memory=1Gi -n q",
    );
    let out = s.run("kubectl run nginx --image=nginx -n q");
    assert_eq!(
        out.stderr,
        "Error from server (Forbidden): pods \"nginx\" is forbidden: failed quota: cq: must specify limits.cpu for: nginx; limits.memory for: nginx; requests.cpu for: nginx\n"
    );
    ok(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: small
  namespace: q
spec:
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: 600m}
      limits: {cpu: 800m, memory: 512Mi}
EOF",
    );
    let out = s.run(
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: second
  namespace: q
spec:
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: 600m}
      limits: {cpu: 800m, memory: 256Mi}
EOF",
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("pods \"second\" is forbidden: exceeded quota: cq, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1"),
        "{}",
        out.stderr
    );
    let out = ok(
        &mut s,
        "kubectl get quota cq -n q -o jsonpath='{.status.used}'",
    );
    assert!(out.contains("\"limits.memory\":\"512Mi\""), "{out}");
    assert!(out.contains("\"requests.cpu\":\"600m\""), "{out}");
}

#[test]
fn a_deployment_over_quota_stays_short_with_failed_create_events() {
    let mut s = session();
    ok(&mut s, "kubectl create quota q1 --hard=pods=2 -n q");
    ok(
        &mut s,
        "kubectl create deployment web --image=nginx --replicas=3 -n q",
    );
    s.world.advance(10);
    let out = ok(&mut s, "kubectl get deploy web -n q --no-headers");
    assert!(out.starts_with("web   2/3 "), "{out}");
    let out = ok(&mut s, "kubectl get events -n q");
    assert!(out.contains("FailedCreate"), "{out}");
    assert!(
        out.contains("exceeded quota: q1, requested: pods=1, used: pods=2, limited: pods=2"),
        "{out}"
    );
}

#[test]
fn a_limit_range_injects_defaults_and_rejects_what_exceeds_max() {
    let mut s = session();
    ok(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: LimitRange
metadata:
  name: lr
  namespace: q
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
    defaultRequest: {cpu: 250m}
    max: {cpu: \"1\"}
    min: {memory: 64Mi}
EOF",
    );
    ok(&mut s, "kubectl run web --image=nginx -n q");
    let out = ok(
        &mut s,
        "kubectl get pod web -n q -o jsonpath='{.spec.containers[0].resources}'",
    );
    assert_eq!(
        out,
        "{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"requests\":{\"cpu\":\"250m\",\"memory\":\"256Mi\"}}"
    );
    let out = ok(
        &mut s,
        "kubectl get pod web -n q -o jsonpath='{.metadata.annotations.kubernetes\\.io/limit-ranger}'",
    );
    assert_eq!(
        out,
        "LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web"
    );
    let out = s.run(
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: big
  namespace: q
spec:
  containers:
  - name: app
    image: nginx
    resources:
      limits: {cpu: \"2\", memory: 32Mi}
EOF",
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("pods \"big\" is forbidden: [minimum memory usage per Container is 64Mi, but request is 32Mi, maximum cpu usage per Container is 1, but limit is 2]"),
        "{}",
        out.stderr
    );
}

const CSR_PEM: &str = "-----BEGIN CERTIFICATE REQUEST-----\nMIICVjCCAT4CAQAwETEPMA0GA1UEAwwGYWtzaGF5MIIBIjANBgkqhkiG9w0BAQEF\n-----END CERTIFICATE REQUEST-----\n";

#[test]
fn a_csr_is_approved_and_issued() {
    let mut s = session();
    let request = base64::engine::general_purpose::STANDARD.encode(CSR_PEM);
    ok(
        &mut s,
        &format!(
            "kubectl apply -f - <<EOF
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: akshay
spec:
  request: {request}
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 86400
  usages:
  - client auth
EOF"
        ),
    );
    let out = ok(&mut s, "kubectl get csr");
    let lines = words(&out);
    assert_eq!(
        lines[0],
        "NAME AGE SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION"
    );
    assert!(lines[1].starts_with("akshay "), "{out}");
    assert!(
        lines[1].ends_with("kubernetes.io/kube-apiserver-client kubernetes-admin 24h Pending"),
        "{out}"
    );
    assert_eq!(
        ok(&mut s, "kubectl certificate approve akshay"),
        "certificatesigningrequest.certificates.k8s.io/akshay approved\n"
    );
    let out = ok(&mut s, "kubectl get csr akshay --no-headers");
    assert!(out.trim_end().ends_with("Approved,Issued"), "{out}");
    let cert = ok(
        &mut s,
        "kubectl get csr akshay -o jsonpath='{.status.certificate}'",
    );
    let pem = base64::engine::general_purpose::STANDARD
        .decode(cert.trim())
        .expect("base64");
    let pem = String::from_utf8(pem).expect("utf8");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
    let out = s.run("kubectl certificate deny akshay");
    assert_eq!(out.code, 1);
    let bad = s.run(
        "kubectl apply -f - <<EOF
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: bad
spec:
  request: aGVsbG8=
  signerName: kubernetes.io/kube-apiserver-client
  usages: [client auth]
EOF",
    );
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .contains("PEM block type must be CERTIFICATE REQUEST"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_csr_can_be_denied() {
    let mut s = session();
    let request = base64::engine::general_purpose::STANDARD.encode(CSR_PEM);
    ok(
        &mut s,
        &format!(
            "kubectl apply -f - <<EOF
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: agent-x
spec:
  request: {request}
  signerName: kubernetes.io/kube-apiserver-client
  usages: [client auth]
EOF"
        ),
    );
    assert_eq!(
        ok(&mut s, "kubectl certificate deny agent-x"),
        "certificatesigningrequest.certificates.k8s.io/agent-x denied\n"
    );
    let out = ok(&mut s, "kubectl get csr agent-x --no-headers");
    assert!(out.trim_end().ends_with("<none>   Denied"), "{out}");
    assert_eq!(
        ok(
            &mut s,
            "kubectl get csr agent-x -o jsonpath='{.status.certificate}'"
        ),
        ""
    );
}

#[test]
fn an_hpa_scales_a_busy_deployment_up_to_its_max() {
    let mut s = session();
    ok(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: q
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations:
        kubedojo.io/cpu-usage: 90m
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {cpu: 100m}
EOF",
    );
    ok(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: q
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 50}
EOF",
    );
    s.world.advance(10);
    let out = ok(&mut s, "kubectl get hpa -n q");
    let lines = words(&out);
    assert_eq!(
        lines[0],
        "NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE"
    );
    assert!(
        lines[1].starts_with("web Deployment/web cpu: 90%/50% 1 5 "),
        "{out}"
    );
    for _ in 0..8 {
        s.world.advance(20);
        s.run("kubectl get pods -n q");
    }
    let out = ok(
        &mut s,
        "kubectl get deploy web -n q -o jsonpath='{.spec.replicas}'",
    );
    assert_eq!(out, "5");
    let out = ok(&mut s, "kubectl get events -n q");
    assert!(
        out.contains(
            "New size: 2; reason: cpu resource utilization (percentage of request) above target"
        ),
        "{out}"
    );
    let out = ok(&mut s, "kubectl get hpa web -n q --no-headers");
    assert!(
        words(&out)[0].starts_with("web Deployment/web cpu: 90%/50% 1 5 5 "),
        "{out}"
    );
}

#[test]
fn an_hpa_without_requests_cannot_compute_utilization() {
    let mut s = session();
    ok(&mut s, "kubectl create deployment api --image=nginx -n q");
    ok(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
  namespace: q
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  maxReplicas: 3
EOF",
    );
    s.world.advance(10);
    let out = ok(&mut s, "kubectl get hpa api -n q --no-headers");
    assert!(
        words(&out)[0].starts_with("api Deployment/api cpu: <unknown>/80% 1 3 1 "),
        "{out}"
    );
    let out = ok(
        &mut s,
        "kubectl get hpa api -n q -o jsonpath='{.status.conditions[1].reason}'",
    );
    assert_eq!(out, "FailedGetResourceMetric");
}

#[test]
fn a_best_effort_scoped_quota_counts_only_pods_without_resources() {
    let mut s = kubedojo::session::Session::sandbox(kubedojo::session::ClockMode::Manual);
    let out = s.run("kubectl create quota be --hard=pods=1 --scopes=BestEffort");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(s.run("kubectl run a --image=nginx").code, 0);
    let out = s.run("kubectl run b --image=nginx");
    assert!(
        out.stderr.contains(
            "is forbidden: exceeded quota: be, requested: pods=1, used: pods=1, limited: pods=1"
        ),
        "{out:?}"
    );
    let out = s.run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: sized\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: 100m\nEOF");
    assert_eq!(
        out.stdout, "pod/sized created\n",
        "a pod with requests is not BestEffort: {out:?}"
    );
}
