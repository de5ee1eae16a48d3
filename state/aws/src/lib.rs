//! State on AWS: the S3 state backend (`terraform { backend "s3" { ... } }`, on aws-sdk-s3)
//! and the `aws_kms` key provider for encryption at rest ([`kms`], on aws-sdk-kms).
//!
//! Layout, as Terraform's so a team can switch tools and `state pull` stays meaningful:
//! - the default workspace's state is the object `key`; workspace `W`'s is
//!   `<workspace_key_prefix>/W/<key>` (prefix `env:` unless configured);
//! - the lock is `<state object>.tflock`, created with `If-None-Match: *` (so exactly one
//!   creator wins) and holding the holder's info as JSON, deleted on release;
//! - the state object is the document `meshplan state pull` prints (sealed whole when
//!   encryption is configured).
//!
//! Every write is a `PutObject` with `If-Match` on the ETag this process last read or wrote
//! (`If-None-Match: *` for a state not yet written): a writer that did not hold the lock, or a
//! lock broken by `force-unlock` while we still ran, is detected and refused, never overwritten.
//! The engine's group commit (one write in flight, carrying every change completed meanwhile)
//! keeps a large apply from uploading the state once per resource. Intent records are part of
//! the document, so an intent is durable (in S3) before its create is sent, as with sled.
//!
//! Backups: taking the lock copies the current object to `<state object>.backup` unless the
//! bucket keeps versions (then every earlier serial is an object version already).
//!
//! The [`StateBackend`] trait is synchronous; this crate runs the SDK on a small runtime of its
//! own, so it can be called from blocking threads and from inside the engine's runtime alike.

mod backend;
mod config;
pub mod kms;
mod lock;
mod runtime;

pub use backend::S3Backend;
pub use config::{S3Config, S3ConfigError};

use meshplan_state::{Encryption, StateError};
use runtime::Runtime;
use std::sync::Arc;

/// One bucket + key prefix: the place of every workspace's state.
#[derive(Clone)]
pub struct S3Store {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) config: S3Config,
    pub(crate) client: aws_sdk_s3::Client,
    pub(crate) rt: Runtime,
}

impl S3Store {
    /// A client for the configured bucket. Contacts nothing yet.
    pub fn connect(config: S3Config) -> Result<S3Store, StateError> {
        let rt = Runtime::new()?;
        let client = rt.run(config.client())?;
        Ok(S3Store { shared: Arc::new(Shared { config, client, rt }) })
    }

    /// The backend for one workspace.
    pub fn workspace(&self, name: &str, encryption: Encryption) -> S3Backend {
        S3Backend::new(self.shared.clone(), self.shared.config.object_key(name), encryption)
    }

    /// Every workspace with a state object, `default` first (it always exists, as in Terraform).
    pub fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let shared = self.shared.clone();
        let mut names = self.shared.rt.run(async move {
            let cfg = &shared.config;
            let prefix = format!("{}/", cfg.workspace_key_prefix);
            let mut names = Vec::new();
            let mut pages = shared.client.list_objects_v2().bucket(&cfg.bucket).prefix(&prefix).into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| sdk_error(cfg, "list the workspaces in", &prefix, e))?;
                for object in page.contents() {
                    let rest = object.key().unwrap_or_default().strip_prefix(&prefix).unwrap_or_default();
                    if let Some(name) = rest.strip_suffix(&format!("/{}", cfg.key)).filter(|n| !n.contains('/')) {
                        names.push(name.to_string());
                    }
                }
            }
            Ok::<_, StateError>(names)
        })??;
        names.sort();
        names.insert(0, "default".into());
        Ok(names)
    }

    /// Deletes a workspace's state object (and its backup). The default one cannot be deleted.
    pub fn delete_workspace(&self, name: &str) -> Result<(), StateError> {
        let key = self.shared.config.object_key(name);
        let shared = self.shared.clone();
        self.shared.rt.run(async move {
            for k in [key.clone(), format!("{key}.backup")] {
                shared
                    .client
                    .delete_object()
                    .bucket(&shared.config.bucket)
                    .key(&k)
                    .send()
                    .await
                    .map_err(|e| sdk_error(&shared.config, "delete", &k, e))?;
            }
            Ok(())
        })?
    }

    /// A workspace's state object as stored (a meshplan or a Terraform state document, maybe
    /// sealed), without decoding it: for `terraform_remote_state`. `None`: no such object.
    pub fn read_document(&self, workspace: &str) -> Result<Option<Vec<u8>>, StateError> {
        Ok(backend::fetch_raw(&self.shared, &self.shared.config.object_key(workspace))?.map(|(bytes, _, _)| bytes))
    }

    /// `s3://bucket/key` of a workspace's state, for messages.
    pub fn describe(&self, workspace: &str) -> String {
        format!("s3://{}/{}", self.shared.config.bucket, self.shared.config.object_key(workspace))
    }
}

/// An SDK error as a [`StateError`] naming what was being done to which object, with the
/// service's error code and message (never the request's credentials).
pub(crate) fn sdk_error<E, R>(
    cfg: &S3Config,
    doing: &str,
    key: &str,
    e: aws_sdk_s3::error::SdkError<E, R>,
) -> StateError
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let detail = match &e {
        aws_sdk_s3::error::SdkError::ServiceError(s) => {
            let m = s.err().meta();
            format!("{}: {}", m.code().unwrap_or("error"), m.message().unwrap_or("no message"))
        }
        other => {
            use std::error::Error;
            let mut text = other.to_string();
            let mut source = other.source();
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        }
    };
    StateError::Io(format!("cannot {doing} s3://{}/{key}: {detail}", cfg.bucket))
}
