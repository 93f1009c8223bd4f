//! Pacing for the services whose quotas are per caller account rather than per resource:
//! AWS STS and AWS Organizations. An organization scan enters every account through the same
//! base account, so its `sts:AssumeRole` calls all count against one quota, and every
//! Organizations read lands on the one organization.
//!
//! - STS publishes a request-rate quota of 600 requests per second per account and Region,
//!   shared by `AssumeRole`, `GetCallerIdentity` and the other STS operations. A scan starts
//!   its `AssumeRole` calls at most [`ASSUME_ROLE_PER_SECOND`] a second: half that quota,
//!   so the team's other tools in the same account keep the other half.
//! - Organizations publishes no per-operation rate. A scan keeps at most
//!   [`ORGANIZATIONS_IN_FLIGHT`] Organizations calls in flight, and the SDK's standard retry
//!   backs off on `TooManyRequestsException`.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// `sts:AssumeRole` calls started per second, at most.
pub const ASSUME_ROLE_PER_SECOND: u32 = 300;

/// Organizations calls in flight at once, at most.
pub const ORGANIZATIONS_IN_FLIGHT: usize = 8;

/// Spaces calls evenly: the n-th caller of [`Pace::wait`] starts no earlier than
/// `(n - 1) × interval` after the first, however many wait at once.
#[derive(Debug)]
pub struct Pace {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pace {
    pub fn per_second(rate: u32) -> Pace {
        Pace {
            interval: Duration::from_secs(1) / rate.max(1),
            next: Mutex::new(None),
        }
    }

    /// Waits for this caller's slot. A slot is taken when asked for, so callers that wait
    /// together are spread out in the order they asked.
    pub async fn wait(&self) {
        let slot = self.take(Instant::now());
        tokio::time::sleep_until(slot).await;
    }

    /// The next slot at or after `now`, taken.
    fn take(&self, now: Instant) -> Instant {
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let slot = next.map_or(now, |n| n.max(now));
        *next = Some(slot + self.interval);
        slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_that_ask_together_are_spread_at_the_rate() {
        let pace = Pace::per_second(100);
        let start = Instant::now();
        let slots: Vec<Duration> = (0..50).map(|_| pace.take(start) - start).collect();
        // The first starts at once, the 50th 49 intervals of 10 ms later, evenly.
        assert_eq!(slots[0], Duration::ZERO);
        assert_eq!(slots[49], Duration::from_millis(490));
        assert!(
            slots
                .windows(2)
                .all(|w| w[1] - w[0] == Duration::from_millis(10))
        );
    }

    #[test]
    fn an_idle_pace_does_not_delay_the_next_call() {
        let pace = Pace::per_second(10);
        let start = Instant::now();
        pace.take(start);
        // Asked again after a quiet spell longer than the interval: at once.
        let later = start + Duration::from_secs(5);
        assert_eq!(pace.take(later), later);
        // And one asked before its turn waits for it.
        assert_eq!(pace.take(later), later + Duration::from_millis(100));
    }

    #[tokio::test]
    async fn waiting_takes_the_slot() {
        let pace = Pace::per_second(50);
        let start = Instant::now();
        for _ in 0..3 {
            pace.wait().await;
        }
        // Three calls: the third no earlier than two intervals of 20 ms after the first.
        assert!(Instant::now() - start >= Duration::from_millis(40));
    }
}
