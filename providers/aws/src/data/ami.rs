//! `aws_ami`: one machine image by owners, filters and `name_regex` (`most_recent` picks the
//! newest of several, as in Terraform; otherwise several matches are an error).

use super::network::{filter_block, filters};
use crate::api::Api;
use crate::error::AwsError;
use crate::values::{map_value, opt_str, string_list};
use aws_sdk_ec2::types::Image;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct Ami;

/// Computed string attributes and how each is read from the image.
const STRINGS: &[(&str, fn(&Image) -> Option<&str>)] = &[
    ("architecture", |i| i.architecture().map(|x| x.as_str())),
    ("boot_mode", |i| i.boot_mode().map(|x| x.as_str())),
    ("creation_date", |i| i.creation_date()),
    ("deprecation_time", |i| i.deprecation_time()),
    ("description", |i| i.description()),
    ("hypervisor", |i| i.hypervisor().map(|x| x.as_str())),
    ("image_id", |i| i.image_id()),
    ("image_location", |i| i.image_location()),
    ("image_owner_alias", |i| i.image_owner_alias()),
    ("image_type", |i| i.image_type().map(|x| x.as_str())),
    ("imds_support", |i| i.imds_support().map(|x| x.as_str())),
    ("kernel_id", |i| i.kernel_id()),
    ("last_launched_time", |i| i.last_launched_time()),
    ("name", |i| i.name()),
    ("owner_id", |i| i.owner_id()),
    ("platform", |i| i.platform().map(|x| x.as_str())),
    ("platform_details", |i| i.platform_details()),
    ("ramdisk_id", |i| i.ramdisk_id()),
    ("root_device_name", |i| i.root_device_name()),
    ("root_device_type", |i| i.root_device_type().map(|x| x.as_str())),
    ("root_snapshot_id", root_snapshot),
    ("sriov_net_support", |i| i.sriov_net_support()),
    ("state", |i| i.state().map(|x| x.as_str())),
    ("tpm_support", |i| i.tpm_support().map(|x| x.as_str())),
    ("usage_operation", |i| i.usage_operation()),
    ("virtualization_type", |i| i.virtualization_type().map(|x| x.as_str())),
];

fn root_snapshot(i: &Image) -> Option<&str> {
    let root = i.root_device_name()?;
    i.block_device_mappings().iter().find(|m| m.device_name() == Some(root))?.ebs()?.snapshot_id()
}

fn invalid(ctx: &Ctx, attribute: Option<&str>, message: String) -> ProviderError {
    AwsError::Invalid { address: ctx.address.clone(), message, attribute: attribute.map(str::to_string) }.into()
}

