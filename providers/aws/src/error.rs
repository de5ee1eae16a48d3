//! Typed errors of AWS calls, and how they reach the user as [`ProviderError`]s.
//!
//! Every message names the resource address, the API operation and AWS's own error code
//! and message, because that triple is what a user pastes into a search box.

use meshplan_provider::ProviderError;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// AWS answered with an error.
    #[error("{address}: {operation}: {code}: {message}")]
    Api { address: String, operation: &'static str, code: String, message: String, status: Option<u16> },
    /// No answer: connection refused, reset, timed out, or an unreadable response.
    #[error("{address}: {operation}: request failed: {detail}")]
    Transport { address: String, operation: &'static str, detail: String },
    #[error("{address}: timed out after {after:?} waiting for {what} (last status: {last_status})")]
    WaitTimeout { address: String, what: String, after: Duration, last_status: String },
    #[error("{address}: {what} reached status {status}{}", reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    WaitFailed { address: String, what: String, status: String, reason: Option<String> },
    /// A just-written object could not be read back.
    #[error("{address}: {what} was not found right after it was written")]
    VanishedAfterWrite { address: String, what: String },
    #[error("{address}: import: {message}")]
    Import { address: String, message: String },
    #[error("{address}: {message}")]
    Invalid { address: String, message: String, attribute: Option<String> },
}

impl AwsError {
    pub fn code(&self) -> Option<&str> {
        match self {
            AwsError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// What a user can do about well-known failures (DOMAIN.md §6).
    fn hint(&self) -> Option<&'static str> {
        let AwsError::Api { code, message, .. } = self else { return None };
        Some(match code.as_str() {
            "AccessControlListNotSupported" => {
                "the bucket has ACLs disabled (the default since April 2023): grant public reads with aws_s3_bucket_policy"
            }
            "InvalidParameterException" if message.contains("assume") || message.contains("Role") => {
                "check the role's trust policy (assume_role_policy) names the right service principal"
            }
            "NoSuchEntity" if message.contains("OpenIDConnect") => {
                "create the aws_iam_openid_connect_provider for the cluster's issuer first"
            }
            "DependencyViolation" => "another object still uses this one; delete or detach it first",
            "UnrecognizedClientException" | "InvalidClientTokenId" | "AuthFailure" | "SignatureDoesNotMatch" => {
                "check the provider's credentials (access_key/secret_key, profile or environment)"
            }
            _ => return None,
        })
    }
}

impl From<AwsError> for ProviderError {
    fn from(e: AwsError) -> Self {
        let hint = e.hint();
        let attribute = match &e {
            AwsError::Invalid { attribute, .. } => attribute.clone(),
            _ => None,
        };
        let mut out = ProviderError::new(e.to_string());
        if let Some(h) = hint {
            out = out.with_hint(h);
        }
        if let Some(a) = attribute {
            out = out.at_attribute(a);
        }
        out
    }
}
