//! The headless commands, run as the built binary: `list --json`, `validate` on broken files,
//! `check --solution`, and `sh`'s exit codes.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn kubedojo(args: &[&str]) -> Output {
    kubedojo_with_stdin(args, "")
}

fn kubedojo_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubedojo"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("KUBEDOJO_SCENARIOS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.as_bytes())
            .expect("stdin is writable");
    }
    child.wait_with_output().expect("the binary finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scenarios_dir() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .display()
        .to_string()
}

#[test]
fn list_json_is_an_array_of_tasks() {
    let out = kubedojo(&["list", "--json", "--scenarios", &scenarios_dir()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let items: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("list --json prints JSON");
    let items = items.as_array().expect("a JSON array");
    let pod = items
        .iter()
        .find(|i| i["id"] == "pod-with-label")
        .expect("pod-with-label is listed");
    for key in [
        "id",
        "title",
        "exam",
        "domain",
        "points",
        "difficulty",
        "minutes",
    ] {
        assert!(pod.get(key).is_some(), "{key} missing in {pod}");
    }
    assert_eq!(pod["domain"], "workloads-scheduling");
}

#[test]
fn list_prints_a_table() {
    let out = kubedojo(&["list"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    let header = stdout.lines().next().unwrap_or_default();
    for column in ["ID", "EXAM", "DOMAIN", "POINTS", "TITLE"] {
        assert!(header.contains(column), "{header}");
    }
    assert!(stdout.contains("pod-with-label"), "{stdout}");
}

#[test]
fn validate_reports_file_line_col_and_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "id = \"bad\"\ntitle = \"Bad\"\nexam = \"cka\"\ndomain = \"storage\"\npoints = 1\nminutes = 1\npionts = 2\n",
    )
    .expect("write bad.toml");
    let out = kubedojo(&["validate", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let expected = format!("{}:7:1: ", bad.display());
    assert!(stdout.starts_with(&expected), "{stdout}");
    assert!(stdout.contains("pionts"), "{stdout}");

    // A folder is searched for *.toml files.
    let out = kubedojo(&["validate", &dir.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("bad.toml:7:1:"));
}

#[test]
fn validate_reports_a_solution_that_does_not_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("wrong.toml");
    std::fs::write(
        &file,
        "id = \"wrong-solution\"\ntitle = \"A solution that misses\"\nexam = \"cka\"\ndomain = \"storage\"\npoints = 2\nminutes = 1\ntask = \"Create a pod web.\"\n\n[solution]\ncommands = [\"kubectl run other --image=nginx\"]\nexplanation = \"It names the wrong pod.\"\n\n[[assert]]\ncheck = \"exists\"\nresource = \"pod\"\nname = \"web\"\nfeedback = \"Pod web should exist\"\n",
    )
    .expect("write wrong.toml");
    let out = kubedojo(&["validate", &file.display().to_string()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "{}:9:1: the reference solution does not pass with seed 1: it earns 0/1 points; failing: pod default/web exists: Pod web should exist (pod web not found in namespace default)\n",
            file.display()
        )
    );
    // Only the form is checked with --no-solutions.
    let out = kubedojo(&["validate", "--no-solutions", &file.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn validate_reports_a_path_that_cannot_exist_for_the_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("path.toml");
    std::fs::write(
        &file,
        "id = \"bad-path\"\ntitle = \"t\"\nexam = \"ckad\"\ndomain = \"application-deployment\"\npoints = 1\nminutes = 1\ntask = \"t\"\n\n[solution]\ncommands = []\nexplanation = \"e\"\n\n[[assert]]\ncheck = \"field\"\nresource = \"deploy\"\nname = \"web\"\npath = \"spec.containers[0].image\"\nequals = \"nginx\"\nfeedback = \"f\"\n",
    )
    .expect("write path.toml");
    let out = kubedojo(&["validate", &file.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        format!(
            "{}:17:8: path \"spec.containers[0].image\" cannot exist on a Deployment: its pods' containers are at spec.template.spec.containers\n",
            file.display()
        )
    );
}

#[test]
fn the_coverage_table_in_the_docs_is_what_list_coverage_prints() {
    let out = kubedojo(&["list", "--coverage"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenarios.md"))
            .expect("docs/scenarios.md");
    let table = kubedojo::scenario::coverage::in_document(&doc)
        .expect("docs/scenarios.md has the coverage markers");
    assert_eq!(
        table,
        text(&out.stdout).trim_end(),
        "docs/scenarios.md is out of date: paste `kubedojo list --coverage` between its coverage markers"
    );
}

#[test]
fn validate_passes_on_the_shipped_scenarios() {
    let out = kubedojo(&["validate"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn check_solution_runs_and_prints_a_score() {
    let out = kubedojo(&["check", "pod-with-label", "--solution"]);
    let stdout = text(&out.stdout);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{stdout}{}",
        text(&out.stderr)
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("score: ") && l.contains('/')),
        "{stdout}"
    );
    assert!(stdout.contains("PASS") || stdout.contains("FAIL"));
}

#[test]
fn check_solution_scores_full_marks() {
    let out = kubedojo(&["check", "pod-with-label", "--solution"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("score: 4/4"), "{stdout}");
}

#[test]
fn check_json_prints_the_report() {
    let out = kubedojo(&["check", "pod-with-label", "--solution", "--json"]);
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("check --json prints JSON");
    assert_eq!(report["scenario"], "pod-with-label");
    assert!(report["findings"].is_array());
    assert!(report["possible"].as_u64().is_some_and(|p| p > 0));
}

#[test]
fn check_with_no_commands_fails_the_task() {
    let out = kubedojo_with_stdin(&["check", "pod-with-label", "--commands", "-"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("FAIL"));
}

#[test]
fn unknown_scenarios_are_harness_errors() {
    let out = kubedojo(&["sh", "--scenario", "no-such-task", "-c", "true"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown scenario"));
    let out = kubedojo(&["check", "no-such-task", "--solution"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sh_reads_lines_and_exits_zero_at_end_of_input() {
    let out = kubedojo_with_stdin(
        &["sh", "--scenario", "pod-with-label"],
        "kubectl get nodes\nno-such-command\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no-such-command"));
}

#[test]
fn sh_c_exits_with_the_line_code() {
    let out = kubedojo(&["sh", "-c", "no-such-command"]);
    assert_eq!(out.status.code(), Some(127));
}

#[test]
fn sh_joins_a_heredoc_into_one_command() {
    let out = kubedojo_with_stdin(
        &["sh"],
        "cat <<EOF > /tmp/a.txt\nhello: world\nEOF\nno-such-command\n",
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    // The body line is never run as a command of its own.
    assert!(!stderr.contains("hello"), "{stderr}");
    assert!(stderr.contains("no-such-command"), "{stderr}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubedojo"))
        .args(["list", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // Close our end of stdout at once, like `| head -0`.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("the binary finishes");
    assert!(
        matches!(out.status.code(), Some(0)),
        "{:?} {}",
        out.status,
        text(&out.stderr)
    );
}

#[test]
fn sh_c_prints_a_client_side_generator_as_after_a_booted_line() {
    let line = "kubectl create deployment web --image=nginx --replicas=3 --dry-run=client -o yaml";
    let alone = kubedojo(&["sh", "-c", line]);
    let booted = kubedojo(&["sh", "-c", &format!("true; {line}")]);
    assert!(alone.status.success());
    assert_eq!(text(&alone.stdout), text(&booted.stdout));
    assert_eq!(text(&alone.stderr), text(&booted.stderr));
    assert!(text(&alone.stdout).starts_with("apiVersion: apps/v1\nkind: Deployment\n"));
}

/// bash expands `!!` only when it reads commands from a terminal: `bash -c` and a script piped
/// in print it as is (checked against bash 5).
#[test]
fn sh_leaves_bang_bang_alone_outside_a_terminal() {
    let out = kubedojo(&["sh", "-c", "echo hi; echo !!"]);
    assert_eq!(text(&out.stdout), "hi\n!!\n", "{}", text(&out.stderr));
    let out = kubedojo_with_stdin(&["sh"], "echo hi\necho !!\n");
    assert_eq!(text(&out.stdout), "hi\n!!\n", "{}", text(&out.stderr));
}
