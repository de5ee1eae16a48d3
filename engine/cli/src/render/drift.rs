//! The "Objects have changed outside of meshplan" section, and the refresh-only plan's text.

use super::{render_change, Style};
use meshplan_engine::plan::{Action, ResourceChange};

/// Terraform's refresh-only plan text for `drift` (see `ops::refresh_only::drift`).
pub fn render_refresh_only(drift: &[ResourceChange], style: &Style) -> String {
    if drift.is_empty() {
        return format!(
            "\n{}\n\nmeshplan has checked that the real remote objects still match the result of your\nmost recent changes, and found no differences.\n",
            style.bold("No changes. Your infrastructure still matches the configuration.")
        );
    }
    let mut s = format!(
        "\n{}\n\nmeshplan detected the following changes made outside of meshplan since the last\n\"meshplan apply\" which may have affected this plan:\n\n",
        style.bold("Note: Objects have changed outside of meshplan")
    );
    for c in drift {
        let text = render_change(c, style);
        let mut lines = text.lines();
        lines.next();
        let header = match c.action {
            Action::Delete => format!("# {} has been deleted", c.address),
            _ => format!("# {} has changed", c.address),
        };
        s.push_str(&format!("  {}\n", style.bold(&header)));
        for l in lines {
            s.push_str(l);
            s.push('\n');
        }
        s.push('\n');
    }
    s.push_str(
        "This is a refresh-only plan, so meshplan will not take any actions to undo these. If\nyou were expecting these changes then you can apply this plan to record the updated\nvalues in the meshplan state without changing any remote objects.\n",
    );
    s
}
