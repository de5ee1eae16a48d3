//! `aws_security_group` with inline `ingress` / `egress` rules.
//!
//! As in Terraform, the allow-all egress rule AWS adds to a new group is removed:
//! the configuration lists every rule the group has.

use super::ec2::{sync_tags, tag_spec, tags_map};
use super::located;
use super::sg_rules::{atoms_of_permissions, atoms_of_rules, permissions_of_atoms, rule_block, rules_of_atoms, Atom};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::missing_id;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{blank_state, get_string, opt_str};
use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType as Ec2Type, SecurityGroup as Ec2Group};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};
use std::collections::BTreeSet;

pub struct SecurityGroup;

const NOT_FOUND: &[&str] = &["InvalidGroup.NotFound", "InvalidSecurityGroupID.NotFound"];

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub(super) fn attr(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
    pub(super) fn permissions(self, g: &Ec2Group) -> &[IpPermission] {
        match self {
            Direction::Ingress => g.ip_permissions(),
            Direction::Egress => g.ip_permissions_egress(),
        }
    }
}

pub(super) async fn describe(api: &Api<'_>, id: &str) -> Result<Option<Ec2Group>, AwsError> {
    super::described::security_group(api, id).await
}

#[async_trait]
impl ResourceType for SecurityGroup {
    fn type_name(&self) -> &'static str {
        "aws_security_group"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                .attr("name", Attribute::optional_computed(Type::String).force_new())
                .attr("name_prefix", Attribute::optional_computed(Type::String).force_new())
                .attr("description", Attribute::optional(Type::String).default("Managed by Terraform").force_new())
                .attr("vpc_id", Attribute::optional_computed(Type::String).force_new())
                .attr("owner_id", Attribute::computed(Type::String))
                .attr("revoke_rules_on_delete", Attribute::optional(Type::Bool).default(false)),
        )
        .block("ingress", rule_block())
        .block("egress", rule_block())
    }

    /// Rules that allow the same traffic as the prior ones keep the prior shape. A direction
    /// with no block in the configuration is not managed inline (Terraform's optional+computed
    /// `ingress`/`egress`): it keeps what the group has, so rules made by
    /// `aws_vpc_security_group_*_rule` or `aws_security_group_rule` are left alone.
    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = tags::plan_tagged(&self.schema(), ctx, req).await?;
        if let Some(prior) = req.prior {
            for dir in ["ingress", "egress"] {
                if unconfigured(req.config.get(dir)) {
                    planned.state.set(dir, prior.get(dir).clone());
                    continue;
                }
                let wanted = planned.state.get(dir);
                if wanted.is_wholly_known() && atoms_of_rules(wanted) == atoms_of_rules(prior.get(dir)) {
                    planned.state.set(dir, prior.get(dir).clone());
                }
            }
        }
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        let Some(g) = describe(&api, id).await? else { return Ok(None) };
        let mut s = state.clone();
        let owner = g.owner_id().unwrap_or_default();
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:security-group/{id}", api.partition(), api.region)));
        s.set("name", opt_str(g.group_name()));
        s.set("description", opt_str(g.description()));
        s.set("vpc_id", opt_str(g.vpc_id()));
        s.set("owner_id", opt_str(g.owner_id()));
        for dir in [Direction::Ingress, Direction::Egress] {
            let remote = atoms_of_permissions(dir.permissions(&g), id);
            if remote != atoms_of_rules(state.get(dir.attr())) {
                s.set(dir.attr(), rules_of_atoms(&remote));
            }
        }
        tags::set_from_remote(&api, &mut s, tags_map(g.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let name = crate::skeleton::name_or_prefixed(planned, &token);
        let req = api
            .ec2
            .create_security_group()
            .group_name(&name)
            .set_description(get_string(planned, "description"))
            .set_vpc_id(get_string(planned, "vpc_id"))
            .set_tag_specifications(
                tag_spec(Ec2Type::SecurityGroup, &tags::desired_with_intent(&api, planned, &token)).map(|t| vec![t]),
            );
        let call = CreateCall { conflicts: &["InvalidGroup.Duplicate"], ..Default::default() };
        let created = api
            .create("CreateSecurityGroup", call, || req.clone().send(), || located::security_group(&api, &token))
            .await?;
        let id = created.id(|out| out.group_id()).ok_or_else(|| missing_id(ctx, "CreateSecurityGroup"))?;
        self.finish(ctx, &api, planned, &id).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        match located::security_group(&api, token).await? {
            Some(id) => self.finish(ctx, &api, planned, &id).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        for dir in [Direction::Ingress, Direction::Egress] {
            let old = atoms_of_rules(prior.get(dir.attr()));
            let new = atoms_of_rules(planned.get(dir.attr()));
            let remove: BTreeSet<Atom> = old.difference(&new).cloned().collect();
            let add: BTreeSet<Atom> = new.difference(&old).cloned().collect();
            change_rules(&api, id, dir, &remove, &add).await?;
        }
        sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let id = state.get_str("id").unwrap_or_default();
        if state.get("revoke_rules_on_delete").as_bool() == Some(true) {
            for dir in [Direction::Ingress, Direction::Egress] {
                change_rules(&api, id, dir, &atoms_of_rules(state.get(dir.attr())), &BTreeSet::new()).await?;
            }
        }
        // ENIs of deleted load balancers, endpoints and nodes hold the group for minutes.
        api.call_settling("DeleteSecurityGroup", &["DependencyViolation"], || {
            api.ec2.delete_security_group().group_id(id).send()
        })
        .await
        .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id))])).await
    }
}

