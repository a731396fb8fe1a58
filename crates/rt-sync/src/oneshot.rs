//! A channel for one value: [`channel`] returns a [`Sender`] whose
//! [`send`](Sender::send) consumes it, and a [`Receiver`] that is a future
//! of the value (or of an error if the sender was dropped unsent).
//!
//! # Design
//!
//! One allocation (`Inner`) holds a state word, the value's cell and one
//! waker cell for each side. No lock: who may touch which cell is decided
//! by the state word alone.
//!
//! ## The state word
//!
//! | bit | set by | meaning |
//! |---|---|---|
//! | `RX_WAKER` | receiver | the receiver's waker cell holds its waker, and the sender may wake it |
//! | `COMPLETE` | sender (`send` or drop) | the sender is done; the value cell holds the value if one was sent |
//! | `CLOSED` | receiver (`close` or drop) | no value will be accepted; the sender may wake `TX_WAKER` |
//! | `TX_WAKER` | sender (`poll_closed`) | the sender's waker cell holds its waker, and the receiver may wake it |
//!
//! Who owns which cell:
//!
//! 1. **The value cell** belongs to the sender until it sets `COMPLETE`
//!    (Release), then to the receiver (which reads `COMPLETE` with
//!    Acquire). The sender writes the value, then tries to set `COMPLETE`
//!    with a compare-and-swap that fails if `CLOSED` is set: then it never
//!    gave the cell away and takes its value back (`send` returns `Err`).
//!    `COMPLETE` and `CLOSED` may both end up set only as `COMPLETE` first
//!    (a value sent, then the receiver closed: the value is still
//!    received, by `try_recv`, or dropped with the receiver).
//! 2. **The receiver's waker cell** belongs to the receiver while
//!    `RX_WAKER` is clear. It writes its waker, then sets `RX_WAKER`
//!    (`fetch_or`, Release); if that returns `COMPLETE` the sender has
//!    already looked and will not wake: the receiver reads the value at
//!    once. To change its waker it first clears `RX_WAKER` (`fetch_and`);
//!    if that returns `COMPLETE` the sender may be waking the waker right
//!    now, so the receiver leaves the cell alone and reads the value.
//!    The sender, on setting `COMPLETE`, wakes the waker (by reference) if
//!    the word it replaced had `RX_WAKER`, and never writes the cell.
//! 3. **The sender's waker cell**: the same with `TX_WAKER` and `CLOSED`
//!    (the sender waits in `closed()` for the receiver to close).
//! 4. `Inner`'s own drop (the last of the two handles) has `&mut`: it
//!    drops whatever the cells hold, whatever the bits say.
//!
//! Impossible: `CLOSED` set before `COMPLETE` with a value in the cell
//! owned by the receiver (the sender's compare-and-swap saw `CLOSED`).
//!
//! # Examples
//!
//! ```
//! use rt::sync::oneshot;
//!
//! # rt::Runtime::new()?.block_on(async {
//! let (tx, rx) = oneshot::channel();
//! rt::spawn(async move {
//!     let _ = tx.send(6 * 7);
//! });
//! assert_eq!(rx.await, Ok(42));
//!
//! let (tx, rx) = oneshot::channel::<u8>();
//! drop(tx);
//! assert!(rx.await.is_err()); // the sender was dropped unsent
//! # });
//! # std::io::Result::Ok(())
//! ```

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use rt_core::coop;
use rt_core::loom::{Arc, AtomicUsize, Ordering};

use crate::blocking::{assert_may_block, block_on};
use crate::chan_cell::UnsafeCell;

/// The errors of a oneshot channel.
pub mod error {
    use std::error::Error;
    use std::fmt;

    /// The sender was dropped without sending (or the receiver was closed
    /// first).
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, rx) = rt::sync::oneshot::channel::<u8>();
    /// drop(tx);
    /// assert_eq!(rx.await.unwrap_err().to_string(), "channel closed");
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl Error for RecvError {}

    /// Why `try_recv` returned no value.
    ///
    /// ```
    /// use rt::sync::oneshot::error::TryRecvError;
    ///
    /// let (tx, mut rx) = rt::sync::oneshot::channel::<u8>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum TryRecvError {
        /// Not sent yet.
        Empty,
        /// No value will come: the sender was dropped unsent, the receiver
        /// was closed, or the value was already taken.
        Closed,
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(match self {
                TryRecvError::Empty => "channel empty",
                TryRecvError::Closed => "channel closed",
            })
        }
    }

    impl Error for TryRecvError {}
}

use error::{RecvError, TryRecvError};

