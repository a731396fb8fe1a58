//! `LocalSet`: tasks whose futures are not `Send`, run on the one thread
//! that drives the set.
//!
//! # Design
//!
//! A [`LocalSet`] is not `Send`, so the thread that creates it is the only
//! one that ever spawns into it, polls it or drops it: that thread is the
//! set's *owner*. Its tasks are ordinary `rt-task` tasks (one allocation
//! each), made with `OwnedTasks::bind_local`, whose scheduler is the set's
//! [`Scheduler`] (`Arc<Shared>`).
//!
//! Where things live:
//!
//! - `LocalContext` (behind an `Rc`, owner only): the *local* run queue, a
//!   `RefCell<VecDeque<Task>>`, and `ticking`, whether the owner is inside
//!   the set's run loop right now;
//! - `Shared` (behind an `Arc`, any thread): the owner's `ThreadId`, the
//!   *remote* run queue (`Mutex<Option<VecDeque<Task>>>`, `None` once the
//!   set is dropped), the owner list of every live task, and the waker of
//!   whatever drives the set (the `run_until` future, or the set polled as
//!   a future);
//! - the thread-local `CURRENT`: the context of the set the owner is
//!   running (inside `run_until` and `poll`) or has entered
//!   ([`LocalSet::enter`]); [`spawn_local`] spawns there.
//!
//! # Waking
//!
//! `Schedule::schedule` (a wake, an abort, a spawn) checks `CURRENT`:
//!
//! 1. if it is this set's context (so the caller is the owner), the task
//!    goes to the back of the local queue, with no lock; if the owner is
//!    not inside the run loop (`ticking` is false: a wake under
//!    [`LocalSet::enter`], or a spawn through `&LocalSet` before the set
//!    runs), the driver's waker is woken too, so a set waiting as a future
//!    comes back for it;
//! 2. otherwise (another thread, or the owner running another set), the
//!    task goes to the back of the remote queue under its lock, and then
//!    the driver's waker is woken. A closed remote queue (the set is gone)
//!    refuses the task, whose reference is dropped where it is: the future
//!    was already dropped by the set's drop (below).
//!
//! No wake is lost: the driver registers its waker *before* it takes
//! tasks, and a remote wake queues the task *before* it wakes; a pop that
//! missed the task was ordered before the push by the queue's lock, so the
//! wake comes after the registration (`AtomicWaker`'s register/wake
//! pairing). This is the whole remote protocol — a locked queue and an
//! `AtomicWaker` — so it has no loom model of its own.
//!
//! # Running
//!
//! One *tick* runs at most [`MAX_TASKS_PER_TICK`] tasks, each with a fresh
//! cooperative budget (`rt_core::coop::budget`). It takes the local queue
//! first and the remote queue when the local one is empty, except every
//! [`REMOTE_FIRST_INTERVAL`]th task, taken from the remote queue first, so
//! a busy local queue cannot starve the wakes from other threads. A set
//! whose tick ended with tasks left wakes its own driver and returns
//! `Pending`: it yields to the executor that polls it.
//!
//! # Drop: every future dropped on the owner
//!
//! A task's future is not `Send`; it must be polled and dropped on the
//! owner only. Its `Task` references are run only by the tick (owner).
//! Wakers and `AbortHandle`s may be on any thread, but they only queue the
//! task. Dropping the set (owner, with the set current, so a destructor
//! may still call [`spawn_local`]):
//!
//! 1. closes the remote queue (later remote wakes drop their reference);
//! 2. closes the owner list and shuts down every task in it: each future
//!    is dropped here (a task spawned by a destructor meanwhile is
//!    cancelled at once, as is a spawn after this);
//! 3. drops the queued references, whose futures are gone.
//!
//! Until step 2 the owner list holds a reference to every live task, so a
//! reference released on another thread is never the last one of a task
//! that still has its future.
//!
//! # Examples
//!
//! ```
//! use std::rc::Rc;
//! use rt::task::LocalSet;
//!
//! let rt = rt::Runtime::new()?;
//! let local = LocalSet::new();
//! let shared = Rc::new(5); // not Send: rt::spawn would refuse it
//! let out = local.block_on(&rt, async move {
//!     let task = rt::task::spawn_local(async move { *shared * 2 });
//!     task.await.unwrap()
//! });
//! assert_eq!(out, 10);
//! # std::io::Result::Ok(())
//! ```

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll};
use std::thread::{self, ThreadId};

