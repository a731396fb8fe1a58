//! rt's worker pool: the threads that run tasks, how they park and wake,
//! the blocking pool, and the `Runtime` that owns them.
//!
//! # Design
//!
//! A [`Runtime`] starts `worker_threads` threads (default: one per CPU).
//! Each runs the loop in `worker`: take the next task in the scheduler's
//! order (`rt-scheduler`), else steal, else park. Tasks are `rt-task`
//! tasks whose scheduler is the runtime's [`Handle`]: a wake on one of this
//! runtime's workers queues the task on that worker (the LIFO slot if the
//! running task woke it), a wake anywhere else goes to the injector.
//!
//! Each poll runs with a cooperative budget (`rt_core::coop`, tokio's 128
//! units): the worker sets it before `Task::run` and restores it after, and
//! a task whose sockets, timers or joins use it up is deferred like one
//! that called [`yield_now`] — it runs again after the worker's other
//! queued tasks and a turn of the reactor. `block_on`'s future is not
//! budgeted (it runs on a thread that is not a worker).
//!
//! Parking (`park`) and waking (`idle`) are the protocols that must never
//! lose a wake-up; both are documented in their modules and model-checked
//! with loom (`RUSTFLAGS="--cfg loom" cargo test -p rt-pool --lib`). An idle
//! worker blocks in the runtime's driver (the reactor) when it wins its
//! try-lock, so there is no reactor thread; the others park on their own
//! condvars.
//!
//! # Examples
//!
//! ```
//! use rt_pool::{Builder, JoinSet};
//!
//! let rt = Builder::new_multi_thread().worker_threads(2).build().unwrap();
//! let total = rt.block_on(async {
//!     let mut set = JoinSet::new();
//!     for i in 1..=4u32 {
//!         set.spawn(async move { i });
//!     }
//!     let mut total = 0;
//!     while let Some(r) = set.join_next().await {
//!         total += r.unwrap();
//!     }
//!     total
//! });
//! assert_eq!(total, 10);
//! ```

mod block_on;
mod blocking;
mod builder;
mod context;
mod driver;
mod handle;
mod idle;
mod join_set;
mod park;
mod runtime;
mod worker;
mod yield_now;

#[cfg(all(test, loom))]
mod loom_tests;

use std::future::Future;

pub use builder::Builder;
pub use handle::{EnterGuard, Handle, TryCurrentError};
pub use join_set::JoinSet;
pub use rt_task::{AbortHandle, Id, JoinError, JoinHandle};
pub use runtime::Runtime;
pub use yield_now::{yield_now, YieldNow};

/// Spawn a task on the current runtime.
///
/// # Panics
/// Outside a runtime (use [`Handle::spawn`] from other threads).
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match context::current() {
        Some(handle) => handle.spawn(future),
        None => panic!(
            "`spawn` called outside of an rt runtime: call it from a task, inside \
             `Runtime::block_on`, or use `Handle::spawn` from other threads"
        ),
    }
}

/// Run a blocking closure on the current runtime's blocking pool.
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match context::current() {
        Some(handle) => handle.spawn_blocking(f),
        None => panic!(
            "`spawn_blocking` called outside of an rt runtime: call it from a task or inside \
             `Runtime::block_on`"
        ),
    }
}
