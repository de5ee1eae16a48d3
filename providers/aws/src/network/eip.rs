//! `aws_eip` (VPC addresses only: EC2-Classic is gone).

use super::ec2::{sync_tags, tag_spec, tags_map};
use super::eip_association::{
    disassociate, read_association, sync_association, with_allocate_arguments, with_association,
};
use super::located;
use crate::api::{Api, CreateCall, NotFound};
use crate::intent;
use crate::resource::{adopt, missing_id, with_partial};
use crate::resource::{import_via_read, read_after_write};
use crate::tags;
use crate::values::{blank_state, opt_str};
use aws_sdk_ec2::types::{DomainType, ResourceType as Ec2Type};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};

pub struct Eip;

const NOT_FOUND: &[&str] = &["InvalidAllocationID.NotFound", "InvalidAddress.NotFound"];

#[async_trait]
impl ResourceType for Eip {
    fn type_name(&self) -> &'static str {
        "aws_eip"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(with_association(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("allocation_id", Attribute::computed(Type::String))
                .attr("domain", Attribute::optional_computed(Type::String).force_new())
                .attr("public_ip", Attribute::computed(Type::String))
                .attr("private_ip", Attribute::computed(Type::String))
                .attr("association_id", Attribute::computed(Type::String))
                .attr("network_border_group", Attribute::optional_computed(Type::String).force_new())
                .attr("public_dns", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String)),
        ))
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        let Some(a) = super::described::address(&api, id).await? else { return Ok(None) };
        let mut s = state.clone();
        let public_ip = a.public_ip().unwrap_or_default();
        s.set("allocation_id", opt_str(a.allocation_id()));
        s.set("domain", opt_str(a.domain().map(|d| d.as_str())));
        s.set("public_ip", opt_str(a.public_ip()));
        s.set("private_ip", opt_str(a.private_ip_address()));
        s.set("association_id", opt_str(a.association_id()));
        s.set("network_interface", opt_str(a.network_interface_id()));
        s.set("network_border_group", Value::from(a.network_border_group().unwrap_or(api.region.as_str())));
        let dns = public_dns(public_ip, &api.region);
        s.set("public_dns", if public_ip.is_empty() { Value::Null } else { Value::from(dns) });
        let account = api.account_id().await?;
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{account}:elastic-ip/{id}", api.partition(), api.region)));
        read_association(&a, &api.region, &mut s);
        tags::set_from_remote(&api, &mut s, tags_map(a.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let req = with_allocate_arguments(api.ec2.allocate_address(), planned)
            .domain(DomainType::Vpc)
            .set_network_border_group(crate::values::get_string(planned, "network_border_group"))
            .set_tag_specifications(
                tag_spec(Ec2Type::ElasticIp, &tags::desired_with_intent(&api, planned, &token)).map(|t| vec![t]),
            );
        let created = api
            .create("AllocateAddress", CreateCall::default(), || req.clone().send(), || located::address(&api, &token))
            .await?;
        let id = created.id(|out| out.allocation_id()).ok_or_else(|| missing_id(ctx, "AllocateAddress"))?;
        let mut state = planned.clone();
        state.set("id", Value::from(id.as_str()));
        let unattached = blank_state(&self.schema(), []);
        sync_association(&api, &id, &unattached, planned).await.map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = located::address(&api, token).await? else { return Ok(None) };
        // Resume the create's association (a repeat is harmless).
        sync_association(&api, &id, &blank_state(&self.schema(), []), planned).await?;
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        adopt(self, ctx, state).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        sync_association(&api, id, prior, planned).await?;
        sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let id = state.get_str("id").unwrap_or_default();
        // Attached: detached first, as in Terraform, except from a NAT gateway (its association
        // goes with the gateway, which is deleted first).
        if state.get_str("association_id").is_some() && !held_by_nat_gateway(&api, state).await? {
            disassociate(&api, state).await?;
        }
        // A NAT gateway being deleted keeps its address for a while.
        api.call_settling("ReleaseAddress", &["InvalidIPAddress.InUse", "AuthFailure"], || {
            api.ec2.release_address().allocation_id(id).send()
        })
        .await
        .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id))])).await
    }
}

/// Whether the address's interface is a NAT gateway's.
async fn held_by_nat_gateway(api: &Api<'_>, state: &Value) -> Result<bool, crate::error::AwsError> {
    let Some(eni) = state.get_str("network_interface") else { return Ok(false) };
    let req = api.ec2.describe_network_interfaces().network_interface_ids(eni);
    let out = api
        .call("DescribeNetworkInterfaces", || req.clone().send())
        .await
        .or_not_found(&["InvalidNetworkInterfaceID.NotFound"])?;
    let kind = out.as_ref().and_then(|o| o.network_interfaces().first()).and_then(|n| n.interface_type().cloned());
    Ok(kind.is_some_and(|k| k.as_str() == "nat_gateway"))
}

/// EC2's public DNS name of an address: `compute-1` in us-east-1, `REGION.compute` elsewhere,
/// with `.cn` in the China regions.
fn public_dns(ip: &str, region: &str) -> String {
    let host = format!("ec2-{}", ip.replace('.', "-"));
    match region {
        "us-east-1" => format!("{host}.compute-1.amazonaws.com"),
        r if r.starts_with("cn-") => format!("{host}.{r}.compute.amazonaws.com.cn"),
        r => format!("{host}.{r}.compute.amazonaws.com"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn public_dns_follows_the_region() {
        assert_eq!(super::public_dns("3.4.5.6", "us-east-1"), "ec2-3-4-5-6.compute-1.amazonaws.com");
        assert_eq!(super::public_dns("3.4.5.6", "eu-west-1"), "ec2-3-4-5-6.eu-west-1.compute.amazonaws.com");
        assert_eq!(super::public_dns("3.4.5.6", "cn-north-1"), "ec2-3-4-5-6.cn-north-1.compute.amazonaws.com.cn");
    }
}
