//! rt's task: one heap allocation per spawned future, its waker, and its
//! typed `JoinHandle`.
//!
//! # Design
//!
//! A task is one `Arc` allocation holding a header (the state word, the id,
//! the slot in the owner's task list, the join waker, a pointer to the
//! vtable of its concrete type), the scheduler handle `S`, and a stage that
//! holds first the future, then its output. The `Arc` is
//! `rt_core::loom::Arc` — std's, or loom's under `--cfg loom`, so the
//! models track its count — and its strong count is the task's only
//! reference count. No handle names the future's type: each is a thin
//! pointer to the header (`raw::TaskRef`), and the vtable (one static table
//! per future and scheduler type, in `raw`) turns it back into the typed
//! `Arc` to run, abort, join, add a count or release one.
//!
//! The reference types — each holds one count unless it says otherwise:
//!
//! - a [`Task`]: the task sitting in a run queue. `run` and `shutdown`
//!   consume it and release the count when they are done;
//! - a [`Waker`](std::task::Waker) cloned from the task (a hand-written
//!   `RawWakerVTable` over the same pointer, so a clone allocates nothing).
//!   `wake` consumes its count, but only after `schedule` has returned (see
//!   below); `wake_by_ref` borrows it;
//! - the waker a worker lends the future during a poll: it borrows the
//!   worker's `Task` count (no count changes per poll); its clones are
//!   ordinary wakers with counts of their own;
//! - the [`JoinHandle`] and each [`AbortHandle`]: released on drop; `abort`
//!   borrows it across the `schedule` call;
//! - the runtime's [`OwnedTasks`] list: one per listed task, given back by
//!   `Schedule::release` once the task completes (the `&Task` that call
//!   gets borrows the completing worker's count).
//!
//! Whichever holder releases the last count frees the cell.
//!
//! **Local tasks.** A future that is not `Send` (`LocalSet`'s, in
//! `rt-pool`) gets the same cell through the `unsafe`
//! [`OwnedTasks::bind_local`]. Its handles stay `Send` — a waker or an
//! `AbortHandle` used on another thread only queues the task — so the
//! types no longer keep the future on one thread; the caller does, by
//! running and shutting down the task only on the thread that owns its
//! scheduler, and by giving up the owner list's counts there. The list's
//! count is what makes a count released elsewhere never the last one of a
//! future still in the cell.
//!
//! **Hand-offs keep their own reference.** A wake that queues the task
//! gives the queue a *new* reference and keeps the one it was called with
//! until `Schedule::schedule` has returned: the scheduler may run the task
//! to completion on another thread (or inline) before it returns, and it
//! still reads itself — it lives inside the cell — after queuing. The same
//! holds for the re-queue after a poll and for `abort`. (The loom model
//! `loom_tests::cell` checks the counts — loom fails an execution that
//! leaks one or releases one twice — and this hand-off with a probe on the
//! scheduler's lifetime; `tests/schedule_lifetime.rs` without loom.)
//!
//! # The state word
//!
//! | bit | set by | cleared by | meaning |
//! |---|---|---|---|
//! | `SCHEDULED` | the waker or abort that finds the task idle; spawn | the worker that starts the poll | in a queue, or to be re-queued after the current poll |
//! | `RUNNING` | the worker that dequeues it; shutdown | the same thread, at idle or complete | that thread owns the future (exclusive) |
//! | `COMPLETE` | the `RUNNING` holder, once the output is stored | never | the future is gone; the output (or error) is stored |
//! | `CANCELLED` | abort; shutdown | never | the next holder of `RUNNING` drops the future |
//! | `JOIN_INTEREST` | spawn | the `JoinHandle`'s drop | the handle owns the output after `COMPLETE` |
//!
//! Transitions (each one atomic RMW, in [`state`](crate) `State`):
//!
//! ```text
//!            spawn                   wake (idle: submit)
//!   ──► [SCHEDULED] ──dequeue──► [RUNNING] ──Pending──► [idle] ──┐
//!            ▲                     │   │                          │
//!            │  wake during poll:  │   └─Ready / panic──► [COMPLETE]
//!            └── SCHEDULED kept ◄──┘                         ▲
//!                (re-queued after the poll)                  │
//!   abort: idle → CANCELLED|SCHEDULED, submitted; queued or running →
//!          CANCELLED; the next RUNNING holder drops the future ─┘
//! ```
//!
//! Impossible combinations: `RUNNING|COMPLETE`; a task in two queues at once
//! (only the thread that turns an idle task `SCHEDULED` queues it, and the
//! poller re-queues only a task whose `SCHEDULED` was set while it ran).
//! A wake of a `SCHEDULED` task is absorbed; a wake of a `RUNNING` task
//! makes it run again after the poll; a wake of a `COMPLETE` task is ignored.
//!
//! Who owns the output: `complete` and the `JoinHandle`'s drop race on one
//! RMW each; whoever comes second sees the other's bit and drops it.
//!
//! # The current task
//!
//! While a task runs user code of its own (its poll, the drops of its
//! future and output), its [`Id`] is this thread's current task id
//! ([`id`], [`try_id`]; the protocol is in `current`).
//!
//! # Cooperative scheduling
//!
//! A [`JoinHandle`] consumes one unit of the per-poll budget
//! (`rt_core::coop`) when it returns `Ready`, as every resource does, so a
//! task that joins many finished tasks still yields to its neighbours.
//!
//! # Examples
//!
//! What users see of a task, through the facade (`rt::spawn` returns this
//! crate's [`JoinHandle`]):
//!
//! ```
//! # rt::Runtime::new()?.block_on(async {
//! let task = rt::spawn(async { 1 + 1 });
//! assert_eq!(task.await?, 2);
//!
//! let stuck = rt::spawn(std::future::pending::<()>());
//! stuck.abort();
//! assert!(stuck.await.unwrap_err().is_cancelled());
//! # std::io::Result::Ok(()) })?;
//! # std::io::Result::Ok(())
//! ```
//!
//! What a scheduler sees: it implements [`Schedule`] to receive the tasks
//! that are woken, and runs them.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use rt_task::{OwnedTasks, Schedule, Task};
//!
//! // A scheduler that just collects tasks in a queue.
//! #[derive(Clone, Default)]
//! struct Queue(Arc<Mutex<Vec<Task>>>);
//! impl Schedule for Queue {
//!     fn schedule(&self, task: Task, _yielded: bool) {
//!         self.0.lock().unwrap().push(task);
//!     }
//! }
//!
//! let queue = Queue::default();
//! let (task, mut handle) = rt_task::unowned(async { 1 + 1 }, queue.clone());
//! task.run();
//! assert!(handle.is_finished());
//! let waker = std::task::Waker::noop();
//! let out = std::pin::Pin::new(&mut handle).poll(&mut std::task::Context::from_waker(&waker));
//! assert!(matches!(out, std::task::Poll::Ready(Ok(2))));
//! # use std::future::Future;
//! ```

