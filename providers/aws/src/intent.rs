//! The idempotency token of a create: sent as the API's client token where there is one and
//! written with the object as the [`INTENT_TAG`] tag, so the object can be found again after
//! a crash or a lost response ([`meshplan_provider::ResourceType::find`]).

use meshplan_provider::{Ctx, INTENT_TAG};
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// The engine's token for this create; without one (a caller that records no intent) a
/// fresh local token still makes the retries inside this one call safe.
pub fn token(ctx: &Ctx) -> String {
    ctx.idempotency_token.clone().unwrap_or_else(local_token)
}

/// `mp-` + 24 lowercase hex digits, like the engine's tokens.
fn local_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    h.write_u128(nanos);
    let a = h.finish();
    h.write_u64(a);
    let b = h.finish();
    format!("mp-{a:016x}{:08x}", b >> 32)
}

/// The tags a create writes: the desired ones plus the intent tag.
pub fn with_intent(mut tags: BTreeMap<String, String>, token: &str) -> BTreeMap<String, String> {
    tags.insert(INTENT_TAG.to_string(), token.to_string());
    tags
}

/// Whether remote tags carry `token` as the intent tag.
pub fn carries<'a>(mut tags: impl Iterator<Item = (&'a str, &'a str)>, token: &str) -> bool {
    tags.any(|(k, v)| k == INTENT_TAG && v == token)
}

/// A name for objects whose configuration leaves `name` unset, derived from the token so
/// that `find` can look the object up by name after a crash.
pub fn generated_name(prefix: &str, token: &str) -> String {
    format!("{prefix}{token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_tokens_are_short_and_distinct() {
        let (a, b) = (local_token(), local_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 27, "{a}");
        assert!(a[3..].chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{a}");
    }

    #[test]
    fn carries_matches_key_and_value() {
        let tags = with_intent(BTreeMap::from([("Name".to_string(), "x".to_string())]), "mp-1");
        assert!(carries(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), "mp-1"));
        assert!(!carries(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), "mp-2"));
    }
}
