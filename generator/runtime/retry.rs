// Retry policy: which failures may be retried without risk of doing the work twice, how long to
// wait before the next attempt (exponential backoff with jitter, or the server's `Retry-After`),
// and the note that tells the caller why a failure was not retried.

use std::time::{Duration, SystemTime};

use crate::client::OperationInfo;

/// Extra attempts after the first, unless the client says otherwise.
pub(crate) const DEFAULT_MAX_RETRIES: u32 = 2;
/// Wait before the first retry (doubled for each later one), unless the client says otherwise.
pub(crate) const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// Longest computed backoff (unless the initial backoff itself is longer).
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// Longest `Retry-After` the SDK waits for before retrying, unless the client says otherwise;
/// beyond it the failure is returned, with the wait asked for, for the caller to schedule.
pub(crate) const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The API answered with this (non-success) status.
    Status(u16),
    /// No response within the timeout.
    Timeout,
    /// The connection failed (refused, reset, TLS, body cut short...).
    Connection,
    /// The request could not be built or its redirects failed: repeating it cannot help.
    Other,
}

/// In a few words, for the `tracing` feature's retry events.
impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Status(status) => write!(f, "HTTP {status}"),
            Failure::Timeout => f.write_str("timeout"),
            Failure::Connection => f.write_str("connection failed"),
            Failure::Other => f.write_str("request failed"),
        }
    }
}

/// What a failure says about repeating the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// The server refused the request before doing anything (429): always safe to repeat.
    Throttled,
    /// The request may or may not have been processed (408, 5xx, timeout, lost connection):
    /// safe to repeat only when a repeat is harmless.
    Transient,
    /// Repeating the same request would fail the same way.
    Permanent,
}

/// 429 Too Many Requests: nothing was processed.
pub(crate) fn is_throttling_status(status: u16) -> bool {
    status == 429
}

/// 408, 500, 502, 503, 504: a later attempt may succeed, but the request may have been processed.
pub(crate) fn is_transient_status(status: u16) -> bool {
    matches!(status, 408 | 500 | 502 | 503 | 504)
}

/// Sorts a failure into a [`Class`].
pub(crate) fn classify(failure: Failure) -> Class {
    match failure {
        Failure::Status(status) if is_throttling_status(status) => Class::Throttled,
        Failure::Status(status) if is_transient_status(status) => Class::Transient,
        Failure::Timeout | Failure::Connection => Class::Transient,
        Failure::Status(_) | Failure::Other => Class::Permanent,
    }
}

/// Whether sending the request again cannot do the work twice: the method is idempotent, or the
/// request carries the operation's idempotency key.
pub(crate) fn repeat_is_harmless(op: &OperationInfo, carries_idempotency_key: bool) -> bool {
    op.idempotent || carries_idempotency_key
}

/// Why a transient failure of a non-idempotent request was not retried.
pub(crate) fn not_idempotent_note(op: &OperationInfo) -> String {
    match op.idempotency_key {
        Some(key) => format!(
            "not retried: {} {} is not idempotent and the request carries no {key} (its idempotency key)",
            op.method, op.path_template
        ),
        None => format!(
            "not retried: {} {} is not idempotent and has no idempotency key",
            op.method, op.path_template
        ),
    }
}

/// Parses a `Retry-After` value: delta-seconds (`120`, leniently also `1.5`) or an HTTP date
/// (a date in the past means "now"). Not capped; `None` when unreadable.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits, so the only possible error is overflow: an absurdly long wait.
        return Some(
            value
                .parse::<u64>()
                .map_or(Duration::MAX, Duration::from_secs),
        );
    }
    if let Ok(secs) = value.parse::<f64>() {
        return if secs.is_finite() && secs >= 0.0 {
            Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
        } else {
            None
        };
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The `Retry-After` header of a response, if present and readable. Not capped.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Wait this long, then send the request again.
    Retry(Duration),
    /// Return the failure, with a note on why it was not (or no longer) retried.
    Stop(Option<String>),
}

/// How many times to retry and how long to wait in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Extra attempts allowed after the first.
    pub(crate) max_retries: u32,
    /// Wait before the first retry; doubled for each later one.
    pub(crate) initial_backoff: Duration,
    /// Longest `Retry-After` waited for; a longer one ends the call.
    pub(crate) max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        }
    }
}

impl RetryPolicy {
    /// The longest wait before retry number `retry` (0 for the first retry):
    /// `initial_backoff * 2^retry`, capped at [`MAX_BACKOFF`] (or the initial backoff if longer).
    pub(crate) fn backoff_ceiling(&self, retry: u32) -> Duration {
        let cap = MAX_BACKOFF.max(self.initial_backoff);
        self.initial_backoff
            .saturating_mul(2_u32.saturating_pow(retry))
            .min(cap)
    }

