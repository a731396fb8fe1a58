//! The state every mpsc channel shares: the message queue, the free slots
//! of a bounded channel and its waiting senders, the receiver's waker and
//! the handle counts (the protocol: [module docs](super)).

use std::collections::VecDeque;
use std::fmt;
use std::task::{ready, Context, Poll, Waker};

use rt_core::coop;
use rt_core::loom::{AtomicUsize, Mutex, MutexGuard, Ordering};

use super::capacity::{Capacity, Closed, TryAcquireError};
use super::error::{TryRecvError, TrySendError};
use crate::chan_wakers::{Key, WakeList, WakerSet};

/// One channel, shared by its handles through an `Arc`.
#[derive(Debug)]
pub(crate) struct Chan<T> {
    state: Mutex<State<T>>,
    /// Slots of a bounded channel; `None` for an unbounded one.
    bound: Option<usize>,
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

/// A receiver's batch: values taken off an unbounded channel's queue in
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
    /// Free slots and waiting senders; unused (zero slots) when unbounded.
    capacity: Capacity,
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
                capacity: Capacity::new(bound.unwrap_or(0)),
                rx_waker: None,
                closed_wakers: WakerSet::new(),
                rx_closed: false,
                rx_dropped: false,
                tx_closed: false,
            }),
            bound,
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
        let mut wake = WakeList::new();
        let mut state = self.lock();
        if state.rx_dropped {
            state.capacity.release(1, &mut wake);
            drop(state);
            drop(value);
            wake.wake_all();
            return;
        }
        state.queue.push_back(value);
        wake.extend(state.rx_waker.take());
        drop(state);
        wake.wake_all();
    }

    /// Takes a slot now and sends, or gives the value back.
    pub(crate) fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        let mut state = self.lock();
        if state.rx_closed {
            return Err(TrySendError::Closed(value));
        }
        if self.bound.is_some() {
            match state.capacity.try_acquire(1) {
                Ok(()) => {}
                Err(TryAcquireError::Closed) => return Err(TrySendError::Closed(value)),
                Err(TryAcquireError::NoSlots) => return Err(TrySendError::Full(value)),
            }
        }
        state.queue.push_back(value);
        let waker = state.rx_waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Takes `n` slots now, if free and nobody waits.
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), TryAcquireError> {
        self.lock().capacity.try_acquire(n)
    }

    /// One poll of a reservation of `n` slots (`key`: its place in the
    /// wait list). Consumes a unit of budget when it completes.
    pub(crate) fn poll_acquire(
        &self,
        n: usize,
        key: &mut Option<usize>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), Closed>> {
        let unit = ready!(coop::poll_proceed(cx));
        let result = ready!(self.lock().capacity.poll_acquire(n, key, cx.waker()));
        unit.made_progress();
        Poll::Ready(result)
    }

    /// A reservation is dropped before completing.
    pub(crate) fn cancel_acquire(&self, key: usize) {
        let mut wake = WakeList::new();
        let mut state = self.lock();
        state.capacity.cancel(key, &mut wake);
        if state.rx_closed {
            // The receiver may be waiting for the last slot to come back.
            wake.extend(state.rx_waker.take());
        }
        drop(state);
        wake.wake_all();
    }

    /// `n` slots held and unused (a dropped permit) go back.
    pub(crate) fn release(&self, n: usize) {
        let mut wake = WakeList::new();
        let mut state = self.lock();
        state.capacity.release(n, &mut wake);
        if state.rx_closed {
            // A closed receiver waits until no permit is out.
            wake.extend(state.rx_waker.take());
        }
        drop(state);
        wake.wake_all();
    }

    /// Free slots (a bounded channel).
    pub(crate) fn free(&self) -> usize {
        self.lock().capacity.free()
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

    /// Whether a receiver with an empty queue has seen the end: every
    /// sender gone, or closed and no slot held by a permit.
    fn ended(&self, state: &State<T>) -> bool {
        state.tx_closed
            || (state.rx_closed
                && match self.bound {
                    Some(bound) => state.capacity.free() == bound,
                    None => true,
                })
    }

    /// Pops one message, freeing its slot.
    fn pop(&self, state: &mut State<T>, wake: &mut WakeList) -> Option<T> {
        let value = state.queue.pop_front()?;
        if self.bound.is_some() {
            state.capacity.release(1, wake);
        }
        Some(value)
    }

    /// The next value for a receive: the first of the receiver's `batch`
    /// (taken without the lock), else the queue's. An unbounded channel
    /// moves its whole queue into the empty batch at once, so a receiver
    /// behind its senders takes the lock once per batch, not per value
    /// (a bounded one must free a slot per value under the lock, so it
    /// never batches and its batch stays empty).
    fn pop_batched(
        &self,
        batch: &mut Batch<T>,
        wake: &mut WakeList,
    ) -> Result<T, MutexGuard<'_, State<T>>> {
        if let Some(value) = batch.0.pop_front() {
            return Ok(value);
        }
        let mut state = self.lock();
        if self.bound.is_none() && !state.queue.is_empty() {
            // `batch` is empty: the queue keeps its buffer for the senders.
            std::mem::swap(&mut state.queue, &mut batch.0);
            drop(state);
            return Ok(batch
                .0
                .pop_front()
                .expect("the swapped-in queue was not empty"));
        }
        match self.pop(&mut state, wake) {
            Some(value) => Ok(value),
            None => Err(state),
        }
    }

    pub(crate) fn poll_recv(&self, cx: &mut Context<'_>, batch: &mut Batch<T>) -> Poll<Option<T>> {
        let unit = ready!(coop::poll_proceed(cx));
        let mut wake = WakeList::new();
        let mut state = match self.pop_batched(batch, &mut wake) {
            Ok(value) => {
                wake.wake_all();
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
        let mut wake = WakeList::new();
        // The batch's values are older than the queue's: first.
        let from_batch = batch.len().min(limit);
        buffer.extend(batch.0.drain(..from_batch));
        let mut taken = from_batch;
        if taken == limit {
            unit.made_progress();
            return Poll::Ready(taken);
        }
        let mut state = self.lock();
        while taken < limit {
            let Some(value) = self.pop(&mut state, &mut wake) else {
                break;
            };
            buffer.push(value);
            taken += 1;
        }
        if taken > 0 || self.ended(&state) {
            drop(state);
            wake.wake_all();
            unit.made_progress();
            return Poll::Ready(taken);
        }
        match &mut state.rx_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    pub(crate) fn try_recv(&self, batch: &mut Batch<T>) -> Result<T, TryRecvError> {
        let mut wake = WakeList::new();
        let state = match self.pop_batched(batch, &mut wake) {
            Ok(value) => {
                wake.wake_all();
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
        let mut wake = WakeList::new();
        let mut state = self.lock();
        if !state.rx_closed {
            state.rx_closed = true;
            state.capacity.close(&mut wake);
            wake.extend(state.closed_wakers.take_all());
        }
        drop(state);
        wake.wake_all();
    }

    /// The receiver drops: close, and drop the queued messages (outside the
    /// lock: a message's destructor may use the channel).
    pub(crate) fn drop_rx(&self) {
        self.close();
        let mut wake = WakeList::new();
        let mut state = self.lock();
        state.rx_dropped = true;
        let queue = std::mem::take(&mut state.queue);
        if self.bound.is_some() {
            state.capacity.release(queue.len(), &mut wake);
        }
        state.rx_waker = None;
        drop(state);
        wake.wake_all();
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
