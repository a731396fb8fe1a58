//! `LocalRuntime`: a current-thread runtime whose thread also runs `!Send`
//! tasks, with no `LocalSet` for the user to manage.
//!
//! # Design
//!
//! A [`LocalRuntime`] is the two pieces rt already has, joined: a
//! current-thread [`Runtime`] (`current_thread`) and a [`LocalSet`]
//! (`local`) made on the thread that builds it. There is no third
//! scheduler:
//!
//! - `Send` tasks (`rt::spawn`, `Handle::spawn`) are the current-thread
//!   runtime's, run by the thread in `block_on` as on any such runtime;
//! - `!Send` tasks ([`LocalRuntime::spawn_local`], `rt::task::spawn_local`)
//!   are the set's: `block_on(f)` blocks the runtime on
//!   `set.run_until(f)`, so the set's tasks run between the runtime's, on
//!   the same thread.
//!
//! Where `rt::task::spawn_local` finds the set: inside `block_on` the set
//! is entered for the whole call (`LocalSet::enter`), so the runtime's own
//! `Send` tasks reach it too. Elsewhere on the runtime's thread (after
//! [`LocalRuntime::enter`] or `Handle::enter`), the runtime's shared state
//! holds the set's `Send` half (`local::LocalSpawner`), which checks the
//! thread and spawns there; on any other thread it panics, as tokio's does.
//!
//! The set is made with the runtime's task hooks (`hooks`), so that local
//! tasks see `on_task_spawn` and the others as the runtime's own do.
//!
//! The runtime is neither `Send` nor `Sync` (the set is not): it, and so
//! every `!Send` future in it, stays on the thread that built it.
//!
//! # Shutdown
//!
//! The set goes first, inside the runtime's context (a destructor may
//! still spawn, or touch a timer): every `!Send` future is dropped on the
//! runtime's thread. Then the runtime shuts down as a current-thread one
//! does (`runtime`, "Shutdown, in order").

use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::time::Duration;

use rt_task::JoinHandle;

use crate::handle::{EnterGuard, Scheduler};
use crate::{Handle, LocalSet, Runtime, RuntimeMetrics};

/// Settings of a [`LocalRuntime`] beyond the [`Builder`](crate::Builder)'s,
/// given to [`Builder::build_local`](crate::Builder::build_local). None yet:
/// use `LocalOptions::default()`.
///
/// # Examples
///
/// ```
/// use rt::runtime::{Builder, LocalOptions};
///
/// let rt = Builder::new_current_thread()
///     .enable_all()
///     .build_local(LocalOptions::default())?;
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// # std::io::Result::Ok(())
/// ```
#[derive(Default, Debug)]
#[non_exhaustive]
pub struct LocalOptions {
    /// Neither `Send` nor `Sync`, as tokio's (options that hold `!Send`
    /// callbacks may come).
    _not_send: PhantomData<*mut u8>,
}

/// A runtime whose one thread runs `!Send` tasks as well as `Send` ones:
/// [`spawn_local`](crate::spawn_local) works anywhere inside it, with no
/// [`LocalSet`].
///
/// It is a current-thread runtime (tasks run on the thread in
/// [`block_on`](LocalRuntime::block_on)) that stays on the thread that
/// built it: it is neither `Send` nor `Sync`. Build one with
/// [`LocalRuntime::new`], [`Builder::build_local`](crate::Builder::build_local)
/// or `#[rt::main(flavor = "local")]`.
///
/// # Examples
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// let rt = rt::runtime::LocalRuntime::new()?;
/// let log = Rc::new(RefCell::new(Vec::new())); // not Send
/// let out = rt.block_on(async {
///     let l = log.clone();
///     let task = rt::task::spawn_local(async move { l.borrow_mut().push("local") });
///     task.await.unwrap();
///     rt::spawn(async { "send tasks run too" }).await.unwrap()
/// });
/// assert_eq!(out, "send tasks run too");
/// assert_eq!(*log.borrow(), ["local"]);
/// # std::io::Result::Ok(())
/// ```
///
/// It cannot leave its thread:
///
/// ```compile_fail
/// let rt = rt::runtime::LocalRuntime::new().unwrap();
/// std::thread::spawn(move || drop(rt)); // error: `LocalRuntime` is not `Send`
/// ```
pub struct LocalRuntime {
    /// Dropped first (fields drop in order): see "Shutdown".
    local: LocalTasks,
    rt: Runtime,
}

/// The runtime's set, dropped inside the runtime's context.
struct LocalTasks {
    set: Option<LocalSet>,
    handle: Handle,
}

impl Drop for LocalTasks {
    fn drop(&mut self) {
        let _context = crate::context::set_current(&self.handle);
        drop(self.set.take());
    }
}

