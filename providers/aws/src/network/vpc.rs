//! `aws_vpc`.

use super::ec2::{filter, sync_tags, tag_spec, tags_map};
use super::located;
use super::vpc_ipv6::{
    await_created_ipv6, ipv6_schema, metrics_enabled, plan_ipv6, read_ipv6, set_metrics, update_ipv6,
    with_create_arguments,
};
use crate::api::{Api, CreateCall, NotFound};
use crate::intent;
use crate::resource::missing_id;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{blank_state, get_string, opt_str};
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType as Ec2Type, VpcAttributeName};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};

pub struct Vpc;

const NOT_FOUND: &[&str] = &["InvalidVpcID.NotFound"];

#[async_trait]
impl ResourceType for Vpc {
    fn type_name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(ipv6_schema(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                // Unset: the IPAM pool picks the block.
                .attr("cidr_block", Attribute::optional_computed(Type::String).force_new())
                .attr("ipv4_ipam_pool_id", Attribute::optional(Type::String).force_new())
                .attr("ipv4_netmask_length", Attribute::optional(Type::Number).force_new())
                .attr("instance_tenancy", Attribute::optional(Type::String).default("default").force_new())
                .attr("enable_dns_support", Attribute::optional(Type::Bool).default(true))
                // Unset: whatever AWS has (false for a new VPC), as in Terraform.
                .attr("enable_dns_hostnames", Attribute::optional_computed(Type::Bool))
                .attr("main_route_table_id", Attribute::computed(Type::String))
                .attr("default_route_table_id", Attribute::computed(Type::String))
                .attr("default_security_group_id", Attribute::computed(Type::String))
                .attr("default_network_acl_id", Attribute::computed(Type::String))
                .attr("dhcp_options_id", Attribute::computed(Type::String))
                .attr("owner_id", Attribute::computed(Type::String)),
        ))
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let (config, prior) = (req.config, req.prior);
        let mut planned = meshplan_provider::plan_with_schema(&self.schema(), req);
        plan_ipv6(&mut planned, config, prior);
        Ok(tags::plan(Api::new(ctx)?.clients, planned))
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        let Some(vpc) = super::described::vpc(&api, id).await? else { return Ok(None) };
        let dns_support = vpc_attribute(&api, id, VpcAttributeName::EnableDnsSupport).await?;
        let dns_hostnames = vpc_attribute(&api, id, VpcAttributeName::EnableDnsHostnames).await?;
        let mut s = state.clone();
        let owner = vpc.owner_id().unwrap_or_default();
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:vpc/{id}", api.partition(), api.region)));
        s.set("cidr_block", opt_str(vpc.cidr_block()));
        s.set("instance_tenancy", opt_str(vpc.instance_tenancy().map(|t| t.as_str())));
        s.set("dhcp_options_id", opt_str(vpc.dhcp_options_id()));
        s.set("owner_id", opt_str(vpc.owner_id()));
        s.set("enable_dns_support", Value::from(dns_support));
        s.set("enable_dns_hostnames", Value::from(dns_hostnames));
        s.set("enable_network_address_usage_metrics", Value::from(metrics_enabled(&api, id).await?));
        read_ipv6(&vpc, &mut s);
        tags::set_from_remote(&api, &mut s, tags_map(vpc.tags()));
        // The default route table, security group and ACL live as long as the VPC:
        // look them up once (create, import), not on every refresh.
        if s.get_str("default_security_group_id").is_none() {
            fill_defaults(&api, id, &mut s).await?;
        }
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let tenancy = planned.get_str("instance_tenancy").unwrap_or("default");
        let req = api.ec2.create_vpc();
        let req = with_create_arguments(req, planned)
            .set_cidr_block(get_string(planned, "cidr_block"))
            .instance_tenancy(tenancy.into())
            .set_tag_specifications(
                tag_spec(Ec2Type::Vpc, &tags::desired_with_intent(&api, planned, &token)).map(|t| vec![t]),
            );
        let created = api
            .create("CreateVpc", CreateCall::default(), || req.clone().send(), || located::vpc(&api, &token))
            .await?;
        let id = created.id(|out| out.vpc().and_then(|v| v.vpc_id())).ok_or_else(|| missing_id(ctx, "CreateVpc"))?;
        self.finish(ctx, &api, planned, &id).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        match located::vpc(&api, token).await? {
            Some(id) => self.finish(ctx, &api, planned, &id).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        set_dns_attributes(&api, id, prior, planned).await?;
        set_metrics(&api, id, prior.get("enable_network_address_usage_metrics").as_bool(), planned).await?;
        update_ipv6(&api, id, prior, planned).await?;
        sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let id = state.get_str("id").unwrap_or_default();
        // ENIs of just-deleted NAT gateways, endpoints or clusters take a while to go.
        api.call_settling("DeleteVpc", &["DependencyViolation"], || api.ec2.delete_vpc().vpc_id(id).send())
            .await
            .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id))])).await
    }
}

