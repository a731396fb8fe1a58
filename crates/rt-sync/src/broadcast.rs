//! A multi-producer, multi-consumer broadcast channel: every value sent
//! is seen by every receiver alive when it was sent.
//!
//! The channel keeps the last `capacity` values (`capacity` rounded up to
//! a power of two). A receiver that falls further behind than that has
//! missed values: its next `recv` returns [`RecvError::Lagged`] with how
//! many, then continues from the oldest value still kept. Sending never
//! waits. Receiving clones the value (`T: Clone`) under the lock of the
//! value's slot: a `Clone` implementation must not send on the same
//! channel.
//!
//! # Design
//!
//! One allocation holds a ring of `capacity` slots and the *tail*: under
//! a mutex of its own, the position the next value takes, the receiver
//! count, the closed flag and the parked wakers. A receiver keeps `next`,
//! the position it reads next. Each slot has a mutex of its own over the
//! position of the value it holds, the value, and how many receivers have
//! yet to read it (`rem`). Before the first send slot `i` claims position
//! `i - capacity` (wrapping): the lap before, which no receiver asks for.
//! Locks are taken tail first, then a slot; nobody takes the tail while
//! holding a slot.
//!
//! 1. `send`, under the tail lock: writes slot `tail % capacity` under its
//!    lock (the value it replaces is dropped once the locks are released),
//!    sets its position and `rem` (the receiver count), advances `tail`,
//!    and moves the parked wakers out to wake them after the lock, through
//!    a buffer of the thread's that is reused (no allocation per send).
//! 2. A receiver locks the slot of `next` and nothing else: if it holds
//!    position `next`, it decrements `rem`, clones the value (the last
//!    reader, taking `rem` to 0, also takes the kept value out, to drop it
//!    after the lock) and advances. That is the whole of a receive of a ready value;
//!    the sender and the other receivers only meet it on that slot. A
//!    `Mutex`, not a reader-writer lock, so that clones of one value never
//!    run at once and `T: Send` is enough, as in tokio.
//! 3. Otherwise (after releasing the slot) it takes the tail lock. `next ==
//!    tail`: nothing sent yet; it returns `Closed` if every sender is
//!    gone, else parks its waker there. The send that writes `next` takes
//!    that lock after it, so it finds the waker (no lost wake-up).
//!    `next < tail - capacity`: the value was overwritten; the receiver
//!    moves to the oldest position kept and reports how many it skipped.
//!    Else the value was sent in between: read again.
//! 4. A receiver that drops, under the tail lock (so no send overwrites a
//!    slot meanwhile), decrements `rem` of every kept value it had not
//!    read, taking out those it was the last reader of, so `Sender::len`
//!    (values some receiver has yet to read) stays exact and values are
//!    dropped as soon as nobody needs them.
//!
//! # Examples
//!
//! ```
//! use rt::sync::broadcast;
//!
//! # rt::Runtime::new()?.block_on(async {
//! let (tx, mut rx1) = broadcast::channel(16);
//! let mut rx2 = tx.subscribe();
//! tx.send(10).unwrap();
//! tx.send(20).unwrap();
//! assert_eq!(rx1.recv().await, Ok(10));
//! assert_eq!(rx2.recv().await, Ok(10));
//! assert_eq!(rx1.recv().await, Ok(20));
//! assert_eq!(rx2.recv().await, Ok(20));
//! # });
//! # std::io::Result::Ok(())
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::poll_fn;
use std::task::{ready, Context, Poll, Waker};

use rt_core::coop;
use rt_core::loom::{Arc, AtomicUsize, Mutex, MutexGuard, Ordering};

use crate::blocking::{assert_may_block, block_on};
use crate::chan_wakers::{wake_all, Key, WakerSet};

/// The errors of a broadcast channel.
pub mod error {
    use std::error::Error;
    use std::fmt;

    /// No receiver is alive: the value comes back in the field.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::broadcast::channel(1);
    /// drop(rx);
    /// assert_eq!(tx.send(5).unwrap_err().0, 5);
    /// ```
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> Error for SendError<T> {}

