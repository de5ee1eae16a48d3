//! Module source addresses: the forms Terraform accepts in a `module` block's `source`.
//!
//! Order of detection follows Terraform: local paths, registry addresses, then go-getter's
//! detectors (`github.com/...` shorthand, scp-like git) and forced getters (`git::`, `s3::`,
//! `gcs::`, `file::`), then plain http(s) URLs.

use std::fmt;

pub const DEFAULT_REGISTRY: &str = "registry.terraform.io";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// `./x`, `../x` (or an absolute path): a directory next to the calling module.
    Local(String),
    Registry(RegistryAddr),
    Remote(Remote),
}

/// `[HOST/]NAMESPACE/NAME/PROVIDER[//SUBDIR]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryAddr {
    pub host: String,
    pub namespace: String,
    pub name: String,
    pub provider: String,
    pub subdir: Option<String>,
}

impl fmt::Display for RegistryAddr {
    /// The package, host included, as Terraform prints it ("Downloading registry.terraform.io/...").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}/{}", self.host, self.namespace, self.name, self.provider)
    }
}

/// Something fetched from elsewhere: a git repository, an archive over http(s), an S3 object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    pub kind: RemoteKind,
    /// The URL handed to git or the HTTP client (forced prefix, `//subdir` and the query
    /// arguments meshplan consumes removed).
    pub url: String,
    pub subdir: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RemoteKind {
    Git {
        reference: Option<String>,
        depth: Option<u32>,
    },
    /// `archive` is None for a URL that is not visibly an archive: it is fetched and must
    /// answer with an `X-Terraform-Get` header naming the real source.
    Http {
        archive: Option<ArchiveKind>,
    },
    S3,
    /// `gcs::https://www.googleapis.com/storage/v1/BUCKET/PATH`: one archive object, or every
    /// object under a prefix.
    Gcs,
    /// `file::PATH`: a directory copied as it is, or an archive file unpacked.
    File,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveKind {
    Zip,
    TarGz,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AddressError {
    #[error("{0:?} is not a valid module source")]
    Unrecognized(String),
    #[error("{address:?}: {reason}")]
    Invalid { address: String, reason: String },
}

impl Source {
    pub fn is_local(&self) -> bool {
        matches!(self, Source::Local(_))
    }
}

/// True for the sources Terraform reads as a directory of the calling module.
pub fn is_local_path(s: &str) -> bool {
    s.starts_with("./") || s.starts_with("../") || s.starts_with('/') || s == "." || s == ".."
}

pub fn parse(s: &str) -> Result<Source, AddressError> {
    let s = s.trim();
    if is_local_path(s) {
        return Ok(Source::Local(s.to_string()));
    }
    let (base, subdir) = split_subdir(s);
    if let Some(addr) = registry(&base, subdir.clone()) {
        return Ok(Source::Registry(addr));
    }
    remote(s, &base, subdir).map(Source::Remote)
}

/// Splits `URL//sub/dir?query` into `URL?query` and `sub/dir` (the `//` after a scheme's
/// `://` does not count).
pub fn split_subdir(s: &str) -> (String, Option<String>) {
    let after_scheme = s.find("://").map(|i| i + 3).unwrap_or(0);
    let (path, query) = match s[after_scheme..].find('?') {
        Some(q) => (&s[..after_scheme + q], &s[after_scheme + q..]),
        None => (s, ""),
    };
    match path[after_scheme..].find("//") {
        Some(i) => {
            let at = after_scheme + i;
            let sub = path[at + 2..].trim_matches('/').to_string();
            (format!("{}{query}", &path[..at]), (!sub.is_empty()).then_some(sub))
        }
        None => (s.to_string(), None),
    }
}

fn registry(base: &str, subdir: Option<String>) -> Option<RegistryAddr> {
    if base.contains("::") || base.contains("://") || base.contains('?') || base.contains('@') {
        return None;
    }
    let parts: Vec<&str> = base.split('/').collect();
    let (host, rest) = match parts.len() {
        3 => (DEFAULT_REGISTRY, &parts[..]),
        4 if is_hostname(parts[0]) => (parts[0], &parts[1..]),
        _ => return None,
    };
    // Terraform leaves these hosts to go-getter's shorthand detectors.
    if matches!(host, "github.com" | "bitbucket.org") {
        return None;
    }
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && !s.starts_with(['-', '_'])
    };
    let provider = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !(ident(rest[0]) && ident(rest[1]) && provider(rest[2])) {
        return None;
    }
    Some(RegistryAddr {
        host: host.to_ascii_lowercase(),
        namespace: rest[0].into(),
        name: rest[1].into(),
        provider: rest[2].into(),
        subdir,
    })
}

fn is_hostname(s: &str) -> bool {
    let host = s.rsplit_once(':').filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit())).map_or(s, |(h, _)| h);
    (host.contains('.') || host == "localhost")
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

