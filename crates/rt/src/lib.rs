//! rt: a multi-threaded, work-stealing async runtime.
//!
//! This crate is the facade: it re-exports the parts, which live in their
//! own crates — `rt-task` (the task and its `JoinHandle`), `rt-scheduler`
//! (queues and the order tasks run in), `rt-pool` (workers, parking, the
//! blocking pool, `Runtime`), `rt-reactor` (the I/O driver and
//! [`io::Async`]), `rt-time` ([`time`]), `rt-io` (the [`io`] traits),
//! `rt-net` ([`net`]) and `rt-macros` (`#[rt::main]`, `#[rt::test]`);
//! `ARCHITECTURE.md` shows how they layer. The names are tokio's, so a
//! tokio user switches by changing imports.
//!
//! Scheduling is cooperative, as in tokio: a task polled by a worker may
//! perform 128 ready operations (socket I/O, timers, joins) per poll, then
//! yields so that the tasks behind it and the reactor get their turn
//! ([`task::coop`]; [`task::unconstrained`] opts out).
//!
//! # Examples
//!
//! ```
//! #[rt::main(worker_threads = 2)]
//! async fn main() {
//!     let task = rt::spawn(async { 40 + 2 });
//!     assert_eq!(task.await.unwrap(), 42);
//! }
//! # fn _call() { main() }
//! ```
#![forbid(unsafe_code)]

pub use rt_macros::{main, test};
pub use rt_net as net;
pub use rt_pool::{spawn, Runtime};

/// Time: sleeping, timeouts and intervals, tokio's `time` API on rt's
/// timer wheel (`rt-time`).
///
/// A [`Sleep`](time::Sleep) completes no earlier than its deadline and
/// usually within a few milliseconds after (the wheel's tick is 1 ms).
/// [`Instant`](time::Instant) and [`Duration`](time::Duration) are
/// `std::time`'s. Timers need a runtime: making one outside a runtime
/// panics, and polling one after its runtime shut down panics.
///
/// # Examples
///
/// ```
/// use rt::time::{interval, sleep, timeout, Duration, Instant};
///
/// # rt::Runtime::new().unwrap().block_on(async {
/// let start = Instant::now();
/// sleep(Duration::from_millis(10)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
///
/// let slow = sleep(Duration::from_secs(3600));
/// assert!(timeout(Duration::from_millis(10), slow).await.is_err());
///
/// let mut ticks = interval(Duration::from_millis(5));
/// let first = ticks.tick().await; // at once
/// let second = ticks.tick().await;
/// assert_eq!(second - first, Duration::from_millis(5));
/// # });
/// ```
pub mod time {
    pub use rt_time::{
        interval, interval_at, sleep, sleep_until, timeout, timeout_at, Duration, Elapsed, Instant,
        Interval, MissedTickBehavior, Sleep, Timeout,
    };

    /// Time's errors: [`Elapsed`](error::Elapsed), returned by a
    /// [`Timeout`] whose deadline passed first.
    pub mod error {
        pub use rt_time::Elapsed;
    }
}

/// Asynchronous I/O: the futures-io traits, their extension traits, and
/// [`Async`](io::Async), which makes any file descriptor awaitable.
///
/// The traits and extensions are `rt-io`'s (futures-io's traits, the ones
/// smol and the runtime-agnostic ecosystem use); `Async` is the reactor's.
pub mod io {
    pub use rt_io::*;
    pub use rt_reactor::Async;
}

/// The runtime, its builder and handle.
pub mod runtime {
    pub use rt_pool::{Builder, EnterGuard, Handle, Runtime, TryCurrentError};
}

/// Tasks: spawning, joining, aborting, yielding, and the cooperative
/// budget.
pub mod task {
    pub use rt_core::coop::{consume_budget, unconstrained, Unconstrained};
    pub use rt_pool::{
        spawn, spawn_blocking, yield_now, AbortHandle, Id, JoinError, JoinHandle, JoinSet, YieldNow,
    };

    /// Cooperative scheduling: each poll of a task on a worker has a budget
    /// of 128 units; sockets, timers and `JoinHandle`s consume one when they
    /// return `Ready`, and with none left they return `Pending` and the task
    /// runs again after the worker's other tasks and a turn of the reactor.
    /// `Runtime::block_on`'s own future is not budgeted. See `rt_core::coop`.
    pub mod coop {
        pub use rt_core::coop::{
            consume_budget, has_budget_remaining, poll_proceed, unconstrained, RestoreOnPending,
            Unconstrained,
        };
    }
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
