//! Broken clusters behave as they do on the exam: a stopped kubelet makes its node NotReady, a broken
//! control-plane manifest takes its component down, and fixing the cause brings everything back.

use kubedojo::session::{ClockMode, Session};

fn session() -> Session {
    Session::sandbox(ClockMode::Manual)
}

fn node_status(s: &mut Session, node: &str) -> String {
    let out = s.run(&format!("kubectl get node {node} --no-headers"));
    out.stdout
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_stopped_kubelet_makes_its_node_not_ready_and_starting_it_brings_it_back() {
    let mut s = session();
    s.run("ssh node01");
    let out = s.run("systemctl stop kubelet");
    assert_eq!(out.code, 0, "{out:?}");
    s.run("exit");
    s.world.advance(10);
    assert_eq!(
        node_status(&mut s, "node01"),
        "Ready",
        "within the grace period the node still looks Ready"
    );
    s.world.advance(40);
    assert_eq!(node_status(&mut s, "node01"), "NotReady");
    let d = s.run("kubectl describe node node01").stdout;
    assert!(d.contains("Kubelet stopped posting node status."), "{d}");
    assert!(
        d.contains("node.kubernetes.io/unreachable:NoSchedule"),
        "{d}"
    );
    s.run("kubectl create deployment web --image=nginx --replicas=4");
    s.world.advance(10);
    let wide = s
        .run("kubectl get pods -o wide --no-headers -l app=web")
        .stdout;
    assert!(
        !wide.contains("node01"),
        "no new pod goes to a NotReady node:\n{wide}"
    );
    s.run("ssh node01");
    s.run("systemctl start kubelet");
    s.run("exit");
    s.world.advance(5);
    assert_eq!(node_status(&mut s, "node01"), "Ready");
}

#[test]
fn a_broken_api_server_manifest_refuses_connections_until_fixed() {
    let mut s = session();
    let out = s.run("sed -i 's/--etcd-servers=https:\\/\\/127.0.0.1:2379/--etcd-servers=https:\\/\\/127.0.0.1:2380/' /etc/kubernetes/manifests/kube-apiserver.yaml");
    assert_eq!(out.code, 0, "{out:?}");
    s.world.advance(60);
    let out = s.run("kubectl get nodes");
    assert_eq!(out.stderr, "The connection to the server 172.30.1.2:6443 was refused - did you specify the right host or port?\n");
    assert_eq!(out.code, 1);
    let ps = s.run("crictl ps -a").stdout;
    assert!(ps.contains("kube-apiserver"), "{ps}");
    s.run(
        "sed -i 's/127.0.0.1:2380/127.0.0.1:2379/' /etc/kubernetes/manifests/kube-apiserver.yaml",
    );
    s.world.advance(10);
    let out = s.run("kubectl get nodes");
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn with_the_scheduler_down_new_pods_stay_pending() {
    let mut s = session();
    s.run("mv /etc/kubernetes/manifests/kube-scheduler.yaml /root/");
    s.world.advance(5);
    s.run("kubectl run waiting --image=nginx");
    s.world.advance(30);
    let out = s.run("kubectl get pod waiting --no-headers").stdout;
    assert!(out.contains("Pending"), "{out}");
    s.run("mv /root/kube-scheduler.yaml /etc/kubernetes/manifests/");
    s.world.advance(15);
    let out = s.run("kubectl get pod waiting --no-headers").stdout;
    assert!(out.contains("Running"), "{out}");
}

#[test]
fn pods_on_an_unreachable_node_stay_terminating_until_its_kubelet_returns() {
    let mut s = session();
    s.run("kubectl create deployment web --image=nginx --replicas=4");
    s.world.advance(30);
    let on_node01 = |s: &mut Session| -> Vec<String> {
        s.run("kubectl get pods -l app=web -o wide --no-headers")
            .stdout
            .lines()
            .filter(|l| l.contains("node01"))
            .map(String::from)
            .collect()
    };
    let before = on_node01(&mut s);
    assert!(!before.is_empty(), "some replicas run on node01");
    s.run("ssh node01");
    s.run("systemctl stop kubelet");
    s.run("exit");
    s.world.advance(60);
    let d = s.run("kubectl describe node node01").stdout;
    assert!(
        d.contains("node.kubernetes.io/unreachable:NoExecute"),
        "{d}"
    );
    // Within the pods' 300 s toleration they still show Running (only their Ready condition
    // turned False: the containers' statuses are the kubelet's last report).
    for l in on_node01(&mut s) {
        assert!(l.contains("Running"), "{l}");
    }
    s.world.advance(300);
    let now = on_node01(&mut s);
    assert_eq!(now.len(), before.len(), "{now:?}");
    for l in &now {
        assert!(l.contains("Terminating"), "{l}");
    }
    let all = s.run("kubectl get pods -l app=web --no-headers").stdout;
    let running = all
        .lines()
        .filter(|l| l.contains("1/1") && l.contains("Running"))
        .count();
    assert_eq!(running, 4, "replacements run on healthy nodes:\n{all}");
    // Nothing confirms the termination while the kubelet is down.
    s.world.advance(600);
    assert_eq!(on_node01(&mut s).len(), before.len());
    s.run("ssh node01");
    s.run("systemctl start kubelet");
    s.run("exit");
    s.world.advance(5);
    assert!(on_node01(&mut s).is_empty(), "{:?}", on_node01(&mut s));
    let all = s.run("kubectl get pods -l app=web --no-headers").stdout;
    assert_eq!(all.lines().count(), 4, "{all}");
}

#[test]
fn a_force_delete_removes_a_pod_stuck_terminating_on_a_dead_node() {
    let mut s = session();
    let out = s.run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: stuck\nspec:\n  nodeName: node01\n  containers:\n  - name: app\n    image: nginx\nEOF");
    assert_eq!(out.code, 0, "{out:?}");
    s.world.advance(20);
    let out = s.run("kubectl get pod stuck -o wide --no-headers").stdout;
    assert!(out.contains("node01") && out.contains("Running"), "{out}");
    s.run("ssh node01");
    s.run("systemctl stop kubelet");
    s.run("exit");
    s.world.advance(60);
    s.run("kubectl delete pod stuck --wait=false");
    s.world.advance(120);
    let out = s.run("kubectl get pod stuck --no-headers").stdout;
    assert!(out.contains("Terminating"), "{out}");
    let out = s.run("kubectl delete pod stuck --force --grace-period=0");
    assert_eq!(out.stdout, "pod \"stuck\" force deleted\n", "{out:?}");
    let out = s.run("kubectl get pod stuck");
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): pods \"stuck\" not found\n"
    );
}