    /// The wait before retry number `retry`, with "equal jitter": a random duration between half
    /// the ceiling and the ceiling, so that clients that failed together do not retry together.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let half = ceiling / 2;
        let spread = u64::try_from((ceiling - half).as_nanos()).unwrap_or(u64::MAX);
        half.saturating_add(Duration::from_nanos(fastrand::u64(0..=spread)))
    }

    /// The wait before retry number `retry`: what the server asked for when it sent
    /// `Retry-After` ([`RetryPolicy::decide`] does not retry when that is longer than
    /// `max_retry_after`), else the jittered backoff.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(wait) => wait.min(self.max_retry_after),
            None => self.backoff(retry),
        }
    }

    /// Decides what follows attempt number `attempts` (1 for the first) of `op`, which failed
    /// with `failure`.
    pub(crate) fn decide(
        &self,
        op: &OperationInfo,
        carries_idempotency_key: bool,
        failure: Failure,
        attempts: u32,
        retry_after: Option<Duration>,
    ) -> Verdict {
        match classify(failure) {
            Class::Permanent => return Verdict::Stop(None),
            Class::Transient if !repeat_is_harmless(op, carries_idempotency_key) => {
                return Verdict::Stop(Some(not_idempotent_note(op)));
            }
            Class::Transient | Class::Throttled => {}
        }
        let retries_done = attempts.saturating_sub(1);
        if retries_done >= self.max_retries {
            let note = if self.max_retries == 0 {
                String::from("not retried: retries are disabled (max_retries is 0)")
            } else {
                format!("gave up after {attempts} attempts")
            };
            return Verdict::Stop(Some(note));
        }
        // Retrying sooner than the server asked would only be refused again: the caller gets
        // the failure and the wait (`Error::retry_after`) to schedule the call.
        if let Some(wait) = retry_after.filter(|wait| *wait > self.max_retry_after) {
            return Verdict::Stop(Some(format!(
                "not retried: the server asked to wait {} s (Retry-After), longer than max_retry_after ({} s)",
                wait.as_secs(),
                self.max_retry_after.as_secs()
            )));
        }
        Verdict::Retry(self.delay(retries_done, retry_after))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    static TRACK_SALE: OperationInfo = OperationInfo {
        operation_id: "trackSale",
        method: reqwest::Method::POST,
        path_template: "/track/sale",
        idempotent: false,
        idempotency_key: Some("invoiceId"),
        idempotency_header: None,
        success_statuses: &[200],
        documented_errors: &[],
        error_format: crate::error::ErrorFormat::Opaque,
        error_formats: &[],
        auth: &[&["bearer"]],
    };

    static CREATE_THING: OperationInfo = OperationInfo {
        operation_id: "createThing",
        method: reqwest::Method::POST,
        path_template: "/things",
        idempotent: false,
        idempotency_key: None,
        idempotency_header: None,
        success_statuses: &[201],
        documented_errors: &[],
        error_format: crate::error::ErrorFormat::Opaque,
        error_formats: &[],
        auth: &[&["bearer"]],
    };

    static GET_THING: OperationInfo = OperationInfo {
        operation_id: "getThing",
        method: reqwest::Method::GET,
        path_template: "/things/{id}",
        idempotent: true,
        idempotency_key: None,
        idempotency_header: None,
        success_statuses: &[200],
        documented_errors: &[404],
        error_format: crate::error::ErrorFormat::Opaque,
        error_formats: &[],
        auth: &[],
    };

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(100),
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        }
    }

    #[test]
    fn classification() {
        assert_eq!(classify(Failure::Status(429)), Class::Throttled);
        for status in [408, 500, 502, 503, 504] {
            assert_eq!(
                classify(Failure::Status(status)),
                Class::Transient,
                "{status}"
            );
        }
        assert_eq!(classify(Failure::Timeout), Class::Transient);
        assert_eq!(classify(Failure::Connection), Class::Transient);
        for status in [400, 401, 403, 404, 409, 410, 422, 501, 505, 302] {
            assert_eq!(
                classify(Failure::Status(status)),
                Class::Permanent,
                "{status}"
            );
        }
        assert_eq!(classify(Failure::Other), Class::Permanent);
    }

    #[test]
    fn throttling_is_always_retried() {
        let p = policy();
        assert!(matches!(
            p.decide(&TRACK_SALE, false, Failure::Status(429), 1, None),
            Verdict::Retry(_)
        ));
        assert!(matches!(
            p.decide(&CREATE_THING, false, Failure::Status(429), 2, None),
            Verdict::Retry(_)
        ));
        assert_eq!(
            p.decide(&TRACK_SALE, false, Failure::Status(429), 3, None),
            Verdict::Stop(Some("gave up after 3 attempts".into()))
        );
    }

    #[test]
    fn transient_failures_need_idempotency() {
        let p = policy();
        for failure in [Failure::Status(503), Failure::Timeout, Failure::Connection] {
            assert_eq!(
                p.decide(&TRACK_SALE, false, failure, 1, None),
                Verdict::Stop(Some(
                    "not retried: POST /track/sale is not idempotent and the request carries no invoiceId (its idempotency key)".into()
                )),
            );
            assert_eq!(
                p.decide(&CREATE_THING, false, failure, 1, None),
                Verdict::Stop(Some(
                    "not retried: POST /things is not idempotent and has no idempotency key".into()
                )),
            );
            assert!(matches!(
                p.decide(&TRACK_SALE, true, failure, 1, None),
                Verdict::Retry(_)
            ));
            assert!(matches!(
                p.decide(&GET_THING, false, failure, 2, None),
                Verdict::Retry(_)
            ));
            assert_eq!(
                p.decide(&GET_THING, false, failure, 3, None),
                Verdict::Stop(Some("gave up after 3 attempts".into()))
            );
        }
    }

    #[test]
    fn permanent_failures_are_never_retried() {
        let p = policy();
        for failure in [Failure::Status(400), Failure::Status(404), Failure::Other] {
            assert_eq!(
                p.decide(&GET_THING, true, failure, 1, None),
                Verdict::Stop(None)
            );
        }
    }

    #[test]
    fn zero_retries() {
        let p = RetryPolicy {
            max_retries: 0,
            ..policy()
        };
        assert_eq!(
            p.decide(&GET_THING, false, Failure::Status(503), 1, None),
            Verdict::Stop(Some(
                "not retried: retries are disabled (max_retries is 0)".into()
            ))
        );
    }

    #[test]
    fn defaults() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_retries, 2);
        assert_eq!(p.initial_backoff, Duration::from_millis(500));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy::default();
        let ceilings: Vec<u128> = (0..7).map(|r| p.backoff_ceiling(r).as_millis()).collect();
        assert_eq!(ceilings, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
        assert_eq!(p.backoff_ceiling(u32::MAX), MAX_BACKOFF);

        let long = RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_secs(20),
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        };
        assert_eq!(long.backoff_ceiling(3), Duration::from_secs(20));
        let huge = RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::MAX,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        };
        assert_eq!(huge.backoff_ceiling(1), Duration::MAX);
        assert!(huge.backoff(1) >= Duration::MAX / 2);
    }

    #[test]
    fn backoff_jitter_stays_within_bounds() {
        let p = RetryPolicy::default();
        for retry in 0..6 {
            let ceiling = p.backoff_ceiling(retry);
            let mut seen = std::collections::HashSet::new();
            for _ in 0..200 {
                let d = p.backoff(retry);
                assert!(d >= ceiling / 2 && d <= ceiling, "{d:?} for retry {retry}");
                seen.insert(d);
            }
            assert!(seen.len() > 1, "no jitter for retry {retry}");
        }
        let zero = RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::ZERO,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        };
        assert_eq!(zero.backoff(3), Duration::ZERO);
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = policy();
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(3600))),
            DEFAULT_MAX_RETRY_AFTER
        );
        // Longer than max_retry_after: not retried, and the note says why.
        let Verdict::Stop(Some(note)) = p.decide(
            &TRACK_SALE,
            false,
            Failure::Status(429),
            1,
            Some(Duration::from_secs(3600)),
        ) else {
            panic!("a wait of an hour is not waited for");
        };
        assert!(note.contains("wait 3600 s"), "{note}");
        assert!(note.contains("max_retry_after (60 s)"), "{note}");
        assert!(matches!(
            p.decide(&TRACK_SALE, false, Failure::Status(429), 1, Some(DEFAULT_MAX_RETRY_AFTER)),
            Verdict::Retry(wait) if wait == DEFAULT_MAX_RETRY_AFTER
        ));
        assert_eq!(p.delay(1, Some(Duration::ZERO)), Duration::ZERO);
        assert_eq!(
            p.decide(
                &TRACK_SALE,
                false,
                Failure::Status(429),
                1,
                Some(Duration::from_secs(7))
            ),
            Verdict::Retry(Duration::from_secs(7))
        );
    }

    #[test]
    fn retry_after_parsing() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 2015-10-21 07:28:00 GMT
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::MAX)
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        for junk in ["", "soon", "-5", "NaN", "inf", "-1.5", "Wed, 99 Oct 2015"] {
            assert_eq!(parse_retry_after(junk, now), None, "{junk:?}");
        }
    }

    #[test]
    fn retry_after_header() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(
            reqwest::header::RETRY_AFTER,
            reqwest::header::HeaderValue::from_static("3"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
    }
}
