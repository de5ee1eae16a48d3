//! EC2 calls moto does not answer, replayed with aws-smithy-mocks over a small shared state:
//! VGW route propagation (aws_vpn_gateway_route_propagation, aws_route_table's
//! `propagating_vgws`) and VPC Block Public Access (options and exclusions).

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_sdk_ec2::operation::create_route_table::CreateRouteTableOutput;
use aws_sdk_ec2::operation::create_vpc_block_public_access_exclusion::CreateVpcBlockPublicAccessExclusionOutput;
use aws_sdk_ec2::operation::delete_vpc_block_public_access_exclusion::DeleteVpcBlockPublicAccessExclusionOutput;
use aws_sdk_ec2::operation::describe_route_tables::DescribeRouteTablesOutput;
use aws_sdk_ec2::operation::describe_vpc_block_public_access_exclusions::DescribeVpcBlockPublicAccessExclusionsOutput;
use aws_sdk_ec2::operation::describe_vpc_block_public_access_options::DescribeVpcBlockPublicAccessOptionsOutput;
use aws_sdk_ec2::operation::disable_vgw_route_propagation::DisableVgwRoutePropagationOutput;
use aws_sdk_ec2::operation::enable_vgw_route_propagation::EnableVgwRoutePropagationOutput;
use aws_sdk_ec2::operation::modify_vpc_block_public_access_exclusion::ModifyVpcBlockPublicAccessExclusionOutput;
use aws_sdk_ec2::operation::modify_vpc_block_public_access_options::ModifyVpcBlockPublicAccessOptionsOutput;
use aws_sdk_ec2::types::{
    InternetGatewayBlockMode, InternetGatewayExclusionMode, PropagatingVgw, RouteTable, Tag,
    VpcBlockPublicAccessExclusion, VpcBlockPublicAccessExclusionState, VpcBlockPublicAccessOptions,
    VpcBlockPublicAccessState,
};
use aws_sdk_ec2::Client as Ec2;
use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};
use meshplan_provider::{Ctx, PlanRequest, Provider, ResourceType, Value};
use meshplan_provider_aws::{AwsClients, AwsProvider, RetryPolicy, Settings};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{complete, obj, tags};

fn ctx(ec2: Ec2, address: &str) -> Ctx {
    let sdk = SdkConfig::builder()
        .region(Region::new("us-east-1"))
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::from_keys("AKID", "secret", None)))
        .endpoint_url("http://127.0.0.1:9")
        .build();
    let mut clients = AwsClients::from_sdk_config(&sdk, &Settings::default());
    clients.ec2 = ec2;
    clients.poll_interval = Duration::from_millis(5);
    clients.retry = RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        consistency_budget: Duration::from_secs(1),
    };
    Ctx::new(Arc::new(clients), address)
}

/// A mocked EC2 client (aws-sdk-ec2 is built without `test-util` here, so no `mock_client!`).
fn ec2_client(rules: &[&Rule]) -> Ec2 {
    let interceptor =
        rules.iter().fold(MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny), |i, r| i.with_rule(r));
    let config = aws_sdk_ec2::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::from_keys("AKID", "secret", None))
        .http_client(create_mock_http_client())
        .interceptor(interceptor)
        .build();
    Ec2::from_conf(config)
}

fn resource(name: &str) -> Arc<dyn ResourceType> {
    AwsProvider.resource_types().into_iter().find(|r| r.type_name() == name).unwrap()
}

async fn plan(rt: &Arc<dyn ResourceType>, ctx: &Ctx, prior: Option<&Value>, config: &Value) -> Value {
    let config = complete(&rt.schema(), config);
    let planned = rt.plan(ctx, PlanRequest { prior, config: &config }).await.unwrap();
    assert!(!planned.replaces(), "{:?}", planned.requires_replace);
    planned.state
}

/// The gateways propagating into rtb-1, as the mocked EC2 keeps them.
type Vgws = Arc<Mutex<Vec<String>>>;

