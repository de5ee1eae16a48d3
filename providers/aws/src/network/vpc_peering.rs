//! `aws_vpc_peering_connection`, `aws_vpc_peering_connection_accepter` and
//! `aws_vpc_peering_connection_options`.
//!
//! Cross-region peering takes two provider instances: the requester's creates the
//! connection with `peer_region`, the accepter resource (on the peer region's provider)
//! accepts it.

use super::ec2::{sync_tags, tag_spec, tags_map};
use super::located;
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::{find_by_content, missing_id};
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{blank_state, block_list, get_string, one_block, opt_str};
use crate::waiter::{timeout_of, timeouts_block, Poll};
use aws_sdk_ec2::types::{
    PeeringConnectionOptionsRequest, ResourceType as Ec2Type, VpcPeeringConnection,
    VpcPeeringConnectionStateReasonCode as Code, VpcPeeringConnectionVpcInfo,
};
use meshplan_provider::{
    async_trait, Attribute, Block, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};
use std::time::Duration;

pub struct PeeringConnection;
pub struct PeeringAccepter;
pub struct PeeringOptions;

const NOT_FOUND: &[&str] = &["InvalidVpcPeeringConnectionID.NotFound"];
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

fn options_block() -> Block {
    Block::list(Schema::new().attr("allow_remote_vpc_dns_resolution", Attribute::optional(Type::Bool).default(false)))
        .max_items(1)
}

async fn describe(api: &Api<'_>, id: &str) -> Result<Option<VpcPeeringConnection>, AwsError> {
    let pcx = super::described::peering(api, id).await?;
    // Deleted and rejected connections stay visible for a while; to us they are gone.
    Ok(pcx.filter(|p| {
        !matches!(status(p), Some(Code::Deleted | Code::Deleting | Code::Rejected | Code::Failed | Code::Expired))
    }))
}

/// The planned `requester`/`accepter` blocks hold as read (unmanaged blocks are empty on both).
fn options_match(state: &Value, planned: &Value) -> bool {
    ["requester", "accepter"]
        .iter()
        .all(|b| one_block(planned.get(b)).is_null() || one_block(state.get(b)) == one_block(planned.get(b)))
}

fn status(p: &VpcPeeringConnection) -> Option<&Code> {
    p.status().and_then(|s| s.code())
}

fn dns_option(info: Option<&VpcPeeringConnectionVpcInfo>) -> bool {
    info.and_then(|i| i.peering_options()).and_then(|o| o.allow_dns_resolution_from_remote_vpc()).unwrap_or(false)
}

/// Sets the attributes every peering resource shares from what AWS holds.
fn set_common(api: &Api<'_>, s: &mut Value, p: &VpcPeeringConnection) {
    let req = p.requester_vpc_info();
    let acc = p.accepter_vpc_info();
    s.set("id", opt_str(p.vpc_peering_connection_id()));
    s.set("vpc_id", opt_str(req.and_then(|i| i.vpc_id())));
    s.set("peer_vpc_id", opt_str(acc.and_then(|i| i.vpc_id())));
    s.set("peer_owner_id", opt_str(acc.and_then(|i| i.owner_id())));
    s.set("peer_region", opt_str(acc.and_then(|i| i.region()).or(Some(api.region.as_str()))));
    s.set("accept_status", opt_str(status(p).map(|c| c.as_str())));
    // Options are shown only where the configuration manages them.
    for (block, info) in [("requester", req), ("accepter", acc)] {
        if !one_block(s.get(block)).is_null() {
            s.set(
                block,
                block_list(Value::object([("allow_remote_vpc_dns_resolution", Value::from(dns_option(info)))])),
            );
        }
    }
}

/// Resent after a lost answer, an accept meets a connection no longer pending
/// (InvalidStateTransition): the lost attempt accepted it.
async fn accept(api: &Api<'_>, id: &str) -> Result<(), AwsError> {
    api.call_idempotent("AcceptVpcPeeringConnection", &["InvalidStateTransition"], || {
        api.ec2.accept_vpc_peering_connection().vpc_peering_connection_id(id).send()
    })
    .await?;
    Ok(())
}

async fn wait_status(api: &Api<'_>, id: &str, timeout: Duration, accepted_is_enough: bool) -> Result<(), AwsError> {
    api.wait_for("VPC peering connection to become active", timeout, || async {
        let p = describe(api, id).await?;
        Ok(match p.as_ref().and_then(status) {
            Some(Code::Active) => Poll::Ready(()),
            Some(Code::PendingAcceptance) if accepted_is_enough => Poll::Ready(()),
            Some(other) => Poll::Pending(other.as_str().to_string()),
            None => Poll::Failed { status: "gone".into(), reason: Some("rejected, failed or deleted".into()) },
        })
    })
    .await
}

