//! `aws_security_group_rule`: Terraform's older one-resource-per-rule form (still what the
//! security-group and eks 19.x modules declare). One resource may stand for several AWS rules
//! (one per CIDR / source); it exists when all of them do. ID: `sgrule-<hash of the rule>`,
//! as in Terraform (the hash is ours); import ID: Terraform's
//! `<sg>_<type>_<protocol>_<from>_<to>_<source>[_<source>…]`.

use super::sg_rules::{atoms_of_permissions, atoms_of_rules, permissions_of_atoms, Atom};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Options};
use crate::values::{list_value, string_list};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub struct LegacyRule;

fn egress(state: &Value) -> bool {
    state.get_str("type") == Some("egress")
}

/// The rule's atoms, the way the group's inline blocks are read.
fn atoms(state: &Value) -> BTreeSet<Atom> {
    let groups = state.get_str("source_security_group_id").map(|g| list_value([g])).unwrap_or(Value::List(vec![]));
    let rule = Value::object([
        ("protocol", state.get("protocol").clone()),
        ("from_port", state.get("from_port").clone()),
        ("to_port", state.get("to_port").clone()),
        ("cidr_blocks", state.get("cidr_blocks").clone()),
        ("ipv6_cidr_blocks", state.get("ipv6_cidr_blocks").clone()),
        ("prefix_list_ids", state.get("prefix_list_ids").clone()),
        ("security_groups", groups),
        ("self", state.get("self").clone()),
        ("description", state.get("description").clone()),
    ]);
    atoms_of_rules(&Value::List(vec![rule]))
}

fn without_description(a: &Atom) -> Atom {
    Atom { description: String::new(), ..a.clone() }
}

/// FNV-1a: stable across Rust releases (the ID is stored in state).
fn rule_id(group: &str, egress: bool, atoms: &BTreeSet<Atom>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let text = format!("{group}|{egress}|{:?}", atoms.iter().map(without_description).collect::<Vec<_>>());
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("sgrule-{h}")
}

/// The group's atoms in this rule's direction; `None` when the group is gone.
async fn remote(api: &Api<'_>, group: &str, egress: bool) -> Result<Option<BTreeSet<Atom>>, AwsError> {
    let Some(g) = super::described::security_group(api, group).await? else { return Ok(None) };
    let perms = if egress { g.ip_permissions_egress() } else { g.ip_permissions() };
    Ok(Some(atoms_of_permissions(perms, group)))
}

