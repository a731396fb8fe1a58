//! The bounded channel: `channel(n)`, its senders, permits and receiver.

use std::fmt;
use std::future::poll_fn;
use std::task::{Context, Poll};
use std::time::Duration;

use rt_core::loom::Arc;

use super::chan::{Batch, Chan, Closed, TryAcquireError};
use super::error::{SendError, SendTimeoutError, TryRecvError, TrySendError};
use crate::blocking::{assert_may_block, block_on};

/// Creates a bounded channel holding at most `buffer` messages: a sender
/// waits (`send`, `reserve`) while every slot is taken, and waiting
/// senders are served in the order they started waiting.
///
/// # Panics
///
/// If `buffer` is 0, or more than
/// [`Semaphore::MAX_PERMITS`](crate::Semaphore::MAX_PERMITS).
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let (tx, mut rx) = rt::sync::mpsc::channel(8);
/// rt::spawn(async move {
///     for i in 0..3 {
///         tx.send(i).await.unwrap();
///     }
/// });
/// let mut got = Vec::new();
/// while let Some(i) = rx.recv().await {
///     got.push(i);
/// }
/// assert_eq!(got, [0, 1, 2]);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(buffer > 0, "mpsc bounded channel requires buffer > 0");
    let chan = Arc::new(Chan::new(Some(buffer)));
    (
        Sender { chan: chan.clone() },
        Receiver {
            chan,
            batch: Batch::new(),
        },
    )
}

/// Sends messages to the [`Receiver`] of a bounded [`channel`]. Cloning it
/// makes another sender; the channel ends for the receiver when the last
/// one is dropped.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::channel(8);
/// for i in 0..3 {
///     let tx = tx.clone();
///     rt::spawn(async move { tx.send(i).await.unwrap() });
/// }
/// drop(tx);
/// let mut got = Vec::new();
/// while let Some(i) = rx.recv().await {
///     got.push(i);
/// }
/// got.sort();
/// assert_eq!(got, [0, 1, 2]);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// A sender that does not keep the channel open;
/// [`upgrade`](WeakSender::upgrade) turns it back into a [`Sender`] while
/// one is alive.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::channel::<u32>(1);
/// let weak = tx.downgrade();
/// weak.upgrade().unwrap().send(7).await.unwrap();
/// assert_eq!(rx.recv().await, Some(7));
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// assert_eq!(rx.recv().await, None, "only weak senders left: the channel ended");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct WeakSender<T> {
    chan: Arc<Chan<T>>,
}

/// One slot reserved by [`Sender::reserve`]: [`send`](Permit::send) fills it
/// without waiting; dropping the permit frees it.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::channel(1);
/// let permit = tx.reserve().await.unwrap(); // the one slot is ours
/// assert!(tx.try_send(1).is_err());
/// permit.send(2);
/// assert_eq!(rx.recv().await, Some(2));
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Permit<'a, T> {
    chan: &'a Chan<T>,
}

/// Slots reserved by [`Sender::reserve_many`], handed out one
/// [`Permit`] at a time; the slots not handed out are freed on drop.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::channel(4);
/// let permits = tx.reserve_many(3).await.unwrap();
/// for (i, permit) in permits.enumerate() {
///     permit.send(i);
/// }
/// assert_eq!(rx.recv().await, Some(0));
/// assert_eq!(rx.len(), 2);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct PermitIterator<'a, T> {
    chan: &'a Chan<T>,
    n: usize,
}

/// One slot reserved by [`Sender::reserve_owned`], owning its sender (so it
/// can be moved into a task); dropping it frees the slot.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::channel(1);
/// let permit = tx.reserve_owned().await.unwrap();
/// rt::spawn(async move {
///     permit.send("from a task");
/// });
/// assert_eq!(rx.recv().await, Some("from a task"));
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct OwnedPermit<T> {
    sender: Option<Sender<T>>,
}