    /// Why `recv` returned no value.
    ///
    /// ```
    /// use rt::sync::broadcast::error::RecvError;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::broadcast::channel(2);
    /// for i in 0..3 {
    ///     tx.send(i).unwrap();
    /// }
    /// assert_eq!(rx.recv().await, Err(RecvError::Lagged(1)));
    /// assert_eq!(rx.recv().await, Ok(1));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum RecvError {
        /// Every sender is gone and every value was received.
        Closed,
        /// The receiver fell behind: this many values were overwritten
        /// before it read them. The next `recv` returns the oldest kept.
        Lagged(u64),
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                RecvError::Closed => f.write_str("channel closed"),
                RecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl Error for RecvError {}

    /// Why `try_recv` returned no value.
    ///
    /// ```
    /// use rt::sync::broadcast::error::TryRecvError;
    ///
    /// let (tx, mut rx) = rt::sync::broadcast::channel::<u8>(2);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum TryRecvError {
        /// Nothing new now.
        Empty,
        /// Every sender is gone and every value was received.
        Closed,
        /// The receiver fell behind by this many values (as
        /// [`RecvError::Lagged`]).
        Lagged(u64),
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
                TryRecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl Error for TryRecvError {}
}

use error::{RecvError, SendError, TryRecvError};

/// One place of the ring (its own lock: module docs, "Design").
struct Slot<T> {
    /// Position of the value held (or, before the first send, of the lap
    /// before: `index - capacity`, wrapping).
    pos: u64,
    /// Receivers that have yet to read it.
    rem: usize,
    /// `None` once every receiver has read it.
    value: Option<T>,
}

/// A slot on cache lines of its own: receivers on other threads locking
/// the neighbouring slot, and the sender writing the next one, do not take
/// its line away from a receiver reading it. (On the fan-out benchmark it
/// measured faster than unpadded slots, by less than the noise of a
/// shared machine.)
#[repr(align(64))]
struct Padded<T>(T);

struct Tail {
    /// Position of the next value sent.
    pos: u64,
    rx_count: usize,
    /// Every sender is gone.
    closed: bool,
    /// Receivers waiting for the next value.
    rx_wakers: WakerSet,
    /// Senders waiting in `closed()` for the last receiver to go.
    closed_wakers: WakerSet,
}

struct Shared<T> {
    slots: Box<[Padded<Mutex<Slot<T>>>]>,
    /// `slots.len() - 1` (a power of two).
    mask: u64,
    tail: Mutex<Tail>,
    tx_count: AtomicUsize,
    weak_count: AtomicUsize,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, Tail> {
        self.tail.lock()
    }

    fn capacity(&self) -> u64 {
        self.mask + 1
    }

    fn slot(&self, pos: u64) -> &Mutex<Slot<T>> {
        &self.slots[(pos & self.mask) as usize].0
    }
}

rt_core::loom::thread_local! {
    /// The wakers a send moves out of the tail to wake once its lock is
    /// released, kept per thread so that waking many receivers allocates
    /// nothing once the buffer has grown.
    static WAKE_BUFFER: RefCell<Vec<Waker>> = const { RefCell::new(Vec::new()) };
}

/// Moves the receivers' wakers out of `tail`, releases it and wakes them.
fn wake_receivers(tail: MutexGuard<'_, Tail>) {
    let mut tail = Some(tail);
    // An error: this thread's buffer is gone (a thread-local destructor
    // sending); the fallback below does the job.
    let _ = WAKE_BUFFER.try_with(|buffer| {
        // Busy if a waker woken below sends on a broadcast channel on this
        // thread: that send takes the fallback.
        let Ok(mut buffer) = buffer.try_borrow_mut() else {
            return;
        };
        if let Some(mut held) = tail.take() {
            held.rx_wakers.drain_into(&mut buffer);
            drop(held);
            for waker in buffer.drain(..) {
                waker.wake();
            }
        }
    });
    if let Some(mut held) = tail {
        let wakers = held.rx_wakers.take_all();
        drop(held);
        wake_all(wakers);
    }
}

