//! Private and public keys: generation, parsing from any common PEM, and the encodings
//! `tls_private_key` exposes.
//!
//! Error messages here never contain key material: they name the format that failed,
//! never the input (a caller may put them in a plan or a log).

use crate::openssh;
use crate::pkcs::{self, OID_EC_PUBLIC_KEY, OID_ED25519, OID_P256, OID_P384, OID_RSA};
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use rcgen::{KeyPair, PublicKeyData, SignatureAlgorithm};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
}

impl Curve {
    pub fn oid(self) -> &'static [u64] {
        match self {
            Curve::P256 => OID_P256,
            Curve::P384 => OID_P384,
        }
    }
    fn from_oid(oid: &[u64]) -> Result<Self, KeyError> {
        match oid {
            o if o == OID_P256 => Ok(Curve::P256),
            o if o == OID_P384 => Ok(Curve::P384),
            _ => Err(KeyError::new("unsupported elliptic curve (only P256 and P384 are supported)")),
        }
    }
    /// The name Terraform uses in `ecdsa_curve`.
    pub fn terraform_name(self) -> &'static str {
        match self {
            Curve::P256 => "P256",
            Curve::P384 => "P384",
        }
    }
    /// The JOSE `crv` value.
    pub fn jose_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }
    pub fn ssh_name(self) -> &'static str {
        match self {
            Curve::P256 => "nistp256",
            Curve::P384 => "nistp384",
        }
    }
    pub fn from_ssh_name(name: &str) -> Option<Self> {
        match name {
            "nistp256" => Some(Curve::P256),
            "nistp384" => Some(Curve::P384),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    Rsa { bits: u32 },
    Ecdsa(Curve),
    Ed25519,
}

impl KeyAlgorithm {
    /// The `algorithm` value of `tls_private_key` (and `key_algorithm` of certificates).
    pub fn terraform_name(&self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa { .. } => "RSA",
            KeyAlgorithm::Ecdsa(_) => "ECDSA",
            KeyAlgorithm::Ed25519 => "ED25519",
        }
    }
    fn signature_algorithm(&self) -> &'static SignatureAlgorithm {
        match self {
            KeyAlgorithm::Rsa { .. } => &rcgen::PKCS_RSA_SHA256,
            KeyAlgorithm::Ecdsa(Curve::P256) => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyAlgorithm::Ecdsa(Curve::P384) => &rcgen::PKCS_ECDSA_P384_SHA384,
            KeyAlgorithm::Ed25519 => &rcgen::PKCS_ED25519,
        }
    }
}

/// A key failure whose message is safe to show (it never quotes the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(pub String);

