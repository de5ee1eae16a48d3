//! Refresh reads of EC2 objects, coalesced: concurrent reads of one type become one
//! Describe* call filtered by ID (a filter, unlike an ID list, does not fail the whole
//! call when one object is gone).

use super::ec2::filter;
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use aws_sdk_ec2::types::{
    Address, InternetGateway, NatGateway, RouteTable, SecurityGroup, Subnet, Vpc, VpcPeeringConnection,
};

fn keyed<T>(items: &[T], id: impl Fn(&T) -> Option<&str>) -> Vec<(String, T)>
where
    T: Clone,
{
    items.iter().filter_map(|i| Some((id(i)?.to_string(), i.clone()))).collect()
}

pub async fn vpc(api: &Api<'_>, id: &str) -> Result<Option<Vpc>, AwsError> {
    api.ec2_batches
        .vpcs
        .get(id, |ids| async move {
            let out = api
                .call("DescribeVpcs", || api.ec2.describe_vpcs().filters(filter("vpc-id", ids.clone())).send())
                .await?;
            Ok(keyed(out.vpcs(), |v| v.vpc_id()))
        })
        .await
}

pub async fn subnet(api: &Api<'_>, id: &str) -> Result<Option<Subnet>, AwsError> {
    api.ec2_batches
        .subnets
        .get(id, |ids| async move {
            let out = api
                .call("DescribeSubnets", || api.ec2.describe_subnets().filters(filter("subnet-id", ids.clone())).send())
                .await?;
            Ok(keyed(out.subnets(), |s| s.subnet_id()))
        })
        .await
}

pub async fn internet_gateway(api: &Api<'_>, id: &str) -> Result<Option<InternetGateway>, AwsError> {
    api.ec2_batches
        .gateways
        .get(id, |ids| async move {
            let req = api.ec2.describe_internet_gateways().filters(filter("internet-gateway-id", ids));
            let out = api.call("DescribeInternetGateways", || req.clone().send()).await?;
            Ok(keyed(out.internet_gateways(), |g| g.internet_gateway_id()))
        })
        .await
}

pub async fn address(api: &Api<'_>, allocation_id: &str) -> Result<Option<Address>, AwsError> {
    api.ec2_batches
        .addresses
        .get(allocation_id, |ids| async move {
            let req = api.ec2.describe_addresses().filters(filter("allocation-id", ids));
            let out = api.call("DescribeAddresses", || req.clone().send()).await?;
            Ok(keyed(out.addresses(), |a| a.allocation_id()))
        })
        .await
}

pub async fn nat_gateway(api: &Api<'_>, id: &str) -> Result<Option<NatGateway>, AwsError> {
    api.ec2_batches
        .nat_gateways
        .get(id, |ids| async move {
            let req = api.ec2.describe_nat_gateways().filter(filter("nat-gateway-id", ids));
            let out = api.call("DescribeNatGateways", || req.clone().send()).await?;
            Ok(keyed(out.nat_gateways(), |n| n.nat_gateway_id()))
        })
        .await
}

pub async fn route_table(api: &Api<'_>, id: &str) -> Result<Option<RouteTable>, AwsError> {
    api.ec2_batches
        .route_tables
        .get(id, |ids| async move {
            let req = api.ec2.describe_route_tables().filters(filter("route-table-id", ids));
            let out = api.call("DescribeRouteTables", || req.clone().send()).await?;
            Ok(keyed(out.route_tables(), |r| r.route_table_id()))
        })
        .await
}

pub async fn security_group(api: &Api<'_>, id: &str) -> Result<Option<SecurityGroup>, AwsError> {
    api.ec2_batches
        .security_groups
        .get(id, |ids| async move {
            let req = api.ec2.describe_security_groups().filters(filter("group-id", ids));
            let out = api.call("DescribeSecurityGroups", || req.clone().send()).await?;
            Ok(keyed(out.security_groups(), |g| g.group_id()))
        })
        .await
}

pub async fn peering(api: &Api<'_>, id: &str) -> Result<Option<VpcPeeringConnection>, AwsError> {
    api.ec2_batches
        .peerings
        .get(id, |ids| async move {
            let req = api.ec2.describe_vpc_peering_connections().filters(filter("vpc-peering-connection-id", ids));
            let out = api.call("DescribeVpcPeeringConnections", || req.clone().send()).await?;
            Ok(keyed(out.vpc_peering_connections(), |p| p.vpc_peering_connection_id()))
        })
        .await
}

/// Not coalesced: network ACLs are few per configuration. By ID, not by filter (moto has no
/// `network-acl-id` filter); moto says InvalidRouteTableID.NotFound for a missing ACL.
pub async fn network_acl(api: &Api<'_>, id: &str) -> Result<Option<aws_sdk_ec2::types::NetworkAcl>, AwsError> {
    let req = api.ec2.describe_network_acls().network_acl_ids(id);
    let out = api
        .call("DescribeNetworkAcls", || req.clone().send())
        .await
        .or_not_found(&["InvalidNetworkAclID.NotFound", "InvalidRouteTableID.NotFound"])?;
    Ok(out.and_then(|o| o.network_acls().iter().find(|a| a.network_acl_id() == Some(id)).cloned()))
}
