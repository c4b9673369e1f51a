//! The shell as the learner meets it: whole command lines against a standard World.

use super::Shell;
use crate::world::World;
use crate::Output;

fn setup() -> (Shell, World) {
    (Shell::new("controlplane"), World::standard())
}

fn run(sh: &mut Shell, w: &mut World, line: &str) -> Output {
    sh.run_line(w, line)
}

fn out(line: &str) -> String {
    let (mut sh, mut w) = setup();
    run(&mut sh, &mut w, line).stdout
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

fn with_file(path: &str, text: &str) -> (Shell, World) {
    let (sh, mut w) = setup();
    if let Some(h) = w.hosts.get_mut("controlplane") {
        h.fs.write(path, text).expect("write fixture");
    }
    (sh, w)
}

fn file(w: &World, path: &str) -> Option<String> {
    w.hosts
        .get("controlplane")
        .and_then(|h| h.fs.read(path).ok())
        .map(String::from)
}

#[test]
fn given_three_lines_wc_l_prints_3() {
    let (mut sh, mut w) = with_file("/root/f.txt", "a\nb\nc\n");
    assert_eq!(run(&mut sh, &mut w, "wc -l f.txt").stdout, "3 f.txt\n");
    assert_eq!(run(&mut sh, &mut w, "cat f.txt | wc -l").stdout, "3\n");
    assert_eq!(run(&mut sh, &mut w, "wc -l < f.txt").stdout, "3\n");
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
fn kubectl_gets_heredoc_as_stdin() {
    // kubectl is a black box here; the shell's part is to reach it with the here-document as stdin.
    let (mut sh, mut w) = setup();
    let o = run(&mut sh, &mut w, "k apply -f - <<EOF\nkind: Pod\nEOF");
    assert_ne!(o.code, 127);
}

/// A small deterministic generator, so the fuzz loop needs no extra crate and always replays the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    "echo \"a $B\" 'c' | grep -E 'x|y' > /tmp/o 2>&1 && cat /tmp/o || echo no",
    "cat <<EOF | sed -n '2p' >> /opt/f\nline $X\n$(echo sub)\nEOF",
    "awk -F: '{s+=$2} END {printf \"%d\\n\", s}' /etc/passwd; echo ${X:-d} $((1+2))",
    "for x in $(ls /); do echo $x; done; (cd /tmp && pwd) | wc -c",
    "ls -la /etc/kubernetes/manifests/*.yaml | awk '{print $NF}' | xargs -n1 basename",
    "k get po -A -o jsonpath='{.items[*].metadata.name}' | tr ' ' '\\n' | sort -u | head -n 3",
    "sed -e 's/\\(a\\)/[\\1]/g' -e '/^$/d' <<< \"$(printf '%s\\n' a b '')\"",
    "diff <(echo a) <(echo b); base64 -w0 <<<'x' | base64 -d; cut -c1-3 <<<abcdef",
    "ssh node01 'cat /var/lib/kubelet/config.yaml | grep -A2 -B1 static'; exit 3; echo no",
];

const ALPHABET: &[&str] = &[
    "'", "\"", "\\", "$", "$(", "`", "(", ")", "{", "}", "|", "&", ";", "<", ">", ">>", "<<",
    "2>&1", "\n", " ", "*", "?", "[", "]", "#", "~", "!", "=", "-", "EOF", "$((", "${", "%", "/",
];

#[test]
fn random_and_mutated_lines_never_panic() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (_, mut w) = setup();
    for round in 0..1500 {
        let mut sh = Shell::new("controlplane");
        let mut line: Vec<char> = SEEDS[round % SEEDS.len()].chars().collect();
        for _ in 0..rng.below(8) + 1 {
            let at = rng.below(line.len() + 1);
            match rng.below(3) {
                0 => {
                    let piece = ALPHABET[rng.below(ALPHABET.len())];
                    for (k, c) in piece.chars().enumerate() {
                        line.insert(at + k, c);
                    }
                }
                1 if !line.is_empty() => {
                    line.remove(at.min(line.len() - 1));
                }
                _ => {
                    let end = (at + rng.below(6)).min(line.len());
                    let dup: Vec<char> = line[at..end].to_vec();
                    for (k, c) in dup.into_iter().enumerate() {
                        line.insert(at + k, c);
                    }
                }
            }
        }
        let text: String = line.into_iter().collect();
        let o = sh.run_line(&mut w, &text);
        assert!(o.code >= 0, "{text:?}");
    }
}

