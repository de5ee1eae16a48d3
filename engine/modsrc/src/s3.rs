//! `s3::` sources (go-getter's forms): GetObject through the AWS SDK with the default
//! credential chain, or keys given in the query. The SDK is async: it runs on a runtime of its
//! own on a scoped thread, since `init` itself runs inside the CLI's runtime.

use crate::fetch::FetchError;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};

#[derive(Debug, PartialEq, Eq)]
struct Object {
    /// A custom (S3-compatible) endpoint, addressed path-style; None for AWS itself.
    endpoint: Option<String>,
    region: String,
    bucket: String,
    key: String,
    version: Option<String>,
    /// aws_access_key_id, aws_access_key_secret, aws_access_token from the query.
    keys: Option<(String, String, Option<String>)>,
}

/// `https://s3.amazonaws.com/bucket/key`, `https://s3-REGION.amazonaws.com/bucket/key`,
/// `https://bucket.s3.REGION.amazonaws.com/key`, or another host as an S3-compatible
/// endpoint (`http://127.0.0.1:9000/bucket/key?region=eu-west-1`).
fn parse(url: &str) -> Result<Object, String> {
    let (scheme, rest) = url.split_once("://").ok_or("s3:: sources are s3::https://HOST/BUCKET/KEY URLs")?;
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, path) = rest.split_once('/').ok_or("the URL names no bucket")?;
    let q = |name: &str| {
        query.split('&').find_map(|p| p.strip_prefix(name).and_then(|v| v.strip_prefix('='))).map(str::to_string)
    };
    let mut region = q("region");
    let (endpoint, bucket, key) = match host.strip_suffix(".amazonaws.com") {
        Some(aws) => {
            // [BUCKET.]s3[.-]REGION or [BUCKET.]s3
            let (bucket, service) = match aws.rsplit_once(".s3") {
                Some((b, tail)) => (Some(b.to_string()), format!("s3{tail}")),
                None => (None, aws.to_string()),
            };
            let from_host = service.strip_prefix("s3-").or_else(|| service.strip_prefix("s3.")).map(str::to_string);
            region = region.or(from_host);
            match bucket {
                Some(b) => (None, b, path.to_string()),
                None => {
                    let (b, k) = path.split_once('/').ok_or("the URL names no object key")?;
                    (None, b.to_string(), k.to_string())
                }
            }
        }
        None => {
            let (b, k) = path.split_once('/').ok_or("the URL names no object key")?;
            (Some(format!("{scheme}://{host}")), b.to_string(), k.to_string())
        }
    };
    if bucket.is_empty() || key.is_empty() {
        return Err("the URL names no bucket or no object key".into());
    }
    let keys =
        q("aws_access_key_id").zip(q("aws_access_key_secret")).map(|(id, secret)| (id, secret, q("aws_access_token")));
    Ok(Object {
        endpoint,
        region: region.unwrap_or_else(|| "us-east-1".into()),
        bucket,
        key,
        version: q("version"),
        keys,
    })
}

/// The object's bytes and its key (whose extension names the archive kind).
pub(crate) fn get_object(url: &str) -> Result<(Vec<u8>, String), FetchError> {
    let object = parse(url).map_err(|reason| FetchError::Protocol { url: display(url), reason })?;
    std::thread::scope(|s| {
        s.spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| FetchError::Unsupported(format!("cannot start a runtime for S3: {e}")))?;
            rt.block_on(fetch(&object, url)).map(|bytes| (bytes, object.key.clone()))
        })
        .join()
        .unwrap_or_else(|_| Err(FetchError::Unsupported("the S3 download thread failed".into())))
    })
}

async fn fetch(o: &Object, url: &str) -> Result<Vec<u8>, FetchError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(Region::new(o.region.clone()));
    if let Some((id, secret, token)) = &o.keys {
        loader = loader.credentials_provider(Credentials::new(id, secret, token.clone(), None, "s3-module-source"));
    }
    let shared = loader.load().await;
    let mut conf = aws_sdk_s3::config::Builder::from(&shared);
    if let Some(endpoint) = &o.endpoint {
        conf = conf.endpoint_url(endpoint).force_path_style(true);
    }
    let client = aws_sdk_s3::Client::from_conf(conf.build());
    let out =
        client.get_object().bucket(&o.bucket).key(&o.key).set_version_id(o.version.clone()).send().await.map_err(
            |e| {
                if e.as_service_error().is_some_and(|se| se.is_no_such_key()) {
                    FetchError::NotFound { url: display(url) }
                } else {
                    FetchError::Unreachable {
                        url: display(url),
                        reason: aws_smithy_types::error::display::DisplayErrorContext(&e).to_string(),
                    }
                }
            },
        )?;
    let body =
        out.body.collect().await.map_err(|e| FetchError::Unreachable { url: display(url), reason: e.to_string() })?;
    Ok(body.into_bytes().to_vec())
}

/// The URL without its query (which may hold keys).
fn display(url: &str) -> String {
    url.split('?').next().unwrap_or(url).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(endpoint: Option<&str>, region: &str, bucket: &str, key: &str) -> Object {
        Object {
            endpoint: endpoint.map(Into::into),
            region: region.into(),
            bucket: bucket.into(),
            key: key.into(),
            version: None,
            keys: None,
        }
    }

    #[test]
    fn url_forms() {
        assert_eq!(parse("https://s3.amazonaws.com/b/m/vpc.zip").unwrap(), obj(None, "us-east-1", "b", "m/vpc.zip"));
        assert_eq!(
            parse("https://s3-eu-west-1.amazonaws.com/b/vpc.zip").unwrap(),
            obj(None, "eu-west-1", "b", "vpc.zip")
        );
        assert_eq!(
            parse("https://s3.eu-west-2.amazonaws.com/b/vpc.zip").unwrap(),
            obj(None, "eu-west-2", "b", "vpc.zip")
        );
        assert_eq!(
            parse("https://b.s3.eu-west-2.amazonaws.com/vpc.zip").unwrap(),
            obj(None, "eu-west-2", "b", "vpc.zip")
        );
        assert_eq!(parse("https://b.s3.amazonaws.com/vpc.zip").unwrap(), obj(None, "us-east-1", "b", "vpc.zip"));
        assert_eq!(
            parse("http://127.0.0.1:9000/b/x/vpc.tgz?region=eu-west-1").unwrap(),
            obj(Some("http://127.0.0.1:9000"), "eu-west-1", "b", "x/vpc.tgz")
        );
        let with_keys = parse("http://h/b/k.zip?aws_access_key_id=AK&aws_access_key_secret=SK&version=3").unwrap();
        assert_eq!(with_keys.keys, Some(("AK".into(), "SK".into(), None)));
        assert_eq!(with_keys.version.as_deref(), Some("3"));
        assert!(parse("https://s3.amazonaws.com/bucket-only").is_err());
        assert_eq!(display("http://h/b/k.zip?aws_access_key_secret=SK"), "http://h/b/k.zip");
    }
}
