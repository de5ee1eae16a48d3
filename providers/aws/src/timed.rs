//! [`Timed`]: the `timeouts {}` block for types written before the skeleton, whose calls
//! finish without a long wait. Terraform configurations (the vpc and security-group modules)
//! set it on routes, route table associations and security groups; here each configured
//! duration bounds its whole operation (calls, retries, settling), and a bad duration is a
//! plan-time error at the block.

use crate::waiter::timeout_of;
use meshplan_provider::{
    async_trait, Attribute, Block, Ctx, ImpliedKey, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type,
    Value,
};
use std::future::Future;
use std::time::Duration;

pub struct Timed<T> {
    inner: T,
    /// The operations the block names, as in the Terraform provider's schema for the type.
    operations: &'static [&'static str],
}

impl<T> Timed<T> {
    pub fn new(inner: T, operations: &'static [&'static str]) -> Self {
        Timed { inner, operations }
    }
}

/// Runs `op` within the `timeouts` block's bound for `operation`, if one is set.
async fn within<R>(
    state: &Value,
    operation: &str,
    op: impl Future<Output = Result<R, ProviderError>>,
) -> Result<R, ProviderError> {
    // A bound never configured runs unbounded (the calls keep their own retry budget).
    let bound = match timeout_of(state, operation, Duration::MAX) {
        Ok(d) => d,
        Err(e) => return Err(ProviderError::new(e).at_attribute("timeouts")),
    };
    if bound == Duration::MAX {
        return op.await;
    }
    tokio::time::timeout(bound, op).await.unwrap_or_else(|_| {
        let text = state.get("timeouts").get_str(operation).unwrap_or_default().to_string();
        Err(ProviderError::new(format!("{operation} did not finish within {text} (timeouts.{operation})"))
            .with_hint("raise the bound in the resource's timeouts block, or remove it"))
    })
}

#[async_trait]
impl<T: ResourceType> ResourceType for Timed<T> {
    fn type_name(&self) -> &'static str {
        self.inner.type_name()
    }

    fn schema(&self) -> Schema {
        let ops = self.operations.iter().fold(Schema::new(), |s, op| s.attr(op, Attribute::optional(Type::String)));
        self.inner.schema().block("timeouts", Block::single(ops))
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let timeouts = req.config.get("timeouts").clone();
        for op in self.operations {
            timeout_of(req.config, op, Duration::ZERO).map_err(|e| ProviderError::new(e).at_attribute("timeouts"))?;
        }
        let mut planned = self.inner.plan(ctx, req).await?;
        planned.state.set("timeouts", timeouts);
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let timeouts = state.get("timeouts").clone();
        // Bounded only for types whose block names `read` (aws_eip).
        Ok(within(state, "read", self.inner.read(ctx, state)).await?.map(|mut s| {
            s.set("timeouts", timeouts);
            s
        }))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let mut state = within(planned, "create", self.inner.create(ctx, planned)).await?;
        state.set("timeouts", planned.get("timeouts").clone());
        Ok(state)
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let mut state = within(planned, "update", self.inner.update(ctx, prior, planned)).await?;
        state.set("timeouts", planned.get("timeouts").clone());
        Ok(state)
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        within(state, "delete", self.inner.delete(ctx, state)).await
    }

    fn implied_keys(&self, state: &Value) -> Vec<ImpliedKey> {
        self.inner.implied_keys(state)
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.inner.find(ctx, token, planned).await?.map(|mut s| {
            s.set("timeouts", planned.get("timeouts").clone());
            s
        }))
    }

    fn has_remote_object(&self) -> bool {
        self.inner.has_remote_object()
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let mut state = self.inner.import(ctx, id).await?;
        state.set("timeouts", Value::Null);
        Ok(state)
    }
}
