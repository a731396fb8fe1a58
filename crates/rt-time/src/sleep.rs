//! [`Sleep`], [`sleep`] and [`sleep_until`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll, Waker};
use std::time::Duration;

use crate::{Instant, ShutDown};

use rt_core::coop;

use super::timers::TimerKey;
use super::timers::{Armed, Moved};
use crate::Timers;

/// How far ahead "never" is: a deadline that overflows `Instant` becomes
/// this far from now (about 30 years, as in tokio).
const FAR_FUTURE: Duration = Duration::from_secs(86_400 * 365 * 30);

/// Waits until `duration` has elapsed.
///
/// Equivalent to `sleep_until(Instant::now() + duration)`; a duration too
/// large for `Instant` sleeps for about 30 years. The returned [`Sleep`]
/// does nothing until polled; it completes no earlier than its deadline,
/// usually within a few milliseconds after (1 ms resolution).
///
/// # Panics
///
/// Panics if called outside an rt runtime (no timer driver entered on this thread).
///
/// # Examples
///
/// ```
/// use rt::time::{sleep, Duration, Instant};
///
/// # rt::Runtime::new()?.block_on(async {
/// let start = Instant::now();
/// sleep(Duration::from_millis(10)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// # });
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    sleep_after(duration)
}

/// `sleep` (and `timeout`): a deadline just read off the clock plus a
/// positive duration cannot have passed yet, so the first poll may arm
/// without reading the clock again (a timer armed and cancelled costs one
/// clock read, as in tokio, not two).
pub(super) fn sleep_after(duration: Duration) -> Sleep {
    let mut sleep = sleep_until(deadline_after(duration));
    sleep.fresh = !duration.is_zero();
    sleep
}

/// Waits until `deadline` is reached; completes at once if it has passed.
///
/// # Panics
///
/// Panics if called outside an rt runtime (no timer driver entered on this thread).
///
/// # Examples
///
/// ```
/// use rt::time::{sleep_until, Duration, Instant};
///
/// # rt::Runtime::new()?.block_on(async {
/// let deadline = Instant::now() + Duration::from_millis(10);
/// sleep_until(deadline).await;
/// assert!(Instant::now() >= deadline);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    let Some(timers) = Timers::try_current() else {
        panic!(
            "rt::time: timers need a runtime, and none is running on this thread \
             (call sleep, timeout and interval from inside an rt runtime)"
        );
    };
    Sleep {
        deadline,
        timers,
        timer: None,
        fresh: false,
        registered: false,
    }
}

/// [`sleep_until`] for a caller whose deadline lies ahead (a clock reading
/// plus a timeout, as hyper's header-read timer computes it): the first
/// poll arms the timer at once, as a `sleep(d)` does, instead of first
/// reading the clock to see whether the deadline has passed.
///
/// The difference shows only for a deadline that has in fact passed: it
/// completes when the timer wheel reaches it — the first poll if the wheel
/// is already there, else the driver's next turn, a millisecond or so
/// later — rather than at the first poll. A timer armed and dropped
/// before its deadline (hyper's, on every request) reads the clock once,
/// where the caller computed its deadline, not twice. `rt::hyper::Timer`'s
/// sleeps are these.
///
/// # Panics
///
/// Panics if called outside an rt runtime (no timer driver entered on this thread).
///
/// # Examples
///
/// ```
/// use rt::time::{Duration, Instant};
///
/// # rt::Runtime::new()?.block_on(async {
/// let deadline = Instant::now() + Duration::from_millis(10);
/// rt_time::sleep_until_by_wheel(deadline).await;
/// assert!(Instant::now() >= deadline);
///
/// // A deadline already passed completes too, if maybe a turn later.
/// rt_time::sleep_until_by_wheel(Instant::now() - Duration::from_secs(1)).await;
/// # });
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn sleep_until_by_wheel(deadline: Instant) -> Sleep {
    let mut sleep = sleep_until(deadline);
    sleep.fresh = true;
    sleep
}

/// `now + duration`, or [`FAR_FUTURE`] from now if that overflows.
pub(super) fn deadline_after(duration: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(duration)
        .unwrap_or_else(|| now + FAR_FUTURE)
}