/// The receiver's waker cell is set (protocol: module docs, rule 2).
const RX_WAKER: usize = 0b0001;
/// The sender is done: sent, or dropped (rule 1).
const COMPLETE: usize = 0b0010;
/// The receiver closed or dropped (rules 1 and 3).
const CLOSED: usize = 0b0100;
/// The sender's waker cell is set (rule 3).
const TX_WAKER: usize = 0b1000;

struct Inner<T> {
    state: AtomicUsize,
    value: UnsafeCell<Option<T>>,
    rx_waker: UnsafeCell<Option<Waker>>,
    tx_waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the cells are shared between the two handles, but the state
// word hands each one to one side at a time (module docs); the value moves
// between threads, hence `T: Send`.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: as above; `&Inner` only gives access through the protocol.
unsafe impl<T: Send> Sync for Inner<T> {}

impl<T> Inner<T> {
    /// The sender is done: sets `COMPLETE` unless `CLOSED` is set. Returns
    /// the word it found.
    fn complete(&self) -> usize {
        // Relaxed: the compare-and-swap below decides.
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & CLOSED != 0 {
                return state;
            }
            // AcqRel: Release publishes the value written before (paired
            // with the receiver's Acquire loads seeing `COMPLETE`);
            // Acquire pairs with the receiver's Release `fetch_or` of
            // `RX_WAKER`, so the waker it wrote is visible to our wake.
            match self.state.compare_exchange_weak(
                state,
                state | COMPLETE,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return state,
                Err(actual) => state = actual,
            }
        }
    }

    /// Wakes the receiver's waker by reference.
    ///
    /// # Safety
    ///
    /// - The caller set `COMPLETE` and the word it replaced had `RX_WAKER`
    ///   (rule 2: the receiver will not write the cell any more).
    unsafe fn wake_rx(&self) {
        // SAFETY: by the caller's obligation the receiver no longer writes
        // the cell; `self` (an `Arc` held by the caller) keeps it alive.
        self.rx_waker.with(|w| unsafe {
            if let Some(w) = &*w {
                w.wake_by_ref();
            }
        });
    }

    /// Takes the value out.
    ///
    /// # Safety
    ///
    /// - The caller is the receiver and has seen `COMPLETE` with Acquire
    ///   (rule 1: the cell is its own).
    unsafe fn take_value(&self) -> Option<T> {
        // SAFETY: by the caller's obligation no one else touches the cell.
        self.value.with_mut(|v| unsafe { (*v).take() })
    }
}

/// Creates a oneshot channel.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let (tx, rx) = rt::sync::oneshot::channel();
/// tx.send("done").unwrap();
/// assert_eq!(rx.await, Ok("done"));
/// # });
/// # std::io::Result::Ok(())
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Inner {
        state: AtomicUsize::new(0),
        value: UnsafeCell::new(None),
        rx_waker: UnsafeCell::new(None),
        tx_waker: UnsafeCell::new(None),
    });
    (
        Sender {
            inner: Some(inner.clone()),
        },
        Receiver { inner: Some(inner) },
    )
}

/// Sends the value of a oneshot [`channel`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::oneshot;
///
/// let (tx, rx) = oneshot::channel();
/// rt::spawn(async move {
///     if tx.send(42).is_err() {
///         unreachable!("the receiver is waiting");
///     }
/// });
/// assert_eq!(rx.await.unwrap(), 42);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Sender<T> {
    inner: Option<Arc<Inner<T>>>,
}

/// Receives the value of a oneshot [`channel`]: `.await` it (it is a
/// `Future` of `Result<T, RecvError>`), or call [`try_recv`](Receiver::try_recv).
///
/// # Cancel safety
///
/// Awaiting `&mut rx` in a `select!` is cancel-safe: a dropped poll takes
/// nothing, and the receiver can be awaited again.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// use rt::sync::oneshot;
///
/// let (tx, rx) = oneshot::channel::<u32>();
/// drop(tx);
/// assert!(rx.await.is_err(), "the sender went away without sending");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Receiver<T> {
    inner: Option<Arc<Inner<T>>>,
}