/// Applies the `requester` / `accepter` blocks that changed between `prior` and `planned`.
async fn modify_options(api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let wanted = |block: &str| -> Option<PeeringConnectionOptionsRequest> {
        let want = one_block(planned.get(block));
        (!want.is_null() && want != one_block(prior.get(block))).then(|| {
            PeeringConnectionOptionsRequest::builder()
                .allow_dns_resolution_from_remote_vpc(
                    want.get("allow_remote_vpc_dns_resolution").as_bool().unwrap_or(false),
                )
                .build()
        })
    };
    let (requester, accepter) = (wanted("requester"), wanted("accepter"));
    if requester.is_none() && accepter.is_none() {
        return Ok(());
    }
    let req = api
        .ec2
        .modify_vpc_peering_connection_options()
        .vpc_peering_connection_id(id)
        .set_requester_peering_connection_options(requester)
        .set_accepter_peering_connection_options(accepter);
    api.call("ModifyVpcPeeringConnectionOptions", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl ResourceType for PeeringConnection {
    fn type_name(&self) -> &'static str {
        "aws_vpc_peering_connection"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("vpc_id", Attribute::required(Type::String).force_new())
                .attr("peer_vpc_id", Attribute::required(Type::String).force_new())
                .attr("peer_owner_id", Attribute::optional_computed(Type::String).force_new())
                .attr("peer_region", Attribute::optional_computed(Type::String).force_new())
                .attr("auto_accept", Attribute::optional(Type::Bool))
                .attr("accept_status", Attribute::computed(Type::String)),
        )
        .block("requester", options_block())
        .block("accepter", options_block())
        .block("timeouts", timeouts_block())
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        let Some(p) = describe(&api, id).await? else { return Ok(None) };
        let mut s = state.clone();
        set_common(&api, &mut s, &p);
        tags::set_from_remote(&api, &mut s, tags_map(p.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "create", DEFAULT_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let peer_region = get_string(planned, "peer_region");
        let cross_region = peer_region.as_deref().is_some_and(|r| r != api.region);
        let auto_accept = planned.get("auto_accept").as_bool() == Some(true);
        if cross_region && auto_accept {
            return Err(api
                .invalid("auto_accept", "auto_accept cannot be used with a peer_region other than the provider's; use aws_vpc_peering_connection_accepter")
                .into());
        }
        let token = intent::token(ctx);
        let req = api
            .ec2
            .create_vpc_peering_connection()
            .set_vpc_id(get_string(planned, "vpc_id"))
            .set_peer_vpc_id(get_string(planned, "peer_vpc_id"))
            .set_peer_owner_id(get_string(planned, "peer_owner_id"))
            .set_peer_region(peer_region)
            .set_tag_specifications(
                tag_spec(Ec2Type::VpcPeeringConnection, &tags::desired_with_intent(&api, planned, &token))
                    .map(|t| vec![t]),
            );
        let call = CreateCall { settling: &["InvalidVpcID.NotFound"], ..Default::default() };
        let created = api
            .create("CreateVpcPeeringConnection", call, || req.clone().send(), || located::peering(&api, &token))
            .await?;
        let id = created
            .id(|out| out.vpc_peering_connection().and_then(|p| p.vpc_peering_connection_id()))
            .ok_or_else(|| missing_id(ctx, "CreateVpcPeeringConnection"))?;
        self.finish(ctx, &api, planned, &id, timeout).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "create", DEFAULT_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        match located::peering(&api, token).await? {
            Some(id) => self.finish(ctx, &api, planned, &id, timeout).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        if planned.get("auto_accept").as_bool() == Some(true)
            && prior.get_str("accept_status") == Some("pending-acceptance")
        {
            accept(&api, id).await?;
        }
        modify_options(&api, id, prior, planned).await?;
        sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let id = state.get_str("id").unwrap_or_default();
        api.call("DeleteVpcPeeringConnection", || {
            api.ec2.delete_vpc_peering_connection().vpc_peering_connection_id(id).send()
        })
        .await
        .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id))])).await
    }
}

impl PeeringConnection {
    /// The steps after CreateVpcPeeringConnection, each skipped or harmless when already
    /// done (find resumes an interrupted create).
    async fn finish(
        &self,
        ctx: &Ctx,
        api: &Api<'_>,
        planned: &Value,
        id: &str,
        timeout: Duration,
    ) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        let auto_accept = planned.get("auto_accept").as_bool() == Some(true);
        let steps = async {
            wait_status(api, id, timeout, true).await?;
            if auto_accept {
                if describe(api, id).await?.as_ref().and_then(status) == Some(&Code::PendingAcceptance) {
                    accept(api, id).await?;
                }
                wait_status(api, id, timeout, false).await?;
                let none = blank_state(&self.schema(), []);
                modify_options(api, id, &none, planned).await?;
            }
            Ok::<_, AwsError>(())
        };
        steps.await.map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }
}