/// Creates a broadcast channel keeping the last `capacity` values
/// (rounded up to a power of two), with one receiver.
///
/// # Panics
///
/// If `capacity` is 0, or larger than `usize::MAX / 2`.
///
/// # Examples
///
/// ```
/// let (tx, mut rx) = rt::sync::broadcast::channel(3); // keeps 4
/// for i in 0..4 {
///     tx.send(i).unwrap();
/// }
/// assert_eq!(rx.len(), 4);
/// assert_eq!(rx.try_recv(), Ok(0));
/// ```
#[track_caller]
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let tx = Sender::new(capacity);
    let rx = tx.subscribe();
    (tx, rx)
}

/// Sends values to every [`Receiver`] of a broadcast [`channel`]; clone it
/// for more senders.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::broadcast;
///
/// let (tx, mut rx) = broadcast::channel(16);
/// let tx2 = tx.clone();
/// tx.send(1).unwrap();
/// tx2.send(2).unwrap();
/// assert_eq!(rx.recv().await.unwrap(), 1);
/// assert_eq!(rx.recv().await.unwrap(), 2);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A [`Sender`] that does not keep the channel open.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::broadcast;
///
/// let (tx, _rx) = broadcast::channel::<u32>(16);
/// let weak = tx.downgrade();
/// assert!(weak.upgrade().is_some());
/// drop(tx);
/// assert!(weak.upgrade().is_none(), "a weak sender keeps nothing open");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct WeakSender<T> {
    shared: Arc<Shared<T>>,
}

/// Receives every value sent on a broadcast [`channel`] after it was
/// created (or subscribed).
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::broadcast::{self, error::RecvError};
///
/// let (tx, mut a) = broadcast::channel(2);
/// let mut b = tx.subscribe();
/// for i in 0..3 {
///     tx.send(i).unwrap();
/// }
/// // `a` fell behind by one value; `b` too: each receiver gets every value.
/// assert!(matches!(a.recv().await, Err(RecvError::Lagged(1))));
/// assert_eq!(a.recv().await.unwrap(), 1);
/// assert!(matches!(b.recv().await, Err(RecvError::Lagged(1))));
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    next: u64,
    key: Option<Key>,
}

impl<T> Sender<T> {
    /// A channel with no receiver yet ([`subscribe`](Sender::subscribe)
    /// makes them), keeping the last `capacity` values (rounded up to a
    /// power of two).
    ///
    /// # Panics
    ///
    /// As [`channel`].
    ///
    /// ```
    /// let tx = rt::sync::broadcast::Sender::<u8>::new(8);
    /// assert!(tx.send(1).is_err()); // nobody listens yet
    /// let mut rx = tx.subscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(2));
    /// ```
    #[track_caller]
    pub fn new(capacity: usize) -> Sender<T> {
        assert!(capacity > 0, "broadcast channel capacity cannot be zero");
        assert!(
            capacity <= usize::MAX >> 1,
            "broadcast channel capacity exceeded `usize::MAX / 2`"
        );
        let len = capacity.next_power_of_two() as u64;
        let slots = (0..len)
            .map(|index| {
                Padded(Mutex::new(Slot {
                    pos: index.wrapping_sub(len),
                    rem: 0,
                    value: None,
                }))
            })
            .collect();
        Sender {
            shared: Arc::new(Shared {
                slots,
                mask: len - 1,
                tail: Mutex::new(Tail {
                    pos: 0,
                    rx_count: 0,
                    closed: false,
                    rx_wakers: WakerSet::new(),
                    closed_wakers: WakerSet::new(),
                }),
                tx_count: AtomicUsize::new(1),
                weak_count: AtomicUsize::new(0),
            }),
        }
    }

