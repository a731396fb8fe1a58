//! Running a future on the calling thread, parked while it is pending.

use std::cell::OnceCell;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use crate::park::{Handoff, Parker};

/// A thread's parker as a waker: waking unparks the thread.
#[derive(Debug)]
pub(crate) struct ThreadWaker(pub(crate) Parker);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

rt_core::loom::thread_local! {
    /// One parker per thread, made on first use and reused by every
    /// `block_on` on it. Through the shim: under loom each modelled thread
    /// has its own (std's would be one for all of them, on loom's one OS
    /// thread), so the models can run a second thread's `block_on`.
    static PARKER: OnceCell<Arc<ThreadWaker>> = const { OnceCell::new() };
}

/// This thread's parker, as a waker (also the current-thread runtime's,
/// for a thread waiting for its core).
pub(crate) fn thread_parker() -> Arc<ThreadWaker> {
    PARKER.with(|parker| {
        parker
            .get_or_init(|| Arc::new(ThreadWaker(Parker::new(None))))
            .clone()
    })
}

/// Poll `future` on this thread until it is ready, parking in between.
/// Each poll gets a fresh cooperative budget, as a task's poll does.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let parker = thread_parker();
    let waker = Waker::from(parker.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = rt_core::coop::budget(|| future.as_mut().poll(&mut cx)) {
            return out;
        }
        // A parker with no driver never asks for one: the flag is unused.
        parker.0.park(&Handoff::default());
    }
}
