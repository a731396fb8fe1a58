//! `Handle`: a cloneable reference to a running runtime.

use rt_core::loom::Arc;
use std::future::Future;

use rt_task::{JoinHandle, Schedule, Task};

use crate::blocking::BlockingPool;
use crate::builder::Config;
use crate::context;
use crate::current_thread;
use crate::driver::Drivers;
use crate::worker::{Origin, Shared};

/// A handle to a runtime: spawn onto it, or block on it, from any thread.
///
/// Get one with [`Handle::current`] inside the runtime, or
/// [`Runtime::handle`](crate::Runtime::handle) outside it. Cloning is cheap
/// (one reference count). A handle may outlive its runtime; spawning
/// through it then gives a task that is cancelled at once.
///
/// # Examples
///
/// ```
/// use rt::runtime::Handle;
///
/// let rt = rt::Runtime::new()?;
/// let handle: Handle = rt.handle().clone();
///
/// // A thread that is not the runtime's spawns onto it and waits for the task.
/// let answer = std::thread::spawn(move || {
///     let task = handle.spawn(async { 6 * 7 });
///     handle.block_on(task)
/// })
/// .join()
/// .unwrap()?;
/// assert_eq!(answer, 42);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: Scheduler,
}

/// The runtime a [`Handle`] points at, by flavor.
#[derive(Clone, Debug)]
pub(crate) enum Scheduler {
    /// Worker threads (`worker`).
    MultiThread(Arc<Shared>),
    /// The `block_on` thread runs the tasks (`current_thread`).
    CurrentThread(Arc<current_thread::Shared>),
}

impl Handle {
    pub(crate) fn multi_thread(shared: Arc<Shared>) -> Handle {
        Handle {
            inner: Scheduler::MultiThread(shared),
        }
    }

    pub(crate) fn current_thread(shared: Arc<current_thread::Shared>) -> Handle {
        Handle {
            inner: Scheduler::CurrentThread(shared),
        }
    }

    /// Whether `self` and `other` point at the same runtime.
    pub(crate) fn same_runtime(&self, other: &Handle) -> bool {
        match (&self.inner, &other.inner) {
            (Scheduler::MultiThread(a), Scheduler::MultiThread(b)) => Arc::ptr_eq(a, b),
            (Scheduler::CurrentThread(a), Scheduler::CurrentThread(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// The multi-thread runtime's shared state, if this is one.
    pub(crate) fn as_multi_thread(&self) -> Option<&Arc<Shared>> {
        match &self.inner {
            Scheduler::MultiThread(shared) => Some(shared),
            Scheduler::CurrentThread(_) => None,
        }
    }

    /// The set of the `LocalRuntime` this handle points at, if it is one.
    pub(crate) fn local_spawner(&self) -> Option<crate::local::LocalSpawner> {
        match &self.inner {
            Scheduler::CurrentThread(s) => s.local.get().cloned(),
            Scheduler::MultiThread(_) => None,
        }
    }

    /// The settings the runtime was built with.
    pub(crate) fn config(&self) -> &Config {
        match &self.inner {
            Scheduler::MultiThread(s) => &s.config,
            Scheduler::CurrentThread(s) => &s.config,
        }
    }

    /// The runtime's I/O and timer drivers.
    pub(crate) fn drivers(&self) -> &Drivers {
        match &self.inner {
            Scheduler::MultiThread(s) => &s.drivers,
            Scheduler::CurrentThread(s) => &s.drivers,
        }
    }

    pub(crate) fn blocking(&self) -> &BlockingPool {
        match &self.inner {
            Scheduler::MultiThread(s) => &s.blocking,
            Scheduler::CurrentThread(s) => &s.blocking,
        }
    }

    pub(crate) fn owned(&self) -> &rt_task::OwnedTasks {
        match &self.inner {
            Scheduler::MultiThread(s) => &s.owned,
            Scheduler::CurrentThread(s) => &s.owned,
        }
    }

    /// The handle of the runtime this thread is in.
    ///
    /// # Panics
    /// Outside a runtime (neither a runtime thread nor inside `block_on` or
    /// `Runtime::enter`); [`Handle::try_current`] does not panic.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::runtime::Handle;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let handle = Handle::current();
    /// // A blocking-pool thread cannot `.await`, but can reach the runtime:
    /// let answer = rt::task::spawn_blocking(move || {
    ///     handle.block_on(async { rt::spawn(async { 6 * 7 }).await })
    /// })
    /// .await??;
    /// assert_eq!(answer, 42);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        match context::current() {
            Some(h) => h,
            None => panic!(
                "there is no rt runtime running: this must be called from the context of an rt \
                 runtime (a task, `Runtime::block_on`, or after `Runtime::enter`)"
            ),
        }
    }

    /// The handle of the runtime this thread is in, or an error outside one.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::runtime::Handle;
    ///
    /// assert!(Handle::try_current().is_err()); // no runtime on this thread
    ///
    /// let rt = rt::Runtime::new()?;
    /// rt.block_on(async {
    ///     assert!(Handle::try_current().is_ok());
    /// });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::current().ok_or(TryCurrentError(()))
    }

    /// Spawns a task onto this runtime, from any thread. From a worker of
    /// this runtime the task goes to that worker's queue; from any other
    /// thread, to the global injector. On a current-thread runtime it runs
    /// on the thread in `block_on` (at the next `block_on` if none is).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// let handle = rt.handle().clone();
    /// let task = std::thread::spawn(move || handle.spawn(async { 40 + 2 }))
    ///     .join()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(task)?, 42);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, join) = self.owned().bind(future, self.clone());
        if let Some(task) = task {
            // Before it is queued: the task cannot run before its hook.
            crate::hooks::call(self.config().task_hooks.spawn.as_ref(), join.id());
            match &self.inner {
                Scheduler::MultiThread(s) => s.schedule_task(task, Origin::Spawn),
                Scheduler::CurrentThread(s) => current_thread::spawn(s, task),
            }
        }
        join
    }

