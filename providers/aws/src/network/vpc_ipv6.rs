//! The IPv6 block, IPAM and network-address-usage arguments shared by `aws_vpc` and
//! `aws_default_vpc`: their schema, what CreateVpc carries, the read-back, and in-place
//! changes (AssociateVpcCidrBlock / DisassociateVpcCidrBlock, ModifyVpcAttribute).

use crate::api::Api;
use crate::error::AwsError;
use crate::values::{get_i32, get_string, opt_str};
use crate::waiter::Poll;
use aws_sdk_ec2::operation::create_vpc::builders::CreateVpcFluentBuilder;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, Vpc, VpcAttributeName, VpcCidrBlockStateCode, VpcIpv6CidrBlockAssociation,
};
use meshplan_provider::{Attribute, Planned, Schema, Type, Value};
use std::time::Duration;

/// Terraform waits this long for an association to settle.
const ASSOCIATION_WAIT: Duration = Duration::from_secs(180);

/// The IPv6 arguments and results (both VPC types).
pub(super) fn ipv6_schema(schema: Schema) -> Schema {
    schema
        // Terraform's default: no Amazon-provided block unless asked.
        .attr("assign_generated_ipv6_cidr_block", Attribute::optional(Type::Bool).default(false))
        .attr("ipv6_cidr_block", Attribute::optional_computed(Type::String))
        .attr("ipv6_cidr_block_network_border_group", Attribute::optional_computed(Type::String))
        .attr("ipv6_ipam_pool_id", Attribute::optional(Type::String))
        .attr("ipv6_netmask_length", Attribute::optional(Type::Number))
        .attr("ipv6_association_id", Attribute::computed(Type::String))
        .attr("enable_network_address_usage_metrics", Attribute::optional_computed(Type::Bool))
}

/// CreateVpc with the IPv4 IPAM and IPv6 arguments of `planned`.
pub(super) fn with_create_arguments(req: CreateVpcFluentBuilder, planned: &Value) -> CreateVpcFluentBuilder {
    let generated = planned.get("assign_generated_ipv6_cidr_block").as_bool() == Some(true);
    let req = req
        .set_ipv4_ipam_pool_id(get_string(planned, "ipv4_ipam_pool_id"))
        .set_ipv4_netmask_length(get_i32(planned, "ipv4_netmask_length"))
        .set_ipv6_ipam_pool_id(get_string(planned, "ipv6_ipam_pool_id"))
        .set_ipv6_netmask_length(get_i32(planned, "ipv6_netmask_length"));
    if generated {
        req.amazon_provided_ipv6_cidr_block(true)
            .set_ipv6_cidr_block_network_border_group(get_string(planned, "ipv6_cidr_block_network_border_group"))
    } else if planned.get_str("ipv6_ipam_pool_id").is_some() {
        // A block from the pool: named explicitly, or `ipv6_netmask_length` picks one.
        req.set_ipv6_cidr_block(get_string(planned, "ipv6_cidr_block"))
    } else {
        req
    }
}

/// The VPC's live IPv6 association (disassociated ones linger in DescribeVpcs).
fn association(vpc: &Vpc) -> Option<&VpcIpv6CidrBlockAssociation> {
    vpc.ipv6_cidr_block_association_set().iter().find(|a| {
        let state = a.ipv6_cidr_block_state().and_then(|s| s.state());
        matches!(state, Some(VpcCidrBlockStateCode::Associated | VpcCidrBlockStateCode::Associating))
    })
}

/// Sets the IPv6 results from the described VPC.
pub(super) fn read_ipv6(vpc: &Vpc, s: &mut Value) {
    let a = association(vpc);
    let pool = a.and_then(|a| a.ipv6_pool());
    s.set("assign_generated_ipv6_cidr_block", Value::from(pool == Some("Amazon")));
    s.set("ipv6_association_id", opt_str(a.and_then(|a| a.association_id())));
    s.set("ipv6_cidr_block", opt_str(a.and_then(|a| a.ipv6_cidr_block())));
    s.set("ipv6_cidr_block_network_border_group", opt_str(a.and_then(|a| a.network_border_group())));
    // An IPAM pool's ID is what the association names as its pool.
    if s.get_str("ipv6_ipam_pool_id").is_some() || pool.is_some_and(|p| p.starts_with("ipam-pool-")) {
        s.set("ipv6_ipam_pool_id", opt_str(pool.filter(|p| *p != "Amazon")));
    }
}

/// What the IPv6 arguments ask for, to compare a prior state with a planned one.
fn wanted(v: &Value) -> (bool, Option<&str>) {
    (v.get("assign_generated_ipv6_cidr_block").as_bool() == Some(true), v.get_str("ipv6_ipam_pool_id"))
}

/// Whether `v` asks for an IPv6 block at all.
pub(super) fn wants_ipv6(v: &Value) -> bool {
    wanted(v) != (false, None)
}