/// `name`, else `name_prefix` + 26 characters of the create's token, else `meshplan-` + the
/// token: a retried create arrives at the same name.
impl SecurityGroup {
    /// Brings the new group's rules from what AWS holds to the planned ones (AWS's default
    /// allow-all egress is removed unless configured). Computed from the live group, so it
    /// is safe to repeat: find resumes an interrupted create with it.
    async fn finish(&self, ctx: &Ctx, api: &Api<'_>, planned: &Value, id: &str) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        crate::skeleton::settle_name_prefix(&mut state);
        let live = describe(api, id).await.map_err(|e| {
            // Unread: assume what a group just made holds, AWS's default egress rule.
            let mut fresh = state.clone();
            fresh.set(Direction::Egress.attr(), rules_of_atoms(&atoms_of_permissions(&[default_egress()], id)));
            with_partial(e, &fresh)
        })?;
        for dir in [Direction::Ingress, Direction::Egress] {
            let remote = match &live {
                Some(g) => atoms_of_permissions(dir.permissions(g), id),
                // Not visible yet: a group just made has only the default egress rule.
                None if dir == Direction::Egress => atoms_of_permissions(&[default_egress()], id),
                None => BTreeSet::new(),
            };
            let want = atoms_of_rules(planned.get(dir.attr()));
            let remove: BTreeSet<Atom> = remote.difference(&want).cloned().collect();
            let add: BTreeSet<Atom> = want.difference(&remote).cloned().collect();
            // Until the change is made the record says what the group really holds, so a
            // failure here leaves no rule (AWS's default egress included) unaccounted for.
            let mut before = state.clone();
            before.set(dir.attr(), rules_of_atoms(&remote));
            change_rules(api, id, dir, &remove, &add).await.map_err(|e| with_partial(e, &before))?;
        }
        read_after_write(self, ctx, state).await
    }
}

/// No block of this direction written (the engine hands absent blocks over as `[]`).
pub(super) fn unconfigured(rules: &Value) -> bool {
    rules.is_null() || rules.as_list().is_some_and(|l| l.is_empty())
}

fn default_egress() -> IpPermission {
    IpPermission::builder().ip_protocol("-1").ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build()).build()
}

/// Resent after a lost answer, a revoke says InvalidPermission.NotFound and an authorize
/// InvalidPermission.Duplicate: both mean the lost attempt did the work (each call is atomic).
pub(super) async fn change_rules(
    api: &Api<'_>,
    id: &str,
    dir: Direction,
    remove: &BTreeSet<Atom>,
    add: &BTreeSet<Atom>,
) -> Result<(), AwsError> {
    if !remove.is_empty() {
        let perms = permissions_of_atoms(remove, id);
        match dir {
            Direction::Ingress => {
                let req = api.ec2.revoke_security_group_ingress().group_id(id).set_ip_permissions(Some(perms));
                api.call_idempotent("RevokeSecurityGroupIngress", &["InvalidPermission.NotFound"], || {
                    req.clone().send()
                })
                .await?;
            }
            Direction::Egress => {
                let req = api.ec2.revoke_security_group_egress().group_id(id).set_ip_permissions(Some(perms));
                api.call_idempotent("RevokeSecurityGroupEgress", &["InvalidPermission.NotFound"], || {
                    req.clone().send()
                })
                .await?;
            }
        }
    }
    if !add.is_empty() {
        let perms = permissions_of_atoms(add, id);
        match dir {
            Direction::Ingress => {
                let req = api.ec2.authorize_security_group_ingress().group_id(id).set_ip_permissions(Some(perms));
                api.call_idempotent("AuthorizeSecurityGroupIngress", &["InvalidPermission.Duplicate"], || {
                    req.clone().send()
                })
                .await?;
            }
            Direction::Egress => {
                let req = api.ec2.authorize_security_group_egress().group_id(id).set_ip_permissions(Some(perms));
                api.call_idempotent("AuthorizeSecurityGroupEgress", &["InvalidPermission.Duplicate"], || {
                    req.clone().send()
                })
                .await?;
            }
        }
    }
    Ok(())
}