impl<T> Sender<T> {
    /// Sends `value`, consuming the sender. Fails, giving the value back,
    /// if the receiver was closed or dropped; success does not mean the
    /// receiver will take it (it may drop first).
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = rt::sync::oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(1), Err(1));
    /// ```
    pub fn send(mut self, value: T) -> Result<(), T> {
        let inner = self.inner.take().expect("a Sender holds its channel");
        // SAFETY: `COMPLETE` is not set (only this sender sets it, and it is
        // consumed here), so the value cell is ours (rule 1); `inner` keeps
        // it alive.
        inner.value.with_mut(|v| unsafe { *v = Some(value) });
        let prev = inner.complete();
        if prev & CLOSED != 0 {
            // SAFETY: `complete` did not set `COMPLETE`: the cell is still
            // ours (rule 1).
            let value = inner.value.with_mut(|v| unsafe { (*v).take() });
            return Err(value.expect("the value was just written"));
        }
        if prev & RX_WAKER != 0 {
            // SAFETY: we set `COMPLETE` over a word with `RX_WAKER` (rule 2).
            unsafe { inner.wake_rx() };
        }
        Ok(())
    }

    /// Completes when the receiver is closed or dropped: a sender can stop
    /// computing a value nobody will receive.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut tx, rx) = rt::sync::oneshot::channel::<u8>();
    /// rt::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn closed(&mut self) {
        poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// Whether the receiver is closed or dropped.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::oneshot::channel::<u8>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        let inner = self.inner.as_ref().expect("a Sender holds its channel");
        // Acquire: pairs with the receiver's AcqRel `fetch_or` of `CLOSED`.
        inner.state.load(Ordering::Acquire) & CLOSED != 0
    }

    /// Polls for the receiver's closing: [`closed`](Sender::closed) by
    /// hand. Only the waker of the last call is woken.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (mut tx, rx) = rt::sync::oneshot::channel::<u8>();
    /// drop(rx);
    /// poll_fn(|cx| tx.poll_closed(cx)).await;
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let unit = ready!(coop::poll_proceed(cx));
        let inner = self.inner.as_ref().expect("a Sender holds its channel");
        // Acquire: pairs with the receiver's `fetch_or(CLOSED)`.
        let mut state = inner.state.load(Ordering::Acquire);
        if state & CLOSED != 0 {
            unit.made_progress();
            return Poll::Ready(());
        }
        if state & TX_WAKER != 0 {
            // SAFETY: `TX_WAKER` is set and `CLOSED` was not: the receiver
            // may wake the waker (by reference) but never writes the cell;
            // reading it here is a shared access. `inner` keeps it alive.
            let same = inner
                .tx_waker
                .with(|w| unsafe { (*w).as_ref().is_some_and(|w| w.will_wake(cx.waker())) });
            if same {
                return Poll::Pending;
            }
            // AcqRel: take the cell back (rule 3); Acquire sees a `CLOSED`
            // set meanwhile.
            state = inner.state.fetch_and(!TX_WAKER, Ordering::AcqRel);
            if state & CLOSED != 0 {
                // The receiver may be waking the old waker: leave the cell.
                unit.made_progress();
                return Poll::Ready(());
            }
        }
        // SAFETY: `TX_WAKER` is clear: the cell is ours (rule 3).
        inner
            .tx_waker
            .with_mut(|w| unsafe { *w = Some(cx.waker().clone()) });
        // AcqRel: Release publishes the waker to the receiver's `close`
        // (its AcqRel `fetch_or`); Acquire sees a `CLOSED` set before.
        let state = inner.state.fetch_or(TX_WAKER, Ordering::AcqRel);
        if state & CLOSED != 0 {
            unit.made_progress();
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            let prev = inner.complete();
            if prev & (CLOSED | RX_WAKER) == RX_WAKER {
                // SAFETY: we set `COMPLETE` over a word with `RX_WAKER`.
                unsafe { inner.wake_rx() };
            }
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> Receiver<T> {
    /// Takes the value if it was sent; does not wait.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::sync::oneshot::error::TryRecvError;
    ///
    /// let (tx, mut rx) = rt::sync::oneshot::channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(5).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(5));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed)); // taken
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let Some(inner) = self.inner.as_ref() else {
            return Err(TryRecvError::Closed);
        };
        // Acquire: pairs with the sender's Release in `complete`.
        let state = inner.state.load(Ordering::Acquire);
        let result = if state & COMPLETE != 0 {
            // SAFETY: `COMPLETE` seen with Acquire (rule 1).
            unsafe { inner.take_value() }.ok_or(TryRecvError::Closed)
        } else if state & CLOSED != 0 {
            Err(TryRecvError::Closed)
        } else {
            return Err(TryRecvError::Empty);
        };
        self.inner = None;
        result
    }

    /// Closes the channel without dropping the receiver: a later `send`
    /// fails, and a sender waiting in `closed()` wakes. A value sent
    /// before can still be taken with [`try_recv`](Receiver::try_recv).
    ///
    /// ```
    /// let (tx, mut rx) = rt::sync::oneshot::channel::<u8>();
    /// rx.close();
    /// assert_eq!(tx.send(1), Err(1));
    /// ```
    pub fn close(&mut self) {
        if let Some(inner) = self.inner.as_ref() {
            close(inner);
        }
    }

    /// Receives the value, blocking this thread until it is sent.
    ///
    /// # Panics
    ///
    /// When called on a thread that runs asynchronous tasks (a runtime
    /// worker, or inside `block_on`).
    ///
    /// ```
    /// let (tx, rx) = rt::sync::oneshot::channel();
    /// std::thread::spawn(move || tx.send(3).unwrap());
    /// assert_eq!(rx.blocking_recv(), Ok(3));
    /// ```
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        assert_may_block("oneshot::Receiver::blocking_recv");
        block_on(self)
    }

    /// Whether the receiver is done: it returned the value or the error
    /// (awaited to completion, or `try_recv` returned other than `Empty`).
    /// Polling it again would panic.
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (tx, mut rx) = rt::sync::oneshot::channel();
    /// tx.send(1).unwrap();
    /// assert!(!rx.is_terminated());
    /// assert_eq!((&mut rx).await, Ok(1));
    /// assert!(rx.is_terminated());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn is_terminated(&self) -> bool {
        self.inner.is_none()
    }

    /// Whether no value waits to be received: none was sent yet, or it was
    /// taken already, or none will come.
    ///
    /// ```
    /// let (tx, rx) = rt::sync::oneshot::channel();
    /// assert!(rx.is_empty());
    /// tx.send(1).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        let Some(inner) = self.inner.as_ref() else {
            return true;
        };
        // Acquire: pairs with the sender's Release in `complete`.
        if inner.state.load(Ordering::Acquire) & COMPLETE == 0 {
            return true;
        }
        // SAFETY: `COMPLETE` seen with Acquire: the cell is the receiver's
        // (rule 1), and `&self` excludes its other uses.
        inner.value.with(|v| unsafe { (*v).is_none() })
    }
}

