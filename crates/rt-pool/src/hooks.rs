//! The `Builder`'s task hooks: user callbacks run when a task is spawned,
//! around each of its polls, and when it terminates.
//!
//! # Cost when unset
//!
//! Each hook is an `Option` in the runtime's `Config` (its shared state),
//! read where the event happens: a spawn reads one, a completion reads one,
//! and a poll reads one — the before- and after-poll hooks share one
//! `Option<Arc<PollHooks>>`, so a runtime built without them pays one
//! predictable branch per poll and allocates nothing per task. The task's
//! id, the only thing a [`TaskMeta`] carries, is read from the task header
//! only when a hook is set.
//!
//! # Where each runs
//!
//! - spawn: on the spawning thread, after the task is made and before it is
//!   queued (so it may run right after the hook returns, never before);
//! - before/after poll: on the thread that polls the task, right before and
//!   right after `Task::run`;
//! - terminate: on the thread where the task ends — the completing poll, or
//!   the one that shuts it down (an abort, the runtime's shutdown) — after
//!   its output is stored and its `JoinHandle` woken, before it leaves the
//!   runtime's owner list.
//!
//! A hook is user code: a panic in it is reported by the panic hook and
//! contained, so the worker (or the shutdown) goes on.
//!
//! The runtime's tasks (`spawn`, `Handle::spawn`) and a `LocalRuntime`'s
//! local tasks (its set holds a copy of the hooks) see them;
//! `spawn_blocking` jobs and the tasks of a user's own `LocalSet` do not.

use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use rt_task::Id;

/// A task hook (`Builder::on_task_spawn` and the others).
pub(crate) type TaskCallback = Arc<dyn Fn(&TaskMeta<'_>) + Send + Sync + 'static>;

/// What a task hook is told about the task.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use rt::runtime::{Builder, TaskMeta};
///
/// let spawned = Arc::new(Mutex::new(Vec::new()));
/// let log = spawned.clone();
/// let rt = Builder::new_current_thread()
///     .on_task_spawn(move |meta: &TaskMeta<'_>| log.lock().unwrap().push(meta.id()))
///     .build()?;
/// let task = rt.spawn(async {});
/// let id = task.id();
/// rt.block_on(task)?;
/// assert_eq!(*spawned.lock().unwrap(), [id]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TaskMeta<'a> {
    id: Id,
    /// The lifetime leaves room for borrowed fields (tokio's has one too).
    _borrow: PhantomData<&'a ()>,
}

impl TaskMeta<'_> {
    pub(crate) fn new(id: Id) -> TaskMeta<'static> {
        TaskMeta {
            id,
            _borrow: PhantomData,
        }
    }

    /// The task's id: the same as its `JoinHandle::id` and, inside the
    /// task, `rt::task::id()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::Arc;
    ///
    /// let polls = Arc::new(AtomicU64::new(0));
    /// let count = polls.clone();
    /// let rt = rt::runtime::Builder::new_current_thread()
    ///     .on_before_task_poll(move |meta| {
    ///         let _id: rt::task::Id = meta.id();
    ///         count.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()?;
    /// rt.block_on(rt.spawn(async {}))?;
    /// assert_eq!(polls.load(Ordering::Relaxed), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }
}

impl std::fmt::Debug for TaskMeta<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskMeta").field("id", &self.id).finish()
    }
}

/// A runtime's task hooks, as its `Config` (and a `LocalRuntime`'s set)
/// holds them.
#[derive(Clone, Default)]
pub(crate) struct TaskHooks {
    pub(crate) spawn: Option<TaskCallback>,
    pub(crate) terminate: Option<TaskCallback>,
    /// Before and after each poll: one `Option` for both (module docs).
    pub(crate) poll: Option<Arc<PollHooks>>,
}

/// The before- and after-poll hooks, behind one `Option` (module docs).
pub(crate) struct PollHooks {
    pub(crate) before: Option<TaskCallback>,
    pub(crate) after: Option<TaskCallback>,
}

/// Runs `hook` for the task `id`, containing a panic (module docs).
pub(crate) fn call(hook: Option<&TaskCallback>, id: Id) {
    if let Some(hook) = hook {
        let _ = catch_unwind(AssertUnwindSafe(|| hook(&TaskMeta::new(id))));
    }
}

/// Runs `task` (`Task::run`), with the poll hooks around it if any are set:
/// the one branch per poll of the module docs.
#[inline]
pub(crate) fn run(hooks: Option<&Arc<PollHooks>>, task: rt_task::Task) {
    match hooks {
        None => task.run(),
        Some(hooks) => {
            let id = task.id();
            call(hooks.before.as_ref(), id);
            task.run();
            call(hooks.after.as_ref(), id);
        }
    }
}
