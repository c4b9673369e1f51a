//! Updates the API server refuses (immutable ConfigMaps, Job templates, PVC specs) and how
//! duplicate keys in a manifest behave, as on a v1.32 cluster.

use kubedojo::session::{ClockMode, Session};

fn session() -> Session {
    Session::sandbox(ClockMode::Manual)
}

#[test]
fn an_immutable_config_map_refuses_data_changes() {
    let mut s = session();
    let cm = "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\nimmutable: true\ndata:\n  mode: VALUE\nEOF";
    assert_eq!(
        s.run(&cm.replace("VALUE", "fast")).stdout,
        "configmap/cfg created\n"
    );
    let out = s.run(&cm.replace("VALUE", "slow"));
    assert_eq!(
        out.stderr,
        "The ConfigMap \"cfg\" is invalid: data: Forbidden: field is immutable when `immutable` is set\n"
    );
    let out = s.run("kubectl patch cm cfg --type=merge -p '{\"immutable\":false}'");
    assert_eq!(
        out.stderr,
        "The ConfigMap \"cfg\" is invalid: immutable: Forbidden: field is immutable when `immutable` is set\n"
    );
    // Labels may still change.
    let out = s.run("kubectl label cm cfg tier=web");
    assert_eq!(out.stdout, "configmap/cfg labeled\n", "{out:?}");
}

#[test]
fn a_job_template_cannot_change() {
    let mut s = session();
    s.run("kubectl create job once --image=busybox -- sleep 5");
    s.world.advance(2);
    let out = s.run("kubectl set image job/once once=busybox:1.36");
    assert_eq!(
        out.stderr,
        "The Job \"once\" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable\n",
        "{out:?}"
    );
}

#[test]
fn a_bound_claim_only_changes_its_storage_request() {
    let mut s = session();
    let pvc = "kubectl apply -f - <<EOF\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [MODE]\n  resources:\n    requests:\n      storage: 1Gi\nEOF";
    let out = s.run(&pvc.replace("MODE", "ReadWriteOnce"));
    assert_eq!(out.code, 0, "{out:?}");
    s.world.advance(5);
    let out = s.run(&pvc.replace("MODE", "ReadWriteMany"));
    assert_eq!(
        out.stderr,
        "The PersistentVolumeClaim \"data\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n",
        "{out:?}"
    );
    let out = s.run(&pvc.replace("MODE", "ReadWriteOnce"));
    assert_eq!(
        out.code, 0,
        "re-applying the same manifest is fine: {out:?}"
    );
}

/// kubectl converts YAML to JSON without strict key checks, so the last of two equal keys wins
/// and the server never sees the first (kubernetes/kubernetes#125885).
#[test]
fn a_duplicate_key_in_a_manifest_keeps_the_last_value() {
    let mut s = session();
    let out = s.run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: twice\nspec:\n  containers:\n  - name: c\n    image: nginx\n    image: redis\nEOF");
    assert_eq!(out.stdout, "pod/twice created\n", "{out:?}");
    let image = s
        .run("kubectl get pod twice -o jsonpath='{.spec.containers[0].image}'")
        .stdout;
    assert_eq!(image, "redis");
}
