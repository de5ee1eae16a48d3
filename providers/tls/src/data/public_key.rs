//! Data source `tls_public_key`: the public half of a private key (PEM or OpenSSH).

use crate::config::optional_str;
use crate::keys::{KeyError, PublicKey};
use crate::resources::private_key::public_attributes;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct PublicKeyData;

#[async_trait]
impl DataSource for PublicKeyData {
    fn type_name(&self) -> &'static str {
        "tls_public_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("private_key_pem", Attribute::optional(Type::String).sensitive())
            .attr("private_key_openssh", Attribute::optional(Type::String).sensitive())
            .attr("algorithm", Attribute::computed(Type::String))
            .attr("public_key_pem", Attribute::computed(Type::String))
            .attr("public_key_openssh", Attribute::computed(Type::String))
            .attr("public_key_fingerprint_sha256", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    async fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let at = |attr: &'static str| move |e: KeyError| ProviderError::new(format!("{attr}: {e}")).at_attribute(attr);
        let key = match (optional_str(config, "private_key_pem"), optional_str(config, "private_key_openssh")) {
            (Some(pem), None) => PublicKey::from_pem(pem).map_err(at("private_key_pem"))?,
            (None, Some(ssh)) => PublicKey::from_pem(ssh).map_err(at("private_key_openssh"))?,
            _ => return Err(ProviderError::new("set exactly one of private_key_pem and private_key_openssh")),
        };
        let mut state = config.clone();
        public_attributes(&mut state, &key);
        Ok(state)
    }
}
