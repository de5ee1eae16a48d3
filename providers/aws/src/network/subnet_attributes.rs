//! `aws_subnet`'s settings beyond the create: ModifySubnetAttribute (one attribute per call,
//! as the API demands) and the IPv6 block (AssociateSubnetCidrBlock /
//! DisassociateSubnetCidrBlock), plus their read-back.

use crate::api::Api;
use crate::error::AwsError;
use crate::values::{get_i32, opt_str};
use crate::waiter::Poll;
use aws_sdk_ec2::operation::modify_subnet_attribute::builders::ModifySubnetAttributeFluentBuilder as Modify;
use aws_sdk_ec2::types::{AttributeBooleanValue, HostnameType, Subnet, SubnetCidrBlockStateCode};
use meshplan_provider::{Attribute, Schema, Type, Value};
use std::time::Duration;

/// The boolean settings, each with the request that sets it.
const FLAGS: &[(&str, fn(Modify, AttributeBooleanValue) -> Modify)] = &[
    ("map_customer_owned_ip_on_launch", |r, v| r.map_customer_owned_ip_on_launch(v)),
    ("enable_dns64", |r, v| r.enable_dns64(v)),
    ("enable_resource_name_dns_a_record_on_launch", |r, v| r.enable_resource_name_dns_a_record_on_launch(v)),
    ("enable_resource_name_dns_aaaa_record_on_launch", |r, v| r.enable_resource_name_dns_aaaa_record_on_launch(v)),
    ("map_public_ip_on_launch", |r, v| r.map_public_ip_on_launch(v)),
    ("assign_ipv6_address_on_creation", |r, v| r.assign_ipv6_address_on_creation(v)),
];

pub(super) fn with_attributes(schema: Schema) -> Schema {
    let flags = FLAGS
        .iter()
        // Unset is AWS's default (false), as Terraform reads it back.
        .fold(schema, |s, (name, _)| s.attr(name, Attribute::optional(Type::Bool).default(false)));
    flags
        .attr("customer_owned_ipv4_pool", Attribute::optional(Type::String))
        .attr("enable_lni_at_device_index", Attribute::optional(Type::Number))
        .attr("private_dns_hostname_type_on_launch", Attribute::optional_computed(Type::String))
        .attr("ipv6_cidr_block", Attribute::optional(Type::String))
        .attr("ipv6_cidr_block_association_id", Attribute::computed(Type::String))
}

/// Sets the described subnet's settings and IPv6 block on `s`.
pub(super) fn read_attributes(sn: &Subnet, s: &mut Value) {
    let dns = sn.private_dns_name_options_on_launch();
    let flag = |v: Option<bool>| Value::from(v.unwrap_or(false));
    s.set("map_public_ip_on_launch", flag(sn.map_public_ip_on_launch()));
    s.set("map_customer_owned_ip_on_launch", flag(sn.map_customer_owned_ip_on_launch()));
    s.set("enable_dns64", flag(sn.enable_dns64()));
    s.set("assign_ipv6_address_on_creation", flag(sn.assign_ipv6_address_on_creation()));
    s.set("enable_resource_name_dns_a_record_on_launch", flag(dns.and_then(|d| d.enable_resource_name_dns_a_record())));
    s.set(
        "enable_resource_name_dns_aaaa_record_on_launch",
        flag(dns.and_then(|d| d.enable_resource_name_dns_aaaa_record())),
    );
    s.set("private_dns_hostname_type_on_launch", opt_str(dns.and_then(|d| d.hostname_type()).map(|h| h.as_str())));
    s.set("customer_owned_ipv4_pool", opt_str(sn.customer_owned_ipv4_pool()));
    s.set("outpost_arn", opt_str(sn.outpost_arn()));
    s.set("ipv6_native", flag(sn.ipv6_native()));
    // 0 is AWS's "not set".
    let lni = sn.enable_lni_at_device_index().filter(|i| *i > 0);
    s.set("enable_lni_at_device_index", lni.map(|i| Value::from(i64::from(i))).unwrap_or(Value::Null));
    let ipv6 =
        sn.ipv6_cidr_block_association_set().iter().find(|a| live(a.ipv6_cidr_block_state().and_then(|s| s.state())));
    s.set("ipv6_cidr_block", opt_str(ipv6.and_then(|a| a.ipv6_cidr_block())));
    s.set("ipv6_cidr_block_association_id", opt_str(ipv6.and_then(|a| a.association_id())));
}

