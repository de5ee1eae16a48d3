//! `helm_release`: the chart rendered by `helm template` (see `render`), each object applied
//! by server-side apply (field manager `helm`, namespaced objects put in the release's
//! namespace), waited for when `wait` (rollouts, CRDs established), and recorded in the state
//! (`manifest`, as a JSON list) so a change deletes the objects the new render no longer has
//! and destroy deletes them all, in reverse order.

use super::render::render;
use crate::apply::{apply_and_wait, ApplyFailure, ApplyRequest};
use crate::cluster::{Cluster, Deadline};
use crate::object_ref::ObjectRef;
use crate::wait::WaitFor;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Block, Ctx, Path, PlanRequest, Planned, ProviderError, ResourceType,
    Schema, Type, Value,
};
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::time::Duration;

pub(crate) struct HelmRelease;

/// Arguments whose change re-renders the release (an in-place upgrade).
const RENDERED: [&str; 12] = [
    "chart",
    "version",
    "repository",
    "values",
    "set",
    "set_list",
    "set_sensitive",
    "skip_crds",
    "devel",
    "disable_webhooks",
    "namespace",
    "create_namespace",
];

/// Cluster-scoped kinds charts commonly carry (for kinds discovery does not know yet).
const CLUSTER_SCOPED: [&str; 11] = [
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PriorityClass",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ClusterIssuer",
    "PersistentVolume",
    "APIService",
];

fn metadata_type() -> Type {
    let fields = ["name", "namespace", "chart", "version", "app_version", "values"];
    let mut m: BTreeMap<String, Type> = fields.into_iter().map(|f| (f.to_string(), Type::String)).collect();
    m.insert("revision".into(), Type::Number);
    Type::Object(m)
}

#[async_trait]
impl ResourceType for HelmRelease {
    fn type_name(&self) -> &'static str {
        "helm_release"
    }

    fn schema(&self) -> Schema {
        let strings = [
            "repository",
            "repository_key_file",
            "repository_cert_file",
            "repository_ca_file",
            "repository_username",
            "version",
            "description",
            "keyring",
            "postrender_binary_path",
        ];
        let bools_false = [
            "create_namespace",
            "verify",
            "disable_webhooks",
            "reuse_values",
            "reset_values",
            "force_update",
            "recreate_pods",
            "cleanup_on_fail",
            "atomic",
            "skip_crds",
            "wait_for_jobs",
            "dependency_update",
            "replace",
            "lint",
            "devel",
            "disable_openapi_validation",
            "disable_crd_hooks",
            "pass_credentials",
            "upgrade_install",
        ];
        let s = strings
            .into_iter()
            .filter(|n| *n != "postrender_binary_path")
            .fold(Schema::new(), |s, n| s.attr(n, Attribute::optional(Type::String)));
        let s = bools_false.into_iter().fold(s, |s, n| s.attr(n, Attribute::optional(Type::Bool).default(false)));
        let set = Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("value", Attribute::optional(Type::String))
            .attr("type", Attribute::optional(Type::String));
        s.attr("name", Attribute::required(Type::String).force_new())
            .attr("chart", Attribute::required(Type::String))
            .attr("namespace", Attribute::optional(Type::String).default("default").force_new())
            .attr("repository_password", Attribute::optional(Type::String).sensitive())
            .attr("values", Attribute::optional(Type::list(Type::String)))
            .attr("timeout", Attribute::optional(Type::Number).default(300))
            .attr("max_history", Attribute::optional(Type::Number).default(0))
            .attr("wait", Attribute::optional(Type::Bool).default(true))
            .attr("render_subchart_notes", Attribute::optional(Type::Bool).default(true))
            .attr("id", Attribute::computed(Type::String))
            .attr("status", Attribute::computed(Type::String))
            .attr("manifest", Attribute::computed(Type::String))
            .attr("metadata", Attribute::computed(Type::list(metadata_type())))
            .block("set", Block::set(set.clone()).attribute_syntax())
            .block(
                "set_list",
                Block::list(
                    Schema::new()
                        .attr("name", Attribute::required(Type::String))
                        .attr("value", Attribute::required(Type::list(Type::String))),
                )
                .attribute_syntax(),
            )
            .block(
                "set_sensitive",
                Block::set(
                    Schema::new()
                        .attr("name", Attribute::required(Type::String))
                        .attr("value", Attribute::required(Type::String).sensitive())
                        .attr("type", Attribute::optional(Type::String)),
                )
                .attribute_syntax(),
            )
            .block(
                "postrender",
                Block::list(
                    Schema::new()
                        .attr("binary_path", Attribute::required(Type::String))
                        .attr("args", Attribute::optional(Type::list(Type::String))),
                )
                .max_items(1)
                .attribute_syntax(),
            )
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = plan_with_schema(&self.schema(), req);
        if let Some(name) = planned.state.get_str("name").map(str::to_string) {
            planned.state.set("id", Value::from(name));
        }
        let rerender = match req.prior {
            None => true,
            Some(prior) => {
                RENDERED.iter().any(|k| planned.state.get(k) != prior.get(k) || !planned.state.get(k).is_wholly_known())
            }
        };
        if rerender {
            for name in ["status", "manifest", "metadata"] {
                planned.state.set(name, Value::Unknown);
            }
        }
        if let Some(prior) = req.prior {
            for name in ["name", "namespace"] {
                if planned.state.get(name) != prior.get(name) {
                    planned.requires_replace.push(Path::from(name));
                }
            }
        }
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let objects = recorded(state)?;
        // The release is gone when none of its objects is left.
        for object in &objects {
            if cluster.get(&ObjectRef::of_manifest(object)?).await?.is_some() {
                return Ok(Some(state.clone()));
            }
        }
        Ok(objects.is_empty().then(|| state.clone()))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        self.install(ctx, None, planned).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        self.install(ctx, Some(prior), planned).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let deadline = Deadline::after(timeout(state));
        for object in recorded(state)?.iter().rev() {
            cluster.delete(&ObjectRef::of_manifest(object)?, deadline).await?;
        }
        Ok(())
    }
}

