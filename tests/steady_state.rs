//! A settled cluster does no work a real one would not: its kubelets have no pod left to look at,
//! and a quiet second writes nothing but the nodes' lease renewals, which start no controller
//! pass. The scale budgets (benches/scale.rs) rest on this.

use kubedojo::session::{ClockMode, Session};

fn writes(s: &Session) -> u64 {
    s.world.clusters.values().map(|c| c.write_counter()).sum()
}

#[test]
fn a_settled_cluster_has_no_pod_left_for_its_kubelets() {
    let mut s = Session::sandbox(ClockMode::Manual);
    s.run("kubectl create deployment web --image=nginx --replicas=20");
    s.world.advance(60);
    for c in s.world.clusters.values() {
        assert_eq!(c.kubelet_pending(), Vec::<(String, String)>::new());
    }
    // Ten quiet seconds: the three nodes renew their leases once, and nothing else is written.
    let before = writes(&s);
    s.world.advance(10);
    assert_eq!(writes(&s) - before, 3);
}

#[test]
fn a_crash_looping_pod_stays_with_its_kubelet_and_a_fixed_one_leaves() {
    let mut s = Session::sandbox(ClockMode::Manual);
    s.run("kubectl run bad --image=busybox -- sh -c 'exit 1'");
    s.world.advance(60);
    let pending = |s: &Session| {
        s.world
            .clusters
            .values()
            .flat_map(|c| c.kubelet_pending())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pending(&s),
        vec![("default".to_string(), "bad".to_string())]
    );
    let out = s.run("kubectl get pod bad");
    assert!(
        out.stdout.contains("CrashLoopBackOff") || out.stdout.contains("Error"),
        "{}",
        out.stdout
    );
    s.run("kubectl delete pod bad --now");
    s.world.advance(10);
    assert_eq!(pending(&s), Vec::<(String, String)>::new());
}
