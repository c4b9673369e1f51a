//! The event recorder the components write through, modelled on client-go's event correlator:
//! - an event seen before (same source, object, type, reason and message) bumps the count and
//!   last timestamp of the one stored instead of adding another;
//! - once a source has reported ten different messages with the same reason about one object
//!   within ten minutes, further ones are combined into a single event whose message starts
//!   `(combined from similar events): ` (a ReplicaSet creating many pods, say);
//! - a source may write only a burst of 25 events about one object, then one every five minutes
//!   (a crash-looping pod); a dropped event still counts, so the next one written carries the
//!   count of every occurrence.
//!
//! The caches are keyed by 64-bit hashes of the keys client-go builds, so they stay small at
//! 10,000 pods. They are only hints about the store: an event deleted meanwhile is written anew.

use super::{object, timestamp, Cluster};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

/// Events a source may write about one object at once.
pub const SPAM_BURST: f64 = 25.0;
/// Seconds for one more event to be allowed after the burst is spent.
pub const SPAM_REFILL_SECS: f64 = 300.0;
/// Distinct messages (per source, object, type and reason) before they are combined.
pub const AGGREGATE_MAX_EVENTS: usize = 10;
/// Seconds after which the distinct messages seen are forgotten.
pub const AGGREGATE_INTERVAL_SECS: i64 = 600;
/// What a combined event's message starts with.
pub const COMBINED_PREFIX: &str = "(combined from similar events): ";

/// The correlator's caches, one set per cluster (every component's recorder alike).
#[derive(Debug, Clone, Default)]
pub struct Correlator {
    /// Events written, by event key: their name, count and first timestamp.
    logged: HashMap<u64, Logged>,
    /// Distinct messages seen per aggregate key, and when the last came.
    aggregates: HashMap<u64, Aggregate>,
    /// Token buckets per spam key (source and object).
    spam: HashMap<u64, Tokens>,
    /// The few strings many Events repeat (namespaces, kinds, reasons, sources), stored once.
    strings: HashSet<Arc<str>>,
}

impl Correlator {
    fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(found) = self.strings.get(s) {
            return found.clone();
        }
        let new: Arc<str> = Arc::from(s);
        self.strings.insert(new.clone());
        new
    }
}

#[derive(Debug, Clone)]
struct Logged {
    name: String,
    count: i64,
    first: DateTime<Utc>,
}

/// One stored Event. The recorder's own (five or so per pod, rarely read) are kept as their
/// fields, a sixth of the size of their JSON tree, which is built on first read and kept; an
/// Event written any other way (created by a client, restored from a snapshot) is kept as written.
#[derive(Debug, Clone)]
pub(crate) enum Stored {
    Recorded(Box<Recorded>, OnceLock<Value>),
    Written(Value),
}

/// An Event as the recorder writes it: its JSON tree is a function of these fields alone.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    name: String,
    namespace: Arc<str>,
    uid: String,
    created: DateTime<Utc>,
    resource_version: u64,
    api_version: Arc<str>,
    kind: Arc<str>,
    object_name: String,
    object_uid: String,
    /// The object's own namespace: empty for a cluster-scoped one (a Node), whose Events are
    /// kept in `default`.
    object_namespace: Arc<str>,
    /// The part of the object the Event is about (`spec.containers{web}`), or empty.
    field_path: String,
    /// The node of the kubelet that reports it, or empty for the control plane's components.
    host: Arc<str>,
    type_: Arc<str>,
    reason: Arc<str>,
    message: String,
    source: Arc<str>,
    count: i64,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
}