fn remote(original: &str, base: &str, subdir: Option<String>) -> Result<Remote, AddressError> {
    let invalid = |reason: &str| AddressError::Invalid { address: original.to_string(), reason: reason.to_string() };
    if let Some((forced, rest)) = base.split_once("::") {
        if !forced.contains('/') {
            return match forced {
                "git" => git(rest, subdir).map_err(|r| invalid(&r)),
                "s3" => Ok(Remote { kind: RemoteKind::S3, url: rest.to_string(), subdir }),
                "gcs" if rest.starts_with("https://") || rest.starts_with("http://") => {
                    Ok(Remote { kind: RemoteKind::Gcs, url: rest.to_string(), subdir })
                }
                "gcs" => Err(invalid("gcs:: sources are gcs::https://www.googleapis.com/storage/v1/BUCKET/PATH URLs")),
                "file" => {
                    let path = rest.strip_prefix("file://").unwrap_or(rest);
                    if !path.starts_with('/') {
                        return Err(invalid(
                            "file:: sources are absolute paths (file::/path/to/module or .zip/.tar.gz)",
                        ));
                    }
                    Ok(Remote { kind: RemoteKind::File, url: path.to_string(), subdir })
                }
                "http" | "https" => http(rest, subdir).ok_or_else(|| invalid("not an http(s) URL")),
                other => Err(invalid(&format!(
                    "the `{other}::` getter is not supported (use git::, s3::, gcs::, file:: or an http(s) URL)"
                ))),
            };
        }
    }
    if let Some(rest) = base.strip_prefix("github.com/") {
        let (path, query) = rest.split_once('?').map_or((rest, None), |(p, q)| (p, Some(q)));
        if path.split('/').filter(|p| !p.is_empty()).count() < 2 {
            return Err(invalid("GitHub sources are github.com/OWNER/REPO"));
        }
        let path = path.trim_end_matches(".git");
        let url = format!("https://github.com/{path}.git{}", query.map(|q| format!("?{q}")).unwrap_or_default());
        return git(&url, subdir).map_err(|r| invalid(&r));
    }
    if let Some(url) = scp_like(base) {
        return git(&url, subdir).map_err(|r| invalid(&r));
    }
    if base.starts_with("http://") || base.starts_with("https://") {
        return http(base, subdir).ok_or_else(|| invalid("not an http(s) URL"));
    }
    Err(AddressError::Unrecognized(original.to_string()))
}

/// `git@github.com:owner/repo.git` → `ssh://git@github.com/owner/repo.git`.
fn scp_like(s: &str) -> Option<String> {
    if s.contains("://") {
        return None;
    }
    let (user_host, path) = s.split_once(':')?;
    let (user, host) = user_host.split_once('@')?;
    if user.is_empty() || host.is_empty() || host.contains('/') || path.is_empty() {
        return None;
    }
    Some(format!("ssh://{user}@{host}/{}", path.trim_start_matches('/')))
}

fn split_query(url: &str) -> (&str, Vec<(String, String)>) {
    match url.split_once('?') {
        Some((u, q)) => (
            u,
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.split_once('=').map_or((p.to_string(), String::new()), |(k, v)| (k.to_string(), v.to_string()))
                })
                .collect(),
        ),
        None => (url, Vec::new()),
    }
}