    /// Runs `f` on this runtime's blocking pool, from any thread; await its
    /// value through the returned handle (see
    /// [`spawn_blocking`](crate::spawn_blocking)).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// let handle = rt.handle();
    /// let task = handle.spawn_blocking(|| std::fs::metadata(".").map(|m| m.is_dir()));
    /// assert!(handle.block_on(task)??);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.blocking().spawn(self, f)
    }

    /// Run `future` on the calling thread, inside this runtime's context.
    ///
    /// If the runtime has shut down, timers fail (panic, as tokio's do) and
    /// I/O fails with an error instead of waiting for a reactor that
    /// nothing drives any more.
    ///
    /// # Panics
    /// On a thread that drives asynchronous tasks: a worker thread of any
    /// runtime, or inside another `block_on` (it would block them; the
    /// inner call would also take the outer one's wake-ups).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = rt::Runtime::new()?;
    /// let handle = rt.handle().clone();
    /// std::thread::spawn(move || {
    ///     // Inside the future, timers, sockets and `spawn` work as they do
    ///     // in the runtime (the future is made inside the async block: made
    ///     // before `block_on` enters the runtime, a timer would panic).
    ///     handle.block_on(async {
    ///         rt::time::sleep(Duration::from_millis(1)).await;
    ///         rt::spawn(async { 1 }).await
    ///     })
    /// })
    /// .join()
    /// .unwrap()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let Some(_blocking) = context::enter_block_on() else {
            panic!(
                "Cannot start a runtime from within a runtime: `block_on` was called on a thread \
                 that is driving asynchronous tasks. Use `.await` or `spawn_blocking` instead."
            );
        };
        let _guard = context::set_current(self);
        match &self.inner {
            Scheduler::MultiThread(_) => crate::block_on::block_on(future),
            Scheduler::CurrentThread(s) => current_thread::block_on(s, future),
        }
    }

    /// Enters this runtime's context on the calling thread until the guard
    /// drops, so that `spawn`, `Handle::current`, timers and sockets work
    /// there without `block_on`.
    ///
    /// # Panics
    ///
    /// When guards of one thread are dropped in another order than they
    /// were made.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::runtime::Handle;
    ///
    /// let rt = rt::Runtime::new()?;
    /// let handle = rt.handle().clone();
    /// std::thread::spawn(move || {
    ///     let _guard = handle.enter();
    ///     // This thread is not the runtime's, yet `rt::spawn` finds it.
    ///     let _task = rt::spawn(async {});
    ///     assert!(Handle::try_current().is_ok());
    /// })
    /// .join()
    /// .unwrap();
    /// # std::io::Result::Ok(())
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _guard: context::set_current(self),
            _handle: std::marker::PhantomData,
        }
    }

    /// Which scheduler the runtime runs its tasks with.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::runtime::{Builder, RuntimeFlavor};
    ///
    /// let rt = Builder::new_current_thread().build()?;
    /// assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
    /// let rt = Builder::new_multi_thread().build()?;
    /// assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        match self.inner {
            Scheduler::MultiThread(_) => RuntimeFlavor::MultiThread,
            Scheduler::CurrentThread(_) => RuntimeFlavor::CurrentThread,
        }
    }

    /// How many worker threads the runtime has (1 on the current-thread
    /// runtime: the thread in `block_on`).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::runtime::Builder::new_multi_thread().worker_threads(3).build()?;
    /// assert_eq!(rt.handle().num_workers(), 3);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn num_workers(&self) -> usize {
        self.config().worker_threads
    }

    /// How many tasks are alive (spawned and not yet completed).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt::Runtime::new()?;
    /// assert_eq!(rt.handle().num_alive_tasks(), 0);
    /// let _task = rt.spawn(std::future::pending::<()>());
    /// assert_eq!(rt.handle().num_alive_tasks(), 1);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.owned().len()
    }
}

