//! `tls_private_key`: a key generated once and kept in state.

use crate::config::{int_or, required_str};
use crate::keys::{generate, Curve, KeyAlgorithm, PrivateKey};
use meshplan_provider::{async_trait, Attribute, Ctx, ProviderError, ResourceType, Schema, Type, Value};

pub struct PrivateKeyResource;

pub fn algorithm_from_config(config: &Value) -> Result<KeyAlgorithm, ProviderError> {
    match required_str(config, "algorithm")? {
        "RSA" => Ok(KeyAlgorithm::Rsa { bits: int_or(config, "rsa_bits", 2048)? as u32 }),
        "ECDSA" => match config.get_str("ecdsa_curve").unwrap_or("P224") {
            "P256" => Ok(KeyAlgorithm::Ecdsa(Curve::P256)),
            "P384" => Ok(KeyAlgorithm::Ecdsa(Curve::P384)),
            other => Err(ProviderError::new(format!("ecdsa_curve {other:?} is not supported (use P256 or P384)"))
                .at_attribute("ecdsa_curve")),
        },
        "ED25519" => Ok(KeyAlgorithm::Ed25519),
        other => Err(ProviderError::new(format!("algorithm {other:?} is not supported (use RSA, ECDSA or ED25519)"))
            .at_attribute("algorithm")),
    }
}

/// The computed public attributes of a key (shared with the `tls_public_key` data source).
pub fn public_attributes(state: &mut Value, key: &crate::keys::PublicKey) {
    let algorithm = key.algorithm();
    state.set("algorithm", Value::from(algorithm.terraform_name()));
    state.set("public_key_pem", Value::from(key.pem()));
    state.set("public_key_openssh", Value::from(key.openssh()));
    state.set("public_key_fingerprint_sha256", Value::from(key.openssh_fingerprint_sha256()));
    let id = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.pem().as_bytes());
    state.set("id", Value::from(hex(id.as_ref())));
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn private_attributes(state: &mut Value, key: &PrivateKey) -> Result<(), ProviderError> {
    let err = |e: crate::keys::KeyError| ProviderError::new(e.0);
    state.set("private_key_pem", Value::from(key.traditional_pem().map_err(err)?));
    state.set("private_key_pem_pkcs8", Value::from(key.pkcs8_pem()));
    state.set("private_key_openssh", Value::from(key.openssh_pem().map_err(err)?));
    public_attributes(state, key.public_key());
    Ok(())
}

#[async_trait]
impl ResourceType for PrivateKeyResource {
    fn has_remote_object(&self) -> bool {
        false
    }

    fn type_name(&self) -> &'static str {
        "tls_private_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("algorithm", Attribute::required(Type::String).force_new())
            .attr("rsa_bits", Attribute::optional(Type::Number).default(2048i64).force_new())
            .attr("ecdsa_curve", Attribute::optional(Type::String).default("P224").force_new())
            .attr("private_key_pem", Attribute::computed(Type::String).sensitive())
            .attr("private_key_pem_pkcs8", Attribute::computed(Type::String).sensitive())
            .attr("private_key_openssh", Attribute::computed(Type::String).sensitive())
            .attr("public_key_pem", Attribute::computed(Type::String))
            .attr("public_key_openssh", Attribute::computed(Type::String))
            .attr("public_key_fingerprint_sha256", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }

    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let algorithm = algorithm_from_config(planned)?;
        // RSA keygen is CPU-bound for up to seconds: keep it off the async workers.
        let key = tokio::task::spawn_blocking(move || generate(&algorithm))
            .await
            .map_err(|_| ProviderError::new("key generation was interrupted"))?
            .map_err(|e| ProviderError::new(e.0))?;
        let mut state = planned.clone();
        private_attributes(&mut state, &key)?;
        Ok(state)
    }

    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
}