/// Sets `CLOSED` and wakes a sender waiting in `closed()`.
fn close<T>(inner: &Inner<T>) {
    // AcqRel: Release publishes the close to the sender's Acquire loads;
    // Acquire pairs with its Release `fetch_or(TX_WAKER)`, making the
    // waker it wrote visible.
    let prev = inner.state.fetch_or(CLOSED, Ordering::AcqRel);
    if prev & (TX_WAKER | COMPLETE | CLOSED) == TX_WAKER {
        // SAFETY: we set `CLOSED` over a word with `TX_WAKER`: the sender
        // no longer writes the cell (rule 3); `inner` is kept alive by our
        // `Arc`.
        inner.tx_waker.with(|w| unsafe {
            if let Some(w) = &*w {
                w.wake_by_ref();
            }
        });
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let inner = this
            .inner
            .as_ref()
            .expect("oneshot::Receiver polled after it completed");
        let unit = ready!(coop::poll_proceed(cx));
        // Acquire: pairs with the sender's Release in `complete`.
        let mut state = inner.state.load(Ordering::Acquire);
        if state & (COMPLETE | CLOSED) == 0 {
            if state & RX_WAKER != 0 {
                // SAFETY: with `RX_WAKER` set the sender may only wake the
                // waker by reference: a shared read is fine (rule 2).
                let same = inner
                    .rx_waker
                    .with(|w| unsafe { (*w).as_ref().is_some_and(|w| w.will_wake(cx.waker())) });
                if same {
                    return Poll::Pending;
                }
                // AcqRel: take the cell back; Acquire sees a `COMPLETE` set
                // meanwhile (and the value it publishes).
                state = inner.state.fetch_and(!RX_WAKER, Ordering::AcqRel);
            }
            if state & COMPLETE == 0 {
                // SAFETY: `RX_WAKER` is clear: the cell is ours (rule 2).
                inner
                    .rx_waker
                    .with_mut(|w| unsafe { *w = Some(cx.waker().clone()) });
                // AcqRel: Release publishes the waker to the sender's
                // `complete`; Acquire sees a `COMPLETE` set before.
                state = inner.state.fetch_or(RX_WAKER, Ordering::AcqRel);
                if state & COMPLETE == 0 {
                    return Poll::Pending;
                }
            }
        }
        let result = if state & COMPLETE != 0 {
            // SAFETY: `COMPLETE` seen with Acquire (rule 1).
            unsafe { inner.take_value() }.ok_or(RecvError(()))
        } else {
            Err(RecvError(()))
        };
        this.inner = None;
        unit.made_progress();
        Poll::Ready(result)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            close(&inner);
            // Acquire: pairs with the sender's Release in `complete`.
            if inner.state.load(Ordering::Acquire) & COMPLETE != 0 {
                // SAFETY: `COMPLETE` seen with Acquire (rule 1): drop the
                // value now rather than with the last handle.
                drop(unsafe { inner.take_value() });
            }
        }
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}
