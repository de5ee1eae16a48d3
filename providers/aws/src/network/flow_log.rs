//! `aws_flow_log`: traffic logs of a VPC, subnet, ENI or transit gateway (attachment). Every
//! argument but the tags forces a new flow log. ID and import ID: `fl-…`.

use super::ec2::{filter, tag_spec, tags_map};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::{get_i32, get_string, one_block, opt_str};
use aws_sdk_ec2::types::{
    DestinationFileFormat, DestinationOptionsRequest, FlowLogsResourceType as Kind, LogDestinationType,
    ResourceType as Ec2Type, TrafficType,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value, INTENT_TAG};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct FlowLog;

/// The attribute naming the logged resource, and the API's kind for it.
const TARGETS: &[(&str, Kind)] = &[
    ("vpc_id", Kind::Vpc),
    ("subnet_id", Kind::Subnet),
    ("eni_id", Kind::NetworkInterface),
    ("transit_gateway_id", Kind::TransitGateway),
    ("transit_gateway_attachment_id", Kind::TransitGatewayAttachment),
];

fn target_attr(resource_id: &str) -> &'static str {
    match resource_id.split('-').next() {
        Some("subnet") => "subnet_id",
        Some("eni") => "eni_id",
        Some("tgw") => "transit_gateway_id",
        Some("tgw-attach") => "transit_gateway_attachment_id",
        _ if resource_id.starts_with("tgw-attach-") => "transit_gateway_attachment_id",
        _ => "vpc_id",
    }
}

