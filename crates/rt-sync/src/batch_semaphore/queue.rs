//! The semaphore's queue of waiters: an intrusive doubly linked list whose
//! entries live inside the waiting [`Acquire`](super::Acquire) futures
//! themselves (pinned there), so queueing allocates nothing and a served
//! waiter learns its outcome from its own entry without the lock.
//!
//! # Who touches what
//!
//! - `links` and the list's `head`/`tail`: only with the semaphore's lock
//!   held (the [`Queue`] is the value that lock guards, so a `&mut Queue`
//!   is the proof).
//! - `waker`: with the lock held while the entry is linked; once it is
//!   unlinked, only by its future.
//! - `outcome`, an atomic word: written only with the lock held (by the
//!   future before it links the entry, by releasers and `close` while it is
//!   linked); read by its future at any time. Its values:
//!   - `needed << 1`, `needed > 0`: linked, still lacking `needed` permits;
//!   - `0`: served in full and unlinked;
//!   - `needed << 1 | CLOSED`: unlinked by `close`, still lacking `needed`.
//!
//!   The unlinking side stores the final value (`0` or `CLOSED` set) last,
//!   with `Release`, after taking the waker and unlinking: from that store
//!   on it never touches the entry again, and the future, having read the
//!   final value with `Acquire`, owns the entry outright (it may return and
//!   free it).
//!
//! # Lifetime
//!
//! A linked entry stays alive because its future is pinned (it cannot move)
//! and its `Drop` unlinks it under the lock before the memory goes (if it
//! is still linked); the pinning contract guarantees that drop runs before
//! the memory is reused. So any entry reached from the list, with the lock
//! held, is alive.

use std::fmt;
use std::marker::PhantomPinned;
use std::ptr::NonNull;
use std::task::Waker;

use rt_core::loom::{AtomicUsize, Ordering};

use crate::chan_cell::UnsafeCell;

/// Bit 0 of `outcome`: unlinked by `close`.
pub(super) const CLOSED: usize = 1;

/// Whether an `outcome` word is final (the entry is unlinked and belongs to
/// its future alone).
pub(super) fn is_final(outcome: usize) -> bool {
    outcome == 0 || outcome & CLOSED == CLOSED
}

/// Neighbours of a linked entry.
#[derive(Debug)]
struct Links {
    prev: Option<NonNull<Entry>>,
    next: Option<NonNull<Entry>>,
}

/// A waiter's entry, inside its `Acquire` future; see the
/// [module docs](self).
pub(super) struct Entry {
    links: UnsafeCell<Links>,
    waker: UnsafeCell<Option<Waker>>,
    outcome: AtomicUsize,
    /// Linked entries are addressed by pointer: the entry must not move.
    _pinned: PhantomPinned,
}

// SAFETY: the pointers in `links` are only followed with the semaphore's
// lock held, and the waker is only touched by one side at a time (the lock
// while linked, the owning future after); `outcome` is atomic. So an entry
// may be moved to (before it is linked) and shared with another thread.
unsafe impl Send for Entry {}
// SAFETY: as above: every shared access goes through the lock or the
// atomic `outcome`.
unsafe impl Sync for Entry {}

impl Entry {
    pub(super) fn new() -> Entry {
        Entry {
            links: UnsafeCell::new(Links {
                prev: None,
                next: None,
            }),
            waker: UnsafeCell::new(None),
            outcome: AtomicUsize::new(0),
            _pinned: PhantomPinned,
        }
    }

    /// The outcome word, read by the entry's future without the lock.
    pub(super) fn outcome(&self) -> usize {
        // Acquire: pairs with the Release stores of `serve_front` and
        // `close_front` (the final ones), so a future that sees a final
        // value sees every write the unlinking side made to the entry
        // before letting go.
        let outcome = self.outcome.load(Ordering::Acquire);
        // Under loom, the owner of an entry it now owns outright touches
        // its cells, so the model checks that the unlinking side's last
        // writes to them happen before (the entry may be freed next).
        #[cfg(loom)]
        if is_final(outcome) {
            self.waker.with(|_| ());
            self.links.with(|_| ());
        }
        outcome
    }

    /// The outcome word, read with the lock held (`_queue` is the proof).
    pub(super) fn outcome_locked(&self, _queue: &Queue) -> usize {
        // Relaxed: every store to it is made with the lock held, which
        // orders them before this read.
        self.outcome.load(Ordering::Relaxed)
    }

