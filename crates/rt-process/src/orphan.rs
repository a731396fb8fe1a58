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
//!
//! # One poll at a time, never waited for
//!
//! The orphan's waker polls it inline, from whatever thread wakes it — a
//! reactor turn, or rt-signal's dispatcher delivering a SIGCHLD while it
//! holds its own lock — and the poll itself may reach that same dispatcher
//! (polling the exit notifier can make the runtime's signal dispatcher).
//! A wake that blocked on a poll running elsewhere would close a lock
//! cycle, and one made from inside the orphan's own poll would wait for
//! itself. So a wake never waits: the `state` word lets one caller poll
//! (`IDLE` → `POLLING`); a wake meanwhile only leaves a note (`POLLING` →
//! `NOTIFIED`), and the poller, finding the note when it is done, polls
//! again. Each transition is a compare-and-swap on the one word (`AcqRel`:
//! the next poller sees what the previous one wrote), so a wake is either
//! seen by the running poll's final check or starts a poll of its own.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::process::Child as StdChild;
// std's `Mutex`, not the loom shim's: a process-wide list (a static), not a
// modelled protocol; loom's cannot be static.
use std::sync::atomic::AtomicU8;
use std::sync::atomic::Ordering::{AcqRel, Acquire};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use crate::exit::Exit;

/// Orphans without a notifier, swept by [`reap_stuck`].
static STUCK: Mutex<Vec<StdChild>> = Mutex::new(Vec::new());

/// An orphan with its notifier; `None` once reaped.
#[derive(Debug)]
struct Orphan {
    /// `IDLE`, `POLLING` or `NOTIFIED` (module docs).
    state: AtomicU8,
    /// Locked only by the caller that moved `state` to `POLLING`, so never
    /// contended.
    child: Mutex<Option<(StdChild, Exit)>>,
}

/// Nobody is polling the orphan.
const IDLE: u8 = 0;
/// One caller is polling it.
const POLLING: u8 = 1;
/// One caller is polling it, and it was woken since that poll began.
const NOTIFIED: u8 = 2;

/// Adopts `child`, which has not been reaped.
pub(crate) fn adopt(child: StdChild, exit: Exit) {
    let orphan = Arc::new(Orphan {
        state: AtomicU8::new(IDLE),
        child: Mutex::new(Some((child, exit))),
    });
    orphan.poll();
}

/// Reaps whatever exited among the orphans without a notifier.
pub(crate) fn reap_stuck() {
    let mut stuck = lock(&STUCK);
    stuck.retain_mut(|child| matches!(child.try_wait(), Ok(None)));
}

impl Orphan {
    /// Polls the orphan, or, if a poll is running (on another thread, or
    /// further up this thread's stack), has it poll once more.
    fn poll(self: &Arc<Self>) {
        let mut state = self.state.load(Acquire);
        loop {
            let next = match state {
                IDLE => POLLING,
                POLLING => NOTIFIED,
                _ => return, // the running poll polls again already
            };
            // AcqRel: taking `POLLING` sees the previous poller's writes
            // (its release of the final compare-and-swap below).
            match self.state.compare_exchange(state, next, AcqRel, Acquire) {
                Ok(_) if next == POLLING => break,
                Ok(_) => return, // noted: the running poll repeats
                Err(seen) => state = seen,
            }
        }
        loop {
            self.poll_once();
            // AcqRel: publishes this poll's writes to the next poller; a
            // failure means a wake came meanwhile (`NOTIFIED`).
            match self.state.compare_exchange(POLLING, IDLE, AcqRel, Acquire) {
                Ok(_) => return,
                Err(_) => self
                    .state
                    .store(POLLING, std::sync::atomic::Ordering::Release),
            }
        }
    }

    /// One poll of the notifier; only the caller holding `POLLING` runs it.
    fn poll_once(self: &Arc<Self>) {
        let waker = Waker::from(self.clone());
        let mut cx = Context::from_waker(&waker);
        let mut guard = lock(&self.child);
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
