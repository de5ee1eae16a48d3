//! Encryption at rest: the [`StateCipher`] trait the backend, its backups and the engine's plan
//! files seal their bytes with, its two methods ([`Unencrypted`], [`AesGcm`] with a PBKDF2 key),
//! and [`Encryption`] (a primary method and an optional fallback for reading, as OpenTofu's
//! `state { method = ... fallback { ... } }` block says).
//!
//! An encrypted value is a small JSON envelope:
//! `{"meshplan_encrypted":1,"method":"aes_gcm","kdf":"pbkdf2","hash":"sha512","iterations":N,
//! "key_length":32,"salt":B64,"nonce":B64,"ct":B64}`. The salt and the derivation parameters
//! travel with the ciphertext, so the key can be re-derived from the passphrase alone. Each
//! encryption draws a fresh 96-bit nonce; AES-256-GCM authenticates the ciphertext and the
//! caller's associated data (the record's key, `backup`, `plan`), so a record cannot be moved
//! to another key or altered without the decryption failing.
//!
//! Deriving a key takes 600,000 PBKDF2 rounds by default: one [`AesGcm`] uses one salt for
//! everything it encrypts — the salt of the first envelope it opens with the same parameters
//! (so a run that reads, then writes, the state derives once), else a fresh random one — and
//! every derived key is cached per process per (passphrase, parameters, salt).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Why bytes could not be decrypted (or encrypted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    /// The data is encrypted but this key does not open it (or it was altered).
    #[error("cannot decrypt the state: wrong passphrase or key? ({0})")]
    WrongKey(String),
    /// The data is encrypted, and the configuration reads only unencrypted data.
    #[error("the data is encrypted ({0}), but no encryption method that reads it is configured; add the `encryption` block (with its key) to the `terraform` block")]
    Encrypted(String),
    /// The method expects encrypted data and found plain data.
    #[error("the data is not encrypted, and the configured method reads only encrypted data; to migrate, add `fallback {{ method = method.unencrypted.NAME }}` to the `state` (or `plan`) block")]
    NotEncrypted,
    /// An envelope that does not parse.
    #[error("the encrypted data is damaged: {0}")]
    Damaged(String),
    #[error("encryption failed: {0}")]
    Failed(String),
}

/// One way of sealing bytes at rest. `aad` is authenticated but not stored.
pub trait StateCipher: Send + Sync + std::panic::RefUnwindSafe {
    /// The method's type, as in the configuration (`aes_gcm`, `unencrypted`).
    fn method(&self) -> &str;
    fn encrypt(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CipherError>;
    fn decrypt(&self, aad: &[u8], stored: &[u8]) -> Result<Vec<u8>, CipherError>;
}

const MARKER: &str = "meshplan_encrypted";

#[derive(serde::Serialize, serde::Deserialize)]
struct Envelope {
    meshplan_encrypted: u32,
    method: String,
    /// `pbkdf2`, or the kind of a [`DataKeys`] source (`aws_kms`).
    kdf: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    hash: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    iterations: u32,
    #[serde(default)]
    key_length: usize,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    salt: String,
    /// The data key as the key source wrapped it (data-key methods only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    wrapped_key: String,
    nonce: String,
    ct: String,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Envelope {
    /// An aes_gcm envelope's fixed fields; the key source's and the ciphertext's are filled in.
    fn aes_gcm() -> Self {
        Envelope {
            meshplan_encrypted: 1,
            method: "aes_gcm".into(),
            kdf: "pbkdf2".into(),
            hash: String::new(),
            iterations: 0,
            key_length: 32,
            salt: String::new(),
            wrapped_key: String::new(),
            nonce: String::new(),
            ct: String::new(),
        }
    }

    /// Parses `stored`, which must be aes_gcm under the key source `kdf`.
    fn read(stored: &[u8], kdf: &str) -> Result<Self, CipherError> {
        if !is_encrypted(stored) {
            return Err(CipherError::NotEncrypted);
        }
        let env: Envelope = serde_json::from_slice(stored).map_err(|e| CipherError::Damaged(e.to_string()))?;
        if env.method != "aes_gcm" || env.kdf != kdf {
            return Err(CipherError::WrongKey(format!(
                "it was encrypted with {}/{}, the configuration has aes_gcm/{kdf}",
                env.method, env.kdf
            )));
        }
        Ok(env)
    }
}

/// AES-256-GCM with a fresh 96-bit nonce; the envelope `env` carrying the result.
fn seal(key: &[u8; 32], aad: &[u8], plain: &[u8], mut env: Envelope) -> Result<Vec<u8>, CipherError> {
    let nonce = random(12)?;
    let cipher = Aes256Gcm::new_from_slice(&key[..]).map_err(|e| CipherError::Failed(e.to_string()))?;
    let ct = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad })
        .map_err(|e| CipherError::Failed(e.to_string()))?;
    env.nonce = b64(&nonce);
    env.ct = b64(&ct);
    serde_json::to_vec(&env).map_err(|e| CipherError::Failed(e.to_string()))
}