impl KeyError {
    pub fn new(message: impl Into<String>) -> Self {
        KeyError(message.into())
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

/// The public half of a key, in the form each consumer needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// Modulus and exponent, big-endian without leading zeros.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// The uncompressed point (0x04 || x || y).
    Ecdsa {
        curve: Curve,
        point: Vec<u8>,
    },
    Ed25519 {
        point: Vec<u8>,
    },
}

impl PublicKey {
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            PublicKey::Rsa { n, .. } => KeyAlgorithm::Rsa { bits: rsa_bits(n) },
            PublicKey::Ecdsa { curve, .. } => KeyAlgorithm::Ecdsa(*curve),
            PublicKey::Ed25519 { .. } => KeyAlgorithm::Ed25519,
        }
    }

    /// The BIT STRING content of the SubjectPublicKeyInfo (what RFC 5280 key ids hash).
    pub fn key_bits(&self) -> Vec<u8> {
        match self {
            PublicKey::Rsa { n, e } => pkcs::build_rsa_public_key(n, e),
            PublicKey::Ecdsa { point, .. } | PublicKey::Ed25519 { point } => point.clone(),
        }
    }

    /// The DER SubjectPublicKeyInfo, byte-identical to `openssl pkey -pubout -outform DER`.
    pub fn spki_der(&self) -> Vec<u8> {
        match self {
            PublicKey::Rsa { .. } => pkcs::build_spki(OID_RSA, None, &self.key_bits()),
            PublicKey::Ecdsa { curve, point } => pkcs::build_spki(OID_EC_PUBLIC_KEY, Some(curve.oid()), point),
            PublicKey::Ed25519 { point } => pkcs::build_spki(OID_ED25519, None, point),
        }
    }

    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let bad = || KeyError::new("the public key is not a valid SubjectPublicKeyInfo");
        let (algorithm, curve, bits) = yasna::parse_der(der, |r| {
            r.read_sequence(|r| {
                let (oid, curve) = r.next().read_sequence(|r| {
                    let oid = r.next().read_oid()?;
                    let curve = r.read_optional(|r| r.read_oid())?;
                    while r.read_optional(|r| r.read_der())?.is_some() {}
                    Ok((oid.components().to_vec(), curve.map(|c| c.components().to_vec())))
                })?;
                let (bits, _) = r.next().read_bitvec_bytes()?;
                Ok((oid, curve, bits))
            })
        })
        .map_err(|_| bad())?;
        Self::from_parts(&algorithm, curve.as_deref(), bits)
    }

    fn from_parts(algorithm: &[u64], curve: Option<&[u64]>, bits: Vec<u8>) -> Result<Self, KeyError> {
        match algorithm {
            a if a == OID_RSA => {
                let (n, e) =
                    pkcs::parse_rsa_public_key(&bits).map_err(|_| KeyError::new("the RSA public key is malformed"))?;
                Ok(PublicKey::Rsa { n, e })
            }
            a if a == OID_EC_PUBLIC_KEY => {
                let curve = Curve::from_oid(curve.ok_or_else(|| KeyError::new("the EC key names no curve"))?)?;
                Ok(PublicKey::Ecdsa { curve, point: bits })
            }
            a if a == OID_ED25519 => Ok(PublicKey::Ed25519 { point: bits }),
            _ => Err(KeyError::new("unsupported key algorithm (only RSA, ECDSA and ED25519 are supported)")),
        }
    }

    /// A public key from a `PUBLIC KEY` or `RSA PUBLIC KEY` PEM, a certificate, or any
    /// private key PEM this module reads (its public half).
    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        let block = pem::parse(text.trim()).map_err(|_| KeyError::new("not a PEM-encoded key"))?;
        match block.tag() {
            "PUBLIC KEY" => Self::from_spki_der(block.contents()),
            "RSA PUBLIC KEY" => {
                let (n, e) = pkcs::parse_rsa_public_key(block.contents())
                    .map_err(|_| KeyError::new("the RSA public key is malformed"))?;
                Ok(PublicKey::Rsa { n, e })
            }
            "CERTIFICATE" => {
                let (_, cert) = x509_parser::parse_x509_certificate(block.contents())
                    .map_err(|_| KeyError::new("the certificate is malformed"))?;
                Self::from_spki_der(cert.public_key().raw)
            }
            "OPENSSH PRIVATE KEY" => openssh::public_key_of_private(block.contents()),
            _ => Ok(PrivateKey::from_pem(text)?.public_key),
        }
    }

    pub fn pem(&self) -> String {
        crate::pkcs::pem_encode("PUBLIC KEY", self.spki_der())
    }

    /// The `authorized_keys` line (with a trailing newline, as Terraform writes it).
    pub fn openssh(&self) -> String {
        let blob = openssh::public_key_blob(self);
        format!("{} {}\n", openssh::key_type(self), base64::engine::general_purpose::STANDARD.encode(blob))
    }

    /// `SHA256:...` as `ssh-keygen -l` prints it.
    pub fn openssh_fingerprint_sha256(&self) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, &openssh::public_key_blob(self));
        format!("SHA256:{}", STANDARD_NO_PAD.encode(digest.as_ref()))
    }
}

