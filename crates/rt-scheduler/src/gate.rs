//! The injector's closed state: a word that counts pushes under way and
//! has a `CLOSED` bit, so a close can wait out the pushes that got in
//! before it and refuse every later one. See [`Queues`](crate::Queues)
//! for why the injector needs it; modelled with loom in `loom_tests.rs`.
//!
//! # Protocol
//!
//! 1. A pusher adds `PUSHER` ([`Gate::enter`]). If the word had `CLOSED`,
//!    it takes its unit back and is refused; otherwise it pushes, then
//!    takes its unit back ([`Entry`]'s drop).
//! 2. A closer sets `CLOSED` ([`Gate::close`]), then waits until no unit
//!    is left. Every pusher that got in before the bit has pushed by then
//!    (its push happens-before its Release decrement, which the closer's
//!    Acquire load reads), and none gets in after: the queue can then be
//!    drained for good.

use crossbeam_utils::CachePadded;
use rt_core::loom::{
    spin_wait, AtomicUsize, Ordering::AcqRel, Ordering::Acquire, Ordering::Release,
};

/// Set once the gate is closed.
const CLOSED: usize = 1;
/// One pusher under way.
const PUSHER: usize = 2;

/// See the module docs.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    /// On a cache line of its own: every remote push writes it twice, and
    /// the workers read the fields around it on every task.
    word: CachePadded<AtomicUsize>,
}

/// A pusher inside the gate; leaves it when dropped.
#[derive(Debug)]
pub(crate) struct Entry<'a>(&'a Gate);

impl Gate {
    pub(crate) fn new() -> Gate {
        Gate {
            word: CachePadded::new(AtomicUsize::new(0)),
        }
    }

    /// Enter to push; `None` once the gate is closed.
    pub(crate) fn enter(&self) -> Option<Entry<'_>> {
        // AcqRel: Acquire reads `CLOSED` as the closer's RMW left it.
        if self.word.fetch_add(PUSHER, AcqRel) & CLOSED != 0 {
            // Release: pairs with `close`'s Acquire loads.
            self.word.fetch_sub(PUSHER, Release);
            return None;
        }
        Some(Entry(self))
    }

    /// Close the gate and wait until every pusher inside has left. A push
    /// is a few instructions, so the wait is a short spin.
    pub(crate) fn close(&self) {
        // AcqRel: a pusher's `fetch_add` after this one sees `CLOSED`.
        self.word.fetch_or(CLOSED, AcqRel);
        // Acquire: pairs with the pushers' Release decrements, so their
        // pushes are visible to the caller's drain.
        while self.word.load(Acquire) & !CLOSED != 0 {
            spin_wait();
        }
    }

    /// Whether `close` was called.
    pub(crate) fn is_closed(&self) -> bool {
        // Acquire: pairs with `close`.
        self.word.load(Acquire) & CLOSED != 0
    }
}

impl Drop for Entry<'_> {
    fn drop(&mut self) {
        // Release: the push happens-before `close` seeing no pusher.
        self.0.word.fetch_sub(PUSHER, Release);
    }
}
