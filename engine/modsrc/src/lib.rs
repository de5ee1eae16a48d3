//! Module sources for `meshplan init`, as Terraform reads them: the source address forms
//! ([`address`]), version constraints ([`version`]), the module registry protocol
//! ([`registry`]), the fetchers (git CLI, http, S3 and GCS archives, local paths: [`fetch`]) and the
//! `.meshplan/modules/modules.json` manifest ([`manifest`]) that later commands load offline.
//!
//! Its own crate so HTTP, TLS and archive code compiles once, not with every engine edit. The
//! engine walks the module tree (it owns the configuration parser) and turns [`FetchError`]s
//! into diagnostics; nothing here prints.

pub mod address;
mod archive;
pub mod cli_config;
pub mod fetch;
mod gcs;
mod git;
mod http;
pub mod manifest;
pub mod registry;
mod s3;
pub mod version;

pub use address::{AddressError, Source};
pub use fetch::{FetchError, Fetcher};
pub use manifest::{Manifest, Record};
