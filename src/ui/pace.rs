//! How often work that reads the whole estate is redone while a scan streams in.
//!
//! A live scan changes the store every frame. Evaluating every check, or building the Overview
//! again, on each of those changes made the console spend most of each frame on work whose
//! result the operator cannot read at 60 changes a second. While the scan runs such work is
//! redone at most every [`MIN_INTERVAL`], and never more often than ten times its own cost, so
//! it takes at most a tenth of the console's time however large the estate grows. Once the
//! scan is idle it follows every change at once.

use std::time::{Duration, Instant};

/// The shortest interval between two runs while the scan streams in.
pub const MIN_INTERVAL: Duration = Duration::from_millis(250);

/// The share of time (as a divisor) the work may take: ten times its cost between two runs.
const COST_FACTOR: u32 = 10;

#[derive(Clone, Copy, Debug, Default)]
pub struct Pace {
    last: Option<Instant>,
    cost: Duration,
}

impl Pace {
    /// Whether the work should run now: always when the scan is idle or it never ran.
    pub fn due(&self, idle: bool, now: Instant) -> bool {
        idle || self
            .last
            .is_none_or(|last| now.saturating_duration_since(last) >= self.interval())
    }

    /// Records a run that started at `started` and ended at `ended`.
    pub fn ran(&mut self, started: Instant, ended: Instant) {
        self.start(started);
        self.cost(ended.saturating_duration_since(started));
    }

    /// Records that the work was allowed to run at `now` (its cost is told apart, by
    /// [`Pace::cost`], where it runs later).
    pub fn start(&mut self, now: Instant) {
        self.last = Some(now);
    }

    /// Records what the work cost the last time it ran.
    pub fn cost(&mut self, cost: Duration) {
        self.cost = cost;
    }

    /// The wait between two runs while the scan streams in.
    pub fn interval(&self) -> Duration {
        MIN_INTERVAL.max(self.cost * COST_FACTOR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_first_then_waits_for_the_interval_while_scanning() {
        let t0 = Instant::now();
        let mut pace = Pace::default();
        assert!(pace.due(false, t0), "work that never ran is due");
        pace.ran(t0, t0 + Duration::from_millis(5));
        assert!(!pace.due(false, t0 + Duration::from_millis(100)));
        assert!(
            pace.due(true, t0 + Duration::from_millis(100)),
            "idle follows at once"
        );
        assert!(pace.due(false, t0 + MIN_INTERVAL));
    }

    #[test]
    fn costly_work_waits_ten_times_its_cost() {
        let t0 = Instant::now();
        let mut pace = Pace::default();
        pace.ran(t0, t0 + Duration::from_millis(80));
        assert_eq!(pace.interval(), Duration::from_millis(800));
        assert!(!pace.due(false, t0 + Duration::from_millis(799)));
        assert!(pace.due(false, t0 + Duration::from_millis(800)));
    }
}