#[async_trait]
impl AwsResource for FlowLog {
    fn type_name(&self) -> &'static str {
        "aws_flow_log"
    }

    fn schema(&self) -> Schema {
        let fixed = |t: Type| Attribute::optional(t).force_new();
        let mut schema = Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("deliver_cross_account_role", fixed(Type::String))
            .attr("iam_role_arn", fixed(Type::String))
            .attr("log_destination", Attribute::optional_computed(Type::String).force_new())
            .attr("log_destination_type", fixed(Type::String).default("cloud-watch-logs"))
            .attr("log_format", Attribute::optional_computed(Type::String).force_new())
            .attr("log_group_name", Attribute::optional_computed(Type::String).force_new())
            .attr("max_aggregation_interval", fixed(Type::Number).default(600i64))
            .attr("traffic_type", fixed(Type::String))
            .block(
                "destination_options",
                Block::list(
                    Schema::new()
                        .attr("file_format", fixed(Type::String))
                        .attr("hive_compatible_partitions", fixed(Type::Bool).default(false))
                        .attr("per_hour_partition", fixed(Type::Bool).default(false)),
                )
                .max_items(1)
                .force_new(),
            );
        for (attr, _) in TARGETS {
            schema = schema.attr(attr, fixed(Type::String));
        }
        schema
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["InvalidFlowLogId.NotFound"]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let Some((resource, kind)) = TARGETS.iter().find_map(|(a, k)| Some((p.get_str(a)?, k.clone()))) else {
            return Err(api.invalid(
                "vpc_id",
                "one of vpc_id, subnet_id, eni_id, transit_gateway_id or transit_gateway_attachment_id is required",
            ));
        };
        let options = one_block(p.get("destination_options"));
        let destination_options = (!options.is_null()).then(|| {
            DestinationOptionsRequest::builder()
                .set_file_format(options.get_str("file_format").map(DestinationFileFormat::from))
                .set_hive_compatible_partitions(options.get("hive_compatible_partitions").as_bool())
                .set_per_hour_partition(options.get("per_hour_partition").as_bool())
                .build()
        });
        let call = api
            .ec2
            .create_flow_logs()
            .resource_ids(resource)
            .resource_type(kind)
            .client_token(req.token)
            .set_traffic_type(p.get_str("traffic_type").map(TrafficType::from))
            .set_log_destination_type(p.get_str("log_destination_type").map(LogDestinationType::from))
            .set_log_destination(get_string(p, "log_destination"))
            .set_log_group_name(get_string(p, "log_group_name"))
            .set_deliver_logs_permission_arn(get_string(p, "iam_role_arn"))
            .set_deliver_cross_account_role(get_string(p, "deliver_cross_account_role"))
            .set_log_format(get_string(p, "log_format"))
            .set_max_aggregation_interval(get_i32(p, "max_aggregation_interval"))
            .set_destination_options(destination_options)
            .set_tag_specifications(tag_spec(Ec2Type::VpcFlowLog, &req.tags).map(|t| vec![t]));
        let op = "CreateFlowLogs";
        let created =
            api.create(op, CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, p)).await?;
        if let crate::api::Created::Sent(out) = &created {
            if let Some(failure) = out.unsuccessful().first().and_then(|u| u.error()) {
                return Err(AwsError::Api {
                    address: api.address.to_string(),
                    operation: op,
                    code: failure.code().unwrap_or("Unsuccessful").to_string(),
                    message: failure.message().unwrap_or_default().to_string(),
                    status: None,
                });
            }
        }
        created.id(|out| out.flow_log_ids().first().map(String::as_str)).ok_or_else(|| missing_id(api, op))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let req = api.ec2.describe_flow_logs().filter(filter("flow-log-id", [id]));
        let out = api.call("DescribeFlowLogs", || req.clone().send()).await?;
        let Some(f) = out.flow_logs().iter().find(|f| f.flow_log_id() == Some(id)) else { return Ok(None) };
        let account = api.account_id().await?;
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{account}:vpc-flow-log/{id}", api.partition(), api.region)));
        let resource = f.resource_id().unwrap_or_default();
        let target = target_attr(resource);
        for (attr, _) in TARGETS {
            s.set(attr, if *attr == target { Value::from(resource) } else { Value::Null });
        }
        s.set("traffic_type", opt_str(f.traffic_type().map(|t| t.as_str())));
        s.set(
            "log_destination_type",
            Value::from(f.log_destination_type().map(|t| t.as_str()).unwrap_or("cloud-watch-logs")),
        );
        s.set("log_destination", Value::from(f.log_destination().unwrap_or_default()));
        s.set("log_group_name", Value::from(f.log_group_name().unwrap_or_default()));
        s.set("log_format", Value::from(f.log_format().unwrap_or_default()));
        s.set("iam_role_arn", opt_str(f.deliver_logs_permission_arn()));
        s.set("deliver_cross_account_role", opt_str(f.deliver_cross_account_role()));
        s.set("max_aggregation_interval", Value::from(i64::from(f.max_aggregation_interval().unwrap_or(600))));
        let options = f.destination_options().map(|o| {
            Value::object([
                ("file_format", opt_str(o.file_format().map(|x| x.as_str()))),
                ("hive_compatible_partitions", Value::from(o.hive_compatible_partitions().unwrap_or(false))),
                ("per_hour_partition", Value::from(o.per_hour_partition().unwrap_or(false))),
            ])
        });
        // Only S3 destinations have options; keep what was written when AWS says nothing.
        if let Some(o) = options.filter(|_| s.get("destination_options").as_list().is_some_and(|l| !l.is_empty())) {
            s.set("destination_options", Value::List(vec![o]));
        }
        Ok(Some(tags_map(f.tags())))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let out = api.call("DeleteFlowLogs", || api.ec2.delete_flow_logs().flow_log_ids(id).send()).await?;
        match out.unsuccessful().first().and_then(|u| u.error()) {
            Some(e) if !e.code().is_some_and(|c| c.ends_with("NotFound")) => Err(AwsError::Api {
                address: api.address.to_string(),
                operation: "DeleteFlowLogs",
                code: e.code().unwrap_or("Unsuccessful").to_string(),
                message: e.message().unwrap_or_default().to_string(),
                status: None,
            }),
            _ => Ok(()),
        }
    }

    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        let req = api.ec2.describe_flow_logs().filter(filter(&format!("tag:{INTENT_TAG}"), [token]));
        let out = api.call("DescribeFlowLogs", || req.clone().send()).await?;
        Ok(out
            .flow_logs()
            .iter()
            .filter(|f| crate::intent::carries(f.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token))
            .find_map(|f| f.flow_log_id().map(str::to_string)))
    }
}
