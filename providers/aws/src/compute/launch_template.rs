//! `aws_launch_template`. As in Terraform, a change to the launch data makes a new version
//! (`latest_version`); `update_default_version` (or `default_version`) moves the default.

use super::{template_request, template_response, template_schema};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::network::ec2_filter as filter;
use crate::skeleton::{missing_id, AwsResource, Create, Naming, Options, Tagging};
use aws_sdk_ec2::types::{LaunchTemplate as Lt, ResourceType as Ec2Type};
use meshplan_provider::{async_trait, Planned, Schema, Value, INTENT_TAG};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct LaunchTemplate;

const NOT_FOUND: &[&str] = &[
    "InvalidLaunchTemplateId.NotFound",
    "InvalidLaunchTemplateId.Malformed",
    "InvalidLaunchTemplateName.NotFoundException",
    "InvalidLaunchTemplateId.VersionNotFound",
];

/// Attributes that are not launch data: changing them makes no new version.
const NOT_DATA: &[&str] = &[
    "id",
    "arn",
    "name",
    "name_prefix",
    "tags",
    "tags_all",
    "default_version",
    "latest_version",
    "update_default_version",
];

fn data_changed(prior: &Value, planned: &Value) -> bool {
    let (Some(p), Some(n)) = (prior.as_object(), planned.as_object()) else { return true };
    n.iter().any(|(k, v)| !NOT_DATA.contains(&k.as_str()) && p.get(k).unwrap_or(&Value::Null) != v)
}

/// The blocks declared for the modules' dynamic blocks but not sent yet: refused, not ignored.
fn check_supported(api: &Api<'_>, planned: &Value) -> Result<(), AwsError> {
    for block in template_schema::UNSUPPORTED_BLOCKS {
        if planned.get(block).as_list().is_some_and(|l| !l.is_empty()) {
            return Err(api.invalid(block, format!("`{block}` is not supported yet by aws_launch_template")));
        }
    }
    Ok(())
}

fn version_number(v: &Value) -> Option<i64> {
    v.as_i64()
}

async fn describe(api: &Api<'_>, id: &str) -> Result<Option<Lt>, AwsError> {
    let req = api.ec2.describe_launch_templates().launch_template_ids(id);
    let out = api.call("DescribeLaunchTemplates", || req.clone().send()).await?;
    Ok(out.launch_templates().iter().find(|t| t.launch_template_id() == Some(id)).cloned())
}

/// The template's tags as they are now (moto's DescribeLaunchTemplates shows those of the create).
async fn current_tags(api: &Api<'_>, id: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let req = api.ec2.describe_tags().filters(filter("resource-id", [id]));
    let out = api.call("DescribeTags", || req.clone().send()).await?;
    Ok(out
        .tags()
        .iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
        .collect())
}