const RELOAD_WARNING: &str = "Warning: The unit file, source configuration file or drop-ins of kubelet.service changed on disk. Run 'systemctl daemon-reload' to reload units.\n";

#[test]
fn a_hand_edited_kubelet_drop_in_takes_effect_only_after_daemon_reload() {
    let mut s = session();
    s.run("ssh node01");
    let out = s.run(
        "sed -i 's#ExecStart=/usr/bin/kubelet #ExecStart=/usr/local/bin/kubelet #' /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
    );
    assert_eq!(out.code, 0, "{out:?}");
    // systemd still runs the definition it loaded: the restart warns and the kubelet stays up.
    let out = s.run("systemctl restart kubelet");
    assert_eq!(out.stderr, RELOAD_WARNING);
    assert_eq!(out.code, 0);
    assert_eq!(s.run("systemctl is-active kubelet").stdout, "active\n");
    let out = s.run("systemctl status kubelet");
    assert!(out.stdout.contains("active (running)"), "{out:?}");
    assert_eq!(out.stderr, RELOAD_WARNING);
    // After daemon-reload the next restart runs the edited unit, and fails on the wrong binary.
    let out = s.run("systemctl daemon-reload");
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let out = s.run("systemctl restart kubelet");
    assert_eq!(out.stderr, "");
    assert_eq!(s.run("systemctl is-active kubelet").stdout, "activating\n");
    let out = s.run("systemctl status kubelet");
    assert!(
        out.stdout
            .contains("ExecStart=/usr/local/bin/kubelet (code=exited, status=203/EXEC)"),
        "{out:?}"
    );
    assert_eq!(out.stderr, "");
}