/// Receives the messages of a bounded [`channel`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::channel(2);
/// tx.send("a").await.unwrap();
/// tx.send("b").await.unwrap();
/// rx.close(); // no more sends, but what was sent is still received
/// assert!(tx.send("c").await.is_err());
/// assert_eq!(rx.recv().await, Some("a"));
/// assert_eq!(rx.recv().await, Some("b"));
/// assert_eq!(rx.recv().await, None);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
    /// Values taken off the queue and not yet received (`Chan::pop_batched`).
    batch: Batch<T>,
}

fn acquire<T>(chan: &Chan<T>, n: usize) -> super::chan::Acquire<'_, T> {
    chan.acquire(n)
}

impl<T> Sender<T> {
    /// Sends `value`, waiting for a free slot first; fails (giving the
    /// value back) if the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// If the future is dropped before it completes, the value was not
    /// sent (it is dropped with the future) and the sender loses its place
    /// among the senders waiting for a slot. To keep the value, use
    /// [`reserve`](Sender::reserve) and send through the permit.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel(1);
    /// tx.send("hello").await.unwrap();
    /// assert_eq!(rx.recv().await, Some("hello"));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        match acquire(&self.chan, 1).await {
            Ok(()) => {
                self.chan.send_with_slot(value);
                Ok(())
            }
            Err(Closed) => Err(SendError(value)),
        }
    }

    /// Sends `value` if a slot is free now.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::mpsc::error::TrySendError;
    ///
    /// let (tx, _rx) = rt::sync::mpsc::channel(1);
    /// assert!(tx.try_send(1).is_ok());
    /// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
    /// ```
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        self.chan.try_send(value)
    }

    /// Like [`send`](Sender::send), but gives up after `timeout` (a timer:
    /// needs rt's runtime).
    ///
    /// # Cancel safety
    ///
    /// As [`send`](Sender::send).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel(1);
    /// tx.send_timeout(1, Duration::from_secs(1)).await.unwrap();
    /// assert!(tx.send_timeout(2, Duration::from_millis(5)).await.unwrap_err().is_timeout());
    /// assert_eq!(rx.recv().await, Some(1));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn send_timeout(
        &self,
        value: T,
        timeout: Duration,
    ) -> Result<(), SendTimeoutError<T>> {
        match rt_time::timeout(timeout, acquire(&self.chan, 1)).await {
            Ok(Ok(())) => {
                self.chan.send_with_slot(value);
                Ok(())
            }
            Ok(Err(Closed)) => Err(SendTimeoutError::Closed(value)),
            Err(_) => Err(SendTimeoutError::Timeout(value)),
        }
    }

    /// Sends `value`, blocking this thread while the channel is full: for
    /// synchronous code feeding asynchronous code.
    ///
    /// # Panics
    ///
    /// When called on a thread that runs asynchronous tasks (a runtime
    /// worker, or inside `block_on`).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel(1);
    /// let feeder = std::thread::spawn(move || {
    ///     for i in 0..3 {
    ///         tx.blocking_send(i).unwrap();
    ///     }
    /// });
    /// for i in 0..3 {
    ///     assert_eq!(rx.recv().await, Some(i));
    /// }
    /// feeder.join().unwrap();
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        assert_may_block("Sender::blocking_send");
        block_on(self.send(value))
    }

    /// Waits for a free slot and reserves it. The returned [`Permit`] sends
    /// without waiting; dropping it frees the slot.
    ///
    /// # Cancel safety
    ///
    /// Senders are served in the order they called `reserve` (or `send`);
    /// dropping the future gives up that place. No slot is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel(1);
    /// let permit = tx.reserve().await.unwrap();
    /// assert!(tx.try_send(0).is_err()); // the only slot is reserved
    /// permit.send(1);
    /// assert_eq!(rx.recv().await, Some(1));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        acquire(&self.chan, 1)
            .await
            .map_err(|Closed| SendError(()))?;
        Ok(Permit { chan: &self.chan })
    }

    /// Waits for `n` free slots and reserves them all at once. Fails at
    /// once if `n` exceeds the channel's capacity.
    ///
    /// # Cancel safety
    ///
    /// As [`reserve`](Sender::reserve): slots already set aside for the
    /// reservation go on to the next waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel(4);
    /// let permits = tx.reserve_many(3).await.unwrap();
    /// assert_eq!(permits.len(), 3);
    /// for (i, permit) in permits.enumerate() {
    ///     permit.send(i);
    /// }
    /// assert_eq!(rx.len(), 3);
    /// assert!(tx.reserve_many(5).await.is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, SendError<()>> {
        if n > self.chan.bound() {
            return Err(SendError(()));
        }
        acquire(&self.chan, n)
            .await
            .map_err(|Closed| SendError(()))?;
        Ok(PermitIterator {
            chan: &self.chan,
            n,
        })
    }

    /// Reserves `n` slots if they are free now (and no sender waits).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(2);
    /// let two = tx.try_reserve_many(2).unwrap();
    /// assert!(tx.try_reserve_many(1).unwrap_err().is_full());
    /// drop(two);
    /// assert!(tx.try_reserve_many(1).is_ok());
    /// ```
    pub fn try_reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, TrySendError<()>> {
        if n > self.chan.bound() {
            return Err(TrySendError::Full(()));
        }
        match self.chan.try_acquire(n) {
            Ok(()) => Ok(PermitIterator {
                chan: &self.chan,
                n,
            }),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
            Err(TryAcquireError::NoSlots) => Err(TrySendError::Full(())),
        }
    }

    /// Like [`reserve`](Sender::reserve), but the permit owns the sender
    /// (moved in), so it is `'static`; [`OwnedPermit::send`] gives the
    /// sender back.
    ///
    /// # Cancel safety
    ///
    /// As [`reserve`](Sender::reserve); the sender is dropped with the
    /// future.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel(1);
    /// let permit = tx.reserve_owned().await.unwrap();
    /// rt::spawn(async move {
    ///     let _tx = permit.send(5);
    /// });
    /// assert_eq!(rx.recv().await, Some(5));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<()>> {
        acquire(&self.chan, 1)
            .await
            .map_err(|Closed| SendError(()))?;
        Ok(OwnedPermit { sender: Some(self) })
    }

    /// Reserves a slot if one is free now.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::mpsc::channel(1);
    /// let permit = tx.try_reserve().unwrap();
    /// assert!(tx.try_reserve().unwrap_err().is_full());
    /// permit.send(1);
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        match self.chan.try_acquire(1) {
            Ok(()) => Ok(Permit { chan: &self.chan }),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
            Err(TryAcquireError::NoSlots) => Err(TrySendError::Full(())),
        }
    }

    /// Like [`try_reserve`](Sender::try_reserve), owning the sender; on
    /// failure the sender comes back in the error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::mpsc::error::TrySendError;
    ///
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(1);
    /// let permit = tx.clone().try_reserve_owned().unwrap();
    /// match tx.try_reserve_owned() {
    ///     Err(TrySendError::Full(_tx)) => {}
    ///     _ => unreachable!(),
    /// }
    /// # drop(permit);
    /// ```
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Self>> {
        match self.chan.try_acquire(1) {
            Ok(()) => Ok(OwnedPermit { sender: Some(self) }),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(self)),
            Err(TryAcquireError::NoSlots) => Err(TrySendError::Full(self)),
        }
    }

    /// Completes when the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::sync::mpsc::channel::<u8>(1);
    /// rt::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn closed(&self) {
        wait_closed(&self.chan).await
    }

    /// Whether the receiver is closed or dropped.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::mpsc::channel::<u8>(1);
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Slots free now.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel(4);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(tx.capacity(), 3);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.free()
    }

    /// The capacity the channel was created with.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(4);
    /// assert_eq!(tx.max_capacity(), 4);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.bound()
    }

    /// A [`WeakSender`] to this channel.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        self.chan.add_weak();
        WeakSender {
            chan: self.chan.clone(),
        }
    }

    /// Whether both senders send to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(1);
    /// let (other, _) = rt::sync::mpsc::channel::<u8>(1);
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// Senders alive (this one included).
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(1);
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// Weak senders alive.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

