//! `random_id` (hashicorp/random): `byte_length` random bytes, shown in several encodings.
//! As in Terraform, `id` is the bytes in unpadded base64url without the prefix; the other
//! encodings carry `prefix`.

use crate::randomness::random_bytes;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type,
    Value,
};

pub(crate) struct RandomId;

/// Upper bound on `byte_length`, so a typo cannot ask for gigabytes.
const MAX_BYTES: i64 = 1 << 16;

fn byte_length(config: &Value) -> Result<Option<usize>, ProviderError> {
    let v = config.get("byte_length");
    if v.is_unknown() {
        return Ok(None);
    }
    match v.as_i64() {
        Some(n) if (1..=MAX_BYTES).contains(&n) => Ok(Some(n as usize)),
        _ => Err(ProviderError::new(format!("byte_length must be a whole number from 1 to {MAX_BYTES}, got {v}"))
            .at_attribute("byte_length")),
    }
}

/// The state for `bytes` under the configuration in `base`.
fn state_for(base: &Value, bytes: &[u8]) -> Value {
    let prefix = base.get_str("prefix").unwrap_or("").to_string();
    let mut state = base.clone();
    state.set("byte_length", Value::from(bytes.len() as i64));
    state.set("id", Value::from(URL_SAFE_NO_PAD.encode(bytes)));
    state.set("b64_url", Value::from(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))));
    state.set("b64_std", Value::from(format!("{prefix}{}", STANDARD.encode(bytes))));
    state.set("hex", Value::from(format!("{prefix}{}", hex::encode(bytes))));
    state.set("dec", Value::from(format!("{prefix}{}", big_endian_decimal(bytes))));
    state
}

/// The bytes read as one big-endian unsigned integer, in decimal (Go's `big.Int.String`).
fn big_endian_decimal(bytes: &[u8]) -> String {
    let mut number: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut digits = Vec::new();
    while !number.is_empty() {
        // Divide by 10 in place, collecting the remainder as the next digit.
        let mut remainder = 0u32;
        for byte in number.iter_mut() {
            let acc = (remainder << 8) | u32::from(*byte);
            *byte = (acc / 10) as u8;
            remainder = acc % 10;
        }
        digits.push(b'0' + remainder as u8);
        let leading_zeros = number.iter().take_while(|b| **b == 0).count();
        number.drain(..leading_zeros);
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.iter().rev().map(|d| *d as char).collect()
}

#[async_trait]
impl ResourceType for RandomId {
    fn has_remote_object(&self) -> bool {
        false
    }

    fn type_name(&self) -> &'static str {
        "random_id"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("byte_length", Attribute::required(Type::Number).force_new())
            .attr("prefix", Attribute::optional(Type::String).force_new())
            .attr("keepers", Attribute::optional(Type::map(Type::String)).force_new())
            .attr("id", Attribute::computed(Type::String))
            .attr("b64_url", Attribute::computed(Type::String))
            .attr("b64_std", Attribute::computed(Type::String))
            .attr("hex", Attribute::computed(Type::String))
            .attr("dec", Attribute::computed(Type::String))
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        byte_length(req.config)?;
        Ok(plan_with_schema(&self.schema(), req))
    }

    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }

    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let n = byte_length(planned)?.ok_or_else(|| ProviderError::new("byte_length is unknown at apply"))?;
        Ok(state_for(planned, &random_bytes(n)?))
    }

    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }

    /// `ID` or `PREFIX,ID`, where ID is unpadded base64url (Terraform's import syntax).
    async fn import(&self, _ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let (prefix, encoded) = match id.split_once(',') {
            Some((p, e)) => (Value::from(p), e),
            None => (Value::Null, id),
        };
        let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|e| {
            ProviderError::new(format!("cannot import random_id {id:?}: not unpadded base64url ({e})"))
                .with_hint("the import ID is the `id` attribute, optionally as PREFIX,ID")
        })?;
        if bytes.is_empty() {
            return Err(ProviderError::new("cannot import an empty random_id"));
        }
        let base = Value::object([("prefix", prefix), ("keepers", Value::Null)]);
        Ok(state_for(&base, &bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshplan_provider::Path;

    fn ctx() -> Ctx {
        Ctx::unconfigured("random_id.x")
    }

    fn config(len: i64, prefix: Option<&str>) -> Value {
        Value::object([("byte_length", Value::from(len)), ("prefix", Value::from(prefix)), ("keepers", Value::Null)])
    }

    #[test]
    fn decimal_matches_known_values() {
        assert_eq!(big_endian_decimal(&[0]), "0");
        assert_eq!(big_endian_decimal(&[0x01, 0x00]), "256");
        assert_eq!(big_endian_decimal(&[0xff; 8]), u64::MAX.to_string());
        assert_eq!(big_endian_decimal(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0]), "18446744073709551616");
    }

    #[tokio::test]
    async fn create_encodes_the_same_bytes_every_way() {
        let cfg = config(8, Some("app-"));
        let p = RandomId.plan(&ctx(), PlanRequest { prior: None, config: &cfg }).await.unwrap();
        assert_eq!(p.state.get("hex"), &Value::Unknown);
        let s = RandomId.create(&ctx(), &p.state).await.unwrap();
        let id = s.get_str("id").unwrap();
        let bytes = URL_SAFE_NO_PAD.decode(id).unwrap();
        assert_eq!(bytes.len(), 8);
        assert!(!id.starts_with("app-"), "id has no prefix");
        assert_eq!(s.get_str("b64_url").unwrap(), format!("app-{id}"));
        assert_eq!(s.get_str("hex").unwrap(), format!("app-{}", hex::encode(&bytes)));
        assert_eq!(s.get_str("b64_std").unwrap(), format!("app-{}", STANDARD.encode(&bytes)));
        let dec: u64 = s.get_str("dec").unwrap()["app-".len()..].parse().unwrap();
        assert_eq!(dec, u64::from_be_bytes(bytes.try_into().unwrap()));
        assert_eq!(RandomId.read(&ctx(), &s).await.unwrap(), Some(s.clone()));
        RandomId.delete(&ctx(), &s).await.unwrap();
    }

    #[tokio::test]
    async fn unchanged_config_keeps_the_bytes_and_keepers_replace() {
        let s = RandomId.create(&ctx(), &config(4, None)).await.unwrap();
        let p = RandomId.plan(&ctx(), PlanRequest { prior: Some(&s), config: &config(4, None) }).await.unwrap();
        assert_eq!(p.state, s);
        let mut kept = config(4, None);
        kept.set("keepers", Value::object([("ami", Value::from("ami-2"))]));
        let p = RandomId.plan(&ctx(), PlanRequest { prior: Some(&s), config: &kept }).await.unwrap();
        assert_eq!(p.requires_replace, vec![Path::from("keepers")]);
        assert_eq!(p.state.get("id"), &Value::Unknown);
    }

    #[tokio::test]
    async fn bad_byte_length_fails_the_plan() {
        let err = RandomId.plan(&ctx(), PlanRequest { prior: None, config: &config(0, None) }).await.unwrap_err();
        assert_eq!(err.attribute.as_deref(), Some("byte_length"));
    }

    #[tokio::test]
    async fn import_round_trips_the_id() {
        let s = RandomId.import(&ctx(), "p-,AAEC").await.unwrap();
        assert_eq!(s.get_str("id"), Some("AAEC"));
        assert_eq!(s.get_str("hex"), Some("p-000102"));
        assert_eq!(s.get("byte_length"), &Value::from(3i64));
        assert!(RandomId.import(&ctx(), "not base64!").await.is_err());
    }
}