fn route_table_mocks(vgws: &Vgws) -> (Rule, Rule, Rule) {
    let (on, off, seen) = (vgws.clone(), vgws.clone(), vgws.clone());
    let enable = mock!(Ec2::enable_vgw_route_propagation)
        .match_requests(move |r| {
            let mut v = on.lock().unwrap();
            let id = r.gateway_id().unwrap_or_default().to_string();
            if !v.contains(&id) {
                v.push(id);
            }
            true
        })
        .then_output(|| EnableVgwRoutePropagationOutput::builder().build());
    let disable = mock!(Ec2::disable_vgw_route_propagation)
        .match_requests(move |r| {
            off.lock().unwrap().retain(|g| Some(g.as_str()) != r.gateway_id());
            true
        })
        .then_output(|| DisableVgwRoutePropagationOutput::builder().build());
    let describe = mock!(Ec2::describe_route_tables).then_output(move || {
        let mut rt = RouteTable::builder().route_table_id("rtb-1").vpc_id("vpc-1").owner_id("123456789012");
        for g in seen.lock().unwrap().iter() {
            rt = rt.propagating_vgws(PropagatingVgw::builder().gateway_id(g).build());
        }
        DescribeRouteTablesOutput::builder().route_tables(rt.build()).build()
    });
    (enable, disable, describe)
}

#[tokio::test]
async fn vpn_gateway_route_propagation() {
    let vgws: Vgws = Arc::default();
    let (enable, disable, describe) = route_table_mocks(&vgws);
    let ec2 = ec2_client(&[&enable, &disable, &describe]);
    let ctx = ctx(ec2, "aws_vpn_gateway_route_propagation.private[0]");
    let rt = resource("aws_vpn_gateway_route_propagation");
    let cfg = obj([("route_table_id", Value::from("rtb-1")), ("vpn_gateway_id", Value::from("vgw-1"))]);
    let planned = plan(&rt, &ctx, None, &cfg).await;
    // Before the create there is nothing to adopt.
    assert!(rt.find(&ctx, "mp-1", &planned).await.unwrap().is_none());
    let state = rt.create(&ctx, &planned).await.unwrap();
    assert_eq!(state.get("id"), &Value::from("rtb-1_vgw-1"));
    assert_eq!(*vgws.lock().unwrap(), vec!["vgw-1".to_string()]);
    assert_eq!(rt.read(&ctx, &state).await.unwrap().as_ref(), Some(&state));
    assert_eq!(
        rt.find(&ctx, "mp-1", &planned).await.unwrap().map(|f| f.get("id").clone()),
        Some(state.get("id").clone())
    );
    let imported = rt.import(&ctx, "rtb-1_vgw-1").await.unwrap();
    assert_eq!(imported.get("vpn_gateway_id"), &Value::from("vgw-1"));

    rt.delete(&ctx, &state).await.unwrap();
    assert!(vgws.lock().unwrap().is_empty());
    assert!(rt.read(&ctx, &state).await.unwrap().is_none(), "gone after delete");
    rt.delete(&ctx, &state).await.unwrap();
    assert_eq!(disable.num_calls(), 1, "a second delete sends nothing");
}

#[tokio::test]
async fn route_table_propagating_vgws() {
    let vgws: Vgws = Arc::default();
    let (enable, disable, describe) = route_table_mocks(&vgws);
    let create = mock!(Ec2::create_route_table).then_output(|| {
        CreateRouteTableOutput::builder().route_table(RouteTable::builder().route_table_id("rtb-1").build()).build()
    });
    let ec2 = ec2_client(&[&enable, &disable, &describe, &create]);
    let ctx = ctx(ec2, "aws_route_table.private");
    let rt = resource("aws_route_table");
    let cfg = |ids: &[&str]| {
        obj([
            ("vpc_id", Value::from("vpc-1")),
            ("propagating_vgws", Value::List(ids.iter().map(|i| Value::from(*i)).collect())),
        ])
    };
    let state = rt.create(&ctx, &plan(&rt, &ctx, None, &cfg(&["vgw-2"])).await).await.unwrap();
    assert_eq!(state.get("propagating_vgws"), &Value::List(vec![Value::from("vgw-2")]));
    assert_eq!(*vgws.lock().unwrap(), vec!["vgw-2".to_string()]);
    // Unset keeps what propagates (optional+computed).
    let kept = plan(&rt, &ctx, Some(&state), &obj([("vpc_id", Value::from("vpc-1"))])).await;
    assert_eq!(kept, state);
    let planned = plan(&rt, &ctx, Some(&state), &cfg(&["vgw-3"])).await;
    let updated = rt.update(&ctx, &state, &planned).await.unwrap();
    assert_eq!(updated.get("propagating_vgws"), &Value::List(vec![Value::from("vgw-3")]));
    assert_eq!((enable.num_calls(), disable.num_calls()), (2, 1));

    // The default route table takes exactly the configured set: none when unset.
    let d = resource("aws_default_route_table");
    let dctx = self::ctx(ec2_client(&[&enable, &disable, &describe]), "aws_default_route_table.default");
    let dcfg = obj([("default_route_table_id", Value::from("rtb-1")), ("tags", tags([]))]);
    let dstate = d.create(&dctx, &plan(&d, &dctx, None, &dcfg).await).await.unwrap();
    assert!(vgws.lock().unwrap().is_empty(), "the adopted table's propagation was turned off");
    assert_eq!(dstate.get("propagating_vgws"), &Value::Null);
}

