//! kubectl against the embedded cluster, read like the exam: exact lines, stdout and stderr apart.

use kubedojo::session::{ClockMode, Session};

fn session() -> Session {
    Session::sandbox(ClockMode::Manual)
}

#[test]
fn a_new_pod_is_created_then_running() {
    let mut s = session();
    assert_eq!(
        s.run("kubectl run nginx --image=nginx").stdout,
        "pod/nginx created\n"
    );
    let out = s.run("kubectl get pod nginx");
    assert_eq!(out.stdout, "NAME    READY   STATUS              RESTARTS   AGE\nnginx   0/1     ContainerCreating   0          1s\n");
    s.world.advance(5);
    let out = s.run("kubectl get pod nginx --no-headers");
    assert_eq!(out.stdout, "nginx   1/1   Running   0     7s\n");
}

#[test]
fn a_bad_image_fails_to_pull() {
    let mut s = session();
    s.run("kubectl run web --image=nginx:9.9.9");
    s.world.advance(4);
    let out = s.run("kubectl get pod web --no-headers");
    assert!(out.stdout.contains("ErrImagePull"), "{}", out.stdout);
    s.world.advance(30);
    let out = s.run("kubectl get pod web --no-headers");
    assert!(out.stdout.contains("ImagePullBackOff"), "{}", out.stdout);
    let out = s.run("kubectl describe pod web");
    assert!(
        out.stdout.contains("Failed to pull image \"nginx:9.9.9\""),
        "{}",
        out.stdout
    );
}

#[test]
fn missing_objects_and_types_fail_like_kubectl() {
    let mut s = session();
    let out = s.run("kubectl get pod nope");
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.code),
        (
            "",
            "Error from server (NotFound): pods \"nope\" not found\n",
            1
        )
    );
    let out = s.run("kubectl get deploy nope");
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): deployments.apps \"nope\" not found\n"
    );
    let out = s.run("kubectl get dev");
    assert_eq!(
        out.stderr,
        "error: the server doesn't have a resource type \"dev\"\n"
    );
    let out = s.run("kubectl get pods");
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str()),
        ("", "No resources found in default namespace.\n")
    );
    let out = s.run("kubectl run dup --image=nginx");
    assert_eq!(out.code, 0);
    let out = s.run("kubectl run dup --image=nginx");
    assert_eq!(
        out.stderr,
        "Error from server (AlreadyExists): pods \"dup\" already exists\n"
    );
    let out = s.run("kubectl create deployment x");
    assert_eq!(out.stderr, "error: required flag(s) \"image\" not set\n");
    let out = s.run("kubectl get pods --bogus");
    assert_eq!(
        out.stderr,
        "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n"
    );
}

#[test]
fn a_deployment_makes_a_replicaset_and_pods_with_the_template_hash() {
    let mut s = session();
    assert_eq!(
        s.run("kubectl create deployment web --image=nginx --replicas=3")
            .stdout,
        "deployment.apps/web created\n"
    );
    s.world.advance(10);
    let out = s.run("kubectl get deploy web");
    assert_eq!(out.stdout, "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    3/3     3            3           11s\n");
    let rs = s.run("kubectl get rs -o name").stdout;
    assert!(rs.starts_with("replicaset.apps/web-"), "{rs}");
    let pods = s.run("kubectl get pods -l app=web --no-headers").stdout;
    assert_eq!(pods.lines().count(), 3);
    assert_eq!(
        s.run("kubectl scale deploy web --replicas=1").stdout,
        "deployment.apps/web scaled\n"
    );
    assert_eq!(
        s.run("kubectl get pods -l app=web --no-headers")
            .stdout
            .lines()
            .count(),
        1
    );
    assert_eq!(
        s.run("kubectl delete deploy web").stdout,
        "deployment.apps \"web\" deleted\n"
    );
    let out = s.run("kubectl get pods");
    assert_eq!(out.stderr, "No resources found in default namespace.\n");
}

#[test]
fn a_service_gets_endpoints_from_ready_pods() {
    let mut s = session();
    s.run("kubectl create deployment web --image=nginx --replicas=2");
    s.world.advance(10);
    assert_eq!(
        s.run("kubectl expose deployment web --port=80").stdout,
        "service/web exposed\n"
    );
    let ep = s.run("kubectl get ep web --no-headers").stdout;
    assert_eq!(
        ep.split_whitespace().nth(1).map(|e| e.split(',').count()),
        Some(2),
        "{ep}"
    );
}

