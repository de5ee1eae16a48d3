//! The managed resource types. All are logical (they live only in state): `read` returns
//! the state as it is and `delete` forgets it.

pub mod cert_request;
pub mod locally_signed_cert;
pub mod private_key;
pub mod self_signed_cert;
