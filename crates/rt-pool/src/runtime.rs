//! `Runtime`: the worker threads, their shared state, and shutdown.
//!
//! # Shutdown, in order
//!
//! The thread that shuts down enters the runtime's context for the whole
//! sequence, so a destructor that spawns gets a cancelled handle (tokio
//! does the same) rather than a panic.
//!
//! 1. Set the shutdown flag and unpark every worker; each leaves its loop
//!    after its current poll and drops the queue references it holds.
//! 2. Wait for the workers to leave their loops (all of them, or until the
//!    deadline of `shutdown_timeout`; a worker stuck in a poll is then left
//!    behind).
//! 3. Close the injector and drop what it holds: from now on a wake or a
//!    spawn from any thread hands its queue reference back instead of
//!    queuing it, so no reference is left in a queue after this step (it
//!    would keep the runtime alive through the task's handle: a leak).
//! 4. Close the owner list and shut down every task in it: futures that no
//!    worker is polling are dropped here, so their destructors run even if
//!    no queue or waker held them. Later spawns are cancelled at once.
//! 5. Shut the drivers down (`Drivers::shutdown`: the reactor, then the
//!    timers): every task or thread still waiting on a socket or a timer is
//!    woken and gets an error (nothing will drive it again), including a
//!    blocking job waiting on I/O in `block_on`.
//! 6. Shut down the blocking pool (queued jobs cancelled, running ones
//!    awaited until the deadline).
//! 7. Join the worker threads (until the deadline). Last: a worker thread
//!    whose core went to another thread in `block_in_place` is no longer a
//!    worker (step 2 does not wait for it) and may still be in the
//!    closure, waiting on something step 5 ends.
//!
//! The current-thread runtime has no workers (steps 1 and 2) and no
//! injector: its step 3 closes its shared queue and empties the local one
//! (see `current_thread`, "Shutdown").
//!
//! From a thread that drives tasks (a worker, or inside `block_on`) the
//! runtime cannot wait for anything: it shuts down in the background and,
//! except in `shutdown_background`, panics afterwards, as tokio does.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use rt_task::JoinHandle;

use crate::builder::{Config, Flavor};
use crate::handle::{EnterGuard, Scheduler};
use crate::worker::{self, Shared};
use crate::Handle;

/// The rt runtime: worker threads running tasks, a reactor, a blocking pool.
///
/// Dropping it shuts it down (see the module docs for the steps) and waits
/// for its threads. Dropping it on a thread that drives tasks — inside a
/// task or `block_on` — panics, as tokio's does, after shutting it down
/// without waiting; use [`Runtime::shutdown_background`] there. Sockets
/// and timers it leaves behind fail from then on instead of waiting.
///
/// # Examples
///
/// ```
/// let rt = rt::Runtime::new()?;
/// let answer = rt.block_on(async {
///     let task = rt::spawn(async { 21 * 2 });
///     task.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// # std::io::Result::Ok(())
/// ```
///
/// Most programs let `#[rt::main]` build the runtime and block on `main`:
///
/// ```
/// #[rt::main]
/// async fn main() {
///     assert_eq!(rt::spawn(async { 21 * 2 }).await.unwrap(), 42);
/// }
/// ```
pub struct Runtime {
    handle: Handle,
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
    shut_down: bool,
}