use rt_core::loom::AtomicWaker;
use rt_core::loom::{Arc, Mutex};
use rt_task::{JoinHandle, OwnedTasks, Schedule, Task};

use crate::hooks::TaskHooks;
use crate::Runtime;

/// Tasks one tick runs at most before the set yields to its executor
/// (tokio's figure for its local scheduler).
const MAX_TASKS_PER_TICK: u32 = 61;

/// Every this many tasks the remote queue is looked at first (tokio's).
const REMOTE_FIRST_INTERVAL: u32 = 31;

rt_core::loom::thread_local! {
    /// The set this thread runs or has entered (see the module docs).
    static CURRENT: RefCell<Option<Rc<LocalContext>>> = const { RefCell::new(None) };
}

/// A set of tasks that run on the current thread, for futures that are
/// not `Send`.
///
/// Spawn into it with [`spawn_local`](LocalSet::spawn_local), or with
/// [`rt::task::spawn_local`](spawn_local) from anything the set runs. Its
/// tasks run only while the set is driven: by [`run_until`], by
/// [`block_on`], or by awaiting the set itself, which completes once every
/// task in it has completed. They are woken from any thread. Dropping the
/// set drops every task's future, on this thread.
///
/// [`run_until`]: LocalSet::run_until
/// [`block_on`]: LocalSet::block_on
///
/// # Examples
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use rt::task::LocalSet;
///
/// # rt::Runtime::new()?.block_on(async {
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let local = LocalSet::new();
/// for i in 0..3 {
///     let log = log.clone();
///     local.spawn_local(async move { log.borrow_mut().push(i) });
/// }
/// local.await; // runs the three tasks to completion
/// assert_eq!(*log.borrow(), [0, 1, 2]);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct LocalSet {
    /// How many tasks this set has taken from its queues (for
    /// `REMOTE_FIRST_INTERVAL`).
    tick: Cell<u32>,
    /// An `Rc`: the set is neither `Send` nor `Sync`, which is what keeps
    /// it, and every spawn into it, on the owner.
    context: Rc<LocalContext>,
}

/// The owner's half of a set (see the module docs).
struct LocalContext {
    shared: Arc<Shared>,
    /// The local run queue: never borrowed across a task's poll.
    queue: RefCell<VecDeque<Task>>,
    /// Whether the owner is inside this set's run loop, which takes every
    /// queued task before it returns: a local wake then needs no wake of
    /// the driver.
    ticking: Cell<bool>,
}

/// The half of a set every thread may reach, through the tasks' wakers.
struct Shared {
    owner: ThreadId,
    /// `None` once the set is dropped (the queue's closed state).
    remote: Mutex<Option<VecDeque<Task>>>,
    /// Every live task, so the drop can reach futures no queue holds.
    owned: OwnedTasks,
    /// Whatever drives the set: woken when a task is queued for it.
    waker: AtomicWaker,
    /// A `LocalRuntime`'s task hooks (none for a user's own set).
    hooks: TaskHooks,
}

/// A set's tasks' scheduler: where their wakes queue them.
#[derive(Clone)]
struct Scheduler(Arc<Shared>);

