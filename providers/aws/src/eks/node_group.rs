//! `aws_eks_node_group`. ID and import ID: `<cluster_name>:<node_group_name>`.

use super::cluster::ROLE_NOT_READY;
use super::common::{carries_token, sync_tags, tags_arg, tags_map, ALREADY_EXISTS, NOT_FOUND};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{
    blank_state, block_list, finalize, get_i32, get_string, map_value, one_block, opt_str, string_list, string_map,
};
use crate::waiter::{timeout_of, timeouts_block, Poll};
use aws_sdk_eks::types::{
    AmiTypes, CapacityTypes, LaunchTemplateSpecification, NodeRepairConfig, Nodegroup, NodegroupScalingConfig,
    NodegroupStatus, NodegroupUpdateConfig, RemoteAccessConfig, Taint, TaintEffect, UpdateLabelsPayload,
    UpdateTaintsPayload,
};
use meshplan_provider::{
    async_trait, Attribute, Block, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};
use std::collections::BTreeSet;
use std::time::Duration;

pub struct NodeGroup;

const CREATE_TIMEOUT: Duration = Duration::from_secs(60 * 60);
const DELETE_TIMEOUT: Duration = Duration::from_secs(60 * 60);

async fn describe(api: &Api<'_>, cluster: &str, name: &str) -> Result<Option<Nodegroup>, AwsError> {
    let out = api
        .call("DescribeNodegroup", || api.eks.describe_nodegroup().cluster_name(cluster).nodegroup_name(name).send())
        .await
        .or_not_found(NOT_FOUND)?;
    Ok(out.and_then(|o| o.nodegroup))
}

async fn wait_active(api: &Api<'_>, cluster: &str, name: &str, timeout: Duration) -> Result<(), AwsError> {
    api.wait_for("EKS node group to become ACTIVE", timeout, || async {
        let ng = describe(api, cluster, name).await?;
        Ok(match ng.as_ref().and_then(|n| n.status()) {
            Some(NodegroupStatus::Active) => Poll::Ready(()),
            Some(s @ (NodegroupStatus::CreateFailed | NodegroupStatus::Degraded)) => Poll::Failed {
                status: s.as_str().to_string(),
                reason: ng
                    .as_ref()
                    .and_then(|n| n.health())
                    .and_then(|h| h.issues().first())
                    .and_then(|i| i.message())
                    .map(str::to_string),
            },
            Some(other) => Poll::Pending(other.as_str().to_string()),
            None => Poll::Pending("not visible yet".into()),
        })
    })
    .await
}

fn taint_value(t: &Taint) -> Value {
    Value::object([
        ("key", opt_str(t.key())),
        ("value", opt_str(t.value())),
        ("effect", opt_str(t.effect().map(|e| e.as_str()))),
    ])
}

fn taints_of(v: &Value) -> Vec<Taint> {
    v.as_list()
        .into_iter()
        .flatten()
        .map(|t| {
            Taint::builder()
                .set_key(get_string(t, "key"))
                .set_value(get_string(t, "value"))
                .set_effect(t.get_str("effect").map(TaintEffect::from))
                .build()
        })
        .collect()
}

fn taint_keyset(v: &Value) -> BTreeSet<String> {
    v.as_list()
        .into_iter()
        .flatten()
        .map(|t| {
            format!(
                "{}={}:{}",
                t.get_str("key").unwrap_or(""),
                t.get_str("value").unwrap_or(""),
                t.get_str("effect").unwrap_or("")
            )
        })
        .collect()
}

fn scaling_of(v: &Value) -> NodegroupScalingConfig {
    NodegroupScalingConfig::builder()
        .set_desired_size(get_i32(v, "desired_size"))
        .set_min_size(get_i32(v, "min_size"))
        .set_max_size(get_i32(v, "max_size"))
        .build()
}

fn update_config_of(v: &Value) -> Option<NodegroupUpdateConfig> {
    (!v.is_null()).then(|| {
        NodegroupUpdateConfig::builder()
            .set_max_unavailable(get_i32(v, "max_unavailable"))
            .set_max_unavailable_percentage(get_i32(v, "max_unavailable_percentage"))
            .build()
    })
}

/// `launch_template { id | name, version }`; EKS takes the ID or the name, not both.
fn launch_template_of(v: &Value) -> Option<LaunchTemplateSpecification> {
    if v.is_null() {
        return None;
    }
    let id = get_string(v, "id");
    let name = if id.is_some() { None } else { get_string(v, "name") };
    Some(LaunchTemplateSpecification::builder().set_id(id).set_name(name).set_version(get_string(v, "version")).build())
}

