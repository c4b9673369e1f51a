//! From a scenario to its starting World: parameters drawn, clusters built, objects created, files placed.
//! Setup command lines are run afterwards by the session, through the learner's own shell.

use super::load::{parse, Loaded, ScenarioError};
use super::model::Scenario;
use super::params;
use crate::cluster::object;
use crate::world::{Clock, ClusterSpec, World};
use serde_json::Value;

/// Draws the parameters with `seed` and returns the scenario with every `{{name}}` replaced.
pub fn instantiate(loaded: &Loaded, seed: u64) -> Result<Scenario, ScenarioError> {
    let values = params::draw(&loaded.scenario, seed);
    let text = params::substitute(&loaded.source, &values);
    parse(&loaded.path.display().to_string(), &text)
}

/// Splits multi-document YAML into objects (empty documents skipped), reading scalars as kubectl does
/// (YAML 1.1: `yes` is true, `0400` is octal).
pub fn parse_documents(text: &str) -> Result<Vec<Value>, String> {
    Ok(objects_of(crate::kubectl::printers::yaml::read_documents(
        text,
    )?))
}

/// Documents as objects: empty ones dropped, a `List` replaced by its items.
pub fn objects_of(docs: Vec<Value>) -> Vec<Value> {
    let mut out = Vec::new();
    for v in docs {
        if v.is_null() {
            continue;
        }
        if object::kind(&v) == "List" {
            out.extend(object::array(&v, "items").iter().cloned());
        } else {
            out.push(v);
        }
    }
    out
}

/// Builds the World a task starts in (before its setup commands run).
pub fn build_world(s: &Scenario, clock: Clock) -> Result<World, String> {
    let mut w = World::empty(clock);
    let spec = ClusterSpec {
        name: s.context.cluster.clone(),
        context: s.context.name.clone(),
        namespace: "default".into(),
        ..ClusterSpec::default()
    };
    w.add_cluster(&spec);
    let cluster = w
        .clusters
        .get_mut(&s.context.cluster)
        .ok_or("the scenario's cluster was not built")?;
    for obj in parse_documents(&s.setup.yaml).map_err(|e| format!("setup.yaml: {e}"))? {
        // Namespaces first, so objects inside them can be created in any order.
        if object::kind(&obj) == "Namespace" {
            cluster
                .create(obj, false)
                .map_err(|e| format!("setup.yaml: {}", e.message))?;
        }
    }
    for obj in parse_documents(&s.setup.yaml).map_err(|e| format!("setup.yaml: {e}"))? {
        if object::kind(&obj) != "Namespace" {
            let name = object::name(&obj).to_string();
            cluster
                .create(obj, false)
                .map_err(|e| format!("setup.yaml ({name}): {}", e.message))?;
        }
    }
    for f in &s.setup.files {
        let host = w
            .hosts
            .get_mut(&f.host)
            .ok_or_else(|| format!("setup.files: no host {:?}", f.host))?;
        let path = crate::vfs::normalize("/", &f.path);
        if f.dir {
            host.fs
                .mkdir_p(&path)
                .map_err(|e| format!("setup.files {path}: {e}"))?;
        } else {
            let parent = path.rsplit_once('/').map(|(p, _)| p).unwrap_or("/");
            host.fs
                .mkdir_p(if parent.is_empty() { "/" } else { parent })
                .map_err(|e| format!("setup.files {path}: {e}"))?;
            host.fs
                .write(&path, &f.content)
                .map_err(|e| format!("setup.files {path}: {e}"))?;
        }
    }
    // The hosts booted with the files the setup gives them: systemd loaded those unit files.
    for h in w.hosts.values_mut() {
        h.daemon_reload();
    }
    w.settle();
    Ok(w)
}
