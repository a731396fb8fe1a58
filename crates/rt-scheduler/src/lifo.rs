//! The LIFO slot: one task, which its worker runs next, and which another
//! worker may take if the owner is stuck in a poll.
//!
//! # Why other workers may take it
//!
//! A task woken or spawned by the running task goes to the slot, and no
//! sibling is woken for it (the owner runs it next, while the data the two tasks
//! share is hot: message passing). If the running task then blocks its
//! thread — a long computation, a blocking call — the slotted task waits
//! for it (tokio issue 4941; tokio made its slot stealable in 1.51 and
//! reverted it after a 29% loss on a message-passing workload, tokio issue
//! 8065, because thieves took tasks the owner was about to run).
//!
//! Here the slot is an atomic pointer: the owner puts and takes with a
//! swap, and another worker may take with a swap too. Whoever's swap moves
//! the pointer out owns that task reference; nobody else can see it again.
//! The *policy* — take it only from a worker that has been in the same
//! poll for a while, so message passing is never disturbed — is the
//! pool's (`rt-pool`, "Rescuing a stuck worker's LIFO task"); the slot
//! counts its puts for that ([`Remote::puts`]): a slot that stays occupied
//! with no new put for a while belongs to a worker that has not come back
//! to it, i.e. is still in one poll. (Counted per put, not per task run:
//! a store on every `next_task`, read by another worker, made
//! `chained_spawn` about 8% slower through the cache line's bouncing.)
//!
//! # Ordering
//!
//! Every swap is `AcqRel`: the `Release` half publishes the task (its
//! state, written by the wake that queued it) to the thread whose
//! `Acquire` swap takes it; the owner's own take pairs with its own put
//! trivially. A put into an empty slot is a `Release` store instead of a
//! swap: only the owner ever fills the slot, so nobody can fill it between
//! the owner's load that saw it empty and its store. The put count is `Relaxed`: it is a hint (a stale value
//! delays a rescue by one check, or lets one happen one check late), never
//! used to reach memory.

use std::fmt;
use std::ptr::{self, NonNull};

use rt_core::loom::{AtomicPtr, AtomicU32, Ordering::AcqRel, Ordering::Relaxed, Ordering::Release};
use rt_task::Task;

/// The part of a worker's queues that other workers read: its LIFO slot
/// and how many times it was filled.
pub(crate) struct Remote {
    lifo: AtomicPtr<()>,
    /// Puts so far (written by the owner only), for the stuck-poll check.
    puts: AtomicU32,
}

impl Remote {
    pub(crate) fn new() -> Remote {
        Remote {
            lifo: AtomicPtr::new(ptr::null_mut()),
            puts: AtomicU32::new(0),
        }
    }

    /// Put `task` in the slot; returns the task it displaced, if any.
    pub(crate) fn put(&self, task: Task) -> Option<Task> {
        // Only the owner writes the count: a load and a store, no RMW.
        self.puts
            .store(self.puts.load(Relaxed).wrapping_add(1), Relaxed);
        let ptr = task.into_ptr().as_ptr();
        // Only the owner fills the slot; a rescuer only empties it. So an
        // empty slot stays empty until this store, and a store will do —
        // no read-modify-write on the common path (the slot was taken
        // before this poll's first wake or spawn).
        if self.lifo.load(Relaxed).is_null() {
            // Release: publishes the task to the Acquire half of the swap
            // that takes it (the owner's or a rescuer's).
            self.lifo.store(ptr, Release);
            return None;
        }
        let prev = self.lifo.swap(ptr, AcqRel);
        // SAFETY: a non-null pointer in the slot came from
        // `Task::into_ptr` (only `put` stores one), and the swap moved it
        // out of the slot, so this thread alone takes it back.
        NonNull::new(prev).map(|p| unsafe { Task::from_ptr(p) })
    }

    /// Take the task in the slot, if any (the owner, or a rescuer).
    pub(crate) fn take(&self) -> Option<Task> {
        // A plain load first: an empty slot is the common case on the
        // owner's path and costs no read-modify-write.
        if self.lifo.load(Relaxed).is_null() {
            return None;
        }
        let prev = self.lifo.swap(ptr::null_mut(), AcqRel);
        // SAFETY: as in `put`: the swap moved an `into_ptr` pointer out of
        // the slot, to this thread only.
        NonNull::new(prev).map(|p| unsafe { Task::from_ptr(p) })
    }

    /// Whether the slot holds a task (a hint: it may change at once).
    pub(crate) fn is_occupied(&self) -> bool {
        !self.lifo.load(Relaxed).is_null()
    }

    /// How many times the slot was filled.
    pub(crate) fn puts(&self) -> u32 {
        self.puts.load(Relaxed)
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        // A task left in the slot gives its reference back.
        drop(self.take());
    }
}

impl fmt::Debug for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Remote")
            .field("lifo_occupied", &self.is_occupied())
            .field("puts", &self.puts())
            .finish()
    }
}
