//! The tls provider (being written).