mod current;
mod join;
mod list;
mod raw;
mod state;

#[cfg(all(test, loom))]
mod loom_tests;

use std::fmt;
use std::future::Future;
use std::num::NonZeroU64;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

pub use current::{enter, id, try_id, CurrentGuard};
pub use join::{AbortHandle, JoinError, JoinHandle};
pub use list::OwnedTasks;

use raw::{Cell, TaskRef};

/// Where a task goes when it is woken: implemented by the runtime.
pub trait Schedule: Send + Sync + 'static {
    /// Queue `task`, which was woken (`yielded == false`) or woke itself
    /// during its own poll (`yielded == true`: it goes behind other work).
    fn schedule(&self, task: Task, yielded: bool);

    /// Queue `task`, which carries the only count of its cell that the
    /// caller gives, if that can be done without reading `*this` after
    /// `task` is queued; otherwise return `task` untouched (the caller then
    /// calls [`Schedule::schedule`] while keeping the cell alive itself).
    /// The default always returns it.
    ///
    /// Why a raw pointer: `*this` is the scheduler stored *inside* the
    /// task's cell, and once `task` is queued another thread may run the
    /// task to completion and free the cell while this call is still in
    /// progress. A reference argument would have to stay valid for the
    /// whole call; `this` is valid only as long as the implementation
    /// holds `task`.
    ///
    /// # Safety
    ///
    /// The caller: `this` points to the scheduler of the cell `task`
    /// refers to, and `task` holds a count of that cell.
    ///
    /// The implementation reads `*this` only before it queues `task` (and
    /// may read it freely if it returns `task`); whatever it reads after
    /// queueing must be kept alive by something other than the cell.
    unsafe fn schedule_owned(this: *const Self, task: Task, yielded: bool) -> Result<(), Task>
    where
        Self: Sized,
    {
        let _ = (this, yielded);
        Err(task)
    }

    /// `task` completed: give back the reference the owner list held, if
    /// any (the caller drops it). The default keeps no list.
    fn release(&self, task: &Task) -> Option<Task> {
        let _ = task;
        None
    }
}

/// A reference to a task that may be run: what run queues hold.
pub struct Task {
    raw: TaskRef,
}

impl Task {
    fn from_raw(raw: TaskRef) -> Task {
        Task { raw }
    }

    /// Poll the task once (or drop its future if it was aborted).
    pub fn run(self) {
        self.raw.run();
    }

    /// Drop the task's future now, unless a thread is polling it, and
    /// complete it as cancelled. Used when the runtime shuts down.
    pub fn shutdown(self) {
        self.raw.shutdown();
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.raw.header().id
    }

    /// Give up this queue reference as a bare pointer, for a queue that
    /// keeps tasks in an atomic slot (the scheduler's LIFO slot, which
    /// other workers may take from). The reference still counts: the task
    /// stays alive until [`Task::from_ptr`] takes it back and the `Task`
    /// is run or dropped.
    pub fn into_ptr(self) -> NonNull<()> {
        self.raw.into_ptr()
    }