    /// Sends `value` to every receiver alive, without waiting; returns how
    /// many. Fails, giving the value back, if there is none. The oldest
    /// value kept is overwritten (receivers that had not read it will lag).
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::broadcast::channel(4);
    /// let _rx2 = tx.subscribe();
    /// assert_eq!(tx.send("hi").unwrap(), 2);
    /// ```
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut tail = self.shared.lock();
        if tail.rx_count == 0 {
            return Err(SendError(value));
        }
        let receivers = tail.rx_count;
        let pos = tail.pos;
        let mut slot = self.shared.slot(pos).lock();
        let old = slot.value.replace(value);
        slot.pos = pos;
        slot.rem = receivers;
        drop(slot);
        tail.pos = pos + 1;
        wake_receivers(tail);
        drop(old);
        Ok(receivers)
    }

    /// A new receiver, which will see the values sent from now on.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// let mut late = tx.subscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(late.try_recv(), Ok(2));
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        new_receiver(&self.shared)
    }

    /// Receivers alive.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::broadcast::channel::<u8>(4);
    /// assert_eq!(tx.receiver_count(), 1);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.lock().rx_count
    }

    /// Values kept that some receiver has yet to read.
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// assert_eq!(tx.len(), 1);
    /// rx.try_recv().unwrap();
    /// assert_eq!(tx.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        // One slot at a time: a snapshot, as any count of a channel others
        // use is.
        let shared = &self.shared;
        shared
            .slots
            .iter()
            .filter(|slot| slot.0.lock().value.is_some())
            .count()
    }

    /// Whether [`len`](Sender::len) is 0.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::broadcast::channel::<u8>(4);
    /// assert!(tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether both senders send to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::broadcast::channel::<u8>(4);
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Completes when no receiver is alive.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits.
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::sync::broadcast::channel::<u8>(4);
    /// rt::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert_eq!(tx.receiver_count(), 0);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn closed(&self) {
        struct Cancel<'a, T>(&'a Shared<T>, Option<Key>);
        impl<T> Drop for Cancel<'_, T> {
            fn drop(&mut self) {
                if self.1.is_some() {
                    // `let`: the lock is released before the waker is dropped.
                    let removed = self.0.lock().closed_wakers.remove(&mut self.1);
                    drop(removed);
                }
            }
        }
        let mut guard = Cancel(&self.shared, None);
        poll_fn(|cx| {
            let Cancel(shared, key) = &mut guard;
            let mut tail = shared.lock();
            if tail.rx_count == 0 {
                let removed = tail.closed_wakers.remove(key);
                drop(tail);
                drop(removed);
                return Poll::Ready(());
            }
            let displaced = tail.closed_wakers.register(key, cx.waker());
            drop(tail);
            drop(displaced);
            Poll::Pending
        })
        .await
    }

    /// A [`WeakSender`] to this channel.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::broadcast::channel::<u8>(4);
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        // Relaxed: a count for the user only.
        self.shared.weak_count.fetch_add(1, Ordering::Relaxed);
        WeakSender {
            shared: self.shared.clone(),
        }
    }

    /// Senders alive (this one included).
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::broadcast::channel::<u8>(4);
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        // Relaxed: a snapshot for the user.
        self.shared.tx_count.load(Ordering::Relaxed)
    }

    /// Weak senders alive.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::broadcast::channel::<u8>(4);
    /// let _weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        // Relaxed: a snapshot for the user.
        self.shared.weak_count.load(Ordering::Relaxed)
    }
}

