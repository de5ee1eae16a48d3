//! `aws_vpn_gateway_route_propagation`: a virtual private gateway propagating its routes into
//! a route table (EnableVgwRoutePropagation). ID as in Terraform: `<route table>_<gateway>`;
//! untaggable, so found by its content.

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Options};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct RoutePropagation;

/// Turns propagation on (AWS accepts a repeat).
pub(super) async fn enable(api: &Api<'_>, table: &str, gateway: &str) -> Result<(), AwsError> {
    let req = api.ec2.enable_vgw_route_propagation().route_table_id(table).gateway_id(gateway);
    api.call("EnableVgwRoutePropagation", || req.clone().send()).await?;
    Ok(())
}

/// Whether `gateway` propagates into `table`; `None` when the table is gone.
async fn propagates(api: &Api<'_>, table: &str, gateway: &str) -> Result<Option<bool>, AwsError> {
    let Some(rt) = super::route_table::describe(api, table).await? else { return Ok(None) };
    Ok(Some(rt.propagating_vgws().iter().any(|p| p.gateway_id() == Some(gateway))))
}

fn parts(v: &Value) -> Option<(&str, &str)> {
    Some((v.get_str("route_table_id")?, v.get_str("vpn_gateway_id")?))
}

#[async_trait]
impl AwsResource for RoutePropagation {
    fn type_name(&self) -> &'static str {
        "aws_vpn_gateway_route_propagation"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("route_table_id", Attribute::required(Type::String).force_new())
            .attr("vpn_gateway_id", Attribute::required(Type::String).force_new())
    }

    fn options(&self) -> Options {
        // Terraform waits up to 2 minutes for the propagation to show.
        Options { timeouts: &["create", "delete"], default_timeout: Duration::from_secs(120), ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["InvalidRouteTableID.NotFound", "InvalidVpnGatewayID.NotFound"]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let (table, gateway) = parts(req.planned).unwrap_or_default();
        enable(api, table, gateway).await?;
        Ok(format!("{table}_{gateway}"))
    }

    async fn read(
        &self,
        api: &Api<'_>,
        _id: &str,
        s: &mut Value,
    ) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((table, gateway)) = parts(s) else { return Ok(None) };
        Ok(propagates(api, table, gateway).await?.filter(|on| *on).map(|_| BTreeMap::new()))
    }

    async fn delete(&self, api: &Api<'_>, _id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((table, gateway)) = parts(state) else { return Ok(()) };
        // Already off (or the table gone): nothing to do, so a second delete is harmless.
        if propagates(api, table, gateway).await? != Some(true) {
            return Ok(());
        }
        let req = api.ec2.disable_vgw_route_propagation().route_table_id(table).gateway_id(gateway);
        api.call("DisableVgwRoutePropagation", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some((table, gateway)) = parts(planned) else { return Ok(None) };
        Ok((propagates(api, table, gateway).await? == Some(true)).then(|| format!("{table}_{gateway}")))
    }

    /// Terraform cannot import it; here `<route_table_id>_<vpn_gateway_id>` can.
    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (table, gateway) =
            id.split_once('_').ok_or_else(|| format!("expected ROUTE_TABLE_ID_VPN_GATEWAY_ID, got {id:?}"))?;
        Ok(vec![
            ("id", Value::from(id)),
            ("route_table_id", Value::from(table)),
            ("vpn_gateway_id", Value::from(gateway)),
        ])
    }
}
