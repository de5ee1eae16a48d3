//! What handlers return, and how it becomes an HTTP response.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body, Frame};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::Response;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::error::ApiError;

pub enum Reply {
    Json(u16, Value),
    /// A streamed body (watches): one JSON document per chunk.
    Stream(mpsc::Receiver<Bytes>),
}

impl Reply {
    pub fn ok(value: Value) -> Self {
        Reply::Json(200, value)
    }

    pub fn created(value: Value) -> Self {
        Reply::Json(201, value)
    }
}

pub type HttpBody = BoxBody<Bytes, Infallible>;

pub fn into_response(reply: Result<Reply, ApiError>) -> Response<HttpBody> {
    let (status, body) = match reply {
        Ok(Reply::Json(code, value)) => (code, Full::new(Bytes::from(value.to_string())).boxed()),
        Ok(Reply::Stream(rx)) => (200, ChannelBody { rx }.boxed()),
        Err(err) => (err.code, Full::new(Bytes::from(err.to_status().to_string())).boxed()),
    };
    let mut response = Response::new(body);
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
    response
}

/// A response body fed by a channel; ends when the sender is dropped.
struct ChannelBody {
    rx: mpsc::Receiver<Bytes>,
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.rx.poll_recv(cx).map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}
