//! The one retry/backoff policy of the provider.
//!
//! The SDK's own retries are switched off (see `clients.rs`) so that this is the only
//! layer: it retries throttling, 5xx answers and transport failures up to `max_retries`
//! times, and, for calls that name them, the eventual-consistency error codes of a
//! freshly written object (a new IAM role not yet assumable by EKS, DependencyViolation
//! while an ENI drains) until a time budget runs out.
//!
//! A create is never simply resent: `Api::create` treats every retryable failure as
//! "the request may have landed", looks the object up by the create's token first, and
//! sends again only when nothing was made (see `crate::intent`).

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::time::{Duration, Instant};

/// Codes AWS services use to say "slow down".
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
];

#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Retries of throttling, 5xx and transport failures.
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// How long an eventual-consistency error named by the call keeps being retried.
    pub consistency_budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 25,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(20),
            consistency_budget: Duration::from_secs(120),
        }
    }
}

/// What one failed attempt tells us.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Verdict {
    /// Throttled, 5xx or no answer: retry while attempts remain.
    Transient,
    /// A named eventual-consistency code: retry while the time budget lasts.
    Settling,
    Fatal,
}

/// True when `code`/`message` match one of the call's eventual-consistency patterns:
/// `"Code"`, or `"Code:substring of the message"` where the code alone is too broad
/// (EKS says InvalidParameterException both for a bad subnet and for a role IAM has
/// not propagated yet).
fn is_settling(code: &str, message: &str, patterns: &[&str]) -> bool {
    patterns.iter().any(|p| match p.split_once(':') {
        Some((c, needle)) => c == code && message.contains(needle),
        None => *p == code,
    })
}

/// Classifies an SDK error; `settling_codes` are the eventual-consistency codes of the call.
pub(crate) fn classify<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>, settling_codes: &[&str]) -> Verdict {
    match err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => Verdict::Transient,
        SdkError::ResponseError(r) => {
            if r.raw().status().is_server_error() || r.raw().status().as_u16() == 429 {
                Verdict::Transient
            } else {
                Verdict::Fatal
            }
        }
        SdkError::ServiceError(s) => {
            let code = err.code().unwrap_or_default();
            if is_settling(code, err.message().unwrap_or_default(), settling_codes) {
                Verdict::Settling
            } else if THROTTLING_CODES.contains(&code)
                || s.raw().status().is_server_error()
                || s.raw().status().as_u16() == 429
            {
                Verdict::Transient
            } else {
                Verdict::Fatal
            }
        }
        _ => Verdict::Fatal,
    }
}

/// Tracks one logical call's attempts and says how long to sleep before the next one.
pub(crate) struct Backoff<'a> {
    policy: &'a RetryPolicy,
    attempt: u32,
    started: Instant,
}

impl<'a> Backoff<'a> {
    pub fn new(policy: &'a RetryPolicy) -> Self {
        Backoff { policy, attempt: 0, started: Instant::now() }
    }

    /// The delay before the next attempt, or `None` when the verdict's allowance is spent.
    pub fn next_delay(&mut self, verdict: Verdict) -> Option<Duration> {
        let allowed = match verdict {
            Verdict::Fatal => false,
            Verdict::Transient => self.attempt < self.policy.max_retries,
            Verdict::Settling => self.started.elapsed() < self.policy.consistency_budget,
        };
        if !allowed {
            return None;
        }
        let exp = self.policy.base_delay.saturating_mul(1u32 << self.attempt.min(16));
        self.attempt += 1;
        let capped = exp.min(self.policy.max_delay);
        // Full jitter keeps parallel applies from retrying in lockstep.
        Some(capped.mul_f64(0.5 + 0.5 * jitter_fraction()))
    }
}

/// A cheap pseudo-random fraction in [0, 1); good enough to spread retries.
fn jitter_fraction() -> f64 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    f64::from(nanos % 1000) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_errors_stop_after_max_retries() {
        let policy = RetryPolicy { max_retries: 2, ..Default::default() };
        let mut b = Backoff::new(&policy);
        assert!(b.next_delay(Verdict::Transient).is_some());
        assert!(b.next_delay(Verdict::Transient).is_some());
        assert!(b.next_delay(Verdict::Transient).is_none());
        assert!(Backoff::new(&policy).next_delay(Verdict::Fatal).is_none());
    }

    #[test]
    fn settling_patterns_match_code_and_message() {
        let p = &["DependencyViolation", "InvalidParameterException:could not be assumed"];
        assert!(is_settling("DependencyViolation", "", p));
        assert!(is_settling("InvalidParameterException", "Role x could not be assumed", p));
        assert!(!is_settling("InvalidParameterException", "Subnet y does not exist", p));
    }

    #[test]
    fn delays_grow_and_are_capped() {
        let policy = RetryPolicy { max_delay: Duration::from_millis(500), ..Default::default() };
        let mut b = Backoff::new(&policy);
        let delays: Vec<_> = (0..6).map(|_| b.next_delay(Verdict::Transient).unwrap()).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_millis(500)));
        assert!(delays[0] <= Duration::from_millis(200));
    }
}
