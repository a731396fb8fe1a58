//! rt: a multi-threaded, work-stealing async runtime.
//!
//! This crate is the facade: it re-exports the parts, which live in their
//! own crates — `rt-task` (the task and its `JoinHandle`), `rt-scheduler`
//! (queues and the order tasks run in), `rt-pool` (workers, parking, the
//! blocking pool, `Runtime`), `rt-reactor` (I/O, timers, sockets) and
//! `rt-macros` (`#[rt::main]`, `#[rt::test]`). The names are tokio's, so a
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
pub use rt_pool::{spawn, Runtime};
pub use rt_reactor::{io, net, time};

/// The runtime, its builder and handle.
pub mod runtime {
    pub use rt_pool::{Builder, EnterGuard, Handle, Runtime, TryCurrentError};
}

/// Tasks: spawning, joining, aborting, yielding, and the cooperative
/// budget.
pub mod task {
    pub use rt_pool::{
        spawn, spawn_blocking, yield_now, AbortHandle, Id, JoinError, JoinHandle, JoinSet, YieldNow,
    };
    pub use rt_core::coop::{consume_budget, unconstrained, Unconstrained};

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
