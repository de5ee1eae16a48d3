//! Data sources.

use meshplan_provider::DataSource;
use std::sync::Arc;

pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![]
}