fn options(mode: &str, state: VpcBlockPublicAccessState) -> DescribeVpcBlockPublicAccessOptionsOutput {
    DescribeVpcBlockPublicAccessOptionsOutput::builder()
        .vpc_block_public_access_options(
            VpcBlockPublicAccessOptions::builder()
                .aws_account_id("123456789012")
                .aws_region("us-east-1")
                .internet_gateway_block_mode(InternetGatewayBlockMode::from(mode))
                .state(state)
                .build(),
        )
        .build()
}

#[tokio::test]
async fn block_public_access_options() {
    use VpcBlockPublicAccessState::{UpdateComplete, UpdateInProgress};
    let modify = mock!(Ec2::modify_vpc_block_public_access_options)
        .then_output(|| ModifyVpcBlockPublicAccessOptionsOutput::builder().build());
    let describe = mock!(Ec2::describe_vpc_block_public_access_options)
        .sequence()
        .output(|| options("block-bidirectional", UpdateInProgress))
        .output(|| options("block-bidirectional", UpdateComplete))
        .times(3)
        .output(|| options("block-ingress", UpdateInProgress))
        .output(|| options("block-ingress", UpdateComplete))
        .times(2)
        .output(|| options("off", UpdateComplete))
        .repeatedly()
        .build();
    let ec2 = ec2_client(&[&modify, &describe]);
    let ctx = ctx(ec2, "aws_vpc_block_public_access_options.this");
    let rt = resource("aws_vpc_block_public_access_options");
    let cfg = |mode: &str| obj([("internet_gateway_block_mode", Value::from(mode))]);
    let state = rt.create(&ctx, &plan(&rt, &ctx, None, &cfg("block-bidirectional")).await).await.unwrap();
    assert_eq!(state.get("id"), &Value::from("us-east-1"));
    assert_eq!(state.get("aws_account_id"), &Value::from("123456789012"));
    assert_eq!(state.get("internet_gateway_block_mode"), &Value::from("block-bidirectional"));
    let refreshed = rt.read(&ctx, &state).await.unwrap().unwrap();
    assert_eq!(plan(&rt, &ctx, Some(&refreshed), &cfg("block-bidirectional")).await, refreshed, "no change");
    let planned = plan(&rt, &ctx, Some(&refreshed), &cfg("block-ingress")).await;
    let updated = rt.update(&ctx, &refreshed, &planned).await.unwrap();
    assert_eq!(updated.get("internet_gateway_block_mode"), &Value::from("block-ingress"));
    rt.delete(&ctx, &updated).await.unwrap();
    assert_eq!(modify.num_calls(), 3, "create, update, and delete's `off`");
}

type Exclusions = Arc<Mutex<Option<(String, VpcBlockPublicAccessExclusionState)>>>;

