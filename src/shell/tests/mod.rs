//! The shell as the learner meets it: whole command lines against a standard World. Grammar and
//! builtins here; the tools in `tools`; fuzzing and size limits in `robustness`.

mod robustness;
mod tools;

use super::Shell;
use crate::world::World;
use crate::Output;

pub(super) fn setup() -> (Shell, World) {
    (Shell::new("controlplane"), World::standard())
}

pub(super) fn run(sh: &mut Shell, w: &mut World, line: &str) -> Output {
    sh.run_line(w, line)
}

pub(super) fn out(line: &str) -> String {
    let (mut sh, mut w) = setup();
    run(&mut sh, &mut w, line).stdout
}

pub(super) fn with_file(path: &str, text: &str) -> (Shell, World) {
    let (sh, mut w) = setup();
    if let Some(h) = w.hosts.get_mut("controlplane") {
        h.fs.write(path, text).expect("write fixture");
    }
    (sh, w)
}

pub(super) fn file(w: &World, path: &str) -> Option<String> {
    w.hosts
        .get("controlplane")
        .and_then(|h| h.fs.read(path).ok())
        .map(String::from)
}

#[test]
fn echo_prints_its_arguments() {
    assert_eq!(out("echo hello   world"), "hello world\n");
    assert_eq!(out("echo -n hi"), "hi");
    assert_eq!(out(r"echo -e 'a\tb'"), "a\tb\n");
    assert_eq!(
        out("echo 'single $HOME' \"double $HOME\""),
        "single $HOME double /root\n"
    );
}

#[test]
fn unknown_command_is_127() {
    let (mut sh, mut w) = setup();
    let o = run(&mut sh, &mut w, "foo bar");
    assert_eq!(o, Output::err("bash: foo: command not found\n", 127));
    assert_eq!(run(&mut sh, &mut w, "echo $?").stdout, "127\n");
}

#[test]
fn redirects_write_into_the_virtual_fs() {
    let (mut sh, mut w) = setup();
    run(&mut sh, &mut w, "echo one > /opt/out.txt");
    run(&mut sh, &mut w, "echo two >> /opt/out.txt");
    assert_eq!(file(&w, "/opt/out.txt").as_deref(), Some("one\ntwo\n"));
    let o = run(&mut sh, &mut w, "echo x > /nope/out.txt");
    assert_eq!(
        o,
        Output::err("bash: /nope/out.txt: No such file or directory\n", 1)
    );
}

#[test]
fn stderr_redirections() {
    let (mut sh, mut w) = setup();
    let o = run(&mut sh, &mut w, "cat missing 2>/dev/null");
    assert_eq!(
        o,
        Output {
            code: 1,
            ..Output::default()
        }
    );
    let o = run(&mut sh, &mut w, "cat missing 2>&1 | tr a-z A-Z");
    assert_eq!(o.stdout, "CAT: MISSING: NO SUCH FILE OR DIRECTORY\n");
    run(&mut sh, &mut w, "cat missing > /tmp/all 2>&1");
    assert_eq!(
        file(&w, "/tmp/all").as_deref(),
        Some("cat: missing: No such file or directory\n")
    );
    run(&mut sh, &mut w, "cat missing &> /tmp/both");
    assert_eq!(
        file(&w, "/tmp/both").as_deref(),
        Some("cat: missing: No such file or directory\n")
    );
    let o = run(&mut sh, &mut w, "cat missing 2>&1 >/dev/null");
    assert_eq!(o.stdout, "cat: missing: No such file or directory\n");
}

#[test]
fn heredoc_writes_a_manifest() {
    let (mut sh, mut w) = setup();
    let o = run(
        &mut sh,
        &mut w,
        "cat <<EOF > pod.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: $NAME\nEOF",
    );
    assert_eq!(o, Output::default());
    assert_eq!(
        file(&w, "/root/pod.yaml").as_deref(),
        Some("apiVersion: v1\nkind: Pod\nmetadata:\n  name: \n")
    );
    run(&mut sh, &mut w, "cat <<'EOF' > q.txt\nkeep $NAME\nEOF\n");
    assert_eq!(file(&w, "/root/q.txt").as_deref(), Some("keep $NAME\n"));
    run(&mut sh, &mut w, "cat <<-END > t.txt\n\tindented\n\tEND");
    assert_eq!(file(&w, "/root/t.txt").as_deref(), Some("indented\n"));
}