impl Recorded {
    fn to_value(&self) -> Value {
        let mut v = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": self.name,
                "namespace": &*self.namespace,
                "uid": self.uid,
                "creationTimestamp": timestamp(self.created),
                "resourceVersion": self.resource_version.to_string(),
            },
            "involvedObject": {
                "apiVersion": &*self.api_version,
                "kind": &*self.kind,
                "name": self.object_name,
                "uid": self.object_uid,
            },
            "type": &*self.type_,
            "reason": &*self.reason,
            "message": self.message,
            "source": {"component": &*self.source},
            "count": self.count,
            "firstTimestamp": timestamp(self.first),
            "lastTimestamp": timestamp(self.last),
            "reportingComponent": &*self.source,
            "reportingInstance": &*self.host,
        });
        if !self.object_namespace.is_empty() {
            v["involvedObject"]["namespace"] = json!(&*self.object_namespace);
        }
        if !self.field_path.is_empty() {
            v["involvedObject"]["fieldPath"] = json!(self.field_path);
        }
        if !self.host.is_empty() {
            v["source"]["host"] = json!(&*self.host);
        }
        v
    }
}

impl Stored {
    /// The Event as the API serves it.
    pub(crate) fn value(&self) -> &Value {
        match self {
            Stored::Recorded(r, tree) => tree.get_or_init(|| r.to_value()),
            Stored::Written(v) => v,
        }
    }

    /// The Event to change as written (a recorded one becomes a written one).
    pub(crate) fn value_mut(&mut self) -> &mut Value {
        if let Stored::Recorded(r, tree) = self {
            let v = tree.take().unwrap_or_else(|| r.to_value());
            *self = Stored::Written(v);
        }
        match self {
            Stored::Written(v) => v,
            Stored::Recorded(..) => unreachable!("turned into a written Event just above"),
        }
    }

    pub(crate) fn into_value(self) -> Value {
        match self {
            Stored::Recorded(r, tree) => tree.into_inner().unwrap_or_else(|| r.to_value()),
            Stored::Written(v) => v,
        }
    }

    /// The uid of the object the Event is about (read without building the tree).
    pub(crate) fn involved_uid(&self) -> &str {
        match self {
            Stored::Recorded(r, _) => &r.object_uid,
            Stored::Written(v) => object::str_at(v, "involvedObject.uid"),
        }
    }

    /// The name of the object the Event is about.
    pub(crate) fn involved_name(&self) -> &str {
        match self {
            Stored::Recorded(r, _) => &r.object_name,
            Stored::Written(v) => object::str_at(v, "involvedObject.name"),
        }
    }

    pub(crate) fn reason(&self) -> &str {
        match self {
            Stored::Recorded(r, _) => &r.reason,
            Stored::Written(v) => object::str_at(v, "reason"),
        }
    }

    pub(crate) fn message(&self) -> &str {
        match self {
            Stored::Recorded(r, _) => &r.message,
            Stored::Written(v) => object::str_at(v, "message"),
        }
    }
}

#[derive(Debug, Clone)]
struct Aggregate {
    messages: Vec<u64>,
    last: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy)]
struct Tokens {
    left: f64,
    at: DateTime<Utc>,
}