/// Plan-time: a changed IPv6 source makes the block and its association unknown.
pub(super) fn plan_ipv6(planned: &mut Planned, config: &Value, prior: Option<&Value>) {
    let Some(prior) = prior else { return };
    if wanted(prior) != wanted(&planned.state) {
        if config.get("ipv6_cidr_block").is_null() {
            planned.state.set("ipv6_cidr_block", Value::Unknown);
        }
        planned.state.set("ipv6_association_id", Value::Unknown);
        if config.get("ipv6_cidr_block_network_border_group").is_null() {
            planned.state.set("ipv6_cidr_block_network_border_group", Value::Unknown);
        }
    }
}

/// In place: replaces the IPv6 association when its source changed, then waits for it.
pub(super) async fn update_ipv6(api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let (generated, pool) = wanted(planned);
    if wanted(prior) != (generated, pool) {
        if let Some(old) = prior.get_str("ipv6_association_id") {
            let req = api.ec2.disassociate_vpc_cidr_block().association_id(old);
            api.call("DisassociateVpcCidrBlock", || req.clone().send()).await?;
            wait_association(api, id, old, VpcCidrBlockStateCode::Disassociated).await?;
        }
        if generated || pool.is_some() {
            let req = api
                .ec2
                .associate_vpc_cidr_block()
                .vpc_id(id)
                .set_amazon_provided_ipv6_cidr_block(generated.then_some(true))
                .set_ipv6_ipam_pool_id(pool.map(str::to_string))
                .set_ipv6_netmask_length(get_i32(planned, "ipv6_netmask_length"))
                .set_ipv6_cidr_block(get_string(planned, "ipv6_cidr_block").filter(|_| pool.is_some()))
                .set_ipv6_cidr_block_network_border_group(get_string(planned, "ipv6_cidr_block_network_border_group"));
            let out = api.call("AssociateVpcCidrBlock", || req.clone().send()).await?;
            if let Some(new) = out.ipv6_cidr_block_association().and_then(|a| a.association_id()) {
                wait_association(api, id, new, VpcCidrBlockStateCode::Associated).await?;
            }
        }
    }
    Ok(())
}

/// After CreateVpc: the IPv6 block asked for is associated.
pub(super) async fn await_created_ipv6(api: &Api<'_>, id: &str, planned: &Value) -> Result<(), AwsError> {
    if !wants_ipv6(planned) {
        return Ok(());
    }
    api.wait_for("the VPC's IPv6 CIDR block", ASSOCIATION_WAIT, || async {
        let vpc = super::described::vpc(api, id).await?;
        let state = vpc.as_ref().and_then(association).and_then(|a| a.ipv6_cidr_block_state()?.state().cloned());
        Ok(match state {
            Some(VpcCidrBlockStateCode::Associated) => Poll::Ready(()),
            Some(s) => Poll::Pending(s.as_str().to_string()),
            None => Poll::Pending("no IPv6 association yet".into()),
        })
    })
    .await
}

async fn wait_association(
    api: &Api<'_>,
    vpc_id: &str,
    association_id: &str,
    target: VpcCidrBlockStateCode,
) -> Result<(), AwsError> {
    api.wait_for("the VPC's IPv6 CIDR association", ASSOCIATION_WAIT, || async {
        let req = api.ec2.describe_vpcs().vpc_ids(vpc_id);
        let out = api.call("DescribeVpcs", || req.clone().send()).await?;
        let state = out
            .vpcs()
            .iter()
            .flat_map(|v| v.ipv6_cidr_block_association_set())
            .find(|a| a.association_id() == Some(association_id))
            .and_then(|a| a.ipv6_cidr_block_state()?.state().cloned());
        Ok(match state {
            Some(s) if s == target => Poll::Ready(()),
            // A disassociated block may vanish from the answer altogether.
            None if target == VpcCidrBlockStateCode::Disassociated => Poll::Ready(()),
            Some(VpcCidrBlockStateCode::Failed | VpcCidrBlockStateCode::Failing) => {
                Poll::Failed { status: "failed".into(), reason: None }
            }
            s => Poll::Pending(s.map(|s| s.as_str().to_string()).unwrap_or_else(|| "not listed".into())),
        })
    })
    .await
}

/// Network address usage metrics: read back with one more DescribeVpcAttribute.
pub(super) async fn metrics_enabled(api: &Api<'_>, id: &str) -> Result<bool, AwsError> {
    let name = VpcAttributeName::EnableNetworkAddressUsageMetrics;
    let req = api.ec2.describe_vpc_attribute().vpc_id(id).attribute(name);
    let out = api.call("DescribeVpcAttribute", || req.clone().send()).await?;
    Ok(out.enable_network_address_usage_metrics().and_then(|v| v.value()).unwrap_or(false))
}

/// Sets network address usage metrics when the plan names a value other than `current`.
pub(super) async fn set_metrics(
    api: &Api<'_>,
    id: &str,
    current: Option<bool>,
    planned: &Value,
) -> Result<(), AwsError> {
    let want = planned.get("enable_network_address_usage_metrics").as_bool();
    if want.is_none() || want == current {
        return Ok(());
    }
    let value = AttributeBooleanValue::builder().set_value(want).build();
    let req = api.ec2.modify_vpc_attribute().vpc_id(id).enable_network_address_usage_metrics(value);
    api.call("ModifyVpcAttribute", || req.clone().send()).await?;
    Ok(())
}
