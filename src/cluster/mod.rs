//! The embedded cluster: an API object store that speaks the Kubernetes API's verbs, with validation,
//! defaulting, controllers, a scheduler and a kubelet model. It knows nothing of kubectl or the shell.

pub mod admission;
pub mod api;
pub mod componentstatus;
pub mod connect;
pub mod container;
pub mod controllers;
pub mod crd;
pub mod decode;
pub mod defaults;
pub mod deletion;
pub mod dns;
mod events;
pub mod images;
mod index;
pub mod memo;
pub mod netpol;
pub mod object;
pub mod openapi;
pub mod patch;
pub mod quantity;
pub mod rbac;
pub mod resources;
pub mod schema;
pub mod selector;
pub mod validate;

use api::ApiError;
use chrono::{DateTime, SecondsFormat, Utc};
use schema::ResourceType;
use selector::Selector;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Objects of one resource type, keyed by (namespace, name); cluster-scoped objects use "" as namespace.
/// Objects are shared (`Arc`), so cloning a cluster (a session snapshot) copies no object, and a
/// write replaces the object it changes.
type Bucket = BTreeMap<(String, String), Arc<Value>>;

/// One Kubernetes cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub name: String,
    objects: BTreeMap<&'static str, Bucket>,
    next_rv: u64,
    counter: u64,
    seed: u64,
    /// The simulated time of the cluster, set by the World before each request.
    pub now: DateTime<Utc>,
    pub images: Arc<images::Lazy>,
    next_service_ip: u32,
    next_node_port: u32,
    /// The resourceVersion counter when the store last settled: no write since means only the
    /// time-driven controllers (kubelet, node lifecycle) have anything to do.
    settled_rv: u64,
    /// Whether a write since the last full settle changed anything a controller reads: writes of
    /// only Events and Leases (the kubelets' heartbeats) need the time-driven controllers alone,
    /// not a pass of every controller over the whole store.
    noisy: bool,
    /// The pods the kubelets still have to look at, by (namespace, name): every write of a pod
    /// puts it here, and the kubelet takes it out once its status cannot change with time alone,
    /// so a steady cluster's kubelet pass visits no pod.
    pub(crate) kubelet_todo: std::collections::BTreeSet<(String, String)>,
    /// The pods of `kubelet_todo` whose status the kubelet last found unchanged, with the
    /// resourceVersion and time it looked at: a pod whose status depends on nothing but itself and
    /// the clock needs no second look until either moves (see the kubelet's `reconcile`).
    pub(crate) kubelet_seen: std::collections::HashMap<(String, String), (String, DateTime<Utc>)>,
    /// The event recorder's caches: repeats, combined messages, throttling (see `events`).
    events: events::Correlator,
    /// The Events, by (namespace, name): kept apart from `objects` because the recorder's are
    /// stored as their fields, not as JSON trees (see `events::Stored`).
    event_store: BTreeMap<(String, String), Arc<events::Stored>>,
    /// The stored objects that carry a `deletionTimestamp`, by plural then (namespace, name), kept
    /// up to date by every write so the deletion controller visits only them, not the whole store.
    terminating: BTreeMap<&'static str, std::collections::BTreeSet<(String, String)>>,
    /// Live uids, dependents by owner, uncontrolled and unscheduled pods (see `index`), kept up
    /// to date by every write.
    pub(crate) index: index::Indexes,
    /// Values kubectl computes from stored objects, per stored version (see `memo`).
    pub memo: memo::Memo,
    /// The CoreDNS pods (by uid) that started with a Corefile they could not load, and the second
    /// of the pod's life from which the file parsed again (see the kubelet's `coredns_program`).
    pub(crate) corefile_loads: std::collections::HashMap<String, Option<i64>>,
    /// What each node's host runs: the World reports it before every settle.
    pub agents: BTreeMap<String, Agent>,
    /// Who the request being served comes from when it is not the cluster's admin (kubectl's
    /// `--as`): the verbs check it against RBAC. Controllers act as themselves and skip the check.
    pub requester: Option<rbac::UserInfo>,
}

/// The node agents of one host, as its systemd units report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agent {
    pub kubelet: bool,
    pub runtime: bool,
    /// When either last changed.
    pub since: DateTime<Utc>,
}

/// Seconds without a kubelet heartbeat before the node controller marks a node NotReady.
pub const NODE_GRACE_SECS: i64 = 40;

/// Writes that no controller's full pass needs to see: Events, and the Leases the kubelets
/// renew (the node lifecycle controller, which reads them, runs with the time-driven ones).
fn quiet(plural: &str) -> bool {
    plural == "events" || plural == "leases"
}

/// The object of a shared slot: moved out when nothing else holds it, else copied.
fn unshare(o: Arc<Value>) -> Value {
    Arc::try_unwrap(o).unwrap_or_else(|o| (*o).clone())
}

