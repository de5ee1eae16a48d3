//! `aws_eks_cluster`: waits CREATING → ACTIVE, UPDATING → ACTIVE, DELETING → gone.

use super::common::{
    carries_token, computed_cluster_attributes, set_computed_cluster_attributes, sync_tags, tags_arg, tags_map,
    vpc_config_value, ALREADY_EXISTS, NOT_FOUND,
};
use super::{cluster_features, cluster_options};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{blank_state, block_list, get_string, one_block, opt_str, string_list};
use crate::waiter::{timeout_of, timeouts_block, Poll};
use aws_sdk_eks::types::{
    AuthenticationMode, Cluster as EksCluster, ClusterStatus, CreateAccessConfigRequest, LogSetup, LogType, Logging,
    UpdateAccessConfigRequest, VpcConfigRequest,
};
use meshplan_provider::{
    async_trait, Attribute, Block, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};
use std::time::Duration;

pub struct Cluster;

const CREATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const UPDATE_TIMEOUT: Duration = Duration::from_secs(60 * 60);
const DELETE_TIMEOUT: Duration = Duration::from_secs(15 * 60);
const ALL_LOG_TYPES: [&str; 5] = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/// A role created moments ago is not yet assumable by EKS (DOMAIN.md §6).
pub const ROLE_NOT_READY: &[&str] = &[
    "InvalidParameterException:could not be assumed",
    "InvalidParameterException:does not exist",
    "InvalidParameterException:not authorized",
];

pub async fn describe(api: &Api<'_>, name: &str) -> Result<Option<EksCluster>, AwsError> {
    let out =
        api.call("DescribeCluster", || api.eks.describe_cluster().name(name).send()).await.or_not_found(NOT_FOUND)?;
    Ok(out.and_then(|o| o.cluster))
}

async fn wait_active(api: &Api<'_>, name: &str, timeout: Duration) -> Result<(), AwsError> {
    api.wait_for("EKS cluster to become ACTIVE", timeout, || async {
        let c = describe(api, name).await?;
        Ok(match c.as_ref().and_then(|c| c.status()) {
            Some(ClusterStatus::Active) => Poll::Ready(()),
            Some(ClusterStatus::Failed) => Poll::Failed { status: "FAILED".into(), reason: None },
            Some(other) => Poll::Pending(other.as_str().to_string()),
            None => Poll::Failed { status: "gone".into(), reason: Some("the cluster disappeared".into()) },
        })
    })
    .await
}

/// The cluster `name` when it carries our token.
async fn located(api: &Api<'_>, name: &str, token: &str) -> Result<Option<String>, AwsError> {
    let ours = describe(api, name)
        .await?
        .is_some_and(|c| c.status() != Some(&ClusterStatus::Deleting) && carries_token(c.tags(), token));
    Ok(ours.then(|| name.to_string()))
}

impl Cluster {
    /// Waits for ACTIVE (find resumes an interrupted create here too).
    async fn finish(
        &self,
        ctx: &Ctx,
        api: &Api<'_>,
        planned: &Value,
        name: &str,
        timeout: Duration,
    ) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from(name));
        wait_active(api, name, timeout).await.map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }
}

fn with_bootstrap_default(state: &Value) -> Value {
    let mut s = state.clone();
    s.set("bootstrap_self_managed_addons", Value::from(true));
    s
}

fn vpc_config_block() -> Block {
    Block::list(
        Schema::new()
            .attr("subnet_ids", Attribute::required(Type::set(Type::String)))
            .attr("security_group_ids", Attribute::optional(Type::set(Type::String)))
            .attr("endpoint_private_access", Attribute::optional(Type::Bool).default(false))
            .attr("endpoint_public_access", Attribute::optional(Type::Bool).default(true))
            .attr("public_access_cidrs", Attribute::optional_computed(Type::set(Type::String)))
            .attr("cluster_security_group_id", Attribute::computed(Type::String))
            .attr("vpc_id", Attribute::computed(Type::String)),
    )
    .min_items(1)
    .max_items(1)
}

