//! `yield_now`: let other tasks run.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yield to the scheduler once: the task is put at the back of the queue
/// and other tasks run before it is polled again.
///
/// ```
/// # let waker = std::task::Waker::noop();
/// # let mut cx = std::task::Context::from_waker(&waker);
/// use std::future::Future;
/// let mut fut = std::pin::pin!(rt_task::yield_now());
/// assert!(fut.as_mut().poll(&mut cx).is_pending());
/// assert!(fut.as_mut().poll(&mut cx).is_ready());
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
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