impl Runtime {
    /// A runtime with the default settings (see [`Builder`](crate::Builder)):
    /// one worker thread per CPU.
    ///
    /// # Errors
    /// If the reactor or a thread cannot be created.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new() -> io::Result<Runtime> {
        crate::Builder::new_multi_thread().build()
    }

    pub(crate) fn start(config: Config) -> io::Result<Runtime> {
        let drivers = Arc::new(crate::driver::Drivers::new(config.worker_threads)?);
        drivers.configure_clock(&config);
        if config.flavor == Flavor::CurrentThread {
            let shared = crate::current_thread::Shared::new(config, drivers);
            return Ok(Runtime {
                handle: Handle::current_thread(shared),
                threads: Mutex::new(Vec::new()),
                shut_down: false,
            });
        }
        let (shared, locals) = Shared::new(config, drivers);
        let handle = Handle::multi_thread(shared);
        let rt = Runtime {
            handle: handle.clone(),
            threads: Mutex::new(Vec::new()),
            shut_down: false,
        };
        // Shutdown waits for every worker to leave its loop: the ones not
        // started when a spawn fails or panics (`thread_name_fn`, a name
        // with a NUL) are counted as gone. Dropped before `rt`.
        let mut unstarted = Unstarted {
            shared: handle.as_multi_thread().expect("a multi-thread handle"),
            count: locals.len(),
        };
        for local in locals {
            let config = handle.config();
            let mut builder = std::thread::Builder::new().name((config.thread_name)());
            if let Some(size) = config.thread_stack_size {
                builder = builder.stack_size(size);
            }
            let h = handle.clone();
            // On error `rt` is dropped, which stops the threads started so far.
            let thread = builder.spawn(move || worker::run(h, local))?;
            unstarted.count -= 1;
            rt.threads.lock().push(thread);
        }
        Ok(rt)
    }

    /// Run `future` to completion on the calling thread; tasks it spawns run
    /// on the workers (on the current-thread runtime: on this thread, while
    /// the future waits).
    ///
    /// Each poll of the future gets a fresh cooperative budget
    /// (`rt::task::coop`), as a task's does.
    ///
    /// # Panics
    /// On a thread that drives tasks: a worker thread of any runtime, or
    /// inside another `block_on` (see [`Handle::block_on`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = rt::Runtime::new()?;
    /// let output = rt.block_on(async {
    ///     rt::time::sleep(Duration::from_millis(1)).await;
    ///     rt::spawn(async { "done" }).await
    /// })?;
    /// assert_eq!(output, "done");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.handle.block_on(future)
    }

    /// Spawns a task onto the runtime, from any thread (see
    /// [`Handle::spawn`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// // Not inside the runtime: the task still runs on its workers.
    /// let task = rt.spawn(async { "ran on a worker" });
    /// assert_eq!(rt.block_on(task)?, "ran on a worker");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs `f` on the runtime's blocking pool, from any thread (see
    /// [`spawn_blocking`](crate::spawn_blocking)).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// let task = rt.spawn_blocking(|| std::thread::current().name().map(String::from));
    /// assert_eq!(rt.block_on(task)?.as_deref(), Some("rt-worker"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// The runtime's handle: clone it to spawn onto the runtime, or block
    /// on it, from other threads.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// let handle = rt.handle().clone();
    /// let answer = std::thread::spawn(move || handle.block_on(async { 6 * 7 }))
    ///     .join()
    ///     .unwrap();
    /// assert_eq!(answer, 42);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Enters the runtime's context on this thread until the guard drops,
    /// so that [`spawn`](crate::spawn), timers and sockets work outside
    /// async code (see [`Handle::enter`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = rt::Runtime::new()?;
    /// let guard = rt.enter();
    /// let task = rt::spawn(async { 1 }); // no `block_on` needed to spawn
    /// let sleep = rt::time::sleep(Duration::from_millis(1)); // nor to make a timer
    /// drop(guard);
    ///
    /// rt.block_on(sleep);
    /// assert_eq!(rt.block_on(task)?, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shut down, waiting at most `timeout` for workers stuck in a poll and
    /// for running blocking jobs; whatever is still running then is left
    /// behind (its thread is detached). A timeout too large for `Instant`
    /// (`Duration::MAX`) waits without limit.
    ///
    /// # Panics
    /// With a non-zero timeout, on a thread that drives tasks (a worker, or
    /// inside `block_on`), after shutting down without waiting: it would
    /// block that thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let rt = rt::Runtime::new()?;
    /// // A job that would keep a plain drop waiting for a minute.
    /// rt.spawn_blocking(|| std::thread::sleep(Duration::from_secs(60)));
    ///
    /// let start = Instant::now();
    /// rt.shutdown_timeout(Duration::from_millis(100));
    /// assert!(start.elapsed() < Duration::from_secs(30));
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        let deadline = Instant::now().checked_add(timeout);
        self.shutdown_checked(deadline, !timeout.is_zero());
    }

    /// Shuts down without waiting for anything still running. Callable from
    /// anywhere, a task included, where dropping the runtime would panic.
    ///
    /// # Examples
    ///
    /// ```
    /// let inner = rt::Runtime::new()?;
    /// rt::Runtime::new()?.block_on(async move {
    ///     // This thread drives tasks: `drop(inner)` would panic here.
    ///     inner.shutdown_background();
    /// });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    /// `shutdown`, refusing to wait on a thread that drives tasks: there
    /// it shuts down without waiting, then panics if `would_wait`.
    #[track_caller]
    fn shutdown_checked(&mut self, deadline: Option<Instant>, would_wait: bool) {
        if crate::context::in_async_context() {
            let first = !self.shut_down;
            self.shutdown(Some(Instant::now()));
            if first && would_wait && !std::thread::panicking() {
                panic!(
                    "a runtime cannot be dropped, or shut down with a wait, from asynchronous \
                     context (a task or `block_on`): it would block a thread that drives tasks. \
                     Use `Runtime::shutdown_background`, or drop it outside async code"
                );
            }
            return;
        }
        self.shutdown(deadline);
    }

    fn shutdown(&mut self, deadline: Option<Instant>) {
        if std::mem::replace(&mut self.shut_down, true) {
            return;
        }
        let threads = std::mem::take(&mut *self.threads.lock());
        // Destructors run below may spawn: they get a cancelled task.
        let _context = crate::context::set_current(&self.handle);
        let shared = match &self.handle.inner {
            Scheduler::MultiThread(shared) => shared,
            Scheduler::CurrentThread(shared) => {
                shared.shutdown(deadline);
                return;
            }
        };
        shared.begin_shutdown();
        let exited = shared.wait_workers_exited(deadline);
        drop(shared.queues.close_remote());
        shared.owned.close_and_shutdown_all();
        shared.drivers.shutdown();
        shared.blocking.shutdown(deadline);
        // Last, once the drivers are down: a worker thread that gave its
        // core away in `block_in_place` may still be inside the closure
        // (waiting on a timer, say) and finishes only now.
        if exited {
            // Every thread finishes at once unless one is inside
            // `block_in_place`'s closure: only then does the deadline apply.
            join_until(threads, deadline.filter(|_| shared.any_core_away()));
        }
        // A blocking job may have spawned in the meantime: it was
        // cancelled at once (the list is closed); nothing is queued.
        debug_assert!(shared.queues.close_remote().is_empty());
    }
}

/// Workers of a starting runtime whose threads were not spawned: counted
/// as exited when dropped (see `Runtime::start`).
struct Unstarted<'a> {
    shared: &'a Shared,
    count: usize,
}

impl Drop for Unstarted<'_> {
    fn drop(&mut self) {
        self.shared.workers_not_started(self.count);
    }
}

/// Join `threads`, leaving behind (detached) those still running at
/// `deadline`.
fn join_until(threads: Vec<std::thread::JoinHandle<()>>, deadline: Option<Instant>) {
    for t in threads {
        if let Some(d) = deadline {
            while !t.is_finished() && Instant::now() < d {
                std::thread::sleep(Duration::from_millis(1));
            }
            if !t.is_finished() {
                continue;
            }
        }
        let _ = t.join();
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown_checked(None, true);
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}
