//! The accept loop: TLS handshake, HTTP/1.1 connections, one task per request so that a
//! bug in a handler turns into a 500 for that request, never a dead server.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::request::ApiRequest;
use super::response::{into_response, HttpBody};
use crate::cluster::Cluster;
use crate::error::ApiError;

pub async fn serve(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    cluster: Arc<Cluster>,
    mut shutdown: watch::Receiver<bool>,
) {
    let acceptor = TlsAcceptor::from(tls);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                let _ = tcp.set_nodelay(true);
                let acceptor = acceptor.clone();
                let cluster = cluster.clone();
                connections.spawn(async move {
                    let Ok(stream) = acceptor.accept(tcp).await else { return };
                    let service = service_fn(move |req| {
                        let cluster = cluster.clone();
                        async move { Ok::<_, Infallible>(handle(cluster, req).await) }
                    });
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    // Dropping the connections ends open watches too.
    connections.shutdown().await;
}

async fn handle(cluster: Arc<Cluster>, req: Request<Incoming>) -> Response<HttpBody> {
    let request = match read_request(&cluster, req).await {
        Ok(request) => request,
        Err(err) => return into_response(Err(err)),
    };
    let task = tokio::spawn(async move { crate::api::dispatch(&cluster, request).await });
    let reply =
        task.await.unwrap_or_else(|join_error| Err(ApiError::internal(format!("handler failed: {join_error}"))));
    into_response(reply)
}

async fn read_request(cluster: &Cluster, req: Request<Incoming>) -> Result<ApiRequest, ApiError> {
    let (parts, body) = req.into_parts();
    let limit = cluster.max_body_bytes;
    let declared =
        parts.headers.get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        drain(body).await;
        return Err(ApiError::too_large(limit));
    }
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.is::<http_body_util::LengthLimitError>() => return Err(ApiError::too_large(limit)),
        Err(err) => return Err(ApiError::bad_request(format!("reading the request body: {err}"))),
    };
    let query: HashMap<String, String> =
        parts.uri.query().map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
    Ok(ApiRequest { method: parts.method, path: parts.uri.path().to_string(), query, headers: parts.headers, body })
}

/// Reads and discards an oversized body (up to a bound), so the client, still writing it,
/// gets to read our 413 instead of a broken pipe.
async fn drain(mut body: Incoming) {
    const DRAIN_AT_MOST: usize = 64 * 1024 * 1024;
    let mut seen = 0usize;
    while let Some(Ok(frame)) = body.frame().await {
        seen += frame.data_ref().map_or(0, |d| d.len());
        if seen > DRAIN_AT_MOST {
            break;
        }
    }
}
