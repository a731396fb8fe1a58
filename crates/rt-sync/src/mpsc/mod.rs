//! Multi-producer, single-consumer channels: many senders, one receiver,
//! messages received in the order they were sent.
//!
//! [`channel`] makes a bounded channel: it holds at most `n` messages, and
//! a sender waits for a free slot (backpressure). [`unbounded_channel`]
//! never makes a sender wait. Both end for the receiver when every sender
//! is dropped: [`Receiver::recv`] returns `None` once it has received every
//! message sent before that. Dropping (or [`close`](Receiver::close)-ing)
//! the receiver makes every later send fail, giving the value back.
//!
//! # Design
//!
//! One allocation per channel (`Chan`, in `chan.rs`) holds a queue under a
//! lock, the receiver's waker, and, for a bounded channel, its free slots
//! and the senders waiting for them (`Capacity`, in `capacity.rs`). Each
//! send and each receive takes the lock once; wakers are woken after it is
//! released. The handle counts (senders, weak senders) are atomics, so
//! cloning and dropping a sender touches the lock only for the last one.
//!
//! ## The capacity wait list
//!
//! A bounded channel has `n` slots. A slot is taken by a reservation
//! (`reserve`, `send`, `try_send`) and comes back when the receiver takes
//! the message out of the queue, or when a permit is dropped unused.
//!
//! 1. A reservation of `k` slots takes them at once if the list is empty
//!    and `k` are free. Otherwise it joins the tail of the list, taking any
//!    free slots along (possible only when the list was empty).
//! 2. A released slot goes to the head of the list; when the head holds
//!    all it asked for it is unlinked, marked *granted* and woken, and the
//!    next waiter is served. So `free > 0` only while the list is empty,
//!    and a newcomer (even `try_send`) never overtakes a waiter: senders
//!    are served first come, first served.
//! 3. A granted reservation completes at its next poll, handing its slots
//!    to a `Permit` (or to the message, for `send`).
//! 4. A reservation dropped before completing (cancelled) passes on what
//!    it holds: all its slots if granted, the part assigned if waiting,
//!    going to the next waiter as in 2. No slot is ever lost.
//! 5. `Receiver::close` (and dropping the receiver) marks the list closed,
//!    returns the partial slots of every waiter and wakes it: its poll
//!    fails. Granted reservations keep their slots and succeed; what they
//!    send is still received: after `close`, `recv` returns `None` only
//!    when the queue is empty and every slot is back (no permit is out).
//!
//! A waiter's state (waiting, granted, closed) lives in the list's slab,
//! under the channel lock; the future holds only its key there.
//!
//! # Examples
//!
//! ```
//! use rt::sync::mpsc;
//!
//! # rt::Runtime::new()?.block_on(async {
//! let (tx, mut rx) = mpsc::channel(16);
//! for id in 0..4 {
//!     let tx = tx.clone();
//!     rt::spawn(async move {
//!         tx.send(id).await.unwrap();
//!     });
//! }
//! drop(tx); // the channel ends when the spawned senders are done
//! let mut ids = Vec::new();
//! while let Some(id) = rx.recv().await {
//!     ids.push(id);
//! }
//! ids.sort();
//! assert_eq!(ids, [0, 1, 2, 3]);
//! # });
//! # std::io::Result::Ok(())
//! ```

mod bounded;
pub(crate) mod capacity;
pub(crate) mod chan;
pub mod error;
mod unbounded;

pub use bounded::{channel, OwnedPermit, Permit, PermitIterator, Receiver, Sender, WeakSender};
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender, WeakUnboundedSender};
