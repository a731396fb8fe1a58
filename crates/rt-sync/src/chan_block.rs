//! The `blocking_*` methods: drive one of the channel's futures to
//! completion on this thread, parking it between polls.
//!
//! Blocking a thread that drives asynchronous tasks (a worker, or inside
//! `block_on`) is refused with a panic, as tokio does: the value the
//! thread would wait for may have to come from a task only it can run
//! (`rt_core::context` explains the mark).

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Wakes the blocked thread.
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Panics (naming `what`) if this thread drives asynchronous tasks.
#[track_caller]
pub(crate) fn assert_may_block(what: &str) {
    if rt_core::context::in_async_context() {
        panic!(
            "`{what}` was called on a thread that runs asynchronous tasks (a \
             runtime worker or inside `block_on`); blocking it could stall \
             the very task that would unblock it: `.await` the async method \
             instead, or call this one from `spawn_blocking` or a plain thread"
        );
    }
}

/// Polls `future` on this thread until it completes, parking in between.
/// The caller has checked [`assert_may_block`].
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // A wake that came before the park leaves the token set: no lost
        // wake-up; a spurious return only costs one more poll.
        thread::park();
    }
}
