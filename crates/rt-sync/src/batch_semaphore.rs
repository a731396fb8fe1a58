//! The fair semaphore every lock of this crate is built on: permits are
//! taken in batches (`acquire(n)`), and waiters are served strictly in
//! arrival order. [`Semaphore`](crate::Semaphore) is a thin public face on
//! it, [`Mutex`](crate::Mutex) is one permit, [`RwLock`](crate::RwLock) is
//! one permit per reader and all of them for a writer, and a bounded
//! channel's capacity can be one permit per slot.
//!
//! # The protocol
//!
//! State:
//!
//! - `permits`, an atomic word: the permits nobody holds or is owed,
//!   shifted left by two; bit 0, `CLOSED`; bit 1, `WAITERS`, set while
//!   the wait list is not empty.
//! - `waiters`, a [`Queue`] under a lock: an intrusive list of entries,
//!   each living inside its queued [`Acquire`] future (pinned), with an
//!   atomic *outcome* word (the permits it still lacks, or "served", or
//!   "closed") and its waker ([`queue`] says who may touch what).
//!
//! Rules (each code comment below points back here by number):
//!
//! 1. **Taking without waiting** is a compare-and-swap on `permits` that
//!    takes all `n` permits or none; it needs no lock.
//! 2. **Releasing** is a compare-and-swap adding the permits to `permits`
//!    while `WAITERS` is clear: nobody waits, so nobody is owed them, and
//!    no lock is taken. While `WAITERS` is set it takes the lock instead:
//!    released permits go to the queue's head first (possibly only part of
//!    what it needs: it keeps them, so a big request is never starved by
//!    small ones); an entry whose need reaches 0 is unlinked, its waker
//!    taken, and then its outcome set to "served" (the last touch of the
//!    entry). What is left once the queue is empty goes back into
//!    `permits`, in the same atomic step that clears `WAITERS`.
//! 3. **Queueing**, under the lock: one compare-and-swap takes what
//!    `permits` holds (at most what it needs) and, if that is not enough,
//!    sets `WAITERS` in the same step (leaving `permits` at 0); then the
//!    entry needing the rest is linked.
//! 4. From 2 and 3: **`WAITERS` is set exactly while an entry is queued**
//!    (at every moment the lock is free: whoever empties the list, by
//!    serving, cancelling or closing, clears it under the lock), and
//!    **while it is set, `permits` is 0**: it was set by the step that
//!    drained `permits`, and a releaser's compare-and-swap fails on a word
//!    with `WAITERS`, sending it to the lock. So a non-waiting take (1)
//!    fails whenever someone waits: nobody overtakes the queue, and no
//!    permit sits in `permits` while a waiter lacks it.
//! 5. **A woken waiter** reads its outcome without the lock: "served" or
//!    "closed" means it is unlinked and the entry is its own again; only
//!    if it still lacks permits (a spurious or stale wake-up) does it take
//!    the lock, to re-check and to store a new waker.
//! 6. **Cancelling** (dropping a queued `Acquire`): under the lock, the
//!    entry is unlinked (if it still is) and whatever it had already been
//!    assigned is released as in 2, so the next waiter gets it. A future
//!    whose outcome is already final gives back what it was assigned
//!    without the lock, by an ordinary release.
//! 7. **Closing**, under the lock: `CLOSED` is set (and `WAITERS`
//!    cleared) and every queued entry is unlinked, its waker taken, and
//!    its outcome marked "closed". A queued future fails at its next poll
//!    once `CLOSED` is set, even one served in full before the close (as
//!    tokio's does), and releases what it had been assigned. Acquirers
//!    check `CLOSED` under the lock before queueing, so none queues after a
//!    close.
//!
//! A linked entry stays alive because its future is pinned and its `Drop`
//! unlinks it under the lock (rule 6) before the memory goes.

mod queue;

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use rt_core::coop;
use rt_core::loom::{AtomicUsize, Mutex, MutexGuard, Ordering};

