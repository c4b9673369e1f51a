//! Manifests are read as kubectl reads them: go-yaml v2's YAML 1.1 scalars (`yes` and `on` are true,
//! `0400` is octal 256, `1_000` is 1000, a key `n` is "false"), and kubectl's own decoding of metadata
//! (`labels: {enabled: yes}` fails on the client). The real kubectl (`/usr/bin/kubectl`, v1.32) is the
//! oracle: `label --local -f` prints a file's objects as it read them, without a cluster. Skipped, with
//! the reason printed, where it is absent.

use std::io::Write;
use std::process::{Command, Stdio};

use kubedojo::session::{ClockMode, Session};
use serde_json::Value;

#[path = "common/oracle.rs"]
mod oracle;

/// The real kubectl run on `stdin`, or `None` (said on stderr) where it is not installed.
fn real_with_stdin(args: &[&str], stdin: &str) -> Option<(String, String)> {
    if !std::path::Path::new(oracle::KUBECTL).exists() {
        eprintln!(
            "skipped: {} is not installed, so there is no oracle to compare with",
            oracle::KUBECTL
        );
        return None;
    }
    let mut child = Command::new(oracle::KUBECTL)
        .args(args)
        .env("KUBECONFIG", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(stdin.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    Some((
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// The manifest written into a sandbox's file system, then `LINE` run.
fn ours(manifest: &str, line: &str) -> (String, String) {
    let mut s = Session::sandbox(ClockMode::Manual);
    let out = s.run(&format!("cat > m.yaml <<'EOF'\n{manifest}EOF"));
    assert_eq!(out.stderr, "");
    let out = s.run(line);
    (out.stdout, out.stderr)
}

const SCALARS: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: scalars
data:
  a: y
  b: on
  c: 0400
  d: 1_000
  e: 0x1F
  f: 0b101
  g: 2024-01-01
  h: 1e3
  yes: k
  i: \"yes\"
  j: Off
  k: 012345678901234567890123
  l: 0o17
  m: -0b11
  n: 1_0.5
  o: 1:20
  p: 0.
  q: +12
  r: 09
  s: 'no'
  t: |
    on
  u: &x NO
  v: *x
  w: 99999999999999999999
  x: [yes, \"no\", 3, ~]
  z: 18446744073709551615
  0: zero
";

#[test]
fn plain_scalars_read_as_kubectl_reads_them() {
    let Some((want, err)) = real_with_stdin(
        &["label", "--local", "-f", "-", "zz=1", "-o", "json"],
        SCALARS,
    ) else {
        return;
    };
    assert_eq!(err, "");
    let want: Value = serde_json::from_str(&want).expect("kubectl prints JSON");
    let (got, err) = ours(SCALARS, "kubectl create -f m.yaml --dry-run=client -o json");
    assert_eq!(err, "");
    let got: Value = serde_json::from_str(&got).expect("we print JSON");
    assert_eq!(got["data"], want["data"]);
}

#[test]
fn a_value_of_the_wrong_type_in_metadata_fails_on_the_client() {
    let cases = [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    enabled: yes\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    port: 8080\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 5\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [a]\n",
    ];
    for manifest in cases {
        let Some((_, want)) = real_with_stdin(&["create", "-f", "-", "--validate=false"], manifest)
        else {
            return;
        };
        assert!(want.starts_with("error: unable to decode"), "{want}");
        for line in [
            "kubectl create -f - < m.yaml",
            "kubectl apply -f - < m.yaml",
            "kubectl delete -f - < m.yaml",
        ] {
            let (out, err) = ours(manifest, line);
            assert_eq!(out, "", "{line}\n{manifest}");
            assert_eq!(err, want, "{line}\n{manifest}");
        }
    }
}

#[test]
fn a_boolean_where_a_string_belongs_is_refused_by_the_server() {
    let manifest = "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx
    env:
    - name: DEBUG
      value: on
";
    let (_, err) = ours(manifest, "kubectl apply -f m.yaml");
    assert_eq!(
        err,
        "Error from server (BadRequest): error when creating \"m.yaml\": Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field EnvVar.spec.containers.env.value of type string\n"
    );
    let quoted = manifest.replace("value: on", "value: \"on\"");
    let (out, err) = ours(&quoted, "kubectl apply -f m.yaml");
    assert_eq!((out.as_str(), err.as_str()), ("pod/p created\n", ""));
}

#[test]
fn broken_yaml_is_reported_in_go_yaml_words() {
    let cases = [
        // A scanner error names its own line.
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n    image: nginx\n     ports: []\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"x\n",
        "a: b: c\n",
        // A parser error names the line before its problem.
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n labels: {}\n",
        "a: [1, 2\n",
        "a:\n  - b\n  c: d\n",
        // Lines count from the start of the document; a leading `---` belongs to it.
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n labels: {}\n",
        // Anchors.
        "a: *b\n",
        "a: &b [*b]\n",
        // apimachinery's document splitter.
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n--- x\napiVersion: v1\n",
        "\n# only a comment\n---\n",
    ];
    for manifest in cases {
        let Some((_, want)) = real_with_stdin(&["create", "-f", "-", "--validate=false"], manifest)
        else {
            return;
        };
        let (out, err) = ours(manifest, "kubectl create -f - < m.yaml");
        assert_eq!(
            (out.as_str(), err.as_str()),
            ("", want.as_str()),
            "{manifest}"
        );
    }
}

#[test]
fn the_documents_before_a_broken_one_are_still_applied() {
    let manifest = "apiVersion: v1
kind: ConfigMap
metadata:
  name: first
---
apiVersion: v1
kind: Pod
metadata:
  name: x
 labels: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: after
";
    let mut s = Session::sandbox(ClockMode::Manual);
    s.run(&format!("cat > m.yaml <<'EOF'\n{manifest}EOF"));
    let out = s.run("kubectl apply -f m.yaml");
    assert_eq!(out.stdout, "configmap/first created\n");
    assert_eq!(
        out.stderr,
        "error: error parsing m.yaml: error converting YAML to JSON: yaml: line 4: did not find expected key\n"
    );
    let out = s.run("kubectl get cm first after");
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): configmaps \"after\" not found\n"
    );
}

#[test]
fn broken_json_is_reported_in_encoding_json_words() {
    let cases = [
        "{\"apiVersion\": \"v1\",\n \"kind\": }\n",
        "{\"a\": 1,}",
        "{\"a\" 1}",
        "{\"a\": 1 \"b\": 2}",
        "{\"a\": [1, 2 3]}",
        "{\"a\": [1,]}",
        "{a: 1}",
        "{\"a\": 1",
        "{\"a\": 'b'}",
    ];
    for manifest in cases {
        let Some((_, want)) = real_with_stdin(&["create", "-f", "-", "--validate=false"], manifest)
        else {
            return;
        };
        let (out, err) = ours(&format!("{manifest}\n"), "kubectl create -f - < m.yaml");
        assert_eq!(
            (out.as_str(), err.as_str()),
            ("", want.as_str()),
            "{manifest}"
        );
    }
}

#[test]
fn a_patch_is_read_as_kubectl_reads_it() {
    let object = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n";
    for patch in [
        "a: [1",
        "spec:\n  x: 1\n y: 2",
        "{\"a\": }",
        "metadata: {labels: {a: yes}}",
        "data: {port: 0400}",
    ] {
        let args = ["patch", "-f", "-", "--local", "-p", patch, "-o", "json"];
        let Some((want_out, want_err)) = real_with_stdin(&args, object) else {
            return;
        };
        let mut s = Session::sandbox(ClockMode::Manual);
        s.run(&format!("cat > m.yaml <<'EOF'\n{object}EOF"));
        s.run(&format!("P=$(cat <<'EOF'\n{patch}\nEOF\n)"));
        let out = s.run("kubectl patch -f - --local -p \"$P\" -o json < m.yaml");
        assert_eq!(out.stderr, want_err, "{patch}");
        let parse = |t: &str| serde_json::from_str::<Value>(t).ok();
        assert_eq!(parse(&out.stdout), parse(&want_out), "{patch}");
    }
}