#[test]
fn the_scheduler_honours_taints_and_node_selectors() {
    let mut s = session();
    s.run("kubectl create deployment web --image=nginx --replicas=6");
    s.world.advance(10);
    let wide = s.run("kubectl get pods -o wide --no-headers").stdout;
    assert!(
        !wide.contains("controlplane"),
        "pods without a toleration must not land on the tainted control plane:\n{wide}"
    );
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: picky\nspec:\n  nodeSelector:\n    disk: ssd\n  containers:\n  - name: c\n    image: nginx\n";
    s.world
        .hosts
        .get_mut("controlplane")
        .expect("host")
        .fs
        .write("/root/picky.yaml", pod)
        .expect("write");
    assert_eq!(
        s.run("kubectl apply -f picky.yaml").stdout,
        "pod/picky created\n"
    );
    let out = s.run("kubectl get pod picky --no-headers").stdout;
    assert!(out.contains("Pending"), "{out}");
    let d = s.run("kubectl describe pod picky").stdout;
    assert!(d.contains("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector."), "{d}");
}

#[test]
fn namespaces_scope_objects() {
    let mut s = session();
    assert_eq!(
        s.run("kubectl create ns finance").stdout,
        "namespace/finance created\n"
    );
    assert_eq!(
        s.run("kubectl run p --image=redis:alpine -n finance")
            .stdout,
        "pod/p created\n"
    );
    assert_eq!(
        s.run("kubectl get pods").stderr,
        "No resources found in default namespace.\n"
    );
    assert_eq!(
        s.run("kubectl -n finance get pods -o name").stdout,
        "pod/p\n"
    );
    let out = s.run("kubectl run q --image=nginx -n nowhere");
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): namespaces \"nowhere\" not found\n"
    );
}

#[test]
fn apply_creates_then_configures_then_leaves_unchanged() {
    let mut s = session();
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: \"1\"\n";
    let fs = &mut s.world.hosts.get_mut("controlplane").expect("host").fs;
    fs.write("/root/cm.yaml", cm).expect("write");
    assert_eq!(
        s.run("kubectl apply -f cm.yaml").stdout,
        "configmap/app created\n"
    );
    assert_eq!(
        s.run("kubectl apply -f cm.yaml").stdout,
        "configmap/app unchanged\n"
    );
    let fs = &mut s.world.hosts.get_mut("controlplane").expect("host").fs;
    fs.write("/root/cm.yaml", &cm.replace("\"1\"", "\"2\""))
        .expect("write");
    assert_eq!(
        s.run("kubectl apply -f cm.yaml").stdout,
        "configmap/app configured\n"
    );
    assert_eq!(s.run("kubectl create -f cm.yaml").stderr, "Error from server (AlreadyExists): error when creating \"cm.yaml\": configmaps \"app\" already exists\n");
}

#[test]
fn invalid_objects_are_rejected_with_the_api_servers_causes() {
    let mut s = session();
    let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        run: app\n    spec:\n      containers:\n      - name: c\n        image: nginx\n";
    s.world
        .hosts
        .get_mut("controlplane")
        .expect("host")
        .fs
        .write("/root/d.yaml", d)
        .expect("write");
    let out = s.run("kubectl apply -f d.yaml");
    assert_eq!(out.stderr, "The Deployment \"nginx\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"run\":\"app\"}: `selector` does not match template `labels`\n");
}

#[test]
fn contexts_switch_and_report() {
    let mut s = session();
    assert_eq!(
        s.run("kubectl config current-context").stdout,
        "kubernetes-admin@kubernetes\n"
    );
    assert_eq!(
        s.run("kubectl config use-context nope").stderr,
        "error: no context exists with the name: \"nope\"\n"
    );
    assert_eq!(
        s.run("kubectl config set-context --current --namespace=kube-system")
            .stdout,
        "Context \"kubernetes-admin@kubernetes\" modified.\n"
    );
    assert!(s
        .run("kubectl get pods -o name")
        .stdout
        .contains("pod/etcd-controlplane"));
}