#[tokio::test]
async fn block_public_access_exclusion() {
    use VpcBlockPublicAccessExclusionState as St;
    let shared: Exclusions = Arc::default();
    let (c, m, d, r) = (shared.clone(), shared.clone(), shared.clone(), shared.clone());
    let exclusion = |mode: &str, state: St| {
        VpcBlockPublicAccessExclusion::builder()
            .exclusion_id("exclus-1")
            .resource_arn("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1")
            .internet_gateway_exclusion_mode(InternetGatewayExclusionMode::from(mode))
            .state(state)
            .tags(Tag::builder().key("Name").value("x").build())
            .build()
    };
    let create = mock!(Ec2::create_vpc_block_public_access_exclusion)
        .match_requests(move |req| {
            let mode = req.internet_gateway_exclusion_mode().map(|m| m.as_str().to_string()).unwrap_or_default();
            *c.lock().unwrap() = Some((mode, St::CreateInProgress));
            true
        })
        .then_output(move || {
            CreateVpcBlockPublicAccessExclusionOutput::builder()
                .vpc_block_public_access_exclusion(exclusion("allow-egress", St::CreateInProgress))
                .build()
        });
    let modify = mock!(Ec2::modify_vpc_block_public_access_exclusion)
        .match_requests(move |req| {
            let mode = req.internet_gateway_exclusion_mode().map(|m| m.as_str().to_string()).unwrap_or_default();
            *m.lock().unwrap() = Some((mode, St::UpdateInProgress));
            true
        })
        .then_output(|| ModifyVpcBlockPublicAccessExclusionOutput::builder().build());
    let delete = mock!(Ec2::delete_vpc_block_public_access_exclusion)
        .match_requests(move |_| {
            let mut guard = d.lock().unwrap();
            if let Some((mode, _)) = guard.clone() {
                *guard = Some((mode, St::DeleteInProgress));
            }
            true
        })
        .then_output(|| DeleteVpcBlockPublicAccessExclusionOutput::builder().build());
    // Each describe moves an in-progress change to its end, as AWS does after a while.
    let describe = mock!(Ec2::describe_vpc_block_public_access_exclusions).then_output(move || {
        let mut guard = r.lock().unwrap();
        let current = guard.clone();
        let out = DescribeVpcBlockPublicAccessExclusionsOutput::builder();
        let Some((mode, state)) = current else { return out.build() };
        let next = match &state {
            St::CreateInProgress => St::CreateComplete,
            St::UpdateInProgress => St::UpdateComplete,
            St::DeleteInProgress => St::DeleteComplete,
            s => s.clone(),
        };
        *guard = Some((mode.clone(), next));
        out.vpc_block_public_access_exclusions(exclusion(&mode, state)).build()
    });
    let ec2 = ec2_client(&[&create, &modify, &delete, &describe]);
    let ctx = ctx(ec2, "aws_vpc_block_public_access_exclusion.this[\"vpc\"]");
    let rt = resource("aws_vpc_block_public_access_exclusion");
    let cfg = |mode: &str| {
        obj([
            ("vpc_id", Value::from("vpc-1")),
            ("internet_gateway_exclusion_mode", Value::from(mode)),
            ("tags", tags([("Name", "x")])),
        ])
    };
    // One target, never both or none.
    let neither = complete(&rt.schema(), &obj([("internet_gateway_exclusion_mode", Value::from("allow-egress"))]));
    let err = rt.plan(&ctx, PlanRequest { prior: None, config: &neither }).await.unwrap_err();
    assert!(err.to_string().contains("exactly one"), "{err}");

    let state = rt.create(&ctx, &plan(&rt, &ctx, None, &cfg("allow-egress")).await).await.unwrap();
    assert_eq!(state.get("id"), &Value::from("exclus-1"));
    assert_eq!(state.get("vpc_id"), &Value::from("vpc-1"));
    assert_eq!(state.get("resource_arn"), &Value::from("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1"));
    assert_eq!(state.get("tags"), &tags([("Name", "x")]));
    let planned = plan(&rt, &ctx, Some(&state), &cfg("allow-bidirectional")).await;
    let updated = rt.update(&ctx, &state, &planned).await.unwrap();
    assert_eq!(updated.get("internet_gateway_exclusion_mode"), &Value::from("allow-bidirectional"));
    let imported = rt.import(&ctx, "exclus-1").await.unwrap();
    assert_eq!(imported.get("vpc_id"), &Value::from("vpc-1"));
    rt.delete(&ctx, &updated).await.unwrap();
    assert!(rt.read(&ctx, &updated).await.unwrap().is_none(), "gone after delete");
    assert_eq!((create.num_calls(), modify.num_calls(), delete.num_calls()), (1, 1, 1));
}

