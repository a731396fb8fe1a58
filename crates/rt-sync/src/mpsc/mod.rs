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
//! lock, the receiver's waker, and, for a bounded channel, its slots: the
//! crate's fair semaphore (`batch_semaphore.rs`) with one permit per slot,
//! whose wait list holds the senders waiting for a slot. A send takes the
//! lock once (to push and take the receiver's waker); wakers are woken
//! after it is released. The receiver moves the whole queue into a batch
//! of its own when its batch is empty, so it takes the lock once per batch,
//! not once per message. The handle counts (senders, weak senders) are
//! atomics, so cloning and dropping a sender touches the lock only for the
//! last one.
//!
//! ## Slots
//!
//! A bounded channel has `n` slots, the semaphore's permits. A slot is
//! taken by a reservation (`reserve`, `send`, `try_send`) and comes back
//! when the receiver takes the message out of its batch (one by one, so
//! the free slots are what they would be had it taken each message
//! straight from the queue), or when a permit is dropped unused.
//!
//! 1. Reservations are the semaphore's acquires, served first come, first
//!    served: a newcomer (even `try_send`) never overtakes a waiting
//!    sender, and a sender waiting for `k` slots keeps those it got until
//!    it has all `k`. While nobody waits, taking and freeing a slot is one
//!    compare-and-swap, with no lock.
//! 2. A reservation dropped before completing (cancelled) passes on what
//!    it holds to the next waiter. No slot is ever lost.
//! 3. `Receiver::close` (and dropping the receiver) closes the semaphore
//!    first, then marks the channel closed under the lock: every waiting
//!    reservation fails at its next poll (giving back what it was
//!    assigned, even all it asked for, as tokio's does), and so does every
//!    later one. Reservations that completed keep their slots: what is
//!    sent through their permits is still received.
//! 4. After `close`, `recv` returns `None` only when the queue and batch
//!    are empty and every slot is back (no permit is out, no failed
//!    reservation still owes its part). Whoever gives slots back to a
//!    closed channel other than the receiver (a dropped permit, a
//!    reservation that failed or was cancelled) gives them back first and
//!    then, under the lock, takes and wakes the receiver's waker if every
//!    slot is back (the last of them to give back sees them all; an
//!    earlier one wakes nobody, so the receiver is not woken for
//!    nothing). The receiver checks the slots and parks its waker under
//!    the same lock, so it either sees them back or is woken.
//! 5. Dropping the receiver gives back the slots of the messages still
//!    queued or batched, and drops them; a message sent through a permit
//!    after that is dropped at once, its slot freed.
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
pub(crate) mod chan;
pub mod error;
mod unbounded;

pub use bounded::{channel, OwnedPermit, Permit, PermitIterator, Receiver, Sender, WeakSender};
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender, WeakUnboundedSender};
