//! The human plan: Terraform's layout, symbols and summary line.

use super::value::{attr_diff, object_diff, Line};
use super::Style;
use meshplan_engine::addrs::Mode;
use meshplan_engine::plan::{Action, Plan, ResourceChange};
use meshplan_provider::Path;

/// Renders the whole plan as text.
pub fn render_plan(plan: &Plan, style: &Style) -> String {
    let mut s = String::new();
    let mut shown: Vec<&ResourceChange> =
        plan.changes.iter().filter(|c| c.action != Action::NoOp || c.deferred.is_some() || c.adopted).collect();
    let outputs: Vec<_> = plan.outputs.iter().filter(|o| o.action != Action::NoOp).collect();
    // Check blocks' data sources are read again during apply; alone, they are no change
    // (Terraform lists them and says "Plan: 0 to add..."; meshplan says so in one line).
    let rereads = shown.iter().filter(|c| c.is_check_reread()).count();
    if rereads == shown.len() {
        shown.clear();
    }
    if shown.is_empty() && outputs.is_empty() && plan.moves.is_empty() && plan.forgets.is_empty() {
        s.push_str(&style.bold("No changes."));
        s.push_str(" Your infrastructure matches the configuration.\n\n");
        s.push_str("meshplan compared your real infrastructure against your configuration and found no\ndifferences, so no changes are needed.\n");
        if rereads > 0 {
            s.push_str(&format!(
                "\n{rereads} data source(s) of check blocks will be read again during apply to verify the checks.\n"
            ));
        }
        return s;
    }
    if !shown.is_empty() {
        s.push_str("\nmeshplan used the selected providers to generate the following execution plan.\nResource actions are indicated with the following symbols:\n");
        let mut kinds: Vec<Action> = shown.iter().map(|c| c.action).collect();
        kinds.sort();
        kinds.dedup();
        for k in kinds {
            let label = match k {
                Action::Create => "create",
                Action::Update => "update in-place",
                Action::Delete => "destroy",
                Action::DeleteThenCreate => "destroy and then create replacement",
                Action::CreateThenDelete => "create replacement and then destroy",
                Action::Read => "read (data resources)",
                Action::NoOp => continue,
            };
            s.push_str(&format!("{} {label}\n", style.marker(&format!("{:>3}", k.symbol()))));
        }
        s.push_str("\nmeshplan will perform the following actions:\n");
        for c in &shown {
            s.push('\n');
            s.push_str(&render_change(c, style));
        }
        let (add, change, destroy) = plan.counts();
        s.push_str(&format!("\n{} {add} to add, {change} to change, {destroy} to destroy.\n", style.bold("Plan:")));
        let deferred: Vec<&&ResourceChange> = shown.iter().filter(|c| c.deferred.is_some()).collect();
        if !deferred.is_empty() {
            let mut providers: Vec<&str> = deferred.iter().filter_map(|c| c.deferred.as_deref()).collect();
            providers.sort();
            providers.dedup();
            s.push_str(&format!(
                "{} {} resource(s) deferred ({}); they are planned again and applied in the same run once their provider is configured.\n",
                style.bold("Deferred:"),
                deferred.len(),
                providers.join("; ")
            ));
        }
    }
    if !plan.moves.is_empty() {
        s.push('\n');
        for (from, to) in &plan.moves {
            s.push_str(&format!("  {}\n", style.bold(&format!("# {from} has moved to {to}"))));
        }
        if shown.is_empty() {
            s.push_str(&format!("\n{} 0 to add, 0 to change, 0 to destroy.\n", style.bold("Plan:")));
        }
    }
    if !plan.forgets.is_empty() {
        s.push_str(&render_forgets(&plan.forgets, !shown.is_empty(), style));
    }
    if !outputs.is_empty() {
        s.push_str("\nChanges to Outputs:\n");
        let width = outputs.iter().map(|o| o.name.len()).max().unwrap_or(0);
        let mut lines = Vec::new();
        for o in outputs {
            let name = format!("{:width$}", o.name);
            let before = o.before.as_ref().map(|v| if o.sensitive { v.clone().mark_sensitive() } else { v.clone() });
            let after = o.after.as_ref().map(|v| if o.sensitive { v.clone().mark_sensitive() } else { v.clone() });
            attr_diff(&name, before.as_ref(), after.as_ref(), 0, &Path::root(), &[], &mut lines);
        }
        s.push_str(&lines_text(&lines, style));
    }
    s
}