#[tokio::test]
async fn placement_group_waits_for_available_and_gone() {
    use aws_sdk_ec2::operation::create_placement_group::CreatePlacementGroupOutput;
    use aws_sdk_ec2::operation::delete_placement_group::DeletePlacementGroupOutput;
    use aws_sdk_ec2::operation::describe_placement_groups::DescribePlacementGroupsOutput;
    use aws_sdk_ec2::types::{PlacementGroup, PlacementGroupState, PlacementStrategy};
    let group = |state: PlacementGroupState| {
        DescribePlacementGroupsOutput::builder()
            .placement_groups(
                PlacementGroup::builder()
                    .group_name("eks-efa")
                    .group_id("pg-0123")
                    .group_arn("arn:aws:ec2:us-east-1:123456789012:placement-group/eks-efa")
                    .strategy(PlacementStrategy::Cluster)
                    .state(state)
                    .build(),
            )
            .build()
    };
    let create = mock!(Ec2::create_placement_group)
        .match_requests(|r| r.group_name() == Some("eks-efa") && r.strategy() == Some(&PlacementStrategy::Cluster))
        .then_output(|| CreatePlacementGroupOutput::builder().build());
    let delete = mock!(Ec2::delete_placement_group).then_output(|| DeletePlacementGroupOutput::builder().build());
    let describe = mock!(Ec2::describe_placement_groups)
        .sequence()
        .output(move || group(PlacementGroupState::Pending))
        .output(move || group(PlacementGroupState::Available))
        .times(3)
        .output(move || group(PlacementGroupState::Deleting))
        .output(move || group(PlacementGroupState::Deleted))
        .repeatedly()
        .build();
    let ec2 = ec2_client(&[&create, &delete, &describe]);
    let ctx = ctx(ec2, "aws_placement_group.this[0]");
    let rt = resource("aws_placement_group");
    let cfg = obj([("name", Value::from("eks-efa")), ("strategy", Value::from("cluster"))]);
    let state = rt.create(&ctx, &plan(&rt, &ctx, None, &cfg).await).await.unwrap();
    assert_eq!(state.get("id"), &Value::from("eks-efa"));
    assert_eq!(state.get("placement_group_id"), &Value::from("pg-0123"));
    assert_eq!(state.get("arn"), &Value::from("arn:aws:ec2:us-east-1:123456789012:placement-group/eks-efa"));
    let refreshed = rt.read(&ctx, &state).await.unwrap().unwrap();
    assert_eq!(plan(&rt, &ctx, Some(&refreshed), &cfg).await, refreshed, "no change");
    rt.delete(&ctx, &refreshed).await.unwrap();
    assert!(rt.read(&ctx, &refreshed).await.unwrap().is_none(), "gone after delete");
    assert_eq!((create.num_calls(), delete.num_calls()), (1, 1));
}

/// The gateway's addresses as the mocked EC2 keeps them: (allocation, private IP, association).
type Addresses = Arc<Mutex<Vec<(String, String, String)>>>;

#[tokio::test]
async fn nat_gateway_secondary_addresses() {
    use aws_sdk_ec2::operation::associate_nat_gateway_address::AssociateNatGatewayAddressOutput;
    use aws_sdk_ec2::operation::create_nat_gateway::CreateNatGatewayOutput;
    use aws_sdk_ec2::operation::describe_nat_gateways::DescribeNatGatewaysOutput;
    use aws_sdk_ec2::operation::disassociate_nat_gateway_address::DisassociateNatGatewayAddressOutput;
    use aws_sdk_ec2::types::{
        ConnectivityType, NatGateway, NatGatewayAddress, NatGatewayAddressStatus, NatGatewayState,
    };
    let shared: Addresses = Arc::default();
    let add = |v: &Addresses, alloc: &str| {
        let mut g = v.lock().unwrap();
        let n = g.len();
        g.push((alloc.to_string(), format!("10.0.1.{}", 10 + n), format!("eipassoc-{alloc}")));
    };
    let (c, a, d, r) = (shared.clone(), shared.clone(), shared.clone(), shared.clone());
    let create = mock!(Ec2::create_nat_gateway)
        .match_requests(move |req| {
            add(&c, req.allocation_id().unwrap_or_default());
            req.secondary_allocation_ids().iter().for_each(|s| add(&c, s));
            true
        })
        .then_output(|| {
            CreateNatGatewayOutput::builder().nat_gateway(NatGateway::builder().nat_gateway_id("nat-1").build()).build()
        });
    let associate = mock!(Ec2::associate_nat_gateway_address)
        .match_requests(move |req| {
            req.allocation_ids().iter().for_each(|s| add(&a, s));
            true
        })
        .then_output(|| AssociateNatGatewayAddressOutput::builder().build());
    let disassociate = mock!(Ec2::disassociate_nat_gateway_address)
        .match_requests(move |req| {
            d.lock().unwrap().retain(|(_, _, assoc)| !req.association_ids().contains(assoc));
            true
        })
        .then_output(|| DisassociateNatGatewayAddressOutput::builder().build());
    let describe = mock!(Ec2::describe_nat_gateways).then_output(move || {
        let mut nat = NatGateway::builder()
            .nat_gateway_id("nat-1")
            .subnet_id("subnet-1")
            .vpc_id("vpc-1")
            .state(NatGatewayState::Available)
            .connectivity_type(ConnectivityType::Public);
        for (i, (alloc, ip, assoc)) in r.lock().unwrap().iter().enumerate() {
            nat = nat.nat_gateway_addresses(
                NatGatewayAddress::builder()
                    .allocation_id(alloc)
                    .private_ip(ip)
                    .association_id(assoc)
                    .is_primary(i == 0)
                    .status(NatGatewayAddressStatus::Succeeded)
                    .build(),
            );
        }
        DescribeNatGatewaysOutput::builder().nat_gateways(nat.build()).build()
    });
    let ec2 = ec2_client(&[&create, &associate, &disassociate, &describe]);
    let ctx = ctx(ec2, "aws_nat_gateway.this[0]");
    let rt = resource("aws_nat_gateway");
    let cfg = |secondary: &[&str]| {
        obj([
            ("subnet_id", Value::from("subnet-1")),
            ("allocation_id", Value::from("eipalloc-1")),
            ("secondary_allocation_ids", Value::List(secondary.iter().map(|s| Value::from(*s)).collect())),
        ])
    };
    let state = rt.create(&ctx, &plan(&rt, &ctx, None, &cfg(&["eipalloc-2"])).await).await.unwrap();
    assert_eq!(state.get("allocation_id"), &Value::from("eipalloc-1"), "the primary address");
    assert_eq!(state.get("secondary_allocation_ids"), &Value::List(vec![Value::from("eipalloc-2")]));
    assert_eq!(state.get("secondary_private_ip_address_count"), &Value::from(1i64));
    assert_eq!(state.get("secondary_private_ip_addresses"), &Value::List(vec![Value::from("10.0.1.11")]));
    let refreshed = rt.read(&ctx, &state).await.unwrap().unwrap();
    assert_eq!(plan(&rt, &ctx, Some(&refreshed), &cfg(&["eipalloc-2"])).await, refreshed, "no change");

    // In place: another secondary address; the derived private IPs are known after apply.
    let planned = plan(&rt, &ctx, Some(&refreshed), &cfg(&["eipalloc-3"])).await;
    assert_eq!(planned.get("secondary_private_ip_addresses"), &Value::Unknown);
    let updated = rt.update(&ctx, &refreshed, &planned).await.unwrap();
    assert_eq!(updated.get("secondary_allocation_ids"), &Value::List(vec![Value::from("eipalloc-3")]));
    assert_eq!((associate.num_calls(), disassociate.num_calls()), (1, 1));
}

