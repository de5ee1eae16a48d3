//! The table of built-in kinds. One row per kind; behaviour that differs per kind lives in
//! `api::admission` and `controllers`, keyed by group + kind, never in per-kind handlers.

use super::KindInfo;

struct Row {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    short_names: &'static [&'static str],
    status: bool,
    /// Top-level fields (besides apiVersion/kind/metadata); empty = not checked.
    fields: &'static [&'static str],
}

const SPEC_STATUS: &[&str] = &["spec", "status"];

#[allow(clippy::too_many_arguments)] // a table row reads best as one call per line
const fn row(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    short_names: &'static [&'static str],
    status: bool,
    fields: &'static [&'static str],
) -> Row {
    Row { group, version, kind, plural, namespaced, short_names, status, fields }
}

const ROWS: &[Row] = &[
    row("", "v1", "Namespace", "namespaces", false, &["ns"], true, SPEC_STATUS),
    row(
        "",
        "v1",
        "ServiceAccount",
        "serviceaccounts",
        true,
        &["sa"],
        false,
        &["secrets", "imagePullSecrets", "automountServiceAccountToken"],
    ),
    row("", "v1", "ConfigMap", "configmaps", true, &["cm"], false, &["data", "binaryData", "immutable"]),
    row("", "v1", "Secret", "secrets", true, &[], false, &["data", "stringData", "type", "immutable"]),
    row("", "v1", "Service", "services", true, &["svc"], true, SPEC_STATUS),
    row("", "v1", "Pod", "pods", true, &["po"], true, SPEC_STATUS),
    row("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, &["pvc"], true, SPEC_STATUS),
    row("", "v1", "PersistentVolume", "persistentvolumes", false, &["pv"], true, SPEC_STATUS),
    row("", "v1", "Endpoints", "endpoints", true, &["ep"], false, &["subsets"]),
    row("", "v1", "Event", "events", true, &["ev"], false, &[]),
    row("", "v1", "Node", "nodes", false, &["no"], true, SPEC_STATUS),
    row("", "v1", "ResourceQuota", "resourcequotas", true, &["quota"], true, SPEC_STATUS),
    row("", "v1", "LimitRange", "limitranges", true, &["limits"], false, &["spec"]),
    row("apps", "v1", "Deployment", "deployments", true, &["deploy"], true, SPEC_STATUS),
    row("apps", "v1", "DaemonSet", "daemonsets", true, &["ds"], true, SPEC_STATUS),
    row("apps", "v1", "StatefulSet", "statefulsets", true, &["sts"], true, SPEC_STATUS),
    row("apps", "v1", "ReplicaSet", "replicasets", true, &["rs"], true, SPEC_STATUS),
    row("batch", "v1", "Job", "jobs", true, &[], true, SPEC_STATUS),
    row("batch", "v1", "CronJob", "cronjobs", true, &["cj"], true, SPEC_STATUS),
    row(
        "storage.k8s.io",
        "v1",
        "StorageClass",
        "storageclasses",
        false,
        &["sc"],
        false,
        &[
            "provisioner",
            "parameters",
            "reclaimPolicy",
            "mountOptions",
            "allowVolumeExpansion",
            "volumeBindingMode",
            "allowedTopologies",
        ],
    ),
    row("storage.k8s.io", "v1", "CSIDriver", "csidrivers", false, &[], false, &["spec"]),
    row(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        false,
        &[],
        false,
        &["rules", "aggregationRule"],
    ),
    row(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
        &[],
        false,
        &["subjects", "roleRef"],
    ),
    row("rbac.authorization.k8s.io", "v1", "Role", "roles", true, &[], false, &["rules"]),
    row("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, &[], false, &["subjects", "roleRef"]),
    row("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, &["netpol"], false, SPEC_STATUS),
    row("networking.k8s.io", "v1", "Ingress", "ingresses", true, &["ing"], true, SPEC_STATUS),
    row("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, &[], false, &["spec"]),
    row("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, &["pdb"], true, SPEC_STATUS),
    row("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, &["hpa"], true, SPEC_STATUS),
    row(
        "scheduling.k8s.io",
        "v1",
        "PriorityClass",
        "priorityclasses",
        false,
        &["pc"],
        false,
        &["value", "globalDefault", "description", "preemptionPolicy"],
    ),
    row("coordination.k8s.io", "v1", "Lease", "leases", true, &[], false, &["spec"]),
    row(
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        false,
        &[],
        false,
        &["webhooks"],
    ),
    row(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        false,
        &[],
        false,
        &["webhooks"],
    ),
    row(
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        false,
        &["crd", "crds"],
        true,
        SPEC_STATUS,
    ),
];

/// Kinds that `kubectl get all` lists.
const CATEGORY_ALL: &[&str] = &[
    "Pod",
    "Service",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "HorizontalPodAutoscaler",
];

pub fn kinds() -> Vec<KindInfo> {
    ROWS.iter()
        .map(|r| KindInfo {
            group: r.group.to_string(),
            version: r.version.to_string(),
            kind: r.kind.to_string(),
            plural: r.plural.to_string(),
            singular: r.kind.to_lowercase(),
            namespaced: r.namespaced,
            short_names: r.short_names.iter().map(|s| s.to_string()).collect(),
            categories: if CATEGORY_ALL.contains(&r.kind) { vec!["all".to_string()] } else { Vec::new() },
            status_subresource: r.status,
            top_level_fields: if r.fields.is_empty() {
                None
            } else {
                Some(r.fields.iter().map(|s| s.to_string()).collect())
            },
            schema: None,
            custom: false,
            printer_columns: Vec::new(),
        })
        .collect()
}
