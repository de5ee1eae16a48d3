//! The rest of hashicorp/random that configurations use: `random_pet`, `random_bytes`,
//! `random_uuid`, `random_integer`, `random_string`. Each value is made once at create and
//! kept; any argument change (`keepers` included) makes a new one, as in Terraform.

use crate::random_password::RandomPassword;
use crate::randomness::{random_bytes, random_index, uuid_v4};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type,
    Value,
};

fn keepers() -> Attribute {
    Attribute::optional(Type::map(Type::String)).force_new()
}

fn number(config: &Value, name: &str, range: std::ops::RangeInclusive<i64>) -> Result<Option<i64>, ProviderError> {
    let v = config.get(name);
    if v.is_unknown() {
        return Ok(None);
    }
    match v.as_i64() {
        Some(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(ProviderError::new(format!(
            "{name} must be a whole number from {} to {}, got {v}",
            range.start(),
            range.end()
        ))
        .at_attribute(name)),
    }
}

/// Our own word lists (short, pronounceable, lowercase): `random_pet` names are
/// `adjective(s)-animal`.
const ADJECTIVES: [&str; 48] = [
    "able", "amber", "brave", "brief", "calm", "clever", "cosmic", "crisp", "curious", "daring", "eager", "early",
    "fair", "fancy", "fleet", "fond", "gentle", "glad", "golden", "grand", "happy", "hardy", "honest", "jolly", "keen",
    "kind", "lively", "loyal", "lucky", "mellow", "merry", "modest", "noble", "patient", "polite", "proud", "quick",
    "quiet", "rapid", "ready", "robust", "steady", "sunny", "swift", "tidy", "vivid", "warm", "witty",
];
const ANIMALS: [&str; 48] = [
    "badger", "beaver", "bison", "bobcat", "condor", "crane", "dingo", "dolphin", "eagle", "egret", "falcon", "ferret",
    "finch", "gecko", "gibbon", "heron", "ibis", "impala", "jackal", "jaguar", "koala", "lemur", "lynx", "magpie",
    "marmot", "marten", "mole", "moose", "newt", "ocelot", "orca", "osprey", "otter", "owl", "panda", "puffin",
    "quail", "raven", "salmon", "seal", "stoat", "swan", "tapir", "toucan", "viper", "walrus", "wombat", "yak",
];

pub(crate) struct RandomPet;

#[async_trait]
impl ResourceType for RandomPet {
    fn has_remote_object(&self) -> bool {
        false
    }
    fn type_name(&self) -> &'static str {
        "random_pet"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("length", Attribute::optional(Type::Number).default(2i64).force_new())
            .attr("prefix", Attribute::optional(Type::String).force_new())
            .attr("separator", Attribute::optional(Type::String).default("-").force_new())
            .attr("keepers", keepers())
            .attr("id", Attribute::computed(Type::String))
    }
    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let planned = plan_with_schema(&self.schema(), req);
        number(&planned.state, "length", 1..=32)?;
        Ok(planned)
    }
    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }
    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let length = number(planned, "length", 1..=32)?.unwrap_or(2) as usize;
        let mut words: Vec<&str> = planned.get_str("prefix").into_iter().collect();
        for _ in 1..length {
            words.push(ADJECTIVES[random_index(ADJECTIVES.len())?]);
        }
        words.push(ANIMALS[random_index(ANIMALS.len())?]);
        let mut state = planned.clone();
        state.set("id", Value::from(words.join(planned.get_str("separator").unwrap_or("-"))));
        Ok(state)
    }
    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
}

pub(crate) struct RandomBytes;

#[async_trait]
impl ResourceType for RandomBytes {
    fn has_remote_object(&self) -> bool {
        false
    }
    fn type_name(&self) -> &'static str {
        "random_bytes"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("length", Attribute::required(Type::Number).force_new())
            .attr("keepers", keepers())
            .attr("base64", Attribute::computed(Type::String).sensitive())
            .attr("hex", Attribute::computed(Type::String).sensitive())
            .attr("id", Attribute::computed(Type::String))
    }
    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let planned = plan_with_schema(&self.schema(), req);
        number(&planned.state, "length", 1..=1 << 16)?;
        Ok(planned)
    }
    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }
    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let n = number(planned, "length", 1..=1 << 16)?.ok_or_else(|| ProviderError::new("length is unknown"))?;
        let bytes = random_bytes(n as usize)?;
        let mut state = planned.clone();
        state.set("base64", Value::from(STANDARD.encode(&bytes)));
        state.set("hex", Value::from(hex::encode(&bytes)));
        state.set("id", Value::from("none"));
        Ok(state)
    }
    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
}

pub(crate) struct RandomUuid;

#[async_trait]
impl ResourceType for RandomUuid {
    fn has_remote_object(&self) -> bool {
        false
    }
    fn type_name(&self) -> &'static str {
        "random_uuid"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("keepers", keepers())
            .attr("result", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }
    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }
    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let uuid = uuid_v4()?;
        let mut state = planned.clone();
        state.set("result", Value::from(uuid.as_str()));
        state.set("id", Value::from(uuid));
        Ok(state)
    }
    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
}

pub(crate) struct RandomInteger;

const INT_RANGE: std::ops::RangeInclusive<i64> = -(1 << 53)..=(1 << 53);

