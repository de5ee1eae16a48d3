//! `aws_iam_session_context`: the IAM role behind an STS assumed-role ARN.

use crate::api::{Api, NotFound};
use crate::error::AwsError;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct SessionContext;

/// `arn:<partition>:sts::<account>:assumed-role/<role>/<session>` → (partition, account, role, session).
fn assumed_role(arn: &str) -> Option<(&str, &str, &str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (_, partition, service, _, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let rest = resource.strip_prefix("assumed-role/").filter(|_| service == "sts")?;
    let (role, session) = rest.rsplit_once('/')?;
    Some((partition, account, role, session))
}

#[async_trait]
impl DataSource for SessionContext {
    fn type_name(&self) -> &'static str {
        "aws_iam_session_context"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::required(Type::String))
            .attr("issuer_arn", Attribute::computed(Type::String))
            .attr("issuer_id", Attribute::computed(Type::String))
            .attr("issuer_name", Attribute::computed(Type::String))
            .attr("session_name", Attribute::computed(Type::String))
    }
    /// An ARN that is not an assumed role's is its own issuer (as in Terraform). The role's
    /// path is not in the session ARN, so the role is read (GetRole) for its full ARN.
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let arn = config.get_str("arn").unwrap_or_default();
        let mut s = config.clone();
        s.set("id", Value::from(arn));
        let Some((partition, account, role, session)) = assumed_role(arn) else {
            for (k, v) in [("issuer_arn", arn), ("issuer_id", ""), ("issuer_name", ""), ("session_name", "")] {
                s.set(k, Value::from(v));
            }
            return Ok(s);
        };
        let api = Api::new(ctx)?;
        let got =
            api.call("GetRole", || api.iam.get_role().role_name(role).send()).await.or_not_found(&["NoSuchEntity"])?;
        let Some(role_out) = got.as_ref().and_then(|o| o.role()) else {
            return Err(AwsError::Invalid {
                address: ctx.address.clone(),
                message: format!(
                    "role {role:?} of session ARN {arn:?} does not exist in account {account} ({partition})"
                ),
                attribute: Some("arn".into()),
            }
            .into());
        };
        s.set("issuer_arn", Value::from(role_out.arn()));
        s.set("issuer_id", Value::from(role_out.role_id()));
        s.set("issuer_name", Value::from(role));
        s.set("session_name", Value::from(session));
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_assumed_role_arns_only() {
        let arn = "arn:aws:sts::123456789012:assumed-role/deploy/alice";
        assert_eq!(super::assumed_role(arn), Some(("aws", "123456789012", "deploy", "alice")));
        assert_eq!(super::assumed_role("arn:aws:iam::123456789012:role/deploy"), None);
        assert_eq!(super::assumed_role("not an arn"), None);
    }
}
