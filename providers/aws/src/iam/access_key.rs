//! `aws_iam_access_key`. ID and import ID: the access key ID. The secret (and the SES SMTP
//! password derived from it) exist only in CreateAccessKey's answer: they are kept in the
//! state, marked sensitive, and read back from nowhere (an imported key has none).
//!
//! Crash safety: an access key has no client token and no tags, and its secret cannot be
//! fetched again, so an orphan is useless. Within a create, after an ambiguous failure, the
//! user's keys that were not there before the call are deleted before resending. After a
//! crash (`find`), nothing is adopted: the key is made again; the lost one, if it was made,
//! shows in ListAccessKeys and holds no usable secret (README).

use super::common::NOT_FOUND;
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::resource::{import_via_read, read_after_write};
use crate::values::blank_state;
use base64::Engine;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type,
    Value,
};
use std::collections::BTreeSet;
use std::time::{Duration, UNIX_EPOCH};

pub struct AccessKey;

/// Refuses `pgp_key`: there is no OpenPGP implementation here to encrypt the secret with.
/// `""` is unset (terraform-aws-modules/iam passes `pgp_key = ""` by default).
pub fn refuse_pgp_key(address: &str, planned: &Value, secret: &str) -> Result<(), ProviderError> {
    if planned.get("pgp_key").is_null() || planned.get_str("pgp_key") == Some("") {
        return Ok(());
    }
    Err(ProviderError::new(format!("{address}: pgp_key is not supported: the {secret} cannot be PGP-encrypted here"))
        .at_attribute("pgp_key")
        .with_hint(format!(
            "remove pgp_key: the {secret} is then kept in the state, marked sensitive and never printed \
             (encrypt the state at rest with an `encryption` block)"
        )))
}

/// AWS's SES SMTP password (version 4) for a secret key in `region`: the SigV4 key chain
/// over the fixed date 11111111 and service `ses`, signing "SendRawEmail", prefixed by 0x04.
pub fn ses_smtp_password_v4(secret: &str, region: &str) -> String {
    // 1111-11-11T00:00:00Z, which SigV4 formats as the date "11111111".
    let date = UNIX_EPOCH - Duration::from_secs(27_080_352_000);
    let key = aws_sigv4::sign::v4::generate_signing_key(secret, date, region, "ses");
    let hex = aws_sigv4::sign::v4::calculate_signature(key, b"SendRawEmail");
    let mut raw = vec![0x04u8];
    raw.extend((0..hex.len()).step_by(2).filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok()));
    base64::engine::general_purpose::STANDARD.encode(raw)
}

async fn key_ids(api: &Api<'_>, user: &str) -> Result<BTreeSet<String>, AwsError> {
    let out = api.call("ListAccessKeys", || api.iam.list_access_keys().user_name(user).send()).await?;
    Ok(out.access_key_metadata().iter().filter_map(|k| k.access_key_id().map(str::to_string)).collect())
}

async fn delete_key(api: &Api<'_>, user: &str, id: &str) -> Result<(), AwsError> {
    let req = api.iam.delete_access_key().user_name(user).access_key_id(id);
    api.call("DeleteAccessKey", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
    Ok(())
}

async fn set_status(api: &Api<'_>, user: &str, id: &str, status: &str) -> Result<(), AwsError> {
    let req = api.iam.update_access_key().user_name(user).access_key_id(id).status(status.into());
    api.call("UpdateAccessKey", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl ResourceType for AccessKey {
    fn type_name(&self) -> &'static str {
        "aws_iam_access_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("create_date", Attribute::computed(Type::String))
            .attr("encrypted_secret", Attribute::computed(Type::String))
            .attr("encrypted_ses_smtp_password_v4", Attribute::computed(Type::String))
            .attr("key_fingerprint", Attribute::computed(Type::String))
            .attr("pgp_key", Attribute::optional(Type::String).force_new())
            .attr("secret", Attribute::computed(Type::String).sensitive())
            .attr("ses_smtp_password_v4", Attribute::computed(Type::String).sensitive())
            .attr("status", Attribute::optional(Type::String).default("Active"))
            .attr("user", Attribute::required(Type::String).force_new())
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let planned = plan_with_schema(&self.schema(), req);
        refuse_pgp_key(&ctx.address, &planned.state, "secret")?;
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        let user = match state.get_str("user") {
            Some(u) => u.to_string(),
            // An import knows only the key: its user from GetAccessKeyLastUsed.
            None => {
                let out = api
                    .call("GetAccessKeyLastUsed", || api.iam.get_access_key_last_used().access_key_id(id).send())
                    .await
                    .or_not_found(&["NoSuchEntity", "AccessDenied"])?;
                match out.and_then(|o| o.user_name().map(str::to_string)) {
                    Some(u) => u,
                    None => return Ok(None),
                }
            }
        };
        let out = api
            .call("ListAccessKeys", || api.iam.list_access_keys().user_name(&user).send())
            .await
            .or_not_found(NOT_FOUND)?;
        let Some(key) =
            out.as_ref().and_then(|o| o.access_key_metadata().iter().find(|k| k.access_key_id() == Some(id)))
        else {
            return Ok(None);
        };
        let mut s = state.clone();
        s.set("user", Value::from(user.as_str()));
        s.set("status", key.status().map(|st| Value::from(st.as_str())).unwrap_or(Value::from("Active")));
        if let Some(d) = key.create_date() {
            s.set("create_date", Value::from(d.to_string()));
        }
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let user = planned.get_str("user").unwrap_or_default();
        let before = key_ids(&api, user).await?;
        let call = api.iam.create_access_key().user_name(user);
        let created = api
            .create(
                "CreateAccessKey",
                Default::default(),
                || call.clone().send(),
                // A key made by a lost attempt is useless without its secret: delete it, resend.
                || async {
                    for id in key_ids(&api, user).await?.difference(&before) {
                        delete_key(&api, user, id).await?;
                    }
                    Ok(None)
                },
            )
            .await?;
        let crate::api::Created::Sent(out) = created else {
            return Err(crate::resource::missing_id(ctx, "CreateAccessKey"));
        };
        let Some(key) = out.access_key() else { return Err(crate::resource::missing_id(ctx, "CreateAccessKey")) };
        let mut state = planned.clone();
        state.set("id", Value::from(key.access_key_id()));
        state.set("secret", Value::from(key.secret_access_key()));
        state.set("ses_smtp_password_v4", Value::from(ses_smtp_password_v4(key.secret_access_key(), &api.region)));
        if let Some(d) = key.create_date() {
            state.set("create_date", Value::from(d.to_string()));
        }
        if planned.get_str("status") == Some("Inactive") {
            set_status(&api, user, key.access_key_id(), "Inactive")
                .await
                .map_err(|e| crate::resource::with_partial(e, &state))?;
        }
        read_after_write(self, ctx, state).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let (user, id) = (prior.get_str("user").unwrap_or_default(), prior.get_str("id").unwrap_or_default());
        set_status(&api, user, id, planned.get_str("status").unwrap_or("Active")).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let (user, id) = (state.get_str("user").unwrap_or_default(), state.get_str("id").unwrap_or_default());
        Ok(delete_key(&api, user, id).await?)
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let seed = blank_state(&self.schema(), [("id", Value::from(id))]);
        import_via_read(self, ctx, id, seed).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ses_smtp_password_matches_the_documented_derivation() {
        // Computed independently (Python hmac/hashlib) from AWS's published algorithm.
        assert_eq!(
            super::ses_smtp_password_v4("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1"),
            "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"
        );
    }
}
