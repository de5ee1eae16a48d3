//! EC2 networking resources.

mod described;
mod ec2;
pub(crate) use ec2::tags_map;
pub(crate) use vpc::{main_route_table_id, vpc_attribute};
mod eip;
mod internet_gateway;
mod located;
mod nat_gateway;
mod route;
mod route_table;
mod route_table_association;
mod security_group;
mod sg_rule;
mod sg_rules;
mod subnet;
mod vpc;
mod vpc_peering;

use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(vpc::Vpc),
        Arc::new(subnet::Subnet),
        Arc::new(internet_gateway::InternetGateway),
        Arc::new(eip::Eip),
        Arc::new(nat_gateway::NatGateway),
        Arc::new(route_table::RouteTable),
        Arc::new(route_table::DefaultRouteTable),
        Arc::new(route::Route),
        Arc::new(route_table_association::RouteTableAssociation),
        Arc::new(security_group::SecurityGroup),
        Arc::new(sg_rule::SecurityGroupRule { egress: false }),
        Arc::new(sg_rule::SecurityGroupRule { egress: true }),
        Arc::new(vpc_peering::PeeringConnection),
        Arc::new(vpc_peering::PeeringAccepter),
        Arc::new(vpc_peering::PeeringOptions),
    ]
}
