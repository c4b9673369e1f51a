//! `kubectl describe` for LimitRange, ReplicaSet, PodDisruptionBudget, HPA, PriorityClass and
//! IngressClass prints the sections kubectl v1.32's describers print.

use kubedojo::session::{ClockMode, Session};

fn session() -> Session {
    Session::sandbox(ClockMode::Manual)
}

/// The text with every run of spaces squeezed to one, so alignment does not matter.
fn squeeze(s: &str) -> String {
    s.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn describe_limitrange_shows_its_table() {
    let mut s = session();
    let out = s.run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: limits\nspec:\n  limits:\n  - type: Container\n    default:\n      memory: 512Mi\n    defaultRequest:\n      memory: 256Mi\n    max:\n      cpu: \"1\"\nEOF");
    assert_eq!(out.code, 0, "{out:?}");
    let d = s.run("kubectl describe limitrange limits").stdout;
    assert_eq!(
        squeeze(&d),
        "Name: limits\nNamespace: default\nType Resource Min Max Default Request Default Limit Max Limit/Request Ratio\n---- -------- --- --- --------------- ------------- -----------------------\nContainer cpu - 1 1 1 -\nContainer memory - - 256Mi 512Mi -",
        "{d}"
    );
}

#[test]
fn describe_replicaset_shows_quota_failures_as_events() {
    let mut s = session();
    s.run("kubectl create quota q --hard=pods=2");
    s.run("kubectl create deployment web --image=nginx --replicas=3");
    s.world.advance(20);
    let d = squeeze(&s.run("kubectl describe rs").stdout);
    for want in [
        "Controlled By: Deployment/web",
        "Replicas: 2 current / 3 desired",
        "Pods Status: 2 Running / 0 Waiting / 0 Succeeded / 0 Failed",
        "Pod Template:",
        "Warning FailedCreate",
        "is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2",
    ] {
        assert!(d.contains(want), "{want} in\n{d}");
    }
    let q = squeeze(&s.run("kubectl describe quota q").stdout);
    assert!(
        q.ends_with("Resource Used Hard\n-------- ---- ----\npods 2 2"),
        "{q}"
    );
}

#[test]
fn describe_pdb_hpa_priorityclass_and_ingressclass() {
    let mut s = session();
    s.run("kubectl create deployment web --image=nginx --replicas=2");
    s.run("kubectl create pdb web-pdb --selector=app=web --max-unavailable=1");
    s.run("kubectl create priorityclass high --value=1000 --description=urgent");
    s.run("kubectl apply -f - <<EOF\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\nspec:\n  controller: k8s.io/ingress-nginx\nEOF");
    s.world.advance(30);
    let d = squeeze(&s.run("kubectl describe pdb web-pdb").stdout);
    assert_eq!(
        d,
        "Name: web-pdb\nNamespace: default\nMax unavailable: 1\nSelector: app=web\nStatus:\nAllowed disruptions: 1\nCurrent: 2\nDesired: 1\nTotal: 2\nEvents: <none>"
    );
    let d = squeeze(&s.run("kubectl describe priorityclass high").stdout);
    assert_eq!(
        d,
        "Name: high\nValue: 1000\nGlobalDefault: false\nPreemptionPolicy: PreemptLowerPriority\nDescription: urgent\nAnnotations: <none>\nEvents: <none>"
    );
    let d = squeeze(&s.run("kubectl describe ingressclass nginx").stdout);
    assert!(d.contains("Controller: k8s.io/ingress-nginx"), "{d}");
    s.run("kubectl autoscale deployment web --cpu-percent=50 --min=2 --max=5");
    s.world.advance(30);
    let d = squeeze(&s.run("kubectl describe hpa web").stdout);
    for want in [
        "Reference: Deployment/web",
        "Metrics: ( current / target )",
        "resource cpu on pods (as a percentage of request): ",
        "Min replicas: 2",
        "Max replicas: 5",
        "Deployment pods: 2 current / 2 desired",
        "Conditions:",
    ] {
        assert!(d.contains(want), "{want} in\n{d}");
    }
}