fn new_receiver<T>(shared: &Arc<Shared<T>>) -> Receiver<T> {
    let mut tail = shared.lock();
    tail.rx_count += 1;
    let next = tail.pos;
    drop(tail);
    Receiver {
        shared: shared.clone(),
        next,
        key: None,
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        // Relaxed: this sender keeps the count above zero (`Arc`'s rule).
        self.shared.tx_count.fetch_add(1, Ordering::Relaxed);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // AcqRel: the last sender is ordered after every other one's drop.
        if self.shared.tx_count.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        let mut tail = self.shared.lock();
        tail.closed = true;
        wake_receivers(tail);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`], if one is still alive.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::broadcast::channel::<u8>(4);
    /// assert!(tx.downgrade().upgrade().is_some());
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        // Relaxed: the count alone decides (it never rises from zero).
        let mut n = self.shared.tx_count.load(Ordering::Relaxed);
        loop {
            if n == 0 {
                return None;
            }
            match self.shared.tx_count.compare_exchange_weak(
                n,
                n + 1,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Some(Sender {
                        shared: self.shared.clone(),
                    })
                }
                Err(actual) => n = actual,
            }
        }
    }

    /// Senders alive.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::broadcast::channel::<u8>(4);
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        // Relaxed: a snapshot for the user.
        self.shared.tx_count.load(Ordering::Relaxed)
    }

    /// Weak senders alive (this one included).
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::broadcast::channel::<u8>(4);
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        // Relaxed: a snapshot for the user.
        self.shared.weak_count.load(Ordering::Relaxed)
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        // Relaxed: a count for the user only.
        self.shared.weak_count.fetch_add(1, Ordering::Relaxed);
        WeakSender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        // Relaxed: a count for the user only.
        self.shared.weak_count.fetch_sub(1, Ordering::Relaxed);
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish_non_exhaustive()
    }
}

impl<T> Shared<T> {
    /// One read by the receiver at `next` (module docs, steps 2 and 3),
    /// parking `park`'s waker if nothing was sent yet. A method of the
    /// channel, not of the receiver, so that a receiver reads through its
    /// own `Arc` without cloning it.
    fn read(
        &self,
        next: &mut u64,
        mut park: Option<(&mut Option<Key>, &Waker)>,
    ) -> Result<T, TryRecvError>
    where
        T: Clone,
    {
        loop {
            let pos = *next;
            let mut slot = self.slot(pos).lock();
            if slot.pos == pos {
                // Counted as read before the clone: if `T::clone` panics,
                // this receiver has moved past the value and the count
                // stays right (the value then stays until overwritten).
                slot.rem -= 1;
                *next = pos + 1;
                // Every reader clones, the last one too (as tokio's does:
                // a `Clone` that panics panics in every `recv`).
                let value = slot.value.clone();
                // The last reader drops the kept value, after the lock.
                let kept = if slot.rem == 0 {
                    slot.value.take()
                } else {
                    None
                };
                drop(slot);
                drop(kept);
                return Ok(value.expect("a value is kept until its last reader reads it"));
            }
            // Not sent yet, or overwritten: the tail tells which. The slot
            // is released first (the lock order is tail, then slot).
            drop(slot);
            let mut tail = self.lock();
            if tail.pos == pos {
                if tail.closed {
                    return Err(TryRecvError::Closed);
                }
                if let Some((key, waker)) = park.take() {
                    // A waker may send on this channel when dropped: drop
                    // the one it replaces after the lock.
                    let displaced = tail.rx_wakers.register(key, waker);
                    drop(tail);
                    drop(displaced);
                }
                return Err(TryRecvError::Empty);
            }
            let oldest = tail.pos.saturating_sub(self.capacity());
            if pos < oldest {
                *next = oldest;
                return Err(TryRecvError::Lagged(oldest - pos));
            }
            // Sent since the slot was looked at: read it.
        }
    }
}

impl<T> Receiver<T> {
    /// Senders alive on this receiver's channel.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::broadcast::channel::<u8>(4);
    /// let _tx2 = tx.clone();
    /// assert_eq!(rx.sender_strong_count(), 2);
    /// drop(tx);
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        // Relaxed: a snapshot for the user, as in `Sender::strong_count`.
        self.shared.tx_count.load(Ordering::Relaxed)
    }

    /// Weak senders alive on this receiver's channel.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::broadcast::channel::<u8>(4);
    /// let weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// drop(weak);
    /// assert_eq!(rx.sender_weak_count(), 0);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        // Relaxed: a snapshot for the user, as in `Sender::weak_count`.
        self.shared.weak_count.load(Ordering::Relaxed)
    }

    /// Receives the next value, waiting for one. `Err(Lagged(n))` if `n`
    /// values were overwritten before this receiver read them (the next
    /// call returns the oldest kept); `Err(Closed)` once every sender is
    /// gone and every value was read.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a dropped `recv` future read nothing.
    ///
    /// ```
    /// use rt::sync::broadcast::error::RecvError;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::broadcast::channel(4);
    /// rt::spawn(async move { tx.send(1).unwrap() });
    /// assert_eq!(rx.recv().await, Ok(1));
    /// assert_eq!(rx.recv().await, Err(RecvError::Closed));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv(&mut self) -> Result<T, RecvError>
    where
        T: Clone,
    {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, RecvError>>
    where
        T: Clone,
    {
        let unit = ready!(coop::poll_proceed(cx));
        let Receiver { shared, next, key } = self;
        let result = match shared.read(next, Some((key, cx.waker()))) {
            Ok(value) => Ok(value),
            Err(TryRecvError::Lagged(n)) => Err(RecvError::Lagged(n)),
            Err(TryRecvError::Closed) => Err(RecvError::Closed),
            Err(TryRecvError::Empty) => return Poll::Pending,
        };
        unit.made_progress();
        Poll::Ready(result)
    }

    /// Takes the next value if there is one now.
    ///
    /// ```
    /// use rt::sync::broadcast::error::TryRecvError;
    ///
    /// let (tx, mut rx) = rt::sync::broadcast::channel(4);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError>
    where
        T: Clone,
    {
        self.shared.read(&mut self.next, None)
    }

    /// Receives the next value, blocking this thread until there is one.
    ///
    /// # Panics
    ///
    /// When called on a thread that runs asynchronous tasks (a runtime
    /// worker, or inside `block_on`).
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::broadcast::channel(4);
    /// std::thread::spawn(move || tx.send(8).unwrap());
    /// assert_eq!(rx.blocking_recv(), Ok(8));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Result<T, RecvError>
    where
        T: Clone,
    {
        assert_may_block("broadcast::Receiver::blocking_recv");
        block_on(self.recv())
    }

    /// A new receiver of the same channel, starting at the values sent
    /// from now on (not where this one is).
    ///
    /// ```
    /// let (tx, rx) = rt::sync::broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// let mut rx2 = rx.resubscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx2.try_recv(), Ok(2));
    /// ```
    pub fn resubscribe(&self) -> Receiver<T> {
        new_receiver(&self.shared)
    }

    /// Values this receiver has yet to read (lagged ones included).
    ///
    /// ```
    /// let (tx, rx) = rt::sync::broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        (self.shared.lock().pos - self.next) as usize
    }

    /// Whether this receiver has read everything sent.
    ///
    /// ```
    /// let (_tx, rx) = rt::sync::broadcast::channel::<u8>(4);
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every sender is gone (values may still be unread).
    ///
    /// ```
    /// let (tx, rx) = rt::sync::broadcast::channel::<u8>(4);
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.lock().closed
    }

    /// Whether both receivers belong to the same channel.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::broadcast::channel::<u8>(4);
    /// assert!(rx.same_channel(&tx.subscribe()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut unread = Vec::new();
        let shared = &*self.shared;
        // Held throughout: no send overwrites a slot meanwhile.
        let mut tail = shared.lock();
        let removed = tail.rx_wakers.remove(&mut self.key);
        let first = self.next.max(tail.pos.saturating_sub(shared.capacity()));
        for pos in first..tail.pos {
            let mut slot = shared.slot(pos).lock();
            if slot.pos == pos {
                slot.rem -= 1;
                if slot.rem == 0 {
                    unread.extend(slot.value.take());
                }
            }
        }
        tail.rx_count -= 1;
        let wake = if tail.rx_count == 0 {
            tail.closed_wakers.take_all()
        } else {
            Vec::new()
        };
        drop(tail);
        drop(removed);
        drop(unread);
        wake_all(wake);
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}