/// One resource change: the comment header and the block.
pub fn render_change(c: &ResourceChange, style: &Style) -> String {
    let mut s = String::new();
    let addr = &c.address;
    let header = match (c.action, &c.deferred) {
        (Action::Create, Some(d)) => format!("# {addr} will be created (deferred: {d})"),
        (_, Some(d)) => format!("# {addr} will be re-planned once the provider is configured (deferred: {d})"),
        (Action::Create, None) => format!("# {addr} will be created"),
        (Action::Update, None) => format!("# {addr} will be updated in-place"),
        (Action::DeleteThenCreate | Action::CreateThenDelete, None) => {
            if c.reasons.iter().any(|r| r.starts_with("tainted")) {
                format!("# {addr} is tainted, so must be replaced")
            } else {
                format!("# {addr} must be replaced")
            }
        }
        (Action::Delete, None) => format!("# {addr} will be destroyed"),
        (Action::Read, None) => format!("# {addr} will be read during apply"),
        (Action::NoOp, None) if c.adopted => format!("# {addr} was adopted after an interrupted create"),
        (Action::NoOp, None) => format!("# {addr}"),
    };
    s.push_str(&format!("  {}\n", style.bold(&header)));
    for r in &c.reasons {
        if !r.starts_with("tainted") {
            s.push_str(&format!("  # ({r})\n"));
        }
    }
    if let Some(id) = &c.importing {
        s.push_str(&format!("  # (imports {id})\n"));
    }
    if c.adopted && c.action != Action::NoOp {
        s.push_str("  # (adopted after an interrupted create)\n");
    }
    let symbol = if c.deferred.is_some() && c.action == Action::NoOp { "~" } else { c.action.symbol() };
    let kind = if c.mode == Mode::Data { "data" } else { "resource" };
    s.push_str(&format!("{} {kind} \"{}\" \"{}\" {{\n", style.marker(&format!("{symbol:>3}")), c.type_name, c.name));
    let (before, after) = match c.action {
        Action::Create | Action::Read => (None, c.after.as_ref()),
        Action::Delete => (c.before.as_ref(), None),
        _ => (c.before.as_ref(), c.after.as_ref()),
    };
    let mut lines = Vec::new();
    let hidden = object_diff(before, after, 4, &Path::root(), &c.replace_paths, &mut lines);
    if hidden > 0 && !matches!(c.action, Action::Create | Action::Delete | Action::Read) {
        lines.push(Line::new(4, "", format!("# ({hidden} unchanged attributes hidden)")));
    }
    s.push_str(&lines_text(&lines, style));
    s.push_str("    }\n");
    s
}

/// One state record as `state show` prints it: its attributes in configuration syntax,
/// sensitive values hidden, without a plan's markers.
pub fn render_state_instance(c: &ResourceChange, style: &Style) -> String {
    let kind = if c.mode == Mode::Data { "data" } else { "resource" };
    let mut s = format!("# {}:\n{kind} \"{}\" \"{}\" {{\n", c.address, c.type_name, c.name);
    let mut lines = Vec::new();
    object_diff(None, c.after.as_ref(), 0, &Path::root(), &[], &mut lines);
    for l in &mut lines {
        l.marker = "";
    }
    s.push_str(&lines_text(&lines, style));
    s.push_str("}\n");
    s
}

fn lines_text(lines: &[Line], style: &Style) -> String {
    let mut s = String::new();
    for l in lines {
        let marker = style.marker(&format!("{:>3}", l.marker));
        s.push_str(&format!("{}{marker} {}\n", " ".repeat(l.indent), l.text));
    }
    s
}

/// Instances a `removed` block with `destroy = false` drops from the state, as Terraform
/// shows them (symbol `.`); the summary line counts nothing for them.
fn render_forgets(forgets: &[ResourceChange], after_changes: bool, style: &Style) -> String {
    let mut s = String::new();
    if !after_changes {
        s.push_str("\nmeshplan will perform the following actions:\n");
    }
    for c in forgets {
        let header = format!("# {} will no longer be managed by meshplan, but will not be destroyed", c.address);
        s.push_str(&format!("\n  {}\n  # (destroy = false is set in the configuration)\n", style.bold(&header)));
        s.push_str(&format!("  . resource \"{}\" \"{}\" {{\n", c.type_name, c.name));
        let attrs = c.before.as_ref().and_then(|b| b.peel().as_object().map(|o| o.len())).unwrap_or(0);
        let mut hidden = attrs;
        if let Some(id) = c.before.as_ref().and_then(|b| b.get("id").as_str().map(str::to_string)) {
            s.push_str(&format!("        id = {}\n", super::quote(&id)));
            hidden = hidden.saturating_sub(1);
        }
        if hidden > 0 {
            s.push_str(&format!("        # ({hidden} unchanged attributes hidden)\n"));
        }
        s.push_str("    }\n");
    }
    if !after_changes {
        s.push_str(&format!("\n{} 0 to add, 0 to change, 0 to destroy.\n", style.bold("Plan:")));
    }
    s
}
