//! `block_in_place`: a task blocks its worker thread, and the worker's core
//! goes on running on another thread meanwhile.
//!
//! # What moves
//!
//! A worker is a thread running the loop of `worker` over a *core*
//! (`worker::Core`): its deque and LIFO slot (its index in the queues, the
//! idle set, the parkers, the timer shards and the metrics), its deferred
//! wakers and its busy period. The loop's own state (searching, the
//! rescue's view, the reactor-turn bookkeeping) is rebuilt by whichever
//! thread runs the core; none of it is held across a poll. Nor is the
//! reactor: a worker releases it before it polls a task (`driver`), so a
//! task that blocks never holds it.
//!
//! # Protocol
//!
//! 1. A task polled by a worker calls `block_in_place`. Still on the
//!    worker, before anything moves: the deferred wakers are woken into
//!    the worker's own deque (so that siblings can steal those tasks if no
//!    thread takes the core soon), `polling` is cleared (the next holder
//!    starts between polls), and this thread stops being a worker
//!    (`context::leave_worker`: its wakes and spawns go to the injector
//!    from now on; its worker index is gone).
//! 2. The core (an `Arc`, `worker::Owner::core`) is put in a fresh
//!    one-shot [`Slot`], shared by this thread and a job given to the
//!    blocking pool. From here on this thread does not touch the core.
//! 3. The job, once a blocking thread runs it, takes the core from the slot
//!    (if still there) and runs the worker loop over it (`run_core`),
//!    carrying on as that worker (same index, same counters, same place in
//!    the idle set: the worker was unparked and not searching, and still
//!    is) until shutdown or its own `block_in_place`.
//! 4. Meanwhile `f` runs on this thread outside asynchronous context (it
//!    may block, `Handle::block_on`, build a runtime) with an unconstrained
//!    cooperative budget.
//! 5. When `f` returns or panics, this thread takes from the slot. Whoever
//!    takes first gets the core; the slot's mutex makes it exactly one, and
//!    orders the giver's writes to the core before the taker's reads. If
//!    this thread gets it back (the job had not started), it is a worker
//!    again and its loop goes on after the poll as if nothing happened. If
//!    not, it marks its loop `handed_off`: the rest of the poll runs with
//!    no worker context, then the loop returns without touching the core
//!    and the thread retires (a worker thread exits; a blocking thread goes
//!    back to the pool). So at most one thread per core runs a loop, and
//!    the threads stay bounded by the workers plus the blocking pool.
//! 6. A job that never took the core (its slot was emptied first, or the
//!    pool was shut down and dropped it) does nothing.
//!
//! Shutdown counts a worker's exit when the loop holding its core leaves
//! (`worker::ExitGuard`), wherever that is; a thread still inside `f` is
//! not a worker and is waited for only as a thread: `Runtime::shutdown`
//! joins the worker threads last, after the drivers shut down (which is
//! what ends an `f` blocked on the runtime's timers or sockets), and, while
//! some thread is inside `f` with its core given away
//! (`Shared::core_away`), no later than the deadline.
//!
//! # Where it does not move anything
//!
//! - Outside any runtime, on a blocking thread, or inside another
//!   `block_in_place` (not in asynchronous context): `f` just runs.
//! - Inside `block_on` on the multi-thread runtime, or on a worker outside
//!   a task's poll: `f` runs here, outside asynchronous context; there is
//!   no core to move.
//! - On the current-thread runtime, or inside a `LocalSet`: this thread is
//!   the only one running those tasks, so blocking it stalls them all; it
//!   panics, as tokio does.

use rt_core::loom::{Arc, Mutex};

use crate::context::{self, WorkerContext};
use crate::worker::{self, Core, Owner};

/// Runs `f`, which may block, on this thread, while the worker's other
/// tasks go on running on another thread.
///
/// On a worker of the multi-thread runtime, the worker's queue of tasks
/// (and everything else it does for the runtime) is handed to another
/// thread, taken from the blocking pool, for as long as `f` runs; `f` then
/// runs here, where blocking is allowed: `Handle::block_on`, a channel's
/// `blocking_recv`, even a runtime of its own. Once `f` returns, the task
/// goes on; if the other thread has taken the queue, this thread finishes
/// the task's current poll and then leaves, and the task may resume on any
/// worker. The task's id ([`id`](crate::id)) and task-locals are visible
/// inside `f`, and its cooperative budget does not apply there.
///
/// Outside a runtime, on a blocking thread, or in `block_on` on the
/// multi-thread runtime, `f` simply runs.
///
/// Prefer [`spawn_blocking`](crate::spawn_blocking) where it fits: it
/// leaves the task free to do other things, and works on every runtime.
///
/// # Panics
///
/// On the current-thread runtime (in `block_on` or in one of its tasks)
/// and inside a [`LocalSet`](crate::LocalSet): the thread blocked would be
/// the only one running those tasks.
///
/// # Examples
///
/// ```
/// use std::sync::mpsc;
/// use rt::runtime::{Builder, Handle};
///
/// let rt = Builder::new_multi_thread().worker_threads(1).build()?;
/// rt.block_on(async {
///     let (tx, rx) = mpsc::channel();
///     let task = rt::spawn(async move {
///         // Blocks this thread: with one worker, the task below can run
///         // only because the worker's queue moved to another thread.
///         rt::task::block_in_place(|| rx.recv().unwrap())
///     });
///     rt::spawn(async move { tx.send("sent").unwrap() });
///     assert_eq!(task.await.unwrap(), "sent");
///
///     // Inside, blocking on the runtime is allowed.
///     let n = rt::spawn(async {
///         rt::task::block_in_place(|| Handle::current().block_on(async { 6 * 7 }))
///     });
///     assert_eq!(n.await.unwrap(), 42);
/// });
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    match enter() {
        Some(_outside) => rt_core::coop::with_unconstrained(f),
        None => f(),
    }
}

