use crate::Value;

/// A function a provider adds to the language, callable as `provider::<name>::<fn>(...)`
/// (and by its bare name when no builtin function has that name).
///
/// Arguments arrive without sensitive marks and wholly known; the engine marks the result
/// sensitive when any argument was, and returns unknown when any argument is unknown.
#[derive(Clone)]
pub struct Function {
    pub name: &'static str,
    /// A one-line signature for diagnostics, e.g. `jwks(public_key_pems, include_empty_kid?)`.
    pub signature: &'static str,
    pub call: fn(&[Value]) -> Result<Value, FunctionError>,
}

/// A function failure: which argument (if known) and why.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct FunctionError {
    pub arg: Option<usize>,
    pub message: String,
}

impl FunctionError {
    pub fn new(message: impl Into<String>) -> Self {
        FunctionError { arg: None, message: message.into() }
    }
    pub fn arg(arg: usize, message: impl Into<String>) -> Self {
        FunctionError { arg: Some(arg), message: message.into() }
    }
}
