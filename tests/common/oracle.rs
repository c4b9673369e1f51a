//! The real kubectl (`/usr/bin/kubectl`, v1.32) as the oracle of golden tests: its client-side
//! generators run without a cluster. Included by path (`#[path = "common/oracle.rs"] mod oracle;`).

use std::path::Path;
use std::process::Command;

pub const KUBECTL: &str = "/usr/bin/kubectl";

/// What the real kubectl prints on stdout for `args` (with no kubeconfig), or `None`, saying so
/// on stderr, where it is not installed.
pub fn real(args: &[&str]) -> Option<String> {
    if !Path::new(KUBECTL).exists() {
        eprintln!("skipped: {KUBECTL} is not installed, so there is no oracle to compare with");
        return None;
    }
    let out = Command::new(KUBECTL)
        .args(args)
        .env("KUBECONFIG", "/dev/null")
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "real kubectl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

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
