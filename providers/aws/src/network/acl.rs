//! `aws_network_acl` and `aws_default_network_acl`: a VPC's stateless subnet filters, with
//! their numbered `ingress` / `egress` entries and subnet associations. Entries are compared
//! as sets (protocol names and numbers alike), so order and `tcp` vs `6` never show as a diff.
//! AWS's catch-all entries (rule 32767) are not shown and never touched.

use super::acl_rule::protocol_number;
use super::ec2::{filter, tag_spec, tags_map};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::{list_value, opt_str, string_list};
use aws_sdk_ec2::types::{IcmpTypeCode, NetworkAcl, NetworkAclEntry, PortRange, ResourceType as Ec2Type, RuleAction};
use meshplan_provider::{async_trait, Attribute, Block, Planned, Schema, Type, Value, INTENT_TAG};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub struct NetworkAclType;
pub struct DefaultNetworkAcl;

const NOT_FOUND: &[&str] = &["InvalidNetworkAclID.NotFound", "InvalidRouteTableID.NotFound"];
const CATCH_ALL: i32 = 32767;

fn entry_block(set: bool) -> Block {
    let schema = Schema::new()
        .attr("rule_no", Attribute::required(Type::Number))
        .attr("action", Attribute::required(Type::String))
        .attr("protocol", Attribute::required(Type::String))
        .attr("from_port", Attribute::required(Type::Number))
        .attr("to_port", Attribute::required(Type::Number))
        .attr("cidr_block", Attribute::optional(Type::String))
        .attr("ipv6_cidr_block", Attribute::optional(Type::String))
        .attr("icmp_type", Attribute::optional(Type::Number))
        .attr("icmp_code", Attribute::optional(Type::Number));
    if set {
        Block::set(schema)
    } else {
        Block::list(schema)
    }
}

/// One entry as a comparable tuple.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    rule_no: i32,
    action: String,
    protocol: String,
    from: i32,
    to: i32,
    cidr: Option<String>,
    ipv6: Option<String>,
    icmp: Option<(i32, i32)>,
}

fn num(v: &Value, k: &str) -> Option<i32> {
    v.get(k).as_i64().and_then(|n| i32::try_from(n).ok())
}

fn entries_of(v: &Value) -> BTreeSet<Entry> {
    v.as_list()
        .into_iter()
        .flatten()
        .map(|e| {
            let protocol = protocol_number(e.get_str("protocol").unwrap_or("-1"));
            let all = protocol == "-1";
            Entry {
                rule_no: num(e, "rule_no").unwrap_or(0),
                action: e.get_str("action").unwrap_or_default().to_ascii_lowercase(),
                from: if all { 0 } else { num(e, "from_port").unwrap_or(0) },
                to: if all { 0 } else { num(e, "to_port").unwrap_or(0) },
                cidr: e.get_str("cidr_block").filter(|c| !c.is_empty()).map(str::to_string),
                ipv6: e.get_str("ipv6_cidr_block").filter(|c| !c.is_empty()).map(str::to_string),
                icmp: num(e, "icmp_type").map(|t| (t, num(e, "icmp_code").unwrap_or(0))).filter(|_| protocol == "1"),
                protocol,
            }
        })
        .collect()
}

