//! The `terraform_remote_state` data source: the root outputs of another configuration's
//! state, read-only (no lock: one consistent read of the snapshot).
//!
//! Backends: `local` / `sled` — `config.path` names a `.meshplan` state directory, a
//! configuration directory holding one, or a Terraform `terraform.tfstate` file (JSON, read
//! for its outputs). [`read_outputs`] takes the backend kind and its config: the seam where
//! `s3` takes the s3 backend's arguments in `config` (Terraform's). Encrypted states are
//! refused with a clear message.

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
            .attr(
                "backend",
                Attribute::required(Type::String).describe("where the state lives: \"local\" (alias \"sled\")"),
            )
            .attr(
                "config",
                Attribute::optional(Type::Any)
                    .describe("the backend's settings, e.g. { path = \"../network/.meshplan\" }"),
            )
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
pub fn read_outputs(
    backend: &str,
    config: &Value,
    workspace: &str,
    base_dir: &Path,
) -> Result<BTreeMap<String, Value>, ProviderError> {
    match backend {
        "local" | "sled" => read_local(config, workspace, base_dir),
        "s3" => read_s3(config, workspace),
        other => Err(ProviderError::new(format!("unsupported backend {other:?}"))
            .at_attribute("backend")
            .with_hint("supported backends: \"local\" (alias \"sled\"), \"s3\"")),
    }
}

fn read_local(config: &Value, workspace: &str, base_dir: &Path) -> Result<BTreeMap<String, Value>, ProviderError> {
    let Some(path) = config.get_str("path") else {
        return Err(ProviderError::new("config needs `path`").at_attribute("config").with_hint("config = { path = \"../network/.meshplan\" } (a state directory, the configuration directory holding it, or a terraform.tfstate file)"));
    };
    let path = base_dir.join(path);
    if path.is_file() {
        if workspace != "default" {
            return Err(ProviderError::new("a terraform.tfstate file holds only the default workspace")
                .at_attribute("workspace"));
        }
        return tfstate_outputs(&path);
    }
    // A Terraform configuration's `../network/terraform.tfstate`, when `../network` was applied
    // by meshplan: its state is the `.meshplan` directory beside where that file would be.
    let beside = path.file_name().filter(|n| *n == "terraform.tfstate").and_then(|_| path.parent());
    let mut dir = match beside {
        Some(parent) if !path.exists() && parent.join(".meshplan").is_dir() => parent.join(".meshplan"),
        _ if path.join(".meshplan").is_dir() => path.join(".meshplan"),
        _ => path.clone(),
    };
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

/// A state object in S3 (`config` takes the s3 backend's arguments): meshplan's document or a
/// Terraform state, whose `outputs` have the same shape.
fn read_s3(config: &Value, workspace: &str) -> Result<BTreeMap<String, Value>, ProviderError> {
    let args: BTreeMap<String, serde_json::Value> = match config.to_json() {
        serde_json::Value::Object(m) => m.into_iter().collect(),
        _ => {
            return Err(ProviderError::new("config takes the s3 backend's arguments")
                .at_attribute("config")
                .with_hint("config = { bucket = \"...\", key = \"...\", region = \"...\" }"))
        }
    };
    let cfg = meshplan_state_aws::S3Config::from_arguments(&args, |k| std::env::var(k).ok())
        .map_err(|e| ProviderError::new(format!("config: {}", e.message)).at_attribute("config"))?;
    let store = meshplan_state_aws::S3Store::connect(cfg).map_err(|e| ProviderError::new(e.to_string()))?;
    let location = store.describe(workspace);
    let bytes = store.read_document(workspace).map_err(|e| ProviderError::new(e.to_string()))?.ok_or_else(|| {
        ProviderError::new(format!("no state at {location}"))
            .at_attribute("config")
            .with_hint("has that configuration been applied (in this workspace)?")
    })?;
    if meshplan_state::cipher::is_encrypted(&bytes) {
        return Err(ProviderError::new(format!("the state at {location} is encrypted")).with_hint("encrypted states cannot be read as remote state yet: expose the values another way, or leave that state unencrypted"));
    }
    let doc: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| ProviderError::new(format!("{location} is not a JSON state: {e}")))?;
    Ok(outputs_of(&doc))
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
    let text = std::fs::read_to_string(path)
        .map_err(|e| ProviderError::new(format!("cannot read {}: {e}", path.display())))?;
    let doc: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| ProviderError::new(format!("{} is not a JSON state: {e}", path.display())))?;
    Ok(outputs_of(&doc))
}

/// `outputs` of a state document: `{name: {value, sensitive}}` in both meshplan's and
/// Terraform's (format 4) shapes.
fn outputs_of(doc: &serde_json::Value) -> BTreeMap<String, Value> {
    let outputs = doc.get("outputs").and_then(|o| o.as_object()).cloned().unwrap_or_default();
    outputs
        .into_iter()
        .map(|(k, o)| {
            let v = Value::from_json(o.get("value").unwrap_or(&serde_json::Value::Null));
            let sensitive = o.get("sensitive").and_then(|s| s.as_bool()).unwrap_or(false);
            (k, if sensitive { v.mark_sensitive() } else { v })
        })
        .collect()
}
