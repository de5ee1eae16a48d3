//! EC2 networking resources.

mod described;
mod ec2;
pub(crate) use ec2::{filter as ec2_filter, set_tags as ec2_set_tags, tag_spec as ec2_tag_spec, user_tags};
pub(crate) use vpc::{main_route_table_id, vpc_attribute};
mod acl;
mod acl_rule;
mod block_public_access;
mod cidr_association;
mod customer_gateway;
mod default_security_group;
mod default_vpc;
mod dhcp_options;
mod ec2_tag;
mod egress_only_gateway;
mod eip;
mod eip_association;
mod flow_log;
mod internet_gateway;
mod legacy_sg_rule;
mod located;
mod nat_gateway;
mod nat_secondary;
mod placement_group;
mod prefix_list;
mod route;
mod route_propagation;
mod route_table;
mod route_table_association;
mod route_table_routes;
mod security_group;
mod sg_rule;
mod sg_rules;
mod subnet;
mod subnet_attributes;
mod vpc;
mod vpc_endpoint;
mod vpc_endpoint_shape;
mod vpc_ipv6;
mod vpc_peering;
mod vpn_gateway;

use crate::skeleton::Managed;
use crate::timed::Timed;
use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(vpc::Vpc),
        Arc::new(Timed::new(subnet::Subnet, &["create", "delete"])),
        Arc::new(Timed::new(Managed(internet_gateway::InternetGateway), &["create", "delete", "update"])),
        Arc::new(Timed::new(eip::Eip, &["delete", "read", "update"])),
        Arc::new(nat_gateway::NatGateway),
        Arc::new(Timed::new(route_table::RouteTable, &["create", "update", "delete"])),
        Arc::new(Timed::new(route_table::DefaultRouteTable, &["create", "update"])),
        Arc::new(Timed::new(route::Route, &["create", "delete", "update"])),
        Arc::new(Timed::new(route_table_association::RouteTableAssociation, &["create", "delete", "update"])),
        Arc::new(Timed::new(security_group::SecurityGroup, &["create", "delete"])),
        Arc::new(sg_rule::SecurityGroupRule { egress: false }),
        Arc::new(sg_rule::SecurityGroupRule { egress: true }),
        Arc::new(Managed(egress_only_gateway::EgressOnlyGateway)),
        Arc::new(Managed(dhcp_options::DhcpOptions)),
        Arc::new(Managed(dhcp_options::DhcpOptionsAssociation)),
        Arc::new(Managed(ec2_tag::Ec2Tag)),
        Arc::new(Managed(default_vpc::DefaultVpc)),
        Arc::new(Managed(acl::NetworkAclType)),
        Arc::new(Managed(acl::DefaultNetworkAcl)),
        Arc::new(Managed(flow_log::FlowLog)),
        Arc::new(Managed(default_security_group::DefaultSecurityGroup)),
        Arc::new(Managed(legacy_sg_rule::LegacyRule)),
        Arc::new(Managed(acl_rule::AclRule)),
        Arc::new(Managed(cidr_association::CidrAssociation)),
        Arc::new(vpc_peering::PeeringConnection),
        Arc::new(vpc_peering::PeeringAccepter),
        Arc::new(vpc_peering::PeeringOptions),
        Arc::new(Managed(customer_gateway::CustomerGateway)),
        Arc::new(Managed(vpn_gateway::VpnGateway)),
        Arc::new(Managed(vpn_gateway::VpnGatewayAttachment)),
        Arc::new(Managed(route_propagation::RoutePropagation)),
        Arc::new(Managed(vpc_endpoint::VpcEndpoint)),
        Arc::new(Managed(block_public_access::BlockOptions)),
        Arc::new(Managed(block_public_access::Exclusion)),
        Arc::new(Managed(prefix_list::PrefixList)),
        Arc::new(Managed(prefix_list::PrefixListEntry)),
        Arc::new(Managed(placement_group::PlacementGroup)),
    ]
}