#[test]
fn and_or_and_status() {
    assert_eq!(out("false && echo no || echo yes"), "yes\n");
    assert_eq!(out("true && echo a; echo b"), "a\nb\n");
    assert_eq!(out("false; echo $?"), "1\n");
    assert_eq!(out("! false && echo negated"), "negated\n");
}

#[test]
fn variables_and_export() {
    assert_eq!(out("X=1; echo $X ${X}y \"$X\""), "1 1y 1\n");
    assert_eq!(
        out("export do=\"--dry-run=client -o yaml\"; echo $do"),
        "--dry-run=client -o yaml\n"
    );
    assert_eq!(out("echo ${UNSET:-fallback}"), "fallback\n");
    assert_eq!(out("A=x echo $A; echo [$A]"), "\n[]\n");
    assert_eq!(out("echo $((2 + 3 * 4))"), "14\n");
}

#[test]
fn command_substitution() {
    assert_eq!(out("echo \"now: $(echo hi)\""), "now: hi\n");
    assert_eq!(out("X=$(printf 'a\\nb\\n'); echo $X"), "a b\n");
    assert_eq!(out("echo `echo back`"), "back\n");
}

#[test]
fn aliases() {
    let (mut sh, mut w) = setup();
    assert_eq!(run(&mut sh, &mut w, "alias").stdout, "alias k='kubectl'\n");
    run(&mut sh, &mut w, "alias ll='ls -l'");
    assert_eq!(
        run(&mut sh, &mut w, "alias ll").stdout,
        "alias ll='ls -l'\n"
    );
    run(&mut sh, &mut w, "unalias ll");
    assert_eq!(
        run(&mut sh, &mut w, "ll").stderr,
        "bash: ll: command not found\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "unalias nope").stderr,
        "bash: unalias: nope: not found\n"
    );
}

#[test]
fn exam_setup_lines_are_accepted() {
    let (mut sh, mut w) = setup();
    for line in [
        "source <(kubectl completion bash)",
        "complete -F __start_kubectl k",
        "alias k=kubectl",
        "export ETCDCTL_API=3",
    ] {
        let o = run(&mut sh, &mut w, line);
        assert_eq!(o, Output::default(), "{line}");
    }
}

#[test]
fn syntax_errors_exit_2() {
    let (mut sh, mut w) = setup();
    assert_eq!(
        run(&mut sh, &mut w, "| wc"),
        Output::err("bash: syntax error near unexpected token `|'\n", 2)
    );
    assert_eq!(
        run(&mut sh, &mut w, "echo 'open"),
        Output::err("bash: unexpected EOF while looking for matching `''\n", 2)
    );
    assert_eq!(run(&mut sh, &mut w, "echo $?").stdout, "2\n");
}

#[test]
fn cd_and_pwd() {
    let (mut sh, mut w) = setup();
    assert_eq!(
        run(&mut sh, &mut w, "cd /etc/kubernetes && pwd").stdout,
        "/etc/kubernetes\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "cd manifests; pwd").stdout,
        "/etc/kubernetes/manifests\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "cd /nope").stderr,
        "bash: cd: /nope: No such file or directory\n"
    );
    assert_eq!(run(&mut sh, &mut w, "cd; pwd").stdout, "/root\n");
    assert_eq!(
        run(&mut sh, &mut w, "cd -").stdout,
        "/etc/kubernetes/manifests\n"
    );
}

#[test]
fn ssh_and_exit() {
    let (mut sh, mut w) = setup();
    let o = run(&mut sh, &mut w, "ssh node01");
    assert_eq!(o.code, 0);
    assert_eq!(sh.prompt(), "node01 $ ");
    assert_eq!(run(&mut sh, &mut w, "hostname").stdout, "node01\n");
    let o = run(&mut sh, &mut w, "exit");
    assert_eq!(o.stdout, "logout\nConnection to node01 closed.\n");
    assert_eq!(sh.host, "controlplane");
    let o = run(&mut sh, &mut w, "ssh nowhere");
    assert_eq!(
        o,
        Output::err(
            "ssh: Could not resolve hostname nowhere: Name or service not known\n",
            255
        )
    );
    assert_eq!(
        run(&mut sh, &mut w, "ssh node02 hostname").stdout,
        "node02\n"
    );
    assert_eq!(sh.host, "controlplane");
}