fn hash(parts: &[&str]) -> u64 {
    // FNV-1a over the parts with a separator, so ("ab", "c") and ("a", "bc") differ.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

impl Tokens {
    /// Takes a token if one is left after refilling for the time passed (a passive token bucket).
    fn try_take(&mut self, now: DateTime<Utc>) -> bool {
        let secs = (now - self.at).num_milliseconds().max(0) as f64 / 1000.0;
        self.left = (self.left + secs / SPAM_REFILL_SECS).min(SPAM_BURST);
        self.at = now;
        if self.left >= 1.0 {
            self.left -= 1.0;
            true
        } else {
            false
        }
    }
}

impl Cluster {
    /// Records an Event about an object, as the components do through their event recorders
    /// (see the module documentation for how repeats are counted, combined and throttled).
    pub fn record_event(
        &mut self,
        about: &Value,
        type_: &str,
        reason: &str,
        message: &str,
        source: &str,
    ) {
        self.record_event_at(about, "", type_, reason, message, source);
    }

    /// Records an Event about a part of an object (`field_path`: a pod's container, as
    /// `spec.containers{web}`). The kubelet's recorder names its node as the source's host.
    pub fn record_event_at(
        &mut self,
        about: &Value,
        field_path: &str,
        type_: &str,
        reason: &str,
        message: &str,
        source: &str,
    ) {
        let host = if source != "kubelet" {
            ""
        } else if object::kind(about) == "Node" {
            object::name(about)
        } else {
            object::str_at(about, "spec.nodeName")
        }
        .to_string();
        let own_ns = object::namespace(about);
        let ns = if own_ns.is_empty() { "default" } else { own_ns }.to_string();
        let obj_name = object::name(about).to_string();
        let kind = object::kind(about).to_string();
        let uid = object::str_at(about, "metadata.uid").to_string();
        let api_version = object::str_at(about, "apiVersion").to_string();
        let now = self.now;
        let object_parts = [source, &host, &kind, &ns, &obj_name, &uid, &api_version];

        // The aggregator: the tenth distinct message turns into a combined event.
        let aggregate_key = hash(&[&object_parts[..], &[type_, reason]].concat());
        let record = self
            .events
            .aggregates
            .entry(aggregate_key)
            .or_insert(Aggregate {
                messages: Vec::new(),
                last: now,
            });
        if (now - record.last).num_seconds() > AGGREGATE_INTERVAL_SECS {
            record.messages.clear();
        }
        record.last = now;
        let local = hash(&[message]);
        if !record.messages.contains(&local) {
            record.messages.push(local);
        }
        let (key, message, combined) = if record.messages.len() < AGGREGATE_MAX_EVENTS {
            let key = hash(&[&object_parts[..], &[field_path, type_, reason, message]].concat());
            (key, message.to_string(), false)
        } else {
            record.messages.remove(0);
            (aggregate_key, format!("{COMBINED_PREFIX}{message}"), true)
        };

        // The logger: a repeat carries the name, first timestamp and count so far.
        let (name, count, first) = match self.events.logged.get(&key) {
            Some(l) => (l.name.clone(), l.count + 1, l.first),
            None => {
                let suffix = format!("{:x}", self.next_random() & 0xffff_ffff_ffff);
                (format!("{obj_name}.{suffix}"), 1, now)
            }
        };
        self.events.logged.insert(
            key,
            Logged {
                name: name.clone(),
                count,
                first,
            },
        );

        // The spam filter: the burst spent, the occurrence is counted but not written.
        let spam_key = hash(&object_parts);
        let tokens = self.events.spam.entry(spam_key).or_insert(Tokens {
            left: SPAM_BURST,
            at: now,
        });
        if !tokens.try_take(now) {
            return;
        }

        if count > 1 {
            let at = (ns.clone(), name.clone());
            let rv = self.next_rv + 1;
            let bumped = self.event_store.get_mut(&at).is_some_and(|slot| {
                let same = slot.involved_uid() == uid && slot.reason() == reason;
                if !same {
                    return false;
                }
                match Arc::make_mut(slot) {
                    Stored::Recorded(r, tree) => {
                        r.count = count;
                        r.last = now;
                        r.resource_version = rv;
                        if combined {
                            r.message = message.clone();
                        }
                        *tree = OnceLock::new();
                    }
                    Stored::Written(e) => {
                        object::set(e, "count", json!(count));
                        object::set(e, "lastTimestamp", json!(timestamp(now)));
                        object::set(e, "metadata.resourceVersion", json!(rv.to_string()));
                        if combined {
                            object::set(e, "message", json!(message));
                        }
                    }
                }
                true
            });
            if bumped {
                self.next_rv = rv;
                return;
            }
            // Deleted meanwhile: the recorder creates it again under the same name.
        }
        let recorded = Recorded {
            namespace: self.events.intern(&ns),
            api_version: self.events.intern(&api_version),
            kind: self.events.intern(&kind),
            type_: self.events.intern(type_),
            reason: self.events.intern(reason),
            source: self.events.intern(source),
            host: self.events.intern(&host),
            object_namespace: self.events.intern(own_ns),
            field_path: field_path.to_string(),
            uid: self.new_uid(),
            resource_version: 0,
            name,
            created: now,
            object_name: obj_name,
            object_uid: uid,
            message,
            count,
            first,
            last: now,
        };
        self.store_recorded(recorded);
    }

    /// Stores an Event the recorder made, under a new resourceVersion.
    fn store_recorded(&mut self, mut recorded: Recorded) {
        self.next_rv += 1;
        recorded.resource_version = self.next_rv;
        let key = (recorded.namespace.to_string(), recorded.name.clone());
        let stored = Stored::Recorded(Box::new(recorded), OnceLock::new());
        self.event_store.insert(key, Arc::new(stored));
    }

    /// The Events stored in a namespace, to filter without building their JSON trees.
    pub(crate) fn events_in(&self, namespace: &str) -> impl Iterator<Item = &Stored> + use<'_> {
        let namespace = namespace.to_string();
        self.event_store
            .range((namespace.clone(), String::new())..)
            .take_while(move |((ns, _), _)| *ns == namespace)
            .map(|(_, e)| &**e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn cluster() -> Cluster {
        let now = DateTime::parse_from_rfc3339("2025-03-14T09:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        Cluster::empty(
            "t",
            now,
            std::sync::Arc::new(super::super::images::Lazy::builtin()),
        )
    }

    fn pod(name: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}")}})
    }

    fn events(c: &Cluster) -> Vec<(String, String, i64)> {
        let mut out: Vec<_> = c
            .list_all("events")
            .into_iter()
            .map(|e| {
                (
                    object::str_at(e, "reason").to_string(),
                    object::str_at(e, "message").to_string(),
                    object::i64_at(e, "count").unwrap_or(0),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_recorded_event_reads_as_the_api_serves_it_and_its_repeat_moves_it_on() {
        let mut c = cluster();
        let p = pod("web");
        c.record_event(&p, "Normal", "Pulled", "Image pulled", "kubelet");
        let name = c.list_all("events")[0]["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let first = c
            .peek("events", "default", &name)
            .cloned()
            .unwrap_or_default();
        let rv = first["metadata"]["resourceVersion"].clone();
        let uid = first["metadata"]["uid"].clone();
        assert_eq!(
            first,
            json!({
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": name, "namespace": "default", "uid": uid,
                             "creationTimestamp": "2025-03-14T09:00:00Z", "resourceVersion": rv},
                "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": "web",
                                   "namespace": "default", "uid": "uid-web"},
                "type": "Normal",
                "reason": "Pulled",
                "message": "Image pulled",
                "source": {"component": "kubelet"},
                "count": 1,
                "firstTimestamp": "2025-03-14T09:00:00Z",
                "lastTimestamp": "2025-03-14T09:00:00Z",
                "reportingComponent": "kubelet",
                "reportingInstance": "",
            })
        );
        // A copy of the cluster taken now keeps the event as it was.
        let before = c.clone();
        c.now += Duration::seconds(30);
        c.record_event(&p, "Normal", "Pulled", "Image pulled", "kubelet");
        let again = c
            .peek("events", "default", &name)
            .cloned()
            .unwrap_or_default();
        assert_eq!(again["count"], json!(2));
        assert_eq!(again["lastTimestamp"], json!("2025-03-14T09:00:30Z"));
        assert_eq!(again["firstTimestamp"], json!("2025-03-14T09:00:00Z"));
        assert_ne!(again["metadata"]["resourceVersion"], rv);
        assert_eq!(
            Cluster::rv_of(&again),
            c.write_counter(),
            "the bump is the latest write"
        );
        assert_eq!(before.peek("events", "default", &name), Some(&first));
        // Read without their trees, the fields agree with the tree.
        let e = c.events_in("default").next().map(|e| {
            (
                e.involved_uid().to_string(),
                e.involved_name().to_string(),
                e.reason().to_string(),
                e.message().to_string(),
            )
        });
        assert_eq!(
            e,
            Some((
                "uid-web".into(),
                "web".into(),
                "Pulled".into(),
                "Image pulled".into()
            ))
        );
        // A dump and load turns it into a written event that reads the same.
        let dumped = c.dump();
        let mut restored = c.clone();
        restored.load(dumped);
        let mut after = restored
            .peek("events", "default", &name)
            .cloned()
            .unwrap_or_default();
        after["metadata"]["resourceVersion"] = again["metadata"]["resourceVersion"].clone();
        assert_eq!(after, again);
    }

    #[test]
    fn an_event_about_a_node_lives_in_default_and_names_no_namespace_for_it() {
        let mut c = cluster();
        let node = json!({"apiVersion": "v1", "kind": "Node",
                          "metadata": {"name": "node01", "uid": "uid-node01"}});
        c.record_event(
            &node,
            "Normal",
            "NodeNotReady",
            "Node node01 status is now: NodeNotReady",
            "node-controller",
        );
        c.record_event(&node, "Normal", "Starting", "Starting kubelet.", "kubelet");
        let all = c.list_ns("events", "default");
        assert_eq!(all.len(), 2);
        for e in all {
            assert_eq!(e["involvedObject"].get("namespace"), None, "{e}");
            let host = e["source"].get("host").and_then(Value::as_str);
            match e["reason"].as_str() {
                Some("Starting") => assert_eq!(host, Some("node01")),
                _ => assert_eq!(host, None),
            }
        }
    }

    #[test]
    fn a_repeat_bumps_the_count_of_the_stored_event() {
        let mut c = cluster();
        let p = pod("web");
        for _ in 0..3 {
            c.record_event(&p, "Warning", "BackOff", "Back-off restarting", "kubelet");
        }
        assert_eq!(
            events(&c),
            vec![("BackOff".into(), "Back-off restarting".into(), 3)]
        );
    }

    #[test]
    fn the_tenth_distinct_message_is_combined() {
        let mut c = cluster();
        let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                        "metadata": {"name": "web-1", "namespace": "default", "uid": "u1"}});
        for i in 0..20 {
            c.record_event(
                &rs,
                "Normal",
                "SuccessfulCreate",
                &format!("Created pod: web-1-{i}"),
                "replicaset-controller",
            );
        }
        let evs = events(&c);
        assert_eq!(evs.len(), 10, "{evs:?}");
        let combined: Vec<_> = evs
            .iter()
            .filter(|e| e.1.starts_with(COMBINED_PREFIX))
            .collect();
        assert_eq!(
            combined,
            vec![&(
                "SuccessfulCreate".to_string(),
                format!("{COMBINED_PREFIX}Created pod: web-1-19"),
                11
            )]
        );
    }

    #[test]
    fn a_flood_is_throttled_but_still_counted() {
        let mut c = cluster();
        let p = pod("crash");
        for _ in 0..40 {
            c.record_event(&p, "Warning", "BackOff", "Back-off restarting", "kubelet");
        }
        // 25 written; the next 15 only counted.
        assert_eq!(events(&c)[0].2, 25);
        // Five minutes refill one token: the write carries every occurrence.
        c.now += Duration::seconds(300);
        c.record_event(&p, "Warning", "BackOff", "Back-off restarting", "kubelet");
        assert_eq!(events(&c)[0].2, 41);
        // Other objects have their own budget.
        c.record_event(&pod("other"), "Normal", "Pulled", "x", "kubelet");
        assert_eq!(events(&c).len(), 2);
    }

    #[test]
    fn a_deleted_event_is_written_again_under_its_name() {
        let mut c = cluster();
        let p = pod("web");
        c.record_event(&p, "Normal", "Pulled", "pulled", "kubelet");
        let name = object::name(c.list_all("events")[0]).to_string();
        c.remove_raw("events", "default", &name);
        c.record_event(&p, "Normal", "Pulled", "pulled", "kubelet");
        let evs = c.list_all("events");
        assert_eq!(evs.len(), 1);
        assert_eq!(object::name(evs[0]), name);
        assert_eq!(object::i64_at(evs[0], "count"), Some(2));
    }
}
