//! `Handle`: a cloneable reference to a running runtime.

use rt_core::loom::Arc;
use std::future::Future;

use rt_task::{JoinHandle, Schedule, Task};

use crate::context;
use crate::worker::{Origin, Shared};

/// A handle to a runtime: spawn onto it, or block on it, from any thread.
///
/// Cloning is cheap (one reference count). A handle may outlive its
/// runtime; spawning through it then gives a task that is cancelled at once.
#[derive(Clone)]
pub struct Handle {
    pub(crate) shared: Arc<Shared>,
}

impl Handle {
    /// The handle of the runtime this thread is in.
    ///
    /// # Panics
    /// Outside a runtime (neither a runtime thread nor inside `block_on` or
    /// `Runtime::enter`).
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
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::current().ok_or(TryCurrentError(()))
    }

    /// Spawn a task onto this runtime. From a worker of this runtime the
    /// task goes to that worker's queue; from any other thread, to the
    /// global injector.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, join) = self.shared.owned.bind(future, self.clone());
        if let Some(task) = task {
            self.schedule_task(task, Origin::Spawn);
        }
        join
    }

    /// Run `f` on the blocking pool; await its value through the handle.
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.shared.blocking.spawn(self, f)
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
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let Some(_blocking) = context::enter_block_on() else {
            panic!(
                "Cannot start a runtime from within a runtime: `block_on` was called on a thread \
                 that is driving asynchronous tasks. Use `.await` or `spawn_blocking` instead."
            );
        };
        let _guard = context::set_current(self);
        crate::block_on::block_on(future)
    }

    /// Enter this runtime's context on the calling thread until the guard
    /// drops, so `spawn` and `Handle::current` work there.
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _guard: context::set_current(self),
            _handle: std::marker::PhantomData,
        }
    }

    /// How many worker threads the runtime has.
    pub fn num_workers(&self) -> usize {
        self.shared.config.worker_threads
    }

    /// How many tasks are alive (spawned and not yet completed).
    pub fn num_alive_tasks(&self) -> usize {
        self.shared.owned.len()
    }
}

impl Schedule for Handle {
    fn schedule(&self, task: Task, yielded: bool) {
        let origin = if yielded { Origin::Yield } else { Origin::Wake };
        self.schedule_task(task, origin);
    }

    fn release(&self, task: &Task) -> Option<Task> {
        self.shared.owned.remove(task)
    }
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("workers", &self.shared.config.worker_threads)
            .finish_non_exhaustive()
    }
}

/// The runtime context entered by [`Handle::enter`] or
/// [`Runtime::enter`](crate::Runtime::enter); leaves it when dropped.
#[derive(Debug)]
pub struct EnterGuard<'a> {
    _guard: context::SetCurrentGuard,
    _handle: std::marker::PhantomData<&'a Handle>,
}

/// [`Handle::try_current`] was called outside a runtime.
#[derive(Debug)]
pub struct TryCurrentError(());

impl std::fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("there is no rt runtime running on this thread")
    }
}

impl std::error::Error for TryCurrentError {}