/// A secondary block from an IPAM pool (moto has no IPAM): the pool and netmask go with
/// AssociateVpcCidrBlock, the block AWS picked is read back; neither block nor pool is an error.
#[tokio::test]
async fn vpc_cidr_association_from_an_ipam_pool() {
    use aws_sdk_ec2::operation::associate_vpc_cidr_block::AssociateVpcCidrBlockOutput;
    use aws_sdk_ec2::operation::describe_vpcs::DescribeVpcsOutput;
    use aws_sdk_ec2::types::{Vpc, VpcCidrBlockAssociation, VpcCidrBlockState, VpcCidrBlockStateCode};
    let association = || {
        VpcCidrBlockAssociation::builder()
            .association_id("vpc-cidr-assoc-1")
            .cidr_block("10.70.0.0/20")
            .cidr_block_state(VpcCidrBlockState::builder().state(VpcCidrBlockStateCode::Associated).build())
            .build()
    };
    let associate = mock!(Ec2::associate_vpc_cidr_block)
        .match_requests(|r| {
            r.ipv4_ipam_pool_id() == Some("ipam-pool-1")
                && r.ipv4_netmask_length() == Some(20)
                && r.cidr_block().is_none()
        })
        .then_output(move || {
            AssociateVpcCidrBlockOutput::builder().vpc_id("vpc-1").cidr_block_association(association()).build()
        });
    let describe = mock!(Ec2::describe_vpcs).then_output(move || {
        DescribeVpcsOutput::builder()
            .vpcs(Vpc::builder().vpc_id("vpc-1").cidr_block_association_set(association()).build())
            .build()
    });
    let ec2 = ec2_client(&[&associate, &describe]);
    let ctx = ctx(ec2, "aws_vpc_ipv4_cidr_block_association.this[0]");
    let rt = resource("aws_vpc_ipv4_cidr_block_association");
    let cfg = obj([
        ("vpc_id", Value::from("vpc-1")),
        ("ipv4_ipam_pool_id", Value::from("ipam-pool-1")),
        ("ipv4_netmask_length", Value::from(20i64)),
    ]);
    let planned = plan(&rt, &ctx, None, &cfg).await;
    assert_eq!(planned.get("cidr_block"), &Value::Unknown, "the pool picks it");
    let state = rt.create(&ctx, &planned).await.unwrap();
    assert_eq!(state.get("id"), &Value::from("vpc-cidr-assoc-1"));
    assert_eq!(state.get("cidr_block"), &Value::from("10.70.0.0/20"));
    assert_eq!(associate.num_calls(), 1);
    let refreshed = rt.read(&ctx, &state).await.unwrap().unwrap();
    assert_eq!(plan(&rt, &ctx, Some(&refreshed), &cfg).await, refreshed, "no change");
    let neither = complete(&rt.schema(), &obj([("vpc_id", Value::from("vpc-1"))]));
    let err = rt.plan(&ctx, PlanRequest { prior: None, config: &neither }).await.unwrap_err();
    assert!(err.to_string().contains("ipv4_ipam_pool_id"), "{err}");
}

