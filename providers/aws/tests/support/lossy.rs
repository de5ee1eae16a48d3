//! Lost responses without a proxy: an SDK interceptor that lets a request reach moto and
//! then replaces moto's answer with an empty 500, as a proxy or load balancer failing after
//! forwarding would. The retry layer must then find the object instead of making another.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use meshplan_provider::{Ctx, Value};
use meshplan_provider_aws::{AwsClients, Settings};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Loses the answers of the first `n` requests of each named operation.
#[derive(Clone, Debug, Default)]
pub struct LoseResponses {
    left: Arc<Mutex<BTreeMap<&'static str, u32>>>,
    lost: Arc<Mutex<Vec<String>>>,
}

impl LoseResponses {
    pub fn new(operations: &[(&'static str, u32)]) -> Self {
        LoseResponses { left: Arc::new(Mutex::new(operations.iter().copied().collect())), lost: Arc::default() }
    }
    /// The operations whose answers were lost, in order.
    pub fn lost(&self) -> Vec<String> {
        self.lost.lock().unwrap().clone()
    }
}

impl Intercept for LoseResponses {
    fn name(&self) -> &'static str {
        "test::LoseResponses"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(op) = cfg.load::<Metadata>().map(|m| m.name().to_string()) else { return Ok(()) };
        let mut left = self.left.lock().unwrap();
        if let Some(n) = left.get_mut(op.as_str()).filter(|n| **n > 0) {
            *n -= 1;
            self.lost.lock().unwrap().push(op);
            let response = context.response_mut();
            *response.status_mut() = StatusCode::try_from(500u16).expect("status");
            *response.body_mut() = SdkBody::from("");
        }
        Ok(())
    }
}

/// A context whose EC2, IAM and S3 clients lose the answers `lossy` names.
pub async fn lossy_ctx(config: &Value, lossy: &LoseResponses, address: &str, token: &str) -> Ctx {
    let settings = Settings::parse(config).expect("settings");
    let mut clients = AwsClients::configure(&settings).await.expect("clients");
    clients.ec2 = aws_sdk_ec2::Client::from_conf(clients.ec2.config().to_builder().interceptor(lossy.clone()).build());
    clients.iam = aws_sdk_iam::Client::from_conf(clients.iam.config().to_builder().interceptor(lossy.clone()).build());
    clients.s3 = aws_sdk_s3::Client::from_conf(clients.s3.config().to_builder().interceptor(lossy.clone()).build());
    Ctx::new(Arc::new(clients), address).with_idempotency_token(token)
}
