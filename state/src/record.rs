use meshplan_provider::Path;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A resource's mode: the one enum configuration, plans and state share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Managed,
    Data,
}

/// Where a record stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "status")]
pub enum RecordStatus {
    /// The object exists and matches `attributes`.
    Ok,
    /// A create or replace failed part-way: the object may exist, and is replaced on the next apply.
    Tainted,
    /// A create was about to be sent: the object may or may not exist. `token` is the
    /// idempotency token or tag by which the provider can find it again.
    Intent { token: String },
}

/// One resource instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceRecord {
    /// Full address: `module.foo.aws_vpc.this["a"]`, `data.http.x`.
    pub address: String,
    pub mode: Mode,
    pub type_name: String,
    /// The provider configuration address: `provider["aws"]`, `provider["kubernetes"].foo`,
    /// `module.m.provider["aws"]`.
    pub provider: String,
    /// Attributes as JSON, with sensitive values in the clear (state is the one place that
    /// holds them); `sensitive_paths` says which to hide everywhere else.
    pub attributes: serde_json::Value,
    #[serde(default)]
    pub sensitive_paths: Vec<Path>,
    /// Addresses this instance depended on when last applied (destroy order after the config is gone).
    #[serde(default)]
    pub dependencies: Vec<String>,
    #[serde(default)]
    pub schema_version: u32,
    #[serde(flatten)]
    pub status: RecordStatus,
    /// Set for a `create_before_destroy` replacement's old object awaiting deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputRecord {
    pub value: serde_json::Value,
    pub sensitive: bool,
}

/// What the engine reads at the start of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// A random id fixed when the state is first written; a plan made against another
    /// lineage cannot be applied.
    pub lineage: String,
    /// Bumped by every commit.
    pub serial: u64,
    /// By address (deposed objects are keyed `address (deposed KEY)`).
    pub resources: BTreeMap<String, ResourceRecord>,
    pub outputs: BTreeMap<String, OutputRecord>,
}

impl ResourceRecord {
    /// The key under which the record is stored.
    pub fn key(&self) -> String {
        match &self.deposed {
            Some(d) => format!("{} (deposed {d})", self.address),
            None => self.address.clone(),
        }
    }
}

impl Snapshot {
    /// Applies `changes` in order (a later change sees an earlier one), as one commit: the
    /// serial is bumped once and a state without a lineage gets one (the adopted one, if
    /// `changes` carries [`crate::Commit::Lineage`], else a new one). Used by backends that
    /// store the state as one document.
    pub fn apply(&mut self, changes: Vec<crate::Commit>) -> Result<(), crate::StateError> {
        use crate::Commit;
        let mut adopted = None;
        for change in changes {
            match change {
                Commit::Put(record) => {
                    self.resources.insert(record.key(), record);
                }
                Commit::Remove(key) => {
                    self.resources.remove(&key);
                }
                Commit::Outputs(outputs) => self.outputs = outputs,
                Commit::Lineage(lineage) => adopted = Some(lineage),
                Commit::Move { from, to } => {
                    let mut record =
                        self.resources.remove(&from).ok_or_else(|| crate::StateError::NotFound(from.clone()))?;
                    record.address = to;
                    self.resources.insert(record.key(), record);
                }
            }
        }
        if self.lineage.is_empty() {
            self.lineage = adopted.unwrap_or_else(crate::new_lineage);
        }
        self.serial += 1;
        Ok(())
    }
}
