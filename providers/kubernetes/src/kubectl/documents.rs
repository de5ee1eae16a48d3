//! `data "kubectl_file_documents"`: a multi-document YAML string split into its documents
//! (`documents`, in order, each as written) and `manifests` (keyed by the object's API path,
//! `/apis/apps/v1/namespaces/ns/deployments/name`), as the kubectl provider gives them to
//! `for_each`.

use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};
use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;

pub(crate) struct FileDocuments;

#[async_trait]
impl DataSource for FileDocuments {
    fn type_name(&self) -> &'static str {
        "kubectl_file_documents"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("content", Attribute::required(Type::String))
            .attr("documents", Attribute::computed(Type::list(Type::String)))
            .attr("manifests", Attribute::computed(Type::map(Type::String)))
            .attr("id", Attribute::computed(Type::String))
    }
    async fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let content = config.get_str("content").unwrap_or_default();
        let (documents, manifests) = documents_and_manifests(split(content)).map_err(|e| e.at_attribute("content"))?;
        let mut out = config.clone();
        out.set("id", Value::from(format!("{}", documents.as_list().map_or(0, Vec::len))));
        out.set("documents", documents);
        out.set("manifests", manifests);
        Ok(out)
    }
}

/// `documents` (the texts, in order) and `manifests` (the same keyed by API path).
pub(crate) fn documents_and_manifests(texts: Vec<String>) -> Result<(Value, Value), ProviderError> {
    let mut documents = Vec::new();
    let mut manifests = BTreeMap::new();
    for text in texts {
        let Some(doc) = parse_all(&text)?.into_iter().next() else { continue };
        let key =
            api_path(&doc).ok_or_else(|| ProviderError::new("a document has no apiVersion, kind or metadata.name"))?;
        if manifests.insert(key.clone(), Value::from(text.clone())).is_some() {
            return Err(ProviderError::new(format!("two documents are the same object ({key})")));
        }
        documents.push(Value::from(text));
    }
    Ok((Value::List(documents), Value::Object(manifests)))
}

/// The non-empty documents of a YAML stream as parsed values.
pub(crate) fn parse_all(yaml: &str) -> Result<Vec<Json>, ProviderError> {
    let mut out = Vec::new();
    for doc in serde_norway::Deserializer::from_str(yaml) {
        let value = Json::deserialize(doc).map_err(|e| ProviderError::new(format!("invalid YAML: {e}")))?;
        if !value.is_null() {
            out.push(value);
        }
    }
    Ok(out)
}

/// The text of each document that holds something (not only comments or blank lines).
pub(crate) fn split(content: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in content.lines() {
        if line.trim_end() == "---" || line.starts_with("--- ") {
            docs.push(String::new());
        } else if let Some(doc) = docs.last_mut() {
            doc.push_str(line);
            doc.push('\n');
        }
    }
    docs.into_iter().filter(|d| d.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))).collect()
}

/// `/api/v1/namespaces/default/configmaps/a` or `/apis/rbac.authorization.k8s.io/v1/clusterroles/r`.
fn api_path(doc: &Json) -> Option<String> {
    let text = |p: &str| doc.pointer(p).and_then(Json::as_str);
    let (api_version, kind, name) = (text("/apiVersion")?, text("/kind")?, text("/metadata/name")?);
    let prefix = if api_version.contains('/') { "apis" } else { "api" };
    let ns = text("/metadata/namespace").map(|ns| format!("/namespaces/{ns}")).unwrap_or_default();
    Some(format!("/{prefix}/{api_version}{ns}/{}/{name}", plural(kind)))
}

/// The API's plural of a kind (English rules the built-in kinds follow).
fn plural(kind: &str) -> String {
    let lower = kind.to_lowercase();
    if lower.ends_with('y') && !lower.ends_with("ay") && !lower.ends_with("ey") {
        format!("{}ies", &lower[..lower.len() - 1])
    } else if lower.ends_with('s') || lower.ends_with("ch") || lower.ends_with('x') {
        format!("{lower}es")
    } else {
        format!("{lower}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_split_and_keyed_by_api_path() {
        let content = "# install\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio\n---\n# nothing\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: istio\nspec: {}\n";
        let docs = split(content);
        assert_eq!(docs.len(), 2);
        assert!(docs[1].starts_with("apiVersion: networking.k8s.io/v1"));
        let parsed = parse_all(&docs[1]).unwrap();
        assert_eq!(
            api_path(&parsed[0]).as_deref(),
            Some("/apis/networking.k8s.io/v1/namespaces/istio/networkpolicies/deny")
        );
        assert_eq!(plural("Ingress"), "ingresses");
        assert_eq!(plural("Gateway"), "gateways");
        assert_eq!(api_path(&parse_all(&docs[0]).unwrap()[0]).as_deref(), Some("/api/v1/namespaces/istio"));
    }
}