fn rsa_bits(n: &[u8]) -> u32 {
    match n.first() {
        Some(first) => (n.len() as u32 - 1) * 8 + (8 - first.leading_zeros()),
        None => 0,
    }
}

/// A private key, held as PKCS#8 (what ring signs with).
#[derive(Clone)]
pub struct PrivateKey {
    pkcs8: Vec<u8>,
    public_key: PublicKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey").field("public_key", &self.public_key).finish_non_exhaustive()
    }
}

/// Generates a key from the OS CSPRNG.
pub fn generate(algorithm: &KeyAlgorithm) -> Result<PrivateKey, KeyError> {
    match algorithm {
        KeyAlgorithm::Rsa { bits } => {
            if ![2048, 3072, 4096].contains(bits) {
                return Err(KeyError::new(format!("rsa_bits must be 2048, 3072 or 4096, not {bits}")));
            }
            use rsa::pkcs8::EncodePrivateKey;
            let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, *bits as usize)
                .map_err(|e| KeyError::new(format!("RSA key generation failed: {e}")))?;
            let der = key.to_pkcs8_der().map_err(|_| KeyError::new("RSA key encoding failed"))?;
            PrivateKey::from_pkcs8(der.as_bytes())
        }
        _ => {
            let pair = KeyPair::generate_for(algorithm.signature_algorithm())
                .map_err(|e| KeyError::new(format!("key generation failed: {e}")))?;
            PrivateKey::from_pkcs8(pair.serialized_der())
        }
    }
}

