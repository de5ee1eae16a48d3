//! The provider SDK: the seam between the meshplan engine and the providers.
//!
//! A provider is in-process Rust: a [`Provider`] hands out [`ResourceType`]s and
//! [`DataSource`]s, each described by a [`Schema`] and speaking in [`Value`]s.
//! This crate does no I/O and knows nothing of the engine; providers depend on it,
//! the engine depends on it, and neither depends on the other.
//!
//! Contract with providers:
//! - Values handed to a provider never contain [`Value::Sensitive`] marks; the engine strips
//!   them first and re-applies them (from the schema and the config) to what comes back.
//! - Values handed to `create`/`update`/`delete`/`read` are wholly known; `plan` may see
//!   [`Value::Unknown`] in the configuration.
//! - Nested blocks appear as lists of objects (or one object for [`Nesting::Single`]); set
//!   blocks ([`Nesting::Set`]) too, in the order written.

pub mod duration;
mod error;
mod function;
mod path;
mod plan;
mod provider;
mod schema;
pub mod schema_json;
mod value;

pub use error::ProviderError;
pub use function::{Function, FunctionError};
pub use path::{Path, PathStep};
pub use plan::{plan_with_schema, PlanRequest, Planned};
pub use provider::{Client, Ctx, DataSource, ImpliedKey, Provider, ResourceType, INTENT_TAG};
pub use schema::{Attribute, AttributeMode, Block, Nesting, Schema, Type};
pub use value::{format_number, Value};

pub use async_trait::async_trait;
