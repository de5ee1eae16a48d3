//! What the bucket configurations identified by `BUCKET:NAME` share (analytics, inventory,
//! metrics, intelligent tiering): the ID, its import, and finding a configuration that a
//! create whose answer was lost may have written (a PUT of the same document).

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::AwsResource;
use meshplan_provider::Value;

/// `BUCKET:NAME` → its two parts (both non-empty).
pub(crate) fn split(id: &str) -> Option<(&str, &str)> {
    id.split_once(':').filter(|(b, n)| !b.is_empty() && !n.is_empty())
}

pub(crate) fn import_seed(id: &str) -> Result<Vec<(&'static str, Value)>, String> {
    match split(id) {
        Some(_) => Ok(vec![("id", Value::from(id))]),
        None => Err(format!("expected BUCKET:NAME, got {id:?}")),
    }
}

/// The planned configuration's ID when the bucket holds it with the planned `compared`
/// attribute (the part that makes it this configuration rather than an older one).
pub(crate) async fn locate<T: AwsResource + ?Sized>(
    rt: &T,
    api: &Api<'_>,
    planned: &Value,
    compared: &str,
    not_found: &[&str],
) -> Result<Option<String>, AwsError> {
    let (Some(b), Some(n)) = (planned.get_str("bucket"), planned.get_str("name")) else { return Ok(None) };
    let id = format!("{b}:{n}");
    let mut s = planned.clone();
    match rt.read(api, &id, &mut s).await {
        Ok(Some(_)) if s.get(compared) == planned.get(compared) => Ok(Some(id)),
        Err(e) if !e.code().is_some_and(|c| not_found.contains(&c)) => Err(e),
        _ => Ok(None),
    }
}