impl PrivateKey {
    /// Reads `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1) and `EC PRIVATE KEY` (SEC1).
    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        let block = pem::parse(text.trim()).map_err(|_| {
            KeyError::new("the private key is not valid PEM (expected a -----BEGIN ... PRIVATE KEY----- block)")
        })?;
        let der = block.contents();
        match block.tag() {
            "PRIVATE KEY" => Self::from_pkcs8(der),
            "RSA PRIVATE KEY" => Self::from_pkcs8(&pkcs::build_pkcs8(OID_RSA, None, der)),
            "EC PRIVATE KEY" => {
                let parts =
                    pkcs::parse_sec1(der).map_err(|_| KeyError::new("the EC private key (SEC1) is malformed"))?;
                let curve = parts.curve.ok_or_else(|| KeyError::new("the EC private key names no curve"))?;
                Self::from_pkcs8(&pkcs::build_pkcs8(OID_EC_PUBLIC_KEY, Some(&curve), der))
            }
            "ENCRYPTED PRIVATE KEY" => Err(KeyError::new("encrypted private keys are not supported")),
            "OPENSSH PRIVATE KEY" => Err(KeyError::new(
                "OpenSSH private keys are not supported here; use a PEM (PKCS#1, SEC1 or PKCS#8) key",
            )),
            other => Err(KeyError::new(format!("a PEM block of type {other:?} is not a private key"))),
        }
    }

    pub fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let parts = pkcs::parse_pkcs8(der).map_err(|_| KeyError::new("the private key (PKCS#8) is malformed"))?;
        let algorithm = match parts.algorithm.as_slice() {
            a if a == OID_RSA => KeyAlgorithm::Rsa { bits: 0 },
            a if a == OID_EC_PUBLIC_KEY => {
                KeyAlgorithm::Ecdsa(Curve::from_oid(parts.curve.as_deref().unwrap_or_default())?)
            }
            a if a == OID_ED25519 => KeyAlgorithm::Ed25519,
            _ => return Err(KeyError::new("unsupported private key algorithm (only RSA, ECDSA and ED25519)")),
        };
        // Ed25519 keys are re-encoded as PKCS#8 v1 (seed only), the form OpenSSL and Go write.
        let pkcs8 = match algorithm {
            KeyAlgorithm::Ed25519 => {
                let seed = pkcs::parse_ed25519_seed(&parts.private_key)
                    .map_err(|_| KeyError::new("the ED25519 private key is malformed"))?;
                pkcs::build_pkcs8(OID_ED25519, None, &pkcs::build_ed25519_private_key(&seed))
            }
            _ => der.to_vec(),
        };
        let pair = KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8.as_slice().into(), algorithm.signature_algorithm())
            .map_err(|_| {
                KeyError::new(format!("the {} private key is invalid or unsupported", algorithm.terraform_name()))
            })?;
        let public_key = match algorithm {
            KeyAlgorithm::Rsa { .. } => {
                let (n, e) = pkcs::parse_rsa_public_key(pair.der_bytes())
                    .map_err(|_| KeyError::new("the RSA public key is malformed"))?;
                PublicKey::Rsa { n, e }
            }
            KeyAlgorithm::Ecdsa(curve) => PublicKey::Ecdsa { curve, point: pair.der_bytes().to_vec() },
            KeyAlgorithm::Ed25519 => PublicKey::Ed25519 { point: pair.der_bytes().to_vec() },
        };
        Ok(PrivateKey { pkcs8, public_key })
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        self.public_key.algorithm()
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The key in the form rcgen signs with.
    pub fn signing_key(&self) -> Result<KeyPair, KeyError> {
        KeyPair::from_pkcs8_der_and_sign_algo(&self.pkcs8.as_slice().into(), self.algorithm().signature_algorithm())
            .map_err(|_| KeyError::new("the private key cannot be used for signing"))
    }

    pub fn pkcs8_pem(&self) -> String {
        crate::pkcs::pem_encode("PRIVATE KEY", self.pkcs8.clone())
    }

    /// `private_key_pem` as Terraform writes it: PKCS#1 for RSA, SEC1 for ECDSA, PKCS#8 for ED25519.
    pub fn traditional_pem(&self) -> Result<String, KeyError> {
        let inner = || {
            pkcs::parse_pkcs8(&self.pkcs8)
                .map(|p| p.private_key)
                .map_err(|_| KeyError::new("the private key (PKCS#8) is malformed"))
        };
        Ok(match &self.public_key {
            PublicKey::Rsa { .. } => crate::pkcs::pem_encode("RSA PRIVATE KEY", inner()?),
            PublicKey::Ecdsa { curve, point } => {
                let sec1 =
                    pkcs::parse_sec1(&inner()?).map_err(|_| KeyError::new("the EC private key (SEC1) is malformed"))?;
                crate::pkcs::pem_encode("EC PRIVATE KEY", pkcs::build_sec1(&sec1.scalar, curve.oid(), point))
            }
            PublicKey::Ed25519 { .. } => self.pkcs8_pem(),
        })
    }

    /// The `openssh-key-v1` encoding (unencrypted), as `ssh-keygen` writes it.
    pub fn openssh_pem(&self) -> Result<String, KeyError> {
        let inner = pkcs::parse_pkcs8(&self.pkcs8)
            .map_err(|_| KeyError::new("the private key (PKCS#8) is malformed"))?
            .private_key;
        let secret = match &self.public_key {
            PublicKey::Rsa { .. } => {
                let ints = pkcs::parse_rsa_private_key(&inner)
                    .map_err(|_| KeyError::new("the RSA private key is malformed"))?;
                openssh::Secret::Rsa {
                    d: ints[2].clone(),
                    p: ints[3].clone(),
                    q: ints[4].clone(),
                    iqmp: ints[7].clone(),
                }
            }
            PublicKey::Ecdsa { .. } => openssh::Secret::Ecdsa {
                scalar: pkcs::parse_sec1(&inner).map_err(|_| KeyError::new("the EC private key is malformed"))?.scalar,
            },
            PublicKey::Ed25519 { .. } => openssh::Secret::Ed25519 {
                seed: pkcs::parse_ed25519_seed(&inner).map_err(|_| KeyError::new("the ED25519 key is malformed"))?,
            },
        };
        Ok(openssh::encode_private_key(&self.public_key, &secret))
    }
}
