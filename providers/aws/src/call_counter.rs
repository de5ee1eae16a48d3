//! Counts the HTTP requests each client sends, per `Service.Operation`.
//!
//! Refresh cost is a feature users feel (rate limits, slow plans), so the count is kept
//! always-on and cheap; tests and benchmarks read it to catch redundant describe calls.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, Default)]
pub struct CallCounter {
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl CallCounter {
    /// Requests sent so far, keyed `Service.Operation` (retries count as requests).
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }
    pub fn reset(&self) {
        self.counts.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "meshplan::CallCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let key = match cfg.load::<Metadata>() {
            Some(m) => format!("{}.{}", m.service(), m.name()),
            None => "unknown".to_string(),
        };
        *self.counts.lock().unwrap_or_else(|e| e.into_inner()).entry(key).or_default() += 1;
        Ok(())
    }
}
