//! `random_password` (hashicorp/random): a random string from the chosen character classes,
//! with per-class minimums. `result` is sensitive. Every argument forces a new password.
//!
//! Not implemented: `bcrypt_hash` (bcrypt at cost 10 is slow in debug builds and pulls in a
//! crate for one attribute; add it when a configuration needs it) and the deprecated `number`.

use crate::randomness::random_index;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type,
    Value,
};

pub(crate) struct RandomPassword;

const NUMERIC: &str = "0123456789";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// Terraform's default special characters.
const DEFAULT_SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";
/// Upper bound on `length`, so a typo cannot ask for gigabytes.
const MAX_LENGTH: i64 = 1 << 16;

/// What to generate, read from a wholly known configuration (defaults applied by the plan).
struct Recipe {
    length: usize,
    /// The characters to fill with after the minimums.
    all: Vec<char>,
    /// Each class with its minimum count (minimums apply even to a disabled class, as in Terraform).
    minimums: Vec<(Vec<char>, usize)>,
}

fn whole(config: &Value, name: &str, min: i64) -> Result<i64, ProviderError> {
    let v = config.get(name);
    match v {
        Value::Null => Ok(0),
        _ => match v.as_i64() {
            Some(n) if (min..=MAX_LENGTH).contains(&n) => Ok(n),
            _ => Err(ProviderError::new(format!("{name} must be a whole number from {min} to {MAX_LENGTH}, got {v}"))
                .at_attribute(name)),
        },
    }
}

fn flag(config: &Value, name: &str) -> bool {
    config.get(name).as_bool().unwrap_or(true)
}

impl Recipe {
    /// `None` while an argument is unknown (checked again at apply).
    fn from_config(config: &Value) -> Result<Option<Recipe>, ProviderError> {
        if !config.is_wholly_known() {
            return Ok(None);
        }
        let length = whole(config, "length", 1)?;
        let special: Vec<char> = match config.get_str("override_special") {
            Some(s) => s.chars().collect(),
            None => DEFAULT_SPECIAL.chars().collect(),
        };
        let classes = [
            (NUMERIC.chars().collect::<Vec<_>>(), "numeric", "min_numeric"),
            (LOWER.chars().collect(), "lower", "min_lower"),
            (UPPER.chars().collect(), "upper", "min_upper"),
            (special, "special", "min_special"),
        ];
        let mut all = Vec::new();
        let mut minimums = Vec::new();
        let mut required = 0;
        for (chars, enabled, min_name) in classes {
            if flag(config, enabled) {
                all.extend(chars.iter().copied());
            }
            let min = whole(config, min_name, 0)?;
            if min > 0 && chars.is_empty() {
                return Err(ProviderError::new(format!("{min_name} is {min} but override_special is empty"))
                    .at_attribute(min_name));
            }
            required += min;
            minimums.push((chars, min as usize));
        }
        if required > length {
            return Err(ProviderError::new(format!(
                "length is {length} but the min_* arguments require {required} characters"
            ))
            .at_attribute("length"));
        }
        if all.is_empty() && required < length {
            return Err(ProviderError::new("every character class is disabled (upper, lower, numeric, special)")
                .with_hint("enable at least one class or set override_special"));
        }
        Ok(Some(Recipe { length: length as usize, all, minimums }))
    }

    fn generate(&self) -> Result<String, ProviderError> {
        let mut out: Vec<char> = Vec::with_capacity(self.length);
        for (chars, min) in &self.minimums {
            for _ in 0..*min {
                out.push(chars[random_index(chars.len())?]);
            }
        }
        while out.len() < self.length {
            out.push(self.all[random_index(self.all.len())?]);
        }
        // Fisher-Yates, so the minimums do not sit at the front.
        for i in (1..out.len()).rev() {
            out.swap(i, random_index(i + 1)?);
        }
        Ok(out.into_iter().collect())
    }
}

#[async_trait]
impl ResourceType for RandomPassword {
    fn has_remote_object(&self) -> bool {
        false
    }

