//! `Runtime`: the worker threads, their shared state, and shutdown.
//!
//! # Shutdown, in order
//!
//! 1. Set the shutdown flag and unpark every worker; each leaves its loop
//!    after its current poll and drops the queue references it holds.
//! 2. Wait for the workers (all of them, or until the deadline of
//!    `shutdown_timeout`; a worker stuck in a poll is then left behind).
//! 3. Close the owner list and shut down every task in it: futures that no
//!    worker is polling are dropped here, so their destructors run even if
//!    no queue or waker held them. Later spawns are cancelled at once.
//! 4. Drop what the injector still holds; shut down the blocking pool
//!    (queued jobs cancelled, running ones awaited until the deadline).

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use rt_task::JoinHandle;

use crate::builder::Config;
use crate::handle::EnterGuard;
use crate::worker::{self, Shared};
use crate::Handle;

/// The rt runtime: worker threads running tasks, a reactor, a blocking pool.
///
/// ```
/// let rt = rt_pool::Runtime::new().unwrap();
/// let answer = rt.block_on(async {
///     let task = rt_pool::spawn(async { 21 * 2 });
///     task.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
pub struct Runtime {
    handle: Handle,
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
    shut_down: bool,
}

impl Runtime {
    /// A runtime with the default settings (see [`Builder`](crate::Builder)).
    ///
    /// # Errors
    /// If the reactor or a thread cannot be created.
    pub fn new() -> io::Result<Runtime> {
        crate::Builder::new_multi_thread().build()
    }

    pub(crate) fn start(config: Config) -> io::Result<Runtime> {
        let reactor = Arc::new(rt_reactor::Reactor::new()?);
        let (shared, locals) = Shared::new(config, reactor);
        let handle = Handle { shared };
        let rt = Runtime {
            handle: handle.clone(),
            threads: Mutex::new(Vec::new()),
            shut_down: false,
        };
        for local in locals {
            let config = &handle.shared.config;
            let mut builder = std::thread::Builder::new().name((config.thread_name)());
            if let Some(size) = config.thread_stack_size {
                builder = builder.stack_size(size);
            }
            let h = handle.clone();
            // On error `rt` is dropped, which stops the threads started so far.
            let thread = builder.spawn(move || worker::run(h, local))?;
            rt.threads.lock().push(thread);
        }
        Ok(rt)
    }

    /// Run `future` to completion on the calling thread; tasks it spawns run
    /// on the workers.
    ///
    /// The future runs without a cooperative budget (`rt_task::coop`): it
    /// is not on a worker, so it keeps no task waiting (tokio budgets it).
    ///
    /// # Panics
    /// On a worker thread of any runtime (it would block a worker).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.handle.block_on(future)
    }

    /// Spawn a task onto the runtime (see [`Handle::spawn`]).
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Run `f` on the blocking pool (see [`Handle::spawn_blocking`]).
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// The runtime's handle.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Enter the runtime's context on this thread (see [`Handle::enter`]).
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shut down, waiting at most `timeout` for workers stuck in a poll and
    /// for running blocking jobs; whatever is still running then is left
    /// behind (its thread is detached).
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shutdown(Some(Instant::now() + timeout));
    }

    /// Shut down without waiting for anything still running.
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    fn shutdown(&mut self, mut deadline: Option<Instant>) {
        if std::mem::replace(&mut self.shut_down, true) {
            return;
        }
        let threads = std::mem::take(&mut *self.threads.lock());
        let shared = &self.handle.shared;
        let on_own_worker = crate::context::with_worker(|w| {
            w.is_some_and(|w| Arc::ptr_eq(&w.handle.shared, shared))
        });
        if on_own_worker {
            // Waiting for ourselves would never end.
            deadline = Some(Instant::now());
        }
        shared.begin_shutdown();
        if shared.wait_workers_exited(deadline) {
            for t in threads {
                let _ = t.join();
            }
        }
        shared.owned.close_and_shutdown_all();
        while let Some(task) = shared.queues.pop_remote() {
            drop(task);
        }
        shared.blocking.shutdown(deadline);
        // A destructor or blocking job may have raced a spawn in.
        shared.owned.close_and_shutdown_all();
        while let Some(task) = shared.queues.pop_remote() {
            drop(task);
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}
