//! ACM Private CA: certificate authorities, the certificates they issue, and the CA
//! certificate installed into a CA.

mod authority;
mod authority_certificate;
mod authority_config;
mod certificate;
mod data;
mod pem;

use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use std::sync::Arc;

pub use data::AuthorityData;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(Managed(authority::Authority)),
        Arc::new(Managed(authority_certificate::AuthorityCertificate)),
        Arc::new(Managed(certificate::Certificate)),
    ]
}

/// ACM PCA's code for "no such CA / certificate".
const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];
