//! OpenSSH key encodings: the public key blob (`authorized_keys`, fingerprints) and the
//! unencrypted `openssh-key-v1` private key format (RFC 4253 wire types, PROTOCOL.key).

use crate::keys::{Curve, KeyError, PublicKey};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

const MAGIC: &[u8] = b"openssh-key-v1\0";

/// The private parts `openssh-key-v1` carries besides the public key.
pub enum Secret {
    Rsa { d: Vec<u8>, p: Vec<u8>, q: Vec<u8>, iqmp: Vec<u8> },
    Ecdsa { scalar: Vec<u8> },
    Ed25519 { seed: Vec<u8> },
}

pub fn key_type(key: &PublicKey) -> String {
    match key {
        PublicKey::Rsa { .. } => "ssh-rsa".into(),
        PublicKey::Ecdsa { curve, .. } => format!("ecdsa-sha2-{}", curve.ssh_name()),
        PublicKey::Ed25519 { .. } => "ssh-ed25519".into(),
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_be_bytes());
    }
    fn string(&mut self, bytes: &[u8]) {
        self.u32(bytes.len() as u32);
        self.0.extend_from_slice(bytes);
    }
    /// An unsigned big-endian integer as an SSH mpint (two's complement, minimal).
    fn mpint(&mut self, magnitude: &[u8]) {
        let start = magnitude.iter().position(|b| *b != 0).unwrap_or(magnitude.len());
        let digits = &magnitude[start..];
        if digits.first().is_some_and(|b| b & 0x80 != 0) {
            self.u32(digits.len() as u32 + 1);
            self.0.push(0);
            self.0.extend_from_slice(digits);
        } else {
            self.string(digits);
        }
    }
}

pub fn public_key_blob(key: &PublicKey) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.string(key_type(key).as_bytes());
    match key {
        PublicKey::Rsa { n, e } => {
            w.mpint(e);
            w.mpint(n);
        }
        PublicKey::Ecdsa { curve, point } => {
            w.string(curve.ssh_name().as_bytes());
            w.string(point);
        }
        PublicKey::Ed25519 { point } => w.string(point),
    }
    w.0
}

/// The armored `-----BEGIN OPENSSH PRIVATE KEY-----` text.
pub fn encode_private_key(public: &PublicKey, secret: &Secret) -> String {
    let mut private = Writer(Vec::new());
    // The check integers let a decryptor detect a wrong passphrase; any equal pair will do.
    let mut check = [0u8; 4];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut check);
    private.0.extend_from_slice(&check);
    private.0.extend_from_slice(&check);
    private.string(key_type(public).as_bytes());
    match (public, secret) {
        (PublicKey::Rsa { n, e }, Secret::Rsa { d, p, q, iqmp }) => {
            for int in [n, e, d, iqmp, p, q] {
                private.mpint(int);
            }
        }
        (PublicKey::Ecdsa { curve, point }, Secret::Ecdsa { scalar }) => {
            private.string(curve.ssh_name().as_bytes());
            private.string(point);
            private.mpint(scalar);
        }
        (PublicKey::Ed25519 { point }, Secret::Ed25519 { seed }) => {
            private.string(point);
            let mut both = seed.clone();
            both.extend_from_slice(point);
            private.string(&both);
        }
        _ => {}
    }
    private.string(b""); // comment
    let mut pad = 1u8;
    while private.0.len() & 7 != 0 {
        private.0.push(pad);
        pad += 1;
    }

    let mut out = Writer(MAGIC.to_vec());
    out.string(b"none");
    out.string(b"none");
    out.string(b"");
    out.u32(1);
    out.string(&public_key_blob(public));
    out.string(&private.0);

    let body = STANDARD.encode(&out.0);
    let mut text = String::from("-----BEGIN OPENSSH PRIVATE KEY-----\n");
    for line in body.as_bytes().chunks(70) {
        text.push_str(&String::from_utf8_lossy(line));
        text.push('\n');
    }
    text.push_str("-----END OPENSSH PRIVATE KEY-----\n");
    text
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn u32(&mut self) -> Option<u32> {
        let (head, rest) = self.0.split_first_chunk::<4>()?;
        self.0 = rest;
        Some(u32::from_be_bytes(*head))
    }
    fn string(&mut self) -> Option<&'a [u8]> {
        let len = self.u32()? as usize;
        if len > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(head)
    }
    fn mpint(&mut self) -> Option<Vec<u8>> {
        let raw = self.string()?;
        let start = raw.iter().position(|b| *b != 0).unwrap_or(raw.len());
        Some(raw[start..].to_vec())
    }
}

/// The public key of a decoded `openssh-key-v1` body (from its public section, so
/// encrypted keys work too).
pub fn public_key_of_private(body: &[u8]) -> Result<PublicKey, KeyError> {
    let bad = || KeyError::new("the OpenSSH private key is malformed");
    let rest = body.strip_prefix(MAGIC).ok_or_else(bad)?;
    let mut r = Reader(rest);
    for _ in 0..3 {
        r.string().ok_or_else(bad)?; // cipher, kdf, kdf options
    }
    if r.u32().ok_or_else(bad)? != 1 {
        return Err(KeyError::new("OpenSSH key files with more than one key are not supported"));
    }
    parse_public_key_blob(r.string().ok_or_else(bad)?)
}

pub fn parse_public_key_blob(blob: &[u8]) -> Result<PublicKey, KeyError> {
    let bad = || KeyError::new("the OpenSSH public key is malformed");
    let mut r = Reader(blob);
    let kind = r.string().ok_or_else(bad)?;
    match kind {
        b"ssh-rsa" => {
            let e = r.mpint().ok_or_else(bad)?;
            let n = r.mpint().ok_or_else(bad)?;
            Ok(PublicKey::Rsa { n, e })
        }
        b"ssh-ed25519" => Ok(PublicKey::Ed25519 { point: r.string().ok_or_else(bad)?.to_vec() }),
        _ if kind.starts_with(b"ecdsa-sha2-") => {
            let name = std::str::from_utf8(r.string().ok_or_else(bad)?).map_err(|_| bad())?;
            let curve = Curve::from_ssh_name(name)
                .ok_or_else(|| KeyError::new("unsupported OpenSSH ECDSA curve (only nistp256 and nistp384)"))?;
            Ok(PublicKey::Ecdsa { curve, point: r.string().ok_or_else(bad)?.to_vec() })
        }
        _ => Err(KeyError::new("unsupported OpenSSH key type (only ssh-rsa, ecdsa-sha2-nistp256/384, ssh-ed25519)")),
    }
}