/// An endpoint that never leaves `pending` (what hung a moto test once): the wait ends at the
/// `timeouts.create` bound and the error keeps the endpoint's ID, so the state holds it.
/// `pendingAcceptance` with `auto_accept` accepts the connection and waits again.
#[tokio::test]
async fn vpc_endpoint_waits_are_bounded_and_auto_accept_accepts() {
    use aws_sdk_ec2::operation::accept_vpc_endpoint_connections::AcceptVpcEndpointConnectionsOutput;
    use aws_sdk_ec2::operation::create_vpc_endpoint::CreateVpcEndpointOutput;
    use aws_sdk_ec2::operation::describe_vpc_endpoint_services::DescribeVpcEndpointServicesOutput;
    use aws_sdk_ec2::operation::describe_vpc_endpoints::DescribeVpcEndpointsOutput;
    use aws_sdk_ec2::types::{ServiceDetail, State, VpcEndpoint};
    let endpoint = |state: State| {
        DescribeVpcEndpointsOutput::builder()
            .vpc_endpoints(
                VpcEndpoint::builder()
                    .vpc_endpoint_id("vpce-1")
                    .vpc_id("vpc-1")
                    .service_name("com.amazonaws.vpce.us-east-1.vpce-svc-1")
                    .vpc_endpoint_type(aws_sdk_ec2::types::VpcEndpointType::Interface)
                    .state(state)
                    .build(),
            )
            .build()
    };
    let create = mock!(Ec2::create_vpc_endpoint).then_output(|| {
        CreateVpcEndpointOutput::builder()
            .vpc_endpoint(VpcEndpoint::builder().vpc_endpoint_id("vpce-1").build())
            .build()
    });
    let pending = mock!(Ec2::describe_vpc_endpoints).then_output(move || endpoint(State::Pending));
    let ctx1 = ctx(ec2_client(&[&create, &pending]), "aws_vpc_endpoint.this[\"svc\"]");
    let rt = resource("aws_vpc_endpoint");
    let cfg = |auto: bool, create: &str| {
        obj([
            ("vpc_id", Value::from("vpc-1")),
            ("service_name", Value::from("com.amazonaws.vpce.us-east-1.vpce-svc-1")),
            ("vpc_endpoint_type", Value::from("Interface")),
            ("auto_accept", Value::from(auto)),
            ("timeouts", obj([("create", Value::from(create))])),
        ])
    };
    let started = std::time::Instant::now();
    let err = rt.create(&ctx1, &plan(&rt, &ctx1, None, &cfg(false, "50ms")).await).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "bounded by timeouts.create");
    assert!(err.to_string().contains("pending"), "{err}");
    assert_eq!(err.partial_state.as_ref().map(|s| s.get("id").clone()), Some(Value::from("vpce-1")), "{err}");

    // pendingAcceptance + auto_accept: accepted, then available.
    let describe = mock!(Ec2::describe_vpc_endpoints)
        .sequence()
        .output(move || endpoint(State::PendingAcceptance))
        .times(2)
        .output(move || endpoint(State::Available))
        .repeatedly()
        .build();
    let services = mock!(Ec2::describe_vpc_endpoint_services).then_output(|| {
        DescribeVpcEndpointServicesOutput::builder()
            .service_details(ServiceDetail::builder().service_id("vpce-svc-1").build())
            .build()
    });
    let accept = mock!(Ec2::accept_vpc_endpoint_connections)
        .match_requests(|r| r.service_id() == Some("vpce-svc-1") && r.vpc_endpoint_ids() == ["vpce-1"])
        .then_output(|| AcceptVpcEndpointConnectionsOutput::builder().build());
    let ctx2 = ctx(ec2_client(&[&create, &describe, &services, &accept]), "aws_vpc_endpoint.this[\"svc\"]");
    let state = rt.create(&ctx2, &plan(&rt, &ctx2, None, &cfg(true, "10m")).await).await.unwrap();
    assert_eq!(state.get("state"), &Value::from("available"));
    assert_eq!(accept.num_calls(), 1);
}

