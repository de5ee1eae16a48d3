//! S3 resources.

mod acl;
mod acl_policy;
mod analytics;
mod bucket;
mod bucket_settings;
mod cors;
mod directory_bucket;
mod doc;
mod encryption;
mod flags;
mod inventory;
mod lifecycle;
mod logging;
mod metric;
mod named;
mod notification;
mod object;
mod object_lock;
mod object_settings;
mod replication;
mod tiering;
mod website;
mod zones;

use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(bucket::Bucket),
        Arc::new(object::Object),
        Arc::new(bucket_settings::BucketPolicy),
        Arc::new(bucket_settings::PublicAccessBlock),
        Arc::new(bucket_settings::Versioning),
        Arc::new(bucket_settings::OwnershipControlsResource),
        Arc::new(crate::skeleton::Managed(encryption::Encryption)),
        Arc::new(crate::skeleton::Managed(logging::Logging)),
        Arc::new(crate::skeleton::Managed(acl::BucketAcl)),
        Arc::new(crate::skeleton::Managed(lifecycle::Lifecycle)),
        Arc::new(crate::skeleton::Managed(cors::Cors)),
        Arc::new(crate::skeleton::Managed(flags::BucketFlag(flags::Flag::Accelerate))),
        Arc::new(crate::skeleton::Managed(flags::BucketFlag(flags::Flag::RequestPayment))),
        Arc::new(crate::skeleton::Managed(website::Website)),
        Arc::new(crate::skeleton::Managed(notification::Notification)),
        Arc::new(crate::skeleton::Managed(object_lock::ObjectLock)),
        Arc::new(crate::skeleton::Managed(inventory::Inventory)),
        Arc::new(crate::skeleton::Managed(metric::Metric)),
        Arc::new(crate::skeleton::Managed(replication::Replication)),
        Arc::new(crate::skeleton::Managed(tiering::IntelligentTiering)),
        Arc::new(crate::skeleton::Managed(directory_bucket::DirectoryBucket)),
        Arc::new(crate::skeleton::Managed(analytics::Analytics)),
    ]
}
