//! `name` / `name_prefix`: the object's name is chosen before the create from the
//! configuration and the create's intent token, so a retried create (or `find` after a
//! crash) arrives at the same name and finds the object instead of making another.

use meshplan_provider::{Attribute, Schema, Type, Value};

#[derive(Clone, Debug)]
pub struct Naming {
    /// Whether the type has `name_prefix` too.
    pub prefix: bool,
    /// The start of a name when neither `name` nor `name_prefix` is set.
    pub unnamed: &'static str,
}

impl Naming {
    /// `name` and `name_prefix`, both optional+computed and force-new, as in Terraform.
    pub const fn with_prefix() -> Naming {
        Naming { prefix: true, unnamed: "meshplan-" }
    }

    pub fn add_to(&self, schema: Schema) -> Schema {
        let schema = schema.attr("name", Attribute::optional_computed(Type::String).force_new());
        if self.prefix {
            schema.attr("name_prefix", Attribute::optional_computed(Type::String).force_new())
        } else {
            schema
        }
    }

    /// The name a create with `token` gives the object: `name`, else `name_prefix` + a
    /// suffix from the token (26 characters, like Terraform's timestamp suffix), else
    /// `unnamed` + that suffix.
    pub fn resolve(&self, planned: &Value, token: &str) -> String {
        if let Some(name) = planned.get_str("name") {
            return name.to_string();
        }
        match planned.get_str("name_prefix").filter(|_| self.prefix) {
            Some(prefix) => prefixed(prefix, token),
            None => prefixed(self.unnamed, token),
        }
    }
}

/// `prefix` + a suffix from the create's token (for types whose prefix attribute has another
/// name, such as `node_group_name_prefix`).
pub fn prefixed(prefix: &str, token: &str) -> String {
    format!("{prefix}{}", suffix(token))
}

/// The name of a type that predates `Naming` (IAM roles and policies, security groups): as
/// `Naming::resolve` when `name_prefix` is set, else `name` or `meshplan-<token>` as these
/// types always named unnamed objects (so `find` still matches objects made before).
pub fn name_or_prefixed(planned: &Value, token: &str) -> String {
    if planned.get_str("name").is_none() && planned.get_str("name_prefix").is_some() {
        return Naming::with_prefix().resolve(planned, token);
    }
    crate::values::get_string(planned, "name").unwrap_or_else(|| crate::intent::generated_name("meshplan-", token))
}

/// `name_prefix` once the name is chosen: as configured, else null (a fixed or generated name).
pub fn settle_name_prefix(state: &mut Value) {
    if state.get("name_prefix").is_unknown() {
        state.set("name_prefix", Value::Null);
    }
}

/// The token without its dashes: `mp-<24 hex>` becomes 26 `[a-z0-9]` characters, valid in
/// every AWS name.
fn suffix(token: &str) -> String {
    token.chars().filter(|c| *c != '-').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_name_prefix_or_the_token() {
        let n = Naming::with_prefix();
        let token = "mp-0123456789abcdef01234567";
        let named = Value::object([("name", Value::from("x")), ("name_prefix", Value::Unknown)]);
        assert_eq!(n.resolve(&named, token), "x");
        let prefixed = Value::object([("name", Value::Unknown), ("name_prefix", Value::from("app-"))]);
        assert_eq!(n.resolve(&prefixed, token), "app-mp0123456789abcdef01234567");
        let unnamed = Value::object([("name", Value::Unknown), ("name_prefix", Value::Null)]);
        assert_eq!(n.resolve(&unnamed, token), "meshplan-mp0123456789abcdef01234567");
        // The same token always gives the same name: what `find` relies on.
        assert_eq!(n.resolve(&prefixed, token), n.resolve(&prefixed, token));
    }
}
