//! What kinds of objects the server serves: the built-in table plus CRD-defined kinds.
//!
//! Every request is resolved to a [`KindInfo`] first; storage, discovery, OpenAPI and
//! validation all read from it, so adding a kind is one table row, never a handler.

mod builtin;
pub mod crd;
mod registry;

pub use registry::Registry;

use serde_json::Value;

/// One served group/version/kind and how it behaves.
#[derive(Debug, Clone)]
pub struct KindInfo {
    pub group: String,
    pub version: String,
    pub kind: String,
    /// Plural resource name used in URLs (`configmaps`).
    pub plural: String,
    pub singular: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    /// Has a `/status` subresource: the main resource ignores status changes and vice versa.
    pub status_subresource: bool,
    /// Top-level fields besides apiVersion/kind/metadata, for strict validation of built-ins;
    /// `None` means "not checked".
    pub top_level_fields: Option<Vec<String>>,
    /// For CRD kinds: the version's `openAPIV3Schema`, used for pruning and strict validation.
    pub schema: Option<Value>,
    /// Defined by a CustomResourceDefinition (no strategic merge patch, merge-patch semantics).
    pub custom: bool,
    /// CRD `additionalPrinterColumns` (for Table output).
    pub printer_columns: Vec<Value>,
}

impl KindInfo {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Objects are stored under group + plural, so every served version sees the same objects.
    pub fn storage_id(&self) -> (String, String) {
        (self.group.clone(), self.plural.clone())
    }

    pub fn is(&self, group: &str, kind: &str) -> bool {
        self.group == group && self.kind == kind
    }
}
