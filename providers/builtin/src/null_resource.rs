//! `null_resource` (hashicorp/null): holds nothing but an `id`; a change to any value of the
//! `triggers` map replaces it, which configurations use to re-run provisioners.

use crate::randomness::random_bytes;
use meshplan_provider::{async_trait, Attribute, Ctx, ProviderError, ResourceType, Schema, Type, Value};

pub(crate) struct NullResource;

#[async_trait]
impl ResourceType for NullResource {
    fn has_remote_object(&self) -> bool {
        false
    }

    fn type_name(&self) -> &'static str {
        "null_resource"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("triggers", Attribute::optional(Type::map(Type::String)).force_new())
            .attr("id", Attribute::computed(Type::String))
    }

    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        // Nothing outside the state: it exists as long as the state says so.
        Ok(Some(state.clone()))
    }

    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from(random_decimal_id()?));
        Ok(state)
    }

    /// Every argument forces a replacement, so an update changes nothing remote.
    async fn update(&self, _ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", prior.get("id").clone());
        Ok(state)
    }

    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
}

/// A random unsigned 63-bit number in decimal, the shape of the ids the null provider makes.
fn random_decimal_id() -> Result<String, ProviderError> {
    let b = random_bytes(8)?;
    let mut word = [0u8; 8];
    word.copy_from_slice(&b);
    Ok((u64::from_le_bytes(word) >> 1).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshplan_provider::{Path, PlanRequest};

    fn config(triggers: Value) -> Value {
        Value::object([("triggers", triggers), ("id", Value::Null)])
    }

    #[tokio::test]
    async fn create_gives_a_decimal_id_and_changed_triggers_replace() {
        let ctx = Ctx::unconfigured("null_resource.x");
        let cfg = config(Value::object([("a", Value::from("1"))]));
        let state = NullResource.create(&ctx, &cfg).await.unwrap();
        let id = state.get_str("id").unwrap().to_string();
        assert!(!id.is_empty() && id.chars().all(|c| c.is_ascii_digit()), "{id}");

        let same = NullResource.plan(&ctx, PlanRequest { prior: Some(&state), config: &cfg }).await.unwrap();
        assert!(!same.replaces());
        assert_eq!(same.state.get("id"), state.get("id"));

        let changed = config(Value::object([("a", Value::from("2"))]));
        let p = NullResource.plan(&ctx, PlanRequest { prior: Some(&state), config: &changed }).await.unwrap();
        assert!(p.replaces());
        assert_eq!(p.requires_replace, vec![Path::from("triggers")]);
    }
}
