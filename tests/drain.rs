//! `kubectl drain` evicts through the eviction API: PodDisruptionBudgets (whose status the
//! disruption controller keeps) can refuse, pods terminate gracefully and drain waits for them.

use kubedojo::session::{ClockMode, Session};

fn session() -> Session {
    Session::sandbox(ClockMode::Manual)
}

/// The node that runs most of the `app=web` pods.
fn web_node(s: &mut Session) -> String {
    let wide = s
        .run("kubectl get pods -l app=web -o wide --no-headers")
        .stdout;
    let mut counts = std::collections::BTreeMap::new();
    for l in wide.lines() {
        if let Some(n) = l.split_whitespace().nth(6) {
            *counts.entry(n.to_string()).or_insert(0) += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, c)| *c)
        .map(|(n, _)| n)
        .unwrap_or_default()
}

fn web(s: &mut Session, replicas: u32) {
    let out = s.run(&format!(
        "kubectl create deployment web --image=nginx --replicas={replicas}"
    ));
    assert_eq!(out.code, 0, "{out:?}");
    s.world.advance(30);
}

#[test]
fn get_pdb_shows_the_disruptions_the_controller_allows() {
    let mut s = session();
    web(&mut s, 3);
    let out = s.run("kubectl create pdb web-pdb --selector=app=web --min-available=2");
    assert_eq!(out.stdout, "poddisruptionbudget.policy/web-pdb created\n");
    s.world.advance(1);
    let out = s.run("kubectl get pdb").stdout;
    let mut lines = out.lines();
    let head: Vec<&str> = lines
        .next()
        .unwrap_or("")
        .split("  ")
        .filter(|x| !x.is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(
        head,
        [
            "NAME",
            "MIN AVAILABLE",
            "MAX UNAVAILABLE",
            "ALLOWED DISRUPTIONS",
            "AGE"
        ]
    );
    let row: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
    assert_eq!(&row[..4], ["web-pdb", "2", "N/A", "1"], "{out}");
    let y = s.run("kubectl get pdb web-pdb -o yaml").stdout;
    for want in [
        "currentHealthy: 3",
        "desiredHealthy: 2",
        "disruptionsAllowed: 1",
        "expectedPods: 3",
        "reason: SufficientPods",
    ] {
        assert!(y.contains(want), "{want} in\n{y}");
    }
    s.run("kubectl create pdb strict --selector=app=web --max-unavailable=0");
    s.world.advance(1);
    let out = s.run("kubectl get pdb strict --no-headers").stdout;
    let row: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(&row[..4], ["strict", "N/A", "0", "0"], "{out}");
}

#[test]
fn a_disruption_budget_blocks_drain_until_it_allows_the_eviction() {
    let mut s = session();
    web(&mut s, 4);
    let node = web_node(&mut s);
    s.run("kubectl create pdb web-pdb --selector=app=web --min-available=4");
    s.world.advance(1);
    let out = s.run(&format!(
        "kubectl drain {node} --ignore-daemonsets --timeout=20s"
    ));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .starts_with(&format!("node/{node} cordoned\nevicting pod default/web-")),
        "{}",
        out.stdout
    );
    let retry = "(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n";
    assert!(out.stderr.contains(retry), "{}", out.stderr);
    assert!(
        out.stderr.contains("error when evicting pods/\"web-"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("global timeout reached: 20s"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "error: unable to drain node \"{node}\" due to error: "
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "There are pending pods in node \"{node}\" when an error occurred"
        )),
        "{}",
        out.stderr
    );
    let running = s.run("kubectl get pods -l app=web --no-headers").stdout;
    assert_eq!(
        running.lines().filter(|l| l.contains("Running")).count(),
        4,
        "{running}"
    );
    // One disruption at a time: each eviction waits until the replacement is ready elsewhere.
    s.run("kubectl patch pdb web-pdb --type=merge -p '{\"spec\":{\"minAvailable\":3}}'");
    s.world.advance(1);
    let out = s.run(&format!("kubectl drain {node} --ignore-daemonsets"));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .starts_with(&format!("node/{node} already cordoned\n")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("pod/web-") && out.stdout.contains(" evicted\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with(&format!("node/{node} drained\n")),
        "{}",
        out.stdout
    );
    let wide = s
        .run("kubectl get pods -l app=web -o wide --no-headers")
        .stdout;
    assert!(!wide.contains(&node), "{wide}");
    assert_eq!(wide.lines().count(), 4, "{wide}");
}

#[test]
fn drain_dry_run_and_pod_selector_and_disable_eviction() {
    let mut s = session();
    web(&mut s, 2);
    let node = web_node(&mut s);
    s.run(&format!("kubectl label node {node} pick=me"));
    let out = s.run(&format!(
        "kubectl drain {node} --ignore-daemonsets --dry-run=client"
    ));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .starts_with(&format!("node/{node} cordoned (dry run)\n")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(" (dry run)\nnode/")
            || out.stdout.contains("evicting pod default/web-"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with(&format!("node/{node} drained (dry run)\n")),
        "{}",
        out.stdout
    );
    let n = s
        .run(&format!("kubectl get node {node} --no-headers"))
        .stdout;
    assert!(
        !n.contains("SchedulingDisabled"),
        "a dry run changes nothing: {n}"
    );

    // Only the selected pods go; the budget does not matter when eviction is disabled.
    s.run("kubectl run other --image=nginx --labels=app=other");
    s.world.advance(10);
    s.run("kubectl create pdb web-pdb --selector=app=web --min-available=100%");
    s.world.advance(1);
    let out = s.run(&format!(
        "kubectl drain {node} --ignore-daemonsets --pod-selector=app=web --disable-eviction --grace-period=5"
    ));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains("evicting pod"), "{}", out.stdout);
    assert!(out.stdout.contains(" deleted\n"), "{}", out.stdout);
    assert!(!out.stdout.contains("other"), "{}", out.stdout);
    let other = s.run("kubectl get pod other --no-headers").stdout;
    assert!(other.contains("Running"), "{other}");
}

#[test]
fn drain_waits_for_graceful_termination() {
    let mut s = session();
    s.run("kubectl create deployment sleeper --image=busybox -- sleep 3600");
    s.world.advance(30);
    let node = s
        .run("kubectl get pods -l app=sleeper -o wide --no-headers")
        .stdout
        .split_whitespace()
        .nth(6)
        .unwrap_or("")
        .to_string();
    let before = s.world.now();
    let out = s.run(&format!("kubectl drain {node} --ignore-daemonsets"));
    assert_eq!(out.code, 0, "{out:?}");
    let waited = (s.world.now() - before).num_seconds();
    assert!(
        (30..40).contains(&waited),
        "sleep ignores SIGTERM, so drain waits out the 30 s grace period: {waited}"
    );
}

#[test]
fn replace_force_deletes_gracefully_waits_and_recreates() {
    let mut s = session();
    s.run("kubectl run sleeper --image=busybox -- sleep 3600");
    s.world.advance(20);
    s.run("kubectl get pod sleeper -o yaml > /root/p.yaml");
    s.run("sed -i 's/3600/3601/' /root/p.yaml");
    let uid = s
        .run("kubectl get pod sleeper -o jsonpath='{.metadata.uid}'")
        .stdout;
    let before = s.world.now();
    let out = s.run("kubectl replace --force -f /root/p.yaml");
    assert_eq!(
        out.stdout, "pod \"sleeper\" deleted\npod/sleeper replaced\n",
        "{out:?}"
    );
    let waited = (s.world.now() - before).num_seconds();
    assert!(
        (30..35).contains(&waited),
        "waited out the grace period: {waited}"
    );
    let new_uid = s
        .run("kubectl get pod sleeper -o jsonpath='{.metadata.uid}'")
        .stdout;
    assert_ne!(uid, new_uid);
    let out = s.run("kubectl replace --force --grace-period=0 -f /root/p.yaml");
    assert_eq!(
        out.stdout, "pod \"sleeper\" force deleted\npod/sleeper replaced\n",
        "{out:?}"
    );
    assert!(
        out.stderr.starts_with("Warning: Immediate deletion"),
        "{out:?}"
    );
}
