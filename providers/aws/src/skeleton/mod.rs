//! The generic resource skeleton: a type states its schema, its SDK calls and its attribute
//! mapping ([`AwsResource`]); [`Managed`] turns that into a [`meshplan_provider::ResourceType`]
//! with the steps every type shares — `tags` / `tags_all` with `default_tags`, `name` /
//! `name_prefix`, the `timeouts {}` block, not-found handling, read-after-write, import by
//! reading, and crash-safe `find` (the type's `locate`, then the create's follow-ups).

mod adaptor;
mod naming;

pub use adaptor::Managed;
pub use naming::{name_or_prefixed, prefixed, settle_name_prefix, Naming};

use crate::api::Api;
use crate::error::AwsError;
use meshplan_provider::{async_trait, Planned, ProviderError, Schema, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// How the object's tags are written after the create (the create itself writes them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tagging {
    /// No `tags` / `tags_all`.
    None,
    /// EC2's CreateTags / DeleteTags on the object's ID.
    Ec2,
    /// The type's own [`AwsResource::set_tags`].
    Custom,
}

/// What the adaptor adds to a type's own attributes and does on its behalf.
#[derive(Clone, Debug)]
pub struct Options {
    pub tagging: Tagging,
    /// `name` (+ `name_prefix`) chosen by the adaptor before the create.
    pub naming: Option<Naming>,
    /// The operations of the `timeouts {}` block (`["create", "delete"]`); none: no block.
    pub timeouts: &'static [&'static str],
    /// The wait bound when the `timeouts` block leaves an operation unset.
    pub default_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { tagging: Tagging::None, naming: None, timeouts: &[], default_timeout: Duration::from_secs(600) }
    }
}

/// The input of a create: the planned state (with `name` already chosen), the intent token,
/// and the tags to write with the object (the desired ones plus the intent tag; empty for
/// types without tags).
pub struct Create<'a> {
    pub planned: &'a Value,
    pub token: &'a str,
    pub tags: BTreeMap<String, String>,
}

impl Create<'_> {
    /// The chosen name (for types with [`Options::naming`]).
    pub fn name(&self) -> &str {
        self.planned.get_str("name").unwrap_or_default()
    }
}

/// One AWS resource type: its SDK calls and attribute mapping.
#[async_trait]
pub trait AwsResource: Send + Sync + 'static {
    fn type_name(&self) -> &'static str;
    /// The type's own attributes; `id`, tags, name/name_prefix and `timeouts` are added per
    /// [`AwsResource::options`].
    fn schema(&self) -> Schema;
    fn options(&self) -> Options {
        Options::default()
    }
    /// AWS error codes meaning "no such object": read returns none, delete succeeds.
    fn not_found(&self) -> &'static [&'static str];

    /// Makes the object and returns its ID. Carries `req.token` (client token, intent tag in
    /// `req.tags`, or a token-derived name) and after an ambiguous failure looks the object up
    /// with [`AwsResource::locate`] (through [`Api::create`]) before sending again.
    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError>;

    /// Idempotent steps after the create (attachments, waits for `available`); also run by
    /// `find` to resume an interrupted create. Errors here keep the object in the state.
    async fn after_create(
        &self,
        _api: &Api<'_>,
        _id: &str,
        _planned: &Value,
        _timeout: Duration,
    ) -> Result<(), AwsError> {
        Ok(())
    }

    /// Fills `state` (a copy of the prior state) from AWS; `Ok(None)` when the object is gone.
    /// Returns the object's remote tags (empty for untagged types).
    async fn read(
        &self,
        api: &Api<'_>,
        id: &str,
        state: &mut Value,
    ) -> Result<Option<BTreeMap<String, String>>, AwsError>;

    /// Applies an in-place change of anything but tags (which the adaptor syncs).
    async fn update(&self, _api: &Api<'_>, _id: &str, _prior: &Value, _planned: &Value) -> Result<(), AwsError> {
        Ok(())
    }

    /// [`Tagging::Custom`]: removes `removed` and sets `changed` on the object.
    async fn set_tags(
        &self,
        api: &Api<'_>,
        _id: &str,
        _removed: &[String],
        _changed: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        Err(api.invalid("tags", format!("{} cannot change its tags", self.type_name())))
    }

    /// Deletes the object (and waits until it is gone when that takes time).
    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, timeout: Duration) -> Result<(), AwsError>;

    /// The ID of the object the create with `token` made, if it exists: by the intent tag,
    /// the token-derived name, or (untaggable objects) the planned content.
    async fn locate(&self, _api: &Api<'_>, _token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        Ok(None)
    }

    /// The attributes an import ID names (default: the ID itself).
    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![("id", Value::from(id))])
    }

    /// Type-specific planning after the schema's rules (e.g. keeping an equivalent policy text).
    fn plan_more(&self, _planned: &mut Planned, _prior: Option<&Value>) {}

    /// Refuses, at plan time, configurations the type cannot apply (an error naming
    /// `address`, at an attribute, with a hint).
    fn check(&self, _address: &str, _config: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
}

/// A create call answered without the object's ID (never expected from AWS).
pub fn missing_id(api: &Api<'_>, operation: &str) -> AwsError {
    AwsError::VanishedAfterWrite {
        address: api.address.to_string(),
        what: format!("the ID in the answer of {operation}"),
    }
}
