//! What every layer of rt shares: the switch between std's primitives and
//! loom's, the cooperative budget, and waking wakers without letting a
//! panicking one unwind into a runtime thread.
//!
//! This is the leaf of rt's crate graph: it depends on no other rt crate,
//! and every other one may use it (README.md, "How it is built", lists the
//! crates). Users see one part of it: [`coop`], as `rt::task::coop`.
//!
//! - [`loom`]: atomics, `Arc`, `Mutex`, `Condvar`, `thread_local!` — std's
//!   and parking_lot's in a build, loom's under `RUSTFLAGS="--cfg loom"`, so
//!   the protocols of the task, the scheduler, the pool and the reactor run
//!   unchanged inside loom's model checker.
//! - [`coop`]: the per-poll budget (tokio's 128 units) that every resource
//!   consumes when it returns `Ready`.
//! - [`context`]: whether this thread drives asynchronous tasks (a worker,
//!   or inside `block_on`), so that blocking operations below the runtime
//!   (`rt-sync`'s `blocking_*`) refuse to block it.
//! - [`wake_all_contained`]: wakes a batch of wakers, containing a panic
//!   raised by one, for the threads that wake other tasks' wakers (a
//!   reactor turn, a worker's deferred list).
//!
//! # Examples
//!
//! ```
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use std::sync::Arc;
//! use std::task::{Wake, Waker};
//!
//! struct Count(AtomicUsize);
//! impl Wake for Count {
//!     fn wake(self: Arc<Self>) {
//!         let n = self.0.fetch_add(1, Ordering::Relaxed);
//!         if n == 0 {
//!             panic!("the first wake panics");
//!         }
//!     }
//! }
//!
//! let count = Arc::new(Count(AtomicUsize::new(0)));
//! let wakers: Vec<Waker> = (0..3).map(|_| Waker::from(count.clone())).collect();
//! # std::panic::set_hook(Box::new(|_| {}));
//! rt_core::wake_all_contained(wakers.into_iter());
//! assert_eq!(count.0.load(Ordering::Relaxed), 3); // the panic did not stop the batch
//! ```

pub mod context;
pub mod coop;
#[doc(hidden)]
pub mod loom;

/// Wakes every waker of `wakers`, containing a panic raised by one (the
/// rest are still woken).
///
/// A waker is user code, and a runtime thread that wakes one (a reactor
/// turn, a worker waking deferred tasks) must not unwind and die, or
/// shutdown would wait for it forever. The panic hook has already reported
/// the panic. One unwind guard serves the whole batch, not one per waker (a
/// worker wakes batches of thousands).
pub fn wake_all_contained(wakers: impl Iterator<Item = std::task::Waker>) {
    let mut wakers = wakers;
    // A panicking waker was already taken out of the iterator: going on
    // resumes with the next one.
    while std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wakers.by_ref().for_each(std::task::Waker::wake)
    }))
    .is_err()
    {}
}
