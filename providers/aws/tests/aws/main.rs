//! Tests of the aws provider against a real moto server (and aws-smithy-mocks for
//! what moto lacks). `cargo test -p meshplan-provider-aws --test aws`.

#[path = "../support/mod.rs"]
mod support;

mod acmpca;
mod adoption;
mod autoscaling;
mod compute;
mod data;
mod ec2_data;
mod ec2_mocks;
mod eks;
mod end_to_end;
mod events;
mod iam;
mod iam_users;
mod kms;
mod logs;
mod mocks;
mod network;
mod s3;
mod s3_config;
mod skeleton;
mod sqs;
mod vpc_fidelity;
mod vpn;
