//! Maps a URL path to what it addresses. Pure string work, no state.

/// An addressed resource: `/api/v1/namespaces/ns/pods/name/status` and friends.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePath {
    pub group: String,
    pub version: String,
    pub namespace: Option<String>,
    pub resource: String,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Health,
    Version,
    /// `/api`
    CoreVersions,
    /// `/apis`
    Groups,
    /// `/apis/{group}`
    Group(String),
    /// `/api/v1` or `/apis/{group}/{version}`
    ResourceList {
        group: String,
        version: String,
    },
    OpenApiV3Index,
    OpenApiV3 {
        group: String,
        version: String,
    },
    DebugObjects,
    Resource(ResourcePath),
    NotFound,
}

pub fn route(path: &str) -> Route {
    let parts: Vec<&str> = path.trim_matches('/').split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["healthz" | "livez" | "readyz", ..] => Route::Health,
        ["version"] => Route::Version,
        ["api"] => Route::CoreVersions,
        ["apis"] => Route::Groups,
        ["apis", group] => Route::Group(group.to_string()),
        ["api", version] => Route::ResourceList { group: String::new(), version: version.to_string() },
        ["apis", group, version] => Route::ResourceList { group: group.to_string(), version: version.to_string() },
        ["openapi", "v3"] => Route::OpenApiV3Index,
        ["openapi", "v3", "api", version] => Route::OpenApiV3 { group: String::new(), version: version.to_string() },
        ["openapi", "v3", "apis", group, version] => {
            Route::OpenApiV3 { group: group.to_string(), version: version.to_string() }
        }
        ["debug", "objects"] => Route::DebugObjects,
        ["api", version, rest @ ..] => resource(String::new(), version, rest),
        ["apis", group, version, rest @ ..] => resource(group.to_string(), version, rest),
        _ => Route::NotFound,
    }
}

/// Resolves the part after the group/version, the way the API server's RequestInfo does:
/// `namespaces/{ns}/{resource}/...` unless the third part is a namespace subresource.
fn resource(group: String, version: &str, rest: &[&str]) -> Route {
    let (namespace, rest) = match rest {
        ["namespaces", ns, resource, tail @ ..] if *resource != "status" && *resource != "finalize" => {
            (Some(ns.to_string()), std::iter::once(*resource).chain(tail.iter().copied()).collect::<Vec<_>>())
        }
        _ => (None, rest.to_vec()),
    };
    let (resource, name, subresource) = match rest.as_slice() {
        [resource] => (resource, None, None),
        [resource, name] => (resource, Some(name.to_string()), None),
        [resource, name, sub] => (resource, Some(name.to_string()), Some(sub.to_string())),
        _ => return Route::NotFound,
    };
    Route::Resource(ResourcePath {
        group,
        version: version.to_string(),
        namespace,
        resource: resource.to_string(),
        name,
        subresource,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(group: &str, ns: Option<&str>, resource: &str, name: Option<&str>, sub: Option<&str>) -> Route {
        Route::Resource(ResourcePath {
            group: group.into(),
            version: "v1".into(),
            namespace: ns.map(Into::into),
            resource: resource.into(),
            name: name.map(Into::into),
            subresource: sub.map(Into::into),
        })
    }

    #[test]
    fn paths_resolve_like_the_api_server() {
        assert_eq!(route("/api/v1/namespaces"), res("", None, "namespaces", None, None));
        assert_eq!(route("/api/v1/namespaces/foo"), res("", None, "namespaces", Some("foo"), None));
        assert_eq!(route("/api/v1/namespaces/foo/status"), res("", None, "namespaces", Some("foo"), Some("status")));
        assert_eq!(route("/api/v1/namespaces/foo/configmaps/x"), res("", Some("foo"), "configmaps", Some("x"), None));
        assert_eq!(
            route("/apis/apps/v1/namespaces/a/deployments/d/status"),
            res("apps", Some("a"), "deployments", Some("d"), Some("status"))
        );
        assert_eq!(route("/apis/apps/v1/deployments"), res("apps", None, "deployments", None, None));
        assert_eq!(route("/api/v1/a/b/c/d"), Route::NotFound);
        assert_eq!(route("/openapi/v3/apis/apps/v1"), Route::OpenApiV3 { group: "apps".into(), version: "v1".into() });
    }
}