/// A future that completes at a deadline; made by [`sleep`] and
/// [`sleep_until`].
///
/// The timer is armed on the first poll that finds the deadline ahead, not on
/// creation, so a `Sleep` that is never polled — or is first polled late —
/// never touches the wheel. Dropping an armed `Sleep` cancels its timer in
/// O(1). Polling again with a waker that [`will_wake`](Waker::will_wake) the
/// stored one takes no lock; with another waker it swaps the waker in place.
///
/// `Sleep` is `Unpin` (unlike tokio's): it owns no address-sensitive state,
/// so it can be polled as `&mut sleep` without pinning.
///
/// Completing consumes one unit of the task's cooperative budget
/// (`rt::task::coop`); with none left, an elapsed `Sleep` returns `Pending`
/// and its task is polled again later. A `Sleep` that is not due costs none.
///
/// # Examples
///
/// ```
/// use rt::time::{sleep, Duration, Instant, Sleep};
///
/// # rt::Runtime::new()?.block_on(async {
/// let nap: Sleep = sleep(Duration::from_millis(10));
/// let deadline = nap.deadline();
/// nap.await;
/// assert!(Instant::now() >= deadline);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    deadline: Instant,
    timers: Arc<Timers>,
    /// Set while the wheel may hold a timer for this `Sleep`; cleared once
    /// the `Sleep` completes or its timer is known to be gone.
    timer: Option<Registration>,
    /// Made by `sleep(d)` with `d > 0` (the deadline is ahead of the
    /// clock read that made it, see `sleep_after`) or by
    /// `sleep_until_by_wheel`, and not polled yet: the first poll arms
    /// without reading the clock.
    fresh: bool,
    /// Polled or reset at least once (see [`Sleep::is_elapsed`]).
    registered: bool,
}

/// An armed timer: its key and a clone of the waker it holds, so a re-poll
/// can compare wakers without the lock.
struct Registration {
    key: TimerKey,
    waker: Waker,
}

impl Sleep {
    /// The instant at which this future completes.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{sleep_until, Duration, Instant};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let deadline = Instant::now() + Duration::from_secs(1);
    /// assert_eq!(sleep_until(deadline).deadline(), deadline);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether this sleep has elapsed: it was registered with the timers
    /// (polled, or [`reset`](Sleep::reset)) and its deadline has passed,
    /// by the clock, whether or not the timer has fired yet. A sleep never
    /// polled nor reset is not elapsed, whatever its deadline (as in
    /// tokio).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{sleep, Duration};
    /// use std::pin::pin;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut short = pin!(sleep(Duration::from_millis(1)));
    /// sleep(Duration::from_millis(2)).await;
    /// assert!(!short.is_elapsed()); // never polled
    /// short.as_mut().await;
    /// assert!(short.is_elapsed());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn is_elapsed(&self) -> bool {
        self.registered && self.timers.now() >= self.deadline
    }

    /// Moves the deadline to `deadline`, before or after this future has
    /// completed; it completes again at the new deadline. O(1).
    ///
    /// If the timer is armed, it moves and keeps its waker, so the task is
    /// woken at the new deadline even if it does not poll in between; a
    /// deadline in the past wakes it at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{sleep, Duration, Instant};
    /// use std::pin::pin;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut nap = pin!(sleep(Duration::from_secs(3600)));
    /// let deadline = Instant::now() + Duration::from_millis(10);
    /// nap.as_mut().reset(deadline); // an hour becomes 10 ms
    /// nap.await;
    /// assert!(Instant::now() >= deadline);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.get_mut();
        this.deadline = deadline;
        this.fresh = false;
        this.registered = true;
        let Some(timer) = &this.timer else {
            return; // Not armed: the next poll arms at the new deadline.
        };
        let timers = &*this.timers;
        if deadline <= timers.now() {
            // Already due: wake now rather than when the owner's wheel
            // (which may lag by a turn) reaches the tick.
            if let Some(timer) = this.timer.take() {
                drop(timers.cancel(timer.key));
                timer.waker.wake();
            }
            return;
        }
        match timers.reset(timer.key, timers.tick_of(deadline)) {
            Moved::Pending { notify } => {
                if notify {
                    this.timers.unpark();
                }
            }
            Moved::Due(waker) => {
                this.timer = None;
                waker.wake();
            }
            Moved::Gone => {
                // It fired (and woke the task) before the reset; arm again
                // with the same waker so the new deadline wakes it too.
                if let Some(Registration { waker, .. }) = this.timer.take() {
                    match this.arm(waker.clone()) {
                        Poll::Ready(Ok(())) => waker.wake(),
                        Poll::Ready(Err(ShutDown)) => timers_shut_down(),
                        Poll::Pending => {}
                    }
                }
            }
        }
    }

    /// The key of the armed timer, if any.
    #[cfg(all(test, not(loom)))]
    pub(super) fn timer_key(&self) -> Option<TimerKey> {
        self.timer.as_ref().map(|t| t.key)
    }

    /// Arms the timer with `waker`; `Ready(Ok)` if the deadline is already
    /// due, `Ready(Err)` if the driver has shut down.
    fn arm(&mut self, waker: Waker) -> Poll<Result<(), ShutDown>> {
        self.arm_inline(waker)
    }

    /// [`Sleep::arm`], inlined into the first poll of a fresh `Sleep`: the
    /// hot path of a timer armed and dropped per request (inlining the
    /// chain down to the wheel spares a few calls' worth of register saves).
    #[inline(always)]
    fn arm_inline(&mut self, waker: Waker) -> Poll<Result<(), ShutDown>> {
        let timers = &*self.timers;
        match timers.arm(timers.tick_of(self.deadline), waker.clone()) {
            Armed::Pending { key, notify } => {
                if notify {
                    self.timers.unpark();
                }
                self.timer = Some(Registration { key, waker });
                Poll::Pending
            }
            Armed::Due => Poll::Ready(Ok(())),
            Armed::ShutDown => Poll::Ready(Err(ShutDown)),
        }
    }

    /// Cancels the timer, if any; the waker is dropped outside the lock.
    /// Inlined into `drop`: a `Sleep` dropped armed, before its deadline,
    /// is the per-request path (see `arm_inline`).
    #[inline(always)]
    fn disarm(&mut self) {
        if let Some(timer) = self.timer.take() {
            drop(self.timers.cancel(timer.key));
        }
    }

    /// [`Sleep::disarm`] as a call, for a `Sleep` completing (not the hot
    /// path: `poll` stays small).
    #[inline(never)]
    fn disarm_on_completion(&mut self) {
        self.disarm();
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match ready!(self.get_mut().poll_sleep(cx)) {
            Ok(()) => Poll::Ready(()),
            Err(ShutDown) => timers_shut_down(),
        }
    }
}

