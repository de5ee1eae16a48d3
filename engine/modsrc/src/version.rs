//! Terraform's version constraints (`~> 5.0`, `>= 1.2, < 2.0`, `= 1.0.0`, `!= 1.3.0`) over
//! semver versions. Not Cargo's semantics (semver::VersionReq): `~>` lets only the last
//! written segment grow, a bare version is exact, and a prerelease matches only an exact
//! constraint naming it.

use semver::Version;
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Pessimistic,
}

#[derive(Clone, Debug)]
struct Constraint {
    op: Op,
    version: Version,
    /// How many numeric segments were written (`~> 5.0` → 2).
    segments: usize,
}

/// A list of constraints that must all hold.
#[derive(Clone, Debug)]
pub struct Constraints(Vec<Constraint>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid version constraint {text:?}: {reason}")]
pub struct ConstraintError {
    pub text: String,
    pub reason: String,
}

/// A version as registries list them: `1.2.3`, `v1.2.3`, `1.2` (padded), `1.0.0-beta.1`.
/// Build metadata is dropped: it never orders versions.
pub fn parse_version(s: &str) -> Option<Version> {
    let s = s.trim().trim_start_matches('v');
    let s = s.split('+').next().unwrap_or(s);
    let (core, pre) = s.split_once('-').map_or((s, None), |(c, p)| (c, Some(p)));
    let nums: Vec<&str> = core.split('.').collect();
    if nums.is_empty() || nums.len() > 3 || nums.iter().any(|n| n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let mut padded = nums.join(".");
    for _ in nums.len()..3 {
        padded.push_str(".0");
    }
    if let Some(p) = pre {
        padded = format!("{padded}-{p}");
    }
    Version::parse(&padded).ok()
}

impl Constraints {
    pub fn parse(text: &str) -> Result<Self, ConstraintError> {
        let err = |reason: String| ConstraintError { text: text.to_string(), reason };
        let mut out = Vec::new();
        for part in text.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(err("an empty constraint (a stray comma?)".into()));
            }
            let (op, rest) = [
                ("~>", Op::Pessimistic),
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("!=", Op::Ne),
                ("=", Op::Eq),
                (">", Op::Gt),
                ("<", Op::Lt),
            ]
            .iter()
            .find_map(|(sym, op)| part.strip_prefix(sym).map(|r| (*op, r.trim())))
            .unwrap_or((Op::Eq, part));
            let version = parse_version(rest).ok_or_else(|| {
                err(format!("{rest:?} is not a version (write e.g. \"~> 1.2\" or \">= 1.0, < 2.0\")"))
            })?;
            let segments = rest.trim_start_matches('v').split(['-', '+']).next().unwrap_or("").split('.').count();
            out.push(Constraint { op, version, segments });
        }
        Ok(Constraints(out))
    }

    pub fn matches(&self, v: &Version) -> bool {
        // A prerelease is chosen only by name.
        if !v.pre.is_empty() && !self.0.iter().any(|c| c.op == Op::Eq && c.version == *v) {
            return false;
        }
        self.0.iter().all(|c| c.matches(v))
    }

    /// The newest of `versions` that matches (unparseable entries are skipped).
    pub fn newest<'a>(&self, versions: impl IntoIterator<Item = &'a str>) -> Option<(Version, &'a str)> {
        versions
            .into_iter()
            .filter_map(|s| parse_version(s).map(|v| (v, s)))
            .filter(|(v, _)| self.matches(v))
            .max_by(|a, b| a.0.cmp(&b.0))
    }
}

impl Constraint {
    fn matches(&self, v: &Version) -> bool {
        let ord = v.cmp(&self.version);
        match self.op {
            Op::Eq => ord == Ordering::Equal,
            Op::Ne => ord != Ordering::Equal,
            Op::Gt => ord == Ordering::Greater,
            Op::Ge => ord != Ordering::Less,
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
            Op::Pessimistic => {
                let (want, have) =
                    ([self.version.major, self.version.minor, self.version.patch], [v.major, v.minor, v.patch]);
                // Every written segment but the last is fixed; the last may grow.
                ord != Ordering::Less
                    && want[..self.segments.saturating_sub(1)] == have[..self.segments.saturating_sub(1)]
            }
        }
    }
}

/// Versions newest first, for "available versions" messages.
pub fn sorted_desc<'a>(versions: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<(Version, &str)> = versions.into_iter().filter_map(|s| parse_version(s).map(|v| (v, s))).collect();
    v.sort_by(|a, b| b.0.cmp(&a.0));
    v.into_iter().map(|(_, s)| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn newest(c: &str, versions: &[&'static str]) -> Option<&'static str> {
        Constraints::parse(c).unwrap().newest(versions.iter().copied()).map(|(_, s)| s)
    }

    const ALL: &[&str] =
        &["1.0.0", "1.2.0", "1.2.5", "1.3.0", "2.0.0", "2.1.0-beta.1", "5.0.0", "5.1.2", "5.9.0", "6.0.0"];

    #[test]
    fn pessimistic() {
        assert_eq!(newest("~> 5.0", ALL), Some("5.9.0"));
        assert_eq!(newest("~> 1.2.0", ALL), Some("1.2.5"));
        assert_eq!(newest("~> 1.2", ALL), Some("1.3.0"));
        assert_eq!(newest("~> 1", ALL), Some("6.0.0"), "a single segment may grow without bound, as go-version does");
        assert_eq!(newest("~> 7.0", ALL), None);
    }

    #[test]
    fn ranges_exact_and_exclusions() {
        assert_eq!(newest(">= 1.2, < 2.0", ALL), Some("1.3.0"));
        assert_eq!(newest("= 1.0.0", ALL), Some("1.0.0"));
        assert_eq!(newest("1.2.0", ALL), Some("1.2.0"));
        assert_eq!(newest("!= 6.0.0", ALL), Some("5.9.0"));
        assert_eq!(newest(">1.0.0,<=1.2.5,!=1.2.5", ALL), Some("1.2.0"));
        assert_eq!(newest("> 5.1", ALL), Some("6.0.0"));
    }

    #[test]
    fn prereleases_only_on_exact_match() {
        assert_eq!(newest(">= 2.0.0, < 3.0.0", ALL), Some("2.0.0"));
        assert_eq!(newest("~> 2.0", ALL), Some("2.0.0"));
        assert_eq!(newest("= 2.1.0-beta.1", ALL), Some("2.1.0-beta.1"));
        assert_eq!(newest("2.1.0-beta.1", ALL), Some("2.1.0-beta.1"));
    }

    #[test]
    fn lenient_versions_and_bad_constraints() {
        assert_eq!(parse_version("v1.2"), Version::parse("1.2.0").ok());
        assert_eq!(parse_version("1.0.0+build.5"), Version::parse("1.0.0").ok());
        assert_eq!(parse_version("one"), None);
        assert!(Constraints::parse(">= x").is_err());
        assert!(Constraints::parse("1.0,").is_err());
        assert_eq!(sorted_desc(["1.0.0", "junk", "1.10.0", "1.9.0"]), ["1.10.0", "1.9.0", "1.0.0"]);
    }
}
