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

#[test]
fn a_pvc_binds_to_the_matching_pv_and_the_pod_using_it_runs() {
    let mut s = session();
    apply(
        &mut s,
        "pv.yaml",
        "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-small\nspec:\n  capacity:\n    storage: 1Gi\n  accessModes: [ReadWriteOnce]\n  hostPath:\n    path: /data/small\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-big\nspec:\n  capacity:\n    storage: 5Gi\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Delete\n  hostPath:\n    path: /data/big\n",
    );
    apply(
        &mut s,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: data\n  containers:\n  - name: app\n    image: nginx\n",
    );
    let out = s.run("kubectl get pod app -o jsonpath={.status.conditions[0].message}");
    assert_eq!(out.stdout, "0/3 nodes are available: persistentvolumeclaim \"data\" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    apply(
        &mut s,
        "pvc.yaml",
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 2Gi\n",
    );
    let out = s.run("kubectl get pvc data");
    assert_eq!(out.stdout, "NAME   STATUS   VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\ndata   Bound    pv-big   5Gi        RWO                           <unset>                 1s\n");
    let out = s.run("kubectl get pv --no-headers");
    assert!(
        out.stdout
            .contains("pv-big     5Gi   RWO   Delete   Bound       default/data"),
        "{}",
        out.stdout
    );
    s.world.advance(10);
    let out = s.run("kubectl get pod app --no-headers");
    assert!(out.stdout.contains("Running"), "{}", out.stdout);
    s.run("kubectl delete pod app");
    s.run("kubectl delete pvc data");
    let out = s.run("kubectl get pv -o name");
    assert_eq!(out.stdout, "persistentvolume/pv-small\n");
}

#[test]
fn a_pvc_asking_for_a_class_nobody_provides_stays_pending() {
    let mut s = session();
    apply(
        &mut s,
        "pvc.yaml",
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: fast\nspec:\n  storageClassName: fast\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n",
    );
    s.world.advance(30);
    let out = s.run("kubectl get pvc fast --no-headers");
    assert_eq!(
        out.stdout,
        "fast   Pending                     fast   <unset>   31s\n"
    );
    let out = s.run("kubectl get events --field-selector involvedObject.name=fast -o jsonpath={.items[0].message}");
    assert_eq!(out.stdout, "storageclass.storage.k8s.io \"fast\" not found");
}

#[test]
fn a_cronjob_every_minute_creates_a_job_after_a_minute() {
    let mut s = session();
    let out = s.run(
        "kubectl create cronjob tick --image=busybox --schedule='*/1 * * * *' -- sh -c 'echo tick'",
    );
    assert_eq!(out.stdout, "cronjob.batch/tick created\n", "{}", out.stderr);
    let out = s.run("kubectl get cj tick");
    assert_eq!(out.stdout, "NAME   SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\ntick   */1 * * * *   <none>     False     0        <none>          1s\n");
    let out = s.run("kubectl get jobs");
    assert_eq!(out.stderr, "No resources found in default namespace.\n");
    s.world.advance(65);
    let out = s.run("kubectl get jobs -o name");
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    assert!(out.stdout.starts_with("job.batch/tick-"), "{}", out.stdout);
    s.world.advance(240);
    let out = s.run("kubectl get jobs --no-headers");
    let complete = out
        .stdout
        .lines()
        .filter(|l| l.contains("Complete"))
        .count();
    assert_eq!(complete, 3, "history keeps 3: {}", out.stdout);
    let out = s.run("kubectl get cj tick -o jsonpath={.spec.concurrencyPolicy},{.spec.successfulJobsHistoryLimit},{.spec.failedJobsHistoryLimit}");
    assert_eq!(out.stdout, "Allow,3,1");
}
