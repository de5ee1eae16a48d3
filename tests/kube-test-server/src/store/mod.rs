//! The one generic object store: every object of every kind, keyed by
//! group/resource/namespace/name, with a single monotonic revision counter.
//!
//! All writes go through [`Store::write`], which runs the caller's decision under the store
//! lock, so read-modify-write (update, patch, server-side apply) is atomic without retries,
//! and watch events leave in revision order.

pub mod selector;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::broadcast;

use crate::error::ApiResult;

/// Events kept for watches that resume from an older resourceVersion.
const HISTORY_LEN: usize = 20_000;
/// Live events buffered per watcher before it is cut off (it then re-lists, as clients do).
const CHANNEL_LEN: usize = 8_192;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub group: String,
    pub resource: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn new(group: &str, resource: &str, namespace: &str, name: &str) -> Self {
        ObjectKey { group: group.into(), resource: resource.into(), namespace: namespace.into(), name: name.into() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

#[derive(Debug)]
pub struct WatchEvent {
    pub key: ObjectKey,
    pub kind: EventType,
    pub object: Value,
    pub revision: u64,
}

/// What a [`Store::write`] decision does to the object.
pub enum Write {
    /// Store this object (create or replace); it gets a new resourceVersion.
    Put(Value),
    /// Remove the object.
    Delete,
    /// Leave it as it is (a no-op update).
    Keep,
}

/// A watch position: events already past `revision` plus the live feed after them.
pub struct Subscription {
    pub backlog: Vec<Arc<WatchEvent>>,
    pub live: broadcast::Receiver<Arc<WatchEvent>>,
    pub revision: u64,
}

struct Inner {
    objects: BTreeMap<ObjectKey, Value>,
    revision: u64,
    history: VecDeque<Arc<WatchEvent>>,
}

pub struct Store {
    inner: Mutex<Inner>,
    events: broadcast::Sender<Arc<WatchEvent>>,
}

impl Default for Store {
    fn default() -> Self {
        let (events, _) = broadcast::channel(CHANNEL_LEN);
        Store { inner: Mutex::new(Inner { objects: BTreeMap::new(), revision: 1, history: VecDeque::new() }), events }
    }
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-written map (writes are single
        // inserts), so a poisoned lock is still safe to use.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn revision(&self) -> u64 {
        self.lock().revision
    }

    pub fn get(&self, key: &ObjectKey) -> Option<Value> {
        self.lock().objects.get(key).cloned()
    }

    /// Objects of one resource (in one namespace, or all when `namespace` is None), in
    /// key order, with the revision they are consistent with.
    pub fn list(&self, group: &str, resource: &str, namespace: Option<&str>) -> (Vec<(ObjectKey, Value)>, u64) {
        let inner = self.lock();
        let items = inner
            .objects
            .iter()
            .filter(|(k, _)| k.group == group && k.resource == resource && namespace.is_none_or(|ns| k.namespace == ns))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        (items, inner.revision)
    }

    /// Every object, for the debug dump and cascading deletes.
    pub fn all(&self) -> Vec<(ObjectKey, Value)> {
        self.lock().objects.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Reads the current object, lets `decide` choose what to do, and does it atomically.
    /// Returns the object as stored afterwards (for `Delete`, the removed object stamped with
    /// the deletion's revision), or None if there was and is no object.
    pub fn write(
        &self,
        key: &ObjectKey,
        decide: impl FnOnce(Option<&Value>) -> ApiResult<Write>,
    ) -> ApiResult<Option<Value>> {
        let mut inner = self.lock();
        let decision = decide(inner.objects.get(key))?;
        Ok(match decision {
            Write::Keep => inner.objects.get(key).cloned(),
            Write::Put(mut object) => {
                inner.revision += 1;
                let revision = inner.revision;
                set_resource_version(&mut object, revision);
                let kind = if inner.objects.contains_key(key) { EventType::Modified } else { EventType::Added };
                inner.objects.insert(key.clone(), object.clone());
                self.publish(&mut inner, key, kind, object.clone());
                Some(object)
            }
            Write::Delete => match inner.objects.remove(key) {
                Some(mut object) => {
                    inner.revision += 1;
                    let revision = inner.revision;
                    set_resource_version(&mut object, revision);
                    self.publish(&mut inner, key, EventType::Deleted, object.clone());
                    Some(object)
                }
                None => None,
            },
        })
    }

    /// Removes every object `doomed` selects (cascading deletes of namespaces and CRDs).
    pub fn delete_where(&self, doomed: impl Fn(&ObjectKey) -> bool) -> usize {
        let mut inner = self.lock();
        let keys: Vec<ObjectKey> = inner.objects.keys().filter(|k| doomed(k)).cloned().collect();
        for key in &keys {
            if let Some(mut object) = inner.objects.remove(key) {
                inner.revision += 1;
                let revision = inner.revision;
                set_resource_version(&mut object, revision);
                self.publish(&mut inner, key, EventType::Deleted, object);
            }
        }
        keys.len()
    }

    fn publish(&self, inner: &mut Inner, key: &ObjectKey, kind: EventType, object: Value) {
        let event = Arc::new(WatchEvent { key: key.clone(), kind, object, revision: inner.revision });
        if inner.history.len() == HISTORY_LEN {
            inner.history.pop_front();
        }
        inner.history.push_back(event.clone());
        // No receivers is fine: nobody is watching.
        let _ = self.events.send(event);
    }

    /// Starts a watch after `from` (exclusive). `None` when `from` is older than the kept
    /// history: the client must re-list (HTTP 410 Gone, as etcd compaction causes).
    pub fn subscribe(&self, from: u64) -> Option<Subscription> {
        let inner = self.lock();
        let live = self.events.subscribe();
        let oldest_kept = inner.history.front().map(|e| e.revision).unwrap_or(inner.revision + 1);
        if from + 1 < oldest_kept && from < inner.revision {
            return None;
        }
        let backlog = inner.history.iter().filter(|e| e.revision > from).cloned().collect();
        Some(Subscription { backlog, live, revision: inner.revision })
    }
}

fn set_resource_version(object: &mut Value, revision: u64) {
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.insert("resourceVersion".to_string(), Value::String(revision.to_string()));
    }
}
