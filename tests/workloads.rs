//! Workload controllers read like the exam: Jobs, CronJobs, StatefulSets, volumes and claims.

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

#[test]
fn a_job_with_completions_3_ends_complete_with_3_of_3() {
    let mut s = session();
    apply(
        &mut s,
        "job.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  completions: 3\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: busybox\n        command: [\"sh\", \"-c\", \"echo done\"]\n",
    );
    let out = s.run("kubectl get job pi");
    assert!(
        out.stdout.contains("pi     Running   0/3"),
        "{}",
        out.stdout
    );
    s.world.advance(60);
    let out = s.run("kubectl get job pi --no-headers");
    assert!(
        out.stdout.starts_with("pi    Complete   3/3"),
        "{}",
        out.stdout
    );
    let out = s.run("kubectl get pods -l job-name=pi --no-headers");
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
    assert!(out.stdout.contains("Completed"), "{}", out.stdout);
    let out = s.run("kubectl get job pi -o jsonpath={.spec.backoffLimit},{.spec.parallelism},{.spec.completionMode},{.spec.podReplacementPolicy},{.status.succeeded}");
    assert_eq!(out.stdout, "6,1,NonIndexed,TerminatingOrFailed,3");
}

#[test]
fn a_job_whose_pods_fail_stops_at_its_backoff_limit() {
    let mut s = session();
    apply(
        &mut s,
        "job.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: bad\nspec:\n  backoffLimit: 1\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: bad\n        image: busybox\n        command: [\"sh\", \"-c\", \"exit 1\"]\n",
    );
    s.world.advance(120);
    let out = s.run("kubectl get job bad --no-headers");
    assert!(
        out.stdout.starts_with("bad   Failed   0/1"),
        "{}",
        out.stdout
    );
    let out = s.run("kubectl get job bad -o jsonpath='{.status.failed},{.status.conditions[*].type},{.status.conditions[*].reason}'");
    assert_eq!(
        out.stdout, "2,FailureTarget Failed,BackoffLimitExceeded BackoffLimitExceeded",
        "{}",
        out.stderr
    );
}

#[test]
fn a_statefulset_of_3_creates_web_0_then_web_1_then_web_2() {
    let mut s = session();
    apply(
        &mut s,
        "sts.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: web\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n",
    );
    let out = s.run("kubectl get pods --no-headers -o custom-columns=NAME:.metadata.name");
    assert_eq!(out.stdout, "web-0\n");
    let mut seen = Vec::new();
    for _ in 0..30 {
        s.world.advance(1);
        let out = s.run("kubectl get pods --no-headers -o custom-columns=NAME:.metadata.name");
        if seen.last() != Some(&out.stdout) {
            seen.push(out.stdout);
        }
    }
    assert_eq!(seen, ["web-0\nweb-1\n", "web-0\nweb-1\nweb-2\n"]);
    let out = s.run("kubectl get sts web");
    assert_eq!(out.stdout, "NAME   READY   AGE\nweb    3/3     62s\n");
    s.run("kubectl scale sts web --replicas=1");
    let out = s.run("kubectl get pods --no-headers -o custom-columns=NAME:.metadata.name");
    assert_eq!(out.stdout, "web-0\n");
}
