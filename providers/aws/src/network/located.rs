//! Finding EC2 objects by the intent tag their create wrote (see `crate::intent`): what
//! `find` and the create retry use to tell "an earlier attempt made it" from "not made".

use super::ec2::filter;
use crate::api::Api;
use crate::error::AwsError;
use aws_sdk_ec2::types::{NatGatewayState, VpcPeeringConnectionStateReasonCode as Pcx};
use meshplan_provider::INTENT_TAG;

fn by_intent(token: &str) -> aws_sdk_ec2::types::Filter {
    filter(&format!("tag:{INTENT_TAG}"), [token])
}

/// True when the object's own tags carry `token`. Checked here, not left to the server's
/// filter: an emulator (or an API) that ignores a tag filter must not make another create's
/// object look like ours.
fn tagged(tags: &[aws_sdk_ec2::types::Tag], token: &str) -> bool {
    crate::intent::carries(tags.iter().filter_map(|t| Some((t.key()?, t.value()?))), token)
}

fn first<T>(
    items: &[T],
    tags: impl Fn(&T) -> &[aws_sdk_ec2::types::Tag],
    id: impl Fn(&T) -> Option<&str>,
    token: &str,
) -> Option<String> {
    items.iter().filter(|i| tagged(tags(i), token)).find_map(|i| id(i).map(str::to_string))
}

pub async fn vpc(api: &Api<'_>, token: &str) -> Result<Option<String>, AwsError> {
    let out = api.call("DescribeVpcs", || api.ec2.describe_vpcs().filters(by_intent(token)).send()).await?;
    Ok(first(out.vpcs(), |v| v.tags(), |v| v.vpc_id(), token))
}

pub async fn subnet(api: &Api<'_>, token: &str) -> Result<Option<String>, AwsError> {
    let out = api.call("DescribeSubnets", || api.ec2.describe_subnets().filters(by_intent(token)).send()).await?;
    Ok(first(out.subnets(), |s| s.tags(), |s| s.subnet_id(), token))
}

pub async fn internet_gateway(api: &Api<'_>, token: &str) -> Result<Option<String>, AwsError> {
    let out = api
        .call("DescribeInternetGateways", || api.ec2.describe_internet_gateways().filters(by_intent(token)).send())
        .await?;
    Ok(first(out.internet_gateways(), |g| g.tags(), |g| g.internet_gateway_id(), token))
}

pub async fn address(api: &Api<'_>, token: &str) -> Result<Option<String>, AwsError> {
    let out = api.call("DescribeAddresses", || api.ec2.describe_addresses().filters(by_intent(token)).send()).await?;
    Ok(first(out.addresses(), |a| a.tags(), |a| a.allocation_id(), token))
}

/// Failed and deleted gateways stay visible for a while; they are not the object.
pub async fn nat_gateway(api: &Api<'_>, token: &str) -> Result<Option<String>, AwsError> {
    let out =
        api.call("DescribeNatGateways", || api.ec2.describe_nat_gateways().filter(by_intent(token)).send()).await?;
    let live = out
        .nat_gateways()
        .iter()
        .filter(|n| {
            tagged(n.tags(), token)
                && !matches!(
                    n.state(),
                    Some(NatGatewayState::Deleted | NatGatewayState::Deleting | NatGatewayState::Failed)
                )
        })
        .collect::<Vec<_>>();
    Ok(live.first().and_then(|n| n.nat_gateway_id()).map(str::to_string))
}

pub async fn route_table(api: &Api<'_>, token: &str) -> Result<Option<String>, AwsError> {
    let out =
        api.call("DescribeRouteTables", || api.ec2.describe_route_tables().filters(by_intent(token)).send()).await?;
    Ok(first(out.route_tables(), |r| r.tags(), |r| r.route_table_id(), token))
}

pub async fn security_group(api: &Api<'_>, token: &str) -> Result<Option<String>, AwsError> {
    let out = api
        .call("DescribeSecurityGroups", || api.ec2.describe_security_groups().filters(by_intent(token)).send())
        .await?;
    Ok(first(out.security_groups(), |g| g.tags(), |g| g.group_id(), token))
}

pub async fn security_group_rule(api: &Api<'_>, token: &str) -> Result<Option<String>, AwsError> {
    let out = api
        .call("DescribeSecurityGroupRules", || api.ec2.describe_security_group_rules().filters(by_intent(token)).send())
        .await?;
    Ok(first(out.security_group_rules(), |r| r.tags(), |r| r.security_group_rule_id(), token))
}

pub async fn peering(api: &Api<'_>, token: &str) -> Result<Option<String>, AwsError> {
    let req = api.ec2.describe_vpc_peering_connections().filters(by_intent(token));
    let out = api.call("DescribeVpcPeeringConnections", || req.clone().send()).await?;
    let gone = |p: &&aws_sdk_ec2::types::VpcPeeringConnection| {
        matches!(
            p.status().and_then(|s| s.code()),
            Some(Pcx::Deleted | Pcx::Deleting | Pcx::Rejected | Pcx::Failed | Pcx::Expired)
        )
    };
    Ok(out
        .vpc_peering_connections()
        .iter()
        .filter(|p| tagged(p.tags(), token) && !gone(p))
        .find_map(|p| p.vpc_peering_connection_id())
        .map(str::to_string))
}