/// The subnet settings moto ignores (DNS64, AAAA records, hostname type, LNI, customer-owned
/// IPs) each go out in their own ModifySubnetAttribute call, as the API demands.
#[tokio::test]
async fn subnet_settings_moto_ignores_are_sent() {
    use aws_sdk_ec2::operation::create_subnet::CreateSubnetOutput;
    use aws_sdk_ec2::operation::describe_subnets::DescribeSubnetsOutput;
    use aws_sdk_ec2::operation::modify_subnet_attribute::ModifySubnetAttributeOutput;
    use aws_sdk_ec2::types::{HostnameType, PrivateDnsNameOptionsOnLaunch, Subnet};
    let sent: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = sent.clone();
    let create = mock!(Ec2::create_subnet)
        .then_output(|| CreateSubnetOutput::builder().subnet(Subnet::builder().subnet_id("subnet-1").build()).build());
    let modify = mock!(Ec2::modify_subnet_attribute)
        .match_requests(move |r| {
            let what = [
                r.enable_dns64().map(|_| "EnableDns64"),
                r.enable_resource_name_dns_aaaa_record_on_launch().map(|_| "AAAA"),
                r.private_dns_hostname_type_on_launch().map(|_| "HostnameType"),
                r.enable_lni_at_device_index().map(|_| "Lni"),
                r.map_customer_owned_ip_on_launch().filter(|_| r.customer_owned_ipv4_pool().is_some()).map(|_| "CoIp"),
            ];
            let named: Vec<&str> = what.into_iter().flatten().collect();
            assert_eq!(named.len(), 1, "one attribute per call: {r:?}");
            seen.lock().unwrap().push(named[0].to_string());
            true
        })
        .then_output(|| ModifySubnetAttributeOutput::builder().build());
    let describe = mock!(Ec2::describe_subnets).then_output(|| {
        let dns = PrivateDnsNameOptionsOnLaunch::builder()
            .hostname_type(HostnameType::ResourceName)
            .enable_resource_name_dns_aaaa_record(true)
            .build();
        let subnet = Subnet::builder()
            .subnet_id("subnet-1")
            .vpc_id("vpc-1")
            .cidr_block("10.0.1.0/24")
            .availability_zone("us-east-1a")
            .availability_zone_id("use1-az6")
            .enable_dns64(true)
            .enable_lni_at_device_index(1)
            .map_customer_owned_ip_on_launch(true)
            .customer_owned_ipv4_pool("ipv4pool-coip-1")
            .private_dns_name_options_on_launch(dns)
            .build();
        DescribeSubnetsOutput::builder().subnets(subnet).build()
    });
    let ctx = ctx(ec2_client(&[&create, &modify, &describe]), "aws_subnet.private[0]");
    let rt = resource("aws_subnet");
    let cfg = obj([
        ("vpc_id", Value::from("vpc-1")),
        ("cidr_block", Value::from("10.0.1.0/24")),
        ("availability_zone", Value::from("us-east-1a")),
        ("enable_dns64", Value::from(true)),
        ("enable_resource_name_dns_aaaa_record_on_launch", Value::from(true)),
        ("private_dns_hostname_type_on_launch", Value::from("resource-name")),
        ("enable_lni_at_device_index", Value::from(1i64)),
        ("map_customer_owned_ip_on_launch", Value::from(true)),
        ("customer_owned_ipv4_pool", Value::from("ipv4pool-coip-1")),
    ]);
    let state = rt.create(&ctx, &plan(&rt, &ctx, None, &cfg).await).await.unwrap();
    let mut calls = sent.lock().unwrap().clone();
    calls.sort();
    assert_eq!(calls, ["AAAA", "CoIp", "EnableDns64", "HostnameType", "Lni"]);
    assert_eq!(state.get("private_dns_hostname_type_on_launch"), &Value::from("resource-name"));
    assert_eq!(state.get("enable_lni_at_device_index"), &Value::from(1i64));
    let refreshed = rt.read(&ctx, &state).await.unwrap().unwrap();
    assert_eq!(plan(&rt, &ctx, Some(&refreshed), &cfg).await, refreshed, "no change");
}