impl Schedule for Handle {
    fn schedule(&self, task: Task, yielded: bool) {
        match &self.inner {
            Scheduler::MultiThread(s) => {
                let origin = if yielded { Origin::Yield } else { Origin::Wake };
                s.schedule_task(task, origin);
            }
            Scheduler::CurrentThread(s) => current_thread::schedule(s, task),
        }
    }

    unsafe fn schedule_owned(this: *const Self, task: Task, yielded: bool) -> Result<(), Task> {
        // SAFETY: the caller promises `task` holds a count of the cell that
        // stores `*this`, so `*this` is alive here, while `task` is still
        // ours; this is the only read of it. What goes on is the address of
        // the runtime's shared state (its own allocation, not the cell's),
        // which the callees compare with this thread's context and never
        // dereference: they use the context's own handle, which keeps that
        // state alive after the push.
        let shared = unsafe { &(*this).inner };
        match shared {
            Scheduler::MultiThread(s) => {
                let origin = if yielded { Origin::Yield } else { Origin::Wake };
                Shared::schedule_owned(&**s, task, origin)
            }
            Scheduler::CurrentThread(s) => current_thread::schedule_owned(&**s, task),
        }
    }

    fn release(&self, task: &Task) -> Option<Task> {
        // Called once per task, as it terminates (`rt-task`'s `complete`).
        crate::hooks::call(self.config().task_hooks.terminate.as_ref(), task.id());
        self.owned().remove(task)
    }
}

// As tokio's `Handle`: a panic that unwinds past a handle leaves the
// runtime usable (its shared state is guarded against unwinding user code),
// so the handle may cross `catch_unwind`.
impl std::panic::UnwindSafe for Handle {}
impl std::panic::RefUnwindSafe for Handle {}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("flavor", &self.config().flavor)
            .field("workers", &self.config().worker_threads)
            .finish_non_exhaustive()
    }
}

/// The runtime context entered by [`Handle::enter`] or
/// [`Runtime::enter`](crate::Runtime::enter); leaves it when dropped.
///
/// Guards of one thread must be dropped in the reverse order of their
/// making (dropping them out of order panics).
///
/// # Examples
///
/// ```
/// use rt::runtime::{EnterGuard, Handle};
///
/// let rt = rt::Runtime::new()?;
/// {
///     let _guard: EnterGuard<'_> = rt.enter();
///     assert!(Handle::try_current().is_ok());
/// }
/// assert!(Handle::try_current().is_err()); // left with the guard
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct EnterGuard<'a> {
    _guard: context::SetCurrentGuard,
    _handle: std::marker::PhantomData<&'a Handle>,
}

/// The scheduler of a runtime ([`Handle::runtime_flavor`]).
///
/// # Examples
///
/// ```
/// use rt::runtime::{Handle, RuntimeFlavor};
///
/// #[rt::main(flavor = "current_thread")]
/// async fn main() {
///     assert_eq!(Handle::current().runtime_flavor(), RuntimeFlavor::CurrentThread);
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// `Builder::new_current_thread`: the thread in `block_on` runs the
    /// tasks.
    CurrentThread,
    /// `Builder::new_multi_thread`: worker threads run the tasks.
    MultiThread,
}

/// [`Handle::try_current`] was called outside a runtime.
///
/// # Examples
///
/// ```
/// use rt::runtime::{Handle, TryCurrentError};
///
/// let err: TryCurrentError = Handle::try_current().unwrap_err();
/// assert_eq!(err.to_string(), "there is no rt runtime running on this thread");
/// ```
#[derive(Debug)]
pub struct TryCurrentError(());

impl std::fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("there is no rt runtime running on this thread")
    }
}

impl std::error::Error for TryCurrentError {}
