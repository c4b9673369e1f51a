//! `kubectl cp` as on the exam: the real kubectl runs `tar` in the container, so a copy lands in the
//! container's own file system (or its volumes) where `kubectl exec` sees it, keeps the name of the
//! copy when the destination is a folder, fails with tar's messages, and cannot reach an image
//! without tar.

use kubedojo::session::{ClockMode, Session};

fn session() -> Session {
    let mut s = Session::sandbox(ClockMode::Manual);
    ok(&mut s, "kubectl run web --image=nginx");
    ok(&mut s, "kubectl run bb --image=busybox -- sleep 3600");
    s.world.advance(15);
    s
}

fn ok(s: &mut Session, line: &str) -> String {
    let out = s.run(line);
    assert_eq!(out.code, 0, "{line}: {}", out.stderr);
    out.stdout
}

#[test]
fn a_file_copied_into_a_pod_is_what_exec_reads() {
    let mut s = session();
    ok(&mut s, "echo hello > f.txt");
    assert_eq!(ok(&mut s, "kubectl cp ./f.txt web:/tmp/f.txt"), "");
    assert_eq!(ok(&mut s, "kubectl exec web -- cat /tmp/f.txt"), "hello\n");
    // Into a folder, the copy keeps its name.
    ok(&mut s, "kubectl cp f.txt bb:/tmp");
    assert_eq!(ok(&mut s, "kubectl exec bb -- cat /tmp/f.txt"), "hello\n");
    // And back out, with what the container wrote itself.
    ok(&mut s, "kubectl exec web -- sh -c 'echo made > /tmp/m'");
    let out = s.run("kubectl cp web:/tmp/m ./m");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "tar: Removing leading `/' from member names\n")
    );
    assert_eq!(ok(&mut s, "cat m"), "made\n");
    // The copy is the container's: a new pod of the same name starts without it.
    ok(&mut s, "kubectl delete pod web --now");
    ok(&mut s, "kubectl run web --image=nginx");
    s.world.advance(15);
    assert_eq!(
        s.run("kubectl exec web -- cat /tmp/f.txt").stderr,
        "cat: /tmp/f.txt: No such file or directory\ncommand terminated with exit code 1\n"
    );
}

#[test]
fn folders_copy_whole_and_into_an_existing_folder_by_name() {
    let mut s = session();
    ok(&mut s, "mkdir -p d/sub && echo a > d/a && echo b > d/sub/b");
    ok(&mut s, "kubectl cp d web:/tmp/d");
    assert_eq!(ok(&mut s, "kubectl exec web -- cat /tmp/d/sub/b"), "b\n");
    ok(&mut s, "kubectl cp d web:/tmp/d");
    assert_eq!(ok(&mut s, "kubectl exec web -- cat /tmp/d/d/a"), "a\n");
    ok(&mut s, "kubectl cp web:/tmp/d/sub ./out");
    assert_eq!(ok(&mut s, "cat out/b"), "b\n");
}

#[test]
fn copy_errors_are_kubectls_and_tars() {
    let mut s = session();
    ok(&mut s, "echo hi > f.txt");
    let out = s.run("kubectl cp nosuch web:/tmp/x");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "error: nosuch doesn't exist in local filesystem\n")
    );
    assert_eq!(
        s.run("kubectl cp f.txt nopod:/tmp/x").stderr,
        "Error from server (NotFound): pods \"nopod\" not found\n"
    );
    // GNU tar (nginx is Debian) and busybox tar on a missing folder.
    let out = s.run("kubectl cp f.txt web:/nosuch/x");
    assert_eq!((out.code, out.stderr.as_str()), (2, "tar: /nosuch: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\ncommand terminated with exit code 2\n"));
    let out = s.run("kubectl cp f.txt bb:/nosuch/x");
    assert_eq!((out.code, out.stderr.as_str()), (1, "tar: can't change directory to '/nosuch': No such file or directory\ncommand terminated with exit code 1\n"));
    let out = s.run("kubectl cp web:/nosuch ./x");
    assert_eq!(out.stderr, "tar: Removing leading `/' from member names\ntar: /nosuch: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n");
    // An image without tar (the control plane's are distroless).
    let out = s.run("kubectl cp f.txt kube-system/kube-apiserver-controlplane:/tmp/x");
    assert_eq!((out.code, out.stderr.as_str()), (126, "OCI runtime exec failed: exec failed: unable to start container process: exec: \"tar\": executable file not found in $PATH: unknown\ncommand terminated with exit code 126\n"));
    let out = s.run("kubectl cp kube-system/kube-apiserver-controlplane:/etc/hosts ./x");
    assert_eq!(out.code, 126);
}

#[test]
fn a_read_only_root_file_system_refuses_the_copy_but_a_volume_takes_it() {
    let mut s = session();
    ok(&mut s, "cat > p.yaml <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ro\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [\"sleep\", \"3600\"]\n    securityContext:\n      readOnlyRootFilesystem: true\n    volumeMounts:\n    - name: tmp\n      mountPath: /tmp\n  - name: side\n    image: nginx\n  volumes:\n  - name: tmp\n    emptyDir: {}\nEOF");
    ok(&mut s, "kubectl apply -f p.yaml");
    s.world.advance(15);
    ok(&mut s, "echo hi > f.txt");
    let out = s.run("kubectl cp f.txt ro:/f.txt -c c");
    assert_eq!(
        out.stderr,
        "tar: can't open 'f.txt': Read-only file system\ncommand terminated with exit code 1\n"
    );
    // Without -c, kubectl defaults to the first container and says so.
    let out = s.run("kubectl cp f.txt ro:/tmp/f.txt");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Defaulted container \"c\" out of: c, side\n")
    );
    assert_eq!(ok(&mut s, "kubectl exec ro -c c -- cat /tmp/f.txt"), "hi\n");
    assert_eq!(
        s.run("kubectl cp f.txt ro:/tmp/f.txt -c nosuch").stderr,
        "error: container nosuch not found in pod ro\n"
    );
}

#[test]
fn a_statefulset_pod_made_again_does_not_see_the_old_pods_copies() {
    let mut s = session();
    ok(&mut s, "cat <<EOF | kubectl apply -f -\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  replicas: 1\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: nginx\nEOF");
    s.world.advance(30);
    ok(&mut s, "echo hello > f.txt");
    ok(&mut s, "kubectl cp f.txt db-0:/tmp/f.txt");
    assert_eq!(ok(&mut s, "kubectl exec db-0 -- cat /tmp/f.txt"), "hello\n");
    let layers = |s: &Session| -> Vec<String> {
        s.world
            .volumes
            .keys()
            .filter(|k| k.starts_with("rootfs/"))
            .cloned()
            .collect()
    };
    let before = layers(&s);
    ok(&mut s, "kubectl delete pod db-0");
    s.world.advance(30);
    assert_eq!(
        s.run("kubectl exec db-0 -- cat /tmp/f.txt").stderr,
        "cat: /tmp/f.txt: No such file or directory\ncommand terminated with exit code 1\n"
    );
    // The old pod's layer is gone, not only out of sight.
    let after = layers(&s);
    assert!(before.iter().all(|k| !after.contains(k)), "{after:?}");
    ok(&mut s, "kubectl delete sts db");
    s.world.advance(60);
    assert_eq!(layers(&s), Vec::<String>::new());
}
