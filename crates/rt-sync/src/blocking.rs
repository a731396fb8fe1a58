//! Blocking a plain thread on one of this crate's futures, for the
//! `blocking_*` methods: refused (a panic) on a thread that drives
//! asynchronous tasks, as tokio refuses it.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Panics if this thread drives asynchronous tasks
/// (`rt_core::context::in_async_context`): blocking it would stall them.
#[track_caller]
pub(crate) fn assert_may_block(operation: &str) {
    if rt_core::context::in_async_context() {
        panic!(
            "Cannot block the current thread from within a runtime: \
             `{operation}` would block a thread that drives asynchronous tasks \
             (a runtime worker, or inside `block_on`), stalling every task it runs; \
             `.await` the async version instead, or call it from `rt::task::spawn_blocking` \
             or a thread of your own"
        );
    }
}

/// Unparks the blocked thread.
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `future` on this thread, parking between polls, until it is
/// ready. The caller has called [`assert_may_block`].
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // A wake before this park makes it return at once (the thread's
        // token); a spurious return only costs one more poll.
        thread::park();
    }
}
