//! OpenTofu's `aws_kms` key provider: data keys from KMS `GenerateDataKey`, unwrapped with
//! `Decrypt`. The wrapped key travels in each envelope; KMS never sees the state.

use crate::runtime::Runtime;
use meshplan_state::cipher::{CipherError, DataKeys};
use std::panic::AssertUnwindSafe;

/// The key provider's settings (OpenTofu's argument names).
#[derive(Clone, Debug, Default)]
pub struct KmsSettings {
    pub kms_key_id: String,
    /// `AES_256` (the only spec an AES-256-GCM method can use).
    pub key_spec: String,
    pub region: String,
    pub endpoint: Option<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub profile: Option<String>,
}

pub struct KmsKeys {
    settings: KmsSettings,
    // The cipher traits ask for unwind safety; a panic mid-request leaves nothing half-done here.
    client: AssertUnwindSafe<aws_sdk_kms::Client>,
    rt: AssertUnwindSafe<Runtime>,
}

impl KmsKeys {
    pub fn connect(settings: KmsSettings) -> Result<KmsKeys, CipherError> {
        if settings.key_spec != "AES_256" {
            return Err(CipherError::Failed(format!("key_spec {:?}: aes_gcm needs \"AES_256\"", settings.key_spec)));
        }
        let rt = Runtime::new().map_err(|e| CipherError::Failed(e.to_string()))?;
        let s = settings.clone();
        let client = rt
            .run(async move {
                let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
                    .region(aws_config::Region::new(s.region.clone()));
                if let (Some(a), Some(k)) = (&s.access_key, &s.secret_key) {
                    loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                        a,
                        k,
                        None,
                        None,
                        "key-provider-aws-kms",
                    ));
                } else if let Some(p) = &s.profile {
                    loader = loader.profile_name(p);
                }
                let shared = loader.load().await;
                let mut b = aws_sdk_kms::config::Builder::from(&shared);
                if let Some(url) = &s.endpoint {
                    b = b.endpoint_url(url);
                }
                aws_sdk_kms::Client::from_conf(b.build())
            })
            .map_err(|e| CipherError::Failed(e.to_string()))?;
        Ok(KmsKeys { settings, client: AssertUnwindSafe(client), rt: AssertUnwindSafe(rt) })
    }
}

fn key_bytes(plain: &[u8]) -> Result<[u8; 32], CipherError> {
    plain.try_into().map_err(|_| CipherError::Failed(format!("KMS returned a {}-byte data key, not 32", plain.len())))
}

fn kms_error<E: aws_sdk_kms::error::ProvideErrorMetadata + std::fmt::Display>(doing: &str, key: &str, e: E) -> String {
    match (e.code(), e.message()) {
        (Some(c), Some(m)) => format!("KMS {doing} with {key}: {c}: {m}"),
        (Some(c), None) => format!("KMS {doing} with {key}: {c}"),
        _ => format!("KMS {doing} with {key}: {e}"),
    }
}

impl DataKeys for KmsKeys {
    fn kind(&self) -> &str {
        "aws_kms"
    }

    fn generate(&self) -> Result<([u8; 32], Vec<u8>), CipherError> {
        let (client, key) = (self.client.0.clone(), self.settings.kms_key_id.clone());
        let out = self
            .rt
            .run(async move {
                client
                    .generate_data_key()
                    .key_id(&key)
                    .key_spec(aws_sdk_kms::types::DataKeySpec::Aes256)
                    .send()
                    .await
                    .map_err(|e| kms_error("GenerateDataKey", &key, e))
            })
            .map_err(|e| CipherError::Failed(e.to_string()))?
            .map_err(CipherError::Failed)?;
        let plain = out.plaintext().map(|b| b.as_ref().to_vec()).unwrap_or_default();
        let wrapped = out
            .ciphertext_blob()
            .map(|b| b.as_ref().to_vec())
            .ok_or_else(|| CipherError::Failed("KMS returned no wrapped key".into()))?;
        Ok((key_bytes(&plain)?, wrapped))
    }

    fn unwrap_key(&self, wrapped: &[u8]) -> Result<[u8; 32], CipherError> {
        let (client, key, blob) = (self.client.0.clone(), self.settings.kms_key_id.clone(), wrapped.to_vec());
        let out = self
            .rt
            .run(async move {
                client
                    .decrypt()
                    .key_id(&key)
                    .ciphertext_blob(aws_sdk_kms::primitives::Blob::new(blob))
                    .send()
                    .await
                    .map_err(|e| kms_error("Decrypt", &key, e))
            })
            .map_err(|e| CipherError::Failed(e.to_string()))?
            // KMS refuses a key it did not wrap: the configured key is not the state's.
            .map_err(CipherError::WrongKey)?;
        key_bytes(out.plaintext().map(|b| b.as_ref()).unwrap_or_default())
    }
}
