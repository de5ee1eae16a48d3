//! Bearer tokens that expire, kept fresh for every request. kube-rs runs an exec plugin once
//! and reuses its token until the plugin's own `expirationTimestamp`, and never retries a 401;
//! an EKS token is accepted for 15 minutes after signing, while an apply that creates a cluster
//! and then its node groups and addons runs longer than that. So a provider configured with
//! `exec` gets its token from here instead:
//!
//! - [`exec`] runs the plugin (client-go's ExecCredential protocol) and renews the token at its
//!   expiry; [`eks`] makes `aws eks get-token` tokens in-process (no aws CLI) and renews them
//!   when 10 minutes old.
//! - [`Authenticated`] sits in front of the kube client: it sets `Authorization` on every
//!   request and, when the API answers 401, renews the token once and sends the request again
//!   (the server's clock decides, so a token it already refuses is replaced at once).

mod eks;
mod exec;

use http::header::AUTHORIZATION;
use http::{HeaderValue, Request, Response, StatusCode};
use kube::client::{AuthError, Body};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

pub(crate) use exec::ExecPlugin;

/// Why no token could be had.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TokenError {
    #[error("running the exec credential plugin `{command}`: {detail}")]
    Exec { command: String, detail: String },
    #[error("making the EKS token in-process (aws eks get-token): {0}")]
    Eks(String),
}

/// A token and when to stop using it.
pub(crate) struct Token {
    header: HeaderValue,
    renew_at: Option<SystemTime>,
}

impl Token {
    fn new(token: &str, renew_at: Option<SystemTime>) -> Result<Token, String> {
        let mut header = HeaderValue::try_from(format!("Bearer {token}"))
            .map_err(|_| "the token is not a valid HTTP header value".to_string())?;
        header.set_sensitive(true);
        Ok(Token { header, renew_at })
    }

    fn due(&self) -> bool {
        self.renew_at.is_some_and(|at| SystemTime::now() >= at)
    }
}

/// Where tokens come from.
pub(crate) enum Source {
    Exec(ExecPlugin),
    Eks(eks::EksToken),
}

impl Source {
    /// The built-in for `aws eks get-token`, the plugin itself otherwise.
    pub async fn from_plugin(plugin: ExecPlugin) -> Result<Source, TokenError> {
        match eks::EksToken::for_plugin(&plugin).await {
            Some(built_in) => Ok(Source::Eks(built_in?)),
            None => Ok(Source::Exec(plugin)),
        }
    }

    async fn fetch(&self) -> Result<Token, TokenError> {
        match self {
            Source::Exec(plugin) => plugin.run().await,
            Source::Eks(eks) => eks.fetch().await,
        }
    }
}

/// The current token of one configured provider, shared by all its requests.
pub(crate) struct Credentials {
    source: Source,
    current: tokio::sync::Mutex<Token>,
}

impl Credentials {
    /// Fetches the first token now, so a broken plugin fails `configure`, not a resource.
    pub async fn new(source: Source) -> Result<Arc<Credentials>, TokenError> {
        let first = source.fetch().await?;
        Ok(Arc::new(Credentials { source, current: tokio::sync::Mutex::new(first) }))
    }

    /// The token to send, renewed first when it is due.
    async fn header(&self) -> Result<HeaderValue, TokenError> {
        let mut current = self.current.lock().await;
        if current.due() {
            *current = self.source.fetch().await?;
        }
        Ok(current.header.clone())
    }

    /// A token other than `refused`: the current one when another request already renewed
    /// it, a fresh one otherwise.
    async fn renew(&self, refused: &HeaderValue) -> Result<HeaderValue, TokenError> {
        let mut current = self.current.lock().await;
        if current.header == *refused {
            *current = self.source.fetch().await?;
        }
        Ok(current.header.clone())
    }
}

/// The kube client's service with [`Credentials`] in front (see the module docs).
#[derive(Clone)]
pub(crate) struct Authenticated {
    inner: kube::Client,
    credentials: Arc<Credentials>,
}

impl Authenticated {
    /// A client that sends every request through `inner` with a fresh token.
    pub fn client(inner: kube::Client, credentials: Arc<Credentials>) -> kube::Client {
        let namespace = inner.default_namespace().to_string();
        kube::Client::new(Authenticated { inner, credentials }, namespace)
    }
}

fn auth_error(e: TokenError) -> kube::Error {
    kube::Error::Auth(AuthError::AuthExec(e.to_string()))
}

impl tower_service::Service<Request<Body>> for Authenticated {
    type Response = Response<Body>;
    type Error = kube::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, kube::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), kube::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let header = this.credentials.header().await.map_err(auth_error)?;
            request.headers_mut().insert(AUTHORIZATION, header.clone());
            // Request bodies kube sends are whole (watch streams send none): keep a copy to
            // send again after a 401.
            let again = copy(&request);
            let response = this.inner.send(request).await?;
            let Some(mut again) = again.filter(|_| response.status() == StatusCode::UNAUTHORIZED) else {
                return Ok(response);
            };
            let fresh = this.credentials.renew(&header).await.map_err(auth_error)?;
            again.headers_mut().insert(AUTHORIZATION, fresh);
            this.inner.send(again).await
        })
    }
}

/// The same request, when its body can be copied.
fn copy(request: &Request<Body>) -> Option<Request<Body>> {
    let body = request.body().try_clone()?;
    let mut copy = Request::builder()
        .method(request.method().clone())
        .uri(request.uri().clone())
        .version(request.version())
        .body(body)
        .ok()?;
    *copy.headers_mut() = request.headers().clone();
    Some(copy)
}
