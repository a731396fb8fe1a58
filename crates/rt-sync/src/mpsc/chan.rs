//! The state every mpsc channel shares: the message queue, the free slots
//! of a bounded channel and its waiting senders, the receiver's waker and
//! the handle counts (the protocol: [module docs](super)).

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use rt_core::coop;
use rt_core::loom::{AtomicUsize, Mutex, MutexGuard, Ordering};

use super::error::{TryRecvError, TrySendError};
use crate::batch_semaphore::{self, Semaphore};
use crate::chan_wakers::{Key, WakerSet};

/// The reservation failed: the receiver closed the channel.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Closed;

/// Why `try_acquire` failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TryAcquireError {
    Closed,
    NoSlots,
}

/// One channel, shared by its handles through an `Arc`.
#[derive(Debug)]
pub(crate) struct Chan<T> {
    state: Mutex<State<T>>,
    /// Slots of a bounded channel; `None` for an unbounded one.
    bound: Option<usize>,
    /// The free slots of a bounded channel and the senders waiting for
    /// them (no permits, and unused, when unbounded).
    slots: Semaphore,
    /// Live senders (`Sender`, `OwnedPermit`, `UnboundedSender`).
    tx_count: AtomicUsize,
    /// Live weak senders.
    weak_count: AtomicUsize,
}

// Unwinding out of a channel operation leaves the state consistent: every
// change to it is made under `state`'s lock, which does not poison, and no
// invariant spans two lock sections. So the handles (which hold `Arc<Chan>`)
// may be observed across `catch_unwind`, as tokio's are.
impl<T> std::panic::RefUnwindSafe for Chan<T> {}

/// A receiver's batch: values taken off the channel's queue in
/// one go and not yet received (`Chan::pop_batched`).
///
/// Only a receive (through `&mut`) touches the values; shared access gives
/// the length alone. So the batch is `Sync` whenever the values may be
/// sent to another thread, as the channel itself is: a receiver is `Sync`
/// for `T: Send`, as tokio's is, not only for `T: Sync`.
pub(crate) struct Batch<T>(VecDeque<T>);

// SAFETY: `&Batch<T>` reaches no `T`: the only method taking `&self` is
// `len`, which reads the deque's length. Values are reached only through
// `&mut Batch<T>`, which is exclusive, and moving them to the thread that
// holds it needs `T: Send`.
unsafe impl<T: Send> Sync for Batch<T> {}

// A receive either moves a value out of the batch or leaves it as it was:
// unwinding out of one leaves nothing half done, as for `Chan` above. So a
// receiver stays unwind-safe whatever `T` is, as tokio's is.
// Values in the batch are never pinned (a receive moves them out), so the
// batch, and with it every receiver, is `Unpin` whatever `T` is, as
// tokio's receivers are.
impl<T> Unpin for Batch<T> {}

impl<T> std::panic::UnwindSafe for Batch<T> {}
impl<T> std::panic::RefUnwindSafe for Batch<T> {}

impl<T> Batch<T> {
    pub(crate) fn new() -> Batch<T> {
        Batch(VecDeque::new())
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> fmt::Debug for Batch<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch").field("len", &self.0.len()).finish()
    }
}

#[derive(Debug)]
struct State<T> {
    queue: VecDeque<T>,
    /// The receiver, parked in `recv` on an empty queue.
    rx_waker: Option<Waker>,
    /// Senders parked in `closed()`.
    closed_wakers: WakerSet,
    /// `Receiver::close` ran, or the receiver dropped: no more sends.
    rx_closed: bool,
    /// The receiver dropped: a message sent through a permit is dropped.
    rx_dropped: bool,
    /// The last sender dropped: `recv` returns `None` once the queue is
    /// empty.
    tx_closed: bool,
}