    /// Stores the waker for the next wake-up, unless the stored one would
    /// wake the same task. The lock must be held (`_queue` is the proof),
    /// or the entry not be linked.
    pub(super) fn register(&self, _queue: &mut Queue, waker: &Waker) {
        self.waker.with_mut(|slot| {
            // SAFETY: with the lock held, nobody else touches the waker
            // (module docs); `self` is alive for the call (borrowed).
            let slot = unsafe { &mut *slot };
            match slot {
                Some(old) if old.will_wake(waker) => {}
                _ => *slot = Some(waker.clone()),
            }
        });
    }
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("outcome", &self.outcome.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// The list: what the semaphore's lock guards.
#[derive(Debug)]
pub(super) struct Queue {
    head: Option<NonNull<Entry>>,
    tail: Option<NonNull<Entry>>,
}

// SAFETY: the list only holds pointers to entries, which are `Send` and
// `Sync` and are only reached through it with the lock held.
unsafe impl Send for Queue {}

impl Queue {
    pub(super) const fn new() -> Queue {
        Queue {
            head: None,
            tail: None,
        }
    }

    /// The first waiter.
    pub(super) fn front(&self) -> Option<NonNull<Entry>> {
        self.head
    }

    /// Links `entry` at the back, needing `needed` permits (`> 0`), with
    /// `waker` to wake when it is served or the semaphore closes.
    ///
    /// # Safety
    ///
    /// - `entry` is not linked, and is pinned: it stays at this address
    ///   until its owner unlinks it under the lock (or reads a final
    ///   outcome), and is alive until then.
    pub(super) unsafe fn push_back(&mut self, entry: &Entry, needed: usize, waker: &Waker) {
        debug_assert!(needed > 0);
        // Relaxed: the lock is held (`&mut self`); a lock-free reader is
        // the owner, which wrote it.
        entry.outcome.store(needed << 1, Ordering::Relaxed);
        entry.register(self, waker);
        let ptr = NonNull::from(entry);
        entry.links.with_mut(|links| {
            // SAFETY: the entry is not linked, so nobody else reaches its
            // links; `entry` is borrowed for the call.
            unsafe {
                *links = Links {
                    prev: self.tail,
                    next: None,
                }
            }
        });
        match self.tail {
            // SAFETY: a linked entry is alive while the lock is held
            // (module docs, Lifetime), and its links are ours under it.
            Some(tail) => unsafe { tail.as_ref() }
                .links
                // SAFETY: as above.
                .with_mut(|links| unsafe { (*links).next = Some(ptr) }),
            None => self.head = Some(ptr),
        }
        self.tail = Some(ptr);
    }

    /// Takes `entry` out of the list.
    ///
    /// # Safety
    ///
    /// - `entry` is linked in this list (so alive: module docs, Lifetime).
    unsafe fn unlink(&mut self, entry: &Entry) {
        let (prev, next) = entry.links.with_mut(|links| {
            // SAFETY: the lock is held (`&mut self`), and the entry is
            // alive (the caller's promise).
            let links = unsafe { &mut *links };
            (links.prev.take(), links.next.take())
        });
        match prev {
            // SAFETY: a linked neighbour is alive while the lock is held,
            // and its links are ours under it.
            Some(prev) => unsafe { prev.as_ref() }
                .links
                // SAFETY: as above.
                .with_mut(|links| unsafe { (*links).next = next }),
            None => self.head = next,
        }
        match next {
            // SAFETY: as above.
            Some(next) => unsafe { next.as_ref() }
                .links
                // SAFETY: as above.
                .with_mut(|links| unsafe { (*links).prev = prev }),
            None => self.tail = prev,
        }
    }

    /// Its owner gives up a linked entry (a cancel): unlinks it and returns
    /// the permits it still lacked. The entry's waker stays in it, for its
    /// owner to drop.
    ///
    /// # Safety
    ///
    /// - `entry` is linked in this list (its outcome, read under the lock,
    ///   is not final).
    pub(super) unsafe fn remove(&mut self, entry: &Entry) -> usize {
        let needed = entry.outcome_locked(self) >> 1;
        // SAFETY: linked, by the caller's promise.
        unsafe { self.unlink(entry) };
        // Relaxed: only its owner, the caller, reads it from now on.
        entry.outcome.store(0, Ordering::Relaxed);
        needed
    }

    /// Assigns up to `n` permits to the first waiter; returns how many it
    /// took. A waiter served in full is unlinked, and its waker goes to
    /// `wakers`; the entry is not touched after that.
    pub(super) fn serve_front(&mut self, n: usize, wakers: &mut impl Extend<Waker>) -> usize {
        let Some(ptr) = self.head else { return 0 };
        // SAFETY: a linked entry is alive while the lock is held (module
        // docs, Lifetime). The reference is not used after the final
        // store below, after which the owner may free the entry.
        let entry = unsafe { ptr.as_ref() };
        let needed = entry.outcome_locked(self) >> 1;
        let given = n.min(needed);
        if given < needed {
            // Relaxed: the owner acts on a non-final value only under the
            // lock, which orders this store before its read.
            entry
                .outcome
                .store((needed - given) << 1, Ordering::Relaxed);
            return given;
        }
        // SAFETY: the entry is linked (it is the head), and the lock is held.
        unsafe { self.unlink(entry) };
        // SAFETY: the lock is held and the entry is still linked as far as
        // its owner knows (the final store comes after), so the waker is
        // ours.
        wakers.extend(entry.waker.with_mut(|waker| unsafe { (*waker).take() }));
        // Release: pairs with the Acquire load of `Entry::outcome`; the
        // last touch of the entry (module docs).
        entry.outcome.store(0, Ordering::Release);
        given
    }

    /// Unlinks the first waiter for `close`, marking it closed and moving
    /// its waker to `wakers`; `false` if the list is empty.
    pub(super) fn close_front(&mut self, wakers: &mut impl Extend<Waker>) -> bool {
        let Some(ptr) = self.head else { return false };
        // SAFETY: as in `serve_front`.
        let entry = unsafe { ptr.as_ref() };
        let outcome = entry.outcome_locked(self);
        // SAFETY: the entry is linked (it is the head), and the lock is held.
        unsafe { self.unlink(entry) };
        // SAFETY: as in `serve_front`.
        wakers.extend(entry.waker.with_mut(|waker| unsafe { (*waker).take() }));
        // Release: as in `serve_front`; the last touch of the entry.
        entry.outcome.store(outcome | CLOSED, Ordering::Release);
        true
    }
}
