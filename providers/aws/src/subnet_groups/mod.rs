//! The database services' subnet groups: `aws_db_subnet_group` (RDS),
//! `aws_elasticache_subnet_group` and `aws_redshift_subnet_group`. One resource shape — a
//! named set of subnets with a description and tags — over three APIs ([`Service`]).
//! ID and import ID: the group's name. Each create writes the intent tag with the group;
//! `find` describes the (token-derived or configured) name and checks the tag.

mod elasticache;
mod rds;
mod redshift;

use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Managed, Naming, Options, Tagging};
use crate::values::{list_value, string_list};
use meshplan_provider::{async_trait, Attribute, ResourceType, Schema, Type, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    [Service::Rds, Service::ElastiCache, Service::Redshift]
        .into_iter()
        .map(|s| Arc::new(Managed(SubnetGroup(s))) as Arc<dyn ResourceType>)
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Rds,
    ElastiCache,
    Redshift,
}

/// What each service says about a group.
pub(crate) struct Remote {
    pub name: String,
    pub description: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub arn: String,
    pub network_types: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

/// A create's or update's settings.
pub(crate) struct Wanted<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub subnet_ids: Vec<String>,
}

impl<'a> Wanted<'a> {
    fn of(planned: &'a Value, name: &'a str) -> Wanted<'a> {
        Wanted {
            name,
            description: planned.get_str("description").unwrap_or(DEFAULT_DESCRIPTION),
            subnet_ids: string_list(planned.get("subnet_ids")),
        }
    }
}

const DEFAULT_DESCRIPTION: &str = "Managed by Terraform";

pub struct SubnetGroup(pub Service);

impl SubnetGroup {
    fn conflicts(&self) -> &'static [&'static str] {
        match self.0 {
            Service::Rds => &["DBSubnetGroupAlreadyExists", "DBSubnetGroupAlreadyExistsFault"],
            Service::ElastiCache => &["CacheSubnetGroupAlreadyExists", "CacheSubnetGroupAlreadyExistsFault"],
            Service::Redshift => &["ClusterSubnetGroupAlreadyExists", "ClusterSubnetGroupAlreadyExistsFault"],
        }
    }

    async fn describe(&self, api: &Api<'_>, name: &str) -> Result<Option<Remote>, AwsError> {
        let found = match self.0 {
            Service::Rds => rds::describe(api, name).await,
            Service::ElastiCache => elasticache::describe(api, name).await,
            Service::Redshift => redshift::describe(api, name).await,
        };
        Ok(found.or_not_found(self.not_found())?.flatten())
    }

    /// ElastiCache and Redshift keep names in lower case (Terraform lower-cases them too).
    fn remote_name(&self, name: &str) -> String {
        match self.0 {
            Service::Rds => name.to_string(),
            Service::ElastiCache | Service::Redshift => name.to_lowercase(),
        }
    }
}

#[async_trait]
impl AwsResource for SubnetGroup {
    fn type_name(&self) -> &'static str {
        match self.0 {
            Service::Rds => "aws_db_subnet_group",
            Service::ElastiCache => "aws_elasticache_subnet_group",
            Service::Redshift => "aws_redshift_subnet_group",
        }
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("description", Attribute::optional(Type::String).default(DEFAULT_DESCRIPTION))
            .attr("subnet_ids", Attribute::required(Type::set(Type::String)));
        if self.0 != Service::Rds {
            s = s.attr("name", Attribute::required(Type::String).force_new());
        }
        if self.0 != Service::Redshift {
            s = s.attr("vpc_id", Attribute::computed(Type::String));
        }
        if self.0 == Service::Rds {
            s = s.attr("supported_network_types", Attribute::computed(Type::set(Type::String)));
        }
        s
    }

    fn options(&self) -> Options {
        Options {
            tagging: Tagging::Custom,
            naming: (self.0 == Service::Rds).then_some(Naming { prefix: true, unnamed: "terraform-" }),
            ..Options::default()
        }
    }

    fn not_found(&self) -> &'static [&'static str] {
        match self.0 {
            Service::Rds => &["DBSubnetGroupNotFoundFault"],
            Service::ElastiCache => &["CacheSubnetGroupNotFoundFault"],
            Service::Redshift => &["ClusterSubnetGroupNotFoundFault"],
        }
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let name = self.remote_name(req.planned.get_str("name").unwrap_or_default());
        let wanted = Wanted::of(req.planned, &name);
        let call = CreateCall { conflicts: self.conflicts(), ..CreateCall::default() };
        // After an ambiguous failure or "already exists": is it the group this create made?
        let locate = || self.locate(api, req.token, req.planned);
        match self.0 {
            Service::Rds => rds::create(api, &wanted, &req.tags, call, locate).await?,
            Service::ElastiCache => elasticache::create(api, &wanted, &req.tags, call, locate).await?,
            Service::Redshift => redshift::create(api, &wanted, &req.tags, call, locate).await?,
        }
        Ok(name)
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(remote) = self.describe(api, id).await? else { return Ok(None) };
        s.set("id", Value::from(remote.name.as_str()));
        // A name written in capitals is kept: the service stores it lower-cased.
        if s.get_str("name").map(|n| self.remote_name(n)) != Some(remote.name.clone()) {
            s.set("name", Value::from(remote.name.as_str()));
        }
        s.set("arn", Value::from(remote.arn.as_str()));
        s.set("description", Value::from(remote.description.as_str()));
        // A set: in the prior (configured) order when it holds the same subnets.
        let mut subnets = remote.subnet_ids;
        subnets.sort();
        let ordered = crate::iam::oidc_provider::in_prior_order(s.get("subnet_ids"), &subnets);
        s.set("subnet_ids", ordered);
        if self.0 != Service::Redshift {
            s.set("vpc_id", Value::from(remote.vpc_id.as_str()));
        }
        if self.0 == Service::Rds {
            let mut types = remote.network_types;
            types.sort();
            s.set("supported_network_types", list_value(types));
        }
        Ok(Some(remote.tags))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        if prior.get("description") == planned.get("description")
            && prior.get("subnet_ids") == planned.get("subnet_ids")
        {
            return Ok(());
        }
        let wanted = Wanted::of(planned, id);
        match self.0 {
            Service::Rds => rds::modify(api, &wanted).await,
            Service::ElastiCache => elasticache::modify(api, &wanted).await,
            Service::Redshift => redshift::modify(api, &wanted).await,
        }
    }

    async fn set_tags(
        &self,
        api: &Api<'_>,
        id: &str,
        removed: &[String],
        changed: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        let Some(remote) = self.describe(api, id).await? else {
            return Err(AwsError::VanishedAfterWrite { address: api.address.to_string(), what: id.to_string() });
        };
        match self.0 {
            Service::Rds => rds::set_tags(api, &remote.arn, removed, changed).await,
            Service::ElastiCache => elasticache::set_tags(api, &remote.arn, removed, changed).await,
            Service::Redshift => redshift::set_tags(api, &remote.arn, removed, changed).await,
        }
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        match self.0 {
            Service::Rds => rds::delete(api, id).await,
            Service::ElastiCache => elasticache::delete(api, id).await,
            Service::Redshift => redshift::delete(api, id).await,
        }
    }

    /// The group of the planned name, ours when it carries the token.
    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let name = self.remote_name(planned.get_str("name").unwrap_or_default());
        let Some(remote) = self.describe(api, &name).await? else { return Ok(None) };
        let ours = crate::intent::carries(remote.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), token);
        Ok(ours.then_some(remote.name))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![("id", Value::from(id)), ("name", Value::from(id))])
    }
}
