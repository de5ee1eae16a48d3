//! The provider's functions: identity documents built from keys and certificates.

mod args;
mod identity;
mod pem_tools;
mod spiffe;

use meshplan_provider::Function;

pub fn all() -> Vec<Function> {
    vec![
        Function { name: "jwks", signature: "jwks(public_key_pems, include_empty_kid?)", call: identity::jwks },
        Function {
            name: "oidc_discovery",
            signature: "oidc_discovery(issuer, jwks_uri?)",
            call: identity::oidc_discovery,
        },
        Function {
            name: "spiffe_bundle",
            signature: "spiffe_bundle(trust_domain, x509_ca_pems, jwt_keys?, sequence?, refresh_hint?)",
            call: spiffe::spiffe_bundle,
        },
        Function {
            name: "spiffe_bundle_x509",
            signature: "spiffe_bundle_x509(json)",
            call: spiffe::spiffe_bundle_x509,
        },
        Function { name: "pem_certs", signature: "pem_certs(pem)", call: pem_tools::pem_certs },
        Function {
            name: "cert_fingerprint_sha1",
            signature: "cert_fingerprint_sha1(pem)",
            call: pem_tools::cert_fingerprint_sha1,
        },
    ]
}
