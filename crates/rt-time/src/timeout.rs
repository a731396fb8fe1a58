//! [`Timeout`], [`timeout`] and [`timeout_at`].

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;
use rt_core::coop;

use super::sleep::{sleep_after, sleep_until, Sleep};
use super::Elapsed;

/// Runs `future` with a time limit of `duration`.
///
/// Yields `Ok(output)` if the future completes first, `Err(Elapsed)` once the
/// deadline passes; the future is dropped with the `Timeout`. The future is
/// polled before the deadline is checked, so a ready future wins even at a
/// zero duration. A duration too large for `Instant` never elapses in
/// practice (about 30 years). The timer is armed only if the future does not
/// complete on its first poll.
///
/// The deadline is a [`Sleep`], so firing consumes a unit of the task's
/// cooperative budget (`rt_core::coop`) — except when the future has just
/// used up the budget itself: then the deadline is checked without it, so
/// that a future which always exhausts the budget still times out.
///
/// # Panics
///
/// Panics if called outside an rt runtime (no timer driver entered on this thread).
///
/// # Examples
///
/// ```no_run
/// # async fn example() {
/// use rt::time::{sleep, timeout, Duration};
///
/// let slow = sleep(Duration::from_secs(10));
/// let result = timeout(Duration::from_millis(10), slow).await;
/// assert!(result.is_err(), "gave up after 10 ms");
/// # }
/// ```
#[track_caller]
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(future.into_future(), sleep_after(duration))
}

/// Runs `future` until `deadline`; [`timeout`] with an instant.
///
/// # Panics
///
/// Panics if called outside an rt runtime (no timer driver entered on this thread).
///
/// # Examples
///
/// ```no_run
/// # async fn example() {
/// use rt::time::{timeout_at, Duration, Instant};
///
/// let deadline = Instant::now() + Duration::from_secs(1);
/// assert_eq!(timeout_at(deadline, async { 7 }).await, Ok(7));
/// # }
/// ```
#[track_caller]
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(future.into_future(), sleep_until(deadline))
}

pin_project! {
    /// A future with a deadline; made by [`timeout`] and [`timeout_at`].
    ///
    /// Output: `Result<F::Output, Elapsed>`.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    #[derive(Debug)]
    pub struct Timeout<F> {
        #[pin]
        value: F,
        delay: Sleep,
    }
}

impl<F> Timeout<F> {
    fn new(value: F, delay: Sleep) -> Self {
        Timeout { value, delay }
    }

    /// The inner future.
    pub fn get_ref(&self) -> &F {
        &self.value
    }

    /// The inner future, mutably.
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.value
    }

    /// Consumes the `Timeout` (cancelling its timer), returning the future.
    pub fn into_inner(self) -> F {
        self.value
    }

    /// The instant at which this `Timeout` elapses.
    pub fn deadline(&self) -> Instant {
        self.delay.deadline()
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let had_budget = coop::has_budget_remaining();
        if let Poll::Ready(output) = this.value.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        // `Sleep` is `Unpin`.
        let mut delay = Pin::new(this.delay);
        let elapsed = if had_budget && !coop::has_budget_remaining() {
            // The future itself used up the budget: check the deadline
            // anyway, or a future that does so on every poll would never
            // time out (tokio does the same).
            coop::with_unconstrained(|| delay.as_mut().poll(cx))
        } else {
            delay.poll(cx)
        };
        elapsed.map(|()| Err(Elapsed::new()))
    }
}
