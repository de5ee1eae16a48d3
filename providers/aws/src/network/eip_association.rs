//! `aws_eip`'s association and BYOIP/Outposts/IPAM arguments: where the address comes from
//! (AllocateAddress), what it is attached to (AssociateAddress / DisassociateAddress on
//! `instance` / `network_interface` / `associate_with_private_ip`), and what is read back.

use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::values::{get_string, opt_str};
use aws_sdk_ec2::operation::allocate_address::builders::AllocateAddressFluentBuilder;
use aws_sdk_ec2::types::Address;
use meshplan_provider::{Attribute, Schema, Type, Value};

pub(super) fn with_association(schema: Schema) -> Schema {
    let optional = || Attribute::optional(Type::String);
    let computed = || Attribute::computed(Type::String);
    schema
        .attr("address", optional().force_new())
        .attr("customer_owned_ipv4_pool", optional().force_new())
        .attr("ipam_pool_id", Attribute::optional_computed(Type::String).force_new())
        .attr("public_ipv4_pool", Attribute::optional_computed(Type::String).force_new())
        .attr("instance", Attribute::optional_computed(Type::String))
        .attr("network_interface", Attribute::optional_computed(Type::String))
        .attr("associate_with_private_ip", optional())
        // Deprecated in Terraform: every address is a VPC address now.
        .attr("vpc", Attribute::optional_computed(Type::Bool).force_new())
        .attr("carrier_ip", computed())
        .attr("customer_owned_ip", computed())
        .attr("private_dns", computed())
        .attr("ptr_record", computed())
}

pub(super) fn with_allocate_arguments(req: AllocateAddressFluentBuilder, p: &Value) -> AllocateAddressFluentBuilder {
    req.set_address(get_string(p, "address"))
        .set_customer_owned_ipv4_pool(get_string(p, "customer_owned_ipv4_pool"))
        .set_ipam_pool_id(get_string(p, "ipam_pool_id"))
        .set_public_ipv4_pool(get_string(p, "public_ipv4_pool"))
}

/// EC2's private DNS name of an address (`ip-10-0-0-1.ec2.internal` in us-east-1).
fn private_dns(ip: &str, region: &str) -> String {
    let host = format!("ip-{}", ip.replace('.', "-"));
    match region {
        "us-east-1" => format!("{host}.ec2.internal"),
        r => format!("{host}.{r}.compute.internal"),
    }
}

pub(super) fn read_association(a: &Address, region: &str, s: &mut Value) {
    s.set("instance", opt_str(a.instance_id().filter(|i| !i.is_empty())));
    s.set("carrier_ip", opt_str(a.carrier_ip()));
    s.set("customer_owned_ip", opt_str(a.customer_owned_ip()));
    s.set("customer_owned_ipv4_pool", opt_str(a.customer_owned_ipv4_pool()));
    s.set("public_ipv4_pool", opt_str(a.public_ipv4_pool()));
    s.set("vpc", Value::from(a.domain().map(|d| d.as_str()) == Some("vpc")));
    s.set("private_dns", opt_str(a.private_ip_address().map(|ip| private_dns(ip, region)).as_deref()));
    if s.get("ptr_record").is_unknown() {
        s.set("ptr_record", Value::Null);
    }
    // Not reported by DescribeAddresses: what was asked for stays.
    if s.get("ipam_pool_id").is_unknown() {
        s.set("ipam_pool_id", Value::Null);
    }
}

/// What the address should be attached to: (instance, network interface, private IP).
fn target(v: &Value) -> (Option<&str>, Option<&str>, Option<&str>) {
    (v.get_str("instance"), v.get_str("network_interface"), v.get_str("associate_with_private_ip"))
}

/// Attaches (or re-attaches) the address when its planned target differs from `prior`'s.
pub(super) async fn sync_association(api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let (instance, eni, private_ip) = target(planned);
    if target(prior) == (instance, eni, private_ip) || (instance.is_none() && eni.is_none()) {
        // Unset (optional+computed) keeps whatever the address is attached to.
        return Ok(());
    }
    disassociate(api, prior).await?;
    let req = api
        .ec2
        .associate_address()
        .allocation_id(id)
        .set_instance_id(instance.map(str::to_string))
        .set_network_interface_id(eni.map(str::to_string))
        .set_private_ip_address(private_ip.map(str::to_string));
    api.call("AssociateAddress", || req.clone().send()).await?;
    Ok(())
}

/// Detaches the address (before a release, or a move), if it is attached.
pub(super) async fn disassociate(api: &Api<'_>, state: &Value) -> Result<(), AwsError> {
    let Some(association) = state.get_str("association_id") else { return Ok(()) };
    let req = api.ec2.disassociate_address().association_id(association);
    api.call("DisassociateAddress", || req.clone().send()).await.or_not_found(&["InvalidAssociationID.NotFound"])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn private_dns_follows_the_region() {
        assert_eq!(super::private_dns("10.0.0.1", "us-east-1"), "ip-10-0-0-1.ec2.internal");
        assert_eq!(super::private_dns("10.0.0.1", "eu-west-1"), "ip-10-0-0-1.eu-west-1.compute.internal");
    }
}
