//! `data "kubectl_path_documents"`: the YAML documents of the files a pattern matches
//! (`dir/*.yaml`; wildcards `*` and `?` in the file name only), each file's `${name}`
//! placeholders filled from `vars` and `sensitive_vars` unless `disable_template`. Files are
//! read in name order; the result is `kubectl_file_documents`'.

use super::documents::{documents_and_manifests, split};
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};
use std::path::Path;

pub(crate) struct PathDocuments;

#[async_trait]
impl DataSource for PathDocuments {
    fn type_name(&self) -> &'static str {
        "kubectl_path_documents"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("pattern", Attribute::required(Type::String))
            .attr("vars", Attribute::optional(Type::map(Type::String)))
            .attr("sensitive_vars", Attribute::optional(Type::map(Type::String)).sensitive())
            .attr("disable_template", Attribute::optional(Type::Bool).default(false))
            .attr("documents", Attribute::computed(Type::list(Type::String)))
            .attr("manifests", Attribute::computed(Type::map(Type::String)))
            .attr("id", Attribute::computed(Type::String))
    }
    async fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let pattern = config.get_str("pattern").unwrap_or_default();
        let mut texts = Vec::new();
        for file in matching(pattern).map_err(|e| e.at_attribute("pattern"))? {
            let raw = std::fs::read_to_string(&file)
                .map_err(|e| ProviderError::new(format!("reading {}: {e}", file.display())).at_attribute("pattern"))?;
            let text = match config.get("disable_template").as_bool() {
                Some(true) => raw,
                _ => fill(&raw, config).map_err(|e| e.at_attribute("vars"))?,
            };
            texts.extend(split(&text));
        }
        let (documents, manifests) = documents_and_manifests(texts).map_err(|e| e.at_attribute("pattern"))?;
        let mut out = config.clone();
        out.set("id", Value::from(pattern.to_string()));
        out.set("documents", documents);
        out.set("manifests", manifests);
        Ok(out)
    }
}

/// The files `pattern` names, sorted.
fn matching(pattern: &str) -> Result<Vec<std::path::PathBuf>, ProviderError> {
    let path = Path::new(pattern);
    let (dir, name) = match (path.parent(), path.file_name().and_then(|n| n.to_str())) {
        (Some(dir), Some(name)) => (if dir.as_os_str().is_empty() { Path::new(".") } else { dir }, name),
        _ => return Err(ProviderError::new(format!("{pattern:?} names no file"))),
    };
    if dir.to_string_lossy().contains(['*', '?']) {
        return Err(ProviderError::new(format!("{pattern:?}: wildcards are supported in the file name only")));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| ProviderError::new(format!("reading {}: {e}", dir.display())))?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| e.file_name().to_str().is_some_and(|n| wildcard(name, n)))
        .map(|e| e.path())
        .collect();
    files.sort();
    Ok(files)
}

/// `*` any run of characters, `?` one.
fn wildcard(pattern: &str, name: &str) -> bool {
    match (pattern.chars().next(), name.chars().next()) {
        (None, None) => true,
        (Some('*'), _) => wildcard(&pattern[1..], name) || (!name.is_empty() && wildcard(pattern, &name[next(name)..])),
        (Some('?'), Some(_)) => wildcard(&pattern[1..], &name[next(name)..]),
        (Some(p), Some(n)) if p == n => wildcard(&pattern[p.len_utf8()..], &name[next(name)..]),
        _ => false,
    }
}

fn next(s: &str) -> usize {
    s.chars().next().map_or(0, char::len_utf8)
}

/// `${name}` replaced by its value from `vars` or `sensitive_vars`; an unknown name is an error.
fn fill(text: &str, config: &Value) -> Result<String, ProviderError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start + 2..].find('}') else {
            return Err(ProviderError::new("an unterminated ${ in a template"));
        };
        let name = rest[start + 2..start + 2 + len].trim();
        let value = [config.get("vars"), config.get("sensitive_vars")].into_iter().find_map(|m| m.get_str(name));
        match value {
            Some(v) => out.push_str(v),
            None => {
                return Err(ProviderError::new(format!("the template uses ${{{name}}}, which vars do not set"))
                    .with_hint("add it to vars, or set disable_template = true"))
            }
        }
        rest = &rest[start + 3 + len..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_matched_filled_and_split() {
        let dir = tempfile::tempdir().unwrap();
        let cm =
            |name: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: ${{ns}}\n");
        std::fs::write(dir.path().join("b.yaml"), format!("{}---\n{}", cm("b1"), cm("b2"))).unwrap();
        std::fs::write(dir.path().join("a.yaml"), cm("a")).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not yaml: [").unwrap();
        let pattern = format!("{}/*.yaml", dir.path().display());
        let config = |vars: serde_json::Value| {
            let mut v =
                Value::from_json(&serde_json::json!({"pattern": pattern, "vars": vars, "sensitive_vars": null}));
            v.set("disable_template", Value::Bool(false));
            v
        };
        let ctx = Ctx::unconfigured("data.kubectl_path_documents.x");
        let out = PathDocuments.read(&ctx, &config(serde_json::json!({"ns": "apps"}))).await.unwrap();
        let docs = out.get("documents").as_list().unwrap();
        assert_eq!(docs.len(), 3);
        assert!(docs[0].as_str().unwrap().contains("name: a\n  namespace: apps"));
        assert!(out.get("manifests").as_object().unwrap().contains_key("/api/v1/namespaces/apps/configmaps/b2"));
        let err = PathDocuments.read(&ctx, &config(serde_json::json!({}))).await.unwrap_err();
        assert!(err.message.contains("${ns}"), "{err:?}");
        assert!(wildcard("*.y?ml", "x.yaml") && !wildcard("*.yaml", "x.yml"));
    }
}
