#![allow(clippy::panic)] // a test names the scenario it could not find
//! Every scenario in `scenarios/`: its reference solution scores full marks for several seeds, and an
//! empty attempt scores zero — through the same Session API the learner's grading uses.

use kubedojo::scenario::load::load_dir;
use kubedojo::session::{ClockMode, Session};
use std::path::Path;

/// Every scenario's reference solution must score full marks for this many different seeds.
const SEEDS: u64 = 20;

fn scenarios() -> Vec<kubedojo::scenario::Loaded> {
    let (good, bad) = load_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .as_path(),
    );
    assert!(bad.is_empty(), "broken scenario files: {bad:#?}");
    assert!(
        good.len() >= 3,
        "expected at least 3 scenarios, found {}",
        good.len()
    );
    good
}

#[test]
fn every_reference_solution_scores_full_marks() {
    let mut failures = Vec::new();
    for l in scenarios() {
        for seed in 1..=SEEDS {
            let mut s = match Session::start(&l, seed, ClockMode::Manual) {
                Ok(s) => s,
                Err(e) => {
                    failures.push(format!("{} seed {seed}: {e}", l.scenario.id));
                    continue;
                }
            };
            let ran = s.run_solution();
            // The store's indexes (what controllers look up instead of scanning) must agree with
            // the objects after every scenario's setup and solution.
            for c in s.world.clusters.values() {
                if let Err(e) = c.check_indexes() {
                    failures.push(format!("{} seed {seed}: {e}", l.scenario.id));
                }
            }
            let Some(r) = s.grade() else { continue };
            if !r.full_marks() {
                let failed: Vec<String> = r
                    .findings
                    .iter()
                    .filter(|f| !f.passed)
                    .map(|f| format!("{}: {}", f.description, f.feedback))
                    .collect();
                let outs: Vec<String> = ran
                    .iter()
                    .map(|(c, o)| format!("$ {c}\n{}{}", o.stdout, o.stderr))
                    .collect();
                failures.push(format!(
                    "{} seed {seed}: {}/{}\n  {}\n{}",
                    l.scenario.id,
                    r.earned,
                    r.possible,
                    failed.join("\n  "),
                    outs.join("")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_empty_attempt_scores_zero() {
    for l in scenarios() {
        let s = Session::start(&l, 7, ClockMode::Manual).expect("scenario starts");
        let r = s.grade().expect("a task is graded");
        assert_eq!(
            r.earned, 0,
            "{}: an empty attempt earned {:?}",
            l.scenario.id, r.findings
        );
    }
}

/// The seed the partial-attempt and second-solution tables are written for.
const TABLE_SEED: u64 = 3;

/// Starts scenario `id` with `TABLE_SEED`, runs `commands` (with `{{param}}` filled in from the same
/// seed), and returns the points earned, the points possible, and a transcript for failure messages.
fn attempt(all: &[kubedojo::scenario::Loaded], id: &str, commands: &[&str]) -> (u32, u32, String) {
    let seed = TABLE_SEED;
    let l = all
        .iter()
        .find(|l| l.scenario.id == id)
        .unwrap_or_else(|| panic!("no scenario {id}"));
    let values = kubedojo::scenario::params::draw(&l.scenario, seed);
    let mut s = Session::start(l, seed, ClockMode::Manual).expect("scenario starts");
    let mut log = String::new();
    for c in commands {
        let line = kubedojo::scenario::params::substitute(c, &values);
        let o = s.run(&line);
        log.push_str(&format!("$ {line}\n{}{}", o.stdout, o.stderr));
    }
    let r = s.grade().expect("a task is graded");
    let failed: Vec<String> = r
        .findings
        .iter()
        .filter(|f| !f.passed)
        .map(|f| format!("  FAIL {}: {}", f.description, f.feedback))
        .collect();
    log.push_str(&failed.join("\n"));
    (r.earned, r.possible, log)
}

/// Attempts that solve part of a task, and the exact points they must earn: partial credit is given
/// per requirement, and a requirement that was not met earns nothing.
const PARTIAL: &[(&str, &[&str], u32)] = &[
    // The request lowered until the pods fit, but still above the limit the task set.
    (
        "pending-resources",
        &["kubectl -n {{ns}} set resources deployment {{name}} --requests=cpu=500m"],
        3,
    ),
    // The taint removed from the reserved node instead: the pod runs, but on node02.
    ("pending-taint", &["kubectl taint nodes node02 {{reserved}}-"], 1),
    // The service changed instead of the pod: endpoints, but the label is still wrong.
    (
        "pod-label-typo-endpoints",
        &[
            "kubectl delete svc {{svc}}",
            "kubectl expose pod {{pod}} --name={{svc}} --port=80",
        ],
        2,
    ),
    // The wrong node labelled: the pods run, but not where they should.
    (
        "pending-node-selector",
        &["kubectl label node controlplane {{label}}=ssd", "kubectl taint node controlplane node-role.kubernetes.io/control-plane-"],
        2,
    ),
    ("change-cause-update", &["kubectl set image deployment/{{name}} {{container}}={{image}}"], 2),
    ("clusterrole-node-reader", &["kubectl create clusterrole {{role}} --verb=get,list,watch --resource=nodes"], 2),
    ("serviceaccount-rolebinding", &["kubectl create serviceaccount {{sa}} -n {{ns}}"], 1),
    (
        "serviceaccount-rolebinding",
        &[
            "kubectl create serviceaccount {{sa}} -n {{ns}}",
            "kubectl create role deployer --verb=create,get,list,update,delete --resource=deployments.apps -n {{ns}}",
        ],
        4,
    ),
    (
        "secret-volume",
        &["kubectl create secret generic {{secret}} --from-literal=username={{user}} --from-literal=password={{pass}} -n {{ns}}"],
        1,
    ),
    ("serviceaccount-pod", &["kubectl create serviceaccount {{sa}} -n {{ns}}"], 1),
    // Only runAsUser: the group and the privilege-escalation setting are missing.
    (
        "security-context-user",
        &["kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod}}\nspec:\n  securityContext:\n    runAsUser: {{uid}}\n  containers:\n  - name: main\n    image: busybox\n    command: [\"sleep\", \"3600\"]\nEOF"],
        2,
    ),
    // hostPath without a type: the directory would not be created.
    (
        "hostpath-pod-volume",
        &["kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod}}\nspec:\n  containers:\n  - name: main\n    image: busybox\n    command: [\"sleep\", \"3600\"]\n    volumeMounts:\n    - name: host\n      mountPath: /data\n  volumes:\n  - name: host\n    hostPath:\n      path: {{hostdir}}\nEOF"],
        2,
    ),
    // A disk-backed emptyDir.
    (
        "emptydir-memory",
        &["kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod}}\n  namespace: {{ns}}\nspec:\n  containers:\n  - name: redis\n    image: redis:alpine\n    volumeMounts:\n    - name: scratch\n      mountPath: /scratch\n  volumes:\n  - name: scratch\n    emptyDir: {}\nEOF"],
        2,
    ),
    // A random node port instead of the one asked for.
    (
        "nodeport-deployment-ns",
        &["kubectl expose deployment {{name}} --type=NodePort --port=80 --name={{name}}-np -n {{ns}}"],
        4,
    ),
    // No class, and an Exact path.
    ("ingress-host-rule", &["kubectl create ingress {{svc}}-ingress -n {{ns}} --rule='{{host}}/={{svc}}:80'"], 3),
    // `create service clusterip` selects app={{svc}}: no endpoints.
    ("clusterip-for-pod", &["kubectl create service clusterip {{svc}} --tcp=6379 -n {{ns}}"], 1),
    // No target port: it defaults to the service port, where nothing listens.
    ("service-named-port", &["kubectl expose deployment {{name}} --name={{name}}-svc --port={{port}} -n {{ns}}"], 3),
    // Only the first line of the logs.
    ("pod-logs-to-file", &["kubectl logs {{pod}} -n {{ns}} | head -1 > /opt/{{file}}"], 1),
    ("rbac-role-binding", &["kubectl create role {{role}} --verb=get,list,watch --resource=pods -n {{ns}}"], 2),
    ("secret-env", &["kubectl create secret generic {{secret}} --from-literal=DB_PASSWORD=s3cr3t -n {{ns}}"], 2),
    // Cordoned but not drained: the pods are still on the node.
    ("drain-node", &["kubectl cordon {{node}}"], 2),
    // Started but not enabled: the next reboot brings the problem back.
    ("node-notready-kubelet", &["ssh {{node}} systemctl start kubelet"], 2),
    // The missing file created instead of the config fixed: the node is back, the config is not.
    (
        "kubelet-crashloop-config",
        &[
            "ssh {{node}} cp /etc/kubernetes/pki/ca.crt {{wrong}}",
            "ssh {{node}} systemctl restart kubelet",
        ],
        5,
    ),
    // The claim fixed, but the pod deleted and never created again.
    (
        "pvc-pending-class",
        &[
            "kubectl delete pod {{pod}} -n {{ns}}",
            "kubectl delete pvc {{pvc}} -n {{ns}}",
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {{pvc}}\n  namespace: {{ns}}\nspec:\n  storageClassName: \"\"\n  accessModes: [\"ReadWriteOnce\"]\n  resources:\n    requests:\n      storage: 1Gi\nEOF",
        ],
        3,
    ),
    // Both workers labelled: the pods run, but not all on the node asked for.
    ("pending-affinity", &["kubectl label node node01 node02 {{key}}={{want}} --overwrite"], 3),
    // The static pod on the right node, with the wrong image.
    (
        "static-pod-worker",
        &["kubectl run {{name}} --image=nginx:1.27 --restart=Never --dry-run=client -o yaml --command -- sleep {{secs}} | ssh {{node}} 'cat > /etc/kubernetes/manifests/{{name}}.yaml'"],
        5,
    ),
    // An Ingress without its TLS section (and no secret).
    ("ingress-tls", &["kubectl create ingress {{ing}} -n {{ns}} --class=nginx --rule=\"{{host}}/*={{svc}}:80\""], 4),
    // The StatefulSet without its headless service.
    (
        "statefulset-headless",
        &["kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {{sts}}\n  namespace: {{ns}}\nspec:\n  serviceName: {{svc}}\n  replicas: 3\n  selector:\n    matchLabels:\n      app: {{app}}\n  template:\n    metadata:\n      labels:\n        app: {{app}}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n        volumeMounts:\n        - name: www\n          mountPath: /usr/share/nginx/html\n  volumeClaimTemplates:\n  - metadata:\n      name: www\n    spec:\n      storageClassName: {{sc}}\n      accessModes: [\"ReadWriteOnce\"]\n      resources:\n        requests:\n          storage: 1Gi\nEOF"],
        6,
    ),
    // The image updated with the default strategy and no cause recorded.
    ("rolling-update-strategy", &["kubectl set image deployment/{{name}} nginx=nginx:{{new}} -n {{ns}}"], 3),
    // The taint and the plain pod, but no tolerating pod.
    (
        "taint-plain-pod",
        &["kubectl taint nodes {{node}} {{key}}={{value}}:NoSchedule", "kubectl run {{plain}} --image=nginx:1.27"],
        5,
    ),
    // The pod without any resources.
    ("resources-requests-limits", &["kubectl run {{pod}} --image={{image}} -n {{ns}}"], 1),
    // Every image, space-separated, repeats included.
    ("pod-images-report", &["kubectl get pods -n {{ns}} -o jsonpath='{.items[*].spec.containers[*].image}' > /opt/{{file}}"], 1),
    // The service's own cluster DNS name instead of the external host.
    (
        "externalname-service",
        &[
            "kubectl create service externalname {{svc}} --external-name={{svc}}.{{ns}}.svc.cluster.local -n {{ns}}",
        ],
        1,
    ),
    // `kubectl expose` alone: a random node port instead of the one asked for.
    (
        "nodeport-fixed-port",
        &[
            "kubectl expose deployment {{app}} --name={{app}}-service --type=NodePort --port=8080 --target-port=8080",
        ],
        5,
    ),
    // Only the first path rule.
    (
        "ingress-path-routing",
        &[
            "kubectl create ingress {{ing}} -n {{ns}} --class=nginx --rule=\"{{host}}/{{a}}*={{a}}:80\"",
        ],
        4,
    ),
    // Exposed in default first (the pod is not there), then `create service nodeport`, whose selector matches nothing.
    (
        "expose-pod-nodeport",
        &[
            "kubectl expose pod {{pod}} --name={{pod}}-np --type=NodePort --port={{port}} --target-port=80",
            "kubectl create service nodeport {{pod}}-np -n {{ns}} --tcp={{port}}:80",
        ],
        3,
    ),
    // Egress listed too: the database's outgoing traffic is cut off.
    (
        "network-policy-db",
        &[
            "kubectl apply -f - <<EOF\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db-policy\n  namespace: {{ns}}\nspec:\n  podSelector:\n    matchLabels:\n      role: db\n  policyTypes:\n  - Ingress\n  - Egress\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          role: api\n    ports:\n    - protocol: TCP\n      port: {{port}}\nEOF",
        ],
        5,
    ),
    // `create service clusterip` selects app=<name>, not the pod's tier label: no endpoint.
    (
        "expose-pod",
        &["kubectl create service clusterip {{pod}}-service --tcp={{port}}:{{port}}"],
        4,
    ),
    // No --target-port: traffic goes to the service port, not to 8080.
    (
        "expose-deployment",
        &["kubectl expose deployment {{app}} --name={{app}}-svc --port={{port}}"],
        4,
    ),
    // The pod without its service.
    ("run-and-expose", &["kubectl run {{pod}} -n {{ns}} --image={{image}} --port={{port}}"], 2),
    // Only one of the two variables.
    ("pod-env-vars", &["kubectl run {{pod}} --image={{image}} --env=APP_ENV={{env}}"], 2),
    // One key typed with a dash instead of an underscore.
    (
        "configmap-literals",
        &[
            "kubectl create configmap {{cm}} -n {{ns}} --from-literal=APP_COLOR={{color}} --from-literal=APP_MODE={{mode}} --from-literal=LOG-LEVEL={{level}}",
        ],
        2,
    ),
    // The volume declared but never mounted.
    (
        "configmap-env-and-volume",
        &[
            "kubectl create configmap {{cm}} --from-literal=APP_COLOR={{color}} --from-literal=DEBUG_INFO={{debug}}",
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod}}\nspec:\n  volumes:\n  - name: config\n    configMap:\n      name: {{cm}}\n  containers:\n  - name: web\n    image: {{image}}\n    envFrom:\n    - configMapRef:\n        name: {{cm}}\nEOF",
        ],
        5,
    ),
    // Only the pod named in step 2 labelled, not every tier pod.
    (
        "label-and-annotate",
        &[
            "kubectl label pod web-1 env={{env}} -n {{ns}}",
            "kubectl annotate pod {{first}} owner={{owner}} -n {{ns}}",
        ],
        1,
    ),
    // The deployment without any probe.
    (
        "readiness-probe-exec",
        &[
            "kubectl create deployment {{name}} -n {{ns}} --image={{image}} --replicas={{replicas}} --port={{port}}",
        ],
        2,
    ),
    // The probe with the default delay and period.
    (
        "liveness-probe-http",
        &[
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod}}\nspec:\n  containers:\n  - name: web\n    image: {{image}}\n    livenessProbe:\n      httpGet:\n        path: {{path}}\n        port: 80\nEOF",
        ],
        3,
    ),
    // Every pod deleted, the healthy ones too.
    ("delete-crashing-pod", &["kubectl delete pods -n {{ns}} -l app=workers"], 2),
    // The pod's status line saved instead of its log. (Plain `kubectl logs` is a right answer while
    // the container backs off: the kubelet then serves the log of the run that ended.)
    ("previous-logs-crash", &["kubectl get pod {{pod}} -n {{ns}} > /opt/{{pod}}-crash.log"], 1),
    // Every container's log instead of the sidecar's.
    (
        "sidecar-container-logs",
        &["kubectl logs {{pod}} --all-containers > /opt/{{sidecar}}.log"],
        1,
    ),
    // completions and parallelism set, backoffLimit left at its default.
    (
        "job-completions",
        &[
            "kubectl create job {{job}} --image=busybox:1.36 --dry-run=client -o yaml -- echo {{word}} > /root/job.yaml",
            "sed -i 's/^spec:/spec:\\n  completions: {{completions}}\\n  parallelism: {{parallelism}}/' /root/job.yaml",
            "kubectl apply -f /root/job.yaml",
        ],
        4,
    ),
    // `create cronjob` alone: no concurrency policy, default history limits.
    (
        "cronjob-schedule",
        &[
            "kubectl create cronjob {{name}} --image=busybox:1.36 --schedule=\"{{schedule}}\" -- date",
        ],
        2,
    ),
    // No command: busybox exits at once.
    ("pod-command-sleep", &["kubectl run {{pod}} --image={{image}}"], 1),
    // The init container fills the volume, but nginx never mounts it.
    (
        "init-container-setup",
        &[
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod}}\nspec:\n  volumes:\n  - name: html\n    emptyDir: {}\n  initContainers:\n  - name: {{init}}\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"echo {{word}} > /work/index.html\"]\n    volumeMounts:\n    - name: html\n      mountPath: /work\n  containers:\n  - name: web\n    image: {{image}}\nEOF",
        ],
        4,
    ),
    // The sidecar without its tail command.
    (
        "multi-container-pod",
        &[
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod}}\nspec:\n  volumes:\n  - name: {{vol}}\n    emptyDir: {}\n  containers:\n  - name: web\n    image: {{image}}\n    volumeMounts:\n    - name: {{vol}}\n      mountPath: /var/log/nginx\n  - name: {{sidecar}}\n    image: busybox:1.36\n    volumeMounts:\n    - name: {{vol}}\n      mountPath: /logs\nEOF",
        ],
        4,
    ),
    // A new job from an image instead of from the CronJob's template.
    ("job-from-cronjob", &["kubectl create job {{job}} -n {{ns}} --image=busybox"], 1),
    // The node labelled, but no affinity: the pods spread over both workers.
    (
        "node-affinity-deployment",
        &[
            "kubectl label node node01 {{key}}={{value}}",
            "kubectl create deployment {{name}} --image={{image}} --replicas={{replicas}}",
        ],
        3,
    ),
    // The right label, then the pod deleted "to reschedule it".
    (
        "schedule-with-node-label",
        &[
            "kubectl label node {{node}} {{key}}={{value}}",
            "kubectl delete pod {{pod}}",
        ],
        1,
    ),
    // The DaemonSet tolerates the control plane: a third pod there.
    (
        "daemonset-agent",
        &[
            "kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: {{name}}\n  namespace: {{ns}}\nspec:\n  selector:\n    matchLabels:\n      app: {{name}}\n  template:\n    metadata:\n      labels:\n        app: {{name}}\n    spec:\n      tolerations:\n      - key: node-role.kubernetes.io/control-plane\n        operator: Exists\n        effect: NoSchedule\n      containers:\n      - name: agent\n        image: {{image}}\n        command: [\"sleep\", \"infinity\"]\nEOF",
        ],
        2,
    ),
    // A toleration with the wrong value: the pod stays Pending.
    (
        "taint-toleration",
        &[
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod}}\nspec:\n  tolerations:\n  - key: {{key}}\n    operator: Equal\n    value: {{key}}\n    effect: NoSchedule\n  containers:\n  - name: main\n    image: {{image}}\nEOF",
        ],
        2,
    ),
    // The namespace created, the pod in default.
    (
        "pod-in-namespace",
        &[
            "kubectl create namespace {{ns}}",
            "kubectl run {{pod}} --image={{image}}",
        ],
        1,
    ),
    // The replica count forgotten.
    ("deployment-replicas", &["kubectl create deployment {{name}} --image={{image}}"], 2),
    // The label forgotten (kubectl run sets run=<name>).
    ("pod-with-label", &["kubectl run {{name}} --image={{image}}"], 3),
    // No storage class: the claim cannot bind to the PV.
    (
        "pvc-match-pv",
        &[
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {{pvc}}\n  namespace: {{ns}}\nspec:\n  accessModes:\n  - ReadWriteOnce\n  resources:\n    requests:\n      storage: {{req}}\nEOF",
        ],
        2,
    ),
    // ReadWriteMany instead of ReadWriteOnce.
    (
        "pv-hostpath",
        &[
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {{pv}}\nspec:\n  capacity:\n    storage: {{size}}\n  accessModes:\n  - ReadWriteMany\n  storageClassName: {{sc}}\n  hostPath:\n    path: {{path}}\nEOF",
        ],
        4,
    ),
    // The reclaim policy and expansion left at their defaults.
    (
        "storageclass-local",
        &[
            "kubectl apply -f - <<EOF\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {{sc}}\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\nEOF",
        ],
        2,
    ),
    // The claim mounted at the wrong path.
    (
        "pod-mount-pvc",
        &[
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod}}\nspec:\n  volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: {{pvc}}\n  containers:\n  - name: main\n    image: {{image}}\n    volumeMounts:\n    - name: data\n      mountPath: /mnt/{{pvc}}\nEOF",
        ],
        3,
    ),
    // `rollout undo` without --to-revision: back one step only, to revision 2.
    ("rollback-to-revision", &["kubectl rollout undo deployment/{{name}} -n {{ns}}"], 1),
    // The image updated, the strategy left at its defaults.
    ("rolling-update-apply", &["kubectl set image deployment/{{name}} nginx=nginx:{{new}}"], 2),
    // version=green, but the app label taken from the deployment's name: no endpoints.
    (
        "blue-green-switch",
        &[
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{app}}\nspec:\n  selector:\n    app: {{app}}-green\n    version: green\n  ports:\n  - port: {{port}}\n    targetPort: 80\nEOF",
        ],
        1,
    ),
    // Scaled by re-applying a regenerated manifest with a mistyped image: the new pods never start.
    (
        "scale-deployment",
        &[
            "kubectl create deployment {{name}} -n {{ns}} --image=ngnix --replicas={{replicas}} --dry-run=client -o yaml | kubectl apply -f -",
        ],
        1,
    ),
    // The tag dropped: nginx:latest runs, but not the version asked for.
    (
        "fix-deployment-image",
        &["kubectl set image deployment/{{name}} nginx={{repo}} -n {{ns}}"],
        2,
    ),
    // The broken flag deleted instead of fixed: the scheduler runs, bound to all addresses.
    (
        "scheduler-manifest-typo",
        &["sed -i '/--{{typo}}=/d' /etc/kubernetes/manifests/kube-scheduler.yaml"],
        3,
    ),
    // Moved to nginx:latest instead of back to the version that worked.
    ("rollout-undo-bad-image", &["kubectl set image deployment/{{name}} nginx=nginx -n {{ns}}"], 1),
    // The pod recreated without its init container.
    (
        "fix-init-container",
        &[
            "kubectl delete pod {{pod}}",
            "kubectl run {{pod}} --image={{image}} -l app={{pod}} --command -- sh -c \"echo The app is running && sleep 3600\"",
        ],
        3,
    ),
    // The service re-exposed from one pod: its selector carries pod-template-hash.
    (
        "fix-service-selector",
        &[
            "kubectl delete svc {{app}} -n {{ns}}",
            "kubectl expose pod $(kubectl get pods -n {{ns}} -l app={{app}} -o jsonpath='{.items[0].metadata.name}') -n {{ns}} --name={{app}} --port={{port}} --target-port=80",
        ],
        2,
    ),
    // Recreated with `kubectl run -- sleep`: args instead of command, and the label lost.
    (
        "pod-command-typo",
        &[
            "kubectl delete pod {{pod}} -n {{ns}}",
            "kubectl run {{pod}} -n {{ns}} --image={{image}} -- sleep {{secs}}",
        ],
        2,
    ),
    // The repository fixed, the tag dropped.
    ("fix-bad-image-pod", &["kubectl set image pod/{{pod}} {{pod}}={{repo}} -n {{ns}}"], 2),
    // The whole `kubectl get` line instead of only the name.
    (
        "most-restarts-file",
        &[
            "kubectl get pods -n {{ns}} --sort-by=.status.containerStatuses[0].restartCount | tail -1 > /opt/{{file}}",
        ],
        1,
    ),
    // The control-plane taint removed instead: the pod runs on controlplane.
    (
        "pending-cordoned-nodes",
        &["kubectl taint nodes controlplane node-role.kubernetes.io/control-plane-"],
        3,
    ),
    // targetPort changed, but to 8080, where nothing listens either.
    (
        "fix-service-targetport",
        &[
            "kubectl delete svc {{app}}",
            "kubectl expose deployment {{app}} --name={{app}} --port={{port}} --target-port=8080",
        ],
        1,
    ),
    // Recreated with the right command but the default single replica.
    (
        "fix-crashloop-command",
        &[
            "kubectl delete deployment {{name}}",
            "kubectl create deployment {{name}} --image={{image}} -- sleep {{secs}}",
        ],
        1,
    ),
    // The CRD installed, no Backup created.
    ("crd-install-custom-resource", &["kubectl apply -f /opt/crd.yaml"], 1),
    // `-o name` output: the right objects, but with the kind and group in front.
    (
        "crd-list-custom-resources",
        &["kubectl get databases -A -l env=prod -o name > {{file}}"],
        1,
    ),
    // The object created, the file forgotten.
    (
        "crd-short-name",
        &["kubectl apply -f - <<EOF\napiVersion: lab.example.com/v1alpha1\nkind: Gizmo\nmetadata:\n  name: {{name}}\nspec:\n  size: {{size}}\nEOF"],
        2,
    ),
    // Only the first node's OS image.
    (
        "node-os-report",
        &[
            "kubectl get nodes -o json > {{dir}}/nodes.json",
            "kubectl get nodes -o jsonpath='{.items[0].status.nodeInfo.osImage}' > {{dir}}/node_os.txt",
        ],
        2,
    ),
    // The right directory, the wrong image: busybox without a command exits.
    (
        "static-pod-custom-path",
        &[
            "grep staticPodPath /var/lib/kubelet/config.yaml",
            "kubectl run {{name}} --image=busybox --dry-run=client -o yaml > {{dir}}/{{name}}.yaml",
        ],
        2,
    ),
    // The command forgotten.
    (
        "static-pod-busybox",
        &[
            "kubectl run {{name}} --image={{image}} --restart=Never --dry-run=client -o yaml > /etc/kubernetes/manifests/{{name}}.yaml",
        ],
        2,
    ),
    // A YAML dump of the objects instead of an etcd snapshot.
    ("etcd-snapshot", &["kubectl get all -A -o yaml > {{path}}"], 1),
    // The HPA without the CPU request: the container requests nothing, so utilisation cannot be
    // computed.
    (
        "hpa-cpu-autoscale",
        &["kubectl -n {{ns}} autoscale deployment {{name}} --min={{min}} --max={{max}} --cpu-percent={{percent}}"],
        5,
    ),
    // CoreDNS scaled back up, but the Corefile still serves the wrong zone: lookups get NXDOMAIN.
    (
        "dns-coredns-broken",
        &["kubectl -n kube-system scale deployment coredns --replicas=2"],
        2,
    ),
    // The new policy lets the api in, but db-legacy is left behind and still lets the web pod in.
    (
        "netpol-api-to-db",
        &["kubectl apply -f - <<EOF\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {{policy}}\n  namespace: {{ns}}\nspec:\n  podSelector:\n    matchLabels:\n      role: db\n  policyTypes:\n  - Ingress\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          role: api\n    ports:\n    - protocol: TCP\n      port: 3306\nEOF"],
        3,
    ),
    // The CSR submitted and approved, but no Role or RoleBinding and the certificate never saved.
    (
        "csr-user-context",
        &[
            "openssl genrsa -out /root/{{user}}.key 2048",
            "openssl req -new -key /root/{{user}}.key -subj \"/CN={{user}}\" -out /root/{{user}}.csr",
            "cat <<EOF | kubectl apply -f -\napiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: {{user}}\nspec:\n  request: $(cat /root/{{user}}.csr | base64 -w0)\n  signerName: kubernetes.io/kube-apiserver-client\n  usages:\n  - client auth\nEOF",
            "kubectl certificate approve {{user}}",
        ],
        4,
    ),
    // The control plane components upgraded, but the kubelet still the old one.
    (
        "kubeadm-upgrade-controlplane",
        &[
            "apt-mark unhold kubeadm && apt-get update && apt-get install -y kubeadm='{{version}}-*' && apt-mark hold kubeadm",
            "kubeadm upgrade apply v{{version}} --yes",
        ],
        3,
    ),
];

