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
//! - `waiters`, a [`WaitList`] under a lock: one entry per queued
//!   [`Acquire`], with `needed` (permits it still lacks), its waker, and
//!   `closed`.
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
//!    small ones); an entry whose `needed` reaches 0 is unlinked and its
//!    waker woken. What is left once the queue is empty goes back into
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
//! 5. **Cancelling** (dropping a queued `Acquire`): under the lock, the
//!    entry is removed and whatever it had already been assigned is
//!    released as in 2, so the next waiter gets it.
//! 6. **Closing**, under the lock: `CLOSED` is set (and `WAITERS`
//!    cleared) and every queued entry is unlinked, marked `closed` and
//!    woken. A queued future fails at its next poll once `CLOSED` is set,
//!    even one served in full before the close (as tokio's does), and
//!    releases what it had been assigned. Acquirers check `CLOSED` under
//!    the lock before queueing, so none queues after a close.
//!
//! An entry belongs to its future (see [`wait_list`](crate::wait_list)):
//! releasers and `close` only unlink it and write to it.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use rt_core::coop;
use rt_core::loom::{AtomicUsize, Mutex, MutexGuard, Ordering};

use crate::chan_wakers::WakeList;
use crate::wait_list::{Key, WaitList};

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

/// A queued acquirer's entry.
#[derive(Debug)]
struct Waiter {
    /// Permits still to be assigned to it.
    needed: usize,
    waker: Option<Waker>,
    /// Set by `close` (rule 6).
    closed: bool,
}

