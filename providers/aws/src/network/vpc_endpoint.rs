//! `aws_vpc_endpoint`: Gateway, Interface, GatewayLoadBalancer, Resource and ServiceNetwork
//! endpoints. The create carries the intent token as its client token and the intent tag;
//! in-place changes go through ModifyVpcEndpoint. Every wait is bounded by the `timeouts`
//! block: a deleted endpoint lingers in DescribeVpcEndpoints with state `deleted` (moto keeps
//! it for ever), which counts as gone.

use super::ec2::{filter, tag_spec, tags_map};
use super::vpc_endpoint_shape::{read_endpoint, schema, set_diff};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::{get_string, string_list};
use crate::waiter::Poll;
use aws_sdk_ec2::types::{DnsOptionsSpecification, IpAddressType, ResourceType as Ec2Type, VpcEndpoint as Endpoint};
use aws_sdk_ec2::types::{DnsRecordIpType, SubnetConfiguration, VpcEndpointType};
use meshplan_provider::{async_trait, Planned, Schema, Value, INTENT_TAG};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct VpcEndpoint;

const UPDATE_WAIT: Duration = Duration::from_secs(600);
const NOT_FOUND: &[&str] = &["InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound"];

/// The endpoint, unless it is gone or going.
async fn describe(api: &Api<'_>, id: &str) -> Result<Option<Endpoint>, AwsError> {
    let req = api.ec2.describe_vpc_endpoints().vpc_endpoint_ids(id);
    let out = api.call("DescribeVpcEndpoints", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
    Ok(out.and_then(|o| o.vpc_endpoints().iter().find(|e| e.vpc_endpoint_id() == Some(id) && !gone(e)).cloned()))
}

fn gone(e: &Endpoint) -> bool {
    matches!(e.state().map(|s| s.as_str().to_ascii_lowercase()).as_deref(), Some("deleted" | "deleting"))
}

fn dns_options(planned: &Value) -> Option<DnsOptionsSpecification> {
    let o = crate::values::one_block(planned.get("dns_options"));
    if o.is_null() {
        return None;
    }
    Some(
        DnsOptionsSpecification::builder()
            .set_dns_record_ip_type(o.get_str("dns_record_ip_type").map(DnsRecordIpType::from))
            .set_private_dns_only_for_inbound_resolver_endpoint(
                o.get("private_dns_only_for_inbound_resolver_endpoint").as_bool(),
            )
            .build(),
    )
}

fn subnet_configurations(planned: &Value) -> Option<Vec<SubnetConfiguration>> {
    let items = planned.get("subnet_configuration").as_list().filter(|l| !l.is_empty())?;
    Some(
        items
            .iter()
            .map(|c| {
                SubnetConfiguration::builder()
                    .set_subnet_id(get_string(c, "subnet_id"))
                    .set_ipv4(get_string(c, "ipv4"))
                    .set_ipv6(get_string(c, "ipv6"))
                    .build()
            })
            .collect(),
    )
}

/// A set argument as the create sends it (unknown or null: not sent).
fn ids(planned: &Value, key: &str) -> Option<Vec<String>> {
    Some(string_list(planned.get(key))).filter(|l| !l.is_empty())
}

#[async_trait]
impl AwsResource for VpcEndpoint {
    fn type_name(&self) -> &'static str {
        "aws_vpc_endpoint"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, timeouts: &["create", "update", "delete"], ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let kind = p.get_str("vpc_endpoint_type").unwrap_or("Gateway");
        let call = api
            .ec2
            .create_vpc_endpoint()
            .client_token(req.token)
            .set_vpc_id(get_string(p, "vpc_id"))
            .vpc_endpoint_type(VpcEndpointType::from(kind))
            .set_service_name(get_string(p, "service_name"))
            .set_service_region(get_string(p, "service_region"))
            .set_resource_configuration_arn(get_string(p, "resource_configuration_arn"))
            .set_service_network_arn(get_string(p, "service_network_arn"))
            .set_policy_document(get_string(p, "policy"))
            .set_private_dns_enabled(p.get("private_dns_enabled").as_bool())
            .set_ip_address_type(p.get_str("ip_address_type").map(IpAddressType::from))
            .set_route_table_ids(ids(p, "route_table_ids"))
            .set_subnet_ids(ids(p, "subnet_ids"))
            .set_security_group_ids(ids(p, "security_group_ids"))
            .set_dns_options(dns_options(p))
            .set_subnet_configurations(subnet_configurations(p))
            .set_tag_specifications(tag_spec(Ec2Type::VpcEndpoint, &req.tags).map(|t| vec![t]));
        let op = "CreateVpcEndpoint";
        let created =
            api.create(op, CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, p)).await?;
        created.id(|out| out.vpc_endpoint().and_then(|e| e.vpc_endpoint_id())).ok_or_else(|| missing_id(api, op))
    }

    /// Waits for `available` (or `pendingAcceptance`, accepting it when `auto_accept`).
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, timeout: Duration) -> Result<(), AwsError> {
        let state = wait_settled(api, id, timeout).await?;
        if state == "pendingacceptance" && planned.get("auto_accept").as_bool() == Some(true) {
            let service = describe(api, id).await?.and_then(|e| e.service_name().map(str::to_string));
            let sreq = api.ec2.describe_vpc_endpoint_services().set_service_names(service.map(|s| vec![s]));
            let out = api.call("DescribeVpcEndpointServices", || sreq.clone().send()).await?;
            if let Some(service_id) = out.service_details().first().and_then(|d| d.service_id()) {
                let req = api.ec2.accept_vpc_endpoint_connections().service_id(service_id).vpc_endpoint_ids(id);
                api.call("AcceptVpcEndpointConnections", || req.clone().send()).await?;
                wait_settled(api, id, timeout).await?;
            }
        }
        Ok(())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(e) = describe(api, id).await? else { return Ok(None) };
        read_endpoint(api, &e, s).await?;
        Ok(Some(tags_map(e.tags())))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let changed = |k: &str| planned.get(k) != prior.get(k) && !planned.get(k).is_unknown();
        let keys = ["route_table_ids", "subnet_ids", "security_group_ids", "policy", "private_dns_enabled"];
        let more = ["ip_address_type", "dns_options", "subnet_configuration"];
        if !keys.iter().chain(more.iter()).any(|k| changed(k)) {
            return Ok(());
        }
        let (add_rt, remove_rt) = set_diff(prior, planned, "route_table_ids");
        let (add_sn, remove_sn) = set_diff(prior, planned, "subnet_ids");
        let (add_sg, remove_sg) = set_diff(prior, planned, "security_group_ids");
        let mut req = api
            .ec2
            .modify_vpc_endpoint()
            .vpc_endpoint_id(id)
            .set_add_route_table_ids(add_rt)
            .set_remove_route_table_ids(remove_rt)
            .set_add_subnet_ids(add_sn)
            .set_remove_subnet_ids(remove_sn)
            .set_add_security_group_ids(add_sg)
            .set_remove_security_group_ids(remove_sg);
        if changed("policy") {
            req = match planned.get_str("policy") {
                Some(text) => req.policy_document(text),
                None => req.reset_policy(true),
            };
        }
        if changed("private_dns_enabled") {
            req = req.set_private_dns_enabled(planned.get("private_dns_enabled").as_bool());
        }
        if changed("ip_address_type") {
            req = req.set_ip_address_type(planned.get_str("ip_address_type").map(IpAddressType::from));
        }
        if changed("dns_options") {
            req = req.set_dns_options(dns_options(planned));
        }
        if changed("subnet_configuration") {
            req = req.set_subnet_configurations(subnet_configurations(planned));
        }
        api.call("ModifyVpcEndpoint", || req.clone().send()).await?;
        // The skeleton hands update no bound: the block's, else Terraform's 10 minutes.
        let timeout = crate::waiter::timeout_of(planned, "update", UPDATE_WAIT).unwrap_or(UPDATE_WAIT);
        wait_settled(api, id, timeout).await.map(|_| ())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, timeout: Duration) -> Result<(), AwsError> {
        let req = api.ec2.delete_vpc_endpoints().vpc_endpoint_ids(id);
        let out = api.call("DeleteVpcEndpoints", || req.clone().send()).await?;
        if let Some(failed) = out.unsuccessful().iter().find_map(|u| u.error()) {
            let code = failed.code().unwrap_or_default();
            if !NOT_FOUND.contains(&code) {
                let message = format!("DeleteVpcEndpoints: {code}: {}", failed.message().unwrap_or_default());
                return Err(api.invalid("id", message));
            }
        }
        api.wait_for("the VPC endpoint to be deleted", timeout, || async {
            Ok(match describe(api, id).await? {
                None => Poll::Ready(()),
                Some(e) => Poll::Pending(e.state().map(|s| s.as_str().to_string()).unwrap_or_default()),
            })
        })
        .await
    }

    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        let req = api.ec2.describe_vpc_endpoints().filters(filter(&format!("tag:{INTENT_TAG}"), [token]));
        let out = api.call("DescribeVpcEndpoints", || req.clone().send()).await?;
        Ok(out
            .vpc_endpoints()
            .iter()
            .filter(|e| !gone(e))
            .filter(|e| crate::intent::carries(e.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token))
            .find_map(|e| e.vpc_endpoint_id().map(str::to_string)))
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        crate::policy_json::keep_equivalent_prior(&mut planned.state, prior, "policy");
        // Sets: the same IDs in another order are no change.
        for key in ["route_table_ids", "subnet_ids", "security_group_ids"] {
            let Some(before) = prior.map(|p| p.get(key)) else { continue };
            let mut a = string_list(planned.state.get(key));
            let mut b = string_list(before);
            a.sort();
            b.sort();
            if planned.state.get(key).is_wholly_known() && a == b {
                planned.state.set(key, before.clone());
            }
        }
    }
}

/// Polls until the endpoint leaves its pending states; returns the state (lowercase).
async fn wait_settled(api: &Api<'_>, id: &str, timeout: Duration) -> Result<String, AwsError> {
    api.wait_for("the VPC endpoint to be available", timeout, || async {
        let Some(e) = describe(api, id).await? else {
            return Ok(Poll::Failed { status: "deleted".into(), reason: Some("the endpoint disappeared".into()) });
        };
        let state = e.state().map(|s| s.as_str().to_ascii_lowercase()).unwrap_or_default();
        let reason = || e.last_error().and_then(|l| l.message()).map(str::to_string);
        Ok(match state.as_str() {
            "available" | "pendingacceptance" => Poll::Ready(state),
            "failed" | "rejected" | "expired" => Poll::Failed { status: state.clone(), reason: reason() },
            _ => Poll::Pending(state),
        })
    })
    .await
}