fn git(url: &str, subdir: Option<String>) -> Result<Remote, String> {
    let (bare, query) = split_query(url);
    let (mut reference, mut depth) = (None, None);
    for (k, v) in query {
        match k.as_str() {
            "ref" if !v.is_empty() => reference = Some(v),
            "depth" => {
                depth = Some(
                    v.parse::<u32>()
                        .ok()
                        .filter(|d| *d > 0)
                        .ok_or(format!("depth must be a positive number, not {v:?}"))?,
                )
            }
            other => return Err(format!("unsupported git argument `{other}` (supported: ref, depth)")),
        }
    }
    let known = ["https://", "http://", "ssh://", "file://", "git://"];
    if !known.iter().any(|p| bare.starts_with(p)) {
        return Err("git sources are git::https://, git::ssh://, git::file:// or git@HOST:PATH URLs".into());
    }
    Ok(Remote { kind: RemoteKind::Git { reference, depth }, url: bare.to_string(), subdir })
}

fn http(url: &str, subdir: Option<String>) -> Option<Remote> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return None;
    }
    let (bare, query) = split_query(url);
    let mut archive = None;
    let mut kept = Vec::new();
    for (k, v) in query {
        if k == "archive" {
            archive = archive_kind(&format!("x.{v}"));
        } else {
            kept.push(if v.is_empty() { k } else { format!("{k}={v}") });
        }
    }
    let archive = archive.or_else(|| archive_kind(bare));
    let url = if kept.is_empty() { bare.to_string() } else { format!("{bare}?{}", kept.join("&")) };
    Some(Remote { kind: RemoteKind::Http { archive }, url, subdir })
}

pub(crate) fn archive_kind(path: &str) -> Option<ArchiveKind> {
    if path.ends_with(".zip") {
        Some(ArchiveKind::Zip)
    } else if path.ends_with(".tar.gz") || path.ends_with(".tgz") {
        Some(ArchiveKind::TarGz)
    } else {
        None
    }
}

/// Resolves `reference` (an `X-Terraform-Get` value) against the URL it came from. Forced
/// (`git::`) and absolute sources stand alone.
pub fn resolve_relative(base: &str, reference: &str) -> String {
    if reference.contains("://")
        || reference.split_once("::").is_some_and(|(p, _)| !p.contains('/'))
        || scp_like(reference).is_some()
    {
        return reference.to_string();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    if reference.starts_with("//") {
        return format!("{}{reference}", &base[..scheme_end.saturating_sub(2)]);
    }
    if reference.starts_with('/') {
        return format!("{}{reference}", &base[..authority_end]);
    }
    let base = base.split('?').next().unwrap_or(base);
    let dir_end = base.rfind('/').filter(|i| *i >= authority_end).map_or(base.len(), |i| i + 1);
    let mut dir = base[..dir_end].to_string();
    if !dir.ends_with('/') {
        dir.push('/');
    }
    let mut rest = reference;
    loop {
        if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix("../") {
            rest = r;
            let trimmed = dir.trim_end_matches('/');
            if trimmed.len() > authority_end {
                dir = format!("{}/", &trimmed[..trimmed.rfind('/').unwrap_or(trimmed.len())]);
            }
        } else {
            break;
        }
    }
    format!("{dir}{rest}")
}

/// `url` with any password in its user part, and query values that look secret
/// (`aws_access_key_secret`, `token`, `signature`...), replaced by `***` (for messages).
pub fn redact(url: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let mut out = redact_userinfo(base);
    if let Some(q) = query {
        let secret = |k: &str| {
            ["secret", "token", "password", "signature", "sig"].iter().any(|s| k.to_ascii_lowercase().contains(s))
        };
        let parts: Vec<String> = q
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if secret(k) => format!("{k}=***"),
                _ => p.to_string(),
            })
            .collect();
        out = format!("{out}?{}", parts.join("&"));
    }
    out
}

