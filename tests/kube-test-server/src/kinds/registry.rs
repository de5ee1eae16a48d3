//! The live set of served kinds: the built-in table plus one entry per served CRD version.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use super::{builtin, KindInfo};

pub struct Registry {
    builtin: Vec<Arc<KindInfo>>,
    /// CRD name → its served versions.
    custom: RwLock<BTreeMap<String, Vec<Arc<KindInfo>>>>,
    /// Bumped on every CRD change; feeds the OpenAPI document hashes so clients refetch.
    epoch: AtomicU64,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            builtin: builtin::kinds().into_iter().map(Arc::new).collect(),
            custom: RwLock::new(BTreeMap::new()),
            epoch: AtomicU64::new(1),
        }
    }
}

impl Registry {
    /// Every served kind, built-ins first (in table order), then CRD kinds by CRD name.
    pub fn all(&self) -> Vec<Arc<KindInfo>> {
        let mut out = self.builtin.clone();
        let custom = self.custom.read().unwrap_or_else(|e| e.into_inner());
        out.extend(custom.values().flatten().cloned());
        out
    }

    pub fn by_resource(&self, group: &str, version: &str, plural: &str) -> Option<Arc<KindInfo>> {
        self.all().into_iter().find(|k| k.group == group && k.version == version && k.plural == plural)
    }

    #[cfg(test)]
    pub fn by_kind(&self, group: &str, version: &str, kind: &str) -> Option<Arc<KindInfo>> {
        self.all().into_iter().find(|k| k.group == group && k.version == version && k.kind == kind)
    }

    /// Built-in kind by group + kind (any version): used by admission and controllers.
    pub fn builtin(&self, group: &str, kind: &str) -> Option<Arc<KindInfo>> {
        self.builtin.iter().find(|k| k.is(group, kind)).cloned()
    }

    /// Served groups in discovery order, each with its versions (first = preferred).
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for kind in self.all() {
            match groups.iter_mut().find(|(g, _)| *g == kind.group) {
                Some((_, versions)) => {
                    if !versions.contains(&kind.version) {
                        versions.push(kind.version.clone());
                    }
                }
                None => groups.push((kind.group.clone(), vec![kind.version.clone()])),
            }
        }
        groups
    }

    pub fn resources(&self, group: &str, version: &str) -> Vec<Arc<KindInfo>> {
        self.all().into_iter().filter(|k| k.group == group && k.version == version).collect()
    }

    pub fn register_crd(&self, crd_name: &str, versions: Vec<KindInfo>) {
        let mut custom = self.custom.write().unwrap_or_else(|e| e.into_inner());
        custom.insert(crd_name.to_string(), versions.into_iter().map(Arc::new).collect());
        self.epoch.fetch_add(1, Ordering::Relaxed);
    }

    pub fn unregister_crd(&self, crd_name: &str) -> Vec<Arc<KindInfo>> {
        let mut custom = self.custom.write().unwrap_or_else(|e| e.into_inner());
        self.epoch.fetch_add(1, Ordering::Relaxed);
        custom.remove(crd_name).unwrap_or_default()
    }

    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Relaxed)
    }
}
