//! No input makes the shell panic or hang: mutated exam lines, random tool arguments, huge and deeply
//! nested lines.

use super::{setup, Shell};

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
    for _ in 0..300 {
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
