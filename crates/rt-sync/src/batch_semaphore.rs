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
//!   shifted left by one, and bit 0, `CLOSED`.
//! - `waiters`, a [`WaitList`] under a lock: one entry per queued
//!   [`Acquire`], with `needed` (permits it still lacks), its waker, and
//!   `closed`.
//!
//! Rules (each code comment below points back here by number):
//!
//! 1. **Taking without waiting** is a compare-and-swap on `permits` that
//!    takes all `n` permits or none; it needs no lock.
//! 2. **Releasing** always takes the lock. Released permits go to the
//!    queue's head first (possibly only part of what it needs: it keeps
//!    them, so a big request is never starved by small ones); an entry
//!    whose `needed` reaches 0 is unlinked and its waker woken. Only what
//!    is left once the queue is empty goes back into `permits`.
//! 3. **Queueing**, under the lock: the acquirer first takes what
//!    `permits` holds (at most what it needs), then, if still short,
//!    links an entry needing the rest.
//! 4. From 2 and 3: **while an entry is queued, `permits` is 0** at every
//!    moment the lock is free — a releaser puts permits there only when
//!    the queue is empty, and a new entry is linked only after `permits`
//!    was drained. So a non-waiting take (1) fails whenever someone waits:
//!    nobody overtakes the queue.
//! 5. **Cancelling** (dropping a queued `Acquire`): under the lock, the
//!    entry is removed and whatever it had already been assigned is
//!    released as in 2, so the next waiter gets it.
//! 6. **Closing**, under the lock: `CLOSED` is set and every queued entry
//!    is unlinked, marked `closed` and woken. Its future then fails and
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

use crate::wait_list::{Key, WaitList};

/// Bit 0 of `permits`.
const CLOSED: usize = 1;
/// Permits are counted from bit 1 of `permits`.
const SHIFT: u32 = 1;

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

/// Wakers collected under the lock, woken after it is released (a waker
/// may run code that takes the lock again).
#[derive(Default)]
struct WakeList(Vec<Waker>);

impl WakeList {
    fn wake_all(self) {
        for waker in self.0 {
            waker.wake();
        }
    }
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
            if current < wanted {
                return Err(TryAcquireError::NoPermits);
            }
            // Acquire on success: pairs with the Release `fetch_add` of
            // `release_locked`, so the taker sees what the permits' last
            // holder wrote (a mutex's data). Relaxed on failure: retried.
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
        let mut wakers = WakeList::default();
        let mut waiters = self.waiters.lock();
        self.release_locked(n, &mut waiters, &mut wakers);
        drop(waiters);
        wakers.wake_all();
    }

    /// Rule 2, with the lock held.
    fn release_locked(&self, mut n: usize, waiters: &mut WaitList<Waiter>, wakers: &mut WakeList) {
        while n > 0 {
            let Some(key) = waiters.front() else { break };
            let waiter = waiters.get_mut(key);
            let given = n.min(waiter.needed);
            waiter.needed -= given;
            n -= given;
            if waiter.needed == 0 {
                wakers.0.extend(waiter.waker.take());
                waiters.unlink(key);
            }
        }
        if n > 0 {
            // Release: pairs with the Acquire exchanges of `try_acquire`
            // and `take_locked`; the queue is empty here (rule 4).
            self.permits.fetch_add(n << SHIFT, Ordering::Release);
        }
    }

    /// Takes up to `n` of the free permits, with the lock held (rule 3);
    /// `Err` if closed.
    fn take_locked(&self, n: usize) -> Result<usize, AcquireError> {
        // Relaxed: only a successful exchange needs to synchronise.
        let mut current = self.permits.load(Ordering::Relaxed);
        loop {
            if current & CLOSED == CLOSED {
                return Err(AcquireError(()));
            }
            let taken = n.min(current >> SHIFT);
            if taken == 0 {
                return Ok(0);
            }
            // Acquire on success: as in `try_acquire`.
            match self.permits.compare_exchange_weak(
                current,
                current - (taken << SHIFT),
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
        let mut wakers = WakeList::default();
        let mut waiters = self.waiters.lock();
        // Release: pairs with the Acquire load of `is_closed`.
        self.permits.fetch_or(CLOSED, Ordering::Release);
        while let Some(key) = waiters.front() {
            let waiter = waiters.get_mut(key);
            waiter.closed = true;
            wakers.0.extend(waiter.waker.take());
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

    fn poll_acquire(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), AcquireError>> {
        let sem = &*self.semaphore;
        match self.state {
            State::Done => panic!("`Acquire` polled after it completed"),
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
                let waiter = waiters.get_mut(key);
                if waiter.closed {
                    // Rule 6: give back the part assigned before the close.
                    let waiter = waiters.remove(key);
                    self.state = State::Done;
                    let mut wakers = WakeList::default();
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
        // One unit of budget per completed acquire (rt_core::coop).
        let unit = ready!(coop::poll_proceed(cx));
        let result = ready!(this.poll_acquire(cx));
        unit.made_progress();
        this.state = State::Done;
        Poll::Ready(result)
    }
}

impl<S: Deref<Target = Semaphore>> Drop for Acquire<S> {
    fn drop(&mut self) {
        let State::Waiting(key) = self.state else {
            return;
        };
        // Rule 5.
        let sem = &*self.semaphore;
        let mut wakers = WakeList::default();
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
