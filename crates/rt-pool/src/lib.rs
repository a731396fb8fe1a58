//! rt's worker pool: the threads that run tasks, how they park and wake,
//! the blocking pool, and the `Runtime` that owns them.
//!
//! Users reach this crate through the facade: `rt::Runtime`,
//! `rt::runtime::{Builder, Handle}`, `rt::spawn` and `rt::task::*`.
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
//! queued tasks and a turn of the reactor. `block_on` polls its future
//! with a fresh budget too.
//!
//! [`Builder::new_current_thread`] builds the other flavor
//! (`current_thread`): no worker threads; the thread in `block_on` runs the
//! tasks between polls of its own future, and blocks in the same drivers
//! when there is nothing to run. [`Handle`] points at either flavor.
//!
//! Closures that block (file I/O, a C library, heavy computation) go to a
//! separate pool of threads through [`spawn_blocking`], so that no worker
//! ever waits on them; the pool grows up to `max_blocking_threads` and its
//! idle threads exit after `thread_keep_alive`.
//!
//! Each worker counts what it does (polls, steals, parks, busy time) in
//! counters of its own, which only it writes (`metrics`);
//! [`RuntimeMetrics`] reads them.
//!
//! Parking (`park`) and waking (`idle`) are the protocols that must never
//! lose a wake-up; both are documented in their modules and model-checked
//! with loom (`RUSTFLAGS="--cfg loom" cargo test -p rt-pool --lib`). An idle
//! worker blocks in the runtime's driver (the reactor) when it wins its
//! try-lock, so there is no reactor thread; the others park on their own
//! condvars. While another worker runs, the one in the driver wakes every
//! few milliseconds to take the LIFO task of a worker stuck in one poll
//! (`rescue`); when all are parked, nobody wakes.
//!
//! # Examples
//!
//! A runtime, a task on it, and its output:
//!
//! ```
//! let rt = rt::Runtime::new()?;
//! let answer = rt.block_on(async {
//!     let task = rt::spawn(async { 6 * 7 });
//!     task.await
//! })?;
//! assert_eq!(answer, 42);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Settings through the builder, many tasks joined as they finish, and a
//! blocking closure on the blocking pool:
//!
//! ```
//! use rt::runtime::Builder;
//! use rt::task::JoinSet;
//!
//! let rt = Builder::new_multi_thread().worker_threads(2).build()?;
//! let total = rt.block_on(async {
//!     let mut set = JoinSet::new();
//!     for i in 1..=4u32 {
//!         set.spawn(async move { i });
//!     }
//!     let mut total = 0;
//!     while let Some(output) = set.join_next().await {
//!         total += output?;
//!     }
//!     total += rt::task::spawn_blocking(|| 10).await?;
//!     Ok::<u32, rt::task::JoinError>(total)
//! })?;
//! assert_eq!(total, 20);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod block_in_place;
mod block_on;
mod blocking;
mod builder;
mod context;
mod current_thread;
mod driver;
mod handle;
mod hooks;
mod id;
mod idle;
mod join_set;
mod local;
mod local_runtime;
mod metrics;
mod park;
mod rescue;
mod runtime;
mod worker;
mod yield_now;

#[cfg(all(test, loom))]
mod loom_tests;

use std::future::Future;

pub use block_in_place::block_in_place;
pub use builder::Builder;
pub use handle::{EnterGuard, Handle, RuntimeFlavor, TryCurrentError};
pub use hooks::TaskMeta;
pub use id::{worker_index, Id as RuntimeId};
pub use join_set::JoinSet;
pub use local::{spawn_local, LocalEnterGuard, LocalSet};
pub use local_runtime::{LocalOptions, LocalRuntime};
pub use metrics::RuntimeMetrics;
pub use rt_task::{id, try_id, AbortHandle, Id, JoinError, JoinHandle};
pub use runtime::Runtime;
pub use yield_now::{yield_now, YieldNow};

/// Spawns a task on the current runtime.
///
/// The task starts running on a worker thread at once, concurrently with
/// the caller (on the current-thread runtime: on the thread in `block_on`,
/// when the caller yields); awaiting the returned [`JoinHandle`] yields its output, or a
/// [`JoinError`] if it panicked or was aborted. Dropping the handle
/// detaches the task: it keeps running.
///
/// # Panics
///
/// Outside a runtime: call it from a task, inside `Runtime::block_on`, or
/// after `Runtime::enter` (or use [`Handle::spawn`] from other threads).
///
/// # Examples
///
/// ```
/// #[rt::main]
/// async fn main() {
///     let task = rt::spawn(async {
///         // Runs on a worker thread.
///         "hello from a task"
///     });
///     assert_eq!(task.await.unwrap(), "hello from a task");
/// }
/// ```
///
/// Many tasks at once, each joined in turn:
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let tasks: Vec<_> = (0..10u64).map(|i| rt::spawn(async move { i * i })).collect();
/// let mut sum = 0;
/// for task in tasks {
///     sum += task.await?;
/// }
/// assert_eq!(sum, 285);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // The panic is outside the closure, so `track_caller` names the caller.
    match context::with_current(|handle| handle.map(|handle| handle.spawn(future))) {
        Some(join) => join,
        None => panic!(
            "`spawn` called outside of an rt runtime: call it from a task, inside \
             `Runtime::block_on`, or use `Handle::spawn` from other threads"
        ),
    }
}

/// Runs a closure that may block on the current runtime's blocking pool,
/// and returns a handle to await its value.
///
/// Workers must not block (a blocked worker runs none of its tasks); a
/// blocking closure goes to a thread of the blocking pool instead, which
/// starts threads as needed up to `max_blocking_threads` (default 512) and
/// queues the rest. Once started, the closure runs to the end: aborting
/// its handle cancels it only if it has not started.
///
/// # Panics
///
/// Outside a runtime (see [`spawn`]).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// # rt::Runtime::new()?.block_on(async {
/// let sum = rt::task::spawn_blocking(|| {
///     std::thread::sleep(Duration::from_millis(10)); // blocks this thread only
///     (1..=100u64).sum::<u64>()
/// })
/// .await?;
/// assert_eq!(sum, 5050);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
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
