//! Synchronisation for asynchronous code: tokio's `sync` API on rt,
//! reached as `rt::sync`.
//!
//! Code written against `tokio::sync` builds against `rt::sync` with the
//! same names, signatures and behaviour: [`Semaphore`], [`Mutex`],
//! [`RwLock`], [`Notify`], [`OnceCell`], [`SetOnce`], [`Barrier`], and
//! the channels: [`mpsc`] (bounded and unbounded), [`oneshot`],
//! [`broadcast`] and [`watch`].
//!
//! # Design
//!
//! - **One fair wait list under the locks.** [`Semaphore`], [`Mutex`] and
//!   [`RwLock`] are all the crate's batch semaphore (`batch_semaphore.rs`,
//!   whose module docs write the protocol down): free permits in one
//!   atomic word (taking them without waiting is a compare-and-swap), and
//!   a FIFO list of waiters under a lock. Released permits go to the
//!   oldest waiter first, even in part, so a request for many permits (a
//!   writer) is never starved by smaller ones, and nobody overtakes a
//!   queue. A mutex is one permit; a rwlock is one per reader and all of
//!   them for a writer.
//! - **Cancellation loses nothing.** A dropped future unlinks itself from
//!   its wait list in O(1): the semaphore's list is intrusive, its entries
//!   pinned inside the waiting futures (`batch_semaphore/queue.rs`; a
//!   served waiter reads its outcome there without the lock), `Notify`'s
//!   a slab-backed list (`wait_list.rs`). Permits or a `notify_one` it had
//!   been handed go to the next waiter.
//! - **Cooperative budget.** Every awaited operation that completes takes
//!   one unit of the task's budget (`rt::task::coop`), as in tokio, so a
//!   task looping on an always-free lock still lets its neighbours run.
//! - **No runtime needed.** Nothing here spawns, parks a worker or reads a
//!   clock: the futures work under any executor. The `blocking_*`
//!   methods block a plain thread, and panic on a thread that drives
//!   tasks (a runtime worker, inside `block_on`), as tokio's do.
//! - **Model-checked.** The atomics and locks come from rt-core's loom
//!   shim; `loom_tests.rs` models the semaphore's wait list,
//!   `broadcast_loom_tests.rs` the broadcast ring's slots and parking
//!   (`RUSTFLAGS="--cfg loom" cargo test -p rt-sync --release --lib`).
//!   Under loom the `const_new` constructors do not exist (loom's types
//!   cannot be built in a `const`).
//!
//! # Examples
//!
//! A mutex shared by tasks, and a notification that the work is done:
//!
//! ```
//! use std::sync::Arc;
//! use rt::sync::{Mutex, Notify};
//!
//! # rt::Runtime::new()?.block_on(async {
//! let total = Arc::new(Mutex::new(0));
//! let done = Arc::new(Notify::new());
//! let (t, d) = (total.clone(), done.clone());
//! rt::spawn(async move {
//!     for i in 1..=4 {
//!         *t.lock().await += i;
//!     }
//!     d.notify_one(); // stored if nobody waits yet
//! });
//! done.notified().await;
//! assert_eq!(*total.lock().await, 10);
//! # });
//! # std::io::Result::Ok(())
//! ```
//!
//! Limiting concurrency with a semaphore:
//!
//! ```
//! use std::sync::Arc;
//! use rt::sync::Semaphore;
//!
//! # rt::Runtime::new()?.block_on(async {
//! let slots = Arc::new(Semaphore::new(2));
//! let mut tasks = Vec::new();
//! for _ in 0..6 {
//!     let permit = slots.clone().acquire_owned().await.unwrap();
//!     tasks.push(rt::spawn(async move {
//!         let _permit = permit; // at most two tasks hold one at a time
//!     }));
//! }
//! for task in tasks {
//!     task.await.unwrap();
//! }
//! assert_eq!(slots.available_permits(), 2);
//! # });
//! # std::io::Result::Ok(())
//! ```

mod barrier;
mod batch_semaphore;
mod blocking;
pub mod broadcast;
#[cfg(all(test, loom))]
mod broadcast_loom_tests;
mod chan_cell;
#[cfg(all(test, loom))]
mod chan_loom_tests;
mod chan_wakers;
#[cfg(all(test, loom))]
mod loom_tests;
pub mod mpsc;
mod mutex;
mod notify;
mod once_cell;
pub mod oneshot;
mod rwlock;
mod semaphore;
mod set_once;
mod wait_list;
pub mod watch;

/// The named futures of this module's primitives (where tokio puts them).
pub mod futures {
    pub use crate::notify::{Notified, OwnedNotified};
}

pub use barrier::{Barrier, BarrierWaitResult};
pub use batch_semaphore::{AcquireError, TryAcquireError};
pub use mutex::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError,
};
pub use notify::Notify;
pub use once_cell::{OnceCell, SetError};
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};
pub use semaphore::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
pub use set_once::{SetOnce, SetOnceError};

/// Compile-time checks: the primitives and their guards and futures can
/// be shared and moved as tokio's can.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}

    #[test]
    fn primitives_guards_and_futures_are_send_and_sync() {
        let semaphore = Semaphore::new(1);
        send_sync(&semaphore);
        send(&semaphore.acquire());
        send_sync(&semaphore.try_acquire().unwrap());
        let mutex = Mutex::new(0);
        send_sync(&mutex);
        send(&mutex.lock());
        send_sync(&mutex.try_lock().unwrap());
        send_sync(&MutexGuard::map(mutex.try_lock().unwrap(), |v| v));
        let lock = RwLock::new(0);
        send_sync(&lock);
        send(&lock.read());
        send(&lock.write());
        send_sync(&lock.try_read().unwrap());
        send_sync(&lock.try_write().unwrap());
        let notify = Notify::new();
        send_sync(&notify);
        send_sync(&notify.notified());
        let cell = OnceCell::<u8>::new();
        send_sync(&cell);
        send(&cell.get_or_init(|| async { 1 }));
        let set_once = SetOnce::<u8>::new();
        send_sync(&set_once);
        send(&set_once.wait());
        let barrier = Barrier::new(1);
        send_sync(&barrier);
        send(&barrier.wait());
    }
}
