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
use std::collections::HashMap;

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
}

#[derive(Debug, Clone)]
struct Logged {
    name: String,
    count: i64,
    first: String,
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
        let ns = object::namespace(about);
        let ns = if ns.is_empty() { "default" } else { ns }.to_string();
        let obj_name = object::name(about).to_string();
        let kind = object::kind(about).to_string();
        let uid = object::str_at(about, "metadata.uid").to_string();
        let api_version = object::str_at(about, "apiVersion").to_string();
        let now = self.now;
        let object_parts = [source, &kind, &ns, &obj_name, &uid, &api_version];

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
            let key = hash(&[&object_parts[..], &[type_, reason, message]].concat());
            (key, message.to_string(), false)
        } else {
            record.messages.remove(0);
            (aggregate_key, format!("{COMBINED_PREFIX}{message}"), true)
        };

        // The logger: a repeat carries the name, first timestamp and count so far.
        let ts = timestamp(now);
        let (name, count, first) = match self.events.logged.get(&key) {
            Some(l) => (l.name.clone(), l.count + 1, l.first.clone()),
            None => {
                let suffix = format!("{:x}", self.next_random() & 0xffff_ffff_ffff);
                (format!("{obj_name}.{suffix}"), 1, ts.clone())
            }
        };
        self.events.logged.insert(
            key,
            Logged {
                name: name.clone(),
                count,
                first: first.clone(),
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
            let stored = self.peek("events", &ns, &name).filter(|e| {
                object::str_at(e, "involvedObject.uid") == uid
                    && object::str_at(e, "reason") == reason
            });
            if let Some(e) = stored {
                let mut e = e.clone();
                object::set(&mut e, "count", json!(count));
                object::set(&mut e, "lastTimestamp", json!(ts));
                if combined {
                    object::set(&mut e, "message", json!(message));
                }
                self.put_status("events", e);
                return;
            }
            // Deleted meanwhile: the recorder creates it again under the same name.
        }
        let event_uid = self.new_uid();
        let ev = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name, "namespace": ns, "uid": event_uid, "creationTimestamp": ts},
            "involvedObject": {
                "apiVersion": api_version,
                "kind": kind,
                "name": obj_name,
                "namespace": ns,
                "uid": uid,
            },
            "type": type_,
            "reason": reason,
            "message": message,
            "source": {"component": source},
            "count": count,
            "firstTimestamp": first,
            "lastTimestamp": ts,
            "reportingComponent": source,
            "reportingInstance": "",
        });
        self.put_status("events", ev);
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
