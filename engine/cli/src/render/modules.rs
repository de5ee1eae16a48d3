//! `meshplan init`'s module lines, as Terraform prints them.

use meshplan_engine::ops::modules::ModuleEvent;

pub fn module_event(e: &ModuleEvent) -> String {
    match e {
        ModuleEvent::Downloading { source, version: Some(v), key } => format!("Downloading {source} {v} for {key}..."),
        ModuleEvent::Downloading { source, version: None, key } => format!("Downloading {source} for {key}..."),
        ModuleEvent::Ready { key, dir } => format!("- {key} in {dir}"),
    }
}