#[async_trait]
impl AwsResource for LegacyRule {
    fn type_name(&self) -> &'static str {
        "aws_security_group_rule"
    }

    fn schema(&self) -> Schema {
        let list = || Attribute::optional(Type::list(Type::String)).force_new();
        Schema::new()
            .attr("type", Attribute::required(Type::String).force_new())
            .attr("security_group_id", Attribute::required(Type::String).force_new())
            .attr("protocol", Attribute::required(Type::String).force_new())
            .attr("from_port", Attribute::required(Type::Number).force_new())
            .attr("to_port", Attribute::required(Type::Number).force_new())
            .attr("cidr_blocks", list())
            .attr("ipv6_cidr_blocks", list())
            .attr("prefix_list_ids", list())
            .attr("self", Attribute::optional(Type::Bool).default(false).force_new())
            .attr("source_security_group_id", Attribute::optional_computed(Type::String).force_new())
            .attr("description", Attribute::optional(Type::String))
            .attr("security_group_rule_id", Attribute::computed(Type::String))
    }

    fn options(&self) -> Options {
        Options { timeouts: &["create"], default_timeout: Duration::from_secs(300), ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["InvalidGroup.NotFound", "InvalidPermission.NotFound"]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let group = p.get_str("security_group_id").unwrap_or_default();
        let atoms = atoms(p);
        let perms = permissions_of_atoms(&atoms, group);
        let conflicts = CreateCall { conflicts: &["InvalidPermission.Duplicate"], ..CreateCall::default() };
        let locate = || self.locate(api, req.token, p);
        if egress(p) {
            let call = api.ec2.authorize_security_group_egress().group_id(group).set_ip_permissions(Some(perms));
            api.create("AuthorizeSecurityGroupEgress", conflicts, || call.clone().send(), locate).await?;
        } else {
            let call = api.ec2.authorize_security_group_ingress().group_id(group).set_ip_permissions(Some(perms));
            api.create("AuthorizeSecurityGroupIngress", conflicts, || call.clone().send(), locate).await?;
        }
        Ok(rule_id(group, egress(p), &atoms))
    }

    async fn read(
        &self,
        api: &Api<'_>,
        _id: &str,
        s: &mut Value,
    ) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let group = s.get_str("security_group_id").unwrap_or_default().to_string();
        let Some(present) = remote(api, &group, egress(s)).await? else { return Ok(None) };
        let ours = atoms(s);
        let found: Vec<&Atom> = ours
            .iter()
            .filter_map(|a| present.iter().find(|r| without_description(r) == without_description(a)))
            .collect();
        if ours.is_empty() || found.len() != ours.len() {
            return Ok(None);
        }
        // The description AWS holds (drift shows as an in-place update).
        let remote_description = found[0].description.as_str();
        let configured = s.get_str("description").unwrap_or_default();
        if remote_description != configured {
            s.set(
                "description",
                if remote_description.is_empty() { Value::Null } else { Value::from(remote_description) },
            );
        }
        s.set("security_group_rule_id", Value::from(self.rule_id_of(api, &group, s, &ours).await?));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let group = planned.get_str("security_group_id").unwrap_or_default();
        let perms = permissions_of_atoms(&atoms(planned), group);
        if egress(planned) {
            let req = api
                .ec2
                .update_security_group_rule_descriptions_egress()
                .group_id(group)
                .set_ip_permissions(Some(perms));
            api.call("UpdateSecurityGroupRuleDescriptionsEgress", || req.clone().send()).await?;
        } else {
            let req = api
                .ec2
                .update_security_group_rule_descriptions_ingress()
                .group_id(group)
                .set_ip_permissions(Some(perms));
            api.call("UpdateSecurityGroupRuleDescriptionsIngress", || req.clone().send()).await?;
        }
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, _id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let group = state.get_str("security_group_id").unwrap_or_default();
        let perms = permissions_of_atoms(&atoms(state), group);
        if egress(state) {
            let req = api.ec2.revoke_security_group_egress().group_id(group).set_ip_permissions(Some(perms));
            api.call("RevokeSecurityGroupEgress", || req.clone().send()).await?;
        } else {
            let req = api.ec2.revoke_security_group_ingress().group_id(group).set_ip_permissions(Some(perms));
            api.call("RevokeSecurityGroupIngress", || req.clone().send()).await?;
        }
        Ok(())
    }

    /// Untaggable: ours when every planned rule is in the group.
    async fn locate(&self, api: &Api<'_>, _token: &str, p: &Value) -> Result<Option<String>, AwsError> {
        let group = p.get_str("security_group_id").unwrap_or_default();
        let Some(present) = remote(api, group, egress(p)).await? else { return Ok(None) };
        let ours = atoms(p);
        Ok((!ours.is_empty() && ours.is_subset(&present)).then(|| rule_id(group, egress(p), &ours)))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let parts: Vec<&str> = id.split('_').collect();
        let bad = || format!("expected SG_TYPE_PROTOCOL_FROM_TO_SOURCE[_SOURCE…], got {id:?}");
        let [group, kind, protocol, from, to, sources @ ..] = parts.as_slice() else { return Err(bad()) };
        if sources.is_empty() || !matches!(*kind, "ingress" | "egress") {
            return Err(bad());
        }
        let port = |p: &str| p.parse::<i64>().map(Value::from).map_err(|_| bad());
        let mut seed = vec![
            ("security_group_id", Value::from(*group)),
            ("type", Value::from(*kind)),
            ("protocol", Value::from(*protocol)),
            ("from_port", port(from)?),
            ("to_port", port(to)?),
        ];
        let (mut cidrs, mut v6, mut lists) = (vec![], vec![], vec![]);
        for s in sources {
            match *s {
                "self" => seed.push(("self", Value::from(true))),
                s if s.starts_with("sg-") => seed.push(("source_security_group_id", Value::from(s))),
                s if s.starts_with("pl-") => lists.push(s),
                s if s.contains(':') => v6.push(s),
                s => cidrs.push(s),
            }
        }
        for (k, v) in [("cidr_blocks", cidrs), ("ipv6_cidr_blocks", v6), ("prefix_list_ids", lists)] {
            if !v.is_empty() {
                seed.push((k, list_value(v)));
            }
        }
        let mut state = Value::object(seed.iter().cloned());
        state.set("self", Value::from(state.get("self").as_bool().unwrap_or(false)));
        let id = rule_id(group, *kind == "egress", &atoms(&state));
        seed.push(("id", Value::from(id)));
        Ok(seed)
    }
}

impl LegacyRule {
    /// AWS's `sgr-…` ID when this resource is exactly one AWS rule (Terraform's rule), else "".
    async fn rule_id_of(
        &self,
        api: &Api<'_>,
        group: &str,
        s: &Value,
        ours: &BTreeSet<Atom>,
    ) -> Result<String, AwsError> {
        if ours.len() != 1 {
            return Ok(String::new());
        }
        let req = api.ec2.describe_security_group_rules().filters(super::ec2::filter("group-id", [group]));
        let out = api.call("DescribeSecurityGroupRules", || req.clone().send()).await?;
        let cidrs = string_list(s.get("cidr_blocks"));
        let rule = out.security_group_rules().iter().find(|r| {
            let any_port = r.ip_protocol() == Some("-1");
            r.is_egress() == Some(egress(s))
                && (any_port
                    || i64::from(r.from_port().unwrap_or(0)) == s.get("from_port").as_i64().unwrap_or(0)
                        && i64::from(r.to_port().unwrap_or(0)) == s.get("to_port").as_i64().unwrap_or(0))
                && (cidrs.is_empty() || r.cidr_ipv4().is_some_and(|c| cidrs.iter().any(|x| x == c)))
        });
        Ok(rule.and_then(|r| r.security_group_rule_id()).unwrap_or_default().to_string())
    }
}
