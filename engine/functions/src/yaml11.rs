//! Terraform's `yamldecode` resolves plain scalars as YAML 1.1 does (go-yaml):
//! `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0755` is the decimal 755, and timestamps
//! become RFC 3339 strings. serde_norway resolves by YAML 1.2, so plain scalars it leaves
//! as strings are resolved again here; quoted scalars stay strings.
//!
//! A plain scalar is told from a quoted one by where its text lies in the input: serde_norway
//! hands both out borrowed from it, and a quoted one follows its opening quote.

use serde::de::{DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_norway::value::{Tag, TaggedValue};
use serde_norway::{Mapping, Number, Value as Y};
use std::fmt;

#[derive(Clone, Copy)]
pub(super) struct Resolve<'de> {
    pub input: &'de str,
}

impl<'de> DeserializeSeed<'de> for Resolve<'de> {
    type Value = Y;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Y, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Resolve<'de> {
    type Value = Y;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Y, E> {
        Ok(Y::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Y, E> {
        Ok(Y::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Y, E> {
        Ok(Y::Number(n.into()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Y, E> {
        Ok(Y::Number(n.into()))
    }
    fn visit_unit<E>(self) -> Result<Y, E> {
        Ok(Y::Null)
    }
    fn visit_none<E>(self) -> Result<Y, E> {
        Ok(Y::Null)
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Y, E> {
        Ok(if self.is_plain(s) { plain(s) } else { Y::String(s.to_string()) })
    }
    fn visit_str<E>(self, s: &str) -> Result<Y, E> {
        Ok(Y::String(s.to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Y, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(self)? {
            items.push(v);
        }
        Ok(Y::Sequence(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Y, A::Error> {
        let mut out = Mapping::new();
        while let Some(k) = map.next_key_seed(self)? {
            let v = map.next_value_seed(self)?;
            out.insert(k, v);
        }
        Ok(Y::Mapping(out))
    }
    // A local tag (`!Ref x`) arrives as an enum variant.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Y, A::Error> {
        let (tag, variant): (String, _) = data.variant()?;
        let value = variant.newtype_variant_seed(self)?;
        Ok(Y::Tagged(Box::new(TaggedValue { tag: Tag::new(tag), value })))
    }
}

impl Resolve<'_> {
    fn is_plain(&self, s: &str) -> bool {
        let start = s.as_ptr() as usize;
        let base = self.input.as_ptr() as usize;
        if start < base || start > base + self.input.len() {
            return false;
        }
        let offset = start - base;
        !(offset > 0 && matches!(self.input.as_bytes()[offset - 1], b'"' | b'\''))
    }
}

/// A plain scalar serde_norway left as a string, resolved by YAML 1.1's rules.
fn plain(s: &str) -> Y {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Y::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Y::Bool(false),
        _ => {}
    }
    if is_decimal(s) {
        if let Ok(f) = s.parse::<f64>() {
            return Y::Number(Number::from(f));
        }
    }
    timestamp(s).map(Y::String).unwrap_or_else(|| Y::String(s.to_string()))
}

/// `[-+]?(digits[.digits]|.digits)([eE][-+]?digits)?` (leading zeros allowed: decimal).
fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (s, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let (whole, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    (!whole.is_empty() || !frac.is_empty())
        && digits(whole)
        && digits(frac)
        && exponent.is_none_or(|e| !e.is_empty() && digits(e))
}

/// go-yaml's timestamp forms, formatted as Go's RFC 3339 (fractional seconds dropped).
fn timestamp(s: &str) -> Option<String> {
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some((&s[i..i + 1], &s[i + 1..]))),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let num = |t: &str, min: usize, max: usize| {
        (t.len() >= min && t.len() <= max && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<u32>().ok())?
    };
    let (y, m, d) = (num(y, 4, 4)?, num(m, 1, 2)?, num(d, 1, 2)?);
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let Some((sep, time)) = time else {
        return Some(format!("{y:04}-{m:02}-{d:02}T00:00:00Z"));
    };
    // With a space there is no zone (UTC); with T/t the zone is Z or ±hh:mm.
    let (clock, zone) = if sep == " " {
        (time, "Z".to_string())
    } else if let Some(c) = time.strip_suffix('Z') {
        (c, "Z".to_string())
    } else {
        let i = time.rfind(['+', '-'])?;
        let (c, z) = time.split_at(i);
        let (zh, zm) = z[1..].split_once(':')?;
        let (zh, zm) = (num(zh, 2, 2)?, num(zm, 2, 2)?);
        (c, if zh == 0 && zm == 0 { "Z".to_string() } else { format!("{}{zh:02}:{zm:02}", &z[..1]) })
    };
    let clock = clock.split_once('.').map_or(clock, |(c, frac)| if num(frac, 1, 9).is_some() { c } else { "" });
    let mut hms = clock.split(':');
    let (h, mi, sec) = (num(hms.next()?, 1, 2)?, num(hms.next()?, 1, 2)?, num(hms.next()?, 1, 2)?);
    if hms.next().is_some() || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{sec:02}{zone}"))
}
