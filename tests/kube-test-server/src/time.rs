//! Wall-clock timestamps in the RFC 3339 form Kubernetes uses (`2024-01-02T03:04:05Z`).

pub fn now_rfc3339() -> String {
    let now = jiff::Timestamp::now();
    // Kubernetes `metav1.Time` has second precision on the wire.
    jiff::Timestamp::from_second(now.as_second()).map(|t| t.to_string()).unwrap_or_else(|_| now.to_string())
}
