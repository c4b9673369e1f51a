//! The shell inside a container, as on the exam: `kubectl exec -it POD -- sh` gives the container's
//! prompt and userland until `exit`; files written in volumes persist where a real pod keeps them;
//! the securityContext decides who the process is and what it may write.

use kubedojo::session::{ClockMode, Session};

fn session() -> Session {
    Session::sandbox(ClockMode::Manual)
}

fn apply(s: &mut Session, yaml: &str) {
    let out = s.run(&format!("cat > /root/p.yaml <<'EOF'\n{yaml}EOF"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = s.run("kubectl apply -f /root/p.yaml");
    assert_eq!(out.code, 0, "{}", out.stderr);
    s.world.advance(15);
}

const SHARED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: two
spec:
  securityContext:
    runAsUser: 1000
    runAsGroup: 3000
    fsGroup: 2000
  volumes:
  - name: shared
    emptyDir: {}
  containers:
  - name: writer
    image: busybox
    command: [\"sleep\", \"3600\"]
    volumeMounts:
    - name: shared
      mountPath: /data
  - name: web
    image: nginx
    securityContext:
      runAsUser: 0
      runAsGroup: 0
    volumeMounts:
    - name: shared
      mountPath: /usr/share/nginx/html
";

#[test]
fn an_interactive_busybox_shell_has_its_prompt_userland_and_exit() {
    let mut s = session();
    s.set_interactive(true);
    s.run("kubectl run box --image=busybox --command -- sleep 3600");
    s.world.advance(10);
    let out = s.run("kubectl exec -it box -- sh");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(s.prompt(), "/ # ");
    assert_eq!(s.run("hostname").stdout, "box\n");
    assert_eq!(s.run("whoami").stdout, "root\n");
    assert!(s
        .run("env")
        .stdout
        .contains("KUBERNETES_SERVICE_HOST=10.96.0.1\n"));
    let k = s.run("kubectl get pods");
    assert_eq!(k.code, 127);
    assert_eq!(k.stderr, "sh: kubectl: not found\n");
    s.run("cd /tmp");
    assert_eq!(s.prompt(), "/tmp # ");
    let ns = s.run("nslookup kubernetes.default");
    assert!(ns.stdout.contains("Address: 10.96.0.1"), "{}", ns.stdout);
    let out = s.run("exit");
    assert_eq!(out.stdout, "exit\n");
    assert_eq!(s.prompt(), "controlplane $ ");
    assert!(s.run("kubectl get pod box").stdout.contains("Running"));
}

#[test]
fn nginx_has_bash_with_its_prompt_and_busybox_has_no_bash() {
    let mut s = session();
    s.set_interactive(true);
    s.run("kubectl run web --image=nginx");
    s.run("kubectl run box --image=busybox --command -- sleep 3600");
    s.world.advance(10);
    s.run("kubectl exec -it web -- bash");
    assert_eq!(s.prompt(), "root@web:/# ");
    assert!(s
        .run("cat /usr/share/nginx/html/index.html")
        .stdout
        .contains("Welcome to nginx!"));
    assert_eq!(s.run("wget x").stderr, "bash: wget: command not found\n");
    s.run("exit");
    let out = s.run("kubectl exec -it box -- bash");
    assert_eq!(out.code, 126);
    assert_eq!(out.stderr, "OCI runtime exec failed: exec failed: unable to start container process: exec: \"bash\": executable file not found in $PATH: unknown\ncommand terminated with exit code 126\n");
    assert_eq!(s.prompt(), "controlplane $ ");
}

#[test]
fn an_empty_dir_is_shared_between_the_containers_of_a_pod() {
    let mut s = session();
    apply(&mut s, SHARED);
    let out = s.run("kubectl exec two -c writer -- sh -c 'echo hello > /data/index.html'");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = s.run("kubectl exec two -c web -- cat /usr/share/nginx/html/index.html");
    assert_eq!(out.stdout, "hello\n");
    // The root file system is the container's own.
    s.run("kubectl exec two -c web -- sh -c 'echo mine > /root/note'");
    assert_eq!(
        s.run("kubectl exec two -c web -- cat /root/note").stdout,
        "mine\n"
    );
    let other = s.run("kubectl exec two -c writer -- cat /root/note");
    assert_eq!(other.code, 1);
    assert_eq!(
        other.stderr,
        "cat: can't open '/root/note': No such file or directory\ncommand terminated with exit code 1\n"
    );
    // A new pod gets a new, empty emptyDir.
    s.run("kubectl delete pod two");
    apply(&mut s, SHARED);
    assert_eq!(s.run("kubectl exec two -c writer -- ls /data").stdout, "");
}

#[test]
fn id_and_whoami_follow_the_security_context() {
    let mut s = session();
    apply(&mut s, SHARED);
    assert_eq!(
        s.run("kubectl exec two -c writer -- id").stdout,
        "uid=1000 gid=3000 groups=2000,3000\n"
    );
    let who = s.run("kubectl exec two -c writer -- whoami");
    assert_eq!(
        who.stderr,
        "whoami: unknown uid 1000\ncommand terminated with exit code 1\n"
    );
    assert_eq!(
        s.run("kubectl exec two -c web -- id").stdout,
        "uid=0(root) gid=0(root) groups=0(root),2000\n"
    );
}

#[test]
fn run_as_non_root_with_a_root_image_is_a_config_error() {
    let mut s = session();
    apply(
        &mut s,
        "apiVersion: v1
kind: Pod
metadata:
  name: nr
spec:
  securityContext:
    runAsNonRoot: true
  containers:
  - name: nginx
    image: nginx
",
    );
    let row = s.run("kubectl get pod nr --no-headers").stdout;
    assert!(row.contains("CreateContainerConfigError"), "{row}");
    let msg = s
        .run(
            "kubectl get pod nr -o jsonpath='{.status.containerStatuses[0].state.waiting.message}'",
        )
        .stdout;
    assert!(
        msg.starts_with(
            "container has runAsNonRoot and image will run as root (pod: \"nr_default("
        ),
        "{msg}"
    );
}

#[test]
fn a_read_only_root_file_system_refuses_writes_outside_volumes() {
    let mut s = session();
    apply(
        &mut s,
        "apiVersion: v1
kind: Pod
metadata:
  name: ro
spec:
  containers:
  - name: c
    image: busybox
    command: [\"sleep\", \"3600\"]
    securityContext:
      readOnlyRootFilesystem: true
    volumeMounts:
    - name: tmp
      mountPath: /tmp
  volumes:
  - name: tmp
    emptyDir: {}
",
    );
    let out = s.run("kubectl exec ro -- sh -c 'echo x > /x'");
    assert_eq!(
        out.stderr,
        "sh: can't create /x: Read-only file system\ncommand terminated with exit code 1\n"
    );
    let out = s.run("kubectl exec ro -- sh -c 'echo y > /tmp/y; cat /tmp/y'");
    assert_eq!(out.stdout, "y\n");
}

#[test]
fn host_path_and_pvc_volumes_are_the_nodes_files() {
    let mut s = session();
    apply(
        &mut s,
        "apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv1
spec:
  capacity:
    storage: 1Gi
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  hostPath:
    path: /mnt/data
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: claim
spec:
  storageClassName: manual
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: user
spec:
  nodeName: node01
  containers:
  - name: c
    image: busybox
    command: [\"sleep\", \"3600\"]
    volumeMounts:
    - name: v
      mountPath: /store
  volumes:
  - name: v
    persistentVolumeClaim:
      claimName: claim
",
    );
    let out = s.run("kubectl exec user -- sh -c 'echo saved > /store/file.txt'");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let node = s.world.hosts.get("node01").expect("node01");
    assert_eq!(node.fs.read("/mnt/data/file.txt"), Ok("saved\n"));
}

#[test]
fn kubectl_run_with_rm_runs_the_command_and_deletes_the_pod() {
    let mut s = session();
    s.run("kubectl create deployment web --image=nginx");
    s.run("kubectl expose deployment web --port=80");
    s.world.advance(15);
    let out = s.run("kubectl run tmp --image=busybox --rm -it --restart=Never -- wget -qO- web");
    assert!(out.stdout.contains("Welcome to nginx!"), "{}", out.stdout);
    assert!(
        out.stdout.ends_with("pod \"tmp\" deleted\n"),
        "{}",
        out.stdout
    );
    assert!(s.run("kubectl get pod tmp").stderr.contains("NotFound"));
}

#[test]
fn kubedojo_sh_reads_the_following_lines_as_the_containers_input() {
    // Not a terminal: kubectl warns, shows no prompt, and the lines go to the container.
    let mut s = session();
    s.run("kubectl run box --image=busybox --command -- sleep 3600");
    s.world.advance(10);
    let out = s.run("kubectl exec -it box -- sh");
    assert_eq!(
        out.stderr,
        "Unable to use a TTY - input is not a terminal or the right kind of file\n"
    );
    assert_eq!(s.prompt(), "");
    assert_eq!(s.run("echo hi > /tmp/x; cat /tmp/x").stdout, "hi\n");
    let out = s.run("exit 3");
    assert_eq!(out.code, 3);
    assert_eq!(out.stderr, "command terminated with exit code 3\n");
    assert_eq!(s.prompt(), "controlplane $ ");
    // A heredoc on stdin is the script of `exec -i ... sh`.
    let out = s.run("kubectl exec -i box -- sh <<'EOF'\ncat /tmp/x\nhostname\nEOF");
    assert_eq!(out.stdout, "hi\nbox\n");
}

#[test]
fn a_distroless_container_has_no_shell() {
    let mut s = session();
    s.run("kubectl run echo --image=hashicorp/http-echo");
    s.world.advance(10);
    let out = s.run("kubectl exec -it echo -- sh");
    assert_eq!(out.code, 126);
    assert!(out
        .stderr
        .contains("exec: \"sh\": executable file not found in $PATH"));
}
