//! `aws_nat_gateway`: waits for `available` on create and for `deleted` on delete.

use super::ec2::{sync_tags, tag_spec, tags_map};
use super::located;
use super::nat_secondary::{
    plan_secondary, primary, read_secondary, update_secondary, with_create_arguments, with_secondary,
};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::missing_id;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{blank_state, get_string, opt_str};
use crate::waiter::{timeout_of, timeouts_block, Poll};
use aws_sdk_ec2::types::{ConnectivityType, NatGateway as Ec2Nat, NatGatewayState, ResourceType as Ec2Type};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};
use std::time::Duration;

pub struct NatGateway;

const NOT_FOUND: &[&str] = &["NatGatewayNotFound", "InvalidNatGatewayID.NotFound"];
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10 * 60);

async fn describe(api: &Api<'_>, id: &str) -> Result<Option<Ec2Nat>, AwsError> {
    super::described::nat_gateway(api, id).await
}

#[async_trait]
impl ResourceType for NatGateway {
    fn type_name(&self) -> &'static str {
        "aws_nat_gateway"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(with_secondary(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("allocation_id", Attribute::optional(Type::String).force_new())
                .attr("subnet_id", Attribute::required(Type::String).force_new())
                .attr("connectivity_type", Attribute::optional(Type::String).default("public").force_new())
                .attr("private_ip", Attribute::optional_computed(Type::String).force_new())
                .attr("public_ip", Attribute::computed(Type::String))
                .attr("network_interface_id", Attribute::computed(Type::String))
                .attr("association_id", Attribute::computed(Type::String)),
        ))
        .block("timeouts", timeouts_block())
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = tags::plan_tagged(&self.schema(), ctx, req).await?;
        plan_secondary(&mut planned, req.config, req.prior);
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        let Some(nat) = describe(&api, id).await? else { return Ok(None) };
        if matches!(nat.state(), Some(NatGatewayState::Deleted | NatGatewayState::Deleting | NatGatewayState::Failed)) {
            return Ok(None);
        }
        let addr = primary(&nat);
        let mut s = state.clone();
        s.set("subnet_id", opt_str(nat.subnet_id()));
        s.set("connectivity_type", opt_str(nat.connectivity_type().map(|c| c.as_str())));
        s.set("allocation_id", opt_str(addr.and_then(|a| a.allocation_id())));
        s.set("private_ip", opt_str(addr.and_then(|a| a.private_ip())));
        s.set("public_ip", opt_str(addr.and_then(|a| a.public_ip())));
        s.set("network_interface_id", opt_str(addr.and_then(|a| a.network_interface_id())));
        s.set("association_id", opt_str(addr.and_then(|a| a.association_id())));
        read_secondary(&nat, &mut s);
        tags::set_from_remote(&api, &mut s, tags_map(nat.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let connectivity = planned.get_str("connectivity_type").unwrap_or("public");
        // The client token makes a resend return the first gateway; the tag lets find see it.
        let req = with_create_arguments(api.ec2.create_nat_gateway(), planned)
            .client_token(&token)
            .set_subnet_id(get_string(planned, "subnet_id"))
            .set_allocation_id(get_string(planned, "allocation_id"))
            .set_private_ip_address(get_string(planned, "private_ip"))
            .connectivity_type(ConnectivityType::from(connectivity))
            .set_tag_specifications(
                tag_spec(Ec2Type::Natgateway, &tags::desired_with_intent(&api, planned, &token)).map(|t| vec![t]),
            );
        let created = api
            .create(
                "CreateNatGateway",
                CreateCall::default(),
                || req.clone().send(),
                || located::nat_gateway(&api, &token),
            )
            .await?;
        let id = created
            .id(|out| out.nat_gateway().and_then(|n| n.nat_gateway_id()))
            .ok_or_else(|| missing_id(ctx, "CreateNatGateway"))?;
        self.finish(ctx, &api, planned, &id).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        match located::nat_gateway(&api, token).await? {
            Some(id) => self.finish(ctx, &api, planned, &id).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        let timeout = timeout_of(planned, "update", DEFAULT_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        update_secondary(&api, id, prior, planned, timeout).await?;
        sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let id = state.get_str("id").unwrap_or_default();
        let timeout = timeout_of(state, "delete", DEFAULT_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let gone = api
            .call("DeleteNatGateway", || api.ec2.delete_nat_gateway().nat_gateway_id(id).send())
            .await
            .or_not_found(NOT_FOUND)?
            .is_none();
        if gone {
            return Ok(());
        }
        api.wait_for("NAT gateway to be deleted", timeout, || async {
            let nat = describe(&api, id).await?;
            Ok(match nat.as_ref().and_then(|n| n.state()) {
                None | Some(NatGatewayState::Deleted) => Poll::Ready(()),
                Some(other) => Poll::Pending(other.as_str().to_string()),
            })
        })
        .await?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id))])).await
    }
}

impl NatGateway {
    /// Waits for `available` (find resumes an interrupted create here too).
    async fn finish(&self, ctx: &Ctx, api: &Api<'_>, planned: &Value, id: &str) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        let timeout = timeout_of(planned, "create", DEFAULT_TIMEOUT)
            .map_err(|e| with_partial(api.invalid("timeouts", e), &state))?;
        api.wait_for("NAT gateway to become available", timeout, || async {
            let nat = describe(api, id).await?;
            Ok(match nat.as_ref().and_then(|n| n.state()) {
                Some(NatGatewayState::Available) => Poll::Ready(()),
                Some(NatGatewayState::Failed) => Poll::Failed {
                    status: "failed".into(),
                    reason: nat.as_ref().and_then(|n| n.failure_message()).map(str::to_string),
                },
                other => {
                    Poll::Pending(other.map(|s| s.as_str().to_string()).unwrap_or_else(|| "not visible yet".into()))
                }
            })
        })
        .await
        .map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }
}
