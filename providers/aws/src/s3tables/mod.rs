//! S3 Tables: table buckets and the resource policies of table buckets and of tables (types
//! terraform-aws-modules/s3-bucket's `modules/table-bucket` declares; `aws_s3tables_table` not yet).

mod bucket_policy;
mod table_bucket;
mod table_policy;

use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(Managed(table_bucket::TableBucket)),
        Arc::new(Managed(bucket_policy::TableBucketPolicy)),
        Arc::new(Managed(table_policy::TablePolicy)),
    ]
}

/// S3 Tables' code for "no such bucket, table or policy".
const NOT_FOUND: &[&str] = &["NotFoundException"];
