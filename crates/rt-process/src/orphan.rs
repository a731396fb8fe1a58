//! Children dropped before they were reaped.
//!
//! A dropped [`Child`](crate::Child) that is still running (killed first
//! if `kill_on_drop`) becomes an orphan: an `Arc<Orphan>` that is its own
//! waker. It polls the child's exit notifier (`exit.rs`) with a waker made
//! from itself, so when the pidfd turns readable (or a SIGCHLD arrives) the
//! reactor's turn calls [`Orphan::wake`], which reaps the child with
//! `try_wait` and frees the notifier. No task and no thread.
//!
//! An orphan whose notifier is gone (its runtime shut down) moves to the
//! `STUCK` list, which every later spawn and drop of a child sweeps with
//! `try_wait`: reaped late, but reaped.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::process::Child as StdChild;
// std's `Mutex`, not the loom shim's: a process-wide list (a static), not a
// modelled protocol; loom's cannot be static.
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use crate::exit::Exit;

/// Orphans without a notifier, swept by [`reap_stuck`].
static STUCK: Mutex<Vec<StdChild>> = Mutex::new(Vec::new());

/// An orphan with its notifier; `None` once reaped.
#[derive(Debug)]
struct Orphan(Mutex<Option<(StdChild, Exit)>>);

/// Adopts `child`, which has not been reaped.
pub(crate) fn adopt(child: StdChild, exit: Exit) {
    let orphan = Arc::new(Orphan(Mutex::new(Some((child, exit)))));
    orphan.poll();
}

/// Reaps whatever exited among the orphans without a notifier.
pub(crate) fn reap_stuck() {
    let mut stuck = lock(&STUCK);
    stuck.retain_mut(|child| matches!(child.try_wait(), Ok(None)));
}

impl Orphan {
    fn poll(self: &Arc<Self>) {
        let waker = Waker::from(self.clone());
        let mut cx = Context::from_waker(&waker);
        let mut guard = lock(&self.0);
        let Some((child, exit)) = guard.as_mut() else {
            return;
        };
        // Unconstrained: this runs in the reactor's turn or in a drop, and
        // must neither take a task's budget nor be deferred.
        let polled = pin!(rt_core::coop::unconstrained(poll_fn(|cx| {
            exit.poll(child, cx, false)
        })))
        .poll(&mut cx);
        match polled {
            Poll::Pending => {}
            Poll::Ready(Ok(_status)) => *guard = None, // reaped
            Poll::Ready(Err(_)) => {
                // No notifier any more: the sweep will reap it.
                if let Some((child, _exit)) = guard.take() {
                    lock(&STUCK).push(child);
                }
            }
        }
    }
}

/// Locks `mutex`; a panic elsewhere leaves nothing half-done here.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Wake for Orphan {
    fn wake(self: Arc<Self>) {
        self.poll();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.poll();
    }
}
