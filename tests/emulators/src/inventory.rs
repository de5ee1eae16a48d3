//! What moto holds (`inventory.py`) compared with what a state records: orphans (objects no
//! state record points to), duplicates (two objects for one resource: same Name tag, same
//! natural key) and dangling records (state pointing to an object moto does not have).
//!
//! State-agnostic: callers pass [`StateRecord`]s (type, address and attributes as JSON), read
//! from meshplan's state however they like.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One object of the inventory.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    pub kind: String,
    pub id: String,
    /// Identity as a configuration names it; equal keys = duplicates.
    pub key: String,
    pub tags: BTreeMap<String, String>,
    /// Everything inventory.py printed for it.
    pub fields: Value,
}

impl Object {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }
}

impl std::fmt::Display for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({})", self.kind, self.id, self.key)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inventory {
    pub objects: Vec<Object>,
}

impl Inventory {
    /// Parses inventory.py's output.
    pub fn from_json(text: &str) -> Result<Inventory, String> {
        let v: Value =
            serde_json::from_str(text.trim()).map_err(|e| format!("inventory output is not JSON ({e}): {text}"))?;
        let list = v
            .get("objects")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("inventory output has no objects: {text}"))?;
        let objects = list
            .iter()
            .map(|o| {
                let s = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                let tags = o
                    .get("tags")
                    .and_then(Value::as_object)
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
                    .unwrap_or_default();
                Object { kind: s("kind"), id: s("id"), key: s("key"), tags, fields: o.clone() }
            })
            .collect();
        Ok(Inventory { objects })
    }

    /// Runs `inventory.py` with `python` against `endpoint` (moto itself, not a proxy).
    pub fn collect(python: &Path, endpoint: &str, region: &str, env: &[(String, String)]) -> Result<Inventory, String> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory.py");
        let out = std::process::Command::new(python)
            .arg(&script)
            .args(["--endpoint", endpoint, "--region", region])
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .map_err(|e| format!("running {} {}: {e}", python.display(), script.display()))?;
        if !out.status.success() {
            return Err(format!("inventory.py failed:\n{}", String::from_utf8_lossy(&out.stderr)));
        }
        Inventory::from_json(&String::from_utf8_lossy(&out.stdout))
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// How many objects of each kind.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for o in &self.objects {
            *m.entry(o.kind.clone()).or_insert(0) += 1;
        }
        m
    }
}

/// One resource instance of a state, as the audit needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct StateRecord {
    pub address: String,
    pub type_name: String,
    pub attributes: Value,
}

impl StateRecord {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).and_then(Value::as_str)
    }
}

/// The result of [`audit`].
#[derive(Clone, Debug, Default)]
pub struct Audit {
    /// Objects in moto that no state record points to.
    pub orphans: Vec<Object>,
    /// Keys held by more than one object, with the objects' ids.
    pub duplicates: BTreeMap<String, Vec<String>>,
    /// Records whose object is not in moto (address, id).
    pub dangling: Vec<(String, String)>,
}

impl Audit {
    /// Extra objects made for one resource: Σ (objects of a key − 1).
    pub fn duplicate_count(&self) -> usize {
        self.duplicates.values().map(|ids| ids.len() - 1).sum()
    }

    pub fn is_clean(&self) -> bool {
        self.orphans.is_empty() && self.duplicates.is_empty()
    }
}

impl std::fmt::Display for Audit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} orphans, {} duplicates, {} dangling records",
            self.orphans.len(),
            self.duplicate_count(),
            self.dangling.len()
        )?;
        for o in &self.orphans {
            writeln!(f, "  orphan: {o}")?;
        }
        for (k, ids) in &self.duplicates {
            writeln!(f, "  duplicate: {k}: {}", ids.join(", "))?;
        }
        for (a, id) in &self.dangling {
            writeln!(f, "  dangling: {a} -> {id}")?;
        }
        Ok(())
    }
}

/// The resource type whose record's `id` is the object's id, for kinds addressed that way.
fn id_type(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "vpc" => "aws_vpc",
        "subnet" => "aws_subnet",
        "internet_gateway" => "aws_internet_gateway",
        "eip" => "aws_eip",
        "nat_gateway" => "aws_nat_gateway",
        "route_table" => "aws_route_table",
        "route_table_association" => "aws_route_table_association",
        "security_group" => "aws_security_group",
        "vpc_peering_connection" => "aws_vpc_peering_connection",
        "iam_role" => "aws_iam_role",
        "iam_policy" => "aws_iam_policy",
        "iam_openid_connect_provider" => "aws_iam_openid_connect_provider",
        "s3_bucket" => "aws_s3_bucket",
        "eks_cluster" => "aws_eks_cluster",
        _ => return None,
    })
}

