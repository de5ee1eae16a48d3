//! `rsadecrypt(ciphertext, privatekey)`: RSA PKCS#1 v1.5 decryption of base64 ciphertext with
//! a PEM private key (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`), as in Terraform.

use crate::args::{string, string_value};
use crate::{Env, FunctionError, Value};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};

pub(crate) fn rsadecrypt(args: &[Value], _: &Env) -> Result<Value, FunctionError> {
    let ciphertext = STANDARD
        .decode(string(args, 0)?.trim().as_bytes())
        .map_err(|_| FunctionError::arg(0, "failed to decode input: the ciphertext is not valid base64"))?;
    let key = private_key(&string(args, 1)?)?;
    // Errors never quote the key or the plaintext: both are secrets.
    let plain = key.decrypt(Pkcs1v15Encrypt, &ciphertext).map_err(|_| {
        FunctionError::arg(0, "failed to decrypt: the ciphertext does not match the key or is not PKCS#1 v1.5")
    })?;
    let text = String::from_utf8(plain).map_err(|_| FunctionError::arg(0, "the decrypted data is not valid UTF-8"))?;
    Ok(string_value(text))
}

fn private_key(text: &str) -> Result<RsaPrivateKey, FunctionError> {
    let block =
        pem::parse(text.trim()).map_err(|_| FunctionError::arg(1, "failed to parse key: no PEM block found"))?;
    let parsed = match block.tag() {
        "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_der(block.contents()).ok(),
        "PRIVATE KEY" => RsaPrivateKey::from_pkcs8_der(block.contents()).ok(),
        "ENCRYPTED PRIVATE KEY" => {
            return Err(FunctionError::arg(
                1,
                "failed to parse key: encrypted private keys are not supported; decrypt the key first",
            ));
        }
        other => {
            return Err(FunctionError::arg(
                1,
                format!("failed to parse key: a PEM block of type {other:?} is not an RSA private key"),
            ))
        }
    };
    parsed.ok_or_else(|| {
        FunctionError::arg(1, "failed to parse key: the PEM block does not hold a valid RSA private key")
    })
}
