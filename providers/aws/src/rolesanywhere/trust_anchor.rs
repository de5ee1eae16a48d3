//! `aws_rolesanywhere_trust_anchor`. ID and import ID: the trust anchor ID. The
//! `notification_settings` AWS sets by itself on every anchor are read back only for the
//! events the configuration names (Terraform's block is optional+computed).

use super::{carrying, remote_tags, tag_list, NOT_FOUND};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::one_block;
use aws_sdk_rolesanywhere::types::{
    NotificationChannel, NotificationEvent, NotificationSetting, NotificationSettingKey, Source, SourceData,
    TrustAnchorDetail, TrustAnchorType,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct TrustAnchor;

async fn get(api: &Api<'_>, id: &str) -> Result<TrustAnchorDetail, AwsError> {
    let out = api.call("GetTrustAnchor", || api.rolesanywhere.get_trust_anchor().trust_anchor_id(id).send()).await?;
    out.trust_anchor().cloned().ok_or_else(|| missing_id(api, "GetTrustAnchor"))
}

/// The `source` block as the API's union.
fn source(planned: &Value) -> Source {
    let block = one_block(planned.get("source"));
    let data = one_block(block.get("source_data"));
    let source_data = match (data.get_str("acm_pca_arn"), data.get_str("x509_certificate_data")) {
        (Some(arn), _) => Some(SourceData::AcmPcaArn(arn.to_string())),
        (None, Some(pem)) => Some(SourceData::X509CertificateData(pem.to_string())),
        (None, None) => None,
    };
    Source::builder()
        .source_type(TrustAnchorType::from(block.get_str("source_type").unwrap_or_default()))
        .set_source_data(source_data)
        .build()
}

fn source_value(s: Option<&Source>) -> Value {
    let Some(s) = s else { return Value::List(vec![]) };
    let (pca, pem) = match s.source_data() {
        Some(SourceData::AcmPcaArn(a)) => (Value::from(a.as_str()), Value::Null),
        Some(SourceData::X509CertificateData(p)) => (Value::Null, Value::from(p.as_str())),
        _ => (Value::Null, Value::Null),
    };
    let data = Value::object([("acm_pca_arn", pca), ("x509_certificate_data", pem)]);
    Value::List(vec![Value::object([
        ("source_type", Value::from(s.source_type().map(|t| t.as_str()).unwrap_or_default())),
        ("source_data", Value::List(vec![data])),
    ])])
}

/// The configured notification settings (unset fields take AWS's defaults).
fn settings(planned: &Value) -> Vec<NotificationSetting> {
    let items = planned.get("notification_settings").as_list().cloned().unwrap_or_default();
    items
        .iter()
        .filter_map(|n| {
            NotificationSetting::builder()
                .enabled(n.get("enabled").as_bool().unwrap_or(true))
                .event(NotificationEvent::from(n.get_str("event")?))
                .set_threshold(n.get("threshold").as_i64().and_then(|t| i32::try_from(t).ok()))
                .set_channel(n.get_str("channel").map(NotificationChannel::from))
                .build()
                .ok()
        })
        .collect()
}

fn events(v: &Value) -> Vec<String> {
    let items = v.get("notification_settings").as_list().cloned().unwrap_or_default();
    items.iter().filter_map(|n| n.get_str("event").map(str::to_string)).collect()
}

async fn toggle_enabled(api: &Api<'_>, id: &str, enabled: bool) -> Result<(), AwsError> {
    if enabled {
        api.call("EnableTrustAnchor", || api.rolesanywhere.enable_trust_anchor().trust_anchor_id(id).send()).await?;
    } else {
        api.call("DisableTrustAnchor", || api.rolesanywhere.disable_trust_anchor().trust_anchor_id(id).send()).await?;
    }
    Ok(())
}

#[async_trait]
impl AwsResource for TrustAnchor {
    fn type_name(&self) -> &'static str {
        "aws_rolesanywhere_trust_anchor"
    }

    fn schema(&self) -> Schema {
        let notification = Schema::new()
            .attr("channel", Attribute::optional_computed(Type::String))
            .attr("configured_by", Attribute::computed(Type::String))
            .attr("enabled", Attribute::optional_computed(Type::Bool))
            .attr("event", Attribute::optional_computed(Type::String))
            .attr("threshold", Attribute::optional_computed(Type::Number));
        let data = Schema::new()
            .attr("acm_pca_arn", Attribute::optional(Type::String))
            .attr("x509_certificate_data", Attribute::optional(Type::String));
        let source = Schema::new()
            .attr("source_type", Attribute::required(Type::String))
            .block("source_data", Block::list(data).min_items(1).max_items(1));
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("enabled", Attribute::optional_computed(Type::Bool))
            .attr("name", Attribute::required(Type::String))
            .block("notification_settings", Block::set(notification).max_items(50))
            .block("source", Block::list(source).min_items(1).max_items(1))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Custom, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let notifications = settings(p);
        let call = api
            .rolesanywhere
            .create_trust_anchor()
            .name(p.get_str("name").unwrap_or_default())
            .source(source(p))
            .set_enabled(p.get("enabled").as_bool())
            .set_notification_settings((!notifications.is_empty()).then_some(notifications))
            .set_tags(Some(tag_list(&req.tags)));
        let created = api
            .create(
                "CreateTrustAnchor",
                CreateCall::default(),
                || call.clone().send(),
                || self.locate(api, req.token, p),
            )
            .await?;
        created
            .id(|o| o.trust_anchor().and_then(|d| d.trust_anchor_id()))
            .ok_or_else(|| missing_id(api, "CreateTrustAnchor"))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let d = get(api, id).await?;
        let arn = d.trust_anchor_arn().unwrap_or_default().to_string();
        s.set("arn", Value::from(arn.as_str()));
        s.set("name", Value::from(d.name().unwrap_or_default()));
        s.set("enabled", d.enabled().map(Value::from).unwrap_or(Value::Null));
        s.set("source", source_value(d.source()));
        let wanted = events(s);
        let notifications = d
            .notification_settings()
            .iter()
            .filter(|n| wanted.iter().any(|e| e == n.event().as_str()))
            .map(|n| {
                Value::object([
                    ("channel", Value::from(n.channel().map(|c| c.as_str()).unwrap_or_default())),
                    ("configured_by", Value::from(n.configured_by().unwrap_or_default())),
                    ("enabled", Value::from(n.enabled())),
                    ("event", Value::from(n.event().as_str())),
                    ("threshold", n.threshold().map(|t| Value::from(t as i64)).unwrap_or(Value::Null)),
                ])
            })
            .collect();
        s.set("notification_settings", Value::List(notifications));
        remote_tags(api, &arn).await.map(Some)
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("name") || changed("source") {
            let req = api
                .rolesanywhere
                .update_trust_anchor()
                .trust_anchor_id(id)
                .set_name(planned.get_str("name").map(str::to_string))
                .source(source(planned));
            api.call("UpdateTrustAnchor", || req.clone().send()).await?;
        }
        if changed("notification_settings") {
            let kept = events(planned);
            let dropped: Vec<NotificationSettingKey> = events(prior)
                .into_iter()
                .filter(|e| !kept.contains(e))
                .filter_map(|e| {
                    NotificationSettingKey::builder().event(NotificationEvent::from(e.as_str())).build().ok()
                })
                .collect();
            if !dropped.is_empty() {
                let req = api
                    .rolesanywhere
                    .reset_notification_settings()
                    .trust_anchor_id(id)
                    .set_notification_setting_keys(Some(dropped));
                api.call("ResetNotificationSettings", || req.clone().send()).await?;
            }
            let put = settings(planned);
            if !put.is_empty() {
                let req = api
                    .rolesanywhere
                    .put_notification_settings()
                    .trust_anchor_id(id)
                    .set_notification_settings(Some(put));
                api.call("PutNotificationSettings", || req.clone().send()).await?;
            }
        }
        if changed("enabled") {
            if let Some(enabled) = planned.get("enabled").as_bool() {
                toggle_enabled(api, id, enabled).await?;
            }
        }
        Ok(())
    }

    async fn set_tags(
        &self,
        api: &Api<'_>,
        id: &str,
        removed: &[String],
        changed: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        let arn = get(api, id).await?.trust_anchor_arn().unwrap_or_default().to_string();
        super::set_tags(api, &arn, removed, changed).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        api.call("DeleteTrustAnchor", || api.rolesanywhere.delete_trust_anchor().trust_anchor_id(id).send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let name = planned.get_str("name").unwrap_or_default();
        let mut candidates = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let req = api.rolesanywhere.list_trust_anchors().set_next_token(next.clone());
            let out = api.call("ListTrustAnchors", || req.clone().send()).await?;
            for t in out.trust_anchors().iter().filter(|t| t.name() == Some(name)) {
                if let (Some(id), Some(arn)) = (t.trust_anchor_id(), t.trust_anchor_arn()) {
                    candidates.push((id.to_string(), arn.to_string()));
                }
            }
            next = out.next_token().map(str::to_string);
            if next.is_none() {
                break;
            }
        }
        carrying(api, candidates, token).await
    }
}