/// Opens the ciphertext of `env` with `key`.
fn open(key: &[u8; 32], aad: &[u8], env: &Envelope) -> Result<Vec<u8>, CipherError> {
    let nonce = unb64(&env.nonce, "nonce")?;
    let ct = unb64(&env.ct, "ciphertext")?;
    if nonce.len() != 12 {
        return Err(CipherError::Damaged("the nonce is not 12 bytes".into()));
    }
    let cipher = Aes256Gcm::new_from_slice(&key[..]).map_err(|e| CipherError::Failed(e.to_string()))?;
    cipher
        .decrypt(Nonce::from_slice(&nonce), Payload { msg: &ct, aad })
        .map_err(|_| CipherError::WrongKey("the authentication tag does not match".into()))
}

/// Whether `bytes` are an encrypted envelope (cheap: the envelope starts with its marker; no
/// state record, backup or plan document starts that way).
pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.strip_prefix(b"{\"").and_then(|r| r.strip_prefix(MARKER.as_bytes())).is_some_and(|r| r.starts_with(b"\":"))
}

fn envelope_method(bytes: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v.get("method").and_then(|m| m.as_str()).map(str::to_string))
        .unwrap_or_else(|| "unknown method".into())
}

/// A source of data keys kept by a key service (OpenTofu's `aws_kms` key provider): a fresh
/// 256-bit key comes with its wrapped form, which is stored beside the ciphertext and given
/// back to the service to unwrap.
pub trait DataKeys: Send + Sync + std::panic::RefUnwindSafe {
    /// The key provider's type (`aws_kms`), recorded in the envelope.
    fn kind(&self) -> &str;
    /// A new data key and its wrapped form.
    fn generate(&self) -> Result<([u8; 32], Vec<u8>), CipherError>;
    /// The data key inside `wrapped`.
    fn unwrap_key(&self, wrapped: &[u8]) -> Result<[u8; 32], CipherError>;
}

/// AES-256-GCM with data keys from a [`DataKeys`] source. One data key per process for
/// everything it encrypts (one call to the service), and each wrapped key unwrapped once.
pub struct AesGcmDataKey {
    keys: Arc<dyn DataKeys>,
    current: Mutex<Option<(Arc<[u8; 32]>, Vec<u8>)>>,
    unwrapped: Mutex<HashMap<Vec<u8>, Arc<[u8; 32]>>>,
}

impl AesGcmDataKey {
    pub fn new(keys: Arc<dyn DataKeys>) -> Self {
        AesGcmDataKey { keys, current: Mutex::new(None), unwrapped: Mutex::new(HashMap::new()) }
    }