#[test]
fn rolling_update_history_and_undo() {
    let mut s = session();
    s.run("kubectl create deployment web --image=nginx:1.25 --replicas=3");
    s.world.advance(10);
    assert_eq!(
        s.run("kubectl set image deployment/web nginx=nginx:1.27")
            .stdout,
        "deployment.apps/web image updated\n"
    );
    let out = s.run("kubectl rollout status deployment/web");
    assert!(
        out.stdout
            .ends_with("deployment \"web\" successfully rolled out\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .starts_with("Waiting for deployment \"web\" rollout to finish"),
        "{}",
        out.stdout
    );
    let h = s.run("kubectl rollout history deployment/web").stdout;
    assert_eq!(
        h,
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
    assert_eq!(
        s.run("kubectl rollout undo deployment/web").stdout,
        "deployment.apps/web rolled back\n"
    );
    s.world.advance(30);
    let rs = s.run("kubectl get rs --no-headers").stdout;
    let live: Vec<&str> = rs
        .lines()
        .filter(|l| l.split_whitespace().nth(1) == Some("3"))
        .collect();
    assert_eq!(live.len(), 1, "{rs}");
    let d = s.run("kubectl describe deploy web").stdout;
    assert!(
        d.lines()
            .any(|l| l.trim_start().starts_with("Image:") && l.trim_end().ends_with(" nginx:1.25")),
        "{d}"
    );
}

#[test]
fn a_stuck_rollout_keeps_old_pods_serving() {
    let mut s = session();
    s.run("kubectl create deployment web --image=nginx --replicas=4");
    s.world.advance(10);
    s.run("kubectl set image deploy/web nginx=nginx:not-a-tag");
    s.world.advance(60);
    let d = s.run("kubectl get deploy web --no-headers").stdout;
    let cols: Vec<&str> = d.split_whitespace().collect();
    assert_eq!(
        cols.get(1),
        Some(&"3/4"),
        "maxUnavailable 25% keeps 3 of 4 available: {d}"
    );
    let pods = s.run("kubectl get pods --no-headers").stdout;
    assert_eq!(
        pods.matches("ImagePullBackOff").count() + pods.matches("ErrImagePull").count(),
        2,
        "maxSurge 1 + the unavailable 1: {pods}"
    );
}

#[test]
fn taints_cordon_and_drain() {
    let mut s = session();
    assert_eq!(
        s.run("kubectl taint nodes node01 app=blue:NoSchedule")
            .stdout,
        "node/node01 tainted\n"
    );
    assert_eq!(s.run("kubectl taint nodes node01 app=blue:NoSchedule").stderr, "error: node node01 already has app taint(s) with same effect(s) and --overwrite is false\n");
    s.run("kubectl create deployment web --image=nginx --replicas=4");
    s.world.advance(10);
    let wide = s.run("kubectl get pods -o wide --no-headers").stdout;
    assert_eq!(wide.matches("node02").count(), 4, "{wide}");
    assert_eq!(
        s.run("kubectl taint nodes node01 app=blue:NoSchedule-")
            .stdout,
        "node/node01 untainted\n"
    );
    assert_eq!(
        s.run("kubectl cordon node02").stdout,
        "node/node02 cordoned\n"
    );
    assert!(s
        .run("kubectl get node node02 --no-headers")
        .stdout
        .contains("Ready,SchedulingDisabled"));
    let out = s.run("kubectl drain node02");
    assert!(out.stderr.contains("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/kube-proxy-"), "{}", out.stderr);
    let out = s.run("kubectl drain node02 --ignore-daemonsets");
    assert!(
        out.stdout.starts_with("node/node02 already cordoned\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with("node/node02 drained\n"),
        "{}",
        out.stdout
    );
    s.world.advance(10);
    let wide = s.run("kubectl get pods -o wide --no-headers").stdout;
    assert_eq!(wide.matches("node01").count(), 4, "{wide}");
    assert_eq!(
        s.run("kubectl uncordon node02").stdout,
        "node/node02 uncordoned\n"
    );
}

#[test]
fn a_no_execute_taint_evicts_pods_that_do_not_tolerate_it() {
    let mut s = session();
    s.run("kubectl run lone --image=nginx");
    s.world.advance(5);
    let node = s
        .run("kubectl get pod lone -o wide --no-headers")
        .stdout
        .split_whitespace()
        .nth(6)
        .unwrap_or("")
        .to_string();
    s.run(&format!(
        "kubectl taint node {node} maintenance=true:NoExecute"
    ));
    assert_eq!(
        s.run("kubectl get pod lone").stderr,
        "Error from server (NotFound): pods \"lone\" not found\n"
    );
}

fn write(s: &mut Session, path: &str, text: &str) {
    s.world
        .hosts
        .get_mut("controlplane")
        .expect("host")
        .fs
        .write(path, text)
        .expect("write");
}

#[test]
fn logs_show_what_the_container_printed() {
    let mut s = session();
    write(&mut s, "/root/p.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ticker\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo starting; while true; do echo tick; sleep 10; done\"]\n");
    s.run("kubectl apply -f p.yaml");
    let out = s.run("kubectl logs ticker");
    assert!(
        out.stderr
            .contains("is waiting to start: ContainerCreating"),
        "{out:?}"
    );
    s.world.advance(35);
    let out = s.run("kubectl logs ticker");
    assert!(out.stdout.starts_with("starting\ntick\n"), "{}", out.stdout);
    assert_eq!(s.run("kubectl logs ticker --tail=1").stdout, "tick\n");
}

#[test]
fn a_crashing_container_has_previous_logs_and_restarts() {
    let mut s = session();
    write(&mut s, "/root/p.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo config missing; exit 1\"]\n");
    s.run("kubectl apply -f p.yaml");
    s.world.advance(60);
    let row = s.run("kubectl get pod crash --no-headers").stdout;
    assert!(
        row.contains("CrashLoopBackOff") || row.contains("Error"),
        "{row}"
    );
    assert!(
        row.split_whitespace()
            .nth(3)
            .and_then(|r| r.parse::<i32>().ok())
            .unwrap_or(0)
            >= 2,
        "{row}"
    );
    assert_eq!(
        s.run("kubectl logs crash --previous").stdout,
        "config missing\n"
    );
}

#[test]
fn exec_runs_in_the_containers_world() {
    let mut s = session();
    write(&mut s, "/root/p.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  MODE: fast\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n  - name: c\n    image: nginx\n    envFrom:\n    - configMapRef:\n        name: app\n    volumeMounts:\n    - name: cfg\n      mountPath: /etc/app\n  volumes:\n  - name: cfg\n    configMap:\n      name: app\n");
    s.run("kubectl apply -f p.yaml");
    s.world.advance(5);
    assert_eq!(s.run("kubectl exec web -- printenv MODE").stdout, "fast\n");
    assert_eq!(
        s.run("kubectl exec web -- cat /etc/app/MODE").stdout,
        "fast"
    );
    assert_eq!(s.run("kubectl exec web -- ls /etc/app").stdout, "MODE\n");
    let out = s.run("kubectl exec web printenv");
    assert!(
        out.stderr
            .starts_with("error: exec [POD] [COMMAND] is not supported anymore."),
        "{}",
        out.stderr
    );
    s.run("kubectl expose pod web --port=80");
    s.run("kubectl run client --image=busybox --command -- sleep 3600");
    s.world.advance(5);
    let out = s.run("kubectl exec client -- wget -qO- http://web");
    assert!(out.stdout.contains("Welcome to nginx!"), "{out:?}");
    let out = s.run("kubectl exec client -- nslookup web");
    assert!(
        out.stdout.contains("Name:\tweb.default.svc.cluster.local"),
        "{out:?}"
    );
}

#[test]
fn rollout_history_of_one_revision_describes_its_pod_template() {
    let mut s = session();
    s.run("kubectl create deploy web --image=nginx:1.25");
    s.run("kubectl set image deploy/web nginx=nginx:1.26");
    s.run("kubectl annotate deploy web kubernetes.io/change-cause='bump to 1.26'");
    s.run("kubectl create cm site --from-literal=a=b");
    s.run("kubectl set env deploy/web MODE=prod");
    s.world.advance(30);
    let out = s
        .run("kubectl rollout history deploy web --revision=3")
        .stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "deployment.apps/web with revision #3", "{out}");
    assert_eq!(lines[1], "Pod Template:", "{out}");
    assert!(
        lines[2].starts_with("  Labels:") && lines[2].ends_with("app=web"),
        "{out}"
    );
    assert!(
        lines[3].trim_start().starts_with("pod-template-hash="),
        "{out}"
    );
    assert!(
        lines[4].starts_with("  Annotations:")
            && lines[4].ends_with("kubernetes.io/change-cause: bump to 1.26"),
        "{out}"
    );
    assert_eq!(lines[5], "  Containers:", "{out}");
    assert_eq!(lines[6], "   nginx:", "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("      MODE:") && l.ends_with(" prod")),
        "{out}"
    );
    assert!(out.ends_with("  Tolerations:     <none>\n\n"), "{out}");
}

/// `kubedojo sh` starts on a World whose boot waits for the first line that needs the cluster: a
/// client-side generator runs before it, and every later command sees the same World as ever.
#[test]
fn a_client_side_generator_runs_before_the_world_boots_and_changes_nothing() {
    let line = "kubectl create deployment web --image=nginx --replicas=3 --dry-run=client -o yaml";
    let mut eager = Session::sandbox(ClockMode::Manual);
    let mut lazy = Session::sandbox_deferred(ClockMode::Manual);
    assert!(lazy.world.boot_pending());
    let (a, b) = (eager.run_last(line), lazy.run_last(line));
    assert_eq!(
        (a.stdout.as_str(), a.stderr.as_str(), a.code),
        (b.stdout.as_str(), b.stderr.as_str(), b.code)
    );
    assert!(b.stdout.contains("replicas: 3\n"));
    assert!(
        lazy.world.boot_pending(),
        "a client-side generator needs no boot"
    );
    for next in [
        "kubectl get po -A -o wide",
        "kubectl get events -A",
        "kubectl get node controlplane -o yaml",
    ] {
        let (a, b) = (eager.run(next), lazy.run(next));
        assert_eq!(a.stdout, b.stdout, "{next}");
        assert_eq!(a.stderr, b.stderr, "{next}");
    }
    assert!(!lazy.world.boot_pending());
    // The whole API state, as yaml (the World's Debug form holds hash maps in no fixed order).
    let all = "kubectl get all,events,endpoints,leases,cm,sa -A -o yaml";
    assert_eq!(eager.run(all).stdout, lazy.run(all).stdout);
}

/// Anything but a plain client-side kubectl line boots the World first: a redirect into the static
/// pod folder is seen by a kubelet that has already started, as in the eager World.
#[test]
fn a_redirected_generator_boots_the_world_first() {
    let line = "kubectl run web --image=nginx --dry-run=client -o yaml > /etc/kubernetes/manifests/web.yaml";
    let mut eager = Session::sandbox(ClockMode::Manual);
    let mut lazy = Session::sandbox_deferred(ClockMode::Manual);
    eager.run(line);
    lazy.run(line);
    assert!(!lazy.world.boot_pending());
    let (a, b) = (
        eager.run("kubectl get po -A"),
        lazy.run("kubectl get po -A"),
    );
    assert_eq!(a.stdout, b.stdout);
    // The whole API state, as yaml (the World's Debug form holds hash maps in no fixed order).
    let all = "kubectl get all,events,endpoints,leases,cm,sa -A -o yaml";
    assert_eq!(eager.run(all).stdout, lazy.run(all).stdout);
}

/// Every generator kubectl v1.32 runs without a server prints the same before the World boots as
/// after, and leaves the boot pending.
#[test]
fn every_offline_generator_runs_before_the_world_boots() {
    let lines = [
        "kubectl create ns team --dry-run=client -o yaml",
        "kubectl create cm cfg --from-literal=a=b --dry-run=client -o yaml",
        "kubectl create secret generic s --from-literal=p=q --dry-run=client -o yaml",
        "kubectl create secret docker-registry r --docker-server=x --docker-username=u --docker-password=p --dry-run=client -o yaml",
        "kubectl create svc nodeport web --tcp=80:8080 --dry-run=client -o yaml",
        "kubectl create job once --image=busybox --dry-run=client -o yaml -- echo hi",
        "kubectl create cronjob tick --image=busybox --schedule=@hourly --dry-run=client -o json",
        "kubectl create sa robot --dry-run=client -o yaml",
        "kubectl create rolebinding rb --role=r --user=jane --dry-run=client -o yaml",
        "kubectl create quota q --hard=pods=3 --dry-run=client -o yaml",
        "kubectl create pdb p --selector=app=web --min-available=1 --dry-run=client -o yaml",
        "kubectl create priorityclass high --value=1000 --dry-run=client -o yaml",
        "kubectl create ingress ing --rule=a.com/x=web:80 --dry-run=client -o yaml",
    ];
    for line in lines {
        let mut eager = Session::sandbox(ClockMode::Manual);
        let mut lazy = Session::sandbox_deferred(ClockMode::Manual);
        let (a, b) = (eager.run_last(line), lazy.run_last(line));
        assert_eq!(
            (a.stdout.as_str(), a.stderr.as_str(), a.code),
            (b.stdout.as_str(), b.stderr.as_str(), b.code),
            "{line}"
        );
        assert_eq!(b.code, 0, "{line}: {}", b.stderr);
        assert!(lazy.world.boot_pending(), "{line} booted the World");
    }
    // Generators that need the server's discovery or objects boot it.
    for line in [
        "kubectl create role r --verb=get --resource=pods --dry-run=client -o yaml",
        "kubectl run web --image=nginx --dry-run=client -o yaml",
    ] {
        let mut lazy = Session::sandbox_deferred(ClockMode::Manual);
        lazy.run_last(line);
        assert!(!lazy.world.boot_pending(), "{line}");
    }
}

/// A client-side generator never talks to the API server: it works while the API server is down,
/// when everything that reads the cluster is refused.
#[test]
fn an_offline_generator_works_while_the_api_server_is_down() {
    let mut s = Session::sandbox(ClockMode::Manual);
    let out = s.run("mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/");
    assert_eq!(out.code, 0, "{}", out.stderr);
    s.world.advance(30);
    let down = s.run("kubectl get pods");
    assert!(down.stderr.contains("was refused"), "{}", down.stderr);
    let gen = s.run("kubectl create deployment web --image=nginx --dry-run=client -o yaml");
    assert_eq!(gen.code, 0, "{}", gen.stderr);
    assert!(gen
        .stdout
        .starts_with("apiVersion: apps/v1\nkind: Deployment\n"));
    // Without --dry-run the request needs the server.
    let real = s.run("kubectl create deployment web --image=nginx");
    assert!(real.stderr.contains("was refused"), "{}", real.stderr);
}

#[test]
fn wide_events_name_the_container_and_the_kubelets_node() {
    let mut s = session();
    s.run(r#"kubectl run web --image=nginx --overrides='{"spec":{"nodeName":"node01"}}'"#);
    s.world.advance(5);
    let out = s.run("kubectl get events -o wide --field-selector reason=Pulling");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}{}", out.stdout, out.stderr);
    let head: Vec<&str> = lines[0]
        .split("  ")
        .filter(|c| !c.is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(
        head,
        [
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST SEEN",
            "COUNT",
            "NAME"
        ]
    );
    let row: Vec<&str> = lines[1]
        .split("  ")
        .filter(|c| !c.is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(
        &row[1..7],
        [
            "Normal",
            "Pulling",
            "pod/web",
            "spec.containers{web}",
            "kubelet, node01",
            "Pulling image \"nginx\""
        ]
    );
    assert_eq!(row[8], "1");
    assert!(row[9].starts_with("web."), "{row:?}");
    // describe names only the component, as kubectl's describe does.
    let out = s.run("kubectl describe pod web");
    assert!(
        out.stdout
            .contains("  Normal  Pulling  4s    kubelet  Pulling image \"nginx\"\n"),
        "{}",
        out.stdout
    );
    let yaml = s.run("kubectl get events --field-selector reason=Pulling -o jsonpath={.items[0].source.host}/{.items[0].reportingInstance}/{.items[0].involvedObject.fieldPath}");
    assert_eq!(yaml.stdout, "node01/node01/spec.containers{web}");
}

#[test]
fn an_init_container_reports_its_pull_create_and_start_before_the_app() {
    let mut s = session();
    write(
        &mut s,
        "/root/init.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: withinit\nspec:\n  initContainers:\n  - name: setup\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo ok\"]\n  containers:\n  - name: app\n    image: nginx\n",
    );
    assert_eq!(
        s.run("kubectl apply -f /root/init.yaml").stdout,
        "pod/withinit created\n"
    );
    s.world.advance(30);
    let out = s.run("kubectl describe pod withinit");
    let events: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Events:"))
        .skip(3)
        .map(|l| l.split_whitespace().nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        events,
        [
            "Scheduled",
            "Pulling",
            "Pulled",
            "Created",
            "Started",
            "Pulling",
            "Pulled",
            "Created",
            "Started"
        ],
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("kubelet            Started container setup\n"),
        "{}",
        out.stdout
    );
    let paths = s.run("kubectl get events --field-selector reason=Started -o custom-columns=P:.involvedObject.fieldPath --no-headers --sort-by=.involvedObject.fieldPath");
    assert_eq!(
        paths.stdout,
        "spec.containers{app}\nspec.initContainers{setup}\n"
    );
}