impl LocalRuntime {
    /// A local runtime with the default settings:
    /// `Builder::new_current_thread().enable_all().build_local(LocalOptions::default())`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::LocalRuntime::new()?;
    /// let here = std::thread::current().id();
    /// let ran_on = rt.block_on(async {
    ///     rt::task::spawn_local(async { std::thread::current().id() }).await.unwrap()
    /// });
    /// assert_eq!(ran_on, here);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new() -> io::Result<LocalRuntime> {
        crate::Builder::new_current_thread()
            .enable_all()
            .build_local(LocalOptions::default())
    }

    /// Joins a current-thread runtime and a new set on this thread.
    pub(crate) fn from_runtime(rt: Runtime) -> LocalRuntime {
        let set = LocalSet::with_hooks(rt.handle().config().task_hooks.clone());
        match &rt.handle().inner {
            Scheduler::CurrentThread(shared) => {
                // A fresh runtime: nothing has set it.
                let _ = shared.local.set(set.spawner());
            }
            Scheduler::MultiThread(_) => unreachable!("`build_local` checks the flavor"),
        }
        LocalRuntime {
            local: LocalTasks {
                set: Some(set),
                handle: rt.handle().clone(),
            },
            rt,
        }
    }

    fn set(&self) -> &LocalSet {
        match &self.local.set {
            Some(set) => set,
            None => unreachable!("the set is taken only by the drop"),
        }
    }

    /// The runtime's handle: spawn `Send` tasks onto it from any thread,
    /// or enter it on this one.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::LocalRuntime::new()?;
    /// let handle = rt.handle().clone();
    /// let task = std::thread::spawn(move || handle.spawn(async { 6 * 7 }))
    ///     .join()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(task)?, 42); // ran on this thread, in `block_on`
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn handle(&self) -> &Handle {
        self.rt.handle()
    }

    /// Spawns a `!Send` future onto the runtime and returns its handle. The
    /// task runs on this thread, inside [`block_on`](LocalRuntime::block_on).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = rt::runtime::LocalRuntime::new()?;
    /// let name = Rc::new("local");
    /// let task = rt.spawn_local(async move { name.len() });
    /// assert_eq!(rt.block_on(task)?, 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.set().spawn_local(future)
    }

    /// Runs `f` on the runtime's blocking pool (see
    /// [`spawn_blocking`](crate::spawn_blocking)).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::LocalRuntime::new()?;
    /// let task = rt.spawn_blocking(|| (1..=10u32).sum::<u32>());
    /// assert_eq!(rt.block_on(task)?, 55);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.rt.spawn_blocking(f)
    }

    /// Runs `future` to completion on this thread, running the runtime's
    /// tasks, `Send` and `!Send`, while it waits. `rt::task::spawn_local`
    /// works anywhere inside.
    ///
    /// # Panics
    ///
    /// As [`Runtime::block_on`]: inside an asynchronous context.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// let rt = rt::runtime::LocalRuntime::new()?;
    /// let hits = Rc::new(Cell::new(0));
    /// rt.block_on(async {
    ///     let tasks: Vec<_> = (0..3)
    ///         .map(|_| {
    ///             let hits = hits.clone();
    ///             rt::task::spawn_local(async move { hits.set(hits.get() + 1) })
    ///         })
    ///         .collect();
    ///     for task in tasks {
    ///         task.await.unwrap();
    ///     }
    /// });
    /// assert_eq!(hits.get(), 3);
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let set = self.set();
        // The set is current for the whole call, so that the runtime's
        // `Send` tasks find it too (module docs).
        let _entered = set.enter();
        self.rt.block_on(set.run_until(future))
    }

    /// Enters the runtime's context on this thread until the guard drops:
    /// `rt::spawn`, `rt::task::spawn_local`, timers and sockets work there
    /// outside async code.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::LocalRuntime::new()?;
    /// let task = {
    ///     let _guard = rt.enter();
    ///     rt::task::spawn_local(async { "spawned under enter" })
    /// };
    /// assert_eq!(rt.block_on(task)?, "spawned under enter");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.rt.enter()
    }

    /// Shuts down, waiting at most `timeout` for running blocking jobs
    /// (see [`Runtime::shutdown_timeout`]). Every task's future, `!Send`
    /// ones included, is dropped on this thread first.
    ///
    /// # Panics
    ///
    /// As [`Runtime::shutdown_timeout`]: with a non-zero timeout, inside an
    /// asynchronous context.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let rt = rt::runtime::LocalRuntime::new()?;
    /// rt.spawn_blocking(|| std::thread::sleep(Duration::from_secs(60)));
    /// let start = Instant::now();
    /// rt.shutdown_timeout(Duration::from_millis(100));
    /// assert!(start.elapsed() < Duration::from_secs(30));
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn shutdown_timeout(self, timeout: Duration) {
        let LocalRuntime { local, rt } = self;
        drop(local);
        rt.shutdown_timeout(timeout);
    }

    /// Shuts down without waiting for anything still running (see
    /// [`Runtime::shutdown_background`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::LocalRuntime::new()?;
    /// rt.spawn_blocking(|| std::thread::sleep(std::time::Duration::from_secs(60)));
    /// rt.shutdown_background(); // returns at once
    /// # std::io::Result::Ok(())
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    /// A view of the runtime's metrics (see [`RuntimeMetrics`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::LocalRuntime::new()?;
    /// assert_eq!(rt.metrics().num_workers(), 1);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        self.rt.metrics()
    }
}

impl fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRuntime")
            .field("handle", self.handle())
            .finish_non_exhaustive()
    }
}
