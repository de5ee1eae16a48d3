//! Tests of the aws provider against a real moto server (and aws-smithy-mocks for
//! what moto lacks). `cargo test -p meshplan-provider-aws --test aws`.

#[path = "../support/mod.rs"]
mod support;

mod acmpca;
mod adoption;
mod autoscaling;
mod cloudformation;
mod compute;
mod data;
mod ec2_data;
mod ec2_mocks;
mod eks;
mod eks_features;
mod end_to_end;
mod events;
mod iam;
mod iam_data;
mod iam_users;
mod kms;
mod kms_import;
mod kms_more;
mod logs;
mod mocked_services;
mod mocks;
mod network;
mod notifications;
mod s3;
mod s3_config;
mod s3_directory;
mod s3_mocks;
mod s3tables;
mod skeleton;
mod sqs;
mod sqs_mocks;
mod subnet_groups;
mod vpc_fidelity;
mod vpn;
