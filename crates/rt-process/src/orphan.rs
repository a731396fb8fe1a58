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
//! itself. So a wake never waits: the `state` word ([`Gate`]) lets one caller poll
//! (`IDLE` → `POLLING`); a wake meanwhile only leaves a note (`POLLING` →
//! `NOTIFIED`), and the poller, finding the note when it is done, polls
//! again. Each transition is a compare-and-swap on the one word (`AcqRel`:
//! the next poller sees what the previous one wrote), so a wake is either
//! seen by the running poll's final check or starts a poll of its own.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::process::Child as StdChild;
// std's `Mutex`, not the loom shim's: a process-wide list (a static), and
// the orphan's child, which only the gate's holder touches; loom's cannot
// be static. The gate's word goes through the shim: `loom_tests` models it.
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use rt_core::loom::{AtomicU32, Ordering::AcqRel, Ordering::Acquire};

use crate::exit::Exit;

/// Orphans without a notifier, swept by [`reap_stuck`].
static STUCK: Mutex<Vec<StdChild>> = Mutex::new(Vec::new());

/// An orphan with its notifier; `None` once reaped.
#[derive(Debug)]
struct Orphan {
    /// Who polls (module docs).
    gate: Gate,
    /// Locked only by the gate's holder, so never contended.
    child: Mutex<Option<(StdChild, Exit)>>,
}

/// Nobody is polling the orphan.
const IDLE: u32 = 0;
/// One caller is polling it.
const POLLING: u32 = 1;
/// One caller is polling it, and it was woken since that poll began.
const NOTIFIED: u32 = 2;

/// The `state` word of the module docs: one holder runs the job at a time,
/// and a request made while it runs makes it run once more. Nobody waits.
#[derive(Debug)]
pub(crate) struct Gate {
    /// `IDLE`, `POLLING` or `NOTIFIED`.
    state: AtomicU32,
}

impl Gate {
    pub(crate) fn new() -> Gate {
        Gate {
            state: AtomicU32::new(IDLE),
        }
    }

    /// Asks for a run of the job: `true` if the caller now holds the gate
    /// (it runs the job, then calls [`Gate::leave`] until that returns
    /// `true`); `false` if a holder is running it and will run it again.
    pub(crate) fn enter(&self) -> bool {
        let mut state = self.state.load(Acquire);
        loop {
            let next = match state {
                IDLE => POLLING,
                // A note even when one is there: the write is what carries
                // this caller's writes (what it woke for) to the holder's
                // next run, whose `leave` reads it (see `leave`).
                _ => NOTIFIED,
            };
            // AcqRel: taking `POLLING` sees the previous holder's writes
            // (the release of its `leave`); a note publishes the caller's.
            match self.state.compare_exchange(state, next, AcqRel, Acquire) {
                Ok(_) => return next == POLLING,
                Err(seen) => state = seen,
            }
        }
    }

    /// The holder finished one run: `true` if the gate is free now;
    /// `false` if a request came during the run (the holder runs again,
    /// still holding the gate).
    pub(crate) fn leave(&self) -> bool {
        // AcqRel: publishes the run's writes to the next holder; a failure
        // means a request came meanwhile (`NOTIFIED`).
        match self.state.compare_exchange(POLLING, IDLE, AcqRel, Acquire) {
            Ok(_) => true,
            Err(_) => {
                // Only the holder leaves `NOTIFIED`. A swap, not a store:
                // it reads the newest note, so the next run sees the writes
                // of every caller that noted before it (AcqRel); a caller
                // that notes after it finds `POLLING` and notes again.
                self.state.swap(POLLING, AcqRel);
                false
            }
        }
    }
}

/// Adopts `child`, which has not been reaped.
pub(crate) fn adopt(child: StdChild, exit: Exit) {
    let orphan = Arc::new(Orphan {
        gate: Gate::new(),
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
        if self.gate.enter() {
            loop {
                self.poll_once();
                if self.gate.leave() {
                    return;
                }
            }
        }
    }

    /// One poll of the notifier; only the gate's holder runs it.
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