    fn current(&self) -> Result<(Arc<[u8; 32]>, Vec<u8>), CipherError> {
        let mut slot = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            let (key, wrapped) = self.keys.generate()?;
            *slot = Some((Arc::new(key), wrapped));
        }
        Ok(slot.clone().unwrap_or_else(|| (Arc::new([0; 32]), Vec::new())))
    }
}

impl StateCipher for AesGcmDataKey {
    fn method(&self) -> &str {
        "aes_gcm"
    }

    fn encrypt(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CipherError> {
        let (key, wrapped) = self.current()?;
        let env = Envelope { kdf: self.keys.kind().into(), wrapped_key: b64(&wrapped), ..Envelope::aes_gcm() };
        seal(&key, aad, plain, env)
    }

    fn decrypt(&self, aad: &[u8], stored: &[u8]) -> Result<Vec<u8>, CipherError> {
        let env = Envelope::read(stored, self.keys.kind())?;
        let wrapped = unb64(&env.wrapped_key, "wrapped key")?;
        let cached = self.unwrapped.lock().unwrap_or_else(|p| p.into_inner()).get(&wrapped).cloned();
        let key = match cached {
            Some(k) => k,
            None => {
                let k = Arc::new(self.keys.unwrap_key(&wrapped)?);
                self.unwrapped.lock().unwrap_or_else(|p| p.into_inner()).insert(wrapped, k.clone());
                k
            }
        };
        open(&key, aad, &env)
    }
}

/// Stores bytes as they are; reads only plain bytes.
pub struct Unencrypted;

impl StateCipher for Unencrypted {
    fn method(&self) -> &str {
        "unencrypted"
    }
    fn encrypt(&self, _: &[u8], plain: &[u8]) -> Result<Vec<u8>, CipherError> {
        Ok(plain.to_vec())
    }
    fn decrypt(&self, _: &[u8], stored: &[u8]) -> Result<Vec<u8>, CipherError> {
        if is_encrypted(stored) {
            return Err(CipherError::Encrypted(envelope_method(stored)));
        }
        Ok(stored.to_vec())
    }
}

/// PBKDF2's HMAC hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pbkdf2Hash {
    Sha256,
    Sha512,
}

impl Pbkdf2Hash {
    pub fn name(self) -> &'static str {
        match self {
            Pbkdf2Hash::Sha256 => "sha256",
            Pbkdf2Hash::Sha512 => "sha512",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sha256" => Some(Pbkdf2Hash::Sha256),
            "sha512" => Some(Pbkdf2Hash::Sha512),
            _ => None,
        }
    }
}

/// A PBKDF2 key provider's settings (OpenTofu's names and defaults).
#[derive(Clone, PartialEq, Eq)]
pub struct Pbkdf2Params {
    pub passphrase: String,
    pub key_length: usize,
    pub iterations: u32,
    pub salt_length: usize,
    pub hash: Pbkdf2Hash,
}

impl std::fmt::Debug for Pbkdf2Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pbkdf2Params")
            .field("passphrase", &"(sensitive)")
            .field("key_length", &self.key_length)
            .field("iterations", &self.iterations)
            .field("salt_length", &self.salt_length)
            .field("hash", &self.hash)
            .finish()
    }
}

impl Pbkdf2Params {
    pub const MIN_ITERATIONS: u32 = 600_000;
    pub const MIN_PASSPHRASE: usize = 16;

    pub fn new(passphrase: String) -> Self {
        Pbkdf2Params {
            passphrase,
            key_length: 32,
            iterations: Self::MIN_ITERATIONS,
            salt_length: 32,
            hash: Pbkdf2Hash::Sha512,
        }
    }
}

type KeyCache = HashMap<(Pbkdf2Hash, u32, Vec<u8>), Arc<[u8; 32]>>;

