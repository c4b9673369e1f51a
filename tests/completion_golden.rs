//! Tab completion of kubectl's flags against the real kubectl v1.32 (`kubectl __complete`, what
//! its bash completion asks): the same flag names for the same line.

#[path = "common/oracle.rs"]
mod oracle;

use kubedojo::shell::{complete::complete, Shell};
use kubedojo::world::World;

#[test]
fn flag_completion_offers_the_real_kubectls_flags() {
    let w = World::standard();
    let sh = Shell::new("controlplane");
    for line in [
        "get pods --",
        "get pods -",
        "describe pod x --",
        "create deployment x --",
        "create deployment x --image=nginx --",
        "create configmap x --",
        "create secret generic x --",
        "create service nodeport x --",
        "create cronjob x --",
        "run x --image=nginx --",
        "expose deploy x --",
        "logs x --",
        "exec x --",
        "delete pod x --",
        "apply --",
        "rollout status deploy/x --",
        "set image deploy/x --",
        "scale deploy x --replicas=2 --",
        "drain node01 --",
        "top pod --",
        "label pod x --",
        "cp --",
        "get pods -n default -o wide --",
        "config view --",
        "config set-context x --",
        "auth can-i --",
        "create token x --",
        "create role x --",
        "taint nodes node01 --",
        "wait --",
        "edit deploy x --",
        "patch deploy x --",
        "annotate pod x --",
        "events --",
    ] {
        let mut args: Vec<&str> = vec!["__complete"];
        args.extend(line.split(' '));
        let Some(real) = oracle::real(&args) else {
            return;
        };
        let mut want: Vec<String> = real
            .lines()
            .filter(|l| !l.starts_with(':'))
            .map(|l| l.split('\t').next().unwrap_or("").to_string())
            .collect();
        want.sort();
        let full = format!("kubectl {line}");
        let got = complete(&sh, &w, &full, full.len()).candidates;
        assert_eq!(got, want, "{line}");
    }
}
