//! `meshplan_data` and `terraform_data` (one behaviour under both names, so Terraform
//! configurations run unchanged): stores `input` and echoes it as `output` after apply; a
//! change to `triggers_replace` replaces the instance (which is what makes it useful in
//! `replace_triggered_by`).

use crate::randomness::uuid_v4;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type,
    Value,
};

pub(crate) struct MeshplanData {
    type_name: &'static str,
}

pub(crate) const MESHPLAN_DATA: MeshplanData = MeshplanData { type_name: "meshplan_data" };
pub(crate) const TERRAFORM_DATA: MeshplanData = MeshplanData { type_name: "terraform_data" };

#[async_trait]
impl ResourceType for MeshplanData {
    fn has_remote_object(&self) -> bool {
        false
    }

    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("input", Attribute::optional(Type::Any))
            .attr("triggers_replace", Attribute::optional(Type::Any).force_new())
            .attr("output", Attribute::computed(Type::Any))
            .attr("id", Attribute::computed(Type::String))
    }

    /// As `terraform_data`: `output` is unknown until apply whenever `input` is new or
    /// changed, even when `input` is known, so nothing downstream sees the new value before
    /// this resource has been applied.
    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = plan_with_schema(&self.schema(), req);
        let input = planned.state.get("input").clone();
        let output = match req.prior {
            Some(prior) if !planned.replaces() => {
                if prior.get("input") == &input {
                    prior.get("output").clone()
                } else {
                    Value::Unknown
                }
            }
            // Create or replace.
            _ if input.is_null() => Value::Null,
            _ => Value::Unknown,
        };
        planned.state.set("output", output);
        Ok(planned)
    }

    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        // Nothing outside the state: it exists as long as the state says so.
        Ok(Some(state.clone()))
    }

    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("output", planned.get("input").clone());
        state.set("id", Value::from(uuid_v4()?));
        Ok(state)
    }

    async fn update(&self, _ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("output", planned.get("input").clone());
        state.set("id", prior.get("id").clone());
        Ok(state)
    }

    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshplan_provider::Path;

    fn ctx() -> Ctx {
        Ctx::unconfigured("meshplan_data.x")
    }

    fn config(input: Value, triggers: Value) -> Value {
        Value::object([("input", input), ("triggers_replace", triggers), ("output", Value::Null), ("id", Value::Null)])
    }

    async fn plan(prior: Option<&Value>, config: &Value) -> Planned {
        MESHPLAN_DATA.plan(&ctx(), PlanRequest { prior, config }).await.unwrap()
    }

    #[tokio::test]
    async fn create_plans_unknown_output_and_apply_echoes_input() {
        let cfg = config(Value::from("hello"), Value::Null);
        let p = plan(None, &cfg).await;
        assert_eq!(p.state.get("output"), &Value::Unknown);
        assert_eq!(p.state.get("id"), &Value::Unknown);
        assert_eq!(p.state.get("input"), &Value::from("hello"));

        let state = MESHPLAN_DATA.create(&ctx(), &cfg).await.unwrap();
        assert_eq!(state.get("output"), &Value::from("hello"));
        assert_eq!(state.get_str("id").unwrap().len(), 36);
        assert_eq!(MESHPLAN_DATA.read(&ctx(), &state).await.unwrap(), Some(state.clone()));
        MESHPLAN_DATA.delete(&ctx(), &state).await.unwrap();
    }

    #[tokio::test]
    async fn null_input_plans_null_output() {
        let p = plan(None, &config(Value::Null, Value::Null)).await;
        assert_eq!(p.state.get("output"), &Value::Null);
    }

    #[tokio::test]
    async fn unchanged_input_is_a_no_op() {
        let cfg = config(Value::from(1i64), Value::from("t"));
        let state = MESHPLAN_DATA.create(&ctx(), &cfg).await.unwrap();
        let p = plan(Some(&state), &cfg).await;
        assert_eq!(p.state, state);
        assert!(!p.replaces());
    }

    #[tokio::test]
    async fn changed_input_updates_in_place_with_unknown_output() {
        let state = MESHPLAN_DATA.create(&ctx(), &config(Value::from(1i64), Value::Null)).await.unwrap();
        let cfg = config(Value::from(2i64), Value::Null);
        let p = plan(Some(&state), &cfg).await;
        assert!(!p.replaces());
        assert_eq!(p.state.get("output"), &Value::Unknown);
        assert_eq!(p.state.get("id"), state.get("id"), "an update keeps the id");

        let mut planned = p.state.clone();
        planned.set("output", Value::Null); // what the engine hands over: wholly known
        let updated = MESHPLAN_DATA.update(&ctx(), &state, &planned).await.unwrap();
        assert_eq!(updated.get("output"), &Value::from(2i64));
        assert_eq!(updated.get("id"), state.get("id"));
    }

    #[tokio::test]
    async fn changed_triggers_replace() {
        let state = MESHPLAN_DATA.create(&ctx(), &config(Value::from(1i64), Value::from("a"))).await.unwrap();
        let p = plan(Some(&state), &config(Value::from(1i64), Value::from("b"))).await;
        assert_eq!(p.requires_replace, vec![Path::from("triggers_replace")]);
        assert_eq!(p.state.get("id"), &Value::Unknown);
        assert_eq!(p.state.get("output"), &Value::Unknown, "a replacement recomputes output");
    }
}