impl LocalSet {
    /// A new, empty set, owned by the calling thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let local = rt::task::LocalSet::new();
    /// let rt = rt::Runtime::new()?;
    /// assert_eq!(local.block_on(&rt, async { 1 }), 1);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new() -> LocalSet {
        LocalSet::with_hooks(TaskHooks::default())
    }

    /// A new set whose tasks call `hooks` (a `LocalRuntime`'s).
    pub(crate) fn with_hooks(hooks: TaskHooks) -> LocalSet {
        LocalSet {
            tick: Cell::new(0),
            context: Rc::new(LocalContext {
                shared: Arc::new(Shared {
                    owner: thread::current().id(),
                    remote: Mutex::new(Some(VecDeque::new())),
                    owned: OwnedTasks::new(),
                    waker: AtomicWaker::new(),
                    hooks,
                }),
                queue: RefCell::new(VecDeque::new()),
                ticking: Cell::new(false),
            }),
        }
    }

    /// Makes this set the target of [`rt::task::spawn_local`](spawn_local)
    /// on this thread until the guard is dropped (the set does not run
    /// meanwhile: tasks spawned wait for it to be driven).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::task::LocalSet;
    ///
    /// let rt = rt::Runtime::new()?;
    /// let local = LocalSet::new();
    /// let task = {
    ///     let _guard = local.enter();
    ///     rt::task::spawn_local(async { "spawned under enter" })
    /// };
    /// assert_eq!(local.block_on(&rt, task).unwrap(), "spawned under enter");
    /// # std::io::Result::Ok(())
    /// ```
    pub fn enter(&self) -> LocalEnterGuard {
        LocalEnterGuard {
            previous: set_current(Some(self.context.clone())),
        }
    }

    /// Spawns `future` into this set and returns its handle. The task runs
    /// when the set is driven ([`run_until`](LocalSet::run_until),
    /// [`block_on`](LocalSet::block_on), or awaiting the set), on this
    /// thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = rt::Runtime::new()?;
    /// let local = rt::task::LocalSet::new();
    /// let name = Rc::new("local");
    /// let task = local.spawn_local(async move { name.len() });
    /// assert_eq!(local.block_on(&rt, task).unwrap(), 5);
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.context.spawn(future)
    }

    /// Runs `future` to completion on `rt`, driving this set's tasks
    /// meanwhile: `rt.block_on(self.run_until(future))`. Tasks still
    /// pending when `future` completes stay in the set.
    ///
    /// # Panics
    ///
    /// As [`Runtime::block_on`]: inside an asynchronous context.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = rt::Runtime::new()?;
    /// let local = rt::task::LocalSet::new();
    /// let out = local.block_on(&rt, async {
    ///     let value = Rc::new(3);
    ///     let task = rt::task::spawn_local(async move { *value + 1 });
    ///     task.await.unwrap()
    /// });
    /// assert_eq!(out, 4);
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &Runtime, future: F) -> F::Output {
        rt.block_on(self.run_until(future))
    }

    /// Drives this set's tasks until `future` completes, and returns its
    /// output. `future` itself runs inside the set (it may call
    /// [`rt::task::spawn_local`](spawn_local)); tasks still pending when it
    /// completes stay in the set, to run when it is driven again.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::task::LocalSet;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let local = LocalSet::new();
    /// let forever = local.spawn_local(std::future::pending::<()>());
    /// let out = local
    ///     .run_until(async { rt::task::spawn_local(async { 7 }).await.unwrap() })
    ///     .await;
    /// assert_eq!(out, 7);
    /// assert!(!forever.is_finished()); // still in the set
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        poll_fn(|cx| {
            // Register before taking tasks (see "Waking").
            self.context.shared.waker.register(cx.waker());
            self.with(|| {
                let polled = rt_core::coop::budget(|| future.as_mut().poll(cx));
                if polled.is_ready() {
                    return polled;
                }
                if self.tick() {
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            })
        })
        .await
    }

    /// The set's `Send` half, for a `LocalRuntime`'s handle.
    pub(crate) fn spawner(&self) -> LocalSpawner {
        LocalSpawner(self.context.shared.clone())
    }

    /// Runs one tick (see the module docs). Returns whether tasks may be
    /// left: the tick stopped at its limit, not on empty queues.
    fn tick(&self) -> bool {
        for _ in 0..MAX_TASKS_PER_TICK {
            match self.next_task() {
                Some(task) => {
                    let poll_hooks = self.context.shared.hooks.poll.as_ref();
                    rt_core::coop::budget(|| crate::hooks::run(poll_hooks, task));
                }
                None => return false,
            }
        }
        true
    }

    fn next_task(&self) -> Option<Task> {
        let tick = self.tick.get();
        self.tick.set(tick.wrapping_add(1));
        let local = || self.context.queue.borrow_mut().pop_front();
        let remote = || {
            self.context
                .shared
                .remote
                .lock()
                .as_mut()
                .and_then(VecDeque::pop_front)
        };
        if tick.is_multiple_of(REMOTE_FIRST_INTERVAL) {
            remote().or_else(local)
        } else {
            local().or_else(remote)
        }
    }

    /// Runs `f` with this set current and `ticking` (restored on unwind).
    fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Reset<'a> {
            context: &'a LocalContext,
            ticking: bool,
            previous: Option<Option<Rc<LocalContext>>>,
        }
        impl Drop for Reset<'_> {
            fn drop(&mut self) {
                self.context.ticking.set(self.ticking);
                if let Some(previous) = self.previous.take() {
                    set_current(previous);
                }
            }
        }
        let _reset = Reset {
            context: &self.context,
            ticking: self.context.ticking.replace(true),
            previous: set_current(Some(self.context.clone())),
        };
        f()
    }
}

