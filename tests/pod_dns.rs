//! What a pod sees of the network as the exam's one-shot test pods show it: cluster DNS through the
//! resolver's search list (services, headless services, StatefulSet pod hostnames, pod A records,
//! `localhost`), `kubectl run --rm -it` printing the command's output, and a failed `wget` leaving
//! its pod in `Error`.

use kubedojo::session::{ClockMode, Session};

fn run_ok(s: &mut Session, cmd: &str) -> kubedojo::Output {
    let out = s.run(cmd);
    assert_eq!(out.code, 0, "{cmd}: {}{}", out.stdout, out.stderr);
    out
}

/// An nginx pod `web` (label app=web) behind a ClusterIP service `web-svc` and a headless `web-hl`.
fn app() -> Session {
    let mut s = Session::sandbox(ClockMode::Manual);
    for cmd in [
        "kubectl run web --image=nginx --labels=app=web --port=80",
        "kubectl expose pod web --port=80 --name=web-svc",
        "kubectl expose pod web --port=80 --name=web-hl --cluster-ip=None",
    ] {
        run_ok(&mut s, cmd);
    }
    s.world.advance(20);
    s
}

fn pod_ip(s: &mut Session, pod: &str) -> String {
    run_ok(
        s,
        &format!("kubectl get pod {pod} -o jsonpath='{{.status.podIP}}'"),
    )
    .stdout
}