fn remote_entries(acl: &NetworkAcl, egress: bool) -> BTreeSet<Entry> {
    let entries = acl.entries().iter().filter(|e| e.egress() == Some(egress) && e.rule_number() != Some(CATCH_ALL));
    let as_value = |e: &NetworkAclEntry| {
        let n = |x: Option<i32>| x.map(|n| Value::from(i64::from(n))).unwrap_or(Value::Null);
        Value::object([
            ("rule_no", n(e.rule_number())),
            ("action", opt_str(e.rule_action().map(|a| a.as_str()))),
            ("protocol", opt_str(e.protocol())),
            ("from_port", n(e.port_range().and_then(|r| r.from()))),
            ("to_port", n(e.port_range().and_then(|r| r.to()))),
            ("cidr_block", opt_str(e.cidr_block())),
            ("ipv6_cidr_block", opt_str(e.ipv6_cidr_block())),
            ("icmp_type", n(e.icmp_type_code().and_then(|c| c.r#type()))),
            ("icmp_code", n(e.icmp_type_code().and_then(|c| c.code()))),
        ])
    };
    entries_of(&Value::List(entries.map(as_value).collect()))
}

fn entry_values(entries: &BTreeSet<Entry>) -> Value {
    let n = |x: i32| Value::from(i64::from(x));
    Value::List(
        entries
            .iter()
            .map(|e| {
                Value::object([
                    ("rule_no", n(e.rule_no)),
                    ("action", Value::from(e.action.as_str())),
                    ("protocol", Value::from(e.protocol.as_str())),
                    ("from_port", n(e.from)),
                    ("to_port", n(e.to)),
                    ("cidr_block", Value::from(e.cidr.clone().unwrap_or_default())),
                    ("ipv6_cidr_block", Value::from(e.ipv6.clone().unwrap_or_default())),
                    ("icmp_type", n(e.icmp.map(|i| i.0).unwrap_or(0))),
                    ("icmp_code", n(e.icmp.map(|i| i.1).unwrap_or(0))),
                ])
            })
            .collect(),
    )
}

/// Deletes what is not wanted, then creates what is missing (one rule number, one entry).
async fn sync_entries(
    api: &Api<'_>,
    id: &str,
    egress: bool,
    have: &BTreeSet<Entry>,
    want: &BTreeSet<Entry>,
) -> Result<(), AwsError> {
    for e in have.difference(want) {
        let req = api.ec2.delete_network_acl_entry().network_acl_id(id).rule_number(e.rule_no).egress(egress);
        api.call_idempotent("DeleteNetworkAclEntry", &["InvalidNetworkAclEntry.NotFound"], || req.clone().send())
            .await?;
    }
    for e in want.difference(have) {
        let mut req = api
            .ec2
            .create_network_acl_entry()
            .network_acl_id(id)
            .rule_number(e.rule_no)
            .egress(egress)
            .protocol(&e.protocol)
            .rule_action(RuleAction::from(e.action.as_str()))
            .set_cidr_block(e.cidr.clone())
            .set_ipv6_cidr_block(e.ipv6.clone());
        if e.protocol != "-1" {
            req = req.port_range(PortRange::builder().from(e.from).to(e.to).build());
        }
        if let Some((t, c)) = e.icmp {
            req = req.icmp_type_code(IcmpTypeCode::builder().r#type(t).code(c).build());
        }
        api.call_idempotent("CreateNetworkAclEntry", &["NetworkAclEntryAlreadyExists"], || req.clone().send()).await?;
    }
    Ok(())
}

async fn describe(api: &Api<'_>, id: &str) -> Result<NetworkAcl, AwsError> {
    super::described::network_acl(api, id).await?.ok_or_else(|| AwsError::Api {
        address: api.address.to_string(),
        operation: "DescribeNetworkAcls",
        code: "InvalidNetworkAclID.NotFound".into(),
        message: format!("network ACL {id} not found"),
        status: None,
    })
}

/// Moves `subnet` onto `acl` (every subnet is always on exactly one ACL).
async fn associate(api: &Api<'_>, subnet: &str, acl: &str) -> Result<(), AwsError> {
    let req = api.ec2.describe_network_acls().filters(filter("association.subnet-id", [subnet]));
    let out = api.call("DescribeNetworkAcls", || req.clone().send()).await?;
    let current = out.network_acls().iter().flat_map(|a| a.associations()).find(|a| a.subnet_id() == Some(subnet));
    let Some(assoc) = current else {
        return Err(
            api.invalid("subnet_ids", format!("subnet {subnet} has no network ACL association (does it exist?)"))
        );
    };
    if assoc.network_acl_id() == Some(acl) {
        return Ok(());
    }
    let assoc_id = assoc.network_acl_association_id().unwrap_or_default();
    let req = api.ec2.replace_network_acl_association().association_id(assoc_id).network_acl_id(acl);
    api.call("ReplaceNetworkAclAssociation", || req.clone().send()).await?;
    Ok(())
}

async fn vpc_default_acl(api: &Api<'_>, vpc: &str) -> Result<Option<String>, AwsError> {
    let req = api.ec2.describe_network_acls().filters(filter("vpc-id", [vpc])).filters(filter("default", ["true"]));
    let out = api.call("DescribeNetworkAcls", || req.clone().send()).await?;
    Ok(out.network_acls().first().and_then(|a| a.network_acl_id()).map(str::to_string))
}

fn subnets_of(acl: &NetworkAcl) -> Vec<&str> {
    let mut s: Vec<&str> = acl.associations().iter().filter_map(|a| a.subnet_id()).collect();
    s.sort();
    s
}

/// The shared read: entries (kept in the written shape when they mean the same), subnets, owner.
async fn read_acl(api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
    let Some(acl) = super::described::network_acl(api, id).await? else { return Ok(None) };
    let owner = acl.owner_id().unwrap_or_default();
    s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:network-acl/{id}", api.partition(), api.region)));
    s.set("owner_id", Value::from(owner));
    s.set("vpc_id", opt_str(acl.vpc_id()));
    for (attr, egress) in [("ingress", false), ("egress", true)] {
        let remote = remote_entries(&acl, egress);
        if remote != entries_of(s.get(attr)) {
            s.set(attr, entry_values(&remote));
        }
    }
    s.set("subnet_ids", list_value(subnets_of(&acl)));
    Ok(Some(tags_map(acl.tags())))
}

/// Entries that mean the same as the prior ones keep the prior shape.
fn keep_equivalent_entries(planned: &mut Planned, prior: Option<&Value>, keep_unset: bool) {
    let Some(prior) = prior else { return };
    for attr in ["ingress", "egress"] {
        let wanted = planned.state.get(attr);
        let unset = keep_unset && wanted.as_list().is_none_or(|l| l.is_empty());
        if unset || (wanted.is_wholly_known() && entries_of(wanted) == entries_of(prior.get(attr))) {
            planned.state.set(attr, prior.get(attr).clone());
        }
    }
}

async fn sync_all(api: &Api<'_>, id: &str, planned: &Value) -> Result<(), AwsError> {
    let acl = describe(api, id).await?;
    for (attr, egress) in [("ingress", false), ("egress", true)] {
        sync_entries(api, id, egress, &remote_entries(&acl, egress), &entries_of(planned.get(attr))).await?;
    }
    Ok(())
}

#[async_trait]
impl AwsResource for NetworkAclType {
    fn type_name(&self) -> &'static str {
        "aws_network_acl"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("vpc_id", Attribute::required(Type::String).force_new())
            .attr("subnet_ids", Attribute::optional_computed(Type::set(Type::String)))
            .block("ingress", entry_block(false))
            .block("egress", entry_block(false))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    /// As Terraform's optional+computed `ingress`/`egress`: a direction without blocks keeps
    /// the ACL's entries (those of `aws_network_acl_rule`).
    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        keep_equivalent_entries(planned, prior, true);
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let call = api
            .ec2
            .create_network_acl()
            .vpc_id(req.planned.get_str("vpc_id").unwrap_or_default())
            .client_token(req.token)
            .set_tag_specifications(tag_spec(Ec2Type::NetworkAcl, &req.tags).map(|t| vec![t]));
        let op = "CreateNetworkAcl";
        let created =
            api.create(op, CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, req.planned));
        created.await?.id(|out| out.network_acl().and_then(|a| a.network_acl_id())).ok_or_else(|| missing_id(api, op))
    }

    /// Entries and subnets from the live ACL: repeatable.
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        sync_all(api, id, planned).await?;
        for subnet in string_list(planned.get("subnet_ids")) {
            associate(api, &subnet, id).await?;
        }
        Ok(())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        read_acl(api, id, s).await
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        for (attr, egress) in [("ingress", false), ("egress", true)] {
            sync_entries(api, id, egress, &entries_of(prior.get(attr)), &entries_of(planned.get(attr))).await?;
        }
        let (old, new) = (string_list(prior.get("subnet_ids")), string_list(planned.get("subnet_ids")));
        for subnet in new.iter().filter(|s| !old.contains(s)) {
            associate(api, subnet, id).await?;
        }
        let removed: Vec<&String> = old.iter().filter(|s| !new.contains(s)).collect();
        if !removed.is_empty() {
            let vpc = planned.get_str("vpc_id").unwrap_or_default();
            let Some(default) = vpc_default_acl(api, vpc).await? else { return Ok(()) };
            for subnet in removed {
                associate(api, subnet, &default).await?;
            }
        }
        Ok(())
    }

    /// Its subnets go back to the VPC's default ACL first (an associated ACL cannot be deleted).
    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some(acl) = super::described::network_acl(api, id).await? else { return Ok(()) };
        let subnets = subnets_of(&acl);
        if let (false, Some(vpc)) = (subnets.is_empty(), acl.vpc_id()) {
            if let Some(default) = vpc_default_acl(api, vpc).await? {
                for subnet in subnets {
                    associate(api, subnet, &default).await?;
                }
            }
        }
        api.call("DeleteNetworkAcl", || api.ec2.delete_network_acl().network_acl_id(id).send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        let req = api.ec2.describe_network_acls().filters(filter(&format!("tag:{INTENT_TAG}"), [token]));
        let out = api.call("DescribeNetworkAcls", || req.clone().send()).await?;
        Ok(out
            .network_acls()
            .iter()
            .filter(|a| crate::intent::carries(a.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token))
            .find_map(|a| a.network_acl_id().map(str::to_string)))
    }
}

#[async_trait]
impl AwsResource for DefaultNetworkAcl {
    fn type_name(&self) -> &'static str {
        "aws_default_network_acl"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("default_network_acl_id", Attribute::required(Type::String).force_new())
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("vpc_id", Attribute::computed(Type::String))
            .attr("subnet_ids", Attribute::optional(Type::set(Type::String)))
            .block("ingress", entry_block(true))
            .block("egress", entry_block(true))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    /// Blocks here are the whole truth (as in Terraform): no block means no entries.
    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        keep_equivalent_entries(planned, prior, false);
    }

    /// Adoption: nothing is made. Tags are written as configured (the intent tag left off:
    /// adoption is found again by the ID).
    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let id = req.planned.get_str("default_network_acl_id").unwrap_or_default();
        let acl = describe(api, id).await?;
        if acl.is_default() != Some(true) {
            return Err(api.invalid("default_network_acl_id", format!("{id} is not a VPC's default network ACL")));
        }
        let mut tags = req.tags.clone();
        tags.remove(INTENT_TAG);
        super::ec2::set_tags(api, id, &[], &tags).await?;
        Ok(id.to_string())
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        sync_all(api, id, planned).await?;
        for subnet in string_list(planned.get("subnet_ids")) {
            associate(api, &subnet, id).await?;
        }
        Ok(())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        s.set("default_network_acl_id", Value::from(id));
        let unmanaged_subnets = s.get("subnet_ids").is_null();
        let tags = read_acl(api, id, s).await?;
        // Subnets are managed only when configured (every subnet lands here by default).
        if unmanaged_subnets {
            s.set("subnet_ids", Value::Null);
        }
        Ok(tags)
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        for (attr, egress) in [("ingress", false), ("egress", true)] {
            sync_entries(api, id, egress, &entries_of(prior.get(attr)), &entries_of(planned.get(attr))).await?;
        }
        for subnet in string_list(planned.get("subnet_ids")) {
            associate(api, &subnet, id).await?;
        }
        Ok(())
    }

    /// The default ACL cannot be deleted: it is forgotten, as in Terraform.
    async fn delete(&self, _api: &Api<'_>, _id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        Ok(())
    }

    async fn locate(&self, _api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        Ok(planned.get_str("default_network_acl_id").map(str::to_string))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![("id", Value::from(id)), ("default_network_acl_id", Value::from(id))])
    }
}
