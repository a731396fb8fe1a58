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
/// ```
/// # let rt = rt_pool::Runtime::new().unwrap();
/// # rt.block_on(async {
/// let task = rt_pool::spawn(async {
///     for _ in 0..3 {
///         rt_pool::yield_now().await;
///     }
///     "done"
/// });
/// assert_eq!(task.await.unwrap(), "done");
/// # });
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future of [`yield_now`].
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