impl LocalContext {
    #[track_caller]
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        debug_assert_eq!(self.shared.owner, thread::current().id());
        // SAFETY: this is the owner: a `LocalContext` is reached only
        // through an `Rc` (the `LocalSet`, its enter guard, `CURRENT`), and
        // none of these leaves the thread that made the set.
        unsafe { spawn_on_owner(&self.shared, future) }
    }
}

/// Spawns `future` into the set whose shared half is `shared`.
///
/// # Safety
/// The caller is on the set's owner thread (`shared.owner`).
#[track_caller]
unsafe fn spawn_on_owner<F>(shared: &Arc<Shared>, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let scheduler = Scheduler(shared.clone());
    // SAFETY: `bind_local`'s promises, kept by this module:
    // - this call is on the owner (this function's own contract);
    // - the task's `Task`s are run only by `LocalSet::tick` and shut down
    //   only by `close_and_shutdown_all` in `LocalSet::drop`, both reached
    //   through `&LocalSet` (owner: the set is neither `Send` nor `Sync`);
    //   `Scheduler::schedule` puts them only in this set's queues, which
    //   only those two pop;
    // - the list's references are given up by `Schedule::release`, called
    //   by the completing poll (owner, in `tick`) or by the shutdown in
    //   `LocalSet::drop` (owner), which runs before the list can be dropped
    //   (the list is in `Shared`, kept alive by the set until then; a
    //   `LocalSpawner` that outlives the set finds the list closed, and
    //   `bind_local` then drops the future here, on the owner).
    let (task, handle) = unsafe { shared.owned.bind_local(future, scheduler.clone()) };
    if let Some(task) = task {
        crate::hooks::call(shared.hooks.spawn.as_ref(), handle.id());
        scheduler.schedule(task, false);
    }
    handle
}

/// What a `LocalRuntime`'s handle keeps of the runtime's set, so that
/// [`spawn_local`] reaches the set wherever the runtime is current on the
/// set's thread: under `Handle::enter`, or in a `Send` task the runtime
/// runs. `Send` and `Sync`: it only checks the thread before it spawns.
#[derive(Clone)]
pub(crate) struct LocalSpawner(Arc<Shared>);

impl LocalSpawner {
    /// Spawns `future` into the set.
    ///
    /// # Panics
    /// On any thread but the set's (the `LocalRuntime`'s) own.
    #[track_caller]
    pub(crate) fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        assert!(
            self.0.owner == thread::current().id(),
            "Local tasks can only be spawned on a LocalRuntime from the thread the runtime was \
             created on"
        );
        // SAFETY: checked just above: this thread is the set's owner.
        unsafe { spawn_on_owner(&self.0, future) }
    }
}

impl fmt::Debug for LocalSpawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSpawner").finish_non_exhaustive()
    }
}

impl Schedule for Scheduler {
    fn schedule(&self, task: Task, _yielded: bool) {
        // 1. This set is current here: the local queue (module docs).
        let mut task = Some(task);
        let mut wake = false;
        let _ = CURRENT.try_with(|current| {
            if let Some(cx) = &*current.borrow()
                && Arc::ptr_eq(&cx.shared, &self.0)
            {
                cx.queue.borrow_mut().extend(task.take());
                wake = !cx.ticking.get();
            }
        });
        let Some(task) = task else {
            if wake {
                self.0.waker.wake();
            }
            return;
        };
        // 2. Anywhere else: the remote queue, then the driver's waker.
        let mut remote = self.0.remote.lock();
        match remote.as_mut() {
            Some(queue) => {
                queue.push_back(task);
                drop(remote);
                self.0.waker.wake();
            }
            None => {
                drop(remote);
                // The set is gone, and its drop dropped the future: this
                // reference holds none (module docs, "Drop").
                drop(task);
            }
        }
    }

    fn release(&self, task: &Task) -> Option<Task> {
        crate::hooks::call(self.0.hooks.terminate.as_ref(), task.id());
        self.0.owned.remove(task)
    }
}

impl Future for LocalSet {
    type Output = ();

