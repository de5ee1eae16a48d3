use crate::addrs::{InstanceKey, Mode, ResourceInstanceAddr};
use meshplan_provider::{Path, Value};
use meshplan_state::ResourceRecord;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What happens to one resource instance. One enum for plan, render and apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Action {
    NoOp,
    Create,
    /// A data source read during apply.
    Read,
    Update,
    DeleteThenCreate,
    CreateThenDelete,
    Delete,
}

impl Action {
    /// Terraform's plan symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Action::NoOp => " ",
            Action::Create => "+",
            Action::Read => "<=",
            Action::Update => "~",
            Action::DeleteThenCreate => "-/+",
            Action::CreateThenDelete => "+/-",
            Action::Delete => "-",
        }
    }
    /// Terraform's JSON `change.actions`.
    pub fn json_actions(self) -> Vec<&'static str> {
        match self {
            Action::NoOp => vec!["no-op"],
            Action::Create => vec!["create"],
            Action::Read => vec!["read"],
            Action::Update => vec!["update"],
            Action::DeleteThenCreate => vec!["delete", "create"],
            Action::CreateThenDelete => vec!["create", "delete"],
            Action::Delete => vec!["delete"],
        }
    }
    pub fn deletes(self) -> bool {
        matches!(self, Action::Delete | Action::DeleteThenCreate | Action::CreateThenDelete)
    }
    pub fn creates(self) -> bool {
        matches!(self, Action::Create | Action::DeleteThenCreate | Action::CreateThenDelete)
    }
    pub fn is_replace(self) -> bool {
        matches!(self, Action::DeleteThenCreate | Action::CreateThenDelete)
    }
}

/// The planned change of one resource instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceChange {
    pub address: String,
    /// `module.a["x"]`, empty for the root module.
    pub module_address: String,
    pub mode: Mode,
    pub type_name: String,
    pub name: String,
    pub index: Option<InstanceKey>,
    /// `provider["aws"]`, `module.m.provider["kubernetes"].foo`.
    pub provider: String,
    pub action: Action,
    /// Refreshed prior state (sensitive marks applied), absent for creates.
    pub before: Option<Value>,
    /// Planned state with unknowns, absent for deletes.
    pub after: Option<Value>,
    /// Attributes whose change forces replacement.
    #[serde(default)]
    pub replace_paths: Vec<Path>,
    /// Why: `tainted`, `requested with -replace`, a provider's reason, `no longer in configuration`, ...
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Set when the provider could not be configured at plan time: the change is re-planned
    /// during apply once it can be.
    #[serde(default)]
    pub deferred: Option<String>,
    /// Set for an `import` block: the ID imported.
    #[serde(default)]
    pub importing: Option<String>,
    /// The object was changed outside meshplan (refresh found a difference).
    #[serde(default)]
    pub drifted: bool,
    /// The state held only an intent record (a create was interrupted) and the provider found
    /// the object it made: apply records it before anything else.
    #[serde(default)]
    pub adopted: bool,
}

/// The reason of a check block's data source read at plan time and again during apply.
pub const CHECK_READ_REASON: &str = "config will be reloaded to verify a check block";

impl ResourceChange {
    /// A check block's data source, read now and again during apply (Terraform lists these
    /// reads; they change nothing).
    pub fn is_check_reread(&self) -> bool {
        self.action == Action::Read && self.reasons.iter().any(|r| r == CHECK_READ_REASON)
    }

    /// A change whose prior object is a state record (deletions, `removed`, `state show`):
    /// `before` is the record's attributes with their sensitive marks.
    pub fn of_record(addr: &ResourceInstanceAddr, rec: &ResourceRecord, action: Action) -> Self {
        ResourceChange {
            address: rec.address.clone(),
            module_address: addr.resource.module.to_string(),
            mode: rec.mode,
            type_name: rec.type_name.clone(),
            name: addr.resource.key.name.clone(),
            index: addr.key.clone(),
            provider: rec.provider.clone(),
            action,
            before: Some(Value::from_json(&rec.attributes).mark_paths(&rec.sensitive_paths)),
            after: None,
            replace_paths: vec![],
            reasons: vec![],
            deferred: None,
            importing: None,
            drifted: false,
            adopted: false,
        }
    }
}

/// An output's change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputChange {
    pub name: String,
    pub action: Action,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub sensitive: bool,
}

/// A whole plan, as shown and as saved with `-out`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: u32,
    /// The state this plan was made against: applying refuses any other.
    pub lineage: String,
    pub serial: u64,
    pub destroy: bool,
    /// The configuration directory (absolute).
    pub config_dir: String,
    /// Root variable values used (sensitive ones marked).
    pub variables: BTreeMap<String, Value>,
    pub changes: Vec<ResourceChange>,
    pub outputs: Vec<OutputChange>,
    pub timestamp: String,
    /// `-target` addresses, kept so apply walks the same subset.
    #[serde(default)]
    pub targets: Vec<String>,
    /// `moved` blocks that apply to the state: (from, to) instance addresses.
    #[serde(default)]
    pub moves: Vec<(String, String)>,
    /// Instances a `removed { lifecycle { destroy = false } }` block drops from the state
    /// without destroying them (Terraform's "forget").
    #[serde(default)]
    pub forgets: Vec<ResourceChange>,
    /// The `check` blocks (of every module instance) as evaluated at plan time.
    #[serde(default)]
    pub checks: Vec<crate::walk::CheckResult>,
    /// The JSON plan's `configuration` section (`plan::configuration::describe`).
    #[serde(default)]
    pub configuration: serde_json::Value,
    /// The JSON plan's `relevant_attributes`.
    #[serde(default)]
    pub relevant_attributes: serde_json::Value,
}

impl Plan {
    pub const FORMAT_VERSION: u32 = 1;

    /// (add, change, destroy, read) counts as in Terraform's summary line.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut add = 0;
        let mut change = 0;
        let mut destroy = 0;
        for c in &self.changes {
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Delete => destroy += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => {
                    add += 1;
                    destroy += 1
                }
                Action::NoOp | Action::Read => {}
            }
        }
        (add, change, destroy)
    }

    /// True when applying would change no infrastructure and no output.
    pub fn is_empty(&self) -> bool {
        self.changes.iter().all(|c| {
            matches!(c.action, Action::NoOp | Action::Read)
                && c.deferred.is_none()
                && c.importing.is_none()
                && !c.adopted
        }) && self.outputs.iter().all(|o| o.action == Action::NoOp)
            && self.moves.is_empty()
            && self.forgets.is_empty()
    }

    pub fn change(&self, address: &str) -> Option<&ResourceChange> {
        self.changes.iter().find(|c| c.address == address)
    }
}