/// The Event of a shared slot, as `unshare`.
fn unshare_event(e: Arc<events::Stored>) -> Value {
    Arc::try_unwrap(e)
        .map(events::Stored::into_value)
        .unwrap_or_else(|e| e.value().clone())
}

/// The plural kept in `event_store` rather than `objects`.
const EVENTS: &str = "events";

/// Formats a timestamp as the API does (`2024-05-01T10:00:00Z`).
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses an API timestamp.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// FNV-1a, for stable hashes of templates and names.
pub fn fnv(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Encodes a number in the alphabet Kubernetes uses for generated names (no vowels, no look-alikes).
pub fn safe_encode(mut n: u64, len: usize) -> String {
    let mut s = String::with_capacity(len);
    for _ in 0..len {
        s.push(char::from(
            SAFE_ALPHABET[(n % SAFE_ALPHABET.len() as u64) as usize],
        ));
        n /= SAFE_ALPHABET.len() as u64;
    }
    s
}

impl Cluster {
    /// An empty cluster (no nodes, no namespaces): the World's default builder fills it.
    pub fn empty(name: &str, now: DateTime<Utc>, images: Arc<images::Lazy>) -> Self {
        Cluster {
            name: name.to_string(),
            objects: BTreeMap::new(),
            next_rv: 1000,
            counter: 0,
            seed: fnv(name.as_bytes()),
            now,
            images,
            next_service_ip: 2,
            next_node_port: 0,
            settled_rv: 0,
            noisy: true,
            kubelet_todo: std::collections::BTreeSet::new(),
            kubelet_seen: std::collections::HashMap::new(),
            events: events::Correlator::default(),
            event_store: BTreeMap::new(),
            terminating: BTreeMap::new(),
            index: index::Indexes::default(),
            memo: memo::Memo::default(),
            corefile_loads: std::collections::HashMap::new(),
            agents: BTreeMap::new(),
            requester: None,
        }
    }

    /// A pseudo-random number, deterministic for a cluster's history.
    pub fn next_random(&mut self) -> u64 {
        self.counter += 1;
        let mut x = self.seed ^ self.counter.wrapping_mul(0x9E3779B97F4A7C15);
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51afd7ed558ccd);
        x ^= x >> 33;
        x
    }

    /// A UID in the API's format.
    pub fn new_uid(&mut self) -> String {
        let a = self.next_random();
        let b = self.next_random();
        let hex = format!("{a:016x}{b:016x}");
        // Version 4 (random), RFC 4122 variant: the fourth group starts with 8, 9, a or b.
        let variant = ["8", "9", "a", "b"][(b >> 62) as usize & 3];
        format!(
            "{}-{}-4{}-{variant}{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[13..16],
            &hex[17..20],
            &hex[20..32]
        )
    }

    /// A random suffix for generated names (`-x7k2p`).
    pub fn random_suffix(&mut self, len: usize) -> String {
        let n = self.next_random();
        safe_encode(n, len)
    }

    /// The next free cluster IP from the service CIDR 10.96.0.0/12.
    pub fn allocate_cluster_ip(&mut self) -> String {
        let n = self.next_service_ip;
        self.next_service_ip += 1;
        if n == 10 {
            return self.allocate_cluster_ip();
        }
        let ip = 0x0A60_0000u32 + n * 97 % 0x000F_FFFF;
        format!(
            "{}.{}.{}.{}",
            ip >> 24,
            (ip >> 16) & 255,
            (ip >> 8) & 255,
            ip & 255
        )
    }

    /// The next free node port in 30000-32767 (not one in use).
    pub fn allocate_node_port(&mut self) -> i64 {
        let used: Vec<i64> = self
            .list_all("services")
            .iter()
            .flat_map(|s| {
                object::array(s, "spec.ports")
                    .iter()
                    .filter_map(|p| p.get("nodePort").and_then(Value::as_i64))
            })
            .collect();
        loop {
            self.next_node_port += 1;
            let p =
                30000 + i64::from((self.next_node_port * 7919 + (self.seed % 2768) as u32) % 2768);
            if !used.contains(&p) {
                return p;
            }
        }
    }

    fn bump_rv(&mut self) -> String {
        self.next_rv += 1;
        self.next_rv.to_string()
    }

    /// Authorizes a request of the current requester (see `requester`); the admin may do anything.
    pub fn authorize(
        &self,
        verb: &str,
        rt: &ResourceType,
        namespace: &str,
        name: &str,
    ) -> Result<(), ApiError> {
        match &self.requester {
            None => Ok(()),
            Some(user) => rbac::check(
                self,
                user,
                &rbac::Attributes::resource(verb, rt, namespace, name),
            ),
        }
    }

    /// Authorizes a request on a subresource (`get pods/log`, `create pods/exec`).
    pub fn authorize_subresource(
        &self,
        verb: &str,
        rt: &ResourceType,
        namespace: &str,
        name: &str,
        subresource: &str,
    ) -> Result<(), ApiError> {
        match &self.requester {
            None => Ok(()),
            Some(user) => {
                let mut a = rbac::Attributes::resource(verb, rt, namespace, name);
                a.subresource = subresource.to_string();
                rbac::check(self, user, &a)
            }
        }
    }

    /// Authorizes a list of a type in one namespace or all (`None`).
    pub fn authorize_list(
        &self,
        rt: &ResourceType,
        namespace: Option<&str>,
    ) -> Result<(), ApiError> {
        self.authorize("list", rt, namespace.unwrap_or(""), "")
    }

    /// Reads one object.
    pub fn get(&self, rt: &ResourceType, namespace: &str, name: &str) -> Result<Value, ApiError> {
        self.authorize("get", rt, namespace, name)?;
        self.get_raw(rt, namespace, name)
    }

    fn get_raw(&self, rt: &ResourceType, namespace: &str, name: &str) -> Result<Value, ApiError> {
        let ns = if rt.namespaced { namespace } else { "" };
        let found = self.peek(rt.plural, ns, name).cloned();
        found.ok_or_else(|| match rt.plural {
            componentstatus::COMPONENT_STATUSES => componentstatus::not_found(name),
            _ => ApiError::not_found(&rt.qualified_plural(), name),
        })
    }

    /// Borrows one object without cloning (controllers and printers use this).
    pub fn peek(&self, plural: &str, namespace: &str, name: &str) -> Option<&Value> {
        if plural == EVENTS {
            let key = (namespace.to_string(), name.to_string());
            return self.event_store.get(&key).map(|e| e.value());
        }
        self.objects
            .get(plural)?
            .get(&(namespace.to_string(), name.to_string()))
            .map(|o| &**o)
    }

    /// An object, shared with the store (no copy): for controllers that write while they hold it.
    /// (An Event is not stored as a tree to share: it comes as a copy.)
    pub fn peek_shared(&self, plural: &str, namespace: &str, name: &str) -> Option<Arc<Value>> {
        if plural == EVENTS {
            return self.peek(plural, namespace, name).cloned().map(Arc::new);
        }
        self.objects
            .get(plural)?
            .get(&(namespace.to_string(), name.to_string()))
            .cloned()
    }

    /// Lists objects of a type, in one namespace or all (`None`), filtered by a label selector.
    pub fn list(
        &self,
        rt: &ResourceType,
        namespace: Option<&str>,
        selector: Option<&Selector>,
    ) -> Vec<Value> {
        self.list_refs(rt, namespace, selector)
            .into_iter()
            .cloned()
            .collect()
    }

    /// Like [`Cluster::list`], borrowing the objects instead of copying them.
    pub fn list_refs(
        &self,
        rt: &ResourceType,
        namespace: Option<&str>,
        selector: Option<&Selector>,
    ) -> Vec<&Value> {
        let keep = |o: &Value| selector.is_none_or(|s| s.matches_object(o));
        if rt.plural == EVENTS {
            let all: Vec<&Value> = match namespace {
                Some(ns) => self.events_in(ns).map(events::Stored::value).collect(),
                None => self.event_store.values().map(|e| e.value()).collect(),
            };
            return all.into_iter().filter(|o| keep(o)).collect();
        }
        let Some(b) = self.objects.get(rt.plural) else {
            return Vec::new();
        };
        match namespace.filter(|_| rt.namespaced) {
            Some(ns) => b
                .range((ns.to_string(), String::new())..)
                .take_while(|((n, _), _)| n == ns)
                .map(|(_, o)| &**o)
                .filter(|o| keep(o))
                .collect(),
            None => b.values().map(|o| &**o).filter(|o| keep(o)).collect(),
        }
    }

    /// Borrows every object of a type by plural name, all namespaces.
    pub fn list_all(&self, plural: &str) -> Vec<&Value> {
        if plural == EVENTS {
            return self.event_store.values().map(|e| e.value()).collect();
        }
        self.objects
            .get(plural)
            .map(|b| b.values().map(|o| &**o).collect())
            .unwrap_or_default()
    }

    /// Every object of a type, shared (no object is copied): for controllers that write while
    /// they walk a list.
    pub fn list_shared(&self, plural: &str) -> Vec<Arc<Value>> {
        if plural == EVENTS {
            return self
                .event_store
                .values()
                .map(|e| Arc::new(e.value().clone()))
                .collect();
        }
        self.objects
            .get(plural)
            .map(|b| b.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Borrows the objects of a type in one namespace.
    pub fn list_ns(&self, plural: &str, namespace: &str) -> Vec<&Value> {
        if plural == EVENTS {
            return self
                .events_in(namespace)
                .map(events::Stored::value)
                .collect();
        }
        match self.objects.get(plural) {
            Some(b) => b
                .range((namespace.to_string(), String::new())..)
                .take_while(|((ns, _), _)| ns == namespace)
                .map(|(_, v)| &**v)
                .collect(),
            None => Vec::new(),
        }
    }

    /// Creates an object: validates, defaults, fills metadata, stores. `dry_run` validates and defaults only.
    pub fn create(&mut self, mut obj: Value, dry_run: bool) -> Result<Value, ApiError> {
        let rt = self.type_of(&obj)?;
        if crd::is_builtin(rt) {
            decode::strict(rt, &obj)?;
        } else {
            crd::admit_custom(self, rt, &mut obj)?;
        }
        self.create_decoded(obj, dry_run)
    }

    /// Creates an object already known to fit its kind's types (controllers' own objects).
    fn create_decoded(&mut self, mut obj: Value, dry_run: bool) -> Result<Value, ApiError> {
        let rt = self.type_of(&obj)?;
        if rt.plural == componentstatus::COMPONENT_STATUSES {
            return Err(componentstatus::method_not_allowed());
        }
        let ns = if rt.namespaced {
            let ns = object::namespace(&obj);
            let ns = if ns.is_empty() {
                "default".to_string()
            } else {
                ns.to_string()
            };
            object::set(&mut obj, "metadata.namespace", json!(ns));
            ns
        } else {
            object::remove(&mut obj, "metadata.namespace");
            String::new()
        };
        self.authorize("create", rt, &ns, "")?;
        // generateName
        if object::name(&obj).is_empty() {
            let gen = object::str_at(&obj, "metadata.generateName").to_string();
            if !gen.is_empty() {
                let suffix = self.random_suffix(5);
                object::set(&mut obj, "metadata.name", json!(format!("{gen}{suffix}")));
            }
        }
        validate::validate(rt, &obj)?;
        if rt.plural == crd::CRDS {
            crd::admit_definition(&mut obj, &timestamp(self.now), None)?;
        }
        let name = object::name(&obj).to_string();
        if rt.namespaced && rt.plural != "namespaces" && self.peek("namespaces", "", &ns).is_none()
        {
            return Err(ApiError::not_found("namespaces", &ns));
        }
        if let Some(ex) = self.peek(rt.plural, &ns, &name) {
            let _ = ex;
            return Err(ApiError::already_exists(&rt.qualified_plural(), &name));
        }
        if rt.kind == "Pod" {
            self.admit_priority(&mut obj)?;
        }
        admission::mutate(self, rt, &mut obj);
        defaults::apply(self, rt, &mut obj);
        admission::validate(self, rt, &obj)?;
        // Admission (StorageObjectInUseProtection): claims and volumes are protected while in use.
        let protection = match rt.kind {
            "PersistentVolumeClaim" => Some(deletion::PVC_PROTECTION),
            "PersistentVolume" => Some(deletion::PV_PROTECTION),
            _ => None,
        };
        if let Some(f) = protection {
            if let Value::Array(list) = object::map_mut(&mut obj, "metadata")
                .entry("finalizers")
                .or_insert_with(|| json!([]))
            {
                if !list.iter().any(|x| x == f) {
                    list.push(json!(f));
                }
            }
        }
        let uid = self.new_uid();
        defaults::with_uid(rt, &mut obj, &uid);
        let rv = self.bump_rv();
        let ts = timestamp(self.now);
        {
            let md = object::map_mut(&mut obj, "metadata");
            md.insert("uid".into(), json!(uid));
            md.insert("resourceVersion".into(), json!(rv));
            md.insert("creationTimestamp".into(), json!(ts));
            if has_generation(rt) {
                md.insert("generation".into(), json!(1));
            }
        }
        if !dry_run {
            self.store(rt.plural, (ns, name), obj.clone());
        }
        Ok(obj)
    }

    /// Stores an object under its key, noting whether it is terminating.
    fn store(&mut self, plural: &'static str, key: (String, String), obj: Value) {
        self.note_terminating(plural, &key, Some(&obj));
        self.note_written(plural, &key);
        if plural == EVENTS {
            let stored = events::Stored::Written(obj);
            self.event_store.insert(key, Arc::new(stored));
            return;
        }
        let bucket = self.objects.entry(plural).or_default();
        let old = bucket.insert(key.clone(), Arc::new(obj));
        let new = bucket.get(&key).map(|o| &**o);
        self.index.update(plural, &key, old.as_deref(), new);
    }

    /// Whether the indexes kept up by every write agree with indexes built afresh from the store
    /// (tests check this after realistic work): `Err` says what is stale.
    pub fn check_indexes(&self) -> Result<(), String> {
        let fresh = index::Indexes::rebuild(
            self.objects
                .iter()
                .flat_map(|(p, b)| b.iter().map(move |(k, o)| (*p, k, &**o))),
        );
        match self.index.differs_from(&fresh) {
            None => Ok(()),
            Some(why) => Err(format!("cluster {}: {why}", self.name)),
        }
    }

    /// The indexes built afresh from the whole store (after a bulk change).
    fn rebuild_index(&mut self) {
        self.index = index::Indexes::rebuild(
            self.objects
                .iter()
                .flat_map(|(p, b)| b.iter().map(move |(k, o)| (*p, k, &**o))),
        );
    }

    /// Keeps `terminating` in step with the object now stored under `key` (`None`: removed).
    fn note_terminating(
        &mut self,
        plural: &'static str,
        key: &(String, String),
        obj: Option<&Value>,
    ) {
        let dying = obj.is_some_and(|o| object::get(o, "metadata.deletionTimestamp").is_some());
        self.note_dying(plural, key, dying);
    }

    fn note_dying(&mut self, plural: &'static str, key: &(String, String), dying: bool) {
        if dying {
            self.terminating
                .entry(plural)
                .or_default()
                .insert(key.clone());
        } else if let Some(set) = self.terminating.get_mut(plural) {
            set.remove(key);
            if set.is_empty() {
                self.terminating.remove(plural);
            }
        }
    }

    /// The objects of a type that carry a `deletionTimestamp`, in store order.
    pub(crate) fn terminating(&self, plural: &str) -> Vec<&Value> {
        self.terminating
            .get(plural)
            .map(|set| {
                set.iter()
                    .filter_map(|(ns, name)| self.peek(plural, ns, name))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The Priority admission plugin: resolves `priorityClassName` (or the global default class)
    /// into `spec.priority` and `spec.preemptionPolicy`.
    fn admit_priority(&self, pod: &mut Value) -> Result<(), ApiError> {
        let name = object::str_at(pod, "spec.priorityClassName").to_string();
        let class = if name.is_empty() {
            self.list_all("priorityclasses")
                .into_iter()
                .find(|pc| object::get(pc, "globalDefault").and_then(Value::as_bool) == Some(true))
                .cloned()
        } else if let Some(pc) = self.peek("priorityclasses", "", &name) {
            Some(pc.clone())
        } else if name == "system-node-critical" || name == "system-cluster-critical" {
            let v = if name == "system-node-critical" {
                2000001000
            } else {
                2000000000
            };
            Some(json!({"metadata": {"name": name}, "value": v}))
        } else {
            return Err(ApiError::forbidden(format!(
                "pods \"{}\" is forbidden: no PriorityClass with name {name} was found",
                object::name(pod)
            )));
        };
        let Some(class) = class else {
            if object::get(pod, "spec.priority").is_none() {
                object::set(pod, "spec.priority", json!(0));
            }
            if object::get(pod, "spec.preemptionPolicy").is_none() {
                object::set(pod, "spec.preemptionPolicy", json!("PreemptLowerPriority"));
            }
            return Ok(());
        };
        let value = class.get("value").and_then(Value::as_i64).unwrap_or(0);
        object::set(pod, "spec.priorityClassName", json!(object::name(&class)));
        object::set(pod, "spec.priority", json!(value));
        let policy = class
            .get("preemptionPolicy")
            .and_then(Value::as_str)
            .unwrap_or("PreemptLowerPriority");
        object::set(pod, "spec.preemptionPolicy", json!(policy));
        Ok(())
    }

    /// Replaces an object (PUT). A set `metadata.resourceVersion` must match the stored one.
    pub fn update(&mut self, mut obj: Value, dry_run: bool) -> Result<Value, ApiError> {
        let rt = self.type_of(&obj)?;
        if rt.plural == componentstatus::COMPONENT_STATUSES {
            return Err(componentstatus::method_not_allowed());
        }
        if crd::is_builtin(rt) {
            decode::strict(rt, &obj)?;
        } else {
            crd::admit_custom(self, rt, &mut obj)?;
        }
        let ns = if rt.namespaced {
            let ns = object::namespace(&obj);
            let ns = if ns.is_empty() {
                "default".to_string()
            } else {
                ns.to_string()
            };
            object::set(&mut obj, "metadata.namespace", json!(ns));
            ns
        } else {
            String::new()
        };
        let name = object::name(&obj).to_string();
        self.authorize("update", rt, &ns, &name)?;
        let old = self.get_raw(rt, &ns, &name)?;
        let rv = object::str_at(&obj, "metadata.resourceVersion");
        if !rv.is_empty() && rv != object::str_at(&old, "metadata.resourceVersion") {
            return Err(ApiError::conflict(
                &rt.qualified_plural(),
                &name,
                "the object has been modified; please apply your changes to the latest version and try again",
            ));
        }
        validate::validate(rt, &obj)?;
        validate::validate_update(rt, &old, &obj)?;
        if rt.plural == crd::CRDS {
            crd::admit_definition(&mut obj, &timestamp(self.now), Some(&old))?;
        }
        defaults::apply(self, rt, &mut obj);
        // Metadata the client cannot change.
        for key in [
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            if let Some(v) = object::get(&old, &format!("metadata.{key}")) {
                object::set(&mut obj, &format!("metadata.{key}"), v.clone());
            }
        }
        if object::get(&obj, "status").is_none() {
            if let Some(st) = object::get(&old, "status") {
                object::set(&mut obj, "status", st.clone());
            }
        }
        if has_generation(rt) {
            let gen = object::i64_at(&old, "metadata.generation").unwrap_or(1);
            let spec_changed = object::get(&old, "spec") != object::get(&obj, "spec");
            object::set(
                &mut obj,
                "metadata.generation",
                json!(if spec_changed { gen + 1 } else { gen }),
            );
        }
        let rv = self.bump_rv();
        object::set(&mut obj, "metadata.resourceVersion", json!(rv));
        if !dry_run {
            self.store(rt.plural, (ns, name), obj.clone());
        }
        Ok(obj)
    }

    /// Writes an object as a controller does: no validation, new resourceVersion. Used by controllers.
    pub fn put_status(&mut self, plural: &'static str, obj: Value) {
        let ns = object::namespace(&obj).to_string();
        let name = object::name(&obj).to_string();
        let mut obj = obj;
        let rv = self.bump_rv();
        object::set(&mut obj, "metadata.resourceVersion", json!(rv));
        self.store(plural, (ns, name), obj);
    }

    /// Writes a controller's change to a stored object in place, as `put_status` would write the
    /// changed copy, without copying the object first (unless a session snapshot shares it).
    /// `change` may rewrite anything but the object's identity (namespace and name); it returns
    /// whether it changed something, and only then is the write made (a new resourceVersion).
    /// Returns that answer; false too when no such object is stored.
    pub(crate) fn modify_in_place(
        &mut self,
        plural: &'static str,
        namespace: &str,
        name: &str,
        change: impl FnOnce(&mut Value) -> bool,
    ) -> bool {
        let key = (namespace.to_string(), name.to_string());
        if plural == EVENTS {
            let Some(slot) = self.event_store.get_mut(&key) else {
                return false;
            };
            let obj = Arc::make_mut(slot).value_mut();
            if !change(obj) {
                return false;
            }
            self.next_rv += 1;
            let rv = json!(self.next_rv.to_string());
            object::set(obj, "metadata.resourceVersion", rv);
            let dying = object::get(obj, "metadata.deletionTimestamp").is_some();
            self.note_dying(plural, &key, dying);
            return true;
        }
        let Some(slot) = self.objects.get_mut(plural).and_then(|b| b.get_mut(&key)) else {
            return false;
        };
        let before = index::Indexes::old_view(slot);
        // A version the memo remembers is held there by a weak reference, so `make_mut` moves
        // the object to a new allocation and the memo's entry misses, as after any other write.
        let obj = Arc::make_mut(slot);
        if !change(obj) {
            return false;
        }
        self.next_rv += 1;
        object::set(
            obj,
            "metadata.resourceVersion",
            json!(self.next_rv.to_string()),
        );
        let obj: &Value = obj;
        let dying = object::get(obj, "metadata.deletionTimestamp").is_some();
        self.index.update(plural, &key, Some(&before), Some(obj));
        self.note_written(plural, &key);
        self.note_dying(plural, &key, dying);
        true
    }

    /// The bookkeeping of every stored write: whether a full controller pass is due, and a
    /// written pod back on the kubelets' list.
    fn note_written(&mut self, plural: &str, key: &(String, String)) {
        self.noisy |= !quiet(plural);
        if plural == "pods" {
            self.kubelet_todo.insert(key.clone());
        }
    }

    /// Inserts an object as a controller creates it (already defaulted by the caller's template).
    pub fn insert_controlled(&mut self, obj: Value) -> Result<Value, ApiError> {
        let requester = self.requester.take();
        let r = self.create_decoded(obj, false);
        self.requester = requester;
        r
    }

    /// Deletes an object. Dependents go with it through the garbage collector on the next settle.
    pub fn delete(
        &mut self,
        rt: &ResourceType,
        namespace: &str,
        name: &str,
    ) -> Result<Value, ApiError> {
        self.authorize("delete", rt, namespace, name)?;
        if rt.plural == componentstatus::COMPONENT_STATUSES {
            return Err(componentstatus::method_not_allowed());
        }
        let ns = if rt.namespaced {
            namespace.to_string()
        } else {
            String::new()
        };
        self.next_rv += 1;
        self.noisy |= !quiet(rt.plural);
        let key = (ns.clone(), name.to_string());
        let removed = if rt.plural == EVENTS {
            self.event_store.remove(&key).map(unshare_event)
        } else {
            self.objects
                .get_mut(rt.plural)
                .and_then(|b| b.remove(&key))
                .map(unshare)
        }
        .ok_or_else(|| ApiError::not_found(&rt.qualified_plural(), name))?;
        self.note_terminating(rt.plural, &key, None);
        self.index.update(rt.plural, &key, Some(&removed), None);
        if rt.plural == crd::CRDS {
            self.definition_deleted(&removed);
        }
        if rt.plural == "namespaces" {
            // Everything in the namespace goes with it.
            for b in self.objects.values_mut() {
                b.retain(|(ons, _), _| ons != name);
            }
            self.event_store.retain(|(ons, _), _| ons != name);
            for set in self.terminating.values_mut() {
                set.retain(|(ons, _)| ons != name);
            }
            self.terminating.retain(|_, set| !set.is_empty());
            self.rebuild_index();
        }
        Ok(removed)
    }

    /// Runs every controller until nothing changes (bounded), at the cluster's current time; returns
    /// how many rounds it took.
    pub fn settle(&mut self) -> usize {
        // The controllers act as themselves, not as the requester of the last command.
        let requester = self.requester.take();
        let rounds = self.settle_as_controllers();
        self.refresh_component_statuses();
        self.requester = requester;
        rounds
    }

    fn settle_as_controllers(&mut self) -> usize {
        if self.next_rv == self.settled_rv || !self.noisy {
            // Nothing a controller reads changed since the last settle: only the time-driven
            // controllers may have work, and a full pass is needed only if they write something.
            controllers::reconcile_timed(self);
            if !self.noisy {
                self.settled_rv = self.next_rv;
                return 1;
            }
        }
        for i in 0..30 {
            if !controllers::reconcile_all(self) {
                self.settled_rv = self.next_rv;
                self.noisy = false;
                return i + 1;
            }
        }
        self.settled_rv = self.next_rv;
        self.noisy = false;
        30
    }

    /// Whether a node's kubelet (and container runtime) runs; nodes without a reported agent run.
    pub fn kubelet_up(&self, node: &str) -> bool {
        self.agents.get(node).is_none_or(|a| a.kubelet && a.runtime)
    }

    /// Whether a control-plane component (`kube-apiserver`, `kube-scheduler`, `kube-controller-manager`,
    /// `etcd`) runs: its static pod on a control-plane node is Running and Ready. A cluster without
    /// control-plane static pods (built by hand in tests) counts as running.
    pub fn component_up(&self, component: &str) -> bool {
        let pods = self.list_ns("pods", "kube-system");
        let control_plane: Vec<&&Value> = pods
            .iter()
            .filter(|p| object::labels(p).get("tier").map(String::as_str) == Some("control-plane"))
            .collect();
        if control_plane.is_empty() {
            return true;
        }
        control_plane.iter().any(|p| {
            object::labels(p).get("component").map(String::as_str) == Some(component)
                && object::str_at(p, "status.phase") == "Running"
                && controllers::pod_ready(p)
        })
    }

    /// The API server's address (`172.30.1.2:6443`): the control-plane node's InternalIP.
    pub fn server_address(&self) -> String {
        let ip = self
            .list_all("nodes")
            .into_iter()
            .find(|n| object::labels(n).contains_key("node-role.kubernetes.io/control-plane"))
            .and_then(|n| {
                object::array(n, "status.addresses")
                    .iter()
                    .find(|a| a.get("type").and_then(Value::as_str) == Some("InternalIP"))
                    .and_then(|a| a.get("address").and_then(Value::as_str))
                    .map(String::from)
            })
            .unwrap_or_else(|| "127.0.0.1".into());
        format!("{ip}:6443")
    }

    /// A counter that grows with every write to the store.
    /// Every stored object (what an etcd snapshot holds).
    pub fn dump(&self) -> Vec<Value> {
        // ComponentStatuses are the API server's live answers, not stored objects.
        self.objects
            .iter()
            .filter(|(plural, _)| **plural != componentstatus::COMPONENT_STATUSES)
            .flat_map(|(_, b)| b.values().map(|o| (**o).clone()))
            .chain(self.event_store.values().map(|e| e.value().clone()))
            .collect()
    }

    /// Replaces the whole store with `objects`, as restoring etcd from a snapshot does. The
    /// resourceVersion counter moves on, so every watcher sees a change.
    pub fn load(&mut self, objects: Vec<Value>) {
        let mut map: BTreeMap<&'static str, Bucket> = BTreeMap::new();
        let mut events = BTreeMap::new();
        let custom = crd::types_in(
            objects
                .iter()
                .filter(|o| object::kind(o) == "CustomResourceDefinition"),
        );
        for o in objects {
            let rt = match resource_of(&o) {
                Ok(rt) => rt,
                Err(_) => {
                    let Some(rt) = custom.iter().find(|t| {
                        t.kind == object::kind(&o)
                            && o["apiVersion"]
                                .as_str()
                                .is_some_and(|av| av.starts_with(&format!("{}/", t.group)))
                    }) else {
                        continue;
                    };
                    *rt
                }
            };
            let key = (
                object::namespace(&o).to_string(),
                object::name(&o).to_string(),
            );
            if rt.plural == EVENTS {
                events.insert(key, Arc::new(events::Stored::Written(o)));
            } else {
                map.entry(rt.plural).or_default().insert(key, Arc::new(o));
            }
        }
        self.terminating.clear();
        let stored_events = events.iter().map(|(k, e)| (k, e.value()));
        let all = map
            .iter()
            .flat_map(|(plural, b)| b.iter().map(move |(k, o)| (*plural, k, &**o)))
            .chain(stored_events.map(|(k, o)| (EVENTS, k, o)));
        for (plural, key, o) in all {
            if object::get(o, "metadata.deletionTimestamp").is_some() {
                self.terminating
                    .entry(plural)
                    .or_default()
                    .insert(key.clone());
            }
        }
        self.objects = map;
        self.event_store = events;
        self.rebuild_index();
        self.next_rv += 1;
        self.settled_rv = 0;
        self.noisy = true;
        self.kubelet_seen.clear();
        self.kubelet_todo = self
            .objects
            .get("pods")
            .map(|b| b.keys().cloned().collect())
            .unwrap_or_default();
    }

    /// A counter that moves on every write (the store's resourceVersion).
    pub fn write_counter(&self) -> u64 {
        self.next_rv
    }

    /// The resourceVersion number an object carries.
    pub fn rv_of(obj: &Value) -> u64 {
        object::str_at(obj, "metadata.resourceVersion")
            .parse()
            .unwrap_or(0)
    }

    /// Removes an object without cascading (controllers use it).
    pub fn remove_raw(&mut self, plural: &str, namespace: &str, name: &str) -> Option<Value> {
        self.next_rv += 1;
        self.noisy |= !quiet(plural);
        let key = (namespace.to_string(), name.to_string());
        if let Some(set) = self.terminating.get_mut(plural) {
            set.remove(&key);
            if set.is_empty() {
                self.terminating.remove(plural);
            }
        }
        if plural == EVENTS {
            return self.event_store.remove(&key).map(unshare_event);
        }
        let plural: &'static str = self.objects.get_key_value(plural)?.0;
        let removed = self.objects.get_mut(plural)?.remove(&key).map(unshare)?;
        self.index.update(plural, &key, Some(&removed), None);
        Some(removed)
    }

    /// The pods the kubelets will look at on their next pass (see `kubelet_todo`): in a steady
    /// cluster only those whose status still changes with time (a crash loop's back-off, say).
    pub fn kubelet_pending(&self) -> Vec<(String, String)> {
        self.kubelet_todo.iter().cloned().collect()
    }

    /// Number of stored objects of a type.
    pub fn count(&self, plural: &str) -> usize {
        if plural == EVENTS {
            return self.event_store.len();
        }
        self.objects.get(plural).map(BTreeMap::len).unwrap_or(0)
    }
}

/// Whether the API server keeps `metadata.generation` for a type: the types whose registry strategy
/// sets it (workloads, policies, ingresses, CRDs and custom resources). Pods only gained it in v1.33;
/// Services, ConfigMaps, volumes and RBAC objects never carry it.
fn has_generation(rt: &ResourceType) -> bool {
    let builtin = schema::RESOURCES
        .iter()
        .any(|b| b.kind == rt.kind && b.group == rt.group);
    !builtin
        || matches!(
            rt.kind,
            "Deployment"
                | "ReplicaSet"
                | "StatefulSet"
                | "DaemonSet"
                | "ReplicationController"
                | "Job"
                | "CronJob"
                | "PodDisruptionBudget"
                | "NetworkPolicy"
                | "Ingress"
                | "IngressClass"
                | "CustomResourceDefinition"
                | "ValidatingWebhookConfiguration"
                | "MutatingWebhookConfiguration"
        )
}

/// The resource type a manifest names through `apiVersion` and `kind`.
pub fn resource_of(obj: &Value) -> Result<&'static ResourceType, ApiError> {
    let kind = object::kind(obj);
    let av = object::str_at(obj, "apiVersion");
    if kind.is_empty() {
        return Err(ApiError::bad_request("Object 'Kind' is missing"));
    }
    schema::by_kind(av, kind).ok_or_else(|| {
        ApiError::bad_request(format!(
            "no matches for kind \"{kind}\" in version \"{av}\""
        ))
    })
}