#[test]
fn huge_and_deep_lines_finish() {
    let (mut sh, mut w) = setup();
    let start = std::time::Instant::now();
    let big = format!("echo {} | wc -c", "a".repeat(1 << 20));
    assert_eq!(
        sh.run_line(&mut w, &big).stdout,
        format!("{}\n", (1 << 20) + 1)
    );
    let many = "true;".repeat(100_000);
    assert_eq!(sh.run_line(&mut w, &many).code, 0);
    let deep = format!("echo {}x{}", "$(echo ".repeat(2000), ")".repeat(2000));
    let o = sh.run_line(&mut w, &deep);
    assert!(o.stderr.contains("maximum nesting level exceeded"));
    let parens = format!("{}true{}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(sh.run_line(&mut w, &parens).code, 2);
    let arith = format!("echo $(({}1{}))", "(".repeat(5000), ")".repeat(5000));
    assert_ne!(sh.run_line(&mut w, &arith).stderr, "");
    let minus = format!("echo $(({}1))", "-".repeat(100_000));
    let _ = sh.run_line(&mut w, &minus);
    for edge in [
        "head -n -9223372036854775808 /etc/hostname; tail -n +-9223372036854775808 x; tail -c -9223372036854775808 x",
        "echo {-9223372036854775808..9223372036854775807..-9223372036854775808} {1..9223372036854775807}",
        "seq -9223372036854775808 9223372036854775807 | wc -l; seq 1 -1 9223372036854775807",
        "printf '%999999999d%.999999999f%-99999999s|' 1 2 x | wc -c; echo $((-9223372036854775807-1 / -1)) $((2**64))",
        "exit -9223372036854775808; exit 99999999999999999999",
        "sleep 1e308; sleep inf; sleep -1; date +%Q; date '+%"
    ] {
        let _ = sh.run_line(&mut w, edge);
        sh = Shell::new("controlplane");
    }
    let nested = format!(
        "{}{}true{}{}",
        "$( ( ( ( ( ( ( ( ( ( ".repeat(30),
        "",
        ") ) ) ) ) ) ) ) ) )".repeat(30),
        ""
    );
    let _ = sh.run_line(&mut w, &format!("echo {nested}"));
    let groups = format!("echo {}", "{a,b}".repeat(100_000));
    assert_eq!(
        sh.run_line(&mut w, &format!("{groups} | wc -c")).stdout,
        "500001\n"
    );
    assert_eq!(
        sh.run_line(&mut w, &format!("echo {} | wc -w", "{a,b}".repeat(12)))
            .stdout,
        "4096\n"
    );
    let src = "a".repeat(100_000);
    let _ = sh.run_line(&mut w, &format!("alias {src}={src}; {src}"));
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
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
fn ps_shows_the_control_plane_flags() {
    let o = out("ps aux | grep kube-apiserver | grep -o -- '--etcd-servers=[^ ]*'");
    assert_eq!(o, "--etcd-servers=https://127.0.0.1:2379\n");
    assert_eq!(out("ps -ef | grep -c '[k]ubelet --'"), "1\n");
}

const TOOLS: &[&str] = &[
    "echo",
    "printf",
    "cat",
    "head",
    "tail",
    "wc",
    "tee",
    "base64",
    "sort",
    "uniq",
    "cut",
    "tr",
    "diff",
    "grep",
    "sed",
    "awk",
    "ls",
    "mkdir",
    "rm",
    "cp",
    "mv",
    "touch",
    "find",
    "date",
    "sleep",
    "which",
    "env",
    "seq",
    "xargs",
    "basename",
    "dirname",
    "column",
    "nl",
    "rev",
    "systemctl",
    "journalctl",
    "ps",
    "test",
    "[",
    "cd",
    "export",
    "alias",
    "unalias",
    "history",
    "read",
    "ssh",
    "sudo",
    "type",
    "source",
];

const ARGS: &[&str] = &[
    "-n",
    "-1",
    "+1",
    "-c",
    "0",
    "-9223372036854775808",
    "9223372036854775807",
    "99999999999999999999",
    "-k",
    "2,1",
    "-k0",
    "-f",
    "-d",
    "",
    "x",
    "/",
    "/etc",
    "..",
    "-r",
    "-i",
    "s/a/b/g",
    "s/\\(/x/",
    "{print $NF}",
    "{x[$1]++} END {for(k in x) print k}",
    "-F",
    "[",
    "(",
    "*",
    "%s%d%c%%%-5.2f",
    "-w0",
    "-A",
    "-B",
    "-C",
    "a-z",
    "[:upper:]",
    "-E",
    "-v",
    "-l",
    "-e",
    "1,$p",
    "$",
    "\\",
    "-o",
    "NR==1",
    "-t",
    "-s",
    "-u",
    "-p",
    "--",
    "-",
    "]",
    "=",
    "-eq",
    "-z",
    "/etc/kubernetes/manifests",
    "/etc/kubernetes/manifests/etcd.yaml",
    "node01",
    "kubelet",
    "status",
    "stop",
    "-I{}",
    "{}",
    "$p",
    "y/ab/c/",
    "a\\",
    "/x/,/y/d",
    "BEGIN{while(1);}",
    "-9",
    "1e9",
    "{1..3}",
    "~",
];

#[test]
fn random_tool_invocations_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (_, mut w) = setup();
    for _ in 0..3000 {
        let mut sh = Shell::new("controlplane");
        let tool = TOOLS[rng.below(TOOLS.len())];
        let mut line = String::from("printf 'b 2\\na 1\\n\\nc:3\\n' | ");
        line.push_str(tool);
        for _ in 0..rng.below(6) {
            let a = ARGS[rng.below(ARGS.len())];
            line.push_str(&format!(" '{}'", a.replace('\'', "'\\''")));
        }
        let o = sh.run_line(&mut w, &line);
        assert!(o.code >= 0 && o.stdout.len() < 64 << 20, "{line}");
    }
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
