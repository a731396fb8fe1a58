//! Rescuing a stuck worker's LIFO task.
//!
//! A task woken or spawned by the running task waits in its worker's LIFO
//! slot, and no sibling is woken for it: the worker runs it next (message passing).
//! If the running task then blocks its thread, the slotted task would wait
//! for the whole block (tokio issue 4941). So an idle worker watches, and
//! takes the slotted task of a worker that has stayed in one poll for
//! [`STUCK`] (the slot is an atomic pointer others may take from;
//! `rt_scheduler`'s `lifo` module).
//!
//! # Who watches, and when
//!
//! Only a worker that waits in the driver watches, and only while some
//! other worker is running (unparked): then its wait is bounded by
//! [`CHECK_INTERVAL`], and once after each park it compares every other
//! worker's slot and the slot's put count with what it saw last
//! ([`Rescue::check`]). A worker whose slot has held the same task (no new
//! put) for `STUCK` has not come back to it: it is in one long poll, and
//! its slotted task is taken and run. A worker that only ran a quick poll
//! took its slotted task (or put another), and nothing is taken from it —
//! message passing is never disturbed (tokio's stealable slot took tasks
//! from workers about to run them: a 29% loss, tokio issue 8065, reverted). When every other
//! worker is parked the driver's holder waits unbounded: an idle runtime
//! makes no wake-ups.
//!
//! # The flag
//!
//! The holder may have begun an unbounded wait (all others parked) just
//! before another worker woke up and slotted a task. [`Watch`]'s `bounded`
//! flag closes that gap, Dekker-style:
//!
//! 1. The driver's holder, about to wait ([`Watch::bound_for_wait`]):
//!    clears `bounded`, a SeqCst fence, then reads whether any other worker
//!    is unparked (the idle set's SeqCst state word). If one is, it sets
//!    `bounded` again and waits at most `CHECK_INTERVAL`.
//! 2. A worker that slots a task without waking anyone
//!    ([`Watch::ensure_watched`]) reads `bounded` (SeqCst) after its own
//!    unpark was counted (a SeqCst RMW on the idle state, by itself or by
//!    the producer that woke it). If `bounded` is clear, it sets it and
//!    wakes the driver's holder, which re-parks bounded.
//!
//! Either the holder's read sees the slotting worker unparked (and bounds
//! its wait), or the slotting worker's read comes later in the SeqCst
//! order and sees `bounded` clear (and wakes the holder). An extra wake-up
//! (the flag was clear for a moment) costs one loop of the holder. The
//! slotting worker's read is a plain SeqCst load, a `mov` on x86: it is on
//! the message-passing path. (loom's SeqCst loads are weaker than C++'s, so
//! under loom the read is an RMW that reads the newest value.)

use std::time::{Duration, Instant};

use rt_core::loom::{fence, AtomicBool, Ordering::SeqCst};
use rt_scheduler::Queues;
use rt_task::Task;

/// How long a worker's slot must hold the same task (no new put)
/// before another worker takes the task: twice this is the worst wait
/// (a check just missed the block's start), under the 10 ms that
/// `tests/blocked_worker.rs` allows, and far above a message-passing poll
/// (microseconds).
pub(crate) const STUCK: Duration = Duration::from_millis(4);

/// The watching worker's longest wait in the driver: one check per
/// `STUCK`.
pub(crate) const CHECK_INTERVAL: Duration = STUCK;

/// The "is the driver's holder watching?" flag; see the module docs.
#[derive(Debug)]
pub(crate) struct Watch {
    bounded: AtomicBool,
    /// With one worker nobody could rescue: the whole protocol is off.
    enabled: bool,
}

impl Watch {
    pub(crate) fn new(workers: usize) -> Watch {
        Watch {
            bounded: AtomicBool::new(false),
            enabled: workers > 1,
        }
    }

    /// Step 1: the driver's holder is about to wait; `others_running` says
    /// whether another worker is unparked. Returns the bound for its wait.
    pub(crate) fn bound_for_wait(&self, others_running: impl FnOnce() -> bool) -> Option<Duration> {
        if !self.enabled {
            return None;
        }
        // A swap, not a store: an RMW is ordered after every earlier swap
        // of the flag (see `park`, "A swap, not a store").
        self.bounded.swap(false, SeqCst);
        // SeqCst fence: orders the clear before the read of the idle
        // state; pairs with the SeqCst RMW that counted the other worker
        // unparked, which precedes its read in `ensure_watched`.
        fence(SeqCst);
        if others_running() {
            self.bounded.swap(true, SeqCst);
            Some(CHECK_INTERVAL)
        } else {
            None
        }
    }

    /// Step 2: a task was slotted and nobody woken. Returns whether the
    /// driver's holder must be woken (it waits unbounded).
    #[inline]
    pub(crate) fn ensure_watched(&self) -> bool {
        if !self.enabled || self.is_bounded() {
            return false;
        }
        // Only the first of several slotting workers wakes the holder.
        !self.bounded.swap(true, SeqCst)
    }

    #[inline]
    fn is_bounded(&self) -> bool {
        // SeqCst: step 2's read; see the module docs.
        #[cfg(not(loom))]
        return self.bounded.load(SeqCst);
        #[cfg(loom)]
        return self.bounded.fetch_or(false, SeqCst);
    }
}

/// What one worker saw of the others at its last check.
#[derive(Debug)]
pub(crate) struct Rescue {
    /// Per worker: the put count its occupied slot showed, and since
    /// when.
    seen: Vec<Option<(u32, Instant)>>,
}

impl Rescue {
    pub(crate) fn new(workers: usize) -> Rescue {
        Rescue {
            seen: vec![None; workers],
        }
    }

    /// Look at every other worker; take the slotted task of one stuck in
    /// a poll for `STUCK`.
    pub(crate) fn check(&mut self, queues: &Queues, me: usize) -> Option<Task> {
        if cfg!(loom) {
            // The check reads the clock, which a model must not branch on:
            // the loom models run without it.
            return None;
        }

        for (victim, seen) in self.seen.iter_mut().enumerate() {
            if victim == me {
                continue;
            }
            let (occupied, puts) = queues.lifo_state(victim);
            if !occupied {
                *seen = None;
                continue;
            }
            match *seen {
                Some((seen_puts, since)) if seen_puts == puts => {
                    if since.elapsed() >= STUCK {
                        *seen = None;
                        if let Some(task) = queues.steal_lifo(victim) {
                            return Some(task);
                        }
                    }
                }
                _ => *seen = Some((puts, Instant::now())),
            }
        }
        None
    }
}
