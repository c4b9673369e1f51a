//! Checking command cards by running them: the typed command and the card's answers each run in a
//! fresh sandbox, and the results are compared. Two spellings of the same command (`k run x --image
//! nginx`, `kubectl run x --image=nginx`) then agree without a list of every spelling, and a near miss
//! (another image) disagrees. When a command cannot be compared this way (it reads without writing,
//! fails in the sandbox, or is a pipeline), the text normaliser of [`crate::cards::check_command`]
//! decides.

use super::{ClockMode, Session};
use crate::cards::{check_command, Card, CardKind, CommandChecker, CommandVerdict};
use crate::cluster::schema::RESOURCES;
use crate::world::World;
use serde_json::Value;
use std::collections::BTreeMap;

/// A [`CommandChecker`] that runs commands in scratch Worlds (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct WorldChecker;

impl CommandChecker for WorldChecker {
    fn check_command(&self, card: &Card, typed: &str) -> CommandVerdict {
        let text = check_command(card, typed);
        if text.is_correct() || card.kind != CardKind::Command {
            return text;
        }
        let Some(answer) = card.answer.as_deref() else {
            return text;
        };
        let Some(got) = effect(typed, is_generator(answer)) else {
            return text;
        };
        let rights = std::iter::once(answer).chain(card.accept.iter().map(String::as_str));
        for right in rights {
            if effect(right, is_generator(answer)).is_some_and(|want| want == got) {
                return CommandVerdict::Correct;
            }
        }
        text
    }
}

/// What a command did, in a form two commands can be compared by.
#[derive(Debug, PartialEq)]
enum Effect {
    /// The manifest a generator printed with `--dry-run=client -o yaml`.
    Manifest(String),
    /// The objects of every cluster after the command, without fields that differ run to run.
    Objects(BTreeMap<String, Vec<Value>>),
}

/// Whether the answer is an imperative generator (`create`, `run`, `expose`) whose manifest can be
/// printed instead of stored.
fn is_generator(answer: &str) -> bool {
    let mut words = answer.split_whitespace();
    matches!(words.next(), Some("kubectl" | "k"))
        && matches!(words.next(), Some("create" | "run" | "expose"))
}

/// Runs `line` in a fresh sandbox; `None` when it cannot be compared by running it.
fn effect(line: &str, generator: bool) -> Option<Effect> {
    let line = line.trim();
    if line.is_empty() || line.contains(['|', '>', '<', ';', '&', '`', '$', '\n']) {
        return None;
    }
    let mut session = Session::sandbox(ClockMode::Manual);
    if generator {
        if line.contains("--dry-run") || line.contains(" -o") || line.contains("--output") {
            return None;
        }
        let out = session.run(&format!("{line} --dry-run=client -o yaml"));
        return (out.code == 0 && !out.stdout.trim().is_empty())
            .then_some(Effect::Manifest(out.stdout));
    }
    let before = objects(&session.world);
    let out = session.run(line);
    if out.code != 0 {
        return None;
    }
    let after = objects(&session.world);
    // A command that changed nothing (a `get`, a `describe`) cannot be told apart by its effect.
    (after != before).then_some(Effect::Objects(after))
}

/// Every stored object of every cluster, keyed by `cluster/plural`, without volatile fields.
fn objects(world: &World) -> BTreeMap<String, Vec<Value>> {
    let mut all = BTreeMap::new();
    for (name, cluster) in &world.clusters {
        for rt in RESOURCES.iter().filter(|rt| rt.plural != "events") {
            let list: Vec<Value> = cluster
                .list_all(rt.plural)
                .into_iter()
                .map(|v| {
                    let mut v = v.clone();
                    strip_volatile(&mut v);
                    v
                })
                .collect();
            if !list.is_empty() {
                all.insert(format!("{name}/{}", rt.plural), list);
            }
        }
    }
    all
}

fn strip_volatile(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for key in [
                "uid",
                "resourceVersion",
                "creationTimestamp",
                "generation",
                "managedFields",
                "kubectl.kubernetes.io/last-applied-configuration",
            ] {
                map.remove(key);
            }
            map.values_mut().for_each(strip_volatile);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_volatile),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Domain;

    fn card(answer: &str) -> Card {
        Card {
            id: "c".into(),
            deck: "d".into(),
            kind: CardKind::Command,
            front: "Create pod x running nginx.".into(),
            back: String::new(),
            answer: Some(answer.into()),
            accept: Vec::new(),
            topic: "Pods".into(),
            domain: Domain::WorkloadsScheduling,
            source: "k8s docs".into(),
        }
    }

    #[test]
    fn a_run_card_accepts_three_spellings_and_rejects_another_image() {
        let c = card("kubectl run x --image=nginx");
        for typed in [
            "k run x --image nginx",
            "kubectl run x --image=nginx",
            "kubectl run x --restart=Always --image=nginx",
        ] {
            let v = WorldChecker.check_command(&c, typed);
            assert!(v.is_correct(), "{typed}: {v:?}");
        }
        let near = WorldChecker.check_command(&c, "kubectl run x --image=nginx:1.27");
        assert!(!near.is_correct(), "{near:?}");
        assert!(!WorldChecker
            .check_command(&c, "kubectl run y --image=nginx")
            .is_correct());
    }

    #[test]
    fn cards_that_change_the_cluster_compare_objects_and_reads_fall_back_to_text() {
        let c = card("kubectl label node node01 disk=ssd");
        assert!(WorldChecker
            .check_command(&c, "k label nodes/node01 disk=ssd")
            .is_correct());
        assert!(!WorldChecker
            .check_command(&c, "k label node node01 disk=hdd")
            .is_correct());
        let c = card("kubectl create deployment web --image=nginx --replicas=3");
        assert!(WorldChecker
            .check_command(&c, "k create deploy web --image nginx -r 3")
            .is_correct());
        assert!(!WorldChecker
            .check_command(&c, "k create deploy web --image nginx -r 2")
            .is_correct());
        let c = card("kubectl get pods -A");
        assert!(WorldChecker
            .check_command(&c, "k get po --all-namespaces")
            .is_correct());
        assert!(!WorldChecker
            .check_command(&c, "kubectl get nodes")
            .is_correct());
    }
}