fn launch_template_value(lt: Option<&LaunchTemplateSpecification>) -> Value {
    let Some(lt) = lt else { return Value::List(vec![]) };
    block_list(Value::object([
        ("id", opt_str(lt.id())),
        ("name", opt_str(lt.name())),
        ("version", opt_str(lt.version())),
    ]))
}

fn remote_access_of(v: &Value) -> Option<RemoteAccessConfig> {
    if v.is_null() {
        return None;
    }
    let groups = string_list(v.get("source_security_group_ids"));
    Some(
        RemoteAccessConfig::builder()
            .set_ec2_ssh_key(get_string(v, "ec2_ssh_key"))
            .set_source_security_groups((!groups.is_empty()).then_some(groups))
            .build(),
    )
}

fn remote_access_value(ra: Option<&RemoteAccessConfig>, prior: &Value) -> Value {
    let Some(ra) = ra else { return Value::List(vec![]) };
    let groups =
        crate::iam::oidc_provider::in_prior_order(prior.get("source_security_group_ids"), ra.source_security_groups());
    block_list(Value::object([("ec2_ssh_key", opt_str(ra.ec2_ssh_key())), ("source_security_group_ids", groups)]))
}

/// Configured, or derived from the create's token (so find can look it up).
fn node_group_name(planned: &Value, token: &str) -> String {
    if let Some(name) = get_string(planned, "node_group_name") {
        return name;
    }
    match planned.get_str("node_group_name_prefix") {
        Some(prefix) => crate::skeleton::prefixed(prefix, token),
        None => crate::intent::generated_name("meshplan-", token),
    }
}

fn node_repair_of(v: &Value) -> Option<NodeRepairConfig> {
    let r = one_block(v.get("node_repair_config"));
    (!r.is_null()).then(|| NodeRepairConfig::builder().set_enabled(r.get("enabled").as_bool()).build())
}

/// The node group `name` of `cluster` when it carries our token.
async fn located(api: &Api<'_>, cluster: &str, name: &str, token: &str) -> Result<Option<String>, AwsError> {
    let ng = describe(api, cluster, name).await?;
    let ours = ng.is_some_and(|n| n.status() != Some(&NodegroupStatus::Deleting) && carries_token(n.tags(), token));
    Ok(ours.then(|| name.to_string()))
}

impl NodeGroup {
    /// Waits for ACTIVE (find resumes an interrupted create here too).
    async fn finish(
        &self,
        ctx: &Ctx,
        api: &Api<'_>,
        planned: &Value,
        cluster: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("node_group_name", Value::from(name));
        if state.get("node_group_name_prefix").is_unknown() {
            state.set("node_group_name_prefix", Value::Null);
        }
        state.set("id", Value::from(format!("{cluster}:{name}")));
        wait_active(api, cluster, name, timeout).await.map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }
}