fn redact_userinfo(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else { return url.to_string() };
    let end = url[start..].find('/').map_or(url.len(), |i| start + i);
    match url[start..end].rfind('@') {
        Some(at) => match url[start..start + at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..start], &url[start + at..]),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(host: &str, ns: &str, name: &str, prov: &str, sub: Option<&str>) -> Source {
        Source::Registry(RegistryAddr {
            host: host.into(),
            namespace: ns.into(),
            name: name.into(),
            provider: prov.into(),
            subdir: sub.map(Into::into),
        })
    }
    fn git(url: &str, reference: Option<&str>, depth: Option<u32>, sub: Option<&str>) -> Source {
        Source::Remote(Remote {
            kind: RemoteKind::Git { reference: reference.map(Into::into), depth },
            url: url.into(),
            subdir: sub.map(Into::into),
        })
    }
    fn http(url: &str, archive: Option<ArchiveKind>, sub: Option<&str>) -> Source {
        Source::Remote(Remote { kind: RemoteKind::Http { archive }, url: url.into(), subdir: sub.map(Into::into) })
    }

    #[test]
    fn local_paths() {
        assert_eq!(parse("./vpc").unwrap(), Source::Local("./vpc".into()));
        assert_eq!(parse("../../modules/x").unwrap(), Source::Local("../../modules/x".into()));
        assert_eq!(parse("/abs/dir").unwrap(), Source::Local("/abs/dir".into()));
    }

    #[test]
    fn registry_addresses() {
        assert_eq!(
            parse("terraform-aws-modules/vpc/aws").unwrap(),
            reg(DEFAULT_REGISTRY, "terraform-aws-modules", "vpc", "aws", None)
        );
        assert_eq!(
            parse("app.terraform.io/acme/vpc/aws").unwrap(),
            reg("app.terraform.io", "acme", "vpc", "aws", None)
        );
        assert_eq!(parse("localhost:8080/acme/vpc/aws").unwrap(), reg("localhost:8080", "acme", "vpc", "aws", None));
        assert_eq!(
            parse("terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks").unwrap(),
            reg(
                DEFAULT_REGISTRY,
                "terraform-aws-modules",
                "iam",
                "aws",
                Some("modules/iam-role-for-service-accounts-eks")
            )
        );
        assert_eq!(
            parse("Registry.Test/ns/name/prov//sub").unwrap(),
            reg("registry.test", "ns", "name", "prov", Some("sub"))
        );
    }

    #[test]
    fn git_sources() {
        assert_eq!(
            parse("git::https://example.com/vpc.git").unwrap(),
            git("https://example.com/vpc.git", None, None, None)
        );
        assert_eq!(
            parse("git::https://example.com/vpc.git?ref=v1.2.0").unwrap(),
            git("https://example.com/vpc.git", Some("v1.2.0"), None, None)
        );
        assert_eq!(
            parse("git::ssh://git@example.com/vpc.git//modules/a?ref=main&depth=1").unwrap(),
            git("ssh://git@example.com/vpc.git", Some("main"), Some(1), Some("modules/a"))
        );
        assert_eq!(
            parse("git::file:///tmp/repo.git?ref=abc123").unwrap(),
            git("file:///tmp/repo.git", Some("abc123"), None, None)
        );
        assert_eq!(
            parse("git::file:///tmp/repo.git//sub").unwrap(),
            git("file:///tmp/repo.git", None, None, Some("sub"))
        );
        assert_eq!(
            parse("git@github.com:owner/repo.git").unwrap(),
            git("ssh://git@github.com/owner/repo.git", None, None, None)
        );
        assert_eq!(
            parse("git@github.com:owner/repo.git//x?ref=v2").unwrap(),
            git("ssh://git@github.com/owner/repo.git", Some("v2"), None, Some("x"))
        );
        assert_eq!(parse("github.com/owner/repo").unwrap(), git("https://github.com/owner/repo.git", None, None, None));
        assert_eq!(
            parse("github.com/owner/repo//mod?ref=v1").unwrap(),
            git("https://github.com/owner/repo.git", Some("v1"), None, Some("mod"))
        );
    }

    #[test]
    fn http_archives() {
        assert_eq!(
            parse("https://example.com/vpc.zip").unwrap(),
            http("https://example.com/vpc.zip", Some(ArchiveKind::Zip), None)
        );
        assert_eq!(
            parse("https://example.com/vpc.tar.gz//vpc-1.0").unwrap(),
            http("https://example.com/vpc.tar.gz", Some(ArchiveKind::TarGz), Some("vpc-1.0"))
        );
        assert_eq!(
            parse("http://127.0.0.1:9/m.tgz").unwrap(),
            http("http://127.0.0.1:9/m.tgz", Some(ArchiveKind::TarGz), None)
        );
        assert_eq!(
            parse("https://example.com/get?archive=zip&sig=abc").unwrap(),
            http("https://example.com/get?sig=abc", Some(ArchiveKind::Zip), None)
        );
        assert_eq!(parse("https://example.com/module").unwrap(), http("https://example.com/module", None, None));
    }

    #[test]
    fn gcs_and_file_sources() {
        assert_eq!(
            parse("gcs::https://www.googleapis.com/storage/v1/b/mods/vpc.zip//sub").unwrap(),
            Source::Remote(Remote {
                kind: RemoteKind::Gcs,
                url: "https://www.googleapis.com/storage/v1/b/mods/vpc.zip".into(),
                subdir: Some("sub".into())
            })
        );
        assert_eq!(
            parse("file::/srv/modules/vpc").unwrap(),
            Source::Remote(Remote { kind: RemoteKind::File, url: "/srv/modules/vpc".into(), subdir: None })
        );
        assert_eq!(
            parse("file::file:///srv/m.tar.gz").unwrap(),
            Source::Remote(Remote { kind: RemoteKind::File, url: "/srv/m.tar.gz".into(), subdir: None })
        );
        assert!(matches!(parse("file::relative/dir"), Err(AddressError::Invalid { .. })));
        assert!(matches!(parse("gcs::bucket/x"), Err(AddressError::Invalid { .. })));
    }

    #[test]
    fn s3_and_errors() {
        assert!(matches!(
            parse("s3::https://s3.amazonaws.com/bucket/vpc.zip").unwrap(),
            Source::Remote(Remote { kind: RemoteKind::S3, .. })
        ));
        assert_eq!(parse("vpc").unwrap_err(), AddressError::Unrecognized("vpc".into()));
        assert!(matches!(parse("hg::https://example.com/x"), Err(AddressError::Invalid { .. })));
        assert!(matches!(parse("git::https://example.com/x.git?sshkey=abc"), Err(AddressError::Invalid { .. })));
        assert!(matches!(parse("git::https://example.com/x.git?depth=zero"), Err(AddressError::Invalid { .. })));
        assert!(matches!(parse("github.com/owner"), Err(AddressError::Invalid { .. })));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("https://user:tok@example.com/r.git"), "https://user:***@example.com/r.git");
        assert_eq!(redact("ssh://git@example.com/r.git"), "ssh://git@example.com/r.git");
        assert_eq!(redact("https://example.com/a@b"), "https://example.com/a@b");
        assert_eq!(
            redact("s3::https://h/b/k.zip?aws_access_key_id=AK&aws_access_key_secret=SK&region=x"),
            "s3::https://h/b/k.zip?aws_access_key_id=AK&aws_access_key_secret=***&region=x"
        );
        assert_eq!(redact("https://u:p@h/x.zip?X-Amz-Signature=abc"), "https://u:***@h/x.zip?X-Amz-Signature=***");
    }

    #[test]
    fn relative_download_locations() {
        let base = "http://127.0.0.1:80/v1/modules/ns/name/prov/1.0.0/download";
        assert_eq!(
            resolve_relative(base, "./archive.tar.gz"),
            "http://127.0.0.1:80/v1/modules/ns/name/prov/1.0.0/archive.tar.gz"
        );
        assert_eq!(resolve_relative(base, "../../x.zip"), "http://127.0.0.1:80/v1/modules/ns/name/x.zip");
        assert_eq!(resolve_relative(base, "/files/a.tgz"), "http://127.0.0.1:80/files/a.tgz");
        assert_eq!(resolve_relative(base, "//other.host/a.tgz"), "http://other.host/a.tgz");
        assert_eq!(
            resolve_relative(base, "git::https://example.com/r.git?ref=v1"),
            "git::https://example.com/r.git?ref=v1"
        );
        assert_eq!(resolve_relative(base, "https://cdn/x.zip"), "https://cdn/x.zip");
    }
}
