//! `aws_vpc_security_group_ingress_rule` and `aws_vpc_security_group_egress_rule`: one
//! rule each, addressed by its `sgr-` ID (also the import ID).

use super::ec2::{sync_tags, tag_spec, tags_map};
use super::located;
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::adopt;
use crate::resource::{import_via_read, read_after_write};
use crate::tags;
use crate::values::{blank_state, get_i32, get_string, opt_str};
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType as Ec2Type, SecurityGroupRuleRequest,
    SecurityGroupRuleUpdate, UserIdGroupPair,
};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};

pub struct SecurityGroupRule {
    pub egress: bool,
}

const NOT_FOUND: &[&str] =
    &["InvalidSecurityGroupRuleId.NotFound", "InvalidGroup.NotFound", "InvalidPermission.NotFound"];

/// `-1` (all protocols) has no ports.
fn ports(state: &Value) -> (Option<i32>, Option<i32>) {
    if matches!(state.get_str("ip_protocol"), Some("-1" | "all")) {
        (None, None)
    } else {
        (get_i32(state, "from_port"), get_i32(state, "to_port"))
    }
}

fn permission(state: &Value) -> IpPermission {
    let (from, to) = ports(state);
    let description = get_string(state, "description");
    let mut p =
        IpPermission::builder().set_ip_protocol(get_string(state, "ip_protocol")).set_from_port(from).set_to_port(to);
    if let Some(c) = state.get_str("cidr_ipv4") {
        p = p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(description.clone()).build());
    }
    if let Some(c) = state.get_str("cidr_ipv6") {
        p = p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(description.clone()).build());
    }
    if let Some(c) = state.get_str("prefix_list_id") {
        p = p.prefix_list_ids(PrefixListId::builder().prefix_list_id(c).set_description(description.clone()).build());
    }
    if let Some(g) = state.get_str("referenced_security_group_id") {
        p = p.user_id_group_pairs(UserIdGroupPair::builder().group_id(g).set_description(description).build());
    }
    p.build()
}

