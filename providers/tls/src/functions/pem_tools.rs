//! `pem_certs` and `cert_fingerprint_sha1`.

use super::args;
use crate::inspect;
use meshplan_provider::{FunctionError, Value};

/// `pem_certs(pem)`: each certificate of a bundle, as its own PEM string.
pub fn pem_certs(a: &[Value]) -> Result<Value, FunctionError> {
    let text = args::string(a, 0, "pem")?;
    let ders = inspect::certificate_ders(&text).map_err(|e| FunctionError::arg(0, e))?;
    Ok(Value::List(ders.iter().map(|d| Value::from(inspect::certificate_pem(d))).collect()))
}

/// `cert_fingerprint_sha1(pem)`: lowercase hex SHA-1 of the first certificate's DER.
pub fn cert_fingerprint_sha1(a: &[Value]) -> Result<Value, FunctionError> {
    let text = args::string(a, 0, "pem")?;
    let ders = inspect::certificate_ders(&text).map_err(|e| FunctionError::arg(0, e))?;
    inspect::parse(&ders[0]).map_err(|e| FunctionError::arg(0, e))?;
    Ok(Value::from(inspect::sha1_fingerprint(&ders[0])))
}
