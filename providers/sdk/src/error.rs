use crate::Value;

/// What a provider reports when an operation fails.
///
/// `partial_state` carries the last known state of an object that was created (or
/// changed) before the failure, so the engine can record it (tainted) instead of
/// orphaning it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ProviderError {
    pub message: String,
    /// A hint for the user ("check the role's trust policy").
    pub hint: Option<String>,
    /// The attribute the error is about, when there is one (for diagnostics that point at it).
    pub attribute: Option<String>,
    pub partial_state: Option<Value>,
}

impl ProviderError {
    pub fn new(message: impl Into<String>) -> Self {
        ProviderError { message: message.into(), hint: None, attribute: None, partial_state: None }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn at_attribute(mut self, name: impl Into<String>) -> Self {
        self.attribute = Some(name.into());
        self
    }
    pub fn with_partial_state(mut self, state: Value) -> Self {
        self.partial_state = Some(state);
        self
    }
}
