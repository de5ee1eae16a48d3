//! Security group rules as sets of *atoms*: one (protocol, ports, source, description)
//! each.
//!
//! AWS groups rules by protocol and ports; Terraform users write them grouped as they
//! like. Comparing atom sets makes both views equal when they allow the same traffic,
//! so grouping or ordering never shows as a diff, and updates touch only what changed.

use crate::values::{list_value, string_list};
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, PrefixListId, UserIdGroupPair};
use meshplan_provider::{Attribute, Block, Schema, Type, Value};
use std::collections::{BTreeMap, BTreeSet};

pub fn rule_block() -> Block {
    Block::list(
        Schema::new()
            .attr("from_port", Attribute::required(Type::Number))
            .attr("to_port", Attribute::required(Type::Number))
            .attr("protocol", Attribute::required(Type::String))
            // Terraform plans unset sources as empty lists and no description as "": policy
            // tools reading the JSON plan (checkov's CKV_AWS_24/25) expect those, not nulls.
            .attr("cidr_blocks", Attribute::optional(Type::list(Type::String)).default(Value::List(vec![])))
            .attr("ipv6_cidr_blocks", Attribute::optional(Type::list(Type::String)).default(Value::List(vec![])))
            .attr("prefix_list_ids", Attribute::optional(Type::list(Type::String)).default(Value::List(vec![])))
            .attr("security_groups", Attribute::optional(Type::set(Type::String)).default(Value::List(vec![])))
            .attr("self", Attribute::optional(Type::Bool).default(false))
            .attr("description", Attribute::optional(Type::String).default("")),
    )
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Cidr(String),
    Ipv6(String),
    PrefixList(String),
    Group(String),
    SelfGroup,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Atom {
    pub protocol: String,
    pub from: i64,
    pub to: i64,
    pub source: Source,
    pub description: String,
}

/// "all" and "-1" are the same protocol; its ports are meaningless and shown as 0.
fn normalize_protocol(p: &str, from: i64, to: i64) -> (String, i64, i64) {
    let p = p.to_ascii_lowercase();
    match p.as_str() {
        "-1" | "all" => ("-1".into(), 0, 0),
        "6" => ("tcp".into(), from, to),
        "17" => ("udp".into(), from, to),
        "1" => ("icmp".into(), from, to),
        _ => (p, from, to),
    }
}

/// The atoms of a list of rule objects (configuration or state).
pub fn atoms_of_rules(rules: &Value) -> BTreeSet<Atom> {
    let mut out = BTreeSet::new();
    for r in rules.as_list().into_iter().flatten() {
        let (protocol, from, to) = normalize_protocol(
            r.get_str("protocol").unwrap_or("-1"),
            r.get("from_port").as_i64().unwrap_or(0),
            r.get("to_port").as_i64().unwrap_or(0),
        );
        let description = r.get_str("description").unwrap_or_default().to_string();
        let mut push = |source| {
            out.insert(Atom { protocol: protocol.clone(), from, to, source, description: description.clone() });
        };
        string_list(r.get("cidr_blocks")).into_iter().for_each(|c| push(Source::Cidr(c)));
        string_list(r.get("ipv6_cidr_blocks")).into_iter().for_each(|c| push(Source::Ipv6(c)));
        string_list(r.get("prefix_list_ids")).into_iter().for_each(|c| push(Source::PrefixList(c)));
        string_list(r.get("security_groups")).into_iter().for_each(|c| push(Source::Group(c)));
        if r.get("self").as_bool() == Some(true) {
            push(Source::SelfGroup);
        }
    }
    out
}

/// The atoms of AWS's permissions; `own_id` turns references to the group itself into `self`.
pub fn atoms_of_permissions(perms: &[IpPermission], own_id: &str) -> BTreeSet<Atom> {
    let mut out = BTreeSet::new();
    for p in perms {
        let (protocol, from, to) = normalize_protocol(
            p.ip_protocol().unwrap_or("-1"),
            i64::from(p.from_port().unwrap_or(0)),
            i64::from(p.to_port().unwrap_or(0)),
        );
        let mut push = |source, description: Option<&str>| {
            let description = description.unwrap_or_default().to_string();
            out.insert(Atom { protocol: protocol.clone(), from, to, source, description });
        };
        for r in p.ip_ranges() {
            push(Source::Cidr(r.cidr_ip().unwrap_or_default().into()), r.description());
        }
        for r in p.ipv6_ranges() {
            push(Source::Ipv6(r.cidr_ipv6().unwrap_or_default().into()), r.description());
        }
        for r in p.prefix_list_ids() {
            push(Source::PrefixList(r.prefix_list_id().unwrap_or_default().into()), r.description());
        }
        for g in p.user_id_group_pairs() {
            let id = g.group_id().unwrap_or_default();
            let source = if id == own_id { Source::SelfGroup } else { Source::Group(id.into()) };
            push(source, g.description());
        }
    }
    out
}

/// Rule objects grouping atoms by protocol, ports and description (how AWS shows them).
pub fn rules_of_atoms(atoms: &BTreeSet<Atom>) -> Value {
    let mut groups: BTreeMap<(String, i64, i64, String), Vec<&Source>> = BTreeMap::new();
    for a in atoms {
        groups.entry((a.protocol.clone(), a.from, a.to, a.description.clone())).or_default().push(&a.source);
    }
    let rules = groups.into_iter().map(|((protocol, from, to, description), sources)| {
        let pick = |f: fn(&Source) -> Option<&String>| list_value(sources.iter().filter_map(|s| f(s)));
        Value::object([
            ("protocol", Value::from(protocol)),
            ("from_port", Value::from(from)),
            ("to_port", Value::from(to)),
            ("cidr_blocks", pick(|s| if let Source::Cidr(c) = s { Some(c) } else { None })),
            ("ipv6_cidr_blocks", pick(|s| if let Source::Ipv6(c) = s { Some(c) } else { None })),
            ("prefix_list_ids", pick(|s| if let Source::PrefixList(c) = s { Some(c) } else { None })),
            ("security_groups", pick(|s| if let Source::Group(c) = s { Some(c) } else { None })),
            ("self", Value::from(sources.iter().any(|s| **s == Source::SelfGroup))),
            ("description", Value::from(description)),
        ])
    });
    Value::List(rules.collect())
}

/// One AWS permission per atom (so revoking one never touches another).
pub fn permissions_of_atoms<'a>(atoms: impl IntoIterator<Item = &'a Atom>, own_id: &str) -> Vec<IpPermission> {
    atoms
        .into_iter()
        .map(|a| {
            let mut p = IpPermission::builder().ip_protocol(&a.protocol);
            if a.protocol != "-1" {
                p = p.from_port(a.from as i32).to_port(a.to as i32);
            }
            let d = (!a.description.is_empty()).then(|| a.description.clone());
            p = match &a.source {
                Source::Cidr(c) => p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(d).build()),
                Source::Ipv6(c) => p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(d).build()),
                Source::PrefixList(c) => {
                    p.prefix_list_ids(PrefixListId::builder().prefix_list_id(c).set_description(d).build())
                }
                Source::Group(g) => {
                    p.user_id_group_pairs(UserIdGroupPair::builder().group_id(g).set_description(d).build())
                }
                Source::SelfGroup => {
                    p.user_id_group_pairs(UserIdGroupPair::builder().group_id(own_id).set_description(d).build())
                }
            };
            p.build()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(proto: &str, from: i64, to: i64, cidrs: &[&str]) -> Value {
        Value::object([
            ("protocol", Value::from(proto)),
            ("from_port", Value::from(from)),
            ("to_port", Value::from(to)),
            ("cidr_blocks", list_value(cidrs.iter())),
        ])
    }

    #[test]
    fn grouping_and_order_do_not_matter() {
        let split = Value::List(vec![rule("tcp", 443, 443, &["10.0.0.0/8"]), rule("tcp", 443, 443, &["10.3.0.0/16"])]);
        let joined = Value::List(vec![rule("tcp", 443, 443, &["10.3.0.0/16", "10.0.0.0/8"])]);
        assert_eq!(atoms_of_rules(&split), atoms_of_rules(&joined));
        let all = Value::List(vec![rule("all", 0, 65535, &["0.0.0.0/0"])]);
        let minus_one = Value::List(vec![rule("-1", 0, 0, &["0.0.0.0/0"])]);
        assert_eq!(atoms_of_rules(&all), atoms_of_rules(&minus_one));
    }

    #[test]
    fn atoms_round_trip_through_rules() {
        let rules = Value::List(vec![
            rule("tcp", 22, 22, &["10.0.0.0/8", "192.168.0.0/16"]),
            rule("udp", 53, 53, &["10.0.0.0/8"]),
        ]);
        let atoms = atoms_of_rules(&rules);
        assert_eq!(atoms_of_rules(&rules_of_atoms(&atoms)), atoms);
    }
}
