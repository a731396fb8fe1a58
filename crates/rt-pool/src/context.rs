//! Thread-local context: the runtime this thread is in (for
//! `Handle::current` and `spawn`), and, on a worker thread, that worker's
//! queues (so a wake on a worker goes to its own deque).

use std::cell::{Cell, RefCell};
use std::task::Waker;

use rt_scheduler::Local;

use crate::Handle;

/// What a worker thread exposes to `schedule` while its loop runs.
#[derive(Debug)]
pub(crate) struct WorkerContext {
    pub(crate) handle: Handle,
    pub(crate) local: Local,
    /// True while a task is being polled: its wakes go to the LIFO slot.
    pub(crate) polling: Cell<bool>,
    /// True while the worker is parked (in the reactor) or wakes a batch of
    /// yielded tasks: what is woken goes to its deque without waking
    /// anyone; the worker shares it afterwards.
    pub(crate) local_only: Cell<bool>,
    /// Wakers of tasks that called `yield_now`: woken once the worker has
    /// run out of queued work and turned the reactor.
    pub(crate) deferred: RefCell<Vec<Waker>>,
    /// When the worker last left a park (or started): its busy period
    /// (`metrics`). Here, not in the loop, so that it moves with the core
    /// (`block_in_place`).
    pub(crate) busy_since: Cell<std::time::Instant>,
    /// The loop running this core right now, on the thread that holds it
    /// (set as its loop starts; see `block_in_place`).
    pub(crate) owner: Cell<*const crate::worker::Owner>,
}

// Through the loom shim: under loom, each modelled thread has its own.
rt_core::loom::thread_local! {
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
    /// How many `set_current` guards are alive on this thread (each guard
    /// remembers its depth, to catch guards dropped out of order).
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    static WORKER: Cell<*const WorkerContext> = const { Cell::new(std::ptr::null()) };
}

/// The runtime this thread is in, if any.
pub(crate) fn current() -> Option<Handle> {
    CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
}

/// Run `f` with the runtime this thread is in, if any. On a worker of
/// that runtime, `f` borrows the worker's own handle; elsewhere it gets a
/// clone of the current one. (A clone and its drop are two atomic
/// operations on the runtime's shared count, a cache line that every
/// worker's spawns would write: `spawn` on a worker goes through here.)
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&Handle>) -> R) -> R {
    with_worker(|worker| {
        if let Some(w) = worker {
            // The current runtime may be another one (`Handle::enter` in a
            // task): the worker's handle serves only if it is the same.
            let same = CURRENT
                .try_with(|c| {
                    c.borrow()
                        .as_ref()
                        .is_some_and(|h| h.same_runtime(&w.handle))
                })
                .unwrap_or(false);
            if same {
                return f(Some(&w.handle));
            }
        }
        f(current().as_ref())
    })
}

/// Restores the previous current runtime when dropped.
#[derive(Debug)]
pub(crate) struct SetCurrentGuard {
    prev: Option<Handle>,
    /// `DEPTH` once this guard was made.
    depth: usize,
    _reactor: rt_reactor::EnterGuard,
    _timers: rt_time::EnterGuard,
}

/// Make `handle` this thread's current runtime until the guard drops.
pub(crate) fn set_current(handle: &Handle) -> SetCurrentGuard {
    // During thread-local destruction (a runtime dropped by another
    // thread-local's destructor) the slots may be gone: nothing is set, and
    // the guard restores nothing.
    let prev = CURRENT
        .try_with(|c| c.borrow_mut().replace(handle.clone()))
        .unwrap_or(None);
    let depth = DEPTH
        .try_with(|d| {
            d.set(d.get() + 1);
            d.get()
        })
        .unwrap_or(0);
    let reactor = rt_reactor::enter(&handle.drivers().io);
    let timers = rt_time::enter(&handle.drivers().time);
    SetCurrentGuard {
        prev,
        depth,
        _reactor: reactor,
        _timers: timers,
    }
}

impl Drop for SetCurrentGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        // During thread-local destruction the slots may be gone.
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = prev);
        let in_order = DEPTH
            .try_with(|d| {
                let in_order = d.get() == self.depth;
                d.set(self.depth.saturating_sub(1));
                in_order
            })
            .unwrap_or(true);
        if !in_order && !std::thread::panicking() {
            panic!(
                "`EnterGuard`s dropped out of order: the guards of `Runtime::enter` and \
                 `Handle::enter` must be dropped in the reverse order of their creation"
            );
        }
    }
}