#[test]
fn an_environment_file_is_read_at_every_start_without_daemon_reload() {
    let mut s = session();
    s.run("ssh node01");
    s.run("echo 'KUBELET_EXTRA_ARGS=--node-ipp=10.0.0.1' > /etc/default/kubelet");
    let out = s.run("systemctl restart kubelet");
    assert_eq!(out.stderr, "", "an EnvironmentFile is not a unit file");
    assert_eq!(s.run("systemctl is-active kubelet").stdout, "activating\n");
    let log = s.run("journalctl -u kubelet").stdout;
    assert!(log.contains("unknown flag: --node-ipp"), "{log}");
}

#[test]
fn a_new_drop_in_counts_as_a_unit_change() {
    let mut s = session();
    s.run("ssh node01");
    s.run("printf '[Service]\\nEnvironment=\"KUBELET_EXTRA_ARGS=--v=4\"\\n' > /etc/systemd/system/kubelet.service.d/20-verbose.conf");
    let out = s.run("systemctl stop kubelet");
    assert_eq!(out.stderr, RELOAD_WARNING);
    s.run("systemctl daemon-reload");
    let out = s.run("systemctl start kubelet");
    assert_eq!(out.stderr, "");
    let status = s.run("systemctl status kubelet").stdout;
    assert!(
        status.contains("    Drop-In: /usr/lib/systemd/system/kubelet.service.d\n             └─10-kubeadm.conf\n             /etc/systemd/system/kubelet.service.d\n             └─20-verbose.conf\n"),
        "{status}"
    );
}

#[test]
fn componentstatuses_follow_the_control_planes_static_pods() {
    let mut s = session();
    let out = s.run("kubectl get cs");
    assert_eq!(
        out.stderr,
        "Warning: v1 ComponentStatus is deprecated in v1.19+\n"
    );
    assert_eq!(
        out.stdout,
        "NAME                 STATUS    MESSAGE   ERROR\ncontroller-manager   Healthy   ok        \netcd-0               Healthy   ok        \nscheduler            Healthy   ok        \n"
    );
    s.run("mv /etc/kubernetes/manifests/kube-scheduler.yaml /root/");
    s.world.advance(30);
    let out = s.run("kubectl get componentstatuses scheduler --no-headers");
    assert_eq!(
        out.stdout,
        "scheduler   Unhealthy   Get \"https://127.0.0.1:10259/healthz\": dial tcp 127.0.0.1:10259: connect: connection refused   \n"
    );
    let out = s.run("kubectl get cs etcd-0 -o jsonpath='{.conditions[0].message}'");
    assert_eq!(out.stdout, "ok");
    let out = s.run("kubectl get cs kube-proxy");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "Warning: v1 ComponentStatus is deprecated in v1.19+\nError from server: Component not found: kube-proxy\n"
        )
    );
    let out = s.run("kubectl delete cs scheduler");
    assert!(
        out.stderr.ends_with("Error from server (MethodNotAllowed): the server does not allow this method on the requested resource\n"),
        "{out:?}"
    );
    s.run("mv /root/kube-scheduler.yaml /etc/kubernetes/manifests/");
    s.world.advance(30);
    let out = s.run("kubectl get cs scheduler --no-headers");
    assert_eq!(out.stdout, "scheduler   Healthy   ok    \n");
}