    fn type_name(&self) -> &'static str {
        "random_password"
    }

    fn schema(&self) -> Schema {
        let flag = || Attribute::optional(Type::Bool).default(true).force_new();
        let count = || Attribute::optional(Type::Number).default(0i64).force_new();
        Schema::new()
            .attr("length", Attribute::required(Type::Number).force_new())
            .attr("special", flag())
            .attr("upper", flag())
            .attr("lower", flag())
            .attr("numeric", flag())
            .attr("min_numeric", count())
            .attr("min_upper", count())
            .attr("min_lower", count())
            .attr("min_special", count())
            .attr("override_special", Attribute::optional(Type::String).force_new())
            .attr("keepers", Attribute::optional(Type::map(Type::String)).force_new())
            .attr("result", Attribute::computed(Type::String).sensitive())
            .attr("id", Attribute::computed(Type::String))
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let planned = plan_with_schema(&self.schema(), req);
        let mut arguments = planned.state.clone();
        arguments.set("result", Value::Null);
        arguments.set("id", Value::Null);
        Recipe::from_config(&arguments)?;
        Ok(planned)
    }

    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }

    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let mut arguments = planned.clone();
        arguments.set("result", Value::Null);
        arguments.set("id", Value::Null);
        let recipe = Recipe::from_config(&arguments)?
            .ok_or_else(|| ProviderError::new("random_password arguments are unknown at apply"))?;
        let mut state = planned.clone();
        state.set("result", Value::from(recipe.generate()?));
        state.set("id", Value::from("none"));
        Ok(state)
    }

    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }

    /// The import ID is the password itself (as in Terraform); the other arguments take
    /// their defaults with `length` from the password.
    async fn import(&self, _ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        if id.is_empty() {
            return Err(ProviderError::new("cannot import an empty random_password"));
        }
        let schema = self.schema();
        let mut state = Value::empty_object();
        for (name, attr) in &schema.attributes {
            state.set(name, attr.default.clone().unwrap_or(Value::Null));
        }
        state.set("length", Value::from(id.chars().count() as i64));
        state.set("result", Value::from(id));
        state.set("id", Value::from("none"));
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshplan_provider::Path;

    fn ctx() -> Ctx {
        Ctx::unconfigured("random_password.db")
    }

    async fn planned(pairs: Vec<(&str, Value)>) -> Value {
        let cfg = Value::object(pairs);
        RandomPassword.plan(&ctx(), PlanRequest { prior: None, config: &cfg }).await.unwrap().state
    }

    #[test]
    fn result_is_sensitive_in_the_schema() {
        let schema = RandomPassword.schema();
        assert!(schema.attributes["result"].sensitive);
        assert!(!schema.attributes["id"].sensitive);
    }

    #[tokio::test]
    async fn default_password_has_the_length_and_known_classes() {
        let p = planned(vec![("length", Value::from(32i64))]).await;
        assert_eq!(p.get("result"), &Value::Unknown);
        assert_eq!(p.get("special"), &Value::from(true));
        let s = RandomPassword.create(&ctx(), &p).await.unwrap();
        let result = s.get_str("result").unwrap();
        assert_eq!(result.chars().count(), 32);
        let allowed: String = [NUMERIC, LOWER, UPPER, DEFAULT_SPECIAL].concat();
        assert!(result.chars().all(|c| allowed.contains(c)), "{result}");
        assert_eq!(s.get_str("id"), Some("none"));
        assert_ne!(result, RandomPassword.create(&ctx(), &p).await.unwrap().get_str("result").unwrap());
        assert_eq!(RandomPassword.read(&ctx(), &s).await.unwrap(), Some(s.clone()));
        RandomPassword.delete(&ctx(), &s).await.unwrap();
    }

    #[tokio::test]
    async fn minimums_and_disabled_classes_are_honoured() {
        let p = planned(vec![
            ("length", Value::from(20i64)),
            ("special", Value::from(false)),
            ("upper", Value::from(false)),
            ("min_numeric", Value::from(5i64)),
            ("min_special", Value::from(3i64)),
            ("override_special", Value::from("_")),
        ])
        .await;
        for _ in 0..20 {
            let s = RandomPassword.create(&ctx(), &p).await.unwrap();
            let r = s.get_str("result").unwrap();
            assert!(r.chars().filter(char::is_ascii_digit).count() >= 5, "{r}");
            assert!(r.chars().filter(|c| *c == '_').count() >= 3, "{r}");
            assert!(!r.chars().any(|c| c.is_ascii_uppercase()), "{r}");
            assert!(r.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "{r}");
        }
    }

    #[tokio::test]
    async fn any_argument_change_replaces() {
        let p = planned(vec![("length", Value::from(16i64))]).await;
        let s = RandomPassword.create(&ctx(), &p).await.unwrap();
        let same = Value::object([("length", Value::from(16i64))]);
        let plan = RandomPassword.plan(&ctx(), PlanRequest { prior: Some(&s), config: &same }).await.unwrap();
        assert!(!plan.replaces());
        assert_eq!(plan.state.get("result"), s.get("result"), "a no-op keeps the password");
        let shorter = Value::object([("length", Value::from(12i64))]);
        let plan = RandomPassword.plan(&ctx(), PlanRequest { prior: Some(&s), config: &shorter }).await.unwrap();
        assert_eq!(plan.requires_replace, vec![Path::from("length")]);
    }

    #[tokio::test]
    async fn impossible_settings_fail_the_plan() {
        let too_short = Value::object([
            ("length", Value::from(4i64)),
            ("min_upper", Value::from(3i64)),
            ("min_lower", Value::from(3i64)),
        ]);
        let err = RandomPassword.plan(&ctx(), PlanRequest { prior: None, config: &too_short }).await.unwrap_err();
        assert_eq!(err.attribute.as_deref(), Some("length"));
        let nothing = Value::object([
            ("length", Value::from(8i64)),
            ("special", Value::from(false)),
            ("upper", Value::from(false)),
            ("lower", Value::from(false)),
            ("numeric", Value::from(false)),
        ]);
        assert!(RandomPassword.plan(&ctx(), PlanRequest { prior: None, config: &nothing }).await.is_err());
        let zero = Value::object([("length", Value::from(0i64))]);
        assert!(RandomPassword.plan(&ctx(), PlanRequest { prior: None, config: &zero }).await.is_err());
    }

    #[tokio::test]
    async fn unknown_length_plans_without_error() {
        let cfg = Value::object([("length", Value::Unknown)]);
        let p = RandomPassword.plan(&ctx(), PlanRequest { prior: None, config: &cfg }).await.unwrap();
        assert_eq!(p.state.get("result"), &Value::Unknown);
    }
}