/// Polls `sleep` as awaiting it does (the same wake-ups, the same
/// cooperative budget), except once its runtime has shut down: where
/// polling the [`Sleep`] as a future panics, this returns
/// `Ready(Err(`[`ShutDown`]`))` and leaves the `Sleep` unarmed.
///
/// For timers a library keeps in the background, whose failure must not
/// panic the poll of the user's future they serve. Not tokio's API: the
/// facade (`rt::time`) does not re-export it.
///
/// # Examples
///
/// ```
/// use std::future::poll_fn;
/// use rt::time::{sleep, Duration, Instant};
///
/// # rt::Runtime::new()?.block_on(async {
/// let start = Instant::now();
/// let mut nap = sleep(Duration::from_millis(10));
/// let done = poll_fn(|cx| rt_time::poll_unless_shut_down(&mut nap, cx)).await;
/// assert_eq!(done, Ok(()));
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// # });
/// # std::io::Result::Ok(())
/// ```
pub fn poll_unless_shut_down(
    sleep: &mut Sleep,
    cx: &mut Context<'_>,
) -> Poll<Result<(), ShutDown>> {
    sleep.poll_sleep(cx)
}

impl Sleep {
    /// `Future::poll`, with a shut-down driver reported instead of
    /// panicked on.
    #[inline(always)]
    fn poll_sleep(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ShutDown>> {
        self.registered = true;
        if self.timer.is_none() && std::mem::take(&mut self.fresh) {
            // If the wheel has passed the tick meanwhile, `arm` says so;
            // a deadline it has not reached fires on the owner's next turn.
            ready!(self.arm_inline(cx.waker().clone()))?;
            // Due: no timer is left; an exhausted task finds the deadline
            // passed by the clock below when it is polled again.
            return consume_budget(cx).map(Ok);
        }
        // The clock decides, not the wheel: a fired timer means the deadline
        // has passed (see `Timers::tick_of`), and this also completes a
        // `Sleep` whose timer the owner has not processed yet.
        if self.timers.now() >= self.deadline {
            // Exhausted: `Pending`, still armed if it was; polled again later.
            ready!(consume_budget(cx));
            self.disarm_on_completion();
            return Poll::Ready(Ok(()));
        }
        let Some(timer) = &mut self.timer else {
            return self.arm(cx.waker().clone());
        };
        if timer.waker.will_wake(cx.waker()) {
            if self.timers.is_shut_down() {
                // Woken by the shutdown, which emptied the wheel.
                self.timer = None;
                return Poll::Ready(Err(ShutDown));
            }
            return Poll::Pending;
        }
        let waker = cx.waker().clone();
        match self.timers.replace_waker(timer.key, waker.clone()) {
            Ok(old) => {
                drop(old);
                timer.waker = waker;
                Poll::Pending
            }
            Err(_) => {
                // Gone although the clock says not yet: only if the clock
                // stepped; arm again.
                self.timer = None;
                ready!(self.arm(waker))?;
                consume_budget(cx).map(Ok)
            }
        }
    }
}

/// A timer of a runtime that was shut down can never fire: fail loudly, as
/// tokio does, rather than wait forever.
#[track_caller]
fn timers_shut_down() -> ! {
    panic!(
        "rt::time: the runtime this timer belongs to has shut down, so it can never fire \
         (a sleep, timeout or interval of a dropped runtime was polled)"
    )
}

/// A `Sleep` is about to complete: one unit of the task's budget, or
/// `Pending` with the task deferred if none is left (`rt_core::coop`).
fn consume_budget(cx: &mut Context<'_>) -> Poll<()> {
    coop::poll_proceed(cx).map(|unit| unit.made_progress())
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.disarm();
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("armed", &self.timer.is_some())
            .finish_non_exhaustive()
    }
}
