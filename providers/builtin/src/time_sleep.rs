//! `time_sleep` (hashicorp/time): waits `create_duration` after creation and
//! `destroy_duration` before deletion, to give eventually consistent APIs time.

use meshplan_provider::duration;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type,
    Value,
};
use std::time::{Duration, SystemTime};

pub(crate) struct TimeSleep;

/// The duration in attribute `name`, zero when unset.
fn duration(state: &Value, name: &str) -> Result<Duration, ProviderError> {
    match state.get_str(name) {
        None => Ok(Duration::ZERO),
        Some(text) => duration::parse_duration(text).map_err(|e| {
            ProviderError::new(format!("invalid {name}: {e}"))
                .at_attribute(name)
                .with_hint("use Go duration syntax, e.g. \"30s\", \"1m5s\", \"200ms\"")
        }),
    }
}

#[async_trait]
impl ResourceType for TimeSleep {
    fn has_remote_object(&self) -> bool {
        false
    }

    fn type_name(&self) -> &'static str {
        "time_sleep"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("create_duration", Attribute::optional(Type::String))
            .attr("destroy_duration", Attribute::optional(Type::String))
            .attr("triggers", Attribute::optional(Type::map(Type::String)).force_new())
            .attr("id", Attribute::computed(Type::String))
    }

    /// Plans by schema, rejecting a malformed duration at plan time rather than mid-apply.
    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        for name in ["create_duration", "destroy_duration"] {
            duration(req.config, name)?;
        }
        Ok(plan_with_schema(&self.schema(), req))
    }

    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }

    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        tokio::time::sleep(duration(planned, "create_duration")?).await;
        let mut state = planned.clone();
        // As Terraform: the id is the RFC 3339 time the sleep finished.
        state.set("id", Value::from(humantime::format_rfc3339_seconds(SystemTime::now()).to_string()));
        Ok(state)
    }

    /// Changing a duration does not sleep again; it only takes effect for the next
    /// create or destroy.
    async fn update(&self, _ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", prior.get("id").clone());
        Ok(state)
    }

    async fn delete(&self, _ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        tokio::time::sleep(duration(state, "destroy_duration")?).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshplan_provider::Path;
    use std::time::Instant;

    fn ctx() -> Ctx {
        Ctx::unconfigured("time_sleep.wait")
    }

    fn config(create: &str, destroy: Option<&str>, trigger: &str) -> Value {
        Value::object([
            ("create_duration", Value::from(create)),
            ("destroy_duration", Value::from(destroy)),
            ("triggers", Value::object([("k", Value::from(trigger))])),
            ("id", Value::Null),
        ])
    }

    #[tokio::test]
    async fn create_sleeps_and_sets_an_rfc3339_id() {
        let cfg = config("150ms", None, "a");
        let p = TimeSleep.plan(&ctx(), PlanRequest { prior: None, config: &cfg }).await.unwrap();
        assert_eq!(p.state.get("id"), &Value::Unknown);
        let started = Instant::now();
        let state = TimeSleep.create(&ctx(), &cfg).await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(150));
        let id = state.get_str("id").unwrap();
        assert!(humantime::parse_rfc3339(id).is_ok(), "{id}");
        assert!(id.ends_with('Z') && id.len() == 20, "{id}");
        assert_eq!(TimeSleep.read(&ctx(), &state).await.unwrap(), Some(state));
    }

    #[tokio::test]
    async fn delete_sleeps_destroy_duration() {
        let state = TimeSleep.create(&ctx(), &config("0s", Some("120ms"), "a")).await.unwrap();
        let started = Instant::now();
        TimeSleep.delete(&ctx(), &state).await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(120));
    }

    #[tokio::test]
    async fn triggers_replace_and_durations_update_in_place() {
        let state = TimeSleep.create(&ctx(), &config("0s", None, "a")).await.unwrap();
        let p = TimeSleep
            .plan(&ctx(), PlanRequest { prior: Some(&state), config: &config("0s", None, "b") })
            .await
            .unwrap();
        assert_eq!(p.requires_replace, vec![Path::from("triggers")]);

        let cfg = config("10s", None, "a");
        let p = TimeSleep.plan(&ctx(), PlanRequest { prior: Some(&state), config: &cfg }).await.unwrap();
        assert!(!p.replaces());
        let started = Instant::now();
        let updated = TimeSleep.update(&ctx(), &state, &p.state).await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(5), "an update does not sleep");
        assert_eq!(updated.get("id"), state.get("id"));
        assert_eq!(updated.get("create_duration"), &Value::from("10s"));
    }

    #[tokio::test]
    async fn a_bad_duration_fails_the_plan_naming_the_attribute() {
        let cfg = config("5 days", None, "a");
        let err = TimeSleep.plan(&ctx(), PlanRequest { prior: None, config: &cfg }).await.unwrap_err();
        assert_eq!(err.attribute.as_deref(), Some("create_duration"));
        assert!(err.message.contains("5 days"), "{}", err.message);
    }
}