/// Whether this thread drives asynchronous tasks right now: a worker of
/// any runtime, or inside `block_on`. Blocking here (another `block_on`,
/// dropping a runtime) is refused.
/// (The mark is `rt_core::context`'s, so that crates below the pool, such
/// as `rt-sync`'s `blocking_*` methods, see it too.)
pub(crate) fn in_async_context() -> bool {
    rt_core::context::in_async_context()
}

/// Marks this thread as inside `block_on` until the guard drops.
pub(crate) type BlockOnGuard = rt_core::context::AsyncContextGuard;

/// Enter `block_on`; `None` if this thread is already in async context.
pub(crate) fn enter_block_on() -> Option<BlockOnGuard> {
    if in_async_context() {
        return None;
    }
    Some(rt_core::context::enter_async_context())
}

/// Run `f` with this thread's worker context, if it is a worker.
pub(crate) fn with_worker<R>(f: impl FnOnce(Option<&WorkerContext>) -> R) -> R {
    WORKER.with(|w| {
        let ptr = w.get();
        // SAFETY: the pointer is non-null only between `enter_worker` and
        // the drop of its guard, during which the `WorkerContext` lives on
        // this thread's stack (the worker loop's frame) and is not moved;
        // it is only ever shared (`&`), never mutably borrowed.
        f(unsafe { ptr.as_ref() })
    })
}

/// Clears the worker pointer (and the async-context mark) when dropped.
#[derive(Debug)]
pub(crate) struct WorkerGuard(rt_core::context::AsyncContextGuard);

/// Register `cx` as this thread's worker context until the guard drops.
/// The caller keeps `cx` alive and in place for that long. A task whose
/// cooperative budget runs out is deferred, like one that yields
/// (`rt_core::coop`'s hook is set to [`defer`]).
pub(crate) fn enter_worker(cx: &WorkerContext) -> WorkerGuard {
    WORKER.with(|w| w.set(cx));
    rt_core::context::set_worker_index(Some(cx.local.index()));
    rt_core::coop::set_defer(Some(defer_exhausted));
    WorkerGuard(rt_core::context::enter_async_context())
}

/// `block_in_place` gave this thread's core away: from now on this thread
/// is no worker (its wakes and spawns go through the injector), until
/// [`reenter_worker`].
pub(crate) fn leave_worker() {
    WORKER.with(|w| w.set(std::ptr::null()));
    rt_core::context::set_worker_index(None);
}

/// `block_in_place` took its core back: `cx` is this thread's worker
/// context again, as [`enter_worker`] made it (the caller keeps it alive
/// and in place until the `WorkerGuard` of that call drops).
pub(crate) fn reenter_worker(cx: &WorkerContext) {
    WORKER.with(|w| w.set(cx));
    rt_core::context::set_worker_index(Some(cx.local.index()));
}

impl Drop for WorkerGuard {
    fn drop(&mut self) {
        rt_core::coop::set_defer(None);
        rt_core::context::set_worker_index(None);
        WORKER.with(|w| w.set(std::ptr::null()));
    }
}

/// The cooperative budget's hook on a worker: count the forced yield
/// (`metrics`), then [`defer`] the task.
fn defer_exhausted(waker: &Waker) {
    with_worker(|w| {
        if let Some(w) = w
            && let Some(shared) = w.handle.as_multi_thread()
        {
            shared.metrics.worker(w.local.index()).forced_yield();
        }
    });
    defer(waker);
}

/// Defer a yielding task's wake-up (see `yield_now`; also a task out of
/// cooperative budget): on a worker (or the thread running a
/// current-thread runtime's tasks), until its queue is drained and the
/// reactor turned; elsewhere, now.
pub(crate) fn defer(waker: &Waker) {
    with_worker(|w| match w {
        Some(w) => push_deferred(&mut w.deferred.borrow_mut(), waker),
        // The current-thread runtime's core holder defers too.
        None => {
            if !crate::current_thread::defer(waker) {
                waker.wake_by_ref();
            }
        }
    });
}

/// Adds `waker` to a list of deferred wake-ups (a worker's, or the
/// current-thread core's), unless it is the last one there: a task deferred
/// twice in one poll (several resources out of budget, say) needs one
/// wake-up, as in tokio.
pub(crate) fn push_deferred(deferred: &mut Vec<Waker>, waker: &Waker) {
    if !deferred.last().is_some_and(|last| last.will_wake(waker)) {
        deferred.push(waker.clone());
    }
}