#[test]
fn kubectl_gets_heredoc_as_stdin() {
    // kubectl is a black box here; the shell's part is to reach it with the here-document as stdin.
    let (mut sh, mut w) = setup();
    let o = run(&mut sh, &mut w, "k apply -f - <<EOF\nkind: Pod\nEOF");
    assert_ne!(o.code, 127);
}

#[test]
fn loops_and_conditionals() {
    assert_eq!(out("for i in 1 2 3; do echo n$i; done"), "n1\nn2\nn3\n");
    assert_eq!(out("for f in /etc/kubernetes/manifests/*.yaml\ndo\n  basename=${f##*/}; echo $basename\ndone | head -2"), "etcd.yaml\nkube-apiserver.yaml\n");
    assert_eq!(
        out("i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done"),
        "1\n2\n3\n"
    );
    assert_eq!(
        out("if [ -f /nope ]; then echo yes; elif true; then echo elif; else echo no; fi"),
        "elif\n"
    );
    assert_eq!(
        out("for i in a b c; do [ $i = b ] && continue; [ $i = c ] && break; echo $i; done"),
        "a\n"
    );
    assert_eq!(out("{ echo a; echo b; } | wc -l"), "2\n");
    let (mut sh, mut w) = setup();
    let o = run(&mut sh, &mut w, "while true; do :; done; echo unreachable");
    assert_eq!(o.stderr, "bash: loop stopped after 100000 iterations\n");
    assert_eq!(o.stdout, "");
    assert_eq!(
        run(&mut sh, &mut w, "done").stderr,
        "bash: syntax error near unexpected token `done'\n"
    );
    assert_eq!(
        run(&mut sh, &mut w, "for i in 1; do echo").stderr,
        "bash: syntax error: unexpected end of file\n"
    );
}

#[test]
fn brace_expansion() {
    assert_eq!(out("echo /opt/{a,b}/x"), "/opt/a/x /opt/b/x\n");
    assert_eq!(out("echo {1..3} {c..a}"), "1 2 3 c b a\n");
    assert_eq!(out("echo '{a,b}' {x} ${HOME}"), "{a,b} {x} /root\n");
    assert_eq!(out("mkdir -p /tmp/{x,y} && ls /tmp"), "x  y\n");
}

#[test]
fn while_read_consumes_its_input_line_by_line() {
    assert_eq!(
        out("printf 'a 1\\nb 2\\n' | while read name n; do echo \"$n:$name\"; done"),
        "1:a\n2:b\n"
    );
    let (mut sh, mut w) = with_file("/root/list", "x\ny\n");
    assert_eq!(
        run(
            &mut sh,
            &mut w,
            "while read -r l; do echo [$l]; done < list"
        )
        .stdout,
        "[x]\n[y]\n"
    );
    assert_eq!(run(&mut sh, &mut w, "echo \"$(< list)\"").stdout, "x\ny\n");
    assert_eq!(
        run(&mut sh, &mut w, "command -v kubectl cd").stdout,
        "/usr/bin/kubectl\ncd\n"
    );
}

#[test]
fn each_line_of_a_block_is_read_after_the_previous_one_ran() {
    let (mut sh, mut w) = setup();
    let o = run(
        &mut sh,
        &mut w,
        "alias say=echo\nsay hi\necho | \necho after",
    );
    assert_eq!(o.stdout, "hi\nafter\n");
    let o = run(&mut sh, &mut w, "echo one\n) oops\necho two");
    assert_eq!(o.stdout, "one\ntwo\n");
    assert_eq!(o.stderr, "bash: syntax error near unexpected token `)'\n");
}

#[test]
fn tilde_expands_in_words_and_assignments() {
    assert_eq!(
        out("K=~/.kube/config; echo $K ~ '~'"),
        "/root/.kube/config /root ~\n"
    );
}

