//! What an EKS cluster holds before anyone applies anything: the self-managed VPC CNI that
//! EKS installs with every cluster (`bootstrap_self_managed_addons`), i.e. the aws-node
//! ServiceAccount and DaemonSet in kube-system. Configurations patch these (IRSA annotation,
//! restarts) rather than create them, so the emulated clusters start with them too. Our own
//! minimal objects, not EKS's manifests.

use serde_json::{json, Value};

pub(crate) fn objects() -> Vec<Value> {
    let labels = json!({"k8s-app": "aws-node"});
    vec![
        json!({"apiVersion": "v1", "kind": "ServiceAccount",
               "metadata": {"name": "aws-node", "namespace": "kube-system", "labels": {"app.kubernetes.io/name": "aws-node"}}}),
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
               "metadata": {"name": "aws-node", "namespace": "kube-system", "labels": labels},
               "spec": {
                   "selector": {"matchLabels": labels},
                   "template": {
                       "metadata": {"labels": labels},
                       "spec": {
                           "serviceAccountName": "aws-node",
                           "hostNetwork": true,
                           "containers": [{"name": "aws-node", "image": "amazon-k8s-cni:emulated"}]}}}}),
    ]
}