fn logging_for(types: &[String]) -> Logging {
    let (on, off): (Vec<&str>, Vec<&str>) = ALL_LOG_TYPES.iter().partition(|t| types.iter().any(|x| x == *t));
    let setup = |types: Vec<&str>, enabled: bool| {
        LogSetup::builder().set_types(Some(types.into_iter().map(LogType::from).collect())).enabled(enabled).build()
    };
    let mut b = Logging::builder();
    if !on.is_empty() {
        b = b.cluster_logging(setup(on, true));
    }
    if !off.is_empty() {
        b = b.cluster_logging(setup(off, false));
    }
    b.build()
}

#[async_trait]
impl ResourceType for Cluster {
    fn type_name(&self) -> &'static str {
        "aws_eks_cluster"
    }

    fn schema(&self) -> Schema {
        let schema = Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("role_arn", Attribute::required(Type::String).force_new())
            .attr("version", Attribute::optional_computed(Type::String))
            .attr("enabled_cluster_log_types", Attribute::optional(Type::set(Type::String)))
            // Not returned by DescribeCluster: the configured value is kept, as in Terraform.
            .attr("bootstrap_self_managed_addons", Attribute::optional(Type::Bool).default(true).force_new())
            // Sent with a version upgrade (skips EKS's upgrade insight checks); kept from the configuration.
            .attr("force_update_version", Attribute::optional(Type::Bool))
            .block("vpc_config", vpc_config_block())
            .block(
                "access_config",
                Block::list(
                    Schema::new().attr("authentication_mode", Attribute::optional_computed(Type::String)).attr(
                        "bootstrap_cluster_creator_admin_permissions",
                        Attribute::optional(Type::Bool).default(true),
                    ),
                )
                .max_items(1),
            )
            .block("timeouts", timeouts_block());
        tags::with_tags(computed_cluster_attributes(cluster_features::blocks(cluster_options::blocks(schema))))
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        // State written before bootstrap_self_managed_addons existed holds null: EKS's
        // default (true), not a change that replaces the cluster.
        let upgraded =
            req.prior.filter(|p| p.get("bootstrap_self_managed_addons").is_null()).map(with_bootstrap_default);
        let req = PlanRequest { prior: upgraded.as_ref().or(req.prior), ..req };
        let planned = tags::plan_tagged(&self.schema(), ctx, req).await?;
        let mut kept = planned.clone();
        if planned.replaces() || !cluster_options::plan(&mut kept, req.config, req.prior) {
            return Ok(if planned.replaces() { planned } else { kept });
        }
        // A replacement is a new cluster: plan it as one.
        let mut fresh = tags::plan_tagged(&self.schema(), ctx, PlanRequest { prior: None, ..req }).await?;
        fresh.requires_replace.push(cluster_options::replace_path());
        Ok(fresh)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(name) = state.get_str("name").or(state.get_str("id")) else { return Ok(None) };
        let Some(c) = describe(&api, name).await? else { return Ok(None) };
        if c.status() == Some(&ClusterStatus::Deleting) {
            return Ok(None);
        }
        let mut s = state.clone();
        s.set("id", opt_str(c.name()));
        s.set("name", opt_str(c.name()));
        s.set("role_arn", opt_str(c.role_arn()));
        s.set("version", opt_str(c.version()));
        set_computed_cluster_attributes(&mut s, &c);
        s.set("vpc_config", block_list(vpc_config_value(&c, one_block(state.get("vpc_config")))));
        let enabled: Vec<String> = c
            .logging()
            .map(|l| {
                l.cluster_logging()
                    .iter()
                    .filter(|x| x.enabled() == Some(true))
                    .flat_map(|x| x.types().iter().map(|t| t.as_str().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let prior_logs = state.get("enabled_cluster_log_types");
        s.set(
            "enabled_cluster_log_types",
            if enabled.is_empty() && prior_logs.is_null() {
                Value::Null
            } else {
                crate::iam::oidc_provider::in_prior_order(prior_logs, &enabled)
            },
        );
        if let Some(a) = c.access_config() {
            let bootstrap = one_block(state.get("access_config"))
                .get("bootstrap_cluster_creator_admin_permissions")
                .as_bool()
                .unwrap_or(true);
            s.set(
                "access_config",
                block_list(Value::object([
                    ("authentication_mode", opt_str(a.authentication_mode().map(|m| m.as_str()))),
                    (
                        "bootstrap_cluster_creator_admin_permissions",
                        Value::from(a.bootstrap_cluster_creator_admin_permissions().unwrap_or(bootstrap)),
                    ),
                ])),
            );
        }
        cluster_options::read(&mut s, state, &c);
        cluster_features::read(&mut s, state, &c);
        tags::set_from_remote(&api, &mut s, tags_map(c.tags()));
        if s.get("bootstrap_self_managed_addons").is_null() {
            s = with_bootstrap_default(&s);
        }
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "create", CREATE_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let name = planned.get_str("name").unwrap_or_default().to_string();
        let vpc = one_block(planned.get("vpc_config"));
        let cidrs = string_list(vpc.get("public_access_cidrs"));
        let vpc_req = VpcConfigRequest::builder()
            .set_subnet_ids(Some(string_list(vpc.get("subnet_ids"))))
            .set_security_group_ids(Some(string_list(vpc.get("security_group_ids"))))
            .set_endpoint_private_access(vpc.get("endpoint_private_access").as_bool())
            .set_endpoint_public_access(vpc.get("endpoint_public_access").as_bool())
            .set_public_access_cidrs((!cidrs.is_empty()).then_some(cidrs))
            .build();
        let access = one_block(planned.get("access_config"));
        let access_req = (!access.is_null()).then(|| {
            CreateAccessConfigRequest::builder()
                .set_authentication_mode(access.get_str("authentication_mode").map(AuthenticationMode::from))
                .set_bootstrap_cluster_creator_admin_permissions(
                    access.get("bootstrap_cluster_creator_admin_permissions").as_bool(),
                )
                .build()
        });
        let logs = string_list(planned.get("enabled_cluster_log_types"));
        let token = intent::token(ctx);
        let req = api
            .eks
            .create_cluster()
            .name(&name)
            .set_role_arn(get_string(planned, "role_arn"))
            .set_version(get_string(planned, "version"))
            .resources_vpc_config(vpc_req)
            .set_access_config(access_req)
            .set_bootstrap_self_managed_addons(planned.get("bootstrap_self_managed_addons").as_bool())
            .set_logging((!logs.is_empty()).then(|| logging_for(&logs)))
            .client_request_token(&token)
            .set_tags(tags_arg(tags::desired_with_intent(&api, planned, &token)));
        let req = cluster_features::create_args(cluster_options::create_args(req, planned), planned);
        let call = CreateCall { settling: ROLE_NOT_READY, conflicts: ALREADY_EXISTS };
        api.create("CreateCluster", call, || req.clone().send(), || located(&api, &name, &token)).await?;
        self.finish(ctx, &api, planned, &name, timeout).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "create", CREATE_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let Some(name) = planned.get_str("name") else { return Ok(None) };
        match located(&api, name, token).await? {
            Some(_) => self.finish(ctx, &api, planned, name, timeout).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "update", UPDATE_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let name = prior.get_str("name").unwrap_or_default();
        if let Some(v) = planned.get_str("version").filter(|v| Some(*v) != prior.get_str("version")) {
            let force = planned.get("force_update_version").as_bool();
            api.call("UpdateClusterVersion", || {
                api.eks.update_cluster_version().name(name).version(v).set_force(force).send()
            })
            .await?;
            wait_active(&api, name, timeout).await?;
        }
        let (old_vpc, new_vpc) = (one_block(prior.get("vpc_config")), one_block(planned.get("vpc_config")));
        let endpoint_attrs = ["endpoint_private_access", "endpoint_public_access", "public_access_cidrs"];
        let network_attrs = ["subnet_ids", "security_group_ids"];
        let differs = |a: &&str| old_vpc.get(a) != new_vpc.get(a) && !new_vpc.get(a).is_unknown();
        // EKS takes network changes and endpoint changes in separate updates.
        if network_attrs.iter().any(differs) {
            let vpc_req = VpcConfigRequest::builder()
                .set_subnet_ids(Some(string_list(new_vpc.get("subnet_ids"))))
                .set_security_group_ids(Some(string_list(new_vpc.get("security_group_ids"))))
                .build();
            let req = api.eks.update_cluster_config().name(name).resources_vpc_config(vpc_req);
            api.call("UpdateClusterConfig", || req.clone().send()).await?;
            wait_active(&api, name, timeout).await?;
        }
        if endpoint_attrs.iter().any(differs) {
            let cidrs = string_list(new_vpc.get("public_access_cidrs"));
            let vpc_req = VpcConfigRequest::builder()
                .set_endpoint_private_access(new_vpc.get("endpoint_private_access").as_bool())
                .set_endpoint_public_access(new_vpc.get("endpoint_public_access").as_bool())
                .set_public_access_cidrs((!cidrs.is_empty()).then_some(cidrs))
                .build();
            let req = api.eks.update_cluster_config().name(name).resources_vpc_config(vpc_req);
            api.call("UpdateClusterConfig", || req.clone().send()).await?;
            wait_active(&api, name, timeout).await?;
        }
        if prior.get("enabled_cluster_log_types") != planned.get("enabled_cluster_log_types") {
            let logs = string_list(planned.get("enabled_cluster_log_types"));
            let req = api.eks.update_cluster_config().name(name).logging(logging_for(&logs));
            api.call("UpdateClusterConfig", || req.clone().send()).await?;
            wait_active(&api, name, timeout).await?;
        }
        let mode = one_block(planned.get("access_config")).get_str("authentication_mode");
        if mode.is_some() && mode != one_block(prior.get("access_config")).get_str("authentication_mode") {
            let access = UpdateAccessConfigRequest::builder()
                .set_authentication_mode(mode.map(AuthenticationMode::from))
                .build();
            let req = api.eks.update_cluster_config().name(name).access_config(access);
            api.call("UpdateClusterConfig", || req.clone().send()).await?;
            wait_active(&api, name, timeout).await?;
        }
        if cluster_options::update(&api, name, prior, planned).await? {
            wait_active(&api, name, timeout).await?;
        }
        if cluster_features::update(&api, name, prior, planned).await? {
            wait_active(&api, name, timeout).await?;
        }
        sync_tags(&api, prior.get_str("arn").unwrap_or_default(), prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(state, "delete", DELETE_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let name = state.get_str("name").unwrap_or_default();
        // Node groups and addons deleted just before keep the cluster busy for a while.
        // A delete resent after a lost answer (or in a later run) finds the cluster DELETING:
        // wait for it rather than ask again.
        let deleting = describe(&api, name).await?.is_some_and(|c| c.status() == Some(&ClusterStatus::Deleting));
        let gone = !deleting
            && api
                .call_settling("DeleteCluster", &["ResourceInUseException"], || {
                    api.eks.delete_cluster().name(name).send()
                })
                .await
                .or_not_found(NOT_FOUND)?
                .is_none();
        if gone {
            return Ok(());
        }
        api.wait_for("EKS cluster to be deleted", timeout, || async {
            Ok(match describe(&api, name).await? {
                None => Poll::Ready(()),
                Some(c) => Poll::Pending(c.status().map(|s| s.as_str().to_string()).unwrap_or_default()),
            })
        })
        .await?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let seed = blank_state(&self.schema(), [("id", Value::from(id)), ("name", Value::from(id))]);
        import_via_read(self, ctx, id, seed).await
    }
}
