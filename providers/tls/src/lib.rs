//! The tls provider: private keys, CA chains and certificates (Terraform's `tls_*`
//! resources), plus the functions that turn them into workload-identity documents
//! (JWKS, OIDC discovery, SPIFFE bundles).
//!
//! Everything here is computed locally except the `tls_certificate` data source's `url`
//! mode, which opens one TLS connection. Depends only on the provider SDK; the engine
//! calls it through the SDK traits.

pub mod keys;
mod openssh;
mod pkcs;
mod certs;
mod config;
pub mod resources;
mod inspect;
mod jwk;
