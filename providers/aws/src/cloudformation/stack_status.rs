//! Reading a stack and waiting on its status: which statuses end an operation, which of
//! them are failures, and the failed events that explain one.

use crate::api::Api;
use crate::error::AwsError;
use crate::waiter::Poll;
use aws_sdk_cloudformation::types::Stack;
use std::time::Duration;

/// The stack `id` (name or ID); `None` when CloudFormation knows no such stack or it is
/// deleted.
pub async fn describe(api: &Api<'_>, id: &str) -> Result<Option<Stack>, AwsError> {
    let req = api.cloudformation.describe_stacks().stack_name(id);
    match api.call("DescribeStacks", || req.clone().send()).await {
        Ok(out) => Ok(out.stacks().first().filter(|s| status(s) != "DELETE_COMPLETE").cloned()),
        // CloudFormation says "Stack with id X does not exist" with the generic code.
        Err(e) if e.code() == Some("ValidationError") && e.to_string().contains("does not exist") => Ok(None),
        Err(e) => Err(e),
    }
}

fn status(stack: &Stack) -> &str {
    stack.stack_status().map(|s| s.as_str()).unwrap_or_default()
}

/// Where an operation that started from `operation` (`CREATE`, `UPDATE`, `DELETE`) ends.
fn verdict(operation: &str, status: &str) -> Verdict {
    match status {
        s if s == format!("{operation}_COMPLETE") => Verdict::Done,
        "CREATE_FAILED"
        | "ROLLBACK_COMPLETE"
        | "ROLLBACK_FAILED"
        | "DELETE_FAILED"
        | "UPDATE_ROLLBACK_COMPLETE"
        | "UPDATE_ROLLBACK_FAILED"
        | "UPDATE_FAILED" => Verdict::Failed,
        s if s.ends_with("_IN_PROGRESS") => Verdict::Pending,
        // A stack that was never touched again (UPDATE of a stack with nothing to do).
        _ => Verdict::Done,
    }
}

#[derive(Debug, PartialEq)]
enum Verdict {
    Done,
    Pending,
    Failed,
}

/// Waits until the stack's `operation` completes; a rollback or failure is an error naming
/// the resources that failed and why.
pub async fn wait(api: &Api<'_>, id: &str, operation: &str, timeout: Duration) -> Result<(), AwsError> {
    let what = format!("stack {operation}");
    let result = api
        .wait_for(&what, timeout, || async {
            let Some(stack) = describe(api, id).await? else {
                return Ok(if operation == "DELETE" {
                    Poll::Ready(())
                } else {
                    Poll::Failed { status: "gone".into(), reason: None }
                });
            };
            let status = status(&stack).to_string();
            Ok(match verdict(operation, &status) {
                Verdict::Done => Poll::Ready(()),
                Verdict::Pending => Poll::Pending(status),
                Verdict::Failed => Poll::Failed { status, reason: stack.stack_status_reason().map(str::to_string) },
            })
        })
        .await;
    match result {
        Err(AwsError::WaitFailed { address, what, status, reason }) => {
            let events = failed_events(api, id).await.unwrap_or_default();
            let reason = match (reason, events.is_empty()) {
                (r, true) => r,
                (Some(r), false) => Some(format!("{r}; {events}")),
                (None, false) => Some(events),
            };
            Err(AwsError::WaitFailed { address, what, status, reason })
        }
        other => other,
    }
}

/// The stack's failed resource events, newest first: `Logical (Type): reason`.
async fn failed_events(api: &Api<'_>, id: &str) -> Result<String, AwsError> {
    let req = api.cloudformation.describe_stack_events().stack_name(id);
    let out = api.call("DescribeStackEvents", || req.clone().send()).await?;
    let failed: Vec<String> = out
        .stack_events()
        .iter()
        .filter(|e| e.resource_status().is_some_and(|s| s.as_str().ends_with("_FAILED")))
        .map(|e| {
            format!(
                "{} ({}): {}",
                e.logical_resource_id().unwrap_or_default(),
                e.resource_type().unwrap_or_default(),
                e.resource_status_reason().unwrap_or("no reason given")
            )
        })
        .collect();
    Ok(failed.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_end_operations() {
        assert_eq!(verdict("CREATE", "CREATE_COMPLETE"), Verdict::Done);
        assert_eq!(verdict("CREATE", "CREATE_IN_PROGRESS"), Verdict::Pending);
        assert_eq!(verdict("CREATE", "ROLLBACK_IN_PROGRESS"), Verdict::Pending);
        assert_eq!(verdict("CREATE", "ROLLBACK_COMPLETE"), Verdict::Failed);
        assert_eq!(verdict("UPDATE", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"), Verdict::Pending);
        assert_eq!(verdict("UPDATE", "UPDATE_ROLLBACK_COMPLETE"), Verdict::Failed);
        assert_eq!(verdict("DELETE", "DELETE_FAILED"), Verdict::Failed);
    }
}
