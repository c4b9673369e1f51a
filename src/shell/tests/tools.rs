//! The host's tools as the learner meets them, through whole command lines.

use super::{out, run, setup, with_file};
use crate::shell::Shell;
use crate::world::World;
use crate::Output;

#[test]
fn given_three_lines_wc_l_prints_3() {
    let (mut sh, mut w) = with_file("/root/f.txt", "a\nb\nc\n");
    assert_eq!(run(&mut sh, &mut w, "wc -l f.txt").stdout, "3 f.txt\n");
    assert_eq!(run(&mut sh, &mut w, "cat f.txt | wc -l").stdout, "3\n");
    assert_eq!(run(&mut sh, &mut w, "wc -l < f.txt").stdout, "3\n");
}

#[test]
fn file_tools() {
    let (mut sh, mut w) = setup();
    run(
        &mut sh,
        &mut w,
        "mkdir -p /opt/a/b && touch /opt/a/b/x && cp /opt/a/b/x /opt/a/y && mv /opt/a/y /opt/a/z",
    );
    assert_eq!(run(&mut sh, &mut w, "ls /opt/a").stdout, "b  z\n");
    assert_eq!(run(&mut sh, &mut w, "ls -1 /opt/a | wc -l").stdout, "2\n");
    assert_eq!(
        run(&mut sh, &mut w, "mkdir /opt/a").stderr,
        "mkdir: cannot create directory ‘/opt/a’: File exists\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "rm /opt/a").stderr,
        "rm: cannot remove '/opt/a': Is a directory\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "rm -r /opt/a && ls /opt/a").stderr,
        "ls: cannot access '/opt/a': No such file or directory\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "cat nothing").stderr,
        "cat: nothing: No such file or directory\n"
    );
    assert_eq!(
        run(
            &mut sh,
            &mut w,
            "ls /etc/kubernetes/manifests/*.yaml | head -1"
        )
        .stdout,
        "/etc/kubernetes/manifests/etcd.yaml\n"
    );
}

#[test]
fn text_filters() {
    let (mut sh, mut w) = with_file(
        "/root/pods.txt",
        "NAME STATUS\nweb-1 Running\ndb-1 Pending\nweb-2 Running\n",
    );
    assert_eq!(
        run(&mut sh, &mut w, "grep web pods.txt").stdout,
        "web-1 Running\nweb-2 Running\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "grep -c Running pods.txt").stdout,
        "2\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "grep -v Running pods.txt | tail -n +2").stdout,
        "db-1 Pending\n"
    );
    assert_eq!(run(&mut sh, &mut w, "grep nothing pods.txt").code, 1);
    assert_eq!(
        run(
            &mut sh,
            &mut w,
            "awk 'NR>1 {print $2}' pods.txt | sort | uniq -c"
        )
        .stdout,
        "      1 Pending\n      2 Running\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "cut -d' ' -f1 pods.txt | head -2").stdout,
        "NAME\nweb-1\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "sed -n '2p' pods.txt").stdout,
        "web-1 Running\n"
    );
    assert_eq!(
        run(
            &mut sh,
            &mut w,
            "sed 's/Running/Up/g' pods.txt | grep -c Up"
        )
        .stdout,
        "2\n"
    );
    run(&mut sh, &mut w, "sed -i 's/db/cache/' pods.txt");
    assert_eq!(
        run(&mut sh, &mut w, "grep -n cache pods.txt").stdout,
        "3:cache-1 Pending\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "sort -r pods.txt | head -1").stdout,
        "web-2 Running\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "echo hello | base64").stdout,
        "aGVsbG8K\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "echo aGVsbG8K | base64 -d").stdout,
        "hello\n"
    );
}

#[test]
fn diff_reports_changes() {
    let (mut sh, mut w) = with_file("/root/a", "one\ntwo\nthree\n");
    run(&mut sh, &mut w, "printf 'one\\n2\\nthree\\n' > b");
    let o = run(&mut sh, &mut w, "diff a b");
    assert_eq!(o.stdout, "2c2\n< two\n---\n> 2\n");
    assert_eq!(o.code, 1);
    assert_eq!(run(&mut sh, &mut w, "diff a a").code, 0);
}

#[test]
fn sleep_advances_the_clock() {
    let (mut sh, mut w) = setup();
    let before = w.now();
    run(&mut sh, &mut w, "sleep 5");
    assert_eq!((w.now() - before).num_seconds(), 5);
}

#[test]
fn misc_builtins() {
    assert_eq!(out("clear"), "\x1b[H\x1b[2J");
    assert_eq!(out("which kubectl"), "/usr/bin/kubectl\n");
    assert_eq!(out("whoami"), "root\n");
    assert_eq!(out("sudo whoami"), "root\n");
    assert_eq!(out("echo hi | tee /tmp/x | tr a-z A-Z"), "HI\n");
    let (mut sh, mut w) = setup();
    let o = run(&mut sh, &mut w, "vim pod.yaml");
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("cat <<EOF > pod.yaml"));
    run(&mut sh, &mut w, "echo a");
    assert_eq!(
        run(&mut sh, &mut w, "history").stdout,
        "    1  vim pod.yaml\n    2  echo a\n    3  history\n"
    );
}

