//! The tls provider: private keys, CA chains and certificates (Terraform's `tls_*`
//! resources), plus the functions that turn them into workload-identity documents
//! (JWKS, OIDC discovery, SPIFFE bundles).
//!
//! Everything here is computed locally except the `tls_certificate` data source's `url`
//! mode, which opens one TLS connection. Depends only on the provider SDK; the engine
//! calls it through the SDK traits.

mod certs;
mod config;
pub mod data;
pub mod functions;
mod inspect;
mod jwk;
pub mod keys;
mod openssh;
mod pkcs;
pub mod resources;

use meshplan_provider::{async_trait, DataSource, Function, Provider, ResourceType};
use std::sync::Arc;

/// The `tls` provider. It needs no configuration.
pub struct TlsProvider;

#[async_trait]
impl Provider for TlsProvider {
    fn name(&self) -> &'static str {
        "tls"
    }

    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![
            Arc::new(resources::private_key::PrivateKeyResource),
            Arc::new(resources::self_signed_cert::SelfSignedCert),
            Arc::new(resources::cert_request::CertRequest),
            Arc::new(resources::locally_signed_cert::LocallySignedCert),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(data::certificate::CertificateData), Arc::new(data::public_key::PublicKeyData)]
    }

    fn functions(&self) -> Vec<Function> {
        functions::all()
    }
}
