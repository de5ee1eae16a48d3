//! `aws_ec2_managed_prefix_list` and `aws_ec2_managed_prefix_list_entry`. A list's entries
//! change by versions (ModifyManagedPrefixList names the current one); every change waits for
//! the list's `*-complete` state. As in Terraform (attribute-as-blocks), a list without
//! `entry` blocks leaves its entries to `aws_ec2_managed_prefix_list_entry`.

use super::ec2::{filter, tag_spec, tags_map};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::{get_i32, get_string, opt_str};
use crate::waiter::Poll;
use aws_sdk_ec2::types::{AddPrefixListEntry, ManagedPrefixList, RemovePrefixListEntry, ResourceType as Ec2Type};
use meshplan_provider::{async_trait, Attribute, Block, Planned, Schema, Type, Value, INTENT_TAG};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub struct PrefixList;
pub struct PrefixListEntry;

const NOT_FOUND: &[&str] = &["InvalidPrefixListID.NotFound", "InvalidPrefixListId.NotFound"];
const WAIT: Duration = Duration::from_secs(300);

async fn describe(api: &Api<'_>, id: &str) -> Result<Option<ManagedPrefixList>, AwsError> {
    let req = api.ec2.describe_managed_prefix_lists().prefix_list_ids(id);
    let out = api.call("DescribeManagedPrefixLists", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
    Ok(out.and_then(|o| o.prefix_lists().iter().find(|p| p.prefix_list_id() == Some(id) && !gone(p)).cloned()))
}

fn gone(p: &ManagedPrefixList) -> bool {
    matches!(p.state().map(|s| s.as_str()), Some("delete-complete" | "delete-in-progress"))
}

/// The list's current entries: CIDR → description.
async fn entries(api: &Api<'_>, id: &str) -> Result<BTreeMap<String, Option<String>>, AwsError> {
    let req = api.ec2.get_managed_prefix_list_entries().prefix_list_id(id);
    let out = api.call("GetManagedPrefixListEntries", || req.clone().send()).await?;
    Ok(out
        .entries()
        .iter()
        .filter_map(|e| Some((e.cidr()?.to_string(), e.description().map(str::to_string))))
        .collect())
}

/// Waits until the list's last change is complete; returns its version.
async fn settled(api: &Api<'_>, id: &str, timeout: Duration) -> Result<Option<i64>, AwsError> {
    api.wait_for("the managed prefix list", timeout, || async {
        let Some(p) = describe(api, id).await? else {
            return Ok(Poll::Failed { status: "deleted".into(), reason: Some("the prefix list disappeared".into()) });
        };
        let state = p.state().map(|s| s.as_str().to_string()).unwrap_or_default();
        Ok(match state.as_str() {
            "create-complete" | "modify-complete" | "restore-complete" => Poll::Ready(p.version()),
            s if s.ends_with("-failed") => {
                Poll::Failed { status: state.clone(), reason: p.state_message().map(str::to_string) }
            }
            _ => Poll::Pending(state),
        })
    })
    .await
}

/// One change of entries (and name) against the current version.
async fn modify(
    api: &Api<'_>,
    id: &str,
    name: Option<String>,
    add: Vec<AddPrefixListEntry>,
    remove: Vec<RemovePrefixListEntry>,
    timeout: Duration,
) -> Result<(), AwsError> {
    let version = settled(api, id, timeout).await?;
    let req = api
        .ec2
        .modify_managed_prefix_list()
        .prefix_list_id(id)
        .set_current_version(version.filter(|_| !add.is_empty() || !remove.is_empty()))
        // Always named: AWS keeps the name when unchanged (moto clears it when absent).
        .set_prefix_list_name(name)
        .set_add_entries(Some(add).filter(|a| !a.is_empty()))
        .set_remove_entries(Some(remove).filter(|r| !r.is_empty()));
    api.call("ModifyManagedPrefixList", || req.clone().send()).await?;
    settled(api, id, timeout).await.map(|_| ())
}

fn add_entry(cidr: &str, description: Option<&str>) -> AddPrefixListEntry {
    AddPrefixListEntry::builder().cidr(cidr).set_description(description.map(str::to_string)).build()
}

fn remove_entry(cidr: &str) -> RemovePrefixListEntry {
    RemovePrefixListEntry::builder().cidr(cidr).build()
}

/// The `entry` blocks as CIDR → description.
fn entry_map(v: &Value) -> BTreeMap<String, Option<String>> {
    v.as_list()
        .into_iter()
        .flatten()
        .filter_map(|e| Some((e.get_str("cidr")?.to_string(), e.get_str("description").map(str::to_string))))
        .collect()
}

fn entry_value(entries: &BTreeMap<String, Option<String>>) -> Value {
    Value::List(
        entries
            .iter()
            .map(|(c, d)| Value::object([("cidr", Value::from(c.as_str())), ("description", opt_str(d.as_deref()))]))
            .collect(),
    )
}

fn unconfigured(v: &Value) -> bool {
    v.is_null() || v.as_list().is_some_and(|l| l.is_empty())
}

#[async_trait]
impl AwsResource for PrefixList {
    fn type_name(&self) -> &'static str {
        "aws_ec2_managed_prefix_list"
    }

    fn schema(&self) -> Schema {
        let entry = Schema::new()
            .attr("cidr", Attribute::required(Type::String))
            .attr("description", Attribute::optional(Type::String));
        Schema::new()
            .attr("address_family", Attribute::required(Type::String).force_new())
            .attr("max_entries", Attribute::required(Type::Number))
            .attr("name", Attribute::required(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("version", Attribute::computed(Type::Number))
            .block("entry", Block::set(entry))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let entries: Vec<_> = entry_map(p.get("entry")).iter().map(|(c, d)| add_entry(c, d.as_deref())).collect();
        let call = api
            .ec2
            .create_managed_prefix_list()
            .client_token(req.token)
            .set_prefix_list_name(get_string(p, "name"))
            .set_address_family(get_string(p, "address_family"))
            .set_max_entries(get_i32(p, "max_entries"))
            .set_entries(Some(entries).filter(|e| !e.is_empty()))
            .set_tag_specifications(tag_spec(Ec2Type::PrefixList, &req.tags).map(|t| vec![t]));
        let op = "CreateManagedPrefixList";
        let created =
            api.create(op, CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, p)).await?;
        created.id(|out| out.prefix_list().and_then(|l| l.prefix_list_id())).ok_or_else(|| missing_id(api, op))
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, _planned: &Value, timeout: Duration) -> Result<(), AwsError> {
        settled(api, id, timeout).await.map(|_| ())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(p) = describe(api, id).await? else { return Ok(None) };
        s.set("name", opt_str(p.prefix_list_name()));
        s.set("address_family", opt_str(p.address_family()));
        s.set("max_entries", p.max_entries().map(|n| Value::from(i64::from(n))).unwrap_or(Value::Null));
        s.set("arn", opt_str(p.prefix_list_arn()));
        s.set("owner_id", opt_str(p.owner_id()));
        s.set("version", p.version().map(Value::from).unwrap_or(Value::Null));
        let remote = entries(api, id).await?;
        if remote != entry_map(s.get("entry")) {
            s.set("entry", entry_value(&remote));
        }
        Ok(Some(tags_map(p.tags())))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let (old, new) = (entry_map(prior.get("entry")), entry_map(planned.get("entry")));
        let name_changed = planned.get("name") != prior.get("name");
        if old == new && !name_changed && planned.get("max_entries") == prior.get("max_entries") {
            return Ok(());
        }
        if planned.get("max_entries") != prior.get("max_entries") {
            let req = api
                .ec2
                .modify_managed_prefix_list()
                .prefix_list_id(id)
                .set_prefix_list_name(get_string(planned, "name"))
                .set_max_entries(get_i32(planned, "max_entries"));
            settled(api, id, WAIT).await?;
            api.call("ModifyManagedPrefixList", || req.clone().send()).await?;
        }
        // A changed description is a remove and an add of the same CIDR.
        let remove: Vec<_> = old.iter().filter(|(c, d)| new.get(*c) != Some(d)).map(|(c, _)| remove_entry(c)).collect();
        let add: Vec<_> =
            new.iter().filter(|(c, d)| old.get(*c) != Some(d)).map(|(c, d)| add_entry(c, d.as_deref())).collect();
        if add.is_empty() && remove.is_empty() && !name_changed {
            return Ok(());
        }
        modify(api, id, get_string(planned, "name"), add, remove, WAIT).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, timeout: Duration) -> Result<(), AwsError> {
        // Already gone (or going): nothing to send (moto answers a repeat with a 500).
        if describe(api, id).await?.is_none() {
            return Ok(());
        }
        let req = api.ec2.delete_managed_prefix_list().prefix_list_id(id);
        api.call("DeleteManagedPrefixList", || req.clone().send()).await?;
        api.wait_for("the managed prefix list to be deleted", timeout, || async {
            Ok(match describe(api, id).await? {
                None => Poll::Ready(()),
                Some(p) => Poll::Pending(p.state().map(|s| s.as_str().to_string()).unwrap_or_default()),
            })
        })
        .await
    }

    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        let req = api.ec2.describe_managed_prefix_lists().filters(filter(&format!("tag:{INTENT_TAG}"), [token]));
        let out = api.call("DescribeManagedPrefixLists", || req.clone().send()).await?;
        Ok(out
            .prefix_lists()
            .iter()
            .filter(|p| !gone(p))
            .filter(|p| crate::intent::carries(p.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token))
            .find_map(|p| p.prefix_list_id().map(str::to_string)))
    }

    /// No `entry` block: the entries are not managed here (they keep what the list has); the
    /// same entries in another order are no change.
    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        let Some(prior) = prior else { return };
        let wanted = planned.state.get("entry");
        let same: BTreeSet<_> = entry_map(wanted).into_iter().collect();
        if unconfigured(wanted) || same == entry_map(prior.get("entry")).into_iter().collect() {
            planned.state.set("entry", prior.get("entry").clone());
        }
        // A new version follows any change of entries.
        if planned.state.get("entry") != prior.get("entry") {
            planned.state.set("version", Value::Unknown);
        }
    }
}

