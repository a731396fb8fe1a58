//! [`Interval`], [`interval`], [`interval_at`] and [`MissedTickBehavior`].

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use crate::Instant;

use super::sleep::{deadline_after, sleep_until, Sleep};

/// A tick completing this much after its deadline counts as missed. Timers
/// fire up to a few ms late by design (1 ms ticks plus wake-up latency);
/// that is not a missed tick. Tokio's figure.
const MISSED_TICK_TOLERANCE: Duration = Duration::from_millis(5);

/// A stream of ticks `period` apart, the first one immediately.
///
/// Same as `interval_at(Instant::now(), period)`.
///
/// # Panics
///
/// Panics if `period` is zero, or if called outside an rt runtime.
///
/// # Examples
///
/// ```
/// use rt::time::{interval, Duration, Instant};
///
/// # rt::Runtime::new()?.block_on(async {
/// let start = Instant::now();
/// let mut interval = interval(Duration::from_millis(10));
/// interval.tick().await; // at once
/// interval.tick().await; // 10 ms after the first tick
/// interval.tick().await; // 20 ms after the first tick
/// assert!(start.elapsed() >= Duration::from_millis(20));
/// # });
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// A stream of ticks `period` apart, the first one at `start`.
///
/// # Panics
///
/// Panics if `period` is zero, or if called outside an rt runtime.
///
/// # Examples
///
/// ```
/// use rt::time::{interval_at, Duration, Instant};
///
/// # rt::Runtime::new()?.block_on(async {
/// let start = Instant::now() + Duration::from_millis(20);
/// let mut interval = interval_at(start, Duration::from_millis(10));
/// assert_eq!(interval.tick().await, start); // 20 ms from now
/// assert_eq!(interval.tick().await, start + Duration::from_millis(10));
/// # });
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    Interval {
        delay: sleep_until(start),
        period,
        missed_tick_behavior: MissedTickBehavior::default(),
    }
}

/// What an [`Interval`] does when ticks were missed (the task came back
/// more than a few ms after a tick was due).
///
/// Say the period is 10 ms, ticks were due at 0, 10, 20, … and the task
/// polls again only at 35 ms, after the tick due at 10 ms.
///
/// # Examples
///
/// ```
/// use rt::time::{interval, sleep, Duration, MissedTickBehavior};
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut ticks = interval(Duration::from_millis(10));
/// ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
/// let first = ticks.tick().await; // at 0
/// sleep(Duration::from_millis(35)).await; // busy elsewhere
/// ticks.tick().await; // the tick due at 10, late
/// let next = ticks.tick().await; // not 20 nor 30: those are skipped
/// assert!(next - first >= Duration::from_millis(40));
/// # });
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MissedTickBehavior {
    /// Catch up: the missed ticks (20, 30) complete at once, one per call,
    /// then the schedule resumes (40, 50, …). The default.
    #[default]
    Burst,
    /// Restart the schedule from now: the next tick is one period after the
    /// late one completes (45, 55, …).
    Delay,
    /// Drop the missed ticks and keep the schedule: the next tick is the
    /// next one on it after now (40, 50, …).
    Skip,
}

impl MissedTickBehavior {
    /// The deadline after a tick due at `due` that completed at `now`, late.
    fn next_deadline(self, due: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => add(due, period),
            MissedTickBehavior::Delay => add(now, period),
            MissedTickBehavior::Skip => {
                let late = now.duration_since(due).as_nanos() % period.as_nanos();
                // `late < period`, so it fits a `Duration` and the sum is > now.
                let late = Duration::from_nanos(u64::try_from(late).unwrap_or(u64::MAX));
                add(now, period - late)
            }
        }
    }
}

/// `at + period`, or "never" (about 30 years from now) on overflow.
fn add(at: Instant, period: Duration) -> Instant {
    at.checked_add(period)
        .unwrap_or_else(|| deadline_after(Duration::MAX))
}