    /// Runs a tick; ready once every task spawned into the set completed.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Register before taking tasks (see "Waking").
        self.context.shared.waker.register(cx.waker());
        if self.with(|| self.tick()) {
            cx.waker().wake_by_ref();
            Poll::Pending
        } else if self.context.shared.owned.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Default for LocalSet {
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        // The steps of "Drop" in the module docs, with the set current.
        self.with(|| {
            let remote = self.context.shared.remote.lock().take();
            self.context.shared.owned.close_and_shutdown_all();
            drop(remote);
            let local = std::mem::take(&mut *self.context.queue.borrow_mut());
            drop(local);
            // The waker of whatever drove the set last: a `LocalRuntime`'s
            // `block_on`, whose runtime holds this set's spawner. Kept, it
            // would keep that runtime alive through this shared half (a
            // cycle: LeakSanitizer found the runtime's reactor leaked).
            drop(self.context.shared.waker.take());
        });
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet").finish_non_exhaustive()
    }
}

/// Makes a [`LocalSet`] the target of `spawn_local` until dropped; returned
/// by [`LocalSet::enter`]. Guards nest; drop them in reverse order.
///
/// # Examples
///
/// ```
/// let local = rt::task::LocalSet::new();
/// let guard: rt::task::LocalEnterGuard = local.enter();
/// drop(guard);
/// ```
pub struct LocalEnterGuard {
    /// What `CURRENT` was before: put back on drop. (An `Rc`: the guard is
    /// not `Send`.)
    previous: Option<Option<Rc<LocalContext>>>,
}

impl Drop for LocalEnterGuard {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            set_current(previous);
        }
    }
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish_non_exhaustive()
    }
}

/// Whether a set runs on this thread right now, or is entered (`CURRENT`):
/// `block_in_place` refuses to block it.
pub(crate) fn in_local_set() -> bool {
    CURRENT
        .try_with(|c| c.try_borrow().map_or(true, |c| c.is_some()))
        .unwrap_or(false)
}

/// Sets `CURRENT`; returns the previous value, or `None` if this thread's
/// thread-locals are being destroyed (then nothing was set).
fn set_current(context: Option<Rc<LocalContext>>) -> Option<Option<Rc<LocalContext>>> {
    CURRENT.try_with(|current| current.replace(context)).ok()
}

/// Spawns a `!Send` future into the current [`LocalSet`] and returns its
/// handle.
///
/// The current set is the one running the caller (inside
/// [`LocalSet::run_until`], [`LocalSet::block_on`], or a task of the set),
/// or the one entered with [`LocalSet::enter`]; without one, the
/// [`LocalRuntime`](crate::LocalRuntime) current on this thread (inside its
/// `block_on`, in any of its tasks, or after its `enter`). The task runs on
/// this thread only. Its handle is `Send` only if the output is: a handle
/// to an `Rc` cannot leave the thread.
///
/// # Panics
///
/// Outside a `LocalSet` and a `LocalRuntime` (neither is running or
/// entered on this thread); on a thread other than the `LocalRuntime`'s
/// own, where its handle was entered.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
///
/// let rt = rt::Runtime::new()?;
/// let local = rt::task::LocalSet::new();
/// local.block_on(&rt, async {
///     let counter = Rc::new(std::cell::Cell::new(0));
///     let c = counter.clone();
///     rt::task::spawn_local(async move { c.set(c.get() + 1) }).await.unwrap();
///     assert_eq!(counter.get(), 1);
/// });
/// # std::io::Result::Ok(())
/// ```
///
/// A handle whose output is not `Send` stays on its thread:
///
/// ```compile_fail
/// use std::rc::Rc;
///
/// let local = rt::task::LocalSet::new();
/// let handle = local.spawn_local(async { Rc::new(1) });
/// std::thread::spawn(move || drop(handle)); // error: `Rc` is not `Send`
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // A clone, so that no borrow of `CURRENT` is held while spawning (a
    // destructor run by the spawn may spawn again).
    let current = CURRENT.try_with(|c| c.borrow().clone()).ok().flatten();
    if let Some(context) = current {
        return context.spawn(future);
    }
    // No set here: a `LocalRuntime` current on this thread has one.
    match crate::context::current().and_then(|handle| handle.local_spawner()) {
        Some(spawner) => spawner.spawn(future),
        None => panic!(
            "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`: \
             call it from a task of a set or of a `LocalRuntime`, inside `LocalSet::run_until` or \
             `LocalSet::block_on`, or after `LocalSet::enter` or `LocalRuntime::enter`"
        ),
    }
}