/// Process-wide: every [`AesGcm`] with the same passphrase shares derived keys.
fn cache() -> &'static Mutex<HashMap<Vec<u8>, KeyCache>> {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<Vec<u8>, KeyCache>>> = std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn derive(passphrase: &str, hash: Pbkdf2Hash, iterations: u32, salt: &[u8]) -> Arc<[u8; 32]> {
    // Keyed by a digest of the passphrase, never the passphrase itself.
    let id = {
        use sha2::Digest;
        sha2::Sha256::digest(passphrase.as_bytes()).to_vec()
    };
    let slot = (hash, iterations, salt.to_vec());
    if let Some(k) = cache().lock().unwrap_or_else(|p| p.into_inner()).get(&id).and_then(|m| m.get(&slot)) {
        return k.clone();
    }
    let mut key = [0u8; 32];
    match hash {
        Pbkdf2Hash::Sha256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(passphrase.as_bytes(), salt, iterations, &mut key),
        Pbkdf2Hash::Sha512 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(passphrase.as_bytes(), salt, iterations, &mut key),
    }
    let key = Arc::new(key);
    cache().lock().unwrap_or_else(|p| p.into_inner()).entry(id).or_default().insert(slot, key.clone());
    key
}

fn random(n: usize) -> Result<Vec<u8>, CipherError> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).map_err(|e| CipherError::Failed(format!("no randomness from the OS: {e}")))?;
    Ok(b)
}

/// AES-256-GCM with a key derived by PBKDF2 from a passphrase.
pub struct AesGcm {
    params: Pbkdf2Params,
    /// The salt of everything this instance encrypts: adopted from the first envelope opened
    /// with the same parameters, else drawn at the first encryption.
    salt: Mutex<Option<Vec<u8>>>,
}

impl AesGcm {
    pub fn new(params: Pbkdf2Params) -> Result<Self, CipherError> {
        if params.key_length != 32 {
            return Err(CipherError::Failed(format!(
                "aes_gcm needs a 32-byte key (AES-256), the key provider gives {}",
                params.key_length
            )));
        }
        Ok(AesGcm { params, salt: Mutex::new(None) })
    }

    fn salt(&self) -> Result<Vec<u8>, CipherError> {
        let mut slot = self.salt.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(random(self.params.salt_length.max(16))?);
        }
        Ok(slot.clone().unwrap_or_default())
    }
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn unb64(s: &str, what: &str) -> Result<Vec<u8>, CipherError> {
    base64::engine::general_purpose::STANDARD.decode(s).map_err(|e| CipherError::Damaged(format!("{what}: {e}")))
}

impl StateCipher for AesGcm {
    fn method(&self) -> &str {
        "aes_gcm"
    }

    fn encrypt(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CipherError> {
        let p = &self.params;
        let salt = self.salt()?;
        let key = derive(&p.passphrase, p.hash, p.iterations, &salt);
        let env =
            Envelope { hash: p.hash.name().into(), iterations: p.iterations, salt: b64(&salt), ..Envelope::aes_gcm() };
        seal(&key, aad, plain, env)
    }

    fn decrypt(&self, aad: &[u8], stored: &[u8]) -> Result<Vec<u8>, CipherError> {
        let env = Envelope::read(stored, "pbkdf2")?;
        let hash =
            Pbkdf2Hash::parse(&env.hash).ok_or_else(|| CipherError::Damaged(format!("unknown hash {:?}", env.hash)))?;
        if env.key_length != 32 || env.iterations == 0 || env.iterations > 100_000_000 {
            return Err(CipherError::Damaged("implausible key derivation parameters".into()));
        }
        let salt = unb64(&env.salt, "salt")?;
        let key = derive(&self.params.passphrase, hash, env.iterations, &salt);
        let plain = open(&key, aad, &env)?;
        // Opened with our key and parameters: encrypt with its salt too (no second derivation).
        if hash == self.params.hash && env.iterations == self.params.iterations && salt.len() >= 16 {
            let mut slot = self.salt.lock().unwrap_or_else(|p| p.into_inner());
            if slot.is_none() {
                *slot = Some(salt);
            }
        }
        Ok(plain)
    }
}

/// A primary method (writes, and reads first) and an optional fallback (reads what the primary
/// cannot: the old key during a rotation, or plain data during a migration).
#[derive(Clone)]
pub struct Encryption {
    pub primary: Arc<dyn StateCipher>,
    pub fallback: Option<Arc<dyn StateCipher>>,
}

impl Default for Encryption {
    /// No encryption: plain data only.
    fn default() -> Self {
        Encryption { primary: Arc::new(Unencrypted), fallback: None }
    }
}

impl std::fmt::Debug for Encryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Encryption({}, fallback {:?})",
            self.primary.method(),
            self.fallback.as_ref().map(|c| c.method().to_string())
        )
    }
}

