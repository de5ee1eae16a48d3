//! The `terraform_remote_state` data source: the root outputs of another configuration's
//! state, read-only (no lock: one consistent read of the snapshot).
//!
//! Backends: `local` / `sled` — `config.path` names a `.meshplan` state directory, a
//! configuration directory holding one, or a Terraform `terraform.tfstate` file (JSON, read
//! for its outputs). [`read_outputs`] takes the backend kind and its config: the seam where
//! other backends (S3) plug in. Encrypted states are refused with a clear message.

use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};
use meshplan_state::{SledBackend, StateBackend, StateError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Bound to the root module's directory, against which relative paths resolve.
pub struct RemoteState {
    pub base_dir: PathBuf,
}

#[async_trait]
impl DataSource for RemoteState {
    fn type_name(&self) -> &'static str {
        "terraform_remote_state"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("backend", Attribute::required(Type::String).describe("where the state lives: \"local\" (alias \"sled\")"))
            .attr("config", Attribute::optional(Type::Any).describe("the backend's settings, e.g. { path = \"../network/.meshplan\" }"))
            .attr("workspace", Attribute::optional(Type::String).default("default"))
            .attr("defaults", Attribute::optional(Type::Any).describe("outputs used when the state does not have them"))
            .attr("outputs", Attribute::computed(Type::Any))
    }
    async fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let backend = config.get_str("backend").unwrap_or_default().to_string();
        let workspace = config.get_str("workspace").unwrap_or("default").to_string();
        let settings = config.get("config").clone();
        let base = self.base_dir.clone();
        let found = tokio::task::spawn_blocking(move || read_outputs(&backend, &settings, &workspace, &base))
            .await
            .map_err(|e| ProviderError::new(format!("reading the remote state stopped: {e}")))??;
        let mut outputs = match config.get("defaults") {
            Value::Object(d) => d.clone(),
            _ => BTreeMap::new(),
        };
        outputs.extend(found);
        let mut out = config.as_object().cloned().unwrap_or_default();
        out.insert("outputs".into(), Value::Object(outputs));
        Ok(Value::Object(out))
    }
}

/// The root outputs of the state `backend` (with its `config` settings) holds for
/// `workspace`; sensitive outputs come back marked.
pub fn read_outputs(backend: &str, config: &Value, workspace: &str, base_dir: &Path) -> Result<BTreeMap<String, Value>, ProviderError> {
    match backend {
        "local" | "sled" => read_local(config, workspace, base_dir),
        "s3" => Err(ProviderError::new("the \"s3\" backend is not supported yet").at_attribute("backend").with_hint("read a local state: backend = \"local\", config = { path = \"...\" }")),
        other => Err(ProviderError::new(format!("unsupported backend {other:?}")).at_attribute("backend").with_hint("supported backends: \"local\" (alias \"sled\")")),
    }
}

fn read_local(config: &Value, workspace: &str, base_dir: &Path) -> Result<BTreeMap<String, Value>, ProviderError> {
    let Some(path) = config.get_str("path") else {
        return Err(ProviderError::new("config needs `path`").at_attribute("config").with_hint("config = { path = \"../network/.meshplan\" } (a state directory, the configuration directory holding it, or a terraform.tfstate file)"));
    };
    let path = base_dir.join(path);
    if path.is_file() {
        if workspace != "default" {
            return Err(ProviderError::new("a terraform.tfstate file holds only the default workspace").at_attribute("workspace"));
        }
        return tfstate_outputs(&path);
    }
    let mut dir = if path.join(".meshplan").is_dir() { path.join(".meshplan") } else { path.clone() };
    if workspace != "default" {
        dir = crate::ops::workspaces::state_dir(&dir, workspace);
    }
    // Only a directory that holds a state is opened: opening creates one otherwise.
    if !dir.join("state").is_dir() {
        return Err(ProviderError::new(format!("no state at {}", dir.display())).at_attribute("config").with_hint("`path` names a .meshplan state directory (or the configuration directory holding one); has that configuration been applied?"));
    }
    let backend = SledBackend::open(&dir).map_err(|e| state_error(&dir, e))?;
    let snapshot = backend.read().map_err(|e| state_error(&dir, e));
    let _ = backend.close();
    Ok(snapshot?
        .outputs
        .into_iter()
        .map(|(k, o)| {
            let v = Value::from_json(&o.value);
            (k, if o.sensitive { v.mark_sensitive() } else { v })
        })
        .collect())
}

fn state_error(dir: &Path, e: StateError) -> ProviderError {
    match e {
        StateError::Cipher(_) => ProviderError::new(format!("the state at {} is encrypted", dir.display()))
            .with_hint("encrypted states cannot be read as remote state yet: expose the values another way, or leave that state unencrypted"),
        other => ProviderError::new(format!("cannot read the state at {}: {other}", dir.display())),
    }
}

/// Outputs of a Terraform JSON state (format version 4).
fn tfstate_outputs(path: &Path) -> Result<BTreeMap<String, Value>, ProviderError> {
    let text = std::fs::read_to_string(path).map_err(|e| ProviderError::new(format!("cannot read {}: {e}", path.display())))?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| ProviderError::new(format!("{} is not a JSON state: {e}", path.display())))?;
    let outputs = doc.get("outputs").and_then(|o| o.as_object()).cloned().unwrap_or_default();
    Ok(outputs
        .into_iter()
        .map(|(k, o)| {
            let v = Value::from_json(o.get("value").unwrap_or(&serde_json::Value::Null));
            let sensitive = o.get("sensitive").and_then(|s| s.as_bool()).unwrap_or(false);
            (k, if sensitive { v.mark_sensitive() } else { v })
        })
        .collect())
}