impl Vpc {
    /// The steps after CreateVpc, each safe to repeat (find resumes an interrupted create).
    async fn finish(&self, ctx: &Ctx, api: &Api<'_>, planned: &Value, id: &str) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        let prior = blank_state(
            &self.schema(),
            [("enable_dns_support", Value::from(true)), ("enable_dns_hostnames", Value::from(false))],
        );
        set_dns_attributes(api, id, &prior, planned).await.map_err(|e| with_partial(e, &state))?;
        set_metrics(api, id, Some(false), planned).await.map_err(|e| with_partial(e, &state))?;
        await_created_ipv6(api, id, planned).await.map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }
}

pub(crate) async fn vpc_attribute(
    api: &Api<'_>,
    id: &str,
    name: VpcAttributeName,
) -> Result<bool, crate::error::AwsError> {
    let out = api
        .call("DescribeVpcAttribute", || api.ec2.describe_vpc_attribute().vpc_id(id).attribute(name.clone()).send())
        .await?;
    let value = match name {
        VpcAttributeName::EnableDnsSupport => out.enable_dns_support(),
        VpcAttributeName::EnableNetworkAddressUsageMetrics => out.enable_network_address_usage_metrics(),
        _ => out.enable_dns_hostnames(),
    };
    Ok(value.and_then(|v| v.value()).unwrap_or(false))
}

pub(super) async fn set_dns_attributes(
    api: &Api<'_>,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), crate::error::AwsError> {
    for attr in ["enable_dns_support", "enable_dns_hostnames"] {
        let want = planned.get(attr).as_bool();
        if want.is_none() || want == prior.get(attr).as_bool() {
            continue;
        }
        let value = AttributeBooleanValue::builder().set_value(want).build();
        let mut req = api.ec2.modify_vpc_attribute().vpc_id(id);
        req =
            if attr == "enable_dns_support" { req.enable_dns_support(value) } else { req.enable_dns_hostnames(value) };
        api.call("ModifyVpcAttribute", || req.clone().send()).await?;
    }
    Ok(())
}

/// The VPC's main route table.
pub(crate) async fn main_route_table_id(api: &Api<'_>, id: &str) -> Result<Option<String>, crate::error::AwsError> {
    let rts = api
        .call("DescribeRouteTables", || {
            api.ec2
                .describe_route_tables()
                .filters(filter("vpc-id", [id]))
                .filters(filter("association.main", ["true"]))
                .send()
        })
        .await?;
    Ok(rts.route_tables().first().and_then(|r| r.route_table_id()).map(str::to_string))
}

pub(super) async fn fill_defaults(api: &Api<'_>, id: &str, s: &mut Value) -> Result<(), crate::error::AwsError> {
    let main = main_route_table_id(api, id).await?;
    s.set("main_route_table_id", opt_str(main.as_deref()));
    s.set("default_route_table_id", opt_str(main.as_deref()));
    let sgs = api
        .call("DescribeSecurityGroups", || {
            api.ec2
                .describe_security_groups()
                .filters(filter("vpc-id", [id]))
                .filters(filter("group-name", ["default"]))
                .send()
        })
        .await?;
    s.set("default_security_group_id", opt_str(sgs.security_groups().first().and_then(|g| g.group_id())));
    let acls = api
        .call("DescribeNetworkAcls", || {
            api.ec2.describe_network_acls().filters(filter("vpc-id", [id])).filters(filter("default", ["true"])).send()
        })
        .await?;
    s.set("default_network_acl_id", opt_str(acls.network_acls().first().and_then(|a| a.network_acl_id())));
    Ok(())
}
