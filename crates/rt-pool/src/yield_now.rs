//! `yield_now`: let other tasks — and the reactor — run.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yield to the scheduler once.
///
/// On a worker, the task is deferred: it runs again once the worker has
/// run the rest of its queue and turned the reactor (without blocking), so a
/// loop of CPU work and `yield_now` leaves room for I/O and timers, as in
/// tokio. Elsewhere (inside `block_on`, or under another executor) it wakes
/// itself at once.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let task = rt::spawn(async {
///     let mut sum = 0u64;
///     for i in 0..3_000u64 {
///         sum += i; // CPU work...
///         if i % 1_000 == 0 {
///             rt::task::yield_now().await; // ...with a turn for the others
///         }
///     }
///     sum
/// });
/// assert_eq!(task.await?, 4_498_500);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future of [`yield_now`]: `Pending` once, then `Ready`.
///
/// # Examples
///
/// ```
/// use rt::task::YieldNow;
///
/// # rt::Runtime::new()?.block_on(async {
/// let yielding: YieldNow = rt::task::yield_now();
/// yielding.await;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        crate::context::defer(cx.waker());
        Poll::Pending
    }
}