fn entry_id(list: &str, cidr: &str) -> String {
    format!("{list},{cidr}")
}

#[async_trait]
impl AwsResource for PrefixListEntry {
    fn type_name(&self) -> &'static str {
        "aws_ec2_managed_prefix_list_entry"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("prefix_list_id", Attribute::required(Type::String).force_new())
            .attr("cidr", Attribute::required(Type::String).force_new())
            .attr("description", Attribute::optional(Type::String).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let (list, cidr) = (p.get_str("prefix_list_id").unwrap_or_default(), p.get_str("cidr").unwrap_or_default());
        // Entries go in one at a time (each change makes a version); a repeat is harmless.
        if !entries(api, list).await?.contains_key(cidr) {
            let name = describe(api, list).await?.and_then(|l| l.prefix_list_name().map(str::to_string));
            modify(api, list, name, vec![add_entry(cidr, p.get_str("description"))], vec![], WAIT).await?;
        }
        Ok(entry_id(list, cidr))
    }

    async fn read(
        &self,
        api: &Api<'_>,
        _id: &str,
        s: &mut Value,
    ) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let (Some(list), Some(cidr)) = (s.get_str("prefix_list_id"), s.get_str("cidr")) else { return Ok(None) };
        if describe(api, list).await?.is_none() {
            return Ok(None);
        }
        let all = entries(api, list).await?;
        let Some(description) = all.get(cidr) else { return Ok(None) };
        s.set("description", opt_str(description.as_deref()));
        Ok(Some(BTreeMap::new()))
    }

    async fn delete(&self, api: &Api<'_>, _id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let (Some(list), Some(cidr)) = (state.get_str("prefix_list_id"), state.get_str("cidr")) else { return Ok(()) };
        let Some(l) = describe(api, list).await? else { return Ok(()) };
        if !entries(api, list).await?.contains_key(cidr) {
            return Ok(());
        }
        let name = l.prefix_list_name().map(str::to_string);
        modify(api, list, name, vec![], vec![remove_entry(cidr)], WAIT).await
    }

    /// Untaggable: found by its content, the CIDR in the list.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(list), Some(cidr)) = (planned.get_str("prefix_list_id"), planned.get_str("cidr")) else {
            return Ok(None);
        };
        if describe(api, list).await?.is_none() {
            return Ok(None);
        }
        Ok(entries(api, list).await?.contains_key(cidr).then(|| entry_id(list, cidr)))
    }

    /// Terraform's import ID: `<prefix_list_id>,<cidr>`.
    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (list, cidr) = id.split_once(',').ok_or_else(|| format!("expected PREFIX_LIST_ID,CIDR, got {id:?}"))?;
        Ok(vec![("id", Value::from(id)), ("prefix_list_id", Value::from(list)), ("cidr", Value::from(cidr))])
    }
}
