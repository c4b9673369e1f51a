//! The PersistentVolume controller: binds Pending claims to the smallest Available volume that fits
//! (same storage class, access modes included, capacity enough) and releases volumes whose claim is gone.

use crate::cluster::{object, Cluster};
use serde_json::{json, Value};

/// A storage quantity in bytes (`1Gi`, `500Mi`, `1G`, `100`); None when it does not parse.
pub fn bytes(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q
        .find(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
        .unwrap_or(q.len());
    let (num, unit) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match unit {
        "" => 1.0,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "m" => 1e-3,
        _ => return None,
    };
    Some(n * mult)
}

fn strings(v: &Value, path: &str) -> Vec<String> {
    object::array(v, path)
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn fits(pv: &Value, pvc: &Value) -> bool {
    if object::str_at(pv, "status.phase") != "Available"
        || object::str_at(pv, "spec.storageClassName")
            != object::str_at(pvc, "spec.storageClassName")
    {
        return false;
    }
    let modes = strings(pv, "spec.accessModes");
    if !strings(pvc, "spec.accessModes")
        .iter()
        .all(|m| modes.contains(m))
    {
        return false;
    }
    let want = bytes(object::str_at(pvc, "spec.resources.requests.storage")).unwrap_or(0.0);
    let have = bytes(object::str_at(pv, "spec.capacity.storage")).unwrap_or(0.0);
    have >= want
}

pub fn reconcile(c: &mut Cluster) -> bool {
    let mut changed = false;
    let claims: Vec<Value> = c
        .list_all("persistentvolumeclaims")
        .into_iter()
        .filter(|p| object::str_at(p, "status.phase") != "Bound")
        .cloned()
        .collect();
    for pvc in claims {
        changed |= bind(c, &pvc);
    }
    // Volumes whose claim is gone.
    let bound: Vec<Value> = c
        .list_all("persistentvolumes")
        .into_iter()
        .filter(|v| object::str_at(v, "status.phase") == "Bound")
        .cloned()
        .collect();
    for mut pv in bound {
        let ns = object::str_at(&pv, "spec.claimRef.namespace").to_string();
        let name = object::str_at(&pv, "spec.claimRef.name").to_string();
        let uid = object::str_at(&pv, "spec.claimRef.uid").to_string();
        let alive = c
            .peek("persistentvolumeclaims", &ns, &name)
            .is_some_and(|p| uid.is_empty() || object::str_at(p, "metadata.uid") == uid);
        if alive {
            continue;
        }
        if object::str_at(&pv, "spec.persistentVolumeReclaimPolicy") == "Delete" {
            c.remove_raw("persistentvolumes", "", object::name(&pv));
        } else {
            object::set(&mut pv, "status.phase", json!("Released"));
            c.put_status("persistentvolumes", pv);
        }
        changed = true;
    }
    changed
}

fn bind(c: &mut Cluster, pvc: &Value) -> bool {
    let ns = object::namespace(pvc).to_string();
    let name = object::name(pvc).to_string();
    let wanted = object::str_at(pvc, "spec.volumeName").to_string();
    let mut candidates: Vec<Value> = c
        .list_all("persistentvolumes")
        .into_iter()
        .filter(|pv| wanted.is_empty() || object::name(pv) == wanted)
        .filter(|pv| {
            let cr = object::str_at(pv, "spec.claimRef.name");
            cr.is_empty() || (cr == name && object::str_at(pv, "spec.claimRef.namespace") == ns)
        })
        .filter(|pv| fits(pv, pvc))
        .cloned()
        .collect();
    candidates.sort_by(|a, b| {
        let q = |v: &Value| bytes(object::str_at(v, "spec.capacity.storage")).unwrap_or(0.0);
        q(a).total_cmp(&q(b))
    });
    let Some(mut pv) = candidates.into_iter().next() else {
        let class = object::str_at(pvc, "spec.storageClassName").to_string();
        let (reason, msg) = if class.is_empty() {
            (
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set"
                    .to_string(),
            )
        } else if c.peek("storageclasses", "", &class).is_none() {
            (
                "ProvisioningFailed",
                format!("storageclass.storage.k8s.io \"{class}\" not found"),
            )
        } else {
            (
                "ExternalProvisioning",
                format!("Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.", object::str_at(c.peek("storageclasses", "", &class).unwrap_or(&Value::Null), "provisioner")),
            )
        };
        let already = c
            .events_in(&ns)
            .any(|e| e.involved_name() == name && e.reason() == reason);
        if !already {
            let type_ = if reason == "ExternalProvisioning" {
                "Normal"
            } else {
                "Warning"
            };
            c.record_event(pvc, type_, reason, &msg, "persistentvolume-controller");
            return true;
        }
        return false;
    };
    object::set(
        &mut pv,
        "spec.claimRef",
        json!({
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "name": name,
            "namespace": ns,
            "resourceVersion": object::str_at(pvc, "metadata.resourceVersion"),
            "uid": object::str_at(pvc, "metadata.uid"),
        }),
    );
    object::set(&mut pv, "status.phase", json!("Bound"));
    let pv_name = object::name(&pv).to_string();
    let capacity = object::get(&pv, "spec.capacity")
        .cloned()
        .unwrap_or(json!({}));
    let modes = object::get(&pv, "spec.accessModes")
        .cloned()
        .unwrap_or(json!([]));
    c.put_status("persistentvolumes", pv);
    if let Some(fresh) = c.peek("persistentvolumeclaims", &ns, &name) {
        let mut fresh = fresh.clone();
        object::set(&mut fresh, "spec.volumeName", json!(pv_name));
        object::set(&mut fresh, "status.phase", json!("Bound"));
        object::set(&mut fresh, "status.capacity", capacity);
        object::set(&mut fresh, "status.accessModes", modes);
        object::map_mut(&mut fresh, "metadata.annotations")
            .insert("pv.kubernetes.io/bind-completed".into(), json!("yes"));
        c.put_status("persistentvolumeclaims", fresh);
    }
    true
}

/// Why a pod cannot be scheduled yet because of its claims, in the scheduler's words.
pub fn unbound_claims(c: &Cluster, pod: &Value) -> Option<String> {
    let ns = object::namespace(pod);
    for v in object::array(pod, "spec.volumes") {
        let Some(claim) = v
            .get("persistentVolumeClaim")
            .and_then(|p| p.get("claimName"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        match c.peek("persistentvolumeclaims", ns, claim) {
            None => return Some(format!("persistentvolumeclaim \"{claim}\" not found")),
            Some(p) if object::str_at(p, "status.phase") != "Bound" => {
                return Some("pod has unbound immediate PersistentVolumeClaims".into())
            }
            Some(_) => {}
        }
    }
    None
}