#[test]
fn systemctl_drives_the_hosts_services() {
    let (mut sh, mut w) = setup();
    assert_eq!(
        run(&mut sh, &mut w, "systemctl status kubelet | head -1").stdout,
        "● kubelet.service - kubelet: The Kubernetes Node Agent\n"
    );
    run(&mut sh, &mut w, "ssh node01 systemctl stop kubelet");
    let node01 = w
        .hosts
        .get("node01")
        .and_then(|h| h.services.get("kubelet"))
        .map(|s| s.active);
    assert_eq!(node01, Some(false));
    let o = run(&mut sh, &mut w, "ssh node01 systemctl is-active kubelet");
    assert_eq!((o.stdout.as_str(), o.code), ("inactive\n", 3));
    assert_eq!(
        run(
            &mut sh,
            &mut w,
            "ssh node01 'systemctl enable --now kubelet 2>/dev/null; systemctl is-active kubelet'"
        )
        .stdout,
        "active\n"
    );
    let o = run(&mut sh, &mut w, "systemctl restart nope");
    assert_eq!(
        o,
        Output::err(
            "Failed to restart nope.service: Unit nope.service not found.\n",
            5
        )
    );
}

#[test]
fn xargs_and_path_tools() {
    assert_eq!(out("echo a b | xargs -n1 echo x"), "x a\nx b\n");
    assert_eq!(
        out("ls /etc/kubernetes/manifests | head -2 | xargs -I{} echo f:{}"),
        "f:etcd.yaml\nf:kube-apiserver.yaml\n"
    );
    assert_eq!(
        out("basename /etc/kubernetes/manifests/etcd.yaml .yaml; dirname /etc/kubernetes/x"),
        "etcd\n/etc/kubernetes\n"
    );
    assert_eq!(
        out("printf 'a bb\\nccc d\\n' | column -t"),
        "a    bb\nccc  d\n"
    );
}

#[test]
fn ps_shows_the_control_plane_flags() {
    let o = out("ps aux | grep kube-apiserver | grep -o -- '--etcd-servers=[^ ]*'");
    assert_eq!(o, "--etcd-servers=https://127.0.0.1:2379\n");
    assert_eq!(out("ps -ef | grep -c '[k]ubelet --'"), "1\n");
}

#[test]
fn wrappers_run_their_command() {
    assert_eq!(out("timeout 5 echo hi; nohup echo there"), "hi\nthere\n");
    assert_eq!(out("watch -n1 echo x | tail -1"), "x\n");
    let (mut sh, mut w) = setup();
    assert_eq!(
        run(&mut sh, &mut w, "sudo k get po"),
        Output::err("sudo: k: command not found\n", 1)
    );
    assert_eq!(
        run(&mut sh, &mut w, "type watch").stdout,
        "watch is /usr/bin/watch\n"
    );
}

#[test]
fn missing_inputs_are_reported_in_each_tools_words() {
    let (mut sh, mut w) = setup();
    let err = |sh: &mut Shell, w: &mut World, l: &str| run(sh, w, l).stderr;
    assert_eq!(
        err(&mut sh, &mut w, "head nope"),
        "head: cannot open 'nope' for reading: No such file or directory\n"
    );
    assert_eq!(
        err(&mut sh, &mut w, "tail /etc"),
        "tail: error reading '/etc': Is a directory\n"
    );
    assert_eq!(
        err(&mut sh, &mut w, "sort nope"),
        "sort: cannot read: nope: No such file or directory\n"
    );
    assert_eq!(
        err(&mut sh, &mut w, "cat /etc"),
        "cat: /etc: Is a directory\n"
    );
    assert_eq!(
        err(&mut sh, &mut w, "wc -l nope"),
        "wc: nope: No such file or directory\n"
    );
}

#[test]
fn paste_joins_lines() {
    assert_eq!(out("seq 3 | paste -sd, -"), "1,2,3\n");
    assert_eq!(
        out("printf 'a\\nb\\n' > /tmp/l; printf '1\\n2\\n' > /tmp/r; paste /tmp/l /tmp/r"),
        "a\t1\nb\t2\n"
    );
}

#[test]
fn node_addresses() {
    assert_eq!(out("hostname -i"), "172.30.1.2\n");
    assert_eq!(out("ssh node01 hostname -i"), "172.30.2.2\n");
    assert_eq!(out("ip a | grep -c 'inet 172.30.1.2/24'"), "1\n");
}

#[test]
fn node_health_tools() {
    assert_eq!(out("df -h | awk '$NF == \"/\" {print $5}'"), "25%\n");
    assert!(out("uptime").contains(" up 10 days,"));
    assert_eq!(out("free -m | awk 'NR==2 {print $1}'"), "Mem:\n");
}

#[test]
fn recursive_grep_with_include() {
    let (mut sh, mut w) = with_file("/etc/kubernetes/manifests/notes.txt", "image: not-yaml\n");
    let o = run(
        &mut sh,
        &mut w,
        "grep -rl --include='*.yaml' 'image:' /etc/kubernetes | wc -l",
    );
    assert_eq!(o.stdout, "4\n");
    let o = run(
        &mut sh,
        &mut w,
        "grep -rl --exclude=*.yaml image: /etc/kubernetes",
    );
    assert_eq!(o.stdout, "/etc/kubernetes/manifests/notes.txt\n");
}
