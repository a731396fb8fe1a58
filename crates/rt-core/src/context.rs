//! Whether this thread drives asynchronous tasks right now, for the
//! operations that must refuse to block such a thread.
//!
//! A runtime marks a thread while it runs tasks on it: a worker for its
//! whole loop, a `block_on` caller for the call (`rt-pool` holds an
//! [`AsyncContextGuard`] there). Code below the runtime that would block
//! its thread — a channel's `blocking_recv`, a mutex's `blocking_lock`,
//! another `block_on` — asks [`in_async_context`] first and panics if so,
//! as tokio does: blocking there stalls every task the thread runs, and a
//! wait for one of those tasks would never end.
//!
//! `Handle::enter` alone does not mark the thread: it only makes a runtime
//! current (for `spawn`), and blocking there is fine.
//!
//! # Examples
//!
//! ```
//! use rt_core::context::in_async_context;
//!
//! assert!(!in_async_context());
//! rt::Runtime::new()?.block_on(async {
//!     assert!(in_async_context()); // inside block_on
//!     assert!(rt::spawn(async { in_async_context() }).await.unwrap()); // a worker
//! });
//! assert!(!in_async_context());
//! # std::io::Result::Ok(())
//! ```

use std::cell::Cell;
use std::marker::PhantomData;

crate::loom::thread_local! {
    /// How many `AsyncContextGuard`s are alive on this thread.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// This thread's worker index, while it runs a runtime's worker loop.
    static WORKER_INDEX: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The index of the runtime worker this thread is (`0..worker_threads`),
/// or `None` on any other thread. Layers below the pool use it to keep
/// per-worker state without a lock shared by all workers (the timer
/// driver's shards, `rt-time`).
///
/// # Examples
///
/// ```
/// use rt_core::context::worker_index;
///
/// assert_eq!(worker_index(), None);
/// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(2).build()?;
/// let index = rt.block_on(async { rt::spawn(async { worker_index() }).await.unwrap() });
/// assert!(matches!(index, Some(0 | 1)));
/// # std::io::Result::Ok(())
/// ```
pub fn worker_index() -> Option<usize> {
    WORKER_INDEX.try_with(Cell::get).ok().flatten()
}

/// Sets what [`worker_index`] returns on this thread (the pool: `Some(i)`
/// when worker `i`'s loop starts, `None` when it ends).
pub fn set_worker_index(index: Option<usize>) {
    let _ = WORKER_INDEX.try_with(|w| w.set(index));
}

/// Whether this thread is marked as driving asynchronous tasks (a worker
/// thread, or inside `block_on`): blocking it is refused.
pub fn in_async_context() -> bool {
    // During thread-local destruction: no runtime runs tasks here any more.
    DEPTH.try_with(Cell::get).unwrap_or(0) > 0
}

/// Marks this thread as driving asynchronous tasks until dropped; returned
/// by [`enter_async_context`]. Guards nest.
#[derive(Debug)]
pub struct AsyncContextGuard {
    /// Not `Send`: it must drop on the thread it marks.
    _not_send: PhantomData<*const ()>,
}

/// Marks this thread as driving asynchronous tasks (for a runtime: around
/// a worker's loop and a `block_on` call) until the guard drops.
pub fn enter_async_context() -> AsyncContextGuard {
    DEPTH.with(|d| d.set(d.get() + 1));
    AsyncContextGuard {
        _not_send: PhantomData,
    }
}

impl Drop for AsyncContextGuard {
    fn drop(&mut self) {
        let _ = DEPTH.try_with(|d| d.set(d.get() - 1));
    }
}

/// Clears this thread's async-context mark until dropped, then puts it
/// back; returned by [`exit_async_context`].
#[derive(Debug)]
pub struct ExitAsyncContextGuard {
    /// The depth to restore.
    depth: usize,
    /// Not `Send`: it must drop on the thread it cleared.
    _not_send: PhantomData<*const ()>,
}

/// Leaves asynchronous context until the guard drops: [`in_async_context`]
/// is false meanwhile, so the thread may block (the pool's
/// `block_in_place`, once the worker's queue has gone to another thread).
/// Guards made meanwhile ([`enter_async_context`]) must drop first.
///
/// # Examples
///
/// ```
/// use rt_core::context::{enter_async_context, exit_async_context, in_async_context};
///
/// let entered = enter_async_context();
/// {
///     let _outside = exit_async_context();
///     assert!(!in_async_context());
/// }
/// assert!(in_async_context());
/// drop(entered);
/// ```
pub fn exit_async_context() -> ExitAsyncContextGuard {
    let depth = DEPTH.try_with(|d| d.replace(0)).unwrap_or(0);
    ExitAsyncContextGuard {
        depth,
        _not_send: PhantomData,
    }
}

impl Drop for ExitAsyncContextGuard {
    fn drop(&mut self) {
        let _ = DEPTH.try_with(|d| d.set(self.depth));
    }
}
