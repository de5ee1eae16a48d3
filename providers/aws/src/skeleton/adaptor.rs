//! [`Managed`]: one [`ResourceType`] implementation for every [`AwsResource`].

use super::{AwsResource, Create, Tagging};
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{blank_state, string_map};
use meshplan_provider::duration::timeout_of;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Block, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema,
    Type, Value,
};
use std::time::Duration;

/// The adaptor: `Managed(Type)` is the registered resource type.
pub struct Managed<T>(pub T);

impl<T: AwsResource> Managed<T> {
    /// The `timeouts` block's bound for `operation`; a bad duration is an error at the block.
    fn timeout(&self, address: &str, state: &Value, operation: &str) -> Result<Duration, ProviderError> {
        timeout_of(state, operation, self.0.options().default_timeout).map_err(|message| {
            AwsError::Invalid { address: address.to_string(), message, attribute: Some("timeouts".into()) }.into()
        })
    }

    /// The planned state with the name the create (or `find`) uses.
    fn named(&self, planned: &Value, token: &str) -> Value {
        let mut state = planned.clone();
        if let Some(naming) = self.0.options().naming {
            state.set("name", Value::from(naming.resolve(planned, token)));
        }
        state
    }

    /// The create's follow-ups, then the state read back; errors keep the object's ID.
    async fn finish(&self, ctx: &Ctx, api: &Api<'_>, planned: &Value, id: &str) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        let timeout = self.timeout(&ctx.address, planned, "create").map_err(|e| e.with_partial_state(state.clone()))?;
        self.0.after_create(api, id, &state, timeout).await.map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }

    async fn sync_tags(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let tagging = self.0.options().tagging;
        if tagging == Tagging::None {
            return Ok(());
        }
        let (removed, changed) = tags::diff(&string_map(prior.get("tags_all")), &tags::desired(api, planned));
        if removed.is_empty() && changed.is_empty() {
            return Ok(());
        }
        match tagging {
            Tagging::Ec2 => crate::network::ec2_set_tags(api, id, &removed, &changed).await,
            _ => self.0.set_tags(api, id, &removed, &changed).await,
        }
    }
}

#[async_trait]
impl<T: AwsResource> ResourceType for Managed<T> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        let o = self.0.options();
        let mut schema = self.0.schema();
        if !schema.attributes.contains_key("id") {
            schema = schema.attr("id", Attribute::computed(Type::String));
        }
        if let Some(naming) = &o.naming {
            schema = naming.add_to(schema);
        }
        if o.tagging != Tagging::None {
            schema = tags::with_tags(schema);
        }
        if !o.timeouts.is_empty() {
            let ops = o.timeouts.iter().fold(Schema::new(), |s, op| s.attr(op, Attribute::optional(Type::String)));
            schema = schema.block("timeouts", Block::single(ops));
        }
        schema
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        self.0.check(&ctx.address, req.config)?;
        let mut planned = plan_with_schema(&self.schema(), req);
        for op in self.0.options().timeouts {
            self.timeout(&ctx.address, &planned.state, op)?;
        }
        if self.0.options().tagging != Tagging::None {
            planned = tags::plan(ctx.client()?, planned);
        }
        self.0.plan_more(&mut planned, req.prior);
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        let mut s = state.clone();
        let Some(remote_tags) = self.0.read(&api, id, &mut s).await.or_not_found(self.0.not_found())?.flatten() else {
            return Ok(None);
        };
        if self.0.options().tagging != Tagging::None {
            tags::set_from_remote(&api, &mut s, remote_tags);
        }
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = crate::intent::token(ctx);
        let planned = self.named(planned, &token);
        let tags = match self.0.options().tagging {
            Tagging::None => Default::default(),
            _ => tags::desired_with_intent(&api, &planned, &token),
        };
        // A bad duration fails before anything is made.
        self.timeout(&ctx.address, &planned, "create")?;
        let id = self.0.create(&api, &Create { planned: &planned, token: &token, tags }).await?;
        self.finish(ctx, &api, &planned, &id).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let planned = self.named(planned, token);
        match self.0.locate(&api, token, &planned).await? {
            Some(id) => self.finish(ctx, &api, &planned, &id).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        self.0.update(&api, id, prior, planned).await?;
        self.sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let id = state.get_str("id").unwrap_or_default();
        let timeout = self.timeout(&ctx.address, state, "delete")?;
        self.0.delete(&api, id, state, timeout).await.or_not_found(self.0.not_found())?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let seed =
            self.0.import_seed(id).map_err(|message| AwsError::Import { address: ctx.address.clone(), message })?;
        import_via_read(self, ctx, id, blank_state(&self.schema(), seed)).await
    }
}
