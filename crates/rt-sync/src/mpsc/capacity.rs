//! The bounded channel's free slots and the FIFO list of senders waiting
//! for them (the protocol is written in the [module docs](super), "The
//! capacity wait list"). Kept under the channel's lock; every method that
//! may let a waiter proceed pushes its waker into `wake`, to be woken once
//! the lock is released.

use std::task::Waker;

use slab::Slab;

use crate::chan_wakers::WakeList;

/// Where a waiting reservation stands.
#[derive(Debug, PartialEq, Eq)]
enum Stage {
    /// Linked in the list, holding `assigned` of its `needed` slots.
    Waiting,
    /// Unlinked, holding all its `needed` slots: the reservation succeeds at
    /// its next poll.
    Granted,
    /// Unlinked by `close`, holding nothing: the reservation fails at its
    /// next poll.
    Closed,
}

#[derive(Debug)]
struct Waiter {
    needed: usize,
    assigned: usize,
    stage: Stage,
    waker: Option<Waker>,
    prev: Option<usize>,
    next: Option<usize>,
}

/// The reservation failed: the receiver closed the channel.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Closed;

/// Why `try_acquire` failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TryAcquireError {
    Closed,
    NoSlots,
}

/// Free slots and the senders waiting for them.
///
/// Invariant: while the list is not empty, `free == 0` (its head takes
/// every slot released until it has all it needs), so a newcomer can never
/// overtake a waiter.
#[derive(Debug)]
pub(crate) struct Capacity {
    free: usize,
    closed: bool,
    waiters: Slab<Waiter>,
    head: Option<usize>,
    tail: Option<usize>,
}

impl Capacity {
    pub(crate) fn new(slots: usize) -> Capacity {
        Capacity {
            free: slots,
            closed: false,
            waiters: Slab::new(),
            head: None,
            tail: None,
        }
    }

    /// Free slots nobody holds or waits for.
    pub(crate) fn free(&self) -> usize {
        self.free
    }

    /// Takes `n` slots now, if they are free and nobody waits before us.
    pub(crate) fn try_acquire(&mut self, n: usize) -> Result<(), TryAcquireError> {
        if self.closed {
            return Err(TryAcquireError::Closed);
        }
        // `free > 0` implies the list is empty (invariant).
        if self.free >= n {
            self.free -= n;
            Ok(())
        } else {
            Err(TryAcquireError::NoSlots)
        }
    }

    /// One poll of a reservation of `n` slots whose place in the list (once
    /// it has one) is `key`. `Ready(Ok)` hands the slots to the caller and
    /// clears `key`; `Ready(Err)` clears it too.
    pub(crate) fn poll_acquire(
        &mut self,
        n: usize,
        key: &mut Option<usize>,
        waker: &Waker,
    ) -> std::task::Poll<Result<(), Closed>> {
        use std::task::Poll;
        let Some(k) = *key else {
            if self.closed {
                return Poll::Ready(Err(Closed));
            }
            if n == 0 || (self.head.is_none() && self.free >= n) {
                self.free -= n;
                return Poll::Ready(Ok(()));
            }
            // Join the tail, taking what is free (only when the list is
            // empty, by the invariant).
            let assigned = self.free;
            self.free = 0;
            let k = self.waiters.insert(Waiter {
                needed: n,
                assigned,
                stage: Stage::Waiting,
                waker: Some(waker.clone()),
                prev: self.tail,
                next: None,
            });
            match self.tail {
                Some(t) => self.waiters[t].next = Some(k),
                None => self.head = Some(k),
            }
            self.tail = Some(k);
            *key = Some(k);
            return Poll::Pending;
        };
        let waiter = &mut self.waiters[k];
        match waiter.stage {
            Stage::Granted => {
                self.waiters.remove(k);
                *key = None;
                Poll::Ready(Ok(()))
            }
            Stage::Closed => {
                self.waiters.remove(k);
                *key = None;
                Poll::Ready(Err(Closed))
            }
            Stage::Waiting => {
                match &mut waiter.waker {
                    Some(w) if w.will_wake(waker) => {}
                    slot => *slot = Some(waker.clone()),
                }
                Poll::Pending
            }
        }
    }

    /// A reservation with place `key` is dropped before it completed: its
    /// slots (all if granted, the part assigned if waiting) go on.
    pub(crate) fn cancel(&mut self, key: usize, wake: &mut WakeList) {
        let waiter = self.waiters.remove(key);
        match waiter.stage {
            Stage::Granted => self.release(waiter.needed, wake),
            Stage::Waiting => {
                self.unlink(waiter.prev, waiter.next);
                self.release(waiter.assigned, wake);
            }
            Stage::Closed => {}
        }
    }

    /// Gives `n` slots back: to the waiters in order, the rest to `free`.
    pub(crate) fn release(&mut self, n: usize, wake: &mut WakeList) {
        self.free += n;
        while let Some(h) = self.head {
            let waiter = &mut self.waiters[h];
            let take = self.free.min(waiter.needed - waiter.assigned);
            waiter.assigned += take;
            self.free -= take;
            if waiter.assigned < waiter.needed {
                break;
            }
            waiter.stage = Stage::Granted;
            wake.extend(waiter.waker.take());
            let next = waiter.next;
            self.unlink(None, next);
        }
    }

    /// The receiver closed the channel: every waiter fails (its partial
    /// slots go back to `free`), and so does every later reservation.
    /// Granted waiters keep their slots: they succeed.
    pub(crate) fn close(&mut self, wake: &mut WakeList) {
        self.closed = true;
        let mut cursor = self.head.take();
        self.tail = None;
        while let Some(k) = cursor {
            let waiter = &mut self.waiters[k];
            self.free += waiter.assigned;
            waiter.assigned = 0;
            waiter.stage = Stage::Closed;
            wake.extend(waiter.waker.take());
            cursor = waiter.next;
        }
    }

    /// Unlinks the waiter between `prev` and `next`.
    fn unlink(&mut self, prev: Option<usize>, next: Option<usize>) {
        match prev {
            Some(p) => self.waiters[p].next = next,
            None => self.head = next,
        }
        match next {
            Some(n) => self.waiters[n].prev = prev,
            None => self.tail = prev,
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::task::Poll;

    #[test]
    fn waiters_are_served_in_order_and_a_cancelled_one_passes_its_slots_on() {
        let waker = Waker::noop();
        let mut cap = Capacity::new(2);
        let mut wake = WakeList::new();
        let (mut a, mut b, mut c) = (None, None, None);
        assert!(cap.poll_acquire(2, &mut a, waker).is_ready());
        assert!(cap.poll_acquire(2, &mut b, waker).is_pending());
        assert!(cap.poll_acquire(1, &mut c, waker).is_pending());
        cap.release(1, &mut wake);
        // `b` holds the slot; `c` (needing one) must not overtake it.
        assert!(cap.poll_acquire(1, &mut c, waker).is_pending());
        cap.cancel(b.take().unwrap(), &mut wake);
        assert_eq!(cap.poll_acquire(1, &mut c, waker), Poll::Ready(Ok(())));
        assert_eq!(cap.free(), 0);
    }
}