async fn set_default(api: &Api<'_>, id: &str, version: i64) -> Result<(), AwsError> {
    let req = api.ec2.modify_launch_template().launch_template_id(id).default_version(version.to_string());
    api.call("ModifyLaunchTemplate", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for LaunchTemplate {
    fn type_name(&self) -> &'static str {
        "aws_launch_template"
    }

    fn schema(&self) -> Schema {
        template_schema::schema()
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, naming: Some(Naming::with_prefix()), ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        check_supported(api, req.planned)?;
        let call = api
            .ec2
            .create_launch_template()
            .launch_template_name(req.name())
            .set_version_description(req.planned.get_str("description").map(str::to_string))
            .launch_template_data(template_request::request(req.planned))
            .client_token(req.token)
            .set_tag_specifications(super::tag_spec(Ec2Type::LaunchTemplate, &req.tags).map(|t| vec![t]));
        let op = "CreateLaunchTemplate";
        let conflicts =
            CreateCall { conflicts: &["InvalidLaunchTemplateName.AlreadyExistsException"], ..Default::default() };
        let created = api.create(op, conflicts, || call.clone().send(), || self.locate(api, req.token, req.planned));
        created
            .await?
            .id(|out| out.launch_template().and_then(|t| t.launch_template_id()))
            .ok_or_else(|| missing_id(api, op))
    }

    /// A `default_version` other than the first needs the versions the updates make.
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        match version_number(planned.get("default_version")) {
            Some(v) if v != 1 => Err(api.invalid("default_version", format!("template {id} has only version 1"))),
            _ => Ok(()),
        }
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(lt) = describe(api, id).await? else { return Ok(None) };
        let latest = lt.latest_version_number().unwrap_or(1);
        let req = api.ec2.describe_launch_template_versions().launch_template_id(id).versions(latest.to_string());
        let out = api.call("DescribeLaunchTemplateVersions", || req.clone().send()).await?;
        let Some(version) = out.launch_template_versions().first() else { return Ok(None) };
        // CreatedBy is the creator's ARN: its account is the template's.
        let account = match lt.created_by().and_then(|a| a.split(':').nth(4)).filter(|a| !a.is_empty()) {
            Some(a) => a.to_string(),
            None => api.account_id().await?,
        };
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{account}:launch-template/{id}", api.partition(), api.region)));
        s.set("name", crate::values::opt_str(lt.launch_template_name()));
        s.set("default_version", lt.default_version_number().map(Value::from).unwrap_or(Value::Null));
        s.set("latest_version", Value::from(latest));
        s.set("description", crate::values::opt_str(version.version_description()));
        if let Some(data) = version.launch_template_data() {
            template_response::fill(&self.schema(), s, data);
        }
        Ok(Some(current_tags(api, id).await?))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        check_supported(api, planned)?;
        let mut latest = version_number(prior.get("latest_version"));
        if data_changed(prior, planned) {
            // One token per (template, version it follows): a resent request makes no second version.
            let token = format!("{id}-after-{}", latest.unwrap_or_default());
            let req = api
                .ec2
                .create_launch_template_version()
                .launch_template_id(id)
                .set_version_description(planned.get_str("description").map(str::to_string))
                .launch_template_data(template_request::request(planned))
                .client_token(token);
            let out = api.call("CreateLaunchTemplateVersion", || req.clone().send()).await?;
            latest = out.launch_template_version().and_then(|v| v.version_number()).or(latest);
        }
        let wanted = if planned.get("update_default_version").as_bool() == Some(true) {
            latest
        } else {
            version_number(planned.get("default_version"))
                .filter(|v| Some(*v) != version_number(prior.get("default_version")))
        };
        if let Some(v) = wanted.filter(|v| Some(*v) != version_number(prior.get("default_version"))) {
            set_default(api, id, v).await?;
        }
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let req = api.ec2.delete_launch_template().launch_template_id(id);
        api.call("DeleteLaunchTemplate", || req.clone().send()).await?;
        Ok(())
    }

    /// By the token-derived name and the intent tag.
    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let name = planned.get_str("name").unwrap_or_default();
        let req = api
            .ec2
            .describe_launch_templates()
            .filters(filter("launch-template-name", [name]))
            .filters(filter(&format!("tag:{INTENT_TAG}"), [token]));
        let out = api.call("DescribeLaunchTemplates", || req.clone().send()).await?;
        let ours = |t: &&Lt| {
            t.launch_template_name() == Some(name)
                && crate::intent::carries(t.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token)
        };
        Ok(out.launch_templates().iter().find(ours).and_then(|t| t.launch_template_id()).map(str::to_string))
    }

    /// A new version is coming: `latest_version` (and the default that follows it) are unknown.
    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        let Some(prior) = prior else { return };
        if planned.replaces() || !data_changed(prior, &planned.state) {
            return;
        }
        planned.state.set("latest_version", Value::Unknown);
        if planned.state.get("update_default_version").as_bool() == Some(true) {
            planned.state.set("default_version", Value::Unknown);
        }
    }
}