/// The semaphore; see the [module docs](self).
pub(crate) struct Semaphore {
    permits: AtomicUsize,
    waiters: Mutex<WaitList<Waiter>>,
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
            waiters: Mutex::new(WaitList::new()),
        }
    }

    #[cfg(not(loom))]
    #[track_caller]
    pub(crate) const fn const_new(permits: usize) -> Semaphore {
        assert!(permits <= Self::MAX_PERMITS);
        Semaphore {
            permits: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(WaitList::new()),
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
            // from the queue sees it through the lock instead. Relaxed on
            // failure: retried.
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
        // Checked before anything moves, so a panic loses no wake-up.
        assert!(
            n <= Self::MAX_PERMITS - self.available_permits(),
            "a semaphore holds at most {} permits",
            Self::MAX_PERMITS
        );
        // Rule 2: without the lock while nobody waits. Relaxed: only a
        // successful exchange needs to synchronise.
        let mut current = self.permits.load(Ordering::Relaxed);
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
    fn release_locked(&self, mut n: usize, waiters: &mut WaitList<Waiter>, wakers: &mut WakeList) {
        while n > 0 {
            let Some(key) = waiters.front() else { break };
            let waiter = waiters.get_mut(key);
            let given = n.min(waiter.needed);
            waiter.needed -= given;
            n -= given;
            if waiter.needed == 0 {
                wakers.extend(waiter.waker.take());
                waiters.unlink(key);
            }
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

    /// Closes the semaphore and fails every waiter (rule 6).
    pub(crate) fn close(&self) {
        let mut wakers = WakeList::new();
        let mut waiters = self.waiters.lock();
        // Release: pairs with the Acquire load of `is_closed`. The queue
        // is emptied below, under the lock, so `WAITERS` goes (rule 6).
        self.permits.fetch_or(CLOSED, Ordering::Release);
        self.permits.fetch_and(!WAITERS, Ordering::Relaxed);
        while let Some(key) = waiters.front() {
            let waiter = waiters.get_mut(key);
            waiter.closed = true;
            wakers.extend(waiter.waker.take());
            waiters.unlink(key);
        }
        drop(waiters);
        wakers.wake_all();
    }

    fn lock(&self) -> MutexGuard<'_, WaitList<Waiter>> {
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
    /// Queued with this entry.
    Waiting(Key),
    /// Holds all its permits, but was out of cooperative budget when it
    /// got them: it completes at its next poll, or gives them back if
    /// dropped first.
    Acquired,
    /// Returned `Ready`: it owns nothing.
    Done,
}

/// The future of [`Semaphore::acquire`]. Dropped while queued, it gives
/// back what it had been assigned (rule 5).
///
/// `S` is how it reaches the semaphore: a borrow, or any owner that
/// derefs to it (an `Arc` of a structure holding one, behind a small
/// `Deref` wrapper), for a future stored without a lifetime (a bounded
/// channel's sender waiting for a slot).
pub(crate) struct Acquire<S: Deref<Target = Semaphore>> {
    semaphore: S,
    num: usize,
    state: State,
}

impl<S: Deref<Target = Semaphore>> Acquire<S> {
    /// Waits for `n` permits of `semaphore`, in FIFO order.
    pub(crate) fn new(semaphore: S, n: usize) -> Acquire<S> {
        assert!(n <= Semaphore::MAX_PERMITS, "too many permits requested");
        Acquire {
            semaphore,
            num: n,
            state: State::Idle,
        }
    }

    /// Whether dropping it now gives permits back: it is queued (rule 5)
    /// or holds all it asked for without having completed (`Acquired`).
    pub(crate) fn owes_permits(&self) -> bool {
        matches!(self.state, State::Waiting(_) | State::Acquired)
    }

    fn poll_acquire(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), AcquireError>> {
        let sem = &*self.semaphore;
        match self.state {
            State::Done => panic!("`Acquire` polled after it completed"),
            State::Acquired => Poll::Ready(Ok(())),
            State::Idle => {
                match sem.try_acquire(self.num) {
                    Ok(()) => return Poll::Ready(Ok(())),
                    Err(TryAcquireError::Closed) => return Poll::Ready(Err(AcquireError(()))),
                    Err(TryAcquireError::NoPermits) => {}
                }
                let mut waiters = sem.lock();
                // Rule 3, and rule 6's check.
                let taken = sem.take_locked(self.num)?;
                if taken == self.num {
                    return Poll::Ready(Ok(()));
                }
                let key = waiters.push_back(Waiter {
                    needed: self.num - taken,
                    waker: Some(cx.waker().clone()),
                    closed: false,
                });
                self.state = State::Waiting(key);
                Poll::Pending
            }
            State::Waiting(key) => {
                let mut waiters = sem.lock();
                // Relaxed: `CLOSED` is set under the lock held here.
                let closed = sem.permits.load(Ordering::Relaxed) & CLOSED == CLOSED;
                let waiter = waiters.get_mut(key);
                if waiter.closed || closed {
                    // Rule 6: give back the part assigned before the close
                    // (all of it, for one served before the close).
                    let waiter = waiters.remove(key);
                    self.state = State::Done;
                    let mut wakers = WakeList::new();
                    sem.release_locked(self.num - waiter.needed, &mut waiters, &mut wakers);
                    drop(waiters);
                    wakers.wake_all();
                    return Poll::Ready(Err(AcquireError(())));
                }
                if waiter.needed == 0 {
                    waiters.remove(key);
                    self.state = State::Done;
                    return Poll::Ready(Ok(()));
                }
                match &waiter.waker {
                    Some(waker) if waker.will_wake(cx.waker()) => {}
                    _ => waiter.waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
        }
    }
}

// Nothing in it is structurally pinned: the wait-list entry is addressed
// by key, not by the future's address.
impl<S: Deref<Target = Semaphore>> Unpin for Acquire<S> {}

impl<S: Deref<Target = Semaphore>> Future for Acquire<S> {
    type Output = Result<(), AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Err(error) = ready!(this.poll_acquire(cx)) {
            this.state = State::Done;
            return Poll::Ready(Err(error));
        }
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
        let key = match self.state {
            State::Waiting(key) => key,
            State::Acquired => return self.semaphore.release(self.num),
            State::Idle | State::Done => return,
        };
        // Rule 5.
        let sem = &*self.semaphore;
        let mut wakers = WakeList::new();
        let mut waiters = sem.lock();
        let waiter = waiters.remove(key);
        sem.release_locked(self.num - waiter.needed, &mut waiters, &mut wakers);
        drop(waiters);
        wakers.wake_all();
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
        let mut two = Acquire::new(&semaphore, 2);
        assert!(Pin::new(&mut two).poll(&mut cx).is_pending());
        assert!(waiters(&semaphore));
        assert_eq!(semaphore.available_permits(), 0, "drained by the waiter");
        drop(two); // the queue empties: releases are lock-free again
        assert!(!waiters(&semaphore));
        assert_eq!(semaphore.available_permits(), 1);
        let mut three = Acquire::new(&semaphore, 3);
        assert!(Pin::new(&mut three).poll(&mut cx).is_pending());
        semaphore.release(2); // serves it in full, emptying the queue
        assert!(!waiters(&semaphore));
        assert!(Pin::new(&mut three).poll(&mut cx).is_ready());
        let mut four = Acquire::new(&semaphore, 4);
        assert!(Pin::new(&mut four).poll(&mut cx).is_pending());
        semaphore.close(); // unlinks it
        assert!(!waiters(&semaphore));
        assert!(Pin::new(&mut four).poll(&mut cx).is_ready());
    }

    #[test]
    fn an_owning_acquire_waits_and_gives_back_when_dropped() {
        let shared = Arc::new(Shared {
            slots: Semaphore::new(1),
        });
        let mut cx = Context::from_waker(Waker::noop());
        shared.slots.try_acquire(1).unwrap();
        let mut first = Acquire::new(Slots(shared.clone()), 1);
        assert!(Pin::new(&mut first).poll(&mut cx).is_pending());
        let mut second = Acquire::new(Slots(shared.clone()), 1);
        assert!(Pin::new(&mut second).poll(&mut cx).is_pending());
        shared.slots.release(1); // to `first`
        drop(first); // ...which passes it on
        assert!(Pin::new(&mut second).poll(&mut cx).is_ready());
        assert_eq!(shared.slots.available_permits(), 0);
        shared.slots.release(1);
        assert_eq!(shared.slots.available_permits(), 1);
    }
}
