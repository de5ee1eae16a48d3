//! `aws_iam_user_ssh_key`: an SSH public key of a user (CodeCommit). ID: the SSH public key
//! ID; import ID: `<username>:<ssh_public_key_id>:<encoding>`, as in Terraform.
//!
//! Crash safety: keys have no tags, but a user cannot hold the same key twice, so the key is
//! found by its content: the user's key whose body is the planned one.

use super::common::NOT_FOUND;
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use aws_sdk_iam::types::{EncodingType, StatusType};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct SshKey;

async fn set_status(api: &Api<'_>, user: &str, id: &str, status: &str) -> Result<(), AwsError> {
    let req = api.iam.update_ssh_public_key().user_name(user).ssh_public_key_id(id).status(StatusType::from(status));
    api.call("UpdateSSHPublicKey", || req.clone().send()).await?;
    Ok(())
}

/// Key bodies compare without surrounding whitespace (AWS keeps what it was given).
fn same_body(a: &str, b: &str) -> bool {
    a.trim() == b.trim()
}

#[async_trait]
impl AwsResource for SshKey {
    fn type_name(&self) -> &'static str {
        "aws_iam_user_ssh_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("encoding", Attribute::required(Type::String).force_new())
            .attr("fingerprint", Attribute::computed(Type::String))
            .attr("public_key", Attribute::required(Type::String).force_new())
            .attr("ssh_public_key_id", Attribute::computed(Type::String))
            .attr("status", Attribute::optional_computed(Type::String))
            .attr("username", Attribute::required(Type::String).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let user = p.get_str("username").unwrap_or_default();
        let call = api
            .iam
            .upload_ssh_public_key()
            .user_name(user)
            .ssh_public_key_body(p.get_str("public_key").unwrap_or_default());
        let create = CreateCall { settling: NOT_FOUND, conflicts: &["DuplicateSSHPublicKey"] };
        let created =
            api.create("UploadSSHPublicKey", create, || call.clone().send(), || self.locate(api, req.token, p)).await?;
        let id = created
            .id(|out| out.ssh_public_key().map(|k| k.ssh_public_key_id()))
            .ok_or_else(|| crate::skeleton::missing_id(api, "UploadSSHPublicKey"))?;
        Ok(id)
    }

    /// Uploaded keys are active; `status = "Inactive"` is a follow-up (idempotent).
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        match planned.get_str("status") {
            Some("Inactive") => set_status(api, planned.get_str("username").unwrap_or_default(), id, "Inactive").await,
            _ => Ok(()),
        }
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(user) = s.get_str("username").map(str::to_string) else { return Ok(None) };
        let encoding = EncodingType::from(s.get_str("encoding").unwrap_or("SSH"));
        let req = api.iam.get_ssh_public_key().user_name(&user).ssh_public_key_id(id).encoding(encoding);
        let out = api.call("GetSSHPublicKey", || req.clone().send()).await?;
        let Some(k) = out.ssh_public_key() else { return Ok(None) };
        s.set("ssh_public_key_id", Value::from(k.ssh_public_key_id()));
        s.set("fingerprint", Value::from(k.fingerprint()));
        s.set("status", Value::from(k.status().as_str()));
        // Keep the configured text when AWS returns the same key (SSH encoding) reformatted.
        if !s.get_str("public_key").is_some_and(|b| same_body(b, k.ssh_public_key_body())) {
            s.set("public_key", Value::from(k.ssh_public_key_body()));
        }
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let user = prior.get_str("username").unwrap_or_default();
        set_status(api, user, id, planned.get_str("status").unwrap_or("Active")).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let req = api
            .iam
            .delete_ssh_public_key()
            .user_name(state.get_str("username").unwrap_or_default())
            .ssh_public_key_id(id);
        api.call("DeleteSSHPublicKey", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(user), Some(body)) = (planned.get_str("username"), planned.get_str("public_key")) else {
            return Ok(None);
        };
        let list = match api.call("ListSSHPublicKeys", || api.iam.list_ssh_public_keys().user_name(user).send()).await {
            Ok(l) => l,
            Err(e) if e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => return Ok(None),
            Err(e) => return Err(e),
        };
        for k in list.ssh_public_keys() {
            let req = api
                .iam
                .get_ssh_public_key()
                .user_name(user)
                .ssh_public_key_id(k.ssh_public_key_id())
                .encoding(EncodingType::Ssh);
            let out = api.call("GetSSHPublicKey", || req.clone().send()).await?;
            if out.ssh_public_key().is_some_and(|key| same_body(key.ssh_public_key_body(), body)) {
                return Ok(Some(k.ssh_public_key_id().to_string()));
            }
        }
        Ok(None)
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        match id.split(':').collect::<Vec<_>>()[..] {
            [user, key, encoding] if !user.is_empty() && !key.is_empty() => {
                Ok(vec![("id", Value::from(key)), ("username", Value::from(user)), ("encoding", Value::from(encoding))])
            }
            _ => Err(format!("expected USERNAME:SSH_PUBLIC_KEY_ID:ENCODING, got {id:?}")),
        }
    }
}
