//! The unbounded channel: `unbounded_channel()`, its senders and receiver.

use std::fmt;
use std::future::poll_fn;
use std::task::{Context, Poll};

use rt_core::loom::Arc;

use super::bounded::wait_closed;
use super::chan::{Batch, Chan};
use super::error::{SendError, TryRecvError};
use crate::blocking::{assert_may_block, block_on};

/// Creates a channel with no bound: [`UnboundedSender::send`] never waits
/// (the queue grows as needed; memory is the limit).
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let (tx, mut rx) = rt::sync::mpsc::unbounded_channel();
/// for i in 0..100 {
///     tx.send(i).unwrap();
/// }
/// drop(tx);
/// let mut n = 0;
/// while let Some(i) = rx.recv().await {
///     assert_eq!(i, n);
///     n += 1;
/// }
/// assert_eq!(n, 100);
/// # });
/// # std::io::Result::Ok(())
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let chan = Arc::new(Chan::new(None));
    (
        UnboundedSender { chan: chan.clone() },
        UnboundedReceiver {
            chan,
            batch: Batch::new(),
        },
    )
}

/// Sends messages to the [`UnboundedReceiver`] of an
/// [`unbounded_channel`]; clone it for more senders.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::unbounded_channel();
/// for i in 0..1000 {
///     tx.send(i).unwrap(); // never waits
/// }
/// assert_eq!(rx.len(), 1000);
/// assert_eq!(rx.recv().await, Some(0));
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// An [`UnboundedSender`] that does not keep the channel open.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
/// let weak = tx.downgrade();
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// assert_eq!(rx.recv().await, None);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct WeakUnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// Receives the messages of an [`unbounded_channel`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::unbounded_channel();
/// rt::spawn(async move {
///     for word in ["a", "b", "c"] {
///         tx.send(word).unwrap();
///     }
/// });
/// let mut words = Vec::new();
/// while let Some(word) = rx.recv().await {
///     words.push(word);
/// }
/// assert_eq!(words, ["a", "b", "c"]);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UnboundedReceiver<T> {
    chan: Arc<Chan<T>>,
    /// Values taken off the queue and not yet received (`Chan::pop_batched`).
    batch: Batch<T>,
}

impl<T> UnboundedSender<T> {
    /// Sends `value` without waiting; fails (giving it back) if the
    /// receiver is closed or dropped.
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// drop(rx);
    /// assert_eq!(tx.send(2).unwrap_err().0, 2);
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.chan.send_unbounded(value).map_err(SendError)
    }

    /// Completes when the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits.
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// rt::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn closed(&self) {
        wait_closed(&self.chan).await
    }

    /// Whether the receiver is closed or dropped.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Whether both senders send to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// A [`WeakUnboundedSender`] to this channel.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// let weak = tx.downgrade();
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        self.chan.add_weak();
        WeakUnboundedSender {
            chan: self.chan.clone(),
        }
    }

    /// Senders alive (this one included).
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// Weak senders alive.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// assert_eq!(tx.weak_count(), 0);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        self.chan.add_tx();
        UnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for UnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.drop_tx();
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender").finish_non_exhaustive()
    }
}

impl<T> WeakUnboundedSender<T> {
    /// An [`UnboundedSender`], if one is still alive.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// assert!(tx.downgrade().upgrade().is_some());
    /// ```
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        self.chan.upgrade().then(|| UnboundedSender {
            chan: self.chan.clone(),
        })
    }

    /// Senders alive.
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// Weak senders alive (this one included).
    ///
    /// ```
    /// let (tx, _rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakUnboundedSender<T> {
    fn clone(&self) -> Self {
        self.chan.add_weak();
        WeakUnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for WeakUnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.drop_weak();
    }
}

impl<T> fmt::Debug for WeakUnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakUnboundedSender")
            .finish_non_exhaustive()
    }
}

impl<T> UnboundedReceiver<T> {
    /// Receives the next message, waiting for one; `None` once every
    /// sender is gone (or the channel was closed) and every message sent
    /// before was received.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a dropped `recv` future took no message.
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.chan.poll_recv(cx, &mut self.batch)).await
    }

    /// Receives up to `limit` messages into `buffer`, waiting for at least
    /// one; 0 only when `limit` is 0 or the channel has ended.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`recv`](UnboundedReceiver::recv).
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.recv_many(&mut buf, 10).await, 2);
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.chan.poll_recv_many(cx, &mut self.batch, buffer, limit)).await
    }

    /// Takes the next message if there is one now.
    ///
    /// ```
    /// use rt::sync::mpsc::error::TryRecvError;
    ///
    /// let (tx, mut rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.chan.try_recv(&mut self.batch)
    }

    /// Receives the next message, blocking this thread while there is none.
    ///
    /// # Panics
    ///
    /// When called on a thread that runs asynchronous tasks (a runtime
    /// worker, or inside `block_on`).
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::mpsc::unbounded_channel();
    /// std::thread::spawn(move || tx.send(4).unwrap());
    /// assert_eq!(rx.blocking_recv(), Some(4));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        assert_may_block("UnboundedReceiver::blocking_recv");
        block_on(self.recv())
    }

    /// [`recv_many`](UnboundedReceiver::recv_many), blocking this thread.
    ///
    /// # Panics
    ///
    /// As [`blocking_recv`](UnboundedReceiver::blocking_recv).
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.blocking_recv_many(&mut buf, 4), 1);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        assert_may_block("UnboundedReceiver::blocking_recv_many");
        block_on(self.recv_many(buffer, limit))
    }

    /// Closes the channel: sends fail from now on; queued messages can
    /// still be received.
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// rx.close();
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Whether the channel is closed (by `close`, or every sender gone).
    ///
    /// ```
    /// let (tx, rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed_for_rx()
    }

    /// Whether no message is queued.
    ///
    /// ```
    /// let (_tx, rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Messages queued.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.chan.len(&self.batch)
    }

    /// Senders alive.
    ///
    /// ```
    /// let (_tx, rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// Weak senders alive.
    ///
    /// ```
    /// let (_tx, rx) = rt::sync::mpsc::unbounded_channel::<u8>();
    /// assert_eq!(rx.sender_weak_count(), 0);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.chan.weak_count()
    }

    /// Polls for the next message ([`recv`](UnboundedReceiver::recv) by
    /// hand).
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv(cx)).await, Some(1));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.poll_recv(cx, &mut self.batch)
    }

    /// Polls for up to `limit` messages
    /// ([`recv_many`](UnboundedReceiver::recv_many) by hand).
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv_many(cx, &mut buf, 8)).await, 1);
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

impl<T> Drop for UnboundedReceiver<T> {
    fn drop(&mut self) {
        self.chan.drop_rx(&mut self.batch);
    }
}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver").finish_non_exhaustive()
    }
}