#[test]
fn bang_bang_repeats_the_previous_command() {
    let (mut sh, mut w) = setup();
    assert_eq!(
        run(&mut sh, &mut w, "!!"),
        Output::err("bash: !!: event not found\n", 1)
    );
    run(&mut sh, &mut w, "whoami");
    assert_eq!(
        run(&mut sh, &mut w, "sudo !!").stdout,
        "sudo whoami\nroot\n"
    );
    assert_eq!(run(&mut sh, &mut w, "echo '!!'").stdout, "!!\n");
    assert_eq!(sh.history.last().map(String::as_str), Some("echo '!!'"));
}

#[test]
fn case_picks_the_first_matching_arm() {
    let script = "for n in web-1 db-2 other; do\n  case $n in\n    web*|api*) echo \"$n: frontend\";;\n    db-[0-9]) echo \"$n: database\" ;;\n    *) echo \"$n: ?\"\n  esac\ndone";
    assert_eq!(out(script), "web-1: frontend\ndb-2: database\nother: ?\n");
    assert_eq!(out("case x in y) echo no;; esac; echo $?"), "0\n");
    let (mut sh, mut w) = setup();
    assert_eq!(
        run(&mut sh, &mut w, "esac").stderr,
        "bash: syntax error near unexpected token `esac'\n"
    );
}

#[test]
fn shell_functions_take_arguments_and_return() {
    assert_eq!(
        out("greet() { echo \"hi $1 ($#)\"; }; greet ann bob"),
        "hi ann (2)\n"
    );
    assert_eq!(
        out("function kd { echo describe \"$@\"; return 3; echo no; }\nkd pod x; echo $?"),
        "describe pod x\n3\n"
    );
    assert_eq!(
        out("f() { for i in 1 2 3; do [ $i = 2 ] && return 7; echo $i; done; }; f; echo $?"),
        "1\n7\n"
    );
    let (mut sh, mut w) = setup();
    let o = run(&mut sh, &mut w, "f() { f; }; f");
    assert_eq!(
        o.stderr,
        "bash: f: maximum function nesting level exceeded (24)\n"
    );
}

#[test]
fn type_knows_the_builtins() {
    assert_eq!(out("type break [ test command return"), "break is a shell builtin\n[ is a shell builtin\ntest is a shell builtin\ncommand is a shell builtin\nreturn is a shell builtin\n");
}

#[test]
fn subshells_keep_their_changes_to_themselves() {
    assert_eq!(
        out("(cd /tmp; X=1; f() { :; }; alias q=echo); pwd; echo [$X]; type f q 2>&1 | wc -l"),
        "/root\n[]\n2\n"
    );
}

#[test]
fn merged_streams_keep_the_order_kubectl_wrote_them_in() {
    let (mut sh, mut w) = setup();
    // Warnings come before the output they warn about...
    let o = run(&mut sh, &mut w, "kubectl get cs 2>&1 | head -2");
    assert_eq!(
        o.stdout,
        "Warning: v1 ComponentStatus is deprecated in v1.19+\nNAME                 STATUS    MESSAGE   ERROR\n"
    );
    run(&mut sh, &mut w, "kubectl get cs scheduler &> /tmp/cs.txt");
    let o = run(&mut sh, &mut w, "head -1 /tmp/cs.txt");
    assert_eq!(
        o.stdout,
        "Warning: v1 ComponentStatus is deprecated in v1.19+\n"
    );
    let o = run(&mut sh, &mut w, "kubectl get cs etcd-0 |& wc -l");
    assert_eq!(o.stdout.trim(), "3");
    // ...while an error met after printing found objects follows them.
    let o = run(
        &mut sh,
        &mut w,
        "kubectl -n kube-system get pods etcd-controlplane nosuch --no-headers 2>&1 | cut -c1-17",
    );
    assert_eq!(o.stdout, "etcd-controlplane\nError from server\n");
    // Separate destinations are untouched.
    let o = run(&mut sh, &mut w, "kubectl get cs etcd-0 2>/dev/null");
    assert!(o.stdout.starts_with("NAME"), "{o:?}");
    assert_eq!(o.stderr, "");
}
