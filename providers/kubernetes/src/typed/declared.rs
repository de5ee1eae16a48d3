//! Typed kinds declared by their fields alone ([`super::fields`]): workloads, services,
//! ingresses, storage, RBAC, network policies, disruption budgets and priority classes under the Terraform provider's names. Conversion, drift
//! and import come from the declaration; what differs per kind is its wait.

use super::fields::*;
use super::pod::{label_selector, pod_template, pvc_spec};
use super::Kind;
use crate::cluster::{poll_until, Cluster, Deadline, Poll};
use crate::errors::Failure;
use crate::object_ref::ObjectRef;
use crate::wait::WaitFor;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

/// What a kind waits for after apply, as the Terraform provider does (each behind its
/// `wait_*` attribute, default true).
#[derive(Clone, Copy, PartialEq)]
enum Settle {
    None,
    Rollout,
    LoadBalancer,
    Completion,
    Bound,
}

impl Settle {
    fn option(self) -> Option<&'static str> {
        match self {
            Settle::None => None,
            Settle::Rollout => Some("wait_for_rollout"),
            Settle::LoadBalancer => Some("wait_for_load_balancer"),
            Settle::Completion => Some("wait_for_completion"),
            Settle::Bound => Some("wait_until_bound"),
        }
    }

    /// What is not there yet in `live`, or `None` when the object is settled.
    fn unmet(self, live: &Json) -> Option<String> {
        match self {
            Settle::None => None,
            Settle::Rollout => WaitFor::rollout().unmet(live),
            Settle::LoadBalancer => {
                let is_lb = live.pointer("/spec/type").and_then(Json::as_str) == Some("LoadBalancer");
                let ingress = live.pointer("/status/loadBalancer/ingress/0").is_some();
                (is_lb && !ingress).then(|| "no load balancer ingress yet".to_string())
            }
            Settle::Completion => WaitFor::condition("Complete", "True").unmet(live),
            Settle::Bound => match live.pointer("/status/phase").and_then(Json::as_str) {
                Some("Bound") => None,
                phase => Some(format!("phase is {}, waiting for Bound", phase.unwrap_or("absent"))),
            },
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Declared {
    /// The unversioned name, then the `_v1` one.
    pub names: [&'static str; 2],
    api_version: &'static str,
    kind: &'static str,
    namespaced: bool,
    fields: fn() -> Vec<F>,
    settle: Settle,
}

pub(crate) fn all() -> Vec<Declared> {
    let d = |names, api_version, kind, namespaced, fields, settle| Declared {
        names,
        api_version,
        kind,
        namespaced,
        fields,
        settle,
    };
    vec![
        d(
            ["kubernetes_deployment", "kubernetes_deployment_v1"],
            "apps/v1",
            "Deployment",
            true,
            deployment,
            Settle::Rollout,
        ),
        d(
            ["kubernetes_daemonset", "kubernetes_daemon_set_v1"],
            "apps/v1",
            "DaemonSet",
            true,
            daemon_set,
            Settle::Rollout,
        ),
        d(
            ["kubernetes_stateful_set", "kubernetes_stateful_set_v1"],
            "apps/v1",
            "StatefulSet",
            true,
            stateful_set,
            Settle::Rollout,
        ),
        d(["kubernetes_job", "kubernetes_job_v1"], "batch/v1", "Job", true, job, Settle::Completion),
        d(["kubernetes_service", "kubernetes_service_v1"], "v1", "Service", true, service, Settle::LoadBalancer),
        d(
            ["kubernetes_persistent_volume_claim", "kubernetes_persistent_volume_claim_v1"],
            "v1",
            "PersistentVolumeClaim",
            true,
            persistent_volume_claim,
            Settle::Bound,
        ),
        d(
            ["kubernetes_storage_class", "kubernetes_storage_class_v1"],
            "storage.k8s.io/v1",
            "StorageClass",
            false,
            storage_class,
            Settle::None,
        ),
        d(
            ["kubernetes_cluster_role", "kubernetes_cluster_role_v1"],
            "rbac.authorization.k8s.io/v1",
            "ClusterRole",
            false,
            cluster_role,
            Settle::None,
        ),
        d(
            ["kubernetes_cluster_role_binding", "kubernetes_cluster_role_binding_v1"],
            "rbac.authorization.k8s.io/v1",
            "ClusterRoleBinding",
            false,
            binding,
            Settle::None,
        ),
        d(["kubernetes_role", "kubernetes_role_v1"], "rbac.authorization.k8s.io/v1", "Role", true, role, Settle::None),
        d(
            ["kubernetes_role_binding", "kubernetes_role_binding_v1"],
            "rbac.authorization.k8s.io/v1",
            "RoleBinding",
            true,
            binding,
            Settle::None,
        ),
        d(
            ["kubernetes_network_policy", "kubernetes_network_policy_v1"],
            "networking.k8s.io/v1",
            "NetworkPolicy",
            true,
            network_policy,
            Settle::None,
        ),
        d(
            ["kubernetes_ingress", "kubernetes_ingress_v1"],
            "networking.k8s.io/v1",
            "Ingress",
            true,
            ingress,
            Settle::None,
        ),
        d(["kubernetes_cron_job", "kubernetes_cron_job_v1"], "batch/v1", "CronJob", true, cron_job, Settle::None),
        d(
            ["kubernetes_pod_disruption_budget", "kubernetes_pod_disruption_budget_v1"],
            "policy/v1",
            "PodDisruptionBudget",
            true,
            pod_disruption_budget,
            Settle::None,
        ),
        d(
            ["kubernetes_priority_class", "kubernetes_priority_class_v1"],
            "scheduling.k8s.io/v1",
            "PriorityClass",
            false,
            priority_class,
            Settle::None,
        ),
    ]
}

fn ingress() -> Vec<F> {
    let backend = || {
        one(
            "backend",
            vec![one(
                "service",
                vec![string("name").required(), one("port", vec![string("name"), number("number")]).required()],
            )],
        )
    };
    vec![one(
        "spec",
        vec![
            string("ingress_class_name"),
            backend().key("defaultBackend"),
            many(
                "rule",
                vec![
                    string("host"),
                    one(
                        "http",
                        vec![many(
                            "path",
                            vec![string("path"), string("path_type").default("ImplementationSpecific"), backend()],
                        )
                        .key("paths")
                        .required()],
                    ),
                ],
            )
            .key("rules"),
            many("tls", vec![strings("hosts"), string("secret_name")]),
        ],
    )
    .required()]
}

fn cron_job() -> Vec<F> {
    vec![one(
        "spec",
        vec![
            string("concurrency_policy").default("Allow"),
            number("failed_jobs_history_limit").default(1),
            string("schedule").required(),
            number("starting_deadline_seconds"),
            number("successful_jobs_history_limit").default(3),
            boolean("suspend").default(false),
            string("timezone").key("timeZone"),
            one(
                "job_template",
                vec![one("metadata", vec![map("labels"), map("annotations")]), one("spec", job_spec()).required()],
            )
            .required(),
        ],
    )
    .required()]
}

fn pod_disruption_budget() -> Vec<F> {
    vec![one(
        "spec",
        vec![
            int_or_string("max_unavailable"),
            int_or_string("min_available"),
            one("selector", label_selector()).required(),
        ],
    )
    .required()]
}

fn priority_class() -> Vec<F> {
    vec![
        number("value").required().force_new(),
        string("description"),
        boolean("global_default").default(false),
        string("preemption_policy").computed(),
    ]
}

fn deployment() -> Vec<F> {
    vec![one(
        "spec",
        vec![
            number("min_ready_seconds"),
            boolean("paused"),
            number("progress_deadline_seconds").default(600),
            number("replicas").computed(),
            number("revision_history_limit").default(10),
            one("selector", label_selector()).required(),
            one(
                "strategy",
                vec![
                    string("type").default("RollingUpdate"),
                    one("rolling_update", vec![int_or_string("max_surge"), int_or_string("max_unavailable")]),
                ],
            ),
            pod_template("Always"),
        ],
    )
    .required()]
}

fn daemon_set() -> Vec<F> {
    vec![one(
        "spec",
        vec![
            number("min_ready_seconds"),
            number("revision_history_limit").default(10),
            one("selector", label_selector()).required(),
            one(
                "strategy",
                vec![
                    string("type").default("RollingUpdate"),
                    one("rolling_update", vec![int_or_string("max_surge"), int_or_string("max_unavailable")]),
                ],
            )
            .key("updateStrategy"),
            pod_template("Always"),
        ],
    )
    .required()]
}

fn stateful_set() -> Vec<F> {
    vec![one(
        "spec",
        vec![
            number("min_ready_seconds"),
            string("pod_management_policy").default("OrderedReady").force_new(),
            number("replicas").computed(),
            number("revision_history_limit").default(10),
            one("selector", label_selector()).required().force_new(),
            string("service_name").force_new(),
            pod_template("Always"),
            one(
                "update_strategy",
                vec![string("type").default("RollingUpdate"), one("rolling_update", vec![number("partition")])],
            ),
            many(
                "volume_claim_template",
                vec![
                    one("metadata", vec![string("name").required(), map("labels"), map("annotations")]),
                    one("spec", pvc_spec()).required(),
                ],
            )
            .key("volumeClaimTemplates")
            .force_new(),
            one(
                "persistent_volume_claim_retention_policy",
                vec![string("when_deleted").default("Retain"), string("when_scaled").default("Retain")],
            ),
        ],
    )
    .required()]
}

fn job() -> Vec<F> {
    vec![one("spec", job_spec()).required()]
}

fn job_spec() -> Vec<F> {
    vec![
        number("active_deadline_seconds"),
        number("backoff_limit").default(6),
        string("completion_mode").computed(),
        number("completions").default(1),
        boolean("manual_selector"),
        number("parallelism").default(1),
        one("selector", label_selector()),
        pod_template("Never"),
        int_text("ttl_seconds_after_finished"),
    ]
}

fn service() -> Vec<F> {
    vec![one(
        "spec",
        vec![
            string("cluster_ip").key("clusterIP").computed().force_new(),
            strings("cluster_ips").key("clusterIPs").computed(),
            string_set("external_ips").key("externalIPs"),
            string("external_name"),
            string("external_traffic_policy").computed(),
            string("internal_traffic_policy").computed(),
            strings("ip_families").computed(),
            string("ip_family_policy").computed(),
            string("load_balancer_class"),
            string("load_balancer_ip").key("loadBalancerIP"),
            string_set("load_balancer_source_ranges"),
            many(
                "port",
                vec![
                    string("app_protocol"),
                    string("name"),
                    number("node_port").computed(),
                    number("port").required(),
                    string("protocol").default("TCP"),
                    int_or_string("target_port").computed(),
                ],
            )
            .key("ports"),
            boolean("publish_not_ready_addresses"),
            map("selector"),
            string("session_affinity").default("None"),
            string("type").default("ClusterIP"),
        ],
    )
    .required()]
}

fn persistent_volume_claim() -> Vec<F> {
    vec![one("spec", pvc_spec()).required().force_new()]
}

fn storage_class() -> Vec<F> {
    vec![
        string("storage_provisioner").key("provisioner").required().force_new(),
        string("reclaim_policy").default("Delete").force_new(),
        string("volume_binding_mode").default("Immediate").force_new(),
        boolean("allow_volume_expansion").default(true),
        map("parameters").force_new(),
        string_set("mount_options"),
    ]
}

fn rules() -> F {
    many(
        "rule",
        vec![
            strings("api_groups"),
            strings("non_resource_urls").key("nonResourceURLs"),
            strings("resource_names"),
            strings("resources"),
            strings("verbs").required(),
        ],
    )
    .key("rules")
}

fn cluster_role() -> Vec<F> {
    vec![rules(), one("aggregation_rule", vec![many("cluster_role_selectors", label_selector())])]
}

fn role() -> Vec<F> {
    vec![rules().required()]
}

fn binding() -> Vec<F> {
    vec![
        one("role_ref", vec![string("api_group").required(), string("kind").required(), string("name").required()])
            .required()
            .force_new(),
        many(
            "subject",
            vec![string("api_group"), string("kind").required(), string("name").required(), string("namespace")],
        )
        .key("subjects"),
    ]
}

fn network_policy() -> Vec<F> {
    let peer = || {
        vec![
            one("ip_block", vec![string("cidr"), strings("except")]),
            one("namespace_selector", label_selector()),
            one("pod_selector", label_selector()),
        ]
    };
    let ports = || many("ports", vec![number("end_port"), int_or_string("port"), string("protocol").default("TCP")]);
    vec![one(
        "spec",
        vec![
            one("pod_selector", label_selector()).required(),
            many("ingress", vec![many("from", peer()), ports()]),
            many("egress", vec![many("to", peer()), ports()]),
            strings("policy_types").required(),
        ],
    )
    .required()]
}

/// `status { load_balancer { ingress { ip hostname } } }`, computed, as the Terraform
/// provider exposes a Service's.
fn service_status_type() -> Type {
    let obj = |pairs: Vec<(&str, Type)>| {
        Type::Object(pairs.into_iter().map(|(k, t)| (k.to_string(), t)).collect::<BTreeMap<_, _>>())
    };
    let ingress = obj(vec![("ip", Type::String), ("hostname", Type::String)]);
    Type::list(obj(vec![("load_balancer", Type::list(obj(vec![("ingress", Type::list(ingress))])))]))
}

fn service_status(live: &Json) -> Value {
    let ingress: Vec<Value> = live
        .pointer("/status/loadBalancer/ingress")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .map(|i| {
            let text = |k: &str| i.get(k).and_then(Json::as_str).map(Value::from).unwrap_or(Value::Null);
            Value::object([("ip", text("ip")), ("hostname", text("hostname"))])
        })
        .collect();
    let lb = Value::object([("ingress", Value::List(ingress))]);
    Value::List(vec![Value::object([("load_balancer", Value::List(vec![lb]))])])
}

impl Declared {
    fn is_service(&self) -> bool {
        self.settle == Settle::LoadBalancer
    }
}

#[async_trait]
impl Kind for Declared {
    fn type_name(&self) -> &'static str {
        self.names[0]
    }
    fn api_version(&self) -> &'static str {
        self.api_version
    }
    fn kind(&self) -> &'static str {
        self.kind
    }
    fn namespaced(&self) -> bool {
        self.namespaced
    }
    fn extend_schema(&self, schema: Schema) -> Schema {
        let mut schema = add_to_schema(schema, &(self.fields)());
        if let Some(option) = self.settle.option() {
            schema = schema.attr(option, Attribute::optional(Type::Bool).default(true));
        }
        if self.is_service() {
            schema = schema.attr("status", Attribute::computed(service_status_type()));
        }
        schema
    }
    fn body(&self, state: &Value, body: &mut Map<String, Json>) {
        body.extend(to_k8s(&(self.fields)(), state));
    }
    fn read_back(&self, managed: &Json, live: &Json, state: &mut Value) {
        let fields = (self.fields)();
        let back = to_tf(&fields, Some(managed), Some(live), Some(state));
        for f in &fields {
            state.set(f.name, back.get(f.name).clone());
        }
        if self.is_service() {
            state.set("status", service_status(live));
        }
    }
    fn import_fields(&self, live: &Json, state: &mut Value) {
        let fields = (self.fields)();
        let back = to_tf(&fields, Some(live), Some(live), None);
        for f in &fields {
            state.set(f.name, back.get(f.name).clone());
        }
        if let Some(option) = self.settle.option() {
            state.set(option, Value::Bool(true));
        }
        if self.is_service() {
            state.set("status", service_status(live));
        }
    }
    async fn settle(
        &self,
        cluster: &Cluster,
        object: &ObjectRef,
        live: Json,
        state: &Value,
        deadline: Deadline,
    ) -> Result<Json, Failure> {
        let Some(option) = self.settle.option() else { return Ok(live) };
        if !state.get(option).as_bool().unwrap_or(true) || self.settle.unmet(&live).is_none() {
            return Ok(live);
        }
        poll_until(deadline, object, option, || async {
            Ok(match cluster.get(object).await? {
                Some(live) => match self.settle.unmet(&live) {
                    None => Poll::Ready(live),
                    Some(why) => Poll::Pending(why),
                },
                None => Poll::Pending("the object is gone".into()),
            })
        })
        .await
    }
}