/// `Sender::closed` for both kinds of channel.
pub(super) async fn wait_closed<T>(chan: &Chan<T>) {
    struct Cancel<'a, T>(&'a Chan<T>, Option<crate::chan_wakers::Key>);
    impl<T> Drop for Cancel<'_, T> {
        fn drop(&mut self) {
            self.0.cancel_closed(&mut self.1);
        }
    }
    let mut guard = Cancel(chan, None);
    poll_fn(|cx| {
        let Cancel(chan, key) = &mut guard;
        chan.poll_closed(key, cx)
    })
    .await
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.add_tx();
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.drop_tx();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("strong_count", &self.strong_count())
            .finish_non_exhaustive()
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`], if one is still alive (the channel is then still
    /// open for senders).
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// let tx2 = weak.upgrade().unwrap();
    /// assert!(tx2.same_channel(&tx));
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        self.chan.upgrade().then(|| Sender {
            chan: self.chan.clone(),
        })
    }

    /// Senders alive.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(1);
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// Weak senders alive (this one included).
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(1);
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        self.chan.add_weak();
        WeakSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.chan.drop_weak();
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish_non_exhaustive()
    }
}

impl<T> Permit<'_, T> {
    /// Sends `value` through the reserved slot, without waiting. If the
    /// receiver is gone the value is dropped.
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::mpsc::channel(1);
    /// tx.try_reserve().unwrap().send(3);
    /// assert_eq!(rx.try_recv(), Ok(3));
    /// ```
    pub fn send(self, value: T) {
        let chan = self.chan;
        // The slot moves into the queue: not freed by `Drop`.
        std::mem::forget(self);
        chan.send_with_slot(value);
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.release(1);
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}