#[async_trait]
impl ResourceType for SecurityGroupRule {
    fn type_name(&self) -> &'static str {
        if self.egress {
            "aws_vpc_security_group_egress_rule"
        } else {
            "aws_vpc_security_group_ingress_rule"
        }
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                .attr("security_group_rule_id", Attribute::computed(Type::String))
                .attr("security_group_id", Attribute::required(Type::String).force_new())
                .attr("ip_protocol", Attribute::required(Type::String))
                .attr("from_port", Attribute::optional(Type::Number))
                .attr("to_port", Attribute::optional(Type::Number))
                .attr("cidr_ipv4", Attribute::optional(Type::String))
                .attr("cidr_ipv6", Attribute::optional(Type::String))
                .attr("prefix_list_id", Attribute::optional(Type::String))
                .attr("referenced_security_group_id", Attribute::optional(Type::String))
                .attr("description", Attribute::optional(Type::String)),
        )
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        let out = api
            .call("DescribeSecurityGroupRules", || {
                api.ec2.describe_security_group_rules().security_group_rule_ids(id).send()
            })
            .await
            .or_not_found(NOT_FOUND)?;
        let Some(r) = out.and_then(|o| o.security_group_rules.unwrap_or_default().into_iter().next()) else {
            return Ok(None);
        };
        let mut s = state.clone();
        let protocol = r.ip_protocol().unwrap_or("-1");
        let port = |p: Option<i32>| match (protocol, p) {
            ("-1", _) | (_, None) => Value::Null,
            (_, Some(n)) => Value::from(i64::from(n)),
        };
        s.set("security_group_rule_id", Value::from(id));
        s.set("arn", opt_str(r.security_group_rule_arn()));
        s.set("security_group_id", opt_str(r.group_id()));
        s.set("ip_protocol", Value::from(protocol));
        s.set("from_port", port(r.from_port()));
        s.set("to_port", port(r.to_port()));
        s.set("cidr_ipv4", opt_str(r.cidr_ipv4()));
        s.set("cidr_ipv6", opt_str(r.cidr_ipv6()));
        s.set("prefix_list_id", opt_str(r.prefix_list_id()));
        s.set("referenced_security_group_id", opt_str(r.referenced_group_info().and_then(|g| g.group_id())));
        s.set("description", opt_str(r.description().filter(|d| !d.is_empty())));
        tags::set_from_remote(&api, &mut s, tags_map(r.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let group = planned.get_str("security_group_id").unwrap_or_default();
        let spec =
            tag_spec(Ec2Type::SecurityGroupRule, &tags::desired_with_intent(&api, planned, &token)).map(|t| vec![t]);
        // A resend after a lost answer says InvalidPermission.Duplicate: ours when it carries our token.
        let call = CreateCall { conflicts: &["InvalidPermission.Duplicate"], ..Default::default() };
        let locate = || located::security_group_rule(&api, &token);
        let rule_id = if self.egress {
            let req = api
                .ec2
                .authorize_security_group_egress()
                .group_id(group)
                .ip_permissions(permission(planned))
                .set_tag_specifications(spec);
            let created = api.create("AuthorizeSecurityGroupEgress", call, || req.clone().send(), locate).await?;
            created.id(|out| out.security_group_rules().first().and_then(|r| r.security_group_rule_id()))
        } else {
            let req = api
                .ec2
                .authorize_security_group_ingress()
                .group_id(group)
                .ip_permissions(permission(planned))
                .set_tag_specifications(spec);
            let created = api.create("AuthorizeSecurityGroupIngress", call, || req.clone().send(), locate).await?;
            created.id(|out| out.security_group_rules().first().and_then(|r| r.security_group_rule_id()))
        };
        let Some(rule_id) = rule_id else {
            return Err(AwsError::VanishedAfterWrite {
                address: ctx.address.clone(),
                what: "security group rule ID".into(),
            }
            .into());
        };
        let mut state = planned.clone();
        state.set("id", Value::from(rule_id));
        read_after_write(self, ctx, state).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = located::security_group_rule(&api, token).await? else { return Ok(None) };
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        adopt(self, ctx, state).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        let rule_fields = [
            "ip_protocol",
            "from_port",
            "to_port",
            "cidr_ipv4",
            "cidr_ipv6",
            "prefix_list_id",
            "referenced_security_group_id",
            "description",
        ];
        if rule_fields.iter().any(|f| prior.get(f) != planned.get(f)) {
            let (from, to) = ports(planned);
            let rule = SecurityGroupRuleRequest::builder()
                .set_ip_protocol(get_string(planned, "ip_protocol"))
                .set_from_port(from)
                .set_to_port(to)
                .set_cidr_ipv4(get_string(planned, "cidr_ipv4"))
                .set_cidr_ipv6(get_string(planned, "cidr_ipv6"))
                .set_prefix_list_id(get_string(planned, "prefix_list_id"))
                .set_referenced_group_id(get_string(planned, "referenced_security_group_id"))
                .set_description(get_string(planned, "description"))
                .build();
            let update =
                SecurityGroupRuleUpdate::builder().security_group_rule_id(id).security_group_rule(rule).build();
            let req = api
                .ec2
                .modify_security_group_rules()
                .set_group_id(get_string(prior, "security_group_id"))
                .security_group_rules(update);
            api.call("ModifySecurityGroupRules", || req.clone().send()).await?;
        }
        sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let id = state.get_str("id").unwrap_or_default();
        let group = state.get_str("security_group_id").unwrap_or_default();
        if self.egress {
            let req = api.ec2.revoke_security_group_egress().group_id(group).security_group_rule_ids(id);
            api.call("RevokeSecurityGroupEgress", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
        } else {
            let req = api.ec2.revoke_security_group_ingress().group_id(group).security_group_rule_ids(id);
            api.call("RevokeSecurityGroupIngress", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
        }
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id))])).await
    }
}