    /// Take back a queue reference given up by [`Task::into_ptr`].
    ///
    /// # Safety
    /// - `ptr` was returned by [`Task::into_ptr`];
    /// - it is taken back once: no other `from_ptr` call is made for that
    ///   same return (an atomic swap that moves the pointer out of its
    ///   slot gives it to exactly one thread).
    pub unsafe fn from_ptr(ptr: NonNull<()>) -> Task {
        // SAFETY: forwarded: `ptr` is an `into_ptr` return taken back
        // once, which is what `TaskRef::from_ptr` asks.
        Task::from_raw(unsafe { TaskRef::from_ptr(ptr) })
    }

    fn clone_ref(&self) -> Task {
        Task {
            raw: self.raw.clone(),
        }
    }

    fn ptr_eq(&self, other: &Task) -> bool {
        self.raw.ptr_eq(&other.raw)
    }
}

impl fmt::Debug for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("id", &self.id())
            .field("state", &self.raw.header().state)
            .finish()
    }
}

/// Create a task that no owner list tracks (the blocking pool's tasks, or
/// tests). Returns the task to queue and its handle.
pub fn unowned<F, S>(future: F, scheduler: S) -> (Task, JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    let cell = Cell::new(future, scheduler, Id::next());
    let handle = JoinHandle::new(&cell);
    (Task::from_raw(TaskRef::new(cell)), handle)
}

/// The handles are thin pointers with hand-written `Send`/`Sync` (on
/// `raw::TaskRef`): they are `Send + Sync`, as a user of them relies on.
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Task>();
    is::<JoinHandle<u8>>();
    is::<AbortHandle>();
}

/// A task's id: unique among all tasks of the process for its lifetime.
///
/// # Examples
///
/// ```
/// use rt::task::Id;
///
/// # rt::Runtime::new()?.block_on(async {
/// let handle = rt::spawn(async {});
/// let id: Id = handle.id();
/// assert_eq!(id.to_string(), id.as_u64().to_string());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(NonZeroU64);

impl Id {
    /// A fresh id. Each thread reserves ids from the process-wide counter
    /// a block at a time and hands them out one by one: one atomic
    /// operation per `ID_BLOCK` spawns instead of one per spawn, on a
    /// counter that every spawning thread would otherwise write. Ids stay
    /// unique (the counter only moves past what it handed out), but are
    /// not in spawn order across threads (tokio promises no order either).
    fn next() -> Id {
        /// Ids a thread reserves at a time.
        const ID_BLOCK: u64 = 1024;
        /// The first id no thread has reserved.
        static NEXT: AtomicU64 = AtomicU64::new(1);
        std::thread_local! {
            /// This thread's reserved ids: the next one, and the block's end.
            static RESERVED: std::cell::Cell<(u64, u64)> =
                const { std::cell::Cell::new((0, 0)) };
        }
        // Relaxed: uniqueness needs only the RMWs' atomicity.
        let n = RESERVED
            .try_with(|reserved| {
                let (next, end) = reserved.get();
                if next == end {
                    let start = NEXT.fetch_add(ID_BLOCK, Relaxed);
                    reserved.set((start + 1, start + ID_BLOCK));
                    start
                } else {
                    reserved.set((next + 1, end));
                    next
                }
            })
            // During thread-local destruction: one id straight from the
            // counter, which also moves past it.
            .unwrap_or_else(|_| NEXT.fetch_add(1, Relaxed));
        Id(NonZeroU64::new(n).expect("task id counter overflowed"))
    }

    /// The id as a number (never 0).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let id = rt::spawn(async {}).id();
    /// assert!(id.as_u64() > 0);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn as_u64(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The size of the one allocation a spawned future `F` costs (the `Arc`'s
/// counts included), for reports and tests.
pub fn task_allocation_size<F, S>() -> usize
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    // An Arc allocation is its two counts followed by the value, padded to
    // the value's alignment.
    let align = std::mem::align_of::<Cell<F, S>>().max(std::mem::align_of::<usize>());
    let counts = (2 * std::mem::size_of::<usize>()).next_multiple_of(align);
    counts + std::mem::size_of::<Cell<F, S>>()
}

#[cfg(all(test, not(loom)))]
mod id_tests {
    use super::Id;
    use std::collections::HashSet;

    /// Ids handed out from per-thread blocks never collide: several
    /// threads, each through several blocks, all distinct.
    #[test]
    fn ids_from_many_threads_are_distinct() {
        const THREADS: usize = 4;
        const PER_THREAD: usize = 5_000;
        let threads: Vec<_> = (0..THREADS)
            .map(|_| std::thread::spawn(|| (0..PER_THREAD).map(|_| Id::next()).collect::<Vec<_>>()))
            .collect();
        let mut seen = HashSet::new();
        for t in threads {
            for id in t.join().unwrap() {
                assert!(seen.insert(id), "id {} handed out twice", id.as_u64());
            }
        }
        assert_eq!(seen.len(), THREADS * PER_THREAD);
    }
}
