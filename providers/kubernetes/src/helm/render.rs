//! Running `helm template` for a release: the chart, version, repository, values files and
//! `set*` blocks become arguments; the output becomes one JSON manifest per document.
//! `values` and `set_sensitive` go through files: secrets stay off the command line (`ps`).

use meshplan_provider::{ProviderError, Value};
use serde_json::Value as Json;
use std::process::Command;

/// The helm CLI to run: `MESHPLAN_HELM`, else `helm` on PATH.
fn helm_binary() -> String {
    std::env::var("MESHPLAN_HELM").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "helm".into())
}

/// The rendered objects of the release `planned` describes, in the order helm printed them.
pub(crate) fn render(planned: &Value) -> Result<Vec<Json>, ProviderError> {
    let name = planned.get_str("name").ok_or_else(|| ProviderError::new("helm_release has no name"))?;
    let chart = planned.get_str("chart").ok_or_else(|| ProviderError::new("helm_release has no chart"))?;
    let namespace = planned.get_str("namespace").unwrap_or("default");
    let scratch =
        tempfile::tempdir().map_err(|e| ProviderError::new(format!("helm_release: a scratch directory: {e}")))?;
    let mut args: Vec<String> =
        vec!["template".into(), name.into(), chart.into(), "--namespace".into(), namespace.into()];
    let opt = |args: &mut Vec<String>, flag: &str, key: &str| {
        if let Some(v) = planned.get_str(key) {
            args.extend([flag.to_string(), v.to_string()]);
        }
    };
    opt(&mut args, "--version", "version");
    opt(&mut args, "--repo", "repository");
    opt(&mut args, "--username", "repository_username");
    opt(&mut args, "--key-file", "repository_key_file");
    opt(&mut args, "--cert-file", "repository_cert_file");
    opt(&mut args, "--ca-file", "repository_ca_file");
    if planned.get("skip_crds").as_bool() != Some(true) {
        args.push("--include-crds".into());
    }
    if planned.get("devel").as_bool() == Some(true) {
        args.push("--devel".into());
    }
    if planned.get("disable_webhooks").as_bool() == Some(true) {
        args.push("--no-hooks".into());
    }
    let mut files = 0;
    let mut file_arg = |args: &mut Vec<String>, flag: &str, text: &str| -> Result<(), ProviderError> {
        files += 1;
        let path = scratch.path().join(format!("{files}.yaml"));
        std::fs::write(&path, text).map_err(|e| ProviderError::new(format!("helm_release: {e}")))?;
        args.extend([flag.to_string(), path.display().to_string()]);
        Ok(())
    };
    if let Some(password) = planned.get("repository_password").unmarked().as_str() {
        // helm template takes the repository password on its command line only.
        args.extend(["--password".to_string(), password.to_string()]);
    }
    for values in planned.get("values").as_list().into_iter().flatten().filter_map(Value::as_str) {
        file_arg(&mut args, "--values", values)?;
    }
    for set in blocks(planned, "set") {
        let (key, value) = (set.get_str("name").unwrap_or_default(), set.get_str("value").unwrap_or_default());
        let flag = if set.get_str("type") == Some("string") { "--set-string" } else { "--set" };
        args.extend([flag.to_string(), format!("{key}={value}")]);
    }
    for set in blocks(planned, "set_list") {
        let items: Vec<&str> = set.get("value").as_list().into_iter().flatten().filter_map(Value::as_str).collect();
        args.extend([
            "--set".to_string(),
            format!("{}={{{}}}", set.get_str("name").unwrap_or_default(), items.join(",")),
        ]);
    }
    for set in blocks(planned, "set_sensitive") {
        // --set-file reads the value from a file: the secret stays off the command line.
        let key = set.get_str("name").unwrap_or_default().to_string();
        let value = set.get("value").unmarked().as_str().unwrap_or_default().to_string();
        files += 1;
        let path = scratch.path().join(format!("{files}.secret"));
        std::fs::write(&path, value).map_err(|e| ProviderError::new(format!("helm_release: {e}")))?;
        args.extend(["--set-file".to_string(), format!("{key}={}", path.display())]);
    }
    let helm = helm_binary();
    let out = Command::new(&helm).args(&args).output().map_err(|e| {
        ProviderError::new(format!("helm_release {name}: cannot run `{helm}`: {e}"))
            .with_hint("helm_release renders charts with the helm 3 CLI: install it, or set MESHPLAN_HELM to its path")
    })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(ProviderError::new(format!("helm template {name} {chart}: {}", stderr.trim())));
    }
    documents(&String::from_utf8_lossy(&out.stdout))
}

fn blocks<'a>(planned: &'a Value, name: &str) -> impl Iterator<Item = &'a Value> {
    planned.get(name).as_list().into_iter().flatten()
}

/// The non-empty YAML documents of helm's output, as JSON objects.
pub(crate) fn documents(yaml: &str) -> Result<Vec<Json>, ProviderError> {
    let mut out = Vec::new();
    for doc in serde_norway::Deserializer::from_str(yaml) {
        let value = <Json as serde::Deserialize>::deserialize(doc)
            .map_err(|e| ProviderError::new(format!("helm template printed invalid YAML: {e}")))?;
        if value.is_object() {
            out.push(value);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_documents_and_skips_empty_ones() {
        let docs = documents("---\n# Source: x/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1]["kind"], "Service");
    }
}