use crate::chan_wakers::WakeList;
use queue::{Entry, Queue};

/// Bit 0 of `permits`.
const CLOSED: usize = 1;
/// Bit 1 of `permits`: the wait list is not empty (rule 4).
const WAITERS: usize = 2;
/// Permits are counted from bit 2 of `permits`.
const SHIFT: u32 = 2;

/// The error of an acquire on a closed semaphore (and of
/// [`Semaphore::acquire`](crate::Semaphore::acquire) and its kin).
///
/// # Examples
///
/// ```
/// use rt::sync::Semaphore;
///
/// # rt::Runtime::new()?.block_on(async {
/// let semaphore = Semaphore::new(1);
/// semaphore.close();
/// let error = semaphore.acquire().await.unwrap_err();
/// assert_eq!(error.to_string(), "semaphore closed");
/// # });
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquireError(());

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl Error for AcquireError {}

/// Why a `try_acquire` failed.
///
/// # Examples
///
/// ```
/// use rt::sync::{Semaphore, TryAcquireError};
///
/// let semaphore = Semaphore::new(1);
/// let _permit = semaphore.try_acquire().unwrap();
/// assert_eq!(semaphore.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
/// semaphore.close();
/// assert_eq!(semaphore.try_acquire().unwrap_err(), TryAcquireError::Closed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore was closed.
    Closed,
    /// Not enough permits are free right now (or others wait for them).
    NoPermits,
}

impl TryAcquireError {
    /// Whether the semaphore was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(0);
    /// semaphore.close();
    /// assert!(semaphore.try_acquire().unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, TryAcquireError::Closed)
    }

    /// Whether there were not enough permits.
    ///
    /// # Examples
    ///
    /// ```
    /// let semaphore = rt::sync::Semaphore::new(0);
    /// assert!(semaphore.try_acquire().unwrap_err().is_no_permits());
    /// ```
    pub fn is_no_permits(&self) -> bool {
        matches!(self, TryAcquireError::NoPermits)
    }
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::Closed => f.write_str("semaphore closed"),
            TryAcquireError::NoPermits => f.write_str("no permits available"),
        }
    }
}

impl Error for TryAcquireError {}

/// The semaphore; see the [module docs](self).
pub(crate) struct Semaphore {
    permits: AtomicUsize,
    waiters: Mutex<Queue>,
}

impl Semaphore {
    /// Most permits a semaphore holds (tokio's value).
    pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;