fn timeout(state: &Value) -> Duration {
    Duration::from_secs(state.get("timeout").as_f64().unwrap_or(300.0).max(1.0) as u64)
}

/// The objects a state's `manifest` records.
fn recorded(state: &Value) -> Result<Vec<Json>, ProviderError> {
    match state.get_str("manifest") {
        Some(text) if !text.is_empty() => serde_json::from_str(text)
            .map_err(|e| ProviderError::new(format!("helm_release: the recorded manifest is not JSON: {e}"))),
        _ => Ok(Vec::new()),
    }
}

impl HelmRelease {
    async fn install(&self, ctx: &Ctx, prior: Option<&Value>, planned: &Value) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let namespace = planned.get_str("namespace").unwrap_or("default").to_string();
        let mut objects = Vec::new();
        if planned.get("create_namespace").as_bool() == Some(true) {
            objects.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}));
        }
        objects.extend(render(planned)?);
        let deadline = Deadline::after(timeout(planned));
        let wait = if planned.get("wait").as_bool() != Some(false) { WaitFor::rollout() } else { WaitFor::default() };
        let name = planned.get_str("name").unwrap_or_default().to_string();
        let mut applied: Vec<Json> = Vec::new();
        for body in &mut objects {
            let mut object = ObjectRef::of_manifest(body)?;
            // A custom resource whose CRD this release brings is not served yet: judged by kind.
            let namespaced = match cluster.resolve(&object).await {
                Ok(resolved) => resolved.namespaced,
                Err(_) => !CLUSTER_SCOPED.contains(&object.kind.as_str()),
            };
            if object.namespace.is_none() && namespaced {
                object.namespace = Some(namespace.clone());
                body["metadata"]["namespace"] = json!(namespace);
            }
            let labels = &mut body["metadata"]["annotations"];
            if labels.is_null() {
                *labels = json!({});
            }
            labels["meta.helm.sh/release-name"] = json!(name);
            labels["meta.helm.sh/release-namespace"] = json!(namespace);
            let request = ApplyRequest { object: &object, body, manager: "helm", force: true, wait: &wait, deadline };
            match apply_and_wait(cluster, request).await {
                Ok(_) => applied.push(identity(body)),
                Err(ApplyFailure { failure, written }) => {
                    if written.is_some() {
                        applied.push(identity(body));
                    }
                    let partial = with_release(planned, prior, &applied, "failed");
                    return Err(ProviderError::from(failure).with_partial_state(partial));
                }
            }
        }
        // Objects the previous render had and this one does not: deleted, as helm upgrade does.
        if let Some(prior) = prior {
            for old in recorded(prior)?.iter().rev().filter(|o| !applied.contains(o)) {
                cluster.delete(&ObjectRef::of_manifest(old)?, deadline).await?;
            }
        }
        Ok(with_release(planned, prior, &applied, "deployed"))
    }
}

/// What the state keeps of an applied object: enough to find and delete it.
fn identity(body: &Json) -> Json {
    json!({
        "apiVersion": body["apiVersion"],
        "kind": body["kind"],
        "metadata": {"name": body["metadata"]["name"], "namespace": body["metadata"]["namespace"]},
    })
}

fn with_release(planned: &Value, prior: Option<&Value>, objects: &[Json], status: &str) -> Value {
    let mut state = planned.clone();
    let revision = prior
        .and_then(|p| p.get("metadata").as_list().and_then(|l| l.first()).and_then(|m| m.get("revision").as_f64()))
        .unwrap_or(0.0)
        + 1.0;
    let values = planned.get("values").as_list().map(|v| v.len()).unwrap_or(0);
    let meta = Value::object([
        ("name", planned.get("name").clone()),
        ("namespace", planned.get("namespace").clone()),
        ("chart", planned.get("chart").clone()),
        ("version", planned.get("version").clone()),
        ("app_version", Value::Null),
        ("revision", Value::from(revision)),
        ("values", Value::from(format!("{values} values document(s)"))),
    ]);
    state.set("metadata", Value::List(vec![meta]));
    state.set("status", Value::from(status));
    state.set("manifest", Value::from(serde_json::to_string(objects).unwrap_or_default()));
    state
}
