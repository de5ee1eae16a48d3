//! `aws_default_security_group`: adopts a VPC's `default` group. As in Terraform, adopting it
//! removes every rule, then adds the configured ones; destroying it only forgets it. ID and
//! import ID: `sg-…`.

use super::ec2::{filter, set_tags, tags_map};
use super::security_group::{change_rules, describe, unconfigured, Direction};
use super::sg_rules::{atoms_of_permissions, atoms_of_rules, rule_block, rules_of_atoms, Atom};
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Options, Tagging};
use crate::values::opt_str;
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub struct DefaultSecurityGroup;

/// The `default` group of `vpc` (else of the region's default VPC).
async fn default_group(api: &Api<'_>, vpc: Option<&str>) -> Result<Option<String>, AwsError> {
    let vpc = match vpc {
        Some(v) => v.to_string(),
        None => {
            let req = api.ec2.describe_vpcs().filters(filter("is-default", ["true"]));
            let out = api.call("DescribeVpcs", || req.clone().send()).await?;
            match out.vpcs().first().and_then(|v| v.vpc_id()) {
                Some(v) => v.to_string(),
                None => return Ok(None),
            }
        }
    };
    let req =
        api.ec2.describe_security_groups().filters(filter("group-name", ["default"])).filters(filter("vpc-id", [vpc]));
    let out = api.call("DescribeSecurityGroups", || req.clone().send()).await?;
    Ok(out.security_groups().first().and_then(|g| g.group_id()).map(str::to_string))
}

#[async_trait]
impl AwsResource for DefaultSecurityGroup {
    fn type_name(&self) -> &'static str {
        "aws_default_security_group"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("name", Attribute::computed(Type::String))
            .attr("name_prefix", Attribute::computed(Type::String))
            .attr("description", Attribute::computed(Type::String))
            .attr("vpc_id", Attribute::optional_computed(Type::String).force_new())
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("revoke_rules_on_delete", Attribute::optional(Type::Bool).default(false))
            .block("ingress", rule_block())
            .block("egress", rule_block())
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["InvalidGroup.NotFound"]
    }

    /// A direction without blocks keeps what the group holds (after adoption); rules that
    /// allow the same traffic keep the prior shape.
    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        let Some(prior) = prior else { return };
        for dir in ["ingress", "egress"] {
            let wanted = planned.state.get(dir);
            if unconfigured(wanted)
                || (wanted.is_wholly_known() && atoms_of_rules(wanted) == atoms_of_rules(prior.get(dir)))
            {
                planned.state.set(dir, prior.get(dir).clone());
            }
        }
    }

    /// Nothing is made: the group exists with its VPC. The intent tag is left off (adoption
    /// is found again the same way).
    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let vpc = req.planned.get_str("vpc_id");
        let Some(id) = default_group(api, vpc).await? else {
            return Err(api.invalid("vpc_id", "no default security group found (no such VPC, or no default VPC)"));
        };
        let mut tags = req.tags.clone();
        tags.remove(meshplan_provider::INTENT_TAG);
        set_tags(api, &id, &[], &tags).await?;
        Ok(id)
    }

    /// Every rule the group held goes; the configured ones come. Repeatable (from the live group).
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some(g) = describe(api, id).await? else { return Ok(()) };
        for dir in [Direction::Ingress, Direction::Egress] {
            let remote = atoms_of_permissions(dir.permissions(&g), id);
            let want = atoms_of_rules(planned.get(dir.attr()));
            let remove: BTreeSet<Atom> = remote.difference(&want).cloned().collect();
            let add: BTreeSet<Atom> = want.difference(&remote).cloned().collect();
            change_rules(api, id, dir, &remove, &add).await?;
        }
        Ok(())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(g) = describe(api, id).await? else { return Ok(None) };
        let owner = g.owner_id().unwrap_or_default();
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:security-group/{id}", api.partition(), api.region)));
        s.set("name", opt_str(g.group_name()));
        s.set("name_prefix", Value::from(""));
        s.set("description", opt_str(g.description()));
        s.set("vpc_id", opt_str(g.vpc_id()));
        s.set("owner_id", opt_str(g.owner_id()));
        for dir in [Direction::Ingress, Direction::Egress] {
            let remote = atoms_of_permissions(dir.permissions(&g), id);
            if remote != atoms_of_rules(s.get(dir.attr())) {
                s.set(dir.attr(), rules_of_atoms(&remote));
            }
        }
        Ok(Some(tags_map(g.tags())))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        for dir in [Direction::Ingress, Direction::Egress] {
            let old = atoms_of_rules(prior.get(dir.attr()));
            let new = atoms_of_rules(planned.get(dir.attr()));
            let remove: BTreeSet<Atom> = old.difference(&new).cloned().collect();
            let add: BTreeSet<Atom> = new.difference(&old).cloned().collect();
            change_rules(api, id, dir, &remove, &add).await?;
        }
        Ok(())
    }

    /// The group cannot be deleted: it is forgotten (its rules revoked if asked).
    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        if state.get("revoke_rules_on_delete").as_bool() == Some(true) {
            for dir in [Direction::Ingress, Direction::Egress] {
                change_rules(api, id, dir, &atoms_of_rules(state.get(dir.attr())), &BTreeSet::new()).await?;
            }
        }
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        default_group(api, planned.get_str("vpc_id")).await
    }
}
