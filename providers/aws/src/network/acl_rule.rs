//! `aws_network_acl_rule`: one numbered entry of a network ACL. Every argument forces a new
//! entry. ID and import ID: `<network_acl_id>:<rule_number>:<protocol>:<egress>` (Terraform's
//! import syntax; Terraform's own ID is an opaque hash).

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{get_i32, opt_str};
use aws_sdk_ec2::types::{IcmpTypeCode, NetworkAclEntry, PortRange, RuleAction};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct AclRule;

/// AWS speaks protocol numbers; `tcp`, `udp`, `icmp`, `icmpv6` and `all` are accepted too.
pub fn protocol_number(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" => "-1".into(),
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "icmpv6" => "58".into(),
        other => other.into(),
    }
}

/// The entry `rule_number` of the ACL in direction `egress`.
pub async fn entry(api: &Api<'_>, acl: &str, number: i32, egress: bool) -> Result<Option<NetworkAclEntry>, AwsError> {
    let Some(a) = super::described::network_acl(api, acl).await? else { return Ok(None) };
    Ok(a.entries().iter().find(|e| e.rule_number() == Some(number) && e.egress() == Some(egress)).cloned())
}

fn parse(id: &str) -> Option<(&str, i32, &str, bool)> {
    let mut p = id.split(':');
    let (acl, n, proto, egress) = (p.next()?, p.next()?.parse().ok()?, p.next()?, p.next()?.parse().ok()?);
    p.next().is_none().then_some((acl, n, proto, egress))
}

#[async_trait]
impl AwsResource for AclRule {
    fn type_name(&self) -> &'static str {
        "aws_network_acl_rule"
    }

    fn schema(&self) -> Schema {
        let opt = |t: Type| Attribute::optional(t).force_new();
        Schema::new()
            .attr("network_acl_id", Attribute::required(Type::String).force_new())
            .attr("rule_number", Attribute::required(Type::Number).force_new())
            .attr("egress", opt(Type::Bool).default(false))
            .attr("protocol", Attribute::required(Type::String).force_new())
            .attr("rule_action", Attribute::required(Type::String).force_new())
            .attr("cidr_block", opt(Type::String))
            .attr("ipv6_cidr_block", opt(Type::String))
            .attr("from_port", opt(Type::Number))
            .attr("to_port", opt(Type::Number))
            .attr("icmp_type", opt(Type::Number))
            .attr("icmp_code", opt(Type::Number))
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["InvalidNetworkAclID.NotFound", "InvalidNetworkAclEntry.NotFound"]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let (acl, number) = (p.get_str("network_acl_id").unwrap_or_default(), get_i32(p, "rule_number").unwrap_or(0));
        let egress = p.get("egress").as_bool().unwrap_or(false);
        let protocol = p.get_str("protocol").unwrap_or("-1");
        let mut call = api
            .ec2
            .create_network_acl_entry()
            .network_acl_id(acl)
            .rule_number(number)
            .egress(egress)
            .protocol(protocol_number(protocol))
            .rule_action(RuleAction::from(p.get_str("rule_action").unwrap_or_default()))
            .set_cidr_block(p.get_str("cidr_block").map(str::to_string))
            .set_ipv6_cidr_block(p.get_str("ipv6_cidr_block").map(str::to_string));
        if let (Some(from), Some(to)) = (get_i32(p, "from_port"), get_i32(p, "to_port")) {
            call = call.port_range(PortRange::builder().from(from).to(to).build());
        }
        if let Some(t) = get_i32(p, "icmp_type") {
            call = call.icmp_type_code(IcmpTypeCode::builder().r#type(t).set_code(get_i32(p, "icmp_code")).build());
        }
        // Resent after a lost answer: the entry exists. Ours when it matches what we sent.
        let conflicts = crate::api::CreateCall { conflicts: &["NetworkAclEntryAlreadyExists"], ..Default::default() };
        api.create("CreateNetworkAclEntry", conflicts, || call.clone().send(), || self.locate(api, req.token, p))
            .await?;
        Ok(format!("{acl}:{number}:{protocol}:{egress}"))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((acl, number, protocol, egress)) = parse(id) else { return Ok(None) };
        let Some(e) = entry(api, acl, number, egress).await? else { return Ok(None) };
        s.set("network_acl_id", Value::from(acl));
        s.set("rule_number", Value::from(i64::from(number)));
        s.set("egress", Value::from(egress));
        // The text written stays when it names the protocol AWS holds (`tcp` for 6).
        let remote = e.protocol().unwrap_or("-1");
        let kept = s.get_str("protocol").filter(|p| protocol_number(p) == remote).unwrap_or(protocol).to_string();
        s.set("protocol", Value::from(if protocol_number(&kept) == remote { kept.as_str() } else { remote }));
        s.set("rule_action", opt_str(e.rule_action().map(|a| a.as_str())));
        s.set("cidr_block", opt_str(e.cidr_block()));
        s.set("ipv6_cidr_block", opt_str(e.ipv6_cidr_block()));
        let num = |v: Option<i32>| v.map(|n| Value::from(i64::from(n))).unwrap_or(Value::Null);
        s.set("from_port", num(e.port_range().and_then(|r| r.from())));
        s.set("to_port", num(e.port_range().and_then(|r| r.to())));
        s.set("icmp_type", num(e.icmp_type_code().and_then(|c| c.r#type())));
        s.set("icmp_code", num(e.icmp_type_code().and_then(|c| c.code())));
        Ok(Some(BTreeMap::new()))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((acl, number, _, egress)) = parse(id) else { return Ok(()) };
        // Looked up first: moto answers a missing entry with a 500, not a NotFound code.
        if entry(api, acl, number, egress).await?.is_none() {
            return Ok(());
        }
        let req = api.ec2.delete_network_acl_entry().network_acl_id(acl).rule_number(number).egress(egress);
        api.call("DeleteNetworkAclEntry", || req.clone().send()).await?;
        Ok(())
    }

    /// Untaggable: the numbered entry is ours when its action and CIDR are the planned ones.
    async fn locate(&self, api: &Api<'_>, _token: &str, p: &Value) -> Result<Option<String>, AwsError> {
        let (Some(acl), Some(n)) = (p.get_str("network_acl_id"), get_i32(p, "rule_number")) else { return Ok(None) };
        let egress = p.get("egress").as_bool().unwrap_or(false);
        let protocol = p.get_str("protocol").unwrap_or("-1");
        let Some(e) = entry(api, acl, n, egress).await? else { return Ok(None) };
        let same = e.rule_action().map(|a| a.as_str()) == p.get_str("rule_action")
            && e.cidr_block() == p.get_str("cidr_block")
            && e.protocol() == Some(protocol_number(protocol).as_str());
        Ok(same.then(|| format!("{acl}:{n}:{protocol}:{egress}")))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        parse(id)
            .map(|_| vec![("id", Value::from(id))])
            .ok_or_else(|| format!("expected NETWORK_ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS, got {id:?}"))
    }
}
