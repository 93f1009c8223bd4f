//! Circuit breakers, one per endpoint, and the scan's deadline: what stops a frozen endpoint
//! from holding the scan for one timeout per call.
//!
//! An endpoint is a service in a region (`s3` in `eu-west-1`), or the one custom endpoint
//! (`--endpoint-url`, an emulator or a proxy) that serves every service. After
//! [`TRIP_AFTER`] calls to it in a row ended in a timeout or a lost connection (each after the
//! SDK's own retries), with no success between them, its breaker opens for the rest of the
//! scan: calls waiting for it are not sent, calls in flight are abandoned, and each fails with
//! `EndpointNotAnswering` on the resource it was for, so what was left is `unknown` with that
//! reason. A frozen endpoint then costs about one call's time budget (the calls that trip the
//! breaker run side by side), not one budget per call.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;
use tokio::time::Instant;

/// Calls in a row that must time out or lose their connection before an endpoint is given up.
pub(super) const TRIP_AFTER: u32 = 3;

/// Why a call was not made or was abandoned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// The endpoint's breaker is open; the words say why.
    NotAnswering(String),
    /// The scan's deadline passed.
    Deadline,
}

struct State {
    failures_in_a_row: u32,
    /// `Some(reason)` once open; never closes again during the scan.
    open: watch::Sender<Option<String>>,
}

impl State {
    fn new() -> State {
        State {
            failures_in_a_row: 0,
            open: watch::channel(None).0,
        }
    }
}

/// The breakers of one scan and its deadline.
pub(super) struct Breakers {
    endpoints: Mutex<HashMap<String, State>>,
    deadline: Option<Instant>,
}

impl Breakers {
    pub(super) fn new(deadline: Option<Instant>) -> Breakers {
        Breakers {
            endpoints: Mutex::default(),
            deadline,
        }
    }

    fn with<T>(&self, endpoint: &str, f: impl FnOnce(&mut State) -> T) -> T {
        let mut map = self.endpoints.lock().unwrap_or_else(|p| p.into_inner());
        // Every call comes here three times: no allocation once the endpoint is known.
        if let Some(state) = map.get_mut(endpoint) {
            return f(state);
        }
        f(map.entry(endpoint.to_string()).or_insert_with(State::new))
    }

    /// Whether a call to `endpoint` may start now.
    pub(super) fn check(&self, endpoint: &str) -> Result<(), Stop> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Stop::Deadline);
        }
        match self.with(endpoint, |s| s.open.borrow().clone()) {
            Some(why) => Err(Stop::NotAnswering(why)),
            None => Ok(()),
        }
    }

    /// Resolves when a call to `endpoint` must stop: its breaker opened or the deadline passed.
    pub(super) async fn stopped(&self, endpoint: &str) -> Stop {
        let mut open = self.with(endpoint, |s| s.open.subscribe());
        let deadline = async {
            match self.deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        let opened = async {
            let why = open
                .wait_for(Option::is_some)
                .await
                .ok()
                .map(|why| why.clone().unwrap_or_default());
            match why {
                Some(why) => why,
                // The sender lives as long as the breakers: never reached.
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            why = opened => Stop::NotAnswering(why),
            () = deadline => Stop::Deadline,
        }
    }

    /// Records how a call to `endpoint` ended: `Some(failure)` for a timeout or a lost
    /// connection (in words), `None` for any answer. Returns true when this opened the breaker.
    pub(super) fn record(&self, endpoint: &str, failure: Option<&str>) -> bool {
        self.with(endpoint, |s| {
            let Some(failure) = failure else {
                s.failures_in_a_row = 0;
                return false;
            };
            if s.open.borrow().is_some() {
                return false;
            }
            s.failures_in_a_row += 1;
            if s.failures_in_a_row < TRIP_AFTER {
                return false;
            }
            let why = format!(
                "{endpoint} stopped answering: {TRIP_AFTER} calls in a row failed (the last: \
                 {failure})"
            );
            s.open.send_replace(Some(why));
            true
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn opens_after_failures_in_a_row_and_stays_open() {
        let b = Breakers::new(None);
        assert_eq!(b.check("s3 in us-east-1"), Ok(()));
        assert!(!b.record("s3 in us-east-1", Some("s3:GetBucketPolicy: Timeout")));
        assert!(!b.record("s3 in us-east-1", Some("s3:GetBucketPolicy: Timeout")));
        // An answer in between starts the count again.
        assert!(!b.record("s3 in us-east-1", None));
        assert!(!b.record("s3 in us-east-1", Some("s3:GetBucketPolicy: Network")));
        assert!(!b.record("s3 in us-east-1", Some("s3:GetBucketPolicy: Timeout")));
        assert_eq!(b.check("s3 in us-east-1"), Ok(()));
        assert!(b.record("s3 in us-east-1", Some("s3:GetBucketPolicy: Timeout")));
        let Err(Stop::NotAnswering(why)) = b.check("s3 in us-east-1") else {
            panic!("open");
        };
        assert!(why.contains("s3 in us-east-1 stopped answering"), "{why}");
        assert!(why.contains("3 calls in a row"), "{why}");
        // Open for the rest of the scan, and only that endpoint.
        assert!(!b.record("s3 in us-east-1", None));
        assert!(b.check("s3 in us-east-1").is_err());
        assert_eq!(b.check("s3 in eu-west-1"), Ok(()));
    }

    #[tokio::test]
    async fn calls_in_flight_learn_that_the_breaker_opened() {
        let b = std::sync::Arc::new(Breakers::new(None));
        let waiting = {
            let b = b.clone();
            tokio::spawn(async move { b.stopped("athena in us-east-1").await })
        };
        tokio::task::yield_now().await;
        for _ in 0..TRIP_AFTER {
            b.record("athena in us-east-1", Some("athena:GetWorkGroup: Timeout"));
        }
        let stop = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("woken")
            .expect("joined");
        assert!(matches!(stop, Stop::NotAnswering(_)), "{stop:?}");
    }

    #[tokio::test]
    async fn the_deadline_stops_new_and_running_calls() {
        let b = Breakers::new(Some(Instant::now() + Duration::from_millis(50)));
        assert_eq!(b.check("ec2 in us-east-1"), Ok(()));
        assert_eq!(b.stopped("ec2 in us-east-1").await, Stop::Deadline);
        assert_eq!(b.check("ec2 in us-east-1"), Err(Stop::Deadline));
    }
}