#[async_trait]
impl ResourceType for NodeGroup {
    fn type_name(&self) -> &'static str {
        "aws_eks_node_group"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                .attr("status", Attribute::computed(Type::String))
                .attr("resources", Attribute::computed(resources_type()))
                .attr("cluster_name", Attribute::required(Type::String).force_new())
                .attr("node_group_name", Attribute::optional_computed(Type::String).force_new())
                .attr("node_group_name_prefix", Attribute::optional_computed(Type::String).force_new())
                .attr("node_role_arn", Attribute::required(Type::String).force_new())
                .attr("subnet_ids", Attribute::required(Type::set(Type::String)).force_new())
                .attr("instance_types", Attribute::optional_computed(Type::list(Type::String)).force_new())
                .attr("ami_type", Attribute::optional_computed(Type::String).force_new())
                .attr("capacity_type", Attribute::optional_computed(Type::String).force_new())
                .attr("disk_size", Attribute::optional_computed(Type::Number).force_new())
                .attr("labels", Attribute::optional(Type::map(Type::String)))
                .attr("version", Attribute::optional_computed(Type::String))
                .attr("release_version", Attribute::optional_computed(Type::String))
                // Sent with a version upgrade (ignores pod disruption budgets); kept from the configuration.
                .attr("force_update_version", Attribute::optional(Type::Bool)),
        )
        .block(
            "scaling_config",
            Block::list(
                Schema::new()
                    .attr("desired_size", Attribute::required(Type::Number))
                    .attr("min_size", Attribute::required(Type::Number))
                    .attr("max_size", Attribute::required(Type::Number)),
            )
            .min_items(1)
            .max_items(1),
        )
        .block(
            "taint",
            // EKS takes at most 50 taints per node group.
            Block::set(
                Schema::new()
                    .attr("key", Attribute::required(Type::String))
                    .attr("value", Attribute::optional(Type::String))
                    .attr("effect", Attribute::required(Type::String)),
            )
            .max_items(50),
        )
        .block(
            "update_config",
            Block::list(
                Schema::new()
                    .attr("max_unavailable", Attribute::optional(Type::Number))
                    .attr("max_unavailable_percentage", Attribute::optional(Type::Number)),
            )
            .max_items(1),
        )
        .block(
            "launch_template",
            Block::list(
                Schema::new()
                    .attr("id", Attribute::optional_computed(Type::String).force_new())
                    .attr("name", Attribute::optional_computed(Type::String).force_new())
                    .attr("version", Attribute::required(Type::String)),
            )
            .max_items(1),
        )
        .block(
            "remote_access",
            Block::list(
                Schema::new()
                    .attr("ec2_ssh_key", Attribute::optional(Type::String))
                    .attr("source_security_group_ids", Attribute::optional(Type::set(Type::String))),
            )
            .max_items(1)
            .force_new(),
        )
        .block(
            "node_repair_config",
            Block::list(Schema::new().attr("enabled", Attribute::optional(Type::Bool))).max_items(1),
        )
        .block("timeouts", timeouts_block())
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = tags::plan_tagged(&self.schema(), ctx, req).await?;
        // Taints are a set: the same taints in another order are no change.
        if let Some(prior) = req.prior {
            if taint_keyset(planned.state.get("taint")) == taint_keyset(prior.get("taint")) {
                planned.state.set("taint", prior.get("taint").clone());
            }
        }
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let (Some(cluster), Some(name)) = (state.get_str("cluster_name"), state.get_str("node_group_name")) else {
            return Ok(None);
        };
        let Some(ng) = describe(&api, cluster, name).await? else { return Ok(None) };
        if ng.status() == Some(&NodegroupStatus::Deleting) {
            return Ok(None);
        }
        let mut s = state.clone();
        let ordered =
            |attr: &str, remote: &[String]| crate::iam::oidc_provider::in_prior_order(state.get(attr), remote);
        s.set("id", Value::from(format!("{cluster}:{name}")));
        s.set("arn", opt_str(ng.nodegroup_arn()));
        s.set("status", opt_str(ng.status().map(|x| x.as_str())));
        s.set("resources", resources_value(ng.resources()));
        s.set("node_role_arn", opt_str(ng.node_role()));
        s.set("subnet_ids", ordered("subnet_ids", ng.subnets()));
        s.set("instance_types", ordered("instance_types", ng.instance_types()));
        s.set("ami_type", opt_str(ng.ami_type().map(|x| x.as_str())));
        s.set("capacity_type", opt_str(ng.capacity_type().map(|x| x.as_str())));
        s.set("disk_size", ng.disk_size().map(|d| Value::from(i64::from(d))).unwrap_or(Value::from(20i64)));
        s.set("version", opt_str(ng.version()));
        s.set("release_version", opt_str(ng.release_version()));
        let labels = ng.labels().map(|l| l.iter().collect::<std::collections::BTreeMap<_, _>>()).unwrap_or_default();
        s.set(
            "labels",
            if labels.is_empty() && state.get("labels").is_null() { Value::Null } else { map_value(labels) },
        );
        if let Some(sc) = ng.scaling_config() {
            let n = |x: Option<i32>| Value::from(i64::from(x.unwrap_or(0)));
            s.set(
                "scaling_config",
                block_list(Value::object([
                    ("desired_size", n(sc.desired_size())),
                    ("min_size", n(sc.min_size())),
                    ("max_size", n(sc.max_size())),
                ])),
            );
        }
        let remote_taints = Value::List(ng.taints().iter().map(taint_value).collect());
        if taint_keyset(&remote_taints) != taint_keyset(state.get("taint")) {
            s.set("taint", remote_taints);
        }
        if !one_block(state.get("update_config")).is_null() {
            if let Some(u) = ng.update_config() {
                let n = |x: Option<i32>| x.map(|v| Value::from(i64::from(v))).unwrap_or(Value::Null);
                s.set(
                    "update_config",
                    block_list(Value::object([
                        ("max_unavailable", n(u.max_unavailable())),
                        ("max_unavailable_percentage", n(u.max_unavailable_percentage())),
                    ])),
                );
            }
        }
        s.set("launch_template", launch_template_value(ng.launch_template()));
        // Unreported (older EKS answers, emulators): what was configured.
        let repair = ng
            .node_repair_config()
            .map(|r| block_list(Value::object([("enabled", r.enabled().map(Value::from).unwrap_or(Value::Null))])));
        s.set("node_repair_config", repair.unwrap_or_else(|| finalize(state.get("node_repair_config").clone())));
        if s.get("node_repair_config").is_null() {
            s.set("node_repair_config", Value::List(vec![]));
        }
        if s.get("node_group_name_prefix").is_unknown() {
            s.set("node_group_name_prefix", Value::Null);
        }
        // Kept as configured: EKS (and moto, which reports a default key) may describe
        // remote access a node group was not given.
        if !one_block(state.get("remote_access")).is_null() {
            s.set("remote_access", remote_access_value(ng.remote_access(), one_block(state.get("remote_access"))));
        }
        tags::set_from_remote(&api, &mut s, tags_map(ng.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "create", CREATE_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let cluster = planned.get_str("cluster_name").unwrap_or_default().to_string();
        let token = intent::token(ctx);
        let name = node_group_name(planned, &token);
        let instance_types = string_list(planned.get("instance_types"));
        let taints = taints_of(planned.get("taint"));
        let labels = string_map(planned.get("labels"));
        let req = api
            .eks
            .create_nodegroup()
            .cluster_name(&cluster)
            .nodegroup_name(&name)
            .set_node_role(get_string(planned, "node_role_arn"))
            .set_subnets(Some(string_list(planned.get("subnet_ids"))))
            .set_instance_types((!instance_types.is_empty()).then_some(instance_types))
            .set_ami_type(planned.get_str("ami_type").map(AmiTypes::from))
            .set_capacity_type(planned.get_str("capacity_type").map(CapacityTypes::from))
            .set_disk_size(get_i32(planned, "disk_size"))
            .set_version(get_string(planned, "version"))
            .set_release_version(get_string(planned, "release_version"))
            .scaling_config(scaling_of(one_block(planned.get("scaling_config"))))
            .set_update_config(update_config_of(one_block(planned.get("update_config"))))
            .set_labels((!labels.is_empty()).then(|| labels.into_iter().collect()))
            .set_taints((!taints.is_empty()).then_some(taints))
            .set_launch_template(launch_template_of(one_block(planned.get("launch_template"))))
            .set_remote_access(remote_access_of(one_block(planned.get("remote_access"))))
            .set_node_repair_config(node_repair_of(planned))
            .client_request_token(&token)
            .set_tags(tags_arg(tags::desired_with_intent(&api, planned, &token)));
        let call = CreateCall { settling: ROLE_NOT_READY, conflicts: ALREADY_EXISTS };
        api.create("CreateNodegroup", call, || req.clone().send(), || located(&api, &cluster, &name, &token)).await?;
        self.finish(ctx, &api, planned, &cluster, &name, timeout).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "create", CREATE_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let Some(cluster) = planned.get_str("cluster_name") else { return Ok(None) };
        let name = node_group_name(planned, token);
        match located(&api, cluster, &name, token).await? {
            Some(_) => self.finish(ctx, &api, planned, cluster, &name, timeout).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "update", CREATE_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let cluster = prior.get_str("cluster_name").unwrap_or_default();
        let name = prior.get_str("node_group_name").unwrap_or_default();
        let changed = |a: &str| prior.get(a) != planned.get(a);
        let config_changes = ["scaling_config", "labels", "taint", "update_config", "node_repair_config"];
        if config_changes.iter().any(|a| changed(a)) {
            let mut req = api.eks.update_nodegroup_config().cluster_name(cluster).nodegroup_name(name);
            if changed("scaling_config") {
                req = req.scaling_config(scaling_of(one_block(planned.get("scaling_config"))));
            }
            if changed("labels") {
                let (old, new) = (string_map(prior.get("labels")), string_map(planned.get("labels")));
                let (removed, set) = tags::diff(&old, &new);
                req = req.labels(
                    UpdateLabelsPayload::builder()
                        .set_add_or_update_labels((!set.is_empty()).then(|| set.into_iter().collect()))
                        .set_remove_labels((!removed.is_empty()).then_some(removed))
                        .build(),
                );
            }
            if changed("taint") {
                let old = taints_of(prior.get("taint"));
                let removed: Vec<Taint> = old
                    .into_iter()
                    .filter(|t| !taints_of(planned.get("taint")).iter().any(|n| n.key() == t.key()))
                    .collect();
                let add = taints_of(planned.get("taint"));
                req = req.taints(
                    UpdateTaintsPayload::builder()
                        .set_add_or_update_taints((!add.is_empty()).then_some(add))
                        .set_remove_taints((!removed.is_empty()).then_some(removed))
                        .build(),
                );
            }
            if changed("update_config") {
                req = req.set_update_config(update_config_of(one_block(planned.get("update_config"))));
            }
            if changed("node_repair_config") {
                let off = || NodeRepairConfig::builder().enabled(false).build();
                req = req.node_repair_config(node_repair_of(planned).unwrap_or_else(off));
            }
            api.call("UpdateNodegroupConfig", || req.clone().send()).await?;
            wait_active(&api, cluster, name, timeout).await?;
        }
        let template_version = |v: &Value| one_block(v.get("launch_template")).get("version").clone();
        let new_template = template_version(prior) != template_version(planned);
        if changed("version") || changed("release_version") || new_template {
            // With a launch template, the version to roll to is the template's.
            let template =
                new_template.then(|| launch_template_of(one_block(planned.get("launch_template")))).flatten();
            // A roll to a new template version names only what changed.
            let keep = |a: &str| !new_template || changed(a);
            let req = api
                .eks
                .update_nodegroup_version()
                .cluster_name(cluster)
                .nodegroup_name(name)
                .set_version(keep("version").then(|| get_string(planned, "version")).flatten())
                .set_release_version(keep("release_version").then(|| get_string(planned, "release_version")).flatten())
                .set_launch_template(template)
                .set_force(planned.get("force_update_version").as_bool());
            api.call("UpdateNodegroupVersion", || req.clone().send()).await?;
            wait_active(&api, cluster, name, timeout).await?;
        }
        sync_tags(&api, prior.get_str("arn").unwrap_or_default(), prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(state, "delete", DELETE_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let cluster = state.get_str("cluster_name").unwrap_or_default();
        let name = state.get_str("node_group_name").unwrap_or_default();
        // Resent after a lost answer, the delete meets a DELETING node group: wait for it.
        let gone = api
            .call_idempotent("DeleteNodegroup", &["ResourceInUseException"], || {
                api.eks.delete_nodegroup().cluster_name(cluster).nodegroup_name(name).send()
            })
            .await
            .or_not_found(NOT_FOUND)?
            .is_none();
        if gone {
            return Ok(());
        }
        api.wait_for("EKS node group to be deleted", timeout, || async {
            Ok(match describe(&api, cluster, name).await? {
                None => Poll::Ready(()),
                Some(n) if n.status() == Some(&NodegroupStatus::DeleteFailed) => {
                    Poll::Failed { status: "DELETE_FAILED".into(), reason: None }
                }
                Some(n) => Poll::Pending(n.status().map(|s| s.as_str().to_string()).unwrap_or_default()),
            })
        })
        .await?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let Some((cluster, name)) = id.split_once(':') else {
            return Err(AwsError::Import {
                address: ctx.address.clone(),
                message: format!("expected CLUSTER:NODEGROUP, got {id:?}"),
            }
            .into());
        };
        let seed = blank_state(
            &self.schema(),
            [("cluster_name", Value::from(cluster)), ("node_group_name", Value::from(name))],
        );
        import_via_read(self, ctx, id, seed).await
    }
}

/// `resources`: the node group's Auto Scaling groups and remote-access security group, in the
/// Terraform provider's shape (the eks modules read `resources[0].autoscaling_groups[*].name`).
fn resources_value(r: Option<&aws_sdk_eks::types::NodegroupResources>) -> Value {
    let Some(r) = r else { return Value::List(vec![]) };
    let groups = r.auto_scaling_groups().iter().map(|g| Value::object([("name", opt_str(g.name()))])).collect();
    Value::List(vec![Value::object([
        ("autoscaling_groups", Value::List(groups)),
        ("remote_access_security_group_id", opt_str(r.remote_access_security_group())),
    ])])
}

fn resources_type() -> Type {
    let group = Type::Object([("name".to_string(), Type::String)].into_iter().collect());
    Type::list(Type::Object(
        [
            ("autoscaling_groups".to_string(), Type::list(group)),
            ("remote_access_security_group_id".to_string(), Type::String),
        ]
        .into_iter()
        .collect(),
    ))
}