impl<T> Chan<T> {
    /// A channel with one sender and no weak sender.
    pub(crate) fn new(bound: Option<usize>) -> Chan<T> {
        Chan {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                rx_waker: None,
                closed_wakers: WakerSet::new(),
                rx_closed: false,
                rx_dropped: false,
                tx_closed: false,
            }),
            bound,
            slots: Semaphore::new(bound.unwrap_or(0)),
            tx_count: AtomicUsize::new(1),
            weak_count: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock()
    }

    pub(crate) fn bound(&self) -> usize {
        self.bound.unwrap_or(usize::MAX)
    }

    // ----- handle counts -----

    pub(crate) fn tx_count(&self) -> usize {
        // Relaxed: a snapshot for the user; nothing is read through it.
        self.tx_count.load(Ordering::Relaxed)
    }

    pub(crate) fn weak_count(&self) -> usize {
        // Relaxed: a snapshot for the user.
        self.weak_count.load(Ordering::Relaxed)
    }

    /// A sender is cloned (from a live one, so the count is not zero).
    pub(crate) fn add_tx(&self) {
        // Relaxed: the clone's own sender keeps the count above zero, so
        // no decision depends on this increment's order (`Arc`'s rule).
        self.tx_count.fetch_add(1, Ordering::Relaxed);
    }

    /// A weak sender becomes a sender, unless the last sender is gone (then
    /// the channel stays closed for senders forever).
    pub(crate) fn upgrade(&self) -> bool {
        // Relaxed: the count alone decides; the lock orders what follows.
        let mut n = self.tx_count.load(Ordering::Relaxed);
        loop {
            if n == 0 {
                return false;
            }
            match self.tx_count.compare_exchange_weak(
                n,
                n + 1,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(actual) => n = actual,
            }
        }
    }

    pub(crate) fn add_weak(&self) {
        // Relaxed: a count for the user only.
        self.weak_count.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn drop_weak(&self) {
        // Relaxed: a count for the user only.
        self.weak_count.fetch_sub(1, Ordering::Relaxed);
    }

    /// A sender drops; the last one closes the channel for the receiver.
    pub(crate) fn drop_tx(&self) {
        // AcqRel: the last sender sees every other sender's drop (and
        // their sends, which also went through the lock taken below).
        if self.tx_count.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        let waker = {
            let mut state = self.lock();
            state.tx_closed = true;
            state.rx_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    // ----- sending -----

    /// Sends on an unbounded channel.
    pub(crate) fn send_unbounded(&self, value: T) -> Result<(), T> {
        let mut state = self.lock();
        if state.rx_closed {
            return Err(value);
        }
        state.queue.push_back(value);
        let waker = state.rx_waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Sends through a slot already held (a permit); if the receiver is
    /// gone the message is dropped and the slot freed.
    pub(crate) fn send_with_slot(&self, value: T) {
        let mut state = self.lock();
        if state.rx_dropped {
            drop(state);
            self.slots.release(1);
            drop(value);
            return;
        }
        state.queue.push_back(value);
        let waker = state.rx_waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Takes a slot now and sends, or gives the value back.
    pub(crate) fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        if self.bound.is_none() {
            return self.send_unbounded(value).map_err(TrySendError::Closed);
        }
        match self.try_acquire(1) {
            Ok(()) => {
                self.send_with_slot(value);
                Ok(())
            }
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(value)),
            Err(TryAcquireError::NoSlots) => Err(TrySendError::Full(value)),
        }
    }

    /// Takes `n` slots now, if free and nobody waits.
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), TryAcquireError> {
        self.slots.try_acquire(n).map_err(|error| match error {
            batch_semaphore::TryAcquireError::Closed => TryAcquireError::Closed,
            batch_semaphore::TryAcquireError::NoPermits => TryAcquireError::NoSlots,
        })
    }

    /// A reservation of `n` slots, in FIFO order with the other senders
    /// waiting for slots.
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_, T> {
        Acquire {
            chan: self,
            inner: self.slots.acquire(n),
        }
    }

    /// `n` slots held and unused (a dropped permit) go back.
    pub(crate) fn release(&self, n: usize) {
        self.slots.release(n);
        self.wake_closed_rx();
    }

    /// Slots came back to a channel that may be closed: a closed receiver
    /// waits until no slot is held, so it is woken once every slot is back
    /// (not before: it would find the channel still busy). Each caller
    /// gives its slots back before checking, so the last one sees them all.
    fn wake_closed_rx(&self) {
        let waker = {
            let mut state = self.lock();
            if state.rx_closed && self.slots.available_permits() == self.bound() {
                state.rx_waker.take()
            } else {
                None
            }
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Free slots (a bounded channel).
    pub(crate) fn free(&self) -> usize {
        self.slots.available_permits()
    }

    /// Whether the receiver closed the channel or dropped.
    pub(crate) fn is_rx_closed(&self) -> bool {
        self.lock().rx_closed
    }

    /// One poll of `Sender::closed`.
    pub(crate) fn poll_closed(&self, key: &mut Option<Key>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.lock();
        if state.rx_closed {
            let removed = state.closed_wakers.remove(key);
            drop(state);
            drop(removed);
            return Poll::Ready(());
        }
        let displaced = state.closed_wakers.register(key, cx.waker());
        drop(state);
        drop(displaced);
        Poll::Pending
    }

    /// `Sender::closed` is dropped while waiting.
    pub(crate) fn cancel_closed(&self, key: &mut Option<Key>) {
        if key.is_some() {
            // `let`: the lock is released at the end of this statement, before
            // the waker is dropped.
            let removed = self.lock().closed_wakers.remove(key);
            drop(removed);
        }
    }

    // ----- receiving -----

    /// Whether a receiver with an empty queue and batch has seen the end:
    /// every sender gone, or closed and no slot held (by a permit, or by a
    /// reservation that still owes its part back).
    fn ended(&self, state: &State<T>) -> bool {
        state.tx_closed
            || (state.rx_closed
                && match self.bound {
                    Some(bound) => self.slots.available_permits() == bound,
                    None => true,
                })
    }

    /// `n` values were received: their slots go back (to the senders
    /// waiting for them first).
    fn received(&self, n: usize) {
        if self.bound.is_some() && n > 0 {
            self.slots.release(n);
        }
    }

    /// The next value for a receive: the first of the receiver's `batch`
    /// (taken without the lock), else the queue's, moving the whole queue
    /// into the empty batch at once, so a receiver behind its senders takes
    /// the lock once per batch, not per value. A value's slot stays taken
    /// until it leaves the batch (`received`), so the free slots count what
    /// the receiver has received, as if it took the values one by one.
    /// `Err` holds the lock when there is nothing to receive.
    fn pop_batched(&self, batch: &mut Batch<T>) -> Result<T, MutexGuard<'_, State<T>>> {
        if let Some(value) = batch.0.pop_front() {
            return Ok(value);
        }
        let mut state = self.lock();
        if state.queue.is_empty() {
            return Err(state);
        }
        // `batch` is empty: the queue keeps its buffer for the senders.
        std::mem::swap(&mut state.queue, &mut batch.0);
        drop(state);
        Ok(batch
            .0
            .pop_front()
            .expect("the swapped-in queue was not empty"))
    }

    pub(crate) fn poll_recv(&self, cx: &mut Context<'_>, batch: &mut Batch<T>) -> Poll<Option<T>> {
        let unit = ready!(coop::poll_proceed(cx));
        let mut state = match self.pop_batched(batch) {
            Ok(value) => {
                self.received(1);
                unit.made_progress();
                return Poll::Ready(Some(value));
            }
            Err(state) => state,
        };
        if self.ended(&state) {
            unit.made_progress();
            return Poll::Ready(None);
        }
        match &mut state.rx_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    pub(crate) fn poll_recv_many(
        &self,
        cx: &mut Context<'_>,
        batch: &mut Batch<T>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        if limit == 0 {
            return Poll::Ready(0);
        }
        let unit = ready!(coop::poll_proceed(cx));
        // The batch's values are older than the queue's: first.
        let from_batch = batch.len().min(limit);
        buffer.extend(batch.0.drain(..from_batch));
        let mut taken = from_batch;
        if taken < limit {
            let mut state = self.lock();
            let from_queue = state.queue.len().min(limit - taken);
            buffer.extend(state.queue.drain(..from_queue));
            taken += from_queue;
            if taken == 0 {
                if self.ended(&state) {
                    unit.made_progress();
                    return Poll::Ready(0);
                }
                match &mut state.rx_waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    slot => *slot = Some(cx.waker().clone()),
                }
                return Poll::Pending;
            }
        }
        self.received(taken);
        unit.made_progress();
        Poll::Ready(taken)
    }

    pub(crate) fn try_recv(&self, batch: &mut Batch<T>) -> Result<T, TryRecvError> {
        let state = match self.pop_batched(batch) {
            Ok(value) => {
                self.received(1);
                return Ok(value);
            }
            Err(state) => state,
        };
        if self.ended(&state) {
            Err(TryRecvError::Disconnected)
        } else {
            Err(TryRecvError::Empty)
        }
    }

    /// `Receiver::close`: no more sends, waiting senders fail, queued
    /// messages stay receivable.
    pub(crate) fn close(&self) {
        // The slots first: once `rx_closed` is seen, no reservation starts.
        self.slots.close();
        let wakers = {
            let mut state = self.lock();
            state.rx_closed = true;
            state.closed_wakers.take_all()
        };
        crate::chan_wakers::wake_all(wakers);
    }

    /// The receiver drops: close, and drop the queued messages and those
    /// of its `batch` (outside the lock: a message's destructor may use the
    /// channel), giving their slots back.
    pub(crate) fn drop_rx(&self, batch: &mut Batch<T>) {
        self.close();
        let (queue, waker) = {
            let mut state = self.lock();
            state.rx_dropped = true;
            (std::mem::take(&mut state.queue), state.rx_waker.take())
        };
        let batched = std::mem::take(&mut batch.0);
        self.received(queue.len() + batched.len());
        drop(waker);
        drop(batched);
        drop(queue);
    }

    pub(crate) fn len(&self, batch: &Batch<T>) -> usize {
        batch.len() + self.lock().queue.len()
    }

    /// `Receiver::is_closed`: closed by the receiver, or every sender gone.
    pub(crate) fn is_closed_for_rx(&self) -> bool {
        let state = self.lock();
        state.rx_closed || state.tx_closed
    }
}

/// A reservation of slots in progress (`Sender::send`, `reserve`, ...): a
/// place among the senders waiting for slots, given back (with any slot
/// already assigned to it) if it is dropped before it completes.
pub(crate) struct Acquire<'a, T> {
    chan: &'a Chan<T>,
    /// Pinned with this future (structurally): it is never moved out.
    inner: batch_semaphore::Acquire<&'a Semaphore>,
}

impl<T> Future for Acquire<'_, T> {
    type Output = Result<(), Closed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let chan = self.chan;
        // SAFETY: `inner` is pinned with this future: it is never moved out
        // of it (nor by `Drop`).
        let inner = unsafe { self.map_unchecked_mut(|this| &mut this.inner) };
        // The budget unit is taken by the semaphore's future.
        match ready!(inner.poll(cx)) {
            Ok(()) => Poll::Ready(Ok(())),
            Err(_) => {
                // A closed reservation gave back what it had been
                // assigned: the receiver may wait for it.
                chan.wake_closed_rx();
                Poll::Ready(Err(Closed))
            }
        }
    }
}

impl<T> Drop for Acquire<'_, T> {
    fn drop(&mut self) {
        // SAFETY: `drop` is the last use of this future, and `cancel`
        // moves nothing: `inner` stays where it was pinned.
        let inner = unsafe { Pin::new_unchecked(&mut self.inner) };
        // Gives back whatever it was assigned or holds.
        if inner.cancel() {
            self.chan.wake_closed_rx();
        }
    }
}

impl<T> fmt::Debug for Acquire<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire").finish_non_exhaustive()
    }
}