fn num(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)).or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn all_protocols(p: Option<&str>) -> bool {
    matches!(p, Some("-1" | "all"))
}

/// Whether an inline `ingress`/`egress` entry of an `aws_security_group` record covers the rule.
fn inline_covers(entry: &Value, rule: &Object) -> bool {
    let proto = entry.get("protocol").and_then(Value::as_str);
    let rule_proto = rule.field("protocol");
    let same_proto = proto == rule_proto
        || (all_protocols(proto) && all_protocols(rule_proto))
        || (proto == Some("tcp") && rule_proto == Some("6"))
        || (proto == Some("udp") && rule_proto == Some("17"));
    if !same_proto {
        return false;
    }
    if !all_protocols(rule_proto) {
        let ports = |v: &Value, a: &str| v.get(a).and_then(num);
        if ports(entry, "from_port") != ports(&rule.fields, "from_port")
            || ports(entry, "to_port") != ports(&rule.fields, "to_port")
        {
            return false;
        }
    }
    let contains = |list: &str, want: Option<&str>| {
        want.is_some_and(|w| {
            entry.get(list).and_then(Value::as_array).is_some_and(|l| l.iter().any(|x| x.as_str() == Some(w)))
        })
    };
    contains("cidr_blocks", rule.field("cidr_ipv4"))
        || contains("ipv6_cidr_blocks", rule.field("cidr_ipv6"))
        || contains("prefix_list_ids", rule.field("prefix_list_id"))
        || contains("security_groups", rule.field("referenced_group_id"))
        || (entry.get("self").and_then(Value::as_bool) == Some(true)
            && rule.field("referenced_group_id") == rule.field("group_id"))
}

/// Whether some record points to the object.
fn pointed_to(o: &Object, records: &[StateRecord]) -> bool {
    let of_type = |t: &'static str| records.iter().filter(move |r| r.type_name == t);
    if let Some(t) = id_type(o.kind.as_str()) {
        let alt = match o.kind.as_str() {
            "iam_role" => "name",
            "iam_policy" | "iam_openid_connect_provider" => "arn",
            "s3_bucket" => "bucket",
            "eks_cluster" => "name",
            _ => "id",
        };
        return of_type(t).any(|r| r.attr("id") == Some(&o.id) || r.attr(alt) == Some(&o.id));
    }
    match o.kind.as_str() {
        "route" => of_type("aws_route").any(|r| {
            r.attr("route_table_id") == o.field("route_table_id")
                && [
                    r.attr("destination_cidr_block"),
                    r.attr("destination_ipv6_cidr_block"),
                    r.attr("destination_prefix_list_id"),
                ]
                .contains(&o.field("destination"))
        }),
        "iam_role_policy" => of_type("aws_iam_role_policy")
            .any(|r| r.attr("role") == o.field("role") && r.attr("name") == o.field("name")),
        "iam_role_policy_attachment" => of_type("aws_iam_role_policy_attachment")
            .any(|r| r.attr("role") == o.field("role") && r.attr("policy_arn") == o.field("policy_arn")),
        "security_group_rule" => {
            let standalone = if o.fields.get("egress").and_then(Value::as_bool) == Some(true) {
                "aws_vpc_security_group_egress_rule"
            } else {
                "aws_vpc_security_group_ingress_rule"
            };
            let direction = if standalone.contains("egress") { "egress" } else { "ingress" };
            of_type(standalone).any(|r| r.attr("id") == Some(&o.id) || r.attr("security_group_rule_id") == Some(&o.id))
                || of_type("aws_security_group").any(|r| {
                    r.attr("id") == o.field("group_id")
                        && r.attributes
                            .get(direction)
                            .and_then(Value::as_array)
                            .is_some_and(|l| l.iter().any(|e| inline_covers(e, o)))
                })
        }
        _ => false,
    }
}

