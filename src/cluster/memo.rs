//! What the layers above compute from a stored object (kubectl's table cells for a pod, say),
//! remembered per stored version of the object, so that listing 10,000 unchanged pods does not
//! walk 10,000 JSON trees again.
//!
//! An entry is keyed by the address of the stored object and holds a weak reference to it.
//! While the entry lives, that allocation is not freed (only the object's contents are, once
//! the store drops it) and its address cannot be reused, so a live object found at a remembered
//! address is the very version the value was computed from; a write stores a new allocation,
//! which misses. Entries whose object is gone are dropped from time to time. Clones of a cluster
//! share one memo: entries stay valid across them.

use serde_json::Value;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

type Entries = HashMap<usize, (Weak<Value>, Arc<dyn Any + Send + Sync>)>;

#[derive(Clone, Default)]
pub struct Memo {
    entries: Arc<Mutex<Entries>>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.entries.lock().map(|e| e.len()).unwrap_or(0);
        write!(f, "Memo({n} entries)")
    }
}

/// Entries past which a prune may run (it runs when the memo has doubled since the last one).
const PRUNE_FLOOR: usize = 1024;

impl Memo {
    /// The value of `compute` for `obj`, remembered when `obj` is the stored object `stored`
    /// returns (the caller's lookup of the same key; `None` or another object: computed, not
    /// remembered, as for an object a flag rewrote).
    pub fn fetch<T: Any + Send + Sync>(
        &self,
        obj: &Value,
        stored: impl FnOnce() -> Option<Arc<Value>>,
        compute: impl FnOnce(&Value) -> T,
    ) -> Arc<T> {
        let addr = obj as *const Value as usize;
        if let Ok(entries) = self.entries.lock() {
            if let Some(v) = entries
                .get(&addr)
                .filter(|(o, _)| o.strong_count() > 0)
                .and_then(|(_, v)| v.clone().downcast::<T>().ok())
            {
                return v;
            }
        }
        let value = Arc::new(compute(obj));
        let Some(shared) = stored().filter(|s| std::ptr::eq(&**s, obj)) else {
            return value;
        };
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= PRUNE_FLOOR && entries.len().is_power_of_two() {
                entries.retain(|_, (o, _)| o.strong_count() > 0);
            }
            entries.insert(addr, (Arc::downgrade(&shared), value.clone()));
        }
        value
    }

    /// How many values are remembered.
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_stored_version_is_computed_once_and_a_new_one_again() {
        let memo = Memo::default();
        let v1 = Arc::new(json!({"n": 1}));
        let calls = std::cell::Cell::new(0);
        let f = |o: &Value| {
            calls.set(calls.get() + 1);
            o["n"].as_i64().unwrap_or(0)
        };
        assert_eq!(*memo.fetch(&v1, || Some(v1.clone()), f), 1);
        assert_eq!(*memo.fetch(&v1, || Some(v1.clone()), f), 1);
        assert_eq!(calls.get(), 1);
        let v2 = Arc::new(json!({"n": 2}));
        assert_eq!(*memo.fetch(&v2, || Some(v2.clone()), f), 2);
        assert_eq!(calls.get(), 2);
        // An object that is not the stored one is computed every time.
        let copy = json!({"n": 3});
        assert_eq!(*memo.fetch(&copy, || Some(v2.clone()), f), 3);
        assert_eq!(*memo.fetch(&copy, || Some(v2.clone()), f), 3);
        assert_eq!(calls.get(), 4);
        assert_eq!(memo.len(), 2);
    }

    #[test]
    fn entries_of_objects_nothing_else_holds_are_pruned() {
        let memo = Memo::default();
        for i in 0..(PRUNE_FLOOR * 4) {
            let v = Arc::new(json!({"n": i}));
            memo.fetch(&v, || Some(v.clone()), |o| o["n"].as_u64().unwrap_or(0));
        }
        assert!(memo.len() <= PRUNE_FLOOR + 1, "{}", memo.len());
    }
}