/// Whether an association counts: not on its way out. (moto lists live associations with a
/// state the SDK cannot read, so a missing state counts as live.)
fn live(state: Option<&SubnetCidrBlockStateCode>) -> bool {
    use SubnetCidrBlockStateCode::{Disassociated, Disassociating, Failed, Failing};
    !matches!(state, Some(Disassociated | Disassociating | Failed | Failing))
}

/// Sends each setting whose planned value differs from `prior` (for a create: AWS's
/// defaults), one call each.
pub(super) async fn modify_attributes(api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let base = || api.ec2.modify_subnet_attribute().subnet_id(id);
    for (name, set) in FLAGS {
        let want = planned.get(name).as_bool().unwrap_or(false);
        if prior.get(name).as_bool().unwrap_or(false) == want {
            continue;
        }
        let mut req = set(base(), AttributeBooleanValue::builder().value(want).build());
        if *name == "map_customer_owned_ip_on_launch" {
            // The pool goes with the flag.
            req = req.set_customer_owned_ipv4_pool(planned.get_str("customer_owned_ipv4_pool").map(str::to_string));
        }
        api.call("ModifySubnetAttribute", || req.clone().send()).await?;
    }
    let lni = get_i32(planned, "enable_lni_at_device_index");
    if lni.is_some() && lni != get_i32(prior, "enable_lni_at_device_index") {
        let req = base().set_enable_lni_at_device_index(lni);
        api.call("ModifySubnetAttribute", || req.clone().send()).await?;
    }
    let hostname = planned.get_str("private_dns_hostname_type_on_launch");
    if hostname.is_some() && hostname != prior.get_str("private_dns_hostname_type_on_launch") {
        let req = base().private_dns_hostname_type_on_launch(HostnameType::from(hostname.unwrap_or_default()));
        api.call("ModifySubnetAttribute", || req.clone().send()).await?;
    }
    Ok(())
}

/// In place: a changed IPv6 block is disassociated, then the new one associated.
pub(super) async fn update_ipv6(api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let want = planned.get_str("ipv6_cidr_block");
    if want == prior.get_str("ipv6_cidr_block") {
        return Ok(());
    }
    if let Some(old) = prior.get_str("ipv6_cidr_block_association_id") {
        let req = api.ec2.disassociate_subnet_cidr_block().association_id(old);
        api.call("DisassociateSubnetCidrBlock", || req.clone().send()).await?;
        wait_association(api, id, old, SubnetCidrBlockStateCode::Disassociated).await?;
    }
    if let Some(block) = want {
        let req = api.ec2.associate_subnet_cidr_block().subnet_id(id).ipv6_cidr_block(block);
        let out = api.call("AssociateSubnetCidrBlock", || req.clone().send()).await?;
        if let Some(new) = out.ipv6_cidr_block_association().and_then(|a| a.association_id()) {
            wait_association(api, id, new, SubnetCidrBlockStateCode::Associated).await?;
        }
    }
    Ok(())
}

async fn wait_association(
    api: &Api<'_>,
    subnet_id: &str,
    association_id: &str,
    target: SubnetCidrBlockStateCode,
) -> Result<(), AwsError> {
    api.wait_for("the subnet's IPv6 CIDR association", Duration::from_secs(180), || async {
        let req = api.ec2.describe_subnets().subnet_ids(subnet_id);
        let out = api.call("DescribeSubnets", || req.clone().send()).await?;
        let listed = out
            .subnets()
            .iter()
            .flat_map(|s| s.ipv6_cidr_block_association_set())
            .find(|a| a.association_id() == Some(association_id));
        let state = listed.and_then(|a| a.ipv6_cidr_block_state()?.state().cloned());
        Ok(match state {
            Some(s) if s == target => Poll::Ready(()),
            // Listed without a readable state (moto): associated.
            None if listed.is_some() && target == SubnetCidrBlockStateCode::Associated => Poll::Ready(()),
            // A disassociated block may vanish from the answer altogether.
            None if target == SubnetCidrBlockStateCode::Disassociated => Poll::Ready(()),
            Some(SubnetCidrBlockStateCode::Failed | SubnetCidrBlockStateCode::Failing) => {
                Poll::Failed { status: "failed".into(), reason: None }
            }
            s => Poll::Pending(s.map(|s| s.as_str().to_string()).unwrap_or_else(|| "not listed".into())),
        })
    })
    .await
}
