//! The coalescers behind EC2 refresh reads (`network/described.rs`), one per object type.
//! Held by the clients of one provider configuration; a module of its own so that the
//! clients do not depend on the resource modules (which depend on the API layer).

use crate::coalescer::Coalescer;
use aws_sdk_ec2::types::{
    Address, InternetGateway, NatGateway, RouteTable, SecurityGroup, Subnet, Vpc, VpcPeeringConnection,
};

#[derive(Default)]
pub(crate) struct Ec2Batches {
    pub(crate) vpcs: Coalescer<Vpc>,
    pub(crate) subnets: Coalescer<Subnet>,
    pub(crate) gateways: Coalescer<InternetGateway>,
    pub(crate) addresses: Coalescer<Address>,
    pub(crate) nat_gateways: Coalescer<NatGateway>,
    pub(crate) route_tables: Coalescer<RouteTable>,
    pub(crate) security_groups: Coalescer<SecurityGroup>,
    pub(crate) peerings: Coalescer<VpcPeeringConnection>,
}
