//! The real kubectl (`/usr/bin/kubectl`, v1.32) as the oracle of golden tests: its client-side
//! generators run without a cluster. Included by path (`#[path = "common/oracle.rs"] mod oracle;`).

use std::path::Path;
use std::process::Command;

pub const KUBECTL: &str = "/usr/bin/kubectl";

/// The real kubectl's stdout, stderr and exit code for `args` (with no kubeconfig), or `None`,
/// saying so on stderr, where it is not installed.
pub fn run(args: &[&str]) -> Option<(String, String, i32)> {
    if !Path::new(KUBECTL).exists() {
        eprintln!("skipped: {KUBECTL} is not installed, so there is no oracle to compare with");
        return None;
    }
    let out = Command::new(KUBECTL)
        .args(args)
        .env("KUBECONFIG", "/dev/null")
        .output()
        .ok()?;
    Some((
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    ))
}

/// What the real kubectl prints on stdout for `args`, which must succeed; `None` where it is absent.
#[allow(dead_code)] // not every golden test compares only successful runs
pub fn real(args: &[&str]) -> Option<String> {
    let (stdout, stderr, code) = run(args)?;
    assert_eq!(code, 0, "real kubectl failed: {stderr}");
    Some(stdout)
}

#[allow(dead_code)]
/// The arguments as one shell line, quoting those the shell would split or expand.
pub fn quoted(args: &[&str]) -> String {
    args.iter()
        .map(|a| {
            if a.contains(' ') || a.contains('\'') || a.contains('*') {
                format!("\"{a}\"")
            } else {
                a.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
