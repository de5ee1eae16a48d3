//! Builtin functions (being written on the `fn` branch; this is the interface).
use meshplan_provider::{FunctionError, Value};
pub struct Env<'a> {
    pub base_dir: &'a std::path::Path,
    pub plan_timestamp: &'a str,
}
pub fn call(name: &str, _args: &[Value], _env: &Env) -> Result<Value, FunctionError> {
    Err(FunctionError::new(format!("unknown function {name}")))
}
pub fn exists(_name: &str) -> bool {
    false
}
pub fn names() -> &'static [&'static str] {
    &[]
}
