//! [`Timeout`], [`timeout`] and [`timeout_at`].

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::Instant;

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
/// cooperative budget (`rt::task::coop`) — except when the future has just
/// used up the budget itself: then the deadline is checked without it, so
/// that a future which always exhausts the budget still times out.
///
/// # Panics
///
/// Panics if called outside an rt runtime (no timer driver entered on this thread).
///
/// # Examples
///
/// ```
/// use rt::time::{sleep, timeout, Duration};
///
/// # rt::Runtime::new()?.block_on(async {
/// let slow = sleep(Duration::from_secs(10));
/// let result = timeout(Duration::from_millis(10), slow).await;
/// assert!(result.is_err(), "gave up after 10 ms");
///
/// let quick = async { "done" };
/// assert_eq!(timeout(Duration::from_secs(10), quick).await, Ok("done"));
/// # });
/// # std::io::Result::Ok(())
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
/// ```
/// use rt::time::{sleep, timeout_at, Duration, Instant};
///
/// # rt::Runtime::new()?.block_on(async {
/// let deadline = Instant::now() + Duration::from_millis(10);
/// assert_eq!(timeout_at(deadline, async { 7 }).await, Ok(7));
/// // One deadline for several steps.
/// assert!(timeout_at(deadline, sleep(Duration::from_secs(3600))).await.is_err());
/// assert!(Instant::now() >= deadline);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(future.into_future(), sleep_until(deadline))
}

pin_project! {
    /// A future with a deadline; made by [`timeout`] and [`timeout_at`].
    ///
    /// Output: `Result<F::Output, Elapsed>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{sleep, timeout, Duration, Elapsed, Timeout};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let limited: Timeout<_> = timeout(Duration::from_millis(10), sleep(Duration::from_secs(3600)));
    /// let result: Result<(), Elapsed> = limited.await;
    /// assert!(result.is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{sleep, timeout, Duration};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let limited = timeout(Duration::from_secs(1), sleep(Duration::from_secs(3600)));
    /// assert!(limited.get_ref().deadline() > limited.deadline());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_ref(&self) -> &F {
        &self.value
    }

    /// The inner future, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::Pin;
    /// use rt::time::{sleep, timeout, Duration, Instant};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut limited = timeout(Duration::from_secs(1), sleep(Duration::from_secs(3600)));
    /// // Bring the inner sleep's deadline before the timeout's.
    /// Pin::new(limited.get_mut()).reset(Instant::now());
    /// assert_eq!(limited.await, Ok(()));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.value
    }

    /// Consumes the `Timeout` (cancelling its timer), returning the future.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{timeout, Duration};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let limited = timeout(Duration::from_millis(10), async { 5 });
    /// let unlimited = limited.into_inner(); // no deadline any more
    /// assert_eq!(unlimited.await, 5);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_inner(self) -> F {
        self.value
    }

    /// The instant at which this `Timeout` elapses.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{timeout_at, Duration, Instant};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let deadline = Instant::now() + Duration::from_secs(1);
    /// assert_eq!(timeout_at(deadline, async {}).deadline(), deadline);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
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
