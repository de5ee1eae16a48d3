//! `aws_iam_user_login_profile`: a console password for a user, generated here as the
//! Terraform provider does (`password_length` characters, at least one lowercase, uppercase,
//! digit and symbol). ID and import ID: the user name. The password exists only at create:
//! it is kept in the state, marked sensitive, and an imported profile has none.
//!
//! Crash safety: a user has at most one login profile, so the user name is the deterministic
//! key. The password is generated before CreateLoginProfile; after an ambiguous failure a
//! profile found for the user gets that very password (UpdateLoginProfile), so the state is
//! true either way. After a crash (`find`) the profile is adopted without a password (the
//! generated one died with the process): taint and replace it to get a new one.

use super::access_key::refuse_pgp_key;
use super::common::NOT_FOUND;
use crate::api::{Api, Created, NotFound};
use crate::error::AwsError;
use crate::resource::{find_by_content, import_via_read, read_after_write, with_partial};
use crate::values::blank_state;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type,
    Value,
};
use std::io::Read;

pub struct LoginProfile;

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &[u8] = b"0123456789";
const SYMBOLS: &[u8] = b"!@#$%^&*()_+-=[]{}|'";

/// `length` characters from the OS's random source, one of each class at least.
pub fn generate_password(length: usize) -> std::io::Result<String> {
    let classes = [LOWER, UPPER, DIGITS, SYMBOLS];
    let all: Vec<u8> = classes.concat();
    let mut random = vec![0u8; length * 2 + 8];
    loop {
        std::fs::File::open("/dev/urandom")?.read_exact(&mut random)?;
        // Rejection sampling over u16 pairs keeps the choice uniform.
        let mut out = Vec::with_capacity(length);
        for pair in random.chunks_exact(2) {
            let n = usize::from(u16::from_le_bytes([pair[0], pair[1]]));
            if n < (65536 / all.len()) * all.len() {
                out.push(all[n % all.len()]);
            }
            if out.len() == length {
                break;
            }
        }
        if out.len() == length && classes.iter().all(|c| out.iter().any(|b| c.contains(b))) {
            return Ok(String::from_utf8_lossy(&out).into_owned());
        }
    }
}

async fn set_password(api: &Api<'_>, user: &str, password: &str, reset: bool) -> Result<(), AwsError> {
    let req = api.iam.update_login_profile().user_name(user).password(password).password_reset_required(reset);
    api.call("UpdateLoginProfile", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl ResourceType for LoginProfile {
    fn type_name(&self) -> &'static str {
        "aws_iam_user_login_profile"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("encrypted_password", Attribute::computed(Type::String))
            .attr("key_fingerprint", Attribute::computed(Type::String))
            .attr("password", Attribute::computed(Type::String).sensitive())
            .attr("password_length", Attribute::optional(Type::Number).default(20i64).force_new())
            .attr("password_reset_required", Attribute::optional_computed(Type::Bool))
            .attr("pgp_key", Attribute::optional(Type::String).force_new())
            .attr("user", Attribute::required(Type::String).force_new())
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let planned = plan_with_schema(&self.schema(), req);
        refuse_pgp_key(&ctx.address, &planned.state, "password")?;
        let length = planned.state.get("password_length").as_i64().unwrap_or(20);
        if !(5..=128).contains(&length) {
            return Err(ProviderError::new(format!("{}: password_length must be 5 to 128, got {length}", ctx.address))
                .at_attribute("password_length")
                .with_hint("IAM passwords are 5 to 128 characters long"));
        }
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(user) = state.get_str("user").or(state.get_str("id")) else { return Ok(None) };
        let out = api
            .call("GetLoginProfile", || api.iam.get_login_profile().user_name(user).send())
            .await
            .or_not_found(NOT_FOUND)?;
        let Some(profile) = out.and_then(|o| o.login_profile) else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(profile.user_name()));
        s.set("user", Value::from(profile.user_name()));
        s.set("password_reset_required", Value::from(profile.password_reset_required()));
        if s.get("password_length").is_null() {
            s.set("password_length", Value::from(20i64));
        }
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let user = planned.get_str("user").unwrap_or_default();
        let length = usize::try_from(planned.get("password_length").as_i64().unwrap_or(20)).unwrap_or(20);
        let password = generate_password(length).map_err(|e| ProviderError::new(format!("{}: {e}", ctx.address)))?;
        let reset = planned.get("password_reset_required").as_bool().unwrap_or(false);
        let call = api.iam.create_login_profile().user_name(user).password(&password).password_reset_required(reset);
        let lookup = || async {
            let out = api.call("GetLoginProfile", || api.iam.get_login_profile().user_name(user).send()).await;
            Ok(out.or_not_found(NOT_FOUND)?.map(|_| user.to_string()))
        };
        // A user made a moment ago is not always visible yet.
        let settling = crate::api::CreateCall { settling: NOT_FOUND, conflicts: &[] };
        let created = api.create("CreateLoginProfile", settling, || call.clone().send(), lookup).await?;
        let mut state = planned.clone();
        state.set("id", Value::from(user));
        state.set("password", Value::from(password.as_str()));
        if let Created::Found(_) = created {
            // A lost attempt made it, maybe with another password: make it this one.
            set_password(&api, user, &password, reset).await.map_err(|e| with_partial(e, &state))?;
        }
        read_after_write(self, ctx, state).await
    }

    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let mut seed = planned.clone();
        seed.set("id", planned.get("user").clone());
        find_by_content(self, ctx, &seed, |_| true).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let user = prior.get_str("user").unwrap_or_default();
        let reset = planned.get("password_reset_required").as_bool().unwrap_or(false);
        let req = api.iam.update_login_profile().user_name(user).password_reset_required(reset);
        api.call("UpdateLoginProfile", || req.clone().send()).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let user = state.get_str("user").unwrap_or_default();
        api.call("DeleteLoginProfile", || api.iam.delete_login_profile().user_name(user).send())
            .await
            .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let seed = blank_state(&self.schema(), [("id", Value::from(id)), ("user", Value::from(id))]);
        import_via_read(self, ctx, id, seed).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_have_the_length_and_every_class() {
        for length in [5, 20, 64] {
            let p = super::generate_password(length).unwrap();
            assert_eq!(p.len(), length);
            assert!(p.chars().any(|c| c.is_ascii_lowercase()) && p.chars().any(|c| c.is_ascii_uppercase()));
            assert!(p.chars().any(|c| c.is_ascii_digit()) && p.chars().any(|c| !c.is_ascii_alphanumeric()));
        }
        assert_ne!(super::generate_password(20).unwrap(), super::generate_password(20).unwrap());
    }
}