impl Encryption {
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CipherError> {
        self.primary.encrypt(aad, plain)
    }

    /// Decrypts with the primary, else the fallback; the error is the primary's (unless the
    /// fallback recognised the data and failed for its own reason, e.g. the old key is wrong).
    pub fn open(&self, aad: &[u8], stored: &[u8]) -> Result<Vec<u8>, CipherError> {
        self.open_with_origin(aad, stored).map(|(b, _)| b)
    }

    /// Like [`Encryption::open`]; the flag is true when the fallback opened it (the value should
    /// be written again with the primary).
    pub fn open_with_origin(&self, aad: &[u8], stored: &[u8]) -> Result<(Vec<u8>, bool), CipherError> {
        match self.primary.decrypt(aad, stored) {
            Ok(b) => Ok((b, false)),
            Err(first) => match &self.fallback {
                Some(f) => match f.decrypt(aad, stored) {
                    Ok(b) => Ok((b, true)),
                    Err(e @ CipherError::WrongKey(_)) if matches!(first, CipherError::NotEncrypted) => Err(e),
                    Err(_) => Err(first),
                },
                None => Err(first),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(pass: &str) -> Pbkdf2Params {
        Pbkdf2Params { iterations: 1000, ..Pbkdf2Params::new(pass.into()) }
    }

    #[test]
    fn round_trip_hides_the_plaintext() {
        let c = AesGcm::new(fast("correct horse battery staple")).unwrap();
        let sealed = c.encrypt(b"resource/a", b"-----BEGIN PRIVATE KEY-----").unwrap();
        assert!(is_encrypted(&sealed));
        assert!(!sealed.windows(11).any(|w| w == b"PRIVATE KEY"));
        assert_eq!(c.decrypt(b"resource/a", &sealed).unwrap(), b"-----BEGIN PRIVATE KEY-----");
        // Two encryptions of the same bytes differ (fresh nonce).
        assert_ne!(sealed, c.encrypt(b"resource/a", b"-----BEGIN PRIVATE KEY-----").unwrap());
        // Another instance (another run) re-derives the key from the envelope, and then
        // encrypts with that salt (one derivation per run).
        let other = AesGcm::new(fast("correct horse battery staple")).unwrap();
        assert_eq!(other.decrypt(b"resource/a", &sealed).unwrap(), b"-----BEGIN PRIVATE KEY-----");
        let salt = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap()["salt"].clone();
        assert_eq!(salt(&other.encrypt(b"x", b"y").unwrap()), salt(&sealed));
        // A fresh instance that opened nothing draws its own salt.
        let third = AesGcm::new(fast("correct horse battery staple")).unwrap();
        assert_ne!(salt(&third.encrypt(b"x", b"y").unwrap()), salt(&sealed));
    }

    #[test]
    fn tampering_wrong_key_and_moved_records_fail() {
        let c = AesGcm::new(fast("correct horse battery staple")).unwrap();
        let sealed = c.encrypt(b"k", b"secret value").unwrap();
        let mut env: serde_json::Value = serde_json::from_slice(&sealed).unwrap();
        let mut ct = unb64(env["ct"].as_str().unwrap(), "ct").unwrap();
        ct[0] ^= 1;
        env["ct"] = b64(&ct).into();
        let tampered = serde_json::to_vec(&env).unwrap();
        assert!(matches!(c.decrypt(b"k", &tampered), Err(CipherError::WrongKey(_))));
        let wrong = AesGcm::new(fast("another passphrase, long")).unwrap();
        let e = wrong.decrypt(b"k", &sealed).unwrap_err();
        assert!(e.to_string().contains("wrong passphrase or key"), "{e}");
        assert!(matches!(c.decrypt(b"other key", &sealed), Err(CipherError::WrongKey(_))));
        assert!(matches!(c.decrypt(b"k", b"{\"meshplan_encrypted\":1,"), Err(CipherError::Damaged(_))));
    }

    #[test]
    fn fallback_reads_what_the_primary_cannot() {
        let aes: Arc<dyn StateCipher> = Arc::new(AesGcm::new(fast("correct horse battery staple")).unwrap());
        let plain: Arc<dyn StateCipher> = Arc::new(Unencrypted);
        let migrate = Encryption { primary: aes.clone(), fallback: Some(plain.clone()) };
        assert_eq!(migrate.open_with_origin(b"k", b"{\"a\":1}").unwrap(), (b"{\"a\":1}".to_vec(), true));
        let sealed = migrate.seal(b"k", b"{\"a\":1}").unwrap();
        assert_eq!(migrate.open_with_origin(b"k", &sealed).unwrap(), (b"{\"a\":1}".to_vec(), false));
        // Without the fallback, plain data is refused; without encryption, sealed data is.
        let strict = Encryption { primary: aes.clone(), fallback: None };
        assert_eq!(strict.open(b"k", b"{\"a\":1}"), Err(CipherError::NotEncrypted));
        assert!(matches!(Encryption::default().open(b"k", &sealed), Err(CipherError::Encrypted(_))));
        // Back to plain, with the old key as fallback.
        let back = Encryption { primary: plain, fallback: Some(aes) };
        assert_eq!(back.open_with_origin(b"k", &sealed).unwrap(), (b"{\"a\":1}".to_vec(), true));
    }

    #[test]
    fn key_rotation_reads_the_old_key_and_writes_the_new() {
        let old: Arc<dyn StateCipher> = Arc::new(AesGcm::new(fast("the old passphrase, long")).unwrap());
        let new: Arc<dyn StateCipher> = Arc::new(AesGcm::new(fast("the new passphrase, long")).unwrap());
        let sealed_old = old.encrypt(b"k", b"v").unwrap();
        let rotate = Encryption { primary: new.clone(), fallback: Some(old) };
        assert_eq!(rotate.open_with_origin(b"k", &sealed_old).unwrap(), (b"v".to_vec(), true));
        let resealed = rotate.seal(b"k", b"v").unwrap();
        assert_eq!(Encryption { primary: new, fallback: None }.open(b"k", &resealed).unwrap(), b"v");
        // Plain data that merely mentions the marker is not taken for an envelope.
        assert!(!is_encrypted(b"{\"value\":\"meshplan_encrypted\"}"));
        assert!(Encryption::default().open(b"k", b"{\"value\":\"meshplan_encrypted\"}").is_ok());
    }

    #[test]
    fn the_default_derivation_is_cached() {
        let c = AesGcm::new(Pbkdf2Params::new("correct horse battery staple".into())).unwrap();
        let t = std::time::Instant::now();
        let sealed = c.encrypt(b"", b"x").unwrap();
        let first = t.elapsed();
        let t = std::time::Instant::now();
        for _ in 0..20 {
            c.decrypt(b"", &sealed).unwrap();
        }
        let rest = t.elapsed();
        eprintln!("600000 rounds of PBKDF2-SHA512: {first:?}; 20 cached decryptions: {rest:?}");
        assert!(rest < first, "cached decryptions derive nothing");
    }
}