#[test]
fn partial_attempts_earn_exactly_their_share() {
    let all = scenarios();
    let mut failures = Vec::new();
    for (id, commands, want) in PARTIAL {
        let (earned, possible, log) = attempt(&all, id, commands);
        if earned != *want {
            failures.push(format!(
                "{id}: earned {earned}/{possible}, expected {want}\n{log}"
            ));
        } else if earned == 0 || earned >= possible {
            failures.push(format!(
                "{id}: a partial attempt must earn some but not all points, it earned {earned}/{possible}\n{log}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every scenario, present and future, must have at least one partial attempt in `PARTIAL`: partial
/// credit is part of each task's design, and this keeps it checked.
#[test]
fn every_scenario_has_a_partial_attempt() {
    let missing: Vec<String> = scenarios()
        .iter()
        .map(|l| l.scenario.id.clone())
        .filter(|id| !PARTIAL.iter().any(|(p, _, _)| p == id))
        .collect();
    assert!(
        missing.is_empty(),
        "scenarios without a partial attempt in PARTIAL (tests/scenarios.rs): {}",
        missing.join(", ")
    );
}

/// A second correct way to solve each of these tasks (declarative where the reference is imperative,
/// or the other way round): it must score full marks too, since the grader looks at the end state.
const SECOND_SOLUTION: &[(&str, &[&str])] = &[
    (
        "pending-resources",
        &["kubectl -n {{ns}} patch deployment {{name}} -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"{{cpu}}\"}}}]}}}}'"],
    ),
    ("rollout-undo-bad-image", &["kubectl set image deployment/{{name}} nginx=nginx:{{good}} -n {{ns}}"]),
    ("rollback-to-revision", &["kubectl set image deployment/{{name}} web=nginx:{{v1}} -n {{ns}}"]),
    ("pending-cordoned-nodes", &["kubectl uncordon node02"]),
    ("pending-taint", &["kubectl taint nodes node01 {{key}}-"]),
    (
        "pod-command-typo",
        &[
            "kubectl delete pod {{pod}} -n {{ns}}",
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod}}\n  namespace: {{ns}}\n  labels:\n    tier: {{tier}}\nspec:\n  containers:\n  - name: main\n    image: {{image}}\n    command: [\"sleep\", \"{{secs}}\"]\nEOF",
        ],
    ),
    ("pod-label-typo-endpoints", &["kubectl label pod {{pod}} tier-", "kubectl label pod {{pod}} tier={{tier}}"]),
    ("most-restarts-file", &["echo {{worst}} > /opt/{{file}}"]),
    ("pod-logs-to-file", &["kubectl -n {{ns}} logs pod/{{pod}} > /opt/{{file}}"]),
    ("sidecar-container-logs", &["kubectl logs {{pod}} --container={{sidecar}} > /opt/{{sidecar}}.log"]),
    ("previous-logs-crash", &["kubectl logs -p {{pod}} -n {{ns}} > /opt/{{pod}}-crash.log"]),
    (
        "change-cause-update",
        &["kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{name}}\n  annotations:\n    kubernetes.io/change-cause: {{cause}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {{name}}\n  template:\n    metadata:\n      labels:\n        app: {{name}}\n    spec:\n      containers:\n      - name: {{container}}\n        image: {{image}}\nEOF"],
    ),
    (
        "clusterrole-node-reader",
        &["kubectl apply -f - <<EOF\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {{role}}\nrules:\n- apiGroups: [\"\"]\n  resources: [\"nodes\"]\n  verbs: [\"get\", \"list\", \"watch\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: {{role}}-binding\nsubjects:\n- kind: Group\n  name: {{group}}\n  apiGroup: rbac.authorization.k8s.io\nroleRef:\n  kind: ClusterRole\n  name: {{role}}\n  apiGroup: rbac.authorization.k8s.io\nEOF"],
    ),
    (
        "serviceaccount-rolebinding",
        &["kubectl apply -f - <<EOF\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{sa}}\n  namespace: {{ns}}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: deployer\n  namespace: {{ns}}\nrules:\n- apiGroups: [\"apps\"]\n  resources: [\"deployments\"]\n  verbs: [\"create\", \"get\", \"list\", \"update\", \"delete\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: deployer-{{sa}}\n  namespace: {{ns}}\nsubjects:\n- kind: ServiceAccount\n  name: {{sa}}\n  namespace: {{ns}}\nroleRef:\n  kind: Role\n  name: deployer\n  apiGroup: rbac.authorization.k8s.io\nEOF"],
    ),
    (
        "externalname-service",
        &["kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{svc}}\n  namespace: {{ns}}\nspec:\n  type: ExternalName\n  externalName: {{host}}\nEOF"],
    ),
    (
        "service-named-port",
        &["kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{name}}-svc\n  namespace: {{ns}}\nspec:\n  selector:\n    app: {{name}}\n  ports:\n  - port: {{port}}\n    targetPort: {{cport}}\nEOF"],
    ),
    (
        "ingress-host-rule",
        &["kubectl apply -f - <<EOF\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{svc}}-ingress\n  namespace: {{ns}}\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: {{host}}\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: {{svc}}\n            port:\n              number: 80\nEOF"],
    ),
    (
        "clusterip-for-pod",
        &["kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{svc}}\n  namespace: {{ns}}\nspec:\n  type: ClusterIP\n  selector:\n    app: {{app}}\n  ports:\n  - port: 6379\n    targetPort: 6379\nEOF"],
    ),
    (
        "nodeport-deployment-ns",
        &["kubectl create service nodeport {{name}}-np --tcp=80:80 --node-port={{nodeport}} -n {{ns}} --dry-run=client -o yaml | sed 's/app: {{name}}-np/app: {{name}}/' | kubectl apply -f -"],
    ),
    (
        "secret-volume",
        &["kubectl apply -f - <<EOF\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{secret}}\n  namespace: {{ns}}\ndata:\n  username: $(echo -n {{user}} | base64)\n  password: $(echo -n {{pass}} | base64)\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod}}\n  namespace: {{ns}}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    volumeMounts:\n    - name: s\n      mountPath: {{dir}}\n      readOnly: true\n  volumes:\n  - name: s\n    secret:\n      secretName: {{secret}}\nEOF"],
    ),
    (
        "serviceaccount-pod",
        &[
            "kubectl create sa {{sa}} -n {{ns}}",
            "kubectl run {{pod}} --image={{image}} -n {{ns}} --dry-run=client -o yaml > /root/p.yaml",
            "sed -i 's/^spec:/spec:\\n  serviceAccountName: {{sa}}/' /root/p.yaml",
            "kubectl create -f /root/p.yaml",
        ],
    ),
    ("storageclass-local", &["kubectl apply -f - <<EOF\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {{sc}}\nprovisioner: kubernetes.io/no-provisioner\nreclaimPolicy: Retain\nallowVolumeExpansion: true\nvolumeBindingMode: WaitForFirstConsumer\nEOF"]),
    ("drain-node", &["kubectl cordon {{node}}", "kubectl drain {{node}} --ignore-daemonsets --force"]),
    (
        "etcd-snapshot",
        &["etcdctl --endpoints https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key snapshot save {{path}}"],
    ),
    (
        "job-from-cronjob",
        &["kubectl apply -f - <<EOF\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{job}}\n  namespace: {{ns}}\nspec:\n  template:\n    spec:\n      restartPolicy: OnFailure\n      containers:\n      - name: task\n        image: busybox:1.36\n        command: [\"sh\", \"-c\", \"date; echo {{cj}} done\"]\nEOF"],
    ),
    (
        "scheduler-manifest-typo",
        &[
            "sed 's/--{{typo}}=/--bind-address=/' /etc/kubernetes/manifests/kube-scheduler.yaml > /root/ks.yaml",
            "cat /root/ks.yaml > /etc/kubernetes/manifests/kube-scheduler.yaml",
        ],
    ),
    ("node-notready-kubelet", &["ssh {{node}} systemctl start kubelet", "ssh {{node}} systemctl enable kubelet"]),
    ("pending-affinity", &["kubectl label node {{node}} {{key}}-", "kubectl label node {{node}} {{key}}={{want}}"]),
    (
        "rolling-update-strategy",
        &["kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{name}}\n  namespace: {{ns}}\n  annotations:\n    kubernetes.io/change-cause: {{cause}}\nspec:\n  replicas: 4\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n  selector:\n    matchLabels:\n      app: {{name}}\n  template:\n    metadata:\n      labels:\n        app: {{name}}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:{{new}}\nEOF"],
    ),
    (
        "taint-plain-pod",
        &[
            "kubectl taint nodes {{node}} {{key}}={{value}}:NoSchedule",
            "kubectl run {{tol}} --image=nginx:1.27 --dry-run=client -o yaml > /root/tol.yaml",
            "sed -i 's/^spec:/spec:\\n  tolerations:\\n  - key: {{key}}\\n    operator: Exists\\n    effect: NoSchedule/' /root/tol.yaml",
            "kubectl create -f /root/tol.yaml",
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{plain}}\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.27\nEOF",
        ],
    ),
    (
        "ingress-tls",
        &[
            "kubectl create secret tls {{secret}} -n {{ns}} --cert /root/{{host}}.crt --key /root/{{host}}.key",
            "kubectl apply -f - <<EOF\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{ing}}\n  namespace: {{ns}}\nspec:\n  ingressClassName: nginx\n  tls:\n  - hosts: [\"{{host}}\"]\n    secretName: {{secret}}\n  rules:\n  - host: {{host}}\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: {{svc}}\n            port:\n              number: 80\nEOF",
        ],
    ),
];

#[test]
fn second_solutions_score_full_marks() {
    let all = scenarios();
    let mut failures = Vec::new();
    for (id, commands) in SECOND_SOLUTION {
        let (earned, possible, log) = attempt(&all, id, commands);
        if earned != possible {
            failures.push(format!("{id}: earned {earned}/{possible}\n{log}"));
        }
    }
    assert!(SECOND_SOLUTION.len() >= 15);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
