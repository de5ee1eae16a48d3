//! DER encodings of keys: PKCS#8, PKCS#1 (RSA), SEC1 (EC) and SubjectPublicKeyInfo.
//!
//! ring signs only with PKCS#8 keys, but people hand us PKCS#1 and SEC1 PEMs (Terraform
//! itself writes them), so every private key is normalised to PKCS#8 here, and the
//! Terraform-style "traditional" encodings are derived back from it.

use yasna::models::ObjectIdentifier;
use yasna::{ASN1Result, Tag};

pub const OID_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
pub const OID_EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
pub const OID_P256: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
pub const OID_P384: &[u64] = &[1, 3, 132, 0, 34];
pub const OID_ED25519: &[u64] = &[1, 3, 101, 112];

/// The parts of a PKCS#8 PrivateKeyInfo we use.
pub struct Pkcs8Parts {
    pub algorithm: Vec<u64>,
    /// For EC keys, the named curve.
    pub curve: Option<Vec<u64>>,
    /// The algorithm-specific private key (PKCS#1, SEC1 or the Ed25519 CurvePrivateKey).
    pub private_key: Vec<u8>,
}

pub fn parse_pkcs8(der: &[u8]) -> ASN1Result<Pkcs8Parts> {
    yasna::parse_der(der, |r| {
        r.read_sequence(|r| {
            let _version = r.next().read_u8()?;
            let (algorithm, curve) = r.next().read_sequence(|r| {
                let oid = r.next().read_oid()?;
                // The parameters are NULL for RSA, a curve OID for EC, absent for Ed25519.
                let curve = r.read_optional(|r| r.read_oid())?;
                while r.read_optional(|r| r.read_der())?.is_some() {}
                Ok((oid.components().to_vec(), curve.map(|c| c.components().to_vec())))
            })?;
            let private_key = r.next().read_bytes()?;
            // Attributes [0] and the v2 public key [1] are not needed.
            while r.read_optional(|r| r.read_der())?.is_some() {}
            Ok(Pkcs8Parts { algorithm, curve, private_key })
        })
    })
}

/// A PKCS#8 v1 PrivateKeyInfo around an algorithm-specific private key.
pub fn build_pkcs8(algorithm: &[u64], curve: Option<&[u64]>, private_key: &[u8]) -> Vec<u8> {
    yasna::construct_der(|w| {
        w.write_sequence(|w| {
            w.next().write_u8(0);
            write_algorithm_identifier(w.next(), algorithm, curve);
            w.next().write_bytes(private_key);
        })
    })
}

fn write_algorithm_identifier(w: yasna::DERWriter, algorithm: &[u64], curve: Option<&[u64]>) {
    w.write_sequence(|w| {
        w.next().write_oid(&ObjectIdentifier::from_slice(algorithm));
        if let Some(curve) = curve {
            w.next().write_oid(&ObjectIdentifier::from_slice(curve));
        } else if algorithm == OID_RSA {
            w.next().write_null();
        }
    })
}

/// A SubjectPublicKeyInfo: the DER that key ids and fingerprints are computed over.
pub fn build_spki(algorithm: &[u64], curve: Option<&[u64]>, public_key: &[u8]) -> Vec<u8> {
    yasna::construct_der(|w| {
        w.write_sequence(|w| {
            write_algorithm_identifier(w.next(), algorithm, curve);
            w.next().write_bitvec_bytes(public_key, public_key.len() * 8);
        })
    })
}

/// The magnitude of a DER INTEGER without leading zero bytes.
fn magnitude(bytes: Vec<u8>) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len().saturating_sub(1));
    bytes[start..].to_vec()
}

/// PKCS#1 RSAPublicKey `{ n, e }`.
pub fn parse_rsa_public_key(der: &[u8]) -> ASN1Result<(Vec<u8>, Vec<u8>)> {
    yasna::parse_der(der, |r| {
        r.read_sequence(|r| {
            let n = r.next().read_bigint_bytes()?.0;
            let e = r.next().read_bigint_bytes()?.0;
            Ok((magnitude(n), magnitude(e)))
        })
    })
}

pub fn build_rsa_public_key(n: &[u8], e: &[u8]) -> Vec<u8> {
    yasna::construct_der(|w| {
        w.write_sequence(|w| {
            w.next().write_bigint_bytes(n, true);
            w.next().write_bigint_bytes(e, true);
        })
    })
}

/// The integers of a PKCS#1 RSAPrivateKey, in order: n, e, d, p, q, dp, dq, qinv.
pub fn parse_rsa_private_key(der: &[u8]) -> ASN1Result<Vec<Vec<u8>>> {
    yasna::parse_der(der, |r| {
        r.read_sequence(|r| {
            let _version = r.next().read_u8()?;
            let mut ints = Vec::with_capacity(8);
            for _ in 0..8 {
                ints.push(magnitude(r.next().read_bigint_bytes()?.0));
            }
            while r.read_optional(|r| r.read_der())?.is_some() {}
            Ok(ints)
        })
    })
}

/// The parts of a SEC1 ECPrivateKey.
pub struct Sec1Parts {
    pub scalar: Vec<u8>,
    pub curve: Option<Vec<u64>>,
}

pub fn parse_sec1(der: &[u8]) -> ASN1Result<Sec1Parts> {
    yasna::parse_der(der, |r| {
        r.read_sequence(|r| {
            let _version = r.next().read_u8()?;
            let scalar = r.next().read_bytes()?;
            let curve = r.read_optional(|r| r.read_tagged(Tag::context(0), |r| r.read_oid()))?;
            // The public key [1] is recomputed by ring, so it is skipped here.
            while r.read_optional(|r| r.read_der())?.is_some() {}
            Ok(Sec1Parts { scalar, curve: curve.map(|c| c.components().to_vec()) })
        })
    })
}

/// A SEC1 ECPrivateKey with the curve and public key, as OpenSSL and Go write it.
pub fn build_sec1(scalar: &[u8], curve: &[u64], public_point: &[u8]) -> Vec<u8> {
    yasna::construct_der(|w| {
        w.write_sequence(|w| {
            w.next().write_u8(1);
            w.next().write_bytes(scalar);
            w.next().write_tagged(Tag::context(0), |w| w.write_oid(&ObjectIdentifier::from_slice(curve)));
            w.next().write_tagged(Tag::context(1), |w| w.write_bitvec_bytes(public_point, public_point.len() * 8));
        })
    })
}

/// The Ed25519 CurvePrivateKey (an OCTET STRING holding the 32-byte seed).
pub fn parse_ed25519_seed(private_key: &[u8]) -> ASN1Result<Vec<u8>> {
    yasna::parse_der(private_key, |r| r.read_bytes())
}

pub fn build_ed25519_private_key(seed: &[u8]) -> Vec<u8> {
    yasna::construct_der(|w| w.write_bytes(seed))
}

/// PEM text with LF line endings (the pem crate defaults to CRLF; OpenSSL and Terraform write LF).
pub fn pem_encode(tag: &str, der: Vec<u8>) -> String {
    pem::encode_config(&pem::Pem::new(tag, der), pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF))
}
