//! Renders the kubeconfig a client needs: server URL with the real port, CA data, token.

use base64::Engine;
use serde_json::json;

pub fn render(cluster_name: &str, server_url: &str, ca_pem: &str, token: &str) -> String {
    let ca_data = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    let doc = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster_name, "cluster": {"server": server_url, "certificate-authority-data": ca_data}}],
        "users": [{"name": cluster_name, "user": {"token": token}}],
        "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
        "current-context": cluster_name,
        "preferences": {},
    });
    // JSON is valid YAML and every kubeconfig reader accepts it, but YAML reads better.
    serde_norway::to_string(&doc).unwrap_or_else(|_| doc.to_string())
}