#[async_trait]
impl ResourceType for PeeringAccepter {
    fn type_name(&self) -> &'static str {
        "aws_vpc_peering_connection_accepter"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("vpc_peering_connection_id", Attribute::required(Type::String).force_new())
                .attr("auto_accept", Attribute::optional(Type::Bool))
                .attr("vpc_id", Attribute::computed(Type::String))
                .attr("peer_vpc_id", Attribute::computed(Type::String))
                .attr("peer_owner_id", Attribute::computed(Type::String))
                .attr("peer_region", Attribute::computed(Type::String))
                .attr("accept_status", Attribute::computed(Type::String)),
        )
        .block("requester", options_block())
        .block("accepter", options_block())
        .block("timeouts", timeouts_block())
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("vpc_peering_connection_id").or(state.get_str("id")) else { return Ok(None) };
        let Some(p) = describe(&api, id).await? else { return Ok(None) };
        let mut s = state.clone();
        set_common(&api, &mut s, &p);
        s.set("vpc_peering_connection_id", Value::from(id));
        tags::set_from_remote(&api, &mut s, tags_map(p.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "create", DEFAULT_TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let id = planned.get_str("vpc_peering_connection_id").unwrap_or_default();
        let Some(p) = describe(&api, id).await? else {
            return Err(api
                .invalid("vpc_peering_connection_id", format!("VPC peering connection {id} does not exist"))
                .into());
        };
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        let current = Value::object([("tags_all", crate::values::map_value(tags_map(p.tags())))]);
        let steps = async {
            if status(&p) == Some(&Code::PendingAcceptance) && planned.get("auto_accept").as_bool() == Some(true) {
                accept(&api, id).await?;
            }
            wait_status(&api, id, timeout, planned.get("auto_accept").as_bool() != Some(true)).await?;
            modify_options(&api, id, &blank_state(&self.schema(), []), planned).await?;
            sync_tags(&api, id, &current, planned).await
        };
        steps.await.map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        modify_options(&api, id, prior, planned).await?;
        sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    /// As in Terraform: the accepter only stops being managed; the connection stays.
    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }

    /// Accepting makes nothing new: done when the connection is accepted (if asked) with
    /// the planned options and tags; otherwise the create (idempotent) runs again.
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let desired = tags::desired(&api, planned);
        let accepted = planned.get("auto_accept").as_bool() != Some(true);
        find_by_content(self, ctx, planned, |s| {
            (accepted || s.get_str("accept_status") == Some("active"))
                && options_match(s, planned)
                && crate::values::string_map(s.get("tags_all")) == desired
        })
        .await
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let seed =
            blank_state(&self.schema(), [("id", Value::from(id)), ("vpc_peering_connection_id", Value::from(id))]);
        import_via_read(self, ctx, id, seed).await
    }
}

#[async_trait]
impl ResourceType for PeeringOptions {
    fn type_name(&self) -> &'static str {
        "aws_vpc_peering_connection_options"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("vpc_peering_connection_id", Attribute::required(Type::String).force_new())
            .block("requester", options_block())
            .block("accepter", options_block())
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("vpc_peering_connection_id").or(state.get_str("id")) else { return Ok(None) };
        let Some(p) = describe(&api, id).await? else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(id));
        s.set("vpc_peering_connection_id", Value::from(id));
        for (block, info) in [("requester", p.requester_vpc_info()), ("accepter", p.accepter_vpc_info())] {
            if !one_block(s.get(block)).is_null() {
                s.set(
                    block,
                    block_list(Value::object([("allow_remote_vpc_dns_resolution", Value::from(dns_option(info)))])),
                );
            }
        }
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = planned.get_str("vpc_peering_connection_id").unwrap_or_default();
        modify_options(&api, id, &blank_state(&self.schema(), []), planned).await?;
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        read_after_write(self, ctx, state).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        modify_options(&api, prior.get_str("id").unwrap_or_default(), prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    /// As in Terraform: forgetting the options leaves them as they are.
    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }

    /// Options are content: done when they are the planned ones, else set again.
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        find_by_content(self, ctx, planned, |s| options_match(s, planned)).await
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let blank_opts = block_list(Value::object([("allow_remote_vpc_dns_resolution", Value::from(false))]));
        let seed = blank_state(
            &self.schema(),
            [
                ("id", Value::from(id)),
                ("vpc_peering_connection_id", Value::from(id)),
                ("requester", blank_opts.clone()),
                ("accepter", blank_opts),
            ],
        );
        import_via_read(self, ctx, id, seed).await
    }
}