/// Ticks `period` apart; made by [`interval`] and [`interval_at`].
///
/// Each deadline is the previous deadline plus the period (not the time the
/// previous tick completed plus the period), so a slow consumer does not
/// drift; see [`MissedTickBehavior`] for what happens when it falls behind.
///
/// # Examples
///
/// A task that does something every 5 ms, three times:
///
/// ```
/// use rt::time::{interval, Duration, Interval};
///
/// # rt::Runtime::new()?.block_on(async {
/// let task = rt::spawn(async {
///     let mut every_5ms: Interval = interval(Duration::from_millis(5));
///     let mut due = Vec::new();
///     for _ in 0..3 {
///         due.push(every_5ms.tick().await);
///     }
///     due
/// });
/// let due = task.await?;
/// assert_eq!(due[2] - due[0], Duration::from_millis(10)); // no drift
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct Interval {
    /// Completes at the next tick's deadline.
    delay: Sleep,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// Waits for the next tick and returns the instant it was due.
    ///
    /// Cancel-safe: dropping the future before it completes loses no tick.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{interval, Duration};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut ticks = interval(Duration::from_millis(5));
    /// let first = ticks.tick().await; // at once: when the interval was made
    /// let second = ticks.tick().await;
    /// assert_eq!(second - first, Duration::from_millis(5));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick; `Ready(instant it was due)` when it is due.
    ///
    /// On `Pending`, the waker from this `cx` is woken at the deadline (only
    /// the last waker passed is kept).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use rt::time::{interval, Duration};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut ticks = interval(Duration::from_millis(5));
    /// // What `tick` does, for a hand-written `Future` or `Stream`.
    /// let first = poll_fn(|cx| ticks.poll_tick(cx)).await;
    /// let second = poll_fn(|cx| ticks.poll_tick(cx)).await;
    /// assert_eq!(second - first, ticks.period());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        let due = self.delay.deadline();
        ready!(Pin::new(&mut self.delay).poll(cx));
        let now = Instant::now();
        let next = if now > add(due, MISSED_TICK_TOLERANCE) {
            self.missed_tick_behavior
                .next_deadline(due, now, self.period)
        } else {
            add(due, self.period)
        };
        Pin::new(&mut self.delay).reset(next);
        Poll::Ready(due)
    }

    /// Restarts the schedule: the next tick is one period from now.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{interval, Duration, Instant};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut ticks = interval(Duration::from_millis(10));
    /// ticks.tick().await; // at once
    /// let reset_at = Instant::now();
    /// ticks.reset();
    /// assert!(ticks.tick().await >= reset_at + Duration::from_millis(10));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reset(&mut self) {
        self.reset_at(add(Instant::now(), self.period));
    }

    /// Restarts the schedule: the next tick is now.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{interval, Duration};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut hourly = interval(Duration::from_secs(3600));
    /// hourly.tick().await; // at once
    /// hourly.reset_immediately();
    /// hourly.tick().await; // at once again, not in an hour
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reset_immediately(&mut self) {
        self.reset_at(Instant::now());
    }

    /// Restarts the schedule: the next tick is `after` from now.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{interval, Duration};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut hourly = interval(Duration::from_secs(3600));
    /// hourly.tick().await; // at once
    /// hourly.reset_after(Duration::from_millis(10));
    /// hourly.tick().await; // 10 ms from the reset; then hourly again
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reset_after(&mut self, after: Duration) {
        self.reset_at(add(Instant::now(), after));
    }

    /// Restarts the schedule: the next tick is at `deadline`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{interval, Duration, Instant};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut hourly = interval(Duration::from_secs(3600));
    /// hourly.tick().await; // at once
    /// let deadline = Instant::now() + Duration::from_millis(10);
    /// hourly.reset_at(deadline);
    /// assert_eq!(hourly.tick().await, deadline);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reset_at(&mut self, deadline: Instant) {
        Pin::new(&mut self.delay).reset(deadline);
    }

    /// What this interval does when ticks are missed.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{interval, Duration, MissedTickBehavior};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let ticks = interval(Duration::from_millis(10));
    /// assert_eq!(ticks.missed_tick_behavior(), MissedTickBehavior::Burst); // the default
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets what this interval does when ticks are missed (default: Burst).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{interval, Duration, MissedTickBehavior};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut ticks = interval(Duration::from_millis(10));
    /// // After a pause, restart the schedule from the late tick.
    /// ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    /// assert_eq!(ticks.missed_tick_behavior(), MissedTickBehavior::Delay);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// The time between ticks.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{interval, Duration};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// assert_eq!(interval(Duration::from_millis(10)).period(), Duration::from_millis(10));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missed_ticks() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let (due, now, period) = (t0 + ms(10), t0 + ms(35), ms(10));
        assert_eq!(
            MissedTickBehavior::Burst.next_deadline(due, now, period),
            t0 + ms(20)
        );
        assert_eq!(
            MissedTickBehavior::Delay.next_deadline(due, now, period),
            t0 + ms(45)
        );
        assert_eq!(
            MissedTickBehavior::Skip.next_deadline(due, now, period),
            t0 + ms(40)
        );
        // Exactly on the schedule: the next one after now.
        let now = t0 + ms(40);
        assert_eq!(
            MissedTickBehavior::Skip.next_deadline(due, now, period),
            t0 + ms(50)
        );
        assert_eq!(MissedTickBehavior::default(), MissedTickBehavior::Burst);
    }
}
