//! Account-wide IAM settings: `aws_iam_account_alias` (ID and import ID: the alias) and
//! `aws_iam_account_password_policy` (ID: `iam-account-password-policy`).
//!
//! Crash safety: both are account singletons. The alias is found by its content (the account
//! has the planned alias); the password policy is a whole document PUT by
//! UpdateAccountPasswordPolicy, which a resend simply repeats.

use super::common::NOT_FOUND;
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::get_i32;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct AccountAlias;
pub struct PasswordPolicy;

async fn aliases(api: &Api<'_>) -> Result<Vec<String>, AwsError> {
    let out = api.call("ListAccountAliases", || api.iam.list_account_aliases().send()).await?;
    Ok(out.account_aliases().to_vec())
}

#[async_trait]
impl AwsResource for AccountAlias {
    fn type_name(&self) -> &'static str {
        "aws_iam_account_alias"
    }

    fn schema(&self) -> Schema {
        Schema::new().attr("account_alias", Attribute::required(Type::String).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let alias = req.planned.get_str("account_alias").unwrap_or_default();
        let call = api.iam.create_account_alias().account_alias(alias);
        api.create(
            "CreateAccountAlias",
            Default::default(),
            || call.clone().send(),
            || self.locate(api, req.token, req.planned),
        )
        .await?;
        Ok(alias.to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        if !aliases(api).await?.iter().any(|a| a == id) {
            return Ok(None);
        }
        s.set("account_alias", Value::from(id));
        Ok(Some(BTreeMap::new()))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        api.call("DeleteAccountAlias", || api.iam.delete_account_alias().account_alias(id).send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(alias) = planned.get_str("account_alias") else { return Ok(None) };
        Ok(aliases(api).await?.iter().any(|a| a == alias).then(|| alias.to_string()))
    }
}

const POLICY_ID: &str = "iam-account-password-policy";
const FLAGS: [&str; 5] = [
    "hard_expiry",
    "require_lowercase_characters",
    "require_numbers",
    "require_symbols",
    "require_uppercase_characters",
];

async fn put_policy(api: &Api<'_>, p: &Value) -> Result<(), AwsError> {
    let flag = |k: &str| p.get(k).as_bool();
    let req = api
        .iam
        .update_account_password_policy()
        .set_allow_users_to_change_password(flag("allow_users_to_change_password"))
        .set_hard_expiry(flag("hard_expiry"))
        .set_max_password_age(get_i32(p, "max_password_age"))
        .set_minimum_password_length(get_i32(p, "minimum_password_length"))
        .set_password_reuse_prevention(get_i32(p, "password_reuse_prevention"))
        .set_require_lowercase_characters(flag("require_lowercase_characters"))
        .set_require_numbers(flag("require_numbers"))
        .set_require_symbols(flag("require_symbols"))
        .set_require_uppercase_characters(flag("require_uppercase_characters"));
    api.call("UpdateAccountPasswordPolicy", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for PasswordPolicy {
    fn type_name(&self) -> &'static str {
        "aws_iam_account_password_policy"
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new()
            .attr("allow_users_to_change_password", Attribute::optional(Type::Bool).default(true))
            .attr("expire_passwords", Attribute::computed(Type::Bool))
            .attr("max_password_age", Attribute::optional_computed(Type::Number))
            .attr("minimum_password_length", Attribute::optional(Type::Number).default(6i64))
            .attr("password_reuse_prevention", Attribute::optional_computed(Type::Number));
        for f in FLAGS {
            s = s.attr(f, Attribute::optional_computed(Type::Bool));
        }
        s
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        put_policy(api, req.planned).await?;
        Ok(POLICY_ID.to_string())
    }

    async fn read(
        &self,
        api: &Api<'_>,
        _id: &str,
        s: &mut Value,
    ) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let out = api.call("GetAccountPasswordPolicy", || api.iam.get_account_password_policy().send()).await?;
        let Some(p) = out.password_policy() else { return Ok(None) };
        s.set("allow_users_to_change_password", Value::from(p.allow_users_to_change_password()));
        s.set("expire_passwords", Value::from(p.expire_passwords()));
        s.set("hard_expiry", Value::from(p.hard_expiry().unwrap_or(false)));
        s.set("max_password_age", Value::from(i64::from(p.max_password_age().unwrap_or(0))));
        s.set("minimum_password_length", Value::from(i64::from(p.minimum_password_length().unwrap_or(6))));
        s.set("password_reuse_prevention", Value::from(i64::from(p.password_reuse_prevention().unwrap_or(0))));
        s.set("require_lowercase_characters", Value::from(p.require_lowercase_characters()));
        s.set("require_numbers", Value::from(p.require_numbers()));
        s.set("require_symbols", Value::from(p.require_symbols()));
        s.set("require_uppercase_characters", Value::from(p.require_uppercase_characters()));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put_policy(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, _id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        api.call("DeleteAccountPasswordPolicy", || api.iam.delete_account_password_policy().send()).await?;
        Ok(())
    }

    /// A document PUT: the account's policy, whatever made it, is what the plan writes next.
    async fn locate(&self, api: &Api<'_>, _token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        let out = api.call("GetAccountPasswordPolicy", || api.iam.get_account_password_policy().send()).await;
        match out {
            Ok(o) if o.password_policy().is_some() => Ok(Some(POLICY_ID.to_string())),
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}