impl<'a, T> Iterator for PermitIterator<'a, T> {
    type Item = Permit<'a, T>;

    fn next(&mut self) -> Option<Permit<'a, T>> {
        if self.n == 0 {
            return None;
        }
        self.n -= 1;
        Some(Permit { chan: self.chan })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.n, Some(self.n))
    }
}

impl<T> ExactSizeIterator for PermitIterator<'_, T> {}

impl<T> Drop for PermitIterator<'_, T> {
    fn drop(&mut self) {
        if self.n > 0 {
            self.chan.release(self.n);
        }
    }
}

impl<T> fmt::Debug for PermitIterator<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PermitIterator")
            .field("n", &self.n)
            .finish()
    }
}

impl<T> OwnedPermit<T> {
    /// Sends `value` through the reserved slot and gives the sender back.
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::mpsc::channel(1);
    /// let tx = tx.try_reserve_owned().unwrap().send(1);
    /// assert!(tx.try_send(2).is_err()); // full
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn send(mut self, value: T) -> Sender<T> {
        let sender = self.sender.take().expect("an OwnedPermit holds its sender");
        sender.chan.send_with_slot(value);
        sender
    }

    /// Frees the reserved slot unused and gives the sender back.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(1);
    /// let tx = tx.try_reserve_owned().unwrap().release();
    /// assert_eq!(tx.capacity(), 1);
    /// ```
    pub fn release(mut self) -> Sender<T> {
        let sender = self.sender.take().expect("an OwnedPermit holds its sender");
        sender.chan.release(1);
        sender
    }

    /// Whether this permit and `other` belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(2);
    /// let a = tx.clone().try_reserve_owned().unwrap();
    /// let b = tx.try_reserve_owned().unwrap();
    /// assert!(a.same_channel(&b));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        match (&self.sender, &other.sender) {
            (Some(a), Some(b)) => a.same_channel(b),
            _ => false,
        }
    }

    /// Whether this permit belongs to `sender`'s channel.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::channel::<u8>(2);
    /// let permit = tx.clone().try_reserve_owned().unwrap();
    /// assert!(permit.same_channel_as_sender(&tx));
    /// ```
    pub fn same_channel_as_sender(&self, sender: &Sender<T>) -> bool {
        self.sender.as_ref().is_some_and(|s| s.same_channel(sender))
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(sender) = self.sender.take() {
            sender.chan.release(1);
        }
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedPermit").finish_non_exhaustive()
    }
}

