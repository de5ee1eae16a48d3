//! `aws_vpc_dhcp_options` and `aws_vpc_dhcp_options_association`.

use super::ec2::{filter, set_tags, tag_spec, tags_map};
use crate::api::{Api, CreateCall, Created};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::{list_value, string_list};
use aws_sdk_ec2::types::{NewDhcpConfiguration, ResourceType as Ec2Type};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value, INTENT_TAG};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct DhcpOptions;

/// Attribute ↔ DHCP option key, and whether the attribute is a list.
const KEYS: &[(&str, &str, bool)] = &[
    ("domain_name", "domain-name", false),
    ("domain_name_servers", "domain-name-servers", true),
    ("ntp_servers", "ntp-servers", true),
    ("netbios_name_servers", "netbios-name-servers", true),
    ("netbios_node_type", "netbios-node-type", false),
    ("ipv6_address_preferred_lease_time", "ipv6-address-preferred-lease-time", false),
];

#[async_trait]
impl AwsResource for DhcpOptions {
    fn type_name(&self) -> &'static str {
        "aws_vpc_dhcp_options"
    }

    fn schema(&self) -> Schema {
        let mut schema = Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String));
        for (attr, _, list) in KEYS {
            let ty = if *list { Type::list(Type::String) } else { Type::String };
            schema = schema.attr(attr, Attribute::optional(ty).force_new());
        }
        schema
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["InvalidDhcpOptionID.NotFound", "InvalidDhcpOptionsID.NotFound"]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let mut call = api
            .ec2
            .create_dhcp_options()
            .set_tag_specifications(tag_spec(Ec2Type::DhcpOptions, &req.tags).map(|t| vec![t]));
        for (attr, key, list) in KEYS {
            let values = if *list {
                string_list(req.planned.get(attr))
            } else {
                // "" is unset, as the Terraform provider reads it (the vpc module's default
                // `netbios_node_type = ""`; EC2 refuses an empty value).
                req.planned.get_str(attr).filter(|v| !v.is_empty()).map(str::to_string).into_iter().collect()
            };
            if !values.is_empty() {
                call = call
                    .dhcp_configurations(NewDhcpConfiguration::builder().key(*key).set_values(Some(values)).build());
            }
        }
        let op = "CreateDhcpOptions";
        let created = api
            .create(op, CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, req.planned))
            .await?;
        let answered_tags = match &created {
            Created::Sent(out) => out.dhcp_options().map(|d| tags_map(d.tags())),
            Created::Found(_) => None,
        };
        let id = created
            .id(|out| out.dhcp_options().and_then(|d| d.dhcp_options_id()))
            .ok_or_else(|| missing_id(api, op))?;
        // An API (moto) that drops the create's TagSpecifications: tag right after, as S3 buckets are.
        if answered_tags.is_some_and(|t| t.get(INTENT_TAG).map(String::as_str) != Some(req.token)) {
            set_tags(api, &id, &[], &req.tags).await?;
        }
        Ok(id)
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let req = api.ec2.describe_dhcp_options().filters(filter("dhcp-options-id", [id]));
        let out = api.call("DescribeDhcpOptions", || req.clone().send()).await?;
        let Some(d) = out.dhcp_options().first() else { return Ok(None) };
        let owner = d.owner_id().unwrap_or_default();
        s.set("owner_id", Value::from(owner));
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:dhcp-options/{id}", api.partition(), api.region)));
        for (attr, key, list) in KEYS {
            let values: Vec<&str> = d
                .dhcp_configurations()
                .iter()
                .filter(|c| c.key() == Some(*key))
                .flat_map(|c| c.values().iter().filter_map(|v| v.value()))
                .collect();
            let v = match (values.is_empty(), list) {
                // Configured as "", sent as nothing: still "" (no diff against the configuration).
                (true, false) if s.get(attr).as_str() == Some("") => continue,
                // Configured as [] (the vpc module's default), sent as nothing: still [].
                (true, true) if s.get(attr).as_list().is_some_and(|l| l.is_empty()) => continue,
                (true, _) => Value::Null,
                (false, true) => list_value(values),
                (false, false) => Value::from(values[0]),
            };
            s.set(attr, v);
        }
        Ok(Some(tags_map(d.tags())))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        // Still associated with a VPC being replaced a moment ago.
        api.call_settling("DeleteDhcpOptions", &["DependencyViolation"], || {
            api.ec2.delete_dhcp_options().dhcp_options_id(id).send()
        })
        .await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        let req = api.ec2.describe_dhcp_options().filters(filter(&format!("tag:{INTENT_TAG}"), [token]));
        let out = api.call("DescribeDhcpOptions", || req.clone().send()).await?;
        Ok(out
            .dhcp_options()
            .iter()
            .filter(|d| crate::intent::carries(d.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token))
            .find_map(|d| d.dhcp_options_id().map(str::to_string)))
    }
}

/// The association of a VPC with DHCP options. ID: the options' ID followed by `-` and the VPC ID,
/// as in Terraform; import ID: the VPC ID. Deleting it restores the `default` options.
pub struct DhcpOptionsAssociation;

async fn associate(api: &Api<'_>, vpc: &str, options: &str) -> Result<(), AwsError> {
    let req = api.ec2.associate_dhcp_options().vpc_id(vpc).dhcp_options_id(options);
    api.call("AssociateDhcpOptions", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for DhcpOptionsAssociation {
    fn type_name(&self) -> &'static str {
        "aws_vpc_dhcp_options_association"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("vpc_id", Attribute::required(Type::String).force_new())
            .attr("dhcp_options_id", Attribute::required(Type::String))
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["InvalidVpcID.NotFound"]
    }

    /// AssociateDhcpOptions is idempotent: no token needed.
    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let (vpc, options) = (
            req.planned.get_str("vpc_id").unwrap_or_default(),
            req.planned.get_str("dhcp_options_id").unwrap_or_default(),
        );
        associate(api, vpc, options).await?;
        Ok(format!("{options}-{vpc}"))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let vpc = s.get_str("vpc_id").map(str::to_string).or_else(|| id.find("-vpc-").map(|i| id[i + 1..].to_string()));
        let Some(vpc) = vpc else { return Ok(None) };
        let Some(v) = super::described::vpc(api, &vpc).await? else { return Ok(None) };
        let Some(options) = v.dhcp_options_id().filter(|o| *o != "default") else { return Ok(None) };
        s.set("vpc_id", Value::from(vpc.as_str()));
        s.set("dhcp_options_id", Value::from(options));
        s.set("id", Value::from(format!("{options}-{vpc}")));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        associate(
            api,
            planned.get_str("vpc_id").unwrap_or_default(),
            planned.get_str("dhcp_options_id").unwrap_or_default(),
        )
        .await
    }

    async fn delete(&self, api: &Api<'_>, _id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        associate(api, state.get_str("vpc_id").unwrap_or_default(), "default").await
    }

    /// Untaggable: the VPC's association is ours when it names the planned options.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(vpc) = planned.get_str("vpc_id") else { return Ok(None) };
        let v = super::described::vpc(api, vpc).await?;
        let options = v.as_ref().and_then(|v| v.dhcp_options_id());
        Ok(options.filter(|o| Some(*o) == planned.get_str("dhcp_options_id")).map(|o| format!("{o}-{vpc}")))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        if !id.starts_with("vpc-") {
            return Err(format!("expected a VPC ID (vpc-…), got {id:?}"));
        }
        Ok(vec![("id", Value::from(id)), ("vpc_id", Value::from(id))])
    }
}