/// Compares moto's objects with a state's records.
pub fn audit(inventory: &Inventory, records: &[StateRecord]) -> Audit {
    let mut audit = Audit::default();
    let mut by_key: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for o in &inventory.objects {
        by_key.entry(o.key.as_str()).or_default().push(o.id.clone());
        if !pointed_to(o, records) {
            audit.orphans.push(o.clone());
        }
    }
    audit.duplicates =
        by_key.into_iter().filter(|(_, ids)| ids.len() > 1).map(|(k, ids)| (k.to_string(), ids)).collect();
    for r in records {
        let Some(kind) = [
            "vpc",
            "subnet",
            "internet_gateway",
            "eip",
            "nat_gateway",
            "route_table",
            "route_table_association",
            "security_group",
            "vpc_peering_connection",
        ]
        .into_iter()
        .find(|k| id_type(k) == Some(r.type_name.as_str())) else {
            continue;
        };
        let id = r.attr("id").unwrap_or_default();
        if !inventory.objects.iter().any(|o| o.kind == kind && o.id == id) {
            audit.dangling.push((r.address.clone(), id.to_string()));
        }
    }
    audit
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inv(objects: Value) -> Inventory {
        Inventory::from_json(&json!({ "objects": objects }).to_string()).unwrap()
    }

    fn rec(address: &str, type_name: &str, attributes: Value) -> StateRecord {
        StateRecord { address: address.into(), type_name: type_name.into(), attributes }
    }

    #[test]
    fn objects_without_records_are_orphans_and_same_keys_are_duplicates() {
        let i = inv(json!([
            {"kind": "vpc", "id": "vpc-1", "key": "vpc:foo", "tags": {"Name": "foo"}},
            {"kind": "vpc", "id": "vpc-2", "key": "vpc:foo", "tags": {"Name": "foo"}},
            {"kind": "iam_role", "id": "r1", "key": "iam_role:r1", "tags": {}},
            {"kind": "route", "id": "rtb-1_0.0.0.0/0", "key": "route:foo:0.0.0.0/0", "route_table_id": "rtb-1", "destination": "0.0.0.0/0"},
            {"kind": "iam_role_policy", "id": "r1:p", "key": "iam_role_policy:r1:p", "role": "r1", "name": "p"},
        ]));
        let records = vec![
            rec("aws_vpc.this[\"foo\"]", "aws_vpc", json!({"id": "vpc-1"})),
            rec("aws_iam_role.a", "aws_iam_role", json!({"id": "r1", "name": "r1"})),
            rec("aws_route.r", "aws_route", json!({"route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0"})),
            rec("aws_subnet.gone", "aws_subnet", json!({"id": "subnet-9"})),
        ];
        let a = audit(&i, &records);
        assert_eq!(a.orphans.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(), ["vpc-2", "r1:p"]);
        assert_eq!(a.duplicate_count(), 1);
        assert_eq!(a.duplicates["vpc:foo"], ["vpc-1", "vpc-2"]);
        assert_eq!(a.dangling, [("aws_subnet.gone".to_string(), "subnet-9".to_string())]);
        assert!(!a.is_clean());
        let text = a.to_string();
        assert!(text.starts_with("2 orphans, 1 duplicates, 1 dangling records"), "{text}");
    }

    #[test]
    fn records_without_ids_point_to_nothing() {
        // An intent record (create sent, id never learned) does not account for the object.
        let i = inv(json!([{"kind": "subnet", "id": "subnet-1", "key": "subnet:a"}]));
        let a = audit(&i, &[rec("aws_subnet.a", "aws_subnet", json!({"id": null, "cidr_block": "10.0.0.0/24"}))]);
        assert_eq!(a.orphans.len(), 1);
        assert!(audit(&Inventory::default(), &[]).is_clean());
    }

    #[test]
    fn security_group_rules_belong_to_rule_records_or_inline_blocks() {
        let i = inv(json!([
            {"kind": "security_group_rule", "id": "sgr-1", "key": "k1", "group_id": "sg-1", "egress": false, "protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "10.20.0.0/16"},
            {"kind": "security_group_rule", "id": "sgr-2", "key": "k2", "group_id": "sg-1", "egress": true, "protocol": "-1", "from_port": -1, "to_port": -1, "cidr_ipv4": "0.0.0.0/0"},
            {"kind": "security_group_rule", "id": "sgr-3", "key": "k3", "group_id": "sg-2", "egress": false, "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "10.0.0.0/8"},
            {"kind": "security_group_rule", "id": "sgr-4", "key": "k4", "group_id": "sg-1", "egress": false, "protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_ipv4": "10.20.0.0/16"},
        ]));
        let records = vec![
            rec(
                "aws_security_group.a",
                "aws_security_group",
                json!({"id": "sg-1",
                       "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.20.0.0/16"]}],
                       "egress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]}),
            ),
            rec("aws_vpc_security_group_ingress_rule.b", "aws_vpc_security_group_ingress_rule", json!({"id": "sgr-3"})),
        ];
        let a = audit(&i, &records);
        // Port 80 is in no inline block.
        assert_eq!(a.orphans.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(), ["sgr-4"]);
    }
}