    #[track_caller]
    pub(crate) fn new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore holds at most {} permits",
            Self::MAX_PERMITS
        );
        Semaphore {
            permits: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(Queue::new()),
        }
    }

    #[cfg(not(loom))]
    #[track_caller]
    pub(crate) const fn const_new(permits: usize) -> Semaphore {
        assert!(permits <= Self::MAX_PERMITS);
        Semaphore {
            permits: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(Queue::new()),
        }
    }

    pub(crate) fn available_permits(&self) -> usize {
        // Relaxed: a snapshot, synchronising with nothing.
        self.permits.load(Ordering::Relaxed) >> SHIFT
    }

    pub(crate) fn is_closed(&self) -> bool {
        // Acquire: pairs with the Release `fetch_or` of `close`, so a
        // caller that sees the close sees what preceded it.
        self.permits.load(Ordering::Acquire) & CLOSED == CLOSED
    }

    /// Takes `n` permits now or none (rule 1).
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), TryAcquireError> {
        assert!(n <= Self::MAX_PERMITS, "too many permits requested");
        let wanted = n << SHIFT;
        // Relaxed: only a successful exchange needs to synchronise.
        let mut current = self.permits.load(Ordering::Relaxed);
        loop {
            if current & CLOSED == CLOSED {
                return Err(TryAcquireError::Closed);
            }
            if current >> SHIFT < n {
                return Err(TryAcquireError::NoPermits);
            }
            // Acquire on success: pairs with the Release exchanges of
            // `release` and `settle_empty`, so the taker sees what the
            // permits' last holder wrote (a mutex's data). A waiter served
            // from the queue sees it through its entry's outcome (rule 5).
            // Relaxed on failure: retried.
            match self.permits.compare_exchange_weak(
                current,
                current - wanted,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => current = actual,
            }
        }
    }

    /// Waits for `n` permits, in FIFO order with the other waiters.
    pub(crate) fn acquire(&self, n: usize) -> Acquire<&Semaphore> {
        Acquire::new(self, n)
    }

    /// Gives `n` permits back (or adds new ones): to the waiters first
    /// (rule 2).
    #[track_caller]
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        // Rule 2: without the lock while nobody waits. Relaxed: only a
        // successful exchange needs to synchronise.
        let mut current = self.permits.load(Ordering::Relaxed);
        // Checked before anything moves, so a panic loses no wake-up.
        assert!(
            n <= Self::MAX_PERMITS - (current >> SHIFT),
            "a semaphore holds at most {} permits",
            Self::MAX_PERMITS
        );
        while current & WAITERS == 0 {
            // Release on success: pairs with the Acquire exchanges of
            // `try_acquire` and `take_locked`, so the next taker sees
            // what the permits' holder wrote. Relaxed on failure: retried
            // (or, with `WAITERS` now set, handed to the lock).
            match self.permits.compare_exchange_weak(
                current,
                current + (n << SHIFT),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
        let mut wakers = WakeList::new();
        let mut waiters = self.waiters.lock();
        self.release_locked(n, &mut waiters, &mut wakers);
        drop(waiters);
        wakers.wake_all();
    }

    /// Rule 2, with the lock held: serves the queue, then puts what is left
    /// into `permits`, clearing `WAITERS` if the queue is empty (also with
    /// `n == 0`: after a cancel emptied it).
    fn release_locked(&self, mut n: usize, waiters: &mut Queue, wakers: &mut WakeList) {
        while n > 0 && waiters.front().is_some() {
            n -= waiters.serve_front(n, wakers);
        }
        if waiters.front().is_none() {
            self.settle_empty(n);
        }
    }

    /// The queue is empty (with the lock held): clears `WAITERS` and adds
    /// `n` permits in one step (rules 2 and 4).
    fn settle_empty(&self, n: usize) {
        // Relaxed: only a successful exchange needs to synchronise.
        let mut current = self.permits.load(Ordering::Relaxed);
        loop {
            if current & WAITERS == 0 && n == 0 {
                return;
            }
            // Release on success: pairs with the Acquire exchanges of
            // `try_acquire` and `take_locked`, as in `release`. Relaxed on
            // failure: retried.
            match self.permits.compare_exchange_weak(
                current,
                (current & !WAITERS) + (n << SHIFT),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// Takes up to `n` of the free permits, with the lock held, setting
    /// `WAITERS` in the same step if they are not enough (rule 3); `Err`
    /// if closed.
    fn take_locked(&self, n: usize) -> Result<usize, AcquireError> {
        // Relaxed: only a successful exchange needs to synchronise.
        let mut current = self.permits.load(Ordering::Relaxed);
        loop {
            if current & CLOSED == CLOSED {
                return Err(AcquireError(()));
            }
            let taken = n.min(current >> SHIFT);
            let mut next = current - (taken << SHIFT);
            if taken < n {
                next |= WAITERS;
            }
            // Acquire on success: as in `try_acquire`. Relaxed on
            // failure: retried.
            match self.permits.compare_exchange_weak(
                current,
                next,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(taken),
                Err(actual) => current = actual,
            }
        }
    }

    /// Removes up to `n` free permits for good; returns how many.
    pub(crate) fn forget_permits(&self, n: usize) -> usize {
        // Relaxed: only a successful exchange needs to synchronise.
        let mut current = self.permits.load(Ordering::Relaxed);
        loop {
            let forgotten = n.min(current >> SHIFT);
            // AcqRel: nothing is handed over by forgetting, but it must
            // not be ordered before the permits it removes were added.
            match self.permits.compare_exchange_weak(
                current,
                current - (forgotten << SHIFT),
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return forgotten,
                Err(actual) => current = actual,
            }
        }
    }

    /// Closes the semaphore and fails every waiter (rule 7).
    pub(crate) fn close(&self) {
        let mut wakers = WakeList::new();
        let mut waiters = self.waiters.lock();
        // Release: pairs with the Acquire load of `is_closed`. The queue
        // is emptied below, under the lock, so `WAITERS` goes (rule 7).
        self.permits.fetch_or(CLOSED, Ordering::Release);
        self.permits.fetch_and(!WAITERS, Ordering::Relaxed);
        while waiters.close_front(&mut wakers) {}
        drop(waiters);
        wakers.wake_all();
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.waiters.lock()
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .field("closed", &self.is_closed())
            .finish()
    }
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Not polled yet, or polled and not queued.
    Idle,
    /// Its entry was linked; it has not yet seen a final outcome.
    Waiting,
    /// Holds all its permits, but was out of cooperative budget when it
    /// got them: it completes at its next poll, or gives them back if
    /// dropped first.
    Acquired,
    /// Returned `Ready` (or was cancelled): it owns nothing.
    Done,
}

/// The future of [`Semaphore::acquire`]. Dropped while queued, it gives
/// back what it had been assigned (rule 6).
///
/// `S` is how it reaches the semaphore: a borrow, or any owner that
/// derefs to it (an `Arc` of a structure holding one, behind a small
/// `Deref` wrapper), for a future stored without a lifetime (a bounded
/// channel's sender waiting for a slot).
///
/// It is not `Unpin`: while queued, the semaphore's list points into it.
pub(crate) struct Acquire<S: Deref<Target = Semaphore>> {
    semaphore: S,
    num: usize,
    state: State,
    /// Linked into the semaphore's queue while `Waiting` (until its
    /// outcome is final).
    entry: Entry,
}

impl<S: Deref<Target = Semaphore>> Acquire<S> {
    /// Waits for `n` permits of `semaphore`, in FIFO order.
    pub(crate) fn new(semaphore: S, n: usize) -> Acquire<S> {
        assert!(n <= Semaphore::MAX_PERMITS, "too many permits requested");
        Acquire {
            semaphore,
            num: n,
            state: State::Idle,
            entry: Entry::new(),
        }
    }

    /// Gives up: unlinks its entry if it is queued and gives back whatever
    /// it was assigned or holds (rule 6); returns whether it owed any: it was queued, or held
    /// all it asked for without having completed (`Acquired`). It owns
    /// nothing after.
    pub(crate) fn cancel(self: Pin<&mut Self>) -> bool {
        // SAFETY: nothing is moved out of the future; the entry stays
        // where it was pinned.
        let this = unsafe { self.get_unchecked_mut() };
        let sem = &*this.semaphore;
        let state = std::mem::replace(&mut this.state, State::Done);
        match state {
            State::Idle | State::Done => false,
            State::Acquired => {
                sem.release(this.num);
                true
            }
            State::Waiting => {
                let mut outcome = this.entry.outcome();
                if !queue::is_final(outcome) {
                    let mut waiters = sem.lock();
                    outcome = this.entry.outcome_locked(&waiters);
                    if !queue::is_final(outcome) {
                        // Rule 6, with the entry still linked.
                        // SAFETY: its outcome, read under the lock, is not
                        // final: it is linked.
                        let needed = unsafe { waiters.remove(&this.entry) };
                        let mut wakers = WakeList::new();
                        sem.release_locked(this.num - needed, &mut waiters, &mut wakers);
                        drop(waiters);
                        wakers.wake_all();
                        return true;
                    }
                }
                // Unlinked by a release or `close`: ours alone; what it
                // was assigned goes back by an ordinary release.
                sem.release(this.num - (outcome >> 1));
                true
            }
        }
    }

    /// Rules 1, 3, 5 and 7; the permits are held when it returns
    /// `Ready(Ok)`.
    fn poll_acquire(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), AcquireError>> {
        // SAFETY: nothing is moved out of the future; the entry stays
        // where it was pinned (it is linked below only through this pinned
        // place, and `Drop` unlinks it).
        let this = unsafe { self.get_unchecked_mut() };
        let sem = &*this.semaphore;
        match this.state {
            State::Done => panic!("`Acquire` polled after it completed"),
            State::Acquired => Poll::Ready(Ok(())),
            State::Idle => {
                match sem.try_acquire(this.num) {
                    Ok(()) => return Poll::Ready(Ok(())),
                    Err(TryAcquireError::Closed) => return Poll::Ready(Err(AcquireError(()))),
                    Err(TryAcquireError::NoPermits) => {}
                }
                let mut waiters = sem.lock();
                // Rule 3, and rule 7's check.
                let taken = sem.take_locked(this.num)?;
                if taken == this.num {
                    return Poll::Ready(Ok(()));
                }
                // SAFETY: the entry is not linked (the future was `Idle`),
                // and it is pinned with the future, whose `Drop` unlinks it
                // under the lock if it is still linked then.
                unsafe { waiters.push_back(&this.entry, this.num - taken, cx.waker()) };
                this.state = State::Waiting;
                Poll::Pending
            }
            State::Waiting => {
                // Rule 5: the outcome, without the lock.
                let mut outcome = this.entry.outcome();
                if !queue::is_final(outcome) {
                    let mut waiters = sem.lock();
                    outcome = this.entry.outcome_locked(&waiters);
                    if !queue::is_final(outcome) {
                        // Still queued: a stale wake-up, or a new waker.
                        this.entry.register(&mut waiters, cx.waker());
                        return Poll::Pending;
                    }
                }
                // Final: unlinked, and ours alone.
                this.state = State::Done;
                if outcome & queue::CLOSED == queue::CLOSED || sem.is_closed() {
                    // Rule 7: give back the part assigned before the close
                    // (all of it, for one served before the close).
                    sem.release(this.num - (outcome >> 1));
                    return Poll::Ready(Err(AcquireError(())));
                }
                Poll::Ready(Ok(()))
            }
        }
    }
}

impl<S: Deref<Target = Semaphore>> Future for Acquire<S> {
    type Output = Result<(), AcquireError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Err(error) = ready!(self.as_mut().poll_acquire(cx)) {
            // SAFETY: only `state` is written; nothing moves.
            unsafe { self.get_unchecked_mut() }.state = State::Done;
            return Poll::Ready(Err(error));
        }
        // SAFETY: only `state` is written; nothing moves.
        let this = unsafe { self.get_unchecked_mut() };
        // One unit of budget per completed acquire (rt_core::coop), taken
        // once the permits are held, as tokio does: out of budget, the
        // future keeps them and its turn (a waiter behind it is not served
        // before it), and completes at its next poll.
        this.state = State::Acquired;
        let unit = ready!(coop::poll_proceed(cx));
        unit.made_progress();
        this.state = State::Done;
        Poll::Ready(Ok(()))
    }
}

impl<S: Deref<Target = Semaphore>> Drop for Acquire<S> {
    fn drop(&mut self) {
        // SAFETY: `drop` is the last use of the future, and `cancel` moves
        // nothing: the pinning contract holds to the end.
        unsafe { Pin::new_unchecked(self) }.cancel();
    }
}

impl<S: Deref<Target = Semaphore>> fmt::Debug for Acquire<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("num", &self.num)
            .field("state", &self.state)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::ops::Deref;
    use std::sync::Arc;

    use std::task::Waker;

    use super::*;

    /// An owner of a semaphore inside a shared structure, as a bounded
    /// channel would hold it.
    struct Shared {
        slots: Semaphore,
    }

    struct Slots(Arc<Shared>);

    impl Deref for Slots {
        type Target = Semaphore;

        fn deref(&self) -> &Semaphore {
            &self.0.slots
        }
    }

    #[test]
    fn the_waiters_bit_is_set_exactly_while_someone_waits() {
        let semaphore = Semaphore::new(1);
        let mut cx = Context::from_waker(Waker::noop());
        let waiters = |s: &Semaphore| s.permits.load(Ordering::Relaxed) & WAITERS != 0;
        let mut two = Box::pin(Acquire::new(&semaphore, 2));
        assert!(two.as_mut().poll(&mut cx).is_pending());
        assert!(waiters(&semaphore));
        assert_eq!(semaphore.available_permits(), 0, "drained by the waiter");
        drop(two); // the queue empties: releases are lock-free again
        assert!(!waiters(&semaphore));
        assert_eq!(semaphore.available_permits(), 1);
        let mut three = Box::pin(Acquire::new(&semaphore, 3));
        assert!(three.as_mut().poll(&mut cx).is_pending());
        semaphore.release(2); // serves it in full, emptying the queue
        assert!(!waiters(&semaphore));
        assert!(three.as_mut().poll(&mut cx).is_ready());
        let mut four = Box::pin(Acquire::new(&semaphore, 4));
        assert!(four.as_mut().poll(&mut cx).is_pending());
        semaphore.close(); // unlinks it
        assert!(!waiters(&semaphore));
        assert!(four.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn an_owning_acquire_waits_and_gives_back_when_dropped() {
        let shared = Arc::new(Shared {
            slots: Semaphore::new(1),
        });
        let mut cx = Context::from_waker(Waker::noop());
        shared.slots.try_acquire(1).unwrap();
        let mut first = Box::pin(Acquire::new(Slots(shared.clone()), 1));
        assert!(first.as_mut().poll(&mut cx).is_pending());
        let mut second = Box::pin(Acquire::new(Slots(shared.clone()), 1));
        assert!(second.as_mut().poll(&mut cx).is_pending());
        shared.slots.release(1); // to `first`
        drop(first); // ...which passes it on
        assert!(second.as_mut().poll(&mut cx).is_ready());
        assert_eq!(shared.slots.available_permits(), 0);
        shared.slots.release(1);
        assert_eq!(shared.slots.available_permits(), 1);
    }

    #[test]
    fn a_served_waiter_completes_without_the_lock() {
        let semaphore = Arc::new(Semaphore::new(0));
        let mut cx = Context::from_waker(Waker::noop());
        let mut waiter = Box::pin(Acquire::new(Slots2(semaphore.clone()), 1));
        assert!(waiter.as_mut().poll(&mut cx).is_pending());
        // Served: unlinked, its outcome "served".
        semaphore.release(1);
        // With the lock held here, the waiter's poll must not need it.
        let held = semaphore.lock();
        let (done, finished) = std::sync::mpsc::channel();
        let poller = std::thread::spawn(move || {
            let mut cx = Context::from_waker(Waker::noop());
            let ready = waiter.as_mut().poll(&mut cx).is_ready();
            done.send(ready).unwrap();
            drop(waiter);
        });
        let outcome = finished.recv_timeout(std::time::Duration::from_secs(10));
        drop(held);
        poller.join().unwrap();
        assert_eq!(outcome, Ok(true), "a served waiter's poll took the lock");
    }

    /// An owner of a bare semaphore, for a future moved to another thread.
    struct Slots2(Arc<Semaphore>);

    impl Deref for Slots2 {
        type Target = Semaphore;

        fn deref(&self) -> &Semaphore {
            &self.0
        }
    }
}
