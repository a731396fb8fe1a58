//! Running a future on the calling thread, parked while it is pending.
//!
//! Paused time: while the thread polls its future it may arm timers or
//! wake tasks the drivers cannot see yet, so it holds the runtime's
//! auto-advance off (`rt_time::Timers::hold_auto_advance`), from before its
//! first poll until it blocks, and again from its wake-up. The hold is
//! handed over at the park:
//!
//! 1. The thread sets `released`; if its parker has a token already (the
//!    future woke itself), it takes `released` back, keeps its hold and
//!    only consumes the token.
//! 2. Else it releases its hold and parks.
//! 3. A wake swaps `released` back to false and, if it was set, takes a
//!    hold for the thread *before* unparking it, so the count never reads
//!    zero while the thread has work.
//! 4. After the park, the thread swaps `released` to false: if it was
//!    still set, no wake took the hold for it, and it takes it itself.
//!
//! Exactly one of steps 3 and 4 re-takes the hold for each release.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use rt_time::Timers;

use crate::park::{Handoff, Parker};

/// A thread's parker as a waker: waking unparks the thread.
#[derive(Debug)]
struct ThreadWaker(Parker);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

thread_local! {
    /// One parker per thread, reused by every `block_on` on it.
    static PARKER: Arc<ThreadWaker> = Arc::new(ThreadWaker(Parker::new(None)));
}

/// One `block_on` call's waker when it holds a runtime's auto-advance off
/// (see the module docs).
#[derive(Debug)]
struct HoldingWaker {
    thread: Arc<ThreadWaker>,
    timers: Arc<Timers>,
    /// The thread released its hold and no wake has taken it back yet.
    released: AtomicBool,
}

impl Wake for HoldingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // SeqCst: pairs with the thread's store and swap of `released`
        // (steps 1 and 4): only one side re-takes the hold.
        if self.released.swap(false, SeqCst) {
            self.timers.hold_auto_advance(); // Step 3: before the unpark.
        }
        self.thread.0.unpark();
    }
}

/// Poll `future` on this thread until it is ready, parking in between;
/// with `timers`, holding their auto-advance off while it works.
pub(crate) fn block_on<F: Future>(future: F, timers: Option<Arc<Timers>>) -> F::Output {
    let parker = PARKER.with(Arc::clone);
    let Some(timers) = timers else {
        let waker = Waker::from(parker.clone());
        return run(future, &waker, || {
            // A parker with no driver never asks for one: the flag is unused.
            parker.0.park(&Handoff::default());
        });
    };
    let holding = Arc::new(HoldingWaker {
        thread: parker,
        timers,
        released: AtomicBool::new(false),
    });
    let waker = Waker::from(holding.clone());
    holding.timers.hold_auto_advance();
    // Released on the way out, unwinding included.
    let _hold = ReleaseOnDrop(&holding.timers);
    run(future, &waker, || {
        // SeqCst on `released`: see `HoldingWaker::wake_by_ref`.
        holding.released.store(true, SeqCst); // Step 1.
        if holding.thread.0.is_notified() {
            if !holding.released.swap(false, SeqCst) {
                // A wake took a second hold meanwhile: give one back.
                holding.timers.release_auto_advance();
            }
            // Consumes the token; returns at once.
            holding.thread.0.park(&Handoff::default());
            return;
        }
        holding.timers.release_auto_advance(); // Step 2.
        holding.thread.0.park(&Handoff::default());
        if holding.released.swap(false, SeqCst) {
            holding.timers.hold_auto_advance(); // Step 4.
        }
    })
}

fn run<F: Future>(future: F, waker: &Waker, mut park: impl FnMut()) -> F::Output {
    let mut cx = Context::from_waker(waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        park();
    }
}

struct ReleaseOnDrop<'a>(&'a Timers);

impl Drop for ReleaseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.release_auto_advance();
    }
}