#[test]
fn run_rm_it_prints_the_output_of_the_command_then_deletes_the_pod() {
    let mut s = app();
    let out = run_ok(
        &mut s,
        "kubectl run tmp --image=busybox --restart=Never --rm -it -- wget -qO- web-svc",
    );
    assert!(
        out.stdout.contains("<title>Welcome to nginx!</title>"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with("pod \"tmp\" deleted\n"),
        "{}",
        out.stdout
    );
    let out = s.run("kubectl get pod tmp");
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): pods \"tmp\" not found\n"
    );
    let out = run_ok(
        &mut s,
        "kubectl run tmp2 --image=busybox --restart=Never --rm -it -- echo hello",
    );
    assert_eq!(
        out.stdout, "hello\npod \"tmp2\" deleted\n",
        "{}",
        out.stderr
    );
    // A failed command: the output, the deletion, then kubectl's error with the exit code.
    let out = s.run(
        "kubectl run tmp3 --image=busybox --restart=Never --rm -it -- wget -qO- -T 1 web-svc:81",
    );
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "pod \"tmp3\" deleted\n");
    assert!(
        out.stderr
            .ends_with("pod default/tmp3 terminated (Error)\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_refused_wget_fails_its_pod_and_logs_why() {
    let mut s = app();
    run_ok(
        &mut s,
        "kubectl run bad --image=busybox --restart=Never -- wget -qO- -T 2 web-svc:8080",
    );
    run_ok(
        &mut s,
        "kubectl run good --image=busybox --restart=Never -- wget -qO- -T 2 web-svc",
    );
    s.world.advance(10);
    let out = run_ok(&mut s, "kubectl get pods bad good --no-headers");
    let status: Vec<&str> = out
        .stdout
        .lines()
        .map(|l| l.split_whitespace().nth(2).unwrap_or(""))
        .collect();
    assert_eq!(status, ["Error", "Completed"], "{}", out.stdout);
    let ip = run_ok(
        &mut s,
        "kubectl get svc web-svc -o jsonpath='{.spec.clusterIP}'",
    )
    .stdout;
    let out = run_ok(&mut s, "kubectl logs bad");
    assert_eq!(
        out.stdout,
        format!("wget: can't connect to remote host ({ip}): Connection refused\n")
    );
    let out = run_ok(&mut s, "kubectl logs good");
    assert!(out.stdout.contains("Welcome to nginx!"), "{}", out.stdout);
}

#[test]
fn localhost_is_the_pod_itself() {
    let mut s = app();
    let out = run_ok(&mut s, "kubectl exec web -- curl -s localhost");
    assert!(out.stdout.contains("Welcome to nginx!"), "{}", out.stdout);
    let out = s.run("kubectl exec web -- curl -s 127.0.0.1:8080");
    assert_eq!(out.code, 7);
    assert!(
        out.stderr
            .starts_with("curl: (7) Failed to connect to 127.0.0.1 port 8080"),
        "{}",
        out.stderr
    );
}

#[test]
fn headless_services_and_pod_records_resolve_to_pod_ips() {
    let mut s = app();
    let ip = pod_ip(&mut s, "web");
    // The nginx image has no nslookup; a busybox client has.
    run_ok(&mut s, "kubectl run client --image=busybox -- sleep 3600");
    s.world.advance(10);
    let out = run_ok(&mut s, "kubectl exec client -- nslookup web-hl");
    assert!(
        out.stdout.ends_with(&format!(
            "Name:\tweb-hl.default.svc.cluster.local\nAddress: {ip}\n\n"
        )),
        "{}",
        out.stdout
    );
    let dashed = ip.replace('.', "-");
    let out = run_ok(
        &mut s,
        &format!("kubectl exec client -- nslookup {dashed}.default.pod.cluster.local"),
    );
    assert!(
        out.stdout.contains(&format!("Address: {ip}\n")),
        "{}",
        out.stdout
    );
    let out = run_ok(&mut s, "kubectl exec web -- curl -s web-hl");
    assert!(out.stdout.contains("Welcome to nginx!"), "{}", out.stdout);
}

#[test]
fn statefulset_pods_resolve_by_hostname_under_their_service() {
    let mut s = Session::sandbox(ClockMode::Manual);
    run_ok(
        &mut s,
        "cat > sts.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: db
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: nginx
        image: nginx
EOF",
    );
    run_ok(&mut s, "kubectl apply -f sts.yaml");
    run_ok(&mut s, "kubectl run client --image=busybox -- sleep 3600");
    s.world.advance(60);
    let ip = pod_ip(&mut s, "db-1");
    let out = run_ok(&mut s, "kubectl exec db-0 -- curl -s db-1.nginx");
    assert!(out.stdout.contains("Welcome to nginx!"), "{}", out.stdout);
    let out = run_ok(
        &mut s,
        "kubectl exec client -- nslookup db-1.nginx.default.svc.cluster.local",
    );
    assert!(
        out.stdout.contains(&format!(
            "Name:\tdb-1.nginx.default.svc.cluster.local\nAddress: {ip}\n"
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn busybox_1_28_nslookup_prints_the_old_layout() {
    let mut s = app();
    let ip = run_ok(
        &mut s,
        "kubectl get svc web-svc -o jsonpath='{.spec.clusterIP}'",
    )
    .stdout;
    let out = run_ok(
        &mut s,
        "kubectl run dns --image=busybox:1.28 --restart=Never --rm -it -- nslookup web-svc",
    );
    assert_eq!(
        out.stdout,
        format!(
            "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n\
             Name:      web-svc\nAddress 1: {ip} web-svc.default.svc.cluster.local\npod \"dns\" deleted\n"
        )
    );
}

#[test]
fn lookups_time_out_while_coredns_is_scaled_to_zero_and_recover_when_it_returns() {
    let mut s = app();
    run_ok(&mut s, "kubectl run client --image=busybox -- sleep 3600");
    s.world.advance(10);
    run_ok(&mut s, "kubectl exec client -- nslookup web-svc");
    run_ok(
        &mut s,
        "kubectl -n kube-system scale deployment coredns --replicas=0",
    );
    s.world.advance(40);
    let out = s.run("kubectl exec client -- nslookup web-svc");
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains(";; connection timed out; no servers could be reached"),
        "{}",
        out.stdout
    );
    let out = s.run("kubectl exec client -- wget -qO- -T 2 web-svc");
    assert!(
        out.stderr.contains("wget: bad address 'web-svc'"),
        "{}",
        out.stderr
    );
    run_ok(
        &mut s,
        "kubectl -n kube-system scale deployment coredns --replicas=2",
    );
    s.world.advance(30);
    let out = run_ok(&mut s, "kubectl exec client -- wget -qO- web-svc");
    assert!(out.stdout.contains("Welcome to nginx!"), "{}", out.stdout);
}

#[test]
fn a_corefile_that_no_longer_serves_cluster_local_makes_service_names_nxdomain() {
    let mut s = app();
    run_ok(&mut s, "kubectl run client --image=busybox -- sleep 3600");
    s.world.advance(10);
    run_ok(
        &mut s,
        "kubectl -n kube-system get cm coredns -o yaml | sed 's/kubernetes cluster.local/kubernetes cluster.lcoal/' > /tmp/cm.yaml",
    );
    run_ok(&mut s, "kubectl replace -f /tmp/cm.yaml");
    let out = s.run("kubectl exec client -- nslookup web-svc");
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("NXDOMAIN") || out.stderr.contains("NXDOMAIN"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    // The kubeadm configuration objects tell the learner what the domain should be.
    let out = run_ok(
        &mut s,
        "kubectl -n kube-system get cm kubeadm-config -o jsonpath='{.data.ClusterConfiguration}' | grep dnsDomain",
    );
    assert_eq!(out.stdout.trim(), "dnsDomain: cluster.local");
}

#[test]
fn a_corefile_coredns_cannot_parse_crashes_new_servers_until_it_is_fixed() {
    let mut s = app();
    run_ok(&mut s, "kubectl run client --image=busybox -- sleep 3600");
    s.world.advance(10);
    run_ok(
        &mut s,
        "kubectl -n kube-system get cm coredns -o yaml | sed 's| forward \\. /etc/resolv.conf| proxy . /etc/resolv.conf|' > /tmp/cm.yaml",
    );
    run_ok(&mut s, "kubectl replace -f /tmp/cm.yaml");
    // The running servers fail to reload and keep their configuration: lookups still work.
    s.world.advance(30);
    run_ok(&mut s, "kubectl exec client -- nslookup web-svc");
    // Restarted, they cannot start: CrashLoopBackOff, the parse error in their log, no DNS.
    run_ok(
        &mut s,
        "kubectl -n kube-system delete pod -l k8s-app=kube-dns",
    );
    s.world.advance(20);
    let out = run_ok(
        &mut s,
        "kubectl -n kube-system get pods -l k8s-app=kube-dns --no-headers",
    );
    assert_eq!(
        out.stdout.matches("CrashLoopBackOff").count(),
        2,
        "{}",
        out.stdout
    );
    let out = run_ok(&mut s, "kubectl -n kube-system logs deploy/coredns");
    assert_eq!(
        out.stdout,
        "/etc/coredns/Corefile:13 - Error during parsing: Unknown directive 'proxy'\n"
    );
    let out = s.run("kubectl exec client -- nslookup web-svc");
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    // Fixed, they come up at their next restart and serve again.
    run_ok(
        &mut s,
        "kubectl -n kube-system get cm coredns -o yaml | sed 's| proxy \\. /etc/resolv.conf| forward . /etc/resolv.conf|' | kubectl replace -f -",
    );
    s.world.advance(120);
    let out = run_ok(
        &mut s,
        "kubectl -n kube-system get pods -l k8s-app=kube-dns --no-headers",
    );
    assert_eq!(out.stdout.matches(" Running ").count(), 2, "{}", out.stdout);
    let out = run_ok(&mut s, "kubectl -n kube-system logs deploy/coredns");
    assert!(
        out.stdout
            .starts_with(".:53\n[INFO] plugin/reload: Running configuration SHA512 = "),
        "{}",
        out.stdout
    );
    run_ok(&mut s, "kubectl exec client -- nslookup web-svc");
}
