//! HTTPS serving: TLS accept loop, request reading, routing, responses.

pub mod request;
pub mod response;
pub mod router;
mod server;

pub use server::serve;