/// While `f` runs outside asynchronous context: puts the context back,
/// and the core too if this thread gave one away and it is still free.
struct Outside {
    handoff: Option<GivenAway>,
    _exit: rt_core::context::ExitAsyncContextGuard,
}

impl Drop for Outside {
    fn drop(&mut self) {
        let Some(GivenAway {
            slot,
            owner,
            handle,
        }) = self.handoff.take()
        else {
            return;
        };
        // SAFETY: `owner` is the `Owner` of the loop that polls the task
        // this `block_in_place` runs in, on this thread (`run_core` set it
        // before that poll and keeps the `Owner` on its frame, below this
        // one on the stack, until the loop returns, after the poll).
        let owner = unsafe { &*owner };
        match slot.take() {
            // Step 5: the job had not started; the core is ours again (the
            // same allocation `owner` holds, so `cx` is where it was).
            Some(core) => {
                let cx: &WorkerContext = &owner.core.0;
                debug_assert!(std::ptr::eq(&core.0, cx));
                cx.polling.set(true);
                context::reenter_worker(cx);
            }
            None => owner.handed_off.set(true),
        }
        if let Some(shared) = handle.as_multi_thread() {
            shared.core_away(false);
        }
    }
}

/// What a worker that gave its core away keeps, to take it back.
struct GivenAway {
    slot: Arc<Slot<std::sync::Arc<Core>>>,
    owner: *const Owner,
    handle: crate::Handle,
}

/// Steps 1 and 2 where they apply; `None` where `f` just runs.
#[track_caller]
fn enter() -> Option<Outside> {
    if !context::in_async_context() {
        // Outside a runtime, on a blocking thread, or nested.
        return None;
    }
    let refused = crate::local::in_local_set()
        || context::current().is_none_or(|h| h.as_multi_thread().is_none());
    if refused {
        panic!(
            "can call blocking only when running on the multi-threaded runtime (tokio's words, \
             which tests match): `block_in_place` can only block a thread of the multi-thread \
             runtime, and this thread alone runs its tasks (the current-thread runtime, or a \
             `LocalSet`). Use `spawn_blocking` instead"
        );
    }
    let handoff = context::with_worker(|w| w.filter(|w| w.polling.get()).map(give_away));
    Some(Outside {
        handoff,
        _exit: rt_core::context::exit_async_context(),
    })
}

/// Steps 1 and 2: the worker `w`, inside a task's poll, gives its core to a
/// job on the blocking pool.
fn give_away(w: &WorkerContext) -> GivenAway {
    let deferred = w.deferred.take();
    if !deferred.is_empty() {
        // Into this worker's deque, no sibling woken per task.
        w.local_only.set(true);
        rt_core::wake_all_contained(deferred.into_iter());
        w.local_only.set(false);
    }
    let queued = !w.local.is_empty();
    w.polling.set(false);
    let owner_ptr = w.owner.get();
    // SAFETY: see `Outside::drop`: the loop polling this task on this
    // thread set it and keeps the `Owner` alive past this call.
    let core = unsafe { &*owner_ptr }.core.clone();
    let handle = w.handle.clone();
    let shared = handle
        .as_multi_thread()
        .expect("a worker runs a multi-thread runtime");
    context::leave_worker();
    shared.core_away(true);
    // Step 2. `w` is not used from here on: the core is the slot's.
    let slot = Arc::new(Slot::new(core));
    let taker = slot.clone();
    // No need for the job's `JoinHandle`. Dropped unrun (the pool shut
    // down), the job leaves the core in the slot for this thread (step 6).
    drop(shared.blocking.spawn(&handle, move || {
        if let Some(core) = taker.take() {
            worker::run_core(core, false);
        }
    }));
    if queued {
        // Siblings may steal what the core holds until the job runs it.
        shared.notify_parked(None);
    }
    GivenAway {
        slot,
        owner: owner_ptr,
        handle,
    }
}

/// A one-shot hand-over: one value put in, taken by the first taker.
#[derive(Debug)]
pub(crate) struct Slot<T>(Mutex<Option<T>>);

impl<T> Slot<T> {
    pub(crate) fn new(value: T) -> Slot<T> {
        Slot(Mutex::new(Some(value)))
    }

    /// The value, for the first caller only.
    pub(crate) fn take(&self) -> Option<T> {
        self.0.lock().take()
    }
}