#[async_trait]
impl ResourceType for RandomInteger {
    fn has_remote_object(&self) -> bool {
        false
    }
    fn type_name(&self) -> &'static str {
        "random_integer"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("min", Attribute::required(Type::Number).force_new())
            .attr("max", Attribute::required(Type::Number).force_new())
            .attr("seed", Attribute::optional(Type::String).force_new())
            .attr("keepers", keepers())
            .attr("result", Attribute::computed(Type::Number))
            .attr("id", Attribute::computed(Type::String))
    }
    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let planned = plan_with_schema(&self.schema(), req);
        if let (Some(min), Some(max)) =
            (number(&planned.state, "min", INT_RANGE)?, number(&planned.state, "max", INT_RANGE)?)
        {
            if min > max {
                return Err(ProviderError::new(format!("min ({min}) is greater than max ({max})")).at_attribute("min"));
            }
        }
        Ok(planned)
    }
    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }
    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let unknown = || ProviderError::new("min and max are unknown");
        let min = number(planned, "min", INT_RANGE)?.ok_or_else(unknown)?;
        let max = number(planned, "max", INT_RANGE)?.ok_or_else(unknown)?;
        // `seed` makes the result repeatable, as in Terraform (not Terraform's exact numbers).
        let offset = match planned.get_str("seed") {
            Some(seed) => fnv(seed) % ((max - min) as u64 + 1),
            None => random_index((max - min) as usize + 1)? as u64,
        };
        let n = min + offset as i64;
        let mut state = planned.clone();
        state.set("result", Value::from(n));
        state.set("id", Value::from(n.to_string()));
        Ok(state)
    }
    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// `random_password`'s generator with a result that is not secret, which is also its `id`.
pub(crate) struct RandomString;

#[async_trait]
impl ResourceType for RandomString {
    fn has_remote_object(&self) -> bool {
        false
    }
    fn type_name(&self) -> &'static str {
        "random_string"
    }
    fn schema(&self) -> Schema {
        let mut schema = RandomPassword.schema();
        schema.attributes.insert("result".into(), Attribute::computed(Type::String));
        schema
    }
    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        RandomPassword.plan(ctx, req).await
    }
    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }
    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let mut state = RandomPassword.create(ctx, planned).await?;
        let result = state.get("result").clone();
        state.set("id", result);
        Ok(state)
    }
    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let mut state = RandomPassword.import(ctx, id).await?;
        state.set("id", Value::from(id));
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn made(rt: &dyn ResourceType, pairs: Vec<(&str, Value)>) -> Result<Value, ProviderError> {
        let ctx = Ctx::unconfigured("random.x");
        let cfg = Value::object(pairs);
        let planned = rt.plan(&ctx, PlanRequest { prior: None, config: &cfg }).await?.state;
        rt.create(&ctx, &planned).await
    }

    #[tokio::test]
    async fn pets_bytes_uuids_integers_and_strings() {
        let pet = made(&RandomPet, vec![("length", Value::from(3i64)), ("prefix", Value::from("dev"))]).await.unwrap();
        let words: Vec<&str> = pet.get_str("id").unwrap().split('-').collect();
        assert_eq!(words.len(), 4, "{words:?}");
        assert_eq!(words[0], "dev");
        assert!(ANIMALS.contains(&words[3]) && ADJECTIVES.contains(&words[1]));
        let default = made(&RandomPet, vec![]).await.unwrap();
        assert_eq!(default.get_str("id").unwrap().split('-').count(), 2);

        let bytes = made(&RandomBytes, vec![("length", Value::from(16i64))]).await.unwrap();
        assert_eq!(hex::decode(bytes.get_str("hex").unwrap()).unwrap().len(), 16);
        assert_eq!(STANDARD.decode(bytes.get_str("base64").unwrap()).unwrap().len(), 16);
        assert!(
            RandomBytes.schema().attributes["base64"].sensitive && RandomBytes.schema().attributes["hex"].sensitive
        );
        assert!(made(&RandomBytes, vec![("length", Value::from(0i64))]).await.is_err());

        let uuid = made(&RandomUuid, vec![]).await.unwrap();
        assert_eq!(uuid.get("id"), uuid.get("result"));
        assert_eq!(uuid.get_str("result").unwrap().len(), 36);

        for _ in 0..20 {
            let i = made(&RandomInteger, vec![("min", Value::from(5i64)), ("max", Value::from(7i64))]).await.unwrap();
            let n = i.get("result").as_i64().unwrap();
            assert!((5..=7).contains(&n));
            assert_eq!(i.get_str("id"), Some(n.to_string().as_str()));
        }
        let seeded = |seed: &str| {
            made(
                &RandomInteger,
                vec![("min", Value::from(1i64)), ("max", Value::from(1000i64)), ("seed", Value::from(seed))],
            )
        };
        assert_eq!(seeded("a").await.unwrap().get("result"), seeded("a").await.unwrap().get("result"));
        let inverted = made(&RandomInteger, vec![("min", Value::from(9i64)), ("max", Value::from(1i64))]).await;
        assert_eq!(inverted.unwrap_err().attribute.as_deref(), Some("min"));

        let s =
            made(&RandomString, vec![("length", Value::from(12i64)), ("special", Value::from(false))]).await.unwrap();
        let text = s.get_str("result").unwrap();
        assert_eq!(text.len(), 12);
        assert!(text.chars().all(char::is_alphanumeric), "{text}");
        assert_eq!(s.get_str("id"), Some(text));
        assert!(!RandomString.schema().attributes["result"].sensitive);
    }
}