#[async_trait]
impl DataSource for Ami {
    fn type_name(&self) -> &'static str {
        "aws_ami"
    }
    fn schema(&self) -> Schema {
        let mut schema = Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("owners", Attribute::optional(Type::list(Type::String)))
            .attr("executable_users", Attribute::optional(Type::list(Type::String)))
            .attr("name_regex", Attribute::optional(Type::String))
            .attr("most_recent", Attribute::optional(Type::Bool))
            .attr("include_deprecated", Attribute::optional(Type::Bool))
            .attr("uefi_data", Attribute::optional(Type::String))
            .attr("tags", Attribute::optional_computed(Type::map(Type::String)))
            .attr("arn", Attribute::computed(Type::String))
            .attr("ena_support", Attribute::computed(Type::Bool))
            .attr("public", Attribute::computed(Type::Bool))
            .attr("state_reason", Attribute::computed(Type::map(Type::String)))
            .attr(
                "block_device_mappings",
                Attribute::computed(Type::set(Type::Object(
                    [
                        ("device_name", Type::String),
                        ("ebs", Type::map(Type::String)),
                        ("no_device", Type::String),
                        ("virtual_name", Type::String),
                    ]
                    .into_iter()
                    .map(|(k, t)| (k.to_string(), t))
                    .collect(),
                ))),
            )
            .attr(
                "product_codes",
                Attribute::computed(Type::set(Type::Object(
                    [("product_code_id", Type::String), ("product_code_type", Type::String)]
                        .into_iter()
                        .map(|(k, t)| (k.to_string(), t))
                        .collect(),
                ))),
            )
            .block("filter", filter_block());
        for (attr, _) in STRINGS {
            schema = schema.attr(attr, Attribute::computed(Type::String));
        }
        schema
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let owners = string_list(config.get("owners"));
        let users = string_list(config.get("executable_users"));
        let fs = filters(config);
        let req = api
            .ec2
            .describe_images()
            .set_owners((!owners.is_empty()).then_some(owners))
            .set_executable_users((!users.is_empty()).then_some(users))
            .set_filters((!fs.is_empty()).then_some(fs))
            .set_include_deprecated(config.get("include_deprecated").as_bool());
        let out = api.call("DescribeImages", || req.clone().send()).await?;
        let regex = match config.get_str("name_regex") {
            Some(r) => Some(
                regex::Regex::new(r).map_err(|e| invalid(ctx, Some("name_regex"), format!("bad name_regex: {e}")))?,
            ),
            None => None,
        };
        let mut images: Vec<&Image> = out
            .images()
            .iter()
            .filter(|i| regex.as_ref().is_none_or(|r| r.is_match(i.name().unwrap_or_default())))
            .collect();
        // Creation dates are ISO 8601: newest sorts last.
        images.sort_by(|a, b| a.creation_date().cmp(&b.creation_date()));
        let image = match (images.len(), config.get("most_recent").as_bool() == Some(true)) {
            (0, _) => {
                return Err(invalid(
                    ctx,
                    None,
                    "the search matched no image; change the owners, filters or name_regex".into(),
                ))
            }
            (1, _) | (_, true) => images[images.len() - 1],
            (n, false) => {
                return Err(invalid(
                    ctx,
                    Some("most_recent"),
                    format!("the search matched {n} images; set most_recent = true or narrow it"),
                ))
            }
        };
        let mut s = config.clone();
        let id = image.image_id().unwrap_or_default();
        s.set("id", Value::from(id));
        s.set("arn", Value::from(format!("arn:{}:ec2:{}::image/{id}", api.partition(), api.region)));
        for (attr, get) in STRINGS {
            s.set(attr, opt_str(get(image)));
        }
        s.set("ena_support", Value::from(image.ena_support().unwrap_or(false)));
        s.set("public", Value::from(image.public().unwrap_or(false)));
        let reason = image.state_reason();
        s.set(
            "state_reason",
            map_value([
                ("code", reason.and_then(|r| r.code()).unwrap_or("UNSET")),
                ("message", reason.and_then(|r| r.message()).unwrap_or("UNSET")),
            ]),
        );
        let mappings = image.block_device_mappings().iter().map(|m| {
            let ebs = m.ebs().map(|e| {
                let mut pairs = vec![
                    ("delete_on_termination", e.delete_on_termination().map(|b| b.to_string()).unwrap_or_default()),
                    ("encrypted", e.encrypted().map(|b| b.to_string()).unwrap_or_default()),
                    ("snapshot_id", e.snapshot_id().unwrap_or_default().to_string()),
                    ("volume_type", e.volume_type().map(|v| v.as_str().to_string()).unwrap_or_default()),
                ];
                if let Some(size) = e.volume_size() {
                    pairs.push(("volume_size", size.to_string()));
                }
                map_value(pairs)
            });
            Value::object([
                ("device_name", opt_str(m.device_name())),
                ("ebs", ebs.unwrap_or_else(Value::empty_object)),
                ("no_device", Value::from(m.no_device().unwrap_or_default())),
                ("virtual_name", Value::from(m.virtual_name().unwrap_or_default())),
            ])
        });
        s.set("block_device_mappings", Value::List(mappings.collect()));
        let codes = image.product_codes().iter().map(|c| {
            Value::object([
                ("product_code_id", opt_str(c.product_code_id())),
                ("product_code_type", opt_str(c.product_code_type().map(|t| t.as_str()))),
            ])
        });
        s.set("product_codes", Value::List(codes.collect()));
        s.set("tags", map_value(crate::network::user_tags(image.tags())));
        Ok(s)
    }
}
