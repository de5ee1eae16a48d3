//! [`Api`]: one operation's handle on the clients, with the retry layer applied to every call.

use crate::clients::AwsClients;
use crate::error::AwsError;
use crate::retry::{classify, Backoff, Verdict};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use meshplan_provider::{Ctx, ProviderError};
use std::error::Error as StdError;
use std::future::Future;
use std::ops::Deref;

/// The clients plus the address of the resource being worked on (for error context).
pub struct Api<'a> {
    pub clients: &'a AwsClients,
    pub address: &'a str,
    /// Reports waiter status to the engine's progress display.
    pub ctx: &'a Ctx,
}

impl Deref for Api<'_> {
    type Target = AwsClients;
    fn deref(&self) -> &AwsClients {
        self.clients
    }
}

impl<'a> Api<'a> {
    pub fn new(ctx: &'a Ctx) -> Result<Api<'a>, ProviderError> {
        Ok(Api { clients: ctx.client::<AwsClients>()?, address: &ctx.address, ctx })
    }

    /// Sends one API call, retrying throttling, 5xx and transport failures.
    pub async fn call<T, E, F, Fut>(&self, operation: &'static str, send: F) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        self.call_settling(operation, &[], send).await
    }

    /// Like [`Api::call`], and also retries `settling_codes` (eventual-consistency errors)
    /// for up to the policy's consistency budget.
    pub async fn call_settling<T, E, F, Fut>(
        &self,
        operation: &'static str,
        settling_codes: &[&str],
        mut send: F,
    ) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let mut backoff = Backoff::new(&self.clients.retry);
        loop {
            let err = match send().await {
                Ok(out) => return Ok(out),
                Err(e) => e,
            };
            let verdict = classify(&err, settling_codes);
            match backoff.next_delay(verdict) {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return Err(self.error(operation, err)),
            }
        }
    }

    /// Sends the call that makes an object, so that a retry can never make a second one.
    ///
    /// After an ambiguous failure (no answer, 5xx, throttling: the request may have landed)
    /// the next step is `locate` — the type's lookup by the create's token (or, for objects
    /// with no tags, by their identifying content) — and only when it finds nothing is the
    /// request sent again. An error whose code is in `conflicts` ("already exists") is also
    /// looked up: found means an earlier attempt of this very create made it.
    pub async fn create<T, E, F, Fut, L, LFut>(
        &self,
        operation: &'static str,
        call: CreateCall<'_>,
        mut send: F,
        mut locate: L,
    ) -> Result<Created<T>, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
        L: FnMut() -> LFut,
        LFut: Future<Output = Result<Option<String>, AwsError>>,
    {
        let mut backoff = Backoff::new(&self.clients.retry);
        let mut ambiguous = false;
        loop {
            if ambiguous {
                if let Some(id) = locate().await? {
                    return Ok(Created::Found(id));
                }
            }
            let err = match send().await {
                Ok(out) => return Ok(Created::Sent(out)),
                Err(e) => e,
            };
            if err.code().is_some_and(|c| call.conflicts.contains(&c)) {
                return match locate().await? {
                    Some(id) => Ok(Created::Found(id)),
                    None => Err(self.error(operation, err)),
                };
            }
            let verdict = classify(&err, call.settling);
            ambiguous |= verdict == Verdict::Transient;
            match backoff.next_delay(verdict) {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return Err(self.error(operation, err)),
            }
        }
    }

    /// A follow-up call of a create or update that may be resent after its answer was lost:
    /// once an attempt failed ambiguously, a later error with one of `done_codes` (the state
    /// the lost attempt reached: Resource.AlreadyAssociated, InvalidPermission.Duplicate, ...)
    /// means the work is done and returns `Ok(None)`.
    pub async fn call_idempotent<T, E, F, Fut>(
        &self,
        operation: &'static str,
        done_codes: &[&str],
        mut send: F,
    ) -> Result<Option<T>, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let mut backoff = Backoff::new(&self.clients.retry);
        let mut ambiguous = false;
        loop {
            let err = match send().await {
                Ok(out) => return Ok(Some(out)),
                Err(e) => e,
            };
            if ambiguous && err.code().is_some_and(|c| done_codes.contains(&c)) {
                return Ok(None);
            }
            let verdict = classify(&err, &[]);
            ambiguous |= verdict == Verdict::Transient;
            match backoff.next_delay(verdict) {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return Err(self.error(operation, err)),
            }
        }
    }

    fn error<E: ProvideErrorMetadata + StdError + Send + Sync + 'static>(
        &self,
        operation: &'static str,
        err: SdkError<E, HttpResponse>,
    ) -> AwsError {
        let address = self.address.to_string();
        let status = err.raw_response().map(|r| r.status().as_u16());
        match (&err, err.code()) {
            (SdkError::ServiceError(_), Some(code)) => AwsError::Api {
                address,
                operation,
                code: code.to_string(),
                message: err.message().unwrap_or_default().to_string(),
                status,
            },
            (SdkError::ServiceError(_), None) => AwsError::Api {
                address,
                operation,
                code: status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "Unknown".into()),
                message: err.message().unwrap_or_default().to_string(),
                status,
            },
            _ => AwsError::Transport { address, operation, detail: error_chain(&err) },
        }
    }

    /// The account of the configured credentials (one GetCallerIdentity per provider instance).
    pub async fn account_id(&self) -> Result<String, AwsError> {
        self.clients
            .account_id
            .get_or_try_init(|| async {
                let out = self.call("GetCallerIdentity", || self.sts.get_caller_identity().send()).await?;
                Ok(out.account().unwrap_or_default().to_string())
            })
            .await
            .cloned()
    }

    pub fn invalid(&self, attribute: &str, message: impl Into<String>) -> AwsError {
        AwsError::Invalid {
            address: self.address.to_string(),
            message: message.into(),
            attribute: Some(attribute.into()),
        }
    }
}

/// The error and its sources on one line (the SDK's Display alone says "dispatch failure").
fn error_chain(err: &dyn StdError) -> String {
    let mut out = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        out.push_str(": ");
        out.push_str(&e.to_string());
        cur = e.source();
    }
    out
}

/// Turns "not found" error codes into `Ok(None)`: how `read` reports an object deleted out of band.
pub trait NotFound<T> {
    fn or_not_found(self, codes: &[&str]) -> Result<Option<T>, AwsError>;
}

impl<T> NotFound<T> for Result<T, AwsError> {
    fn or_not_found(self, codes: &[&str]) -> Result<Option<T>, AwsError> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.code().is_some_and(|c| codes.contains(&c)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// What a create call is allowed to take for "an earlier attempt already made it".
#[derive(Clone, Copy, Default)]
pub struct CreateCall<'a> {
    /// Eventual-consistency codes retried for the policy's consistency budget.
    pub settling: &'a [&'a str],
    /// "Already exists" codes: looked up by the token before they count as failures.
    pub conflicts: &'a [&'a str],
}

/// The outcome of [`Api::create`].
pub enum Created<T> {
    /// This attempt made the object; the API's answer.
    Sent(T),
    /// An earlier attempt had made it: its ID, found by the lookup.
    Found(String),
}

impl<T> Created<T> {
    /// The object's ID: from the answer, or the one found.
    pub fn id(self, of_answer: impl FnOnce(&T) -> Option<&str>) -> Option<String> {
        match self {
            Created::Sent(out) => of_answer(&out).map(str::to_string),
            Created::Found(id) => Some(id),
        }
    }
}