impl<T> Receiver<T> {
    /// Receives the next message, waiting for one; `None` once every
    /// sender is gone (or the channel was closed) and every message sent
    /// before that was received.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: if the future is dropped before it completes (another
    /// branch of a `select!` won), no message was taken out of the channel.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel(1);
    /// rt::spawn(async move { tx.send(1).await.unwrap() });
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None); // the sender is gone
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.chan.poll_recv(cx, &mut self.batch)).await
    }

    /// Receives up to `limit` messages into `buffer` (appended), waiting
    /// for at least one; returns how many, 0 only when `limit` is 0 or the
    /// channel has ended (as [`recv`](Receiver::recv) returning `None`).
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`recv`](Receiver::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel(4);
    /// for i in 0..3 {
    ///     tx.send(i).await.unwrap();
    /// }
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.recv_many(&mut buf, 2).await, 2);
    /// assert_eq!(rx.recv_many(&mut buf, 2).await, 1);
    /// assert_eq!(buf, [0, 1, 2]);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.chan.poll_recv_many(cx, &mut self.batch, buffer, limit)).await
    }

    /// Takes the next message if there is one now.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::mpsc::error::TryRecvError;
    ///
    /// let (tx, mut rx) = rt::sync::mpsc::channel(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.try_send(1).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.chan.try_recv(&mut self.batch)
    }

    /// Receives the next message, blocking this thread while there is
    /// none: for synchronous code fed by asynchronous code.
    ///
    /// # Panics
    ///
    /// When called on a thread that runs asynchronous tasks (a runtime
    /// worker, or inside `block_on`).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel::<u8>(1);
    /// let reader = std::thread::spawn(move || rx.blocking_recv());
    /// tx.send(9).await.unwrap();
    /// assert_eq!(reader.join().unwrap(), Some(9));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        assert_may_block("Receiver::blocking_recv");
        block_on(self.recv())
    }

    /// [`recv_many`](Receiver::recv_many), blocking this thread.
    ///
    /// # Panics
    ///
    /// As [`blocking_recv`](Receiver::blocking_recv).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::mpsc::channel(4);
    /// tx.try_send(1).unwrap();
    /// tx.try_send(2).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.blocking_recv_many(&mut buf, 4), 2);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        assert_may_block("Receiver::blocking_recv_many");
        block_on(self.recv_many(buffer, limit))
    }

    /// Closes the channel: sends and reservations fail from now on (those
    /// waiting too), while the messages already queued, and those sent
    /// through permits already granted, can still be received.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel(2);
    /// tx.send(1).await.unwrap();
    /// rx.close();
    /// assert!(tx.send(2).await.is_err());
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Whether the channel is closed: by [`close`](Receiver::close), or
    /// because every sender is gone. Messages may still be queued.
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::mpsc::channel::<u8>(1);
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed_for_rx()
    }

    /// Whether no message is queued.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::mpsc::channel(1);
    /// assert!(rx.is_empty());
    /// tx.try_send(1).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Messages queued.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::mpsc::channel(4);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.chan.len(&self.batch)
    }

    /// Slots free now.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::mpsc::channel(4);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.capacity(), 3);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.free()
    }

    /// The capacity the channel was created with.
    ///
    /// ```
    /// let (_tx, rx) = rt::sync::mpsc::channel::<u8>(4);
    /// assert_eq!(rx.max_capacity(), 4);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.bound()
    }

    /// Senders alive.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::mpsc::channel::<u8>(1);
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(rx.sender_strong_count(), 0);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// Weak senders alive.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::mpsc::channel::<u8>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.chan.weak_count()
    }

    /// Polls for the next message: [`recv`](Receiver::recv) for code that
    /// implements `Future` or `Stream` by hand. Only the waker of the last
    /// call is woken.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel(1);
    /// tx.send(1).await.unwrap();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv(cx)).await, Some(1));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.poll_recv(cx, &mut self.batch)
    }

    /// Polls for up to `limit` messages: [`recv_many`](Receiver::recv_many)
    /// by hand.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::channel(2);
    /// tx.send(1).await.unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv_many(cx, &mut buf, 2)).await, 1);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        self.chan.poll_recv_many(cx, &mut self.batch, buffer, limit)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.chan.drop_rx(&mut self.batch);
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}
