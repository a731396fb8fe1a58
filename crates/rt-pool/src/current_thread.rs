//! The current-thread scheduler: no worker threads; the thread inside
//! `block_on` runs the tasks, between polls of its own future.
//!
//! # Design
//!
//! The runtime's run state is one [`Core`]: the local run queue, the tick
//! count and the deferred wakers (tasks that yielded or ran out of
//! budget). Exactly one thread holds the core at a time: the first to
//! enter `block_on`. It runs tasks, polls its own future when that was
//! woken, and when nothing is left to run, blocks in the runtime's drivers
//! (the poller, for at most the nearest timer) through the runtime's one
//! [`Parker`] (`park`). A second thread calling `block_on` meanwhile only
//! polls its own future, parked on its own thread parker between polls,
//! and takes the core over when the first returns (it waits in the core
//! slot's waiter list).
//!
//! Where a scheduled task goes:
//!
//! - from the thread holding the core (a task, the block_on future, a
//!   driver turn, a deferred wake): the back of the local queue;
//! - from anywhere else (a `Handle` clone on another thread, a waker fired
//!   on a blocking-pool thread, a spawn while nobody is in `block_on`): the
//!   shared `remote` queue, then `unpark` of the runtime's parker.
//!
//! Fairness: every `global_queue_interval` ticks (31) the holder takes from
//! the shared queue before its own; after `event_interval` tasks (61) in a
//! row it turns the drivers without blocking, wakes its deferred tasks and
//! polls the block_on future if it was woken. The future is polled only
//! when woken (a flag its waker sets), not once per task.
//!
//! # Protocol: a remote wake-up is never lost
//!
//! The holder decides to park after finding its local queue and the shared
//! queue empty, no deferred task and its future not woken. A remote
//! producer pushes under the shared queue's mutex, then calls
//! `Parker::unpark`; the block_on future's waker sets its `woken` flag,
//! then unparks. `Parker` keeps a token (`park`'s protocol): an unpark that
//! comes after the holder's checks but before it blocks leaves `NOTIFIED`,
//! and the park returns at once. So every push or wake that the checks
//! missed is followed by an unpark the park sees.
//!
//! The block_on future's waker must unpark the right parker: the runtime's
//! while its thread holds the core, its thread's own while it waits for
//! the core. The thread stores `driving = true` then reads `woken`; the
//! waker sets `woken = true` then reads `driving` (both SeqCst): one of
//! the two sees the other's write, so either the holder polls the future
//! before it parks, or the waker unparks the runtime's parker. The waker
//! sets `woken` with a swap, not a store: the holder's swap that clears it
//! then sees what every waker before it wrote, not only the last one's.
//!
//! The core slot's mutex holds the core (when free) and the waiters: a
//! thread that finds no core registers its waker under the same lock; the
//! holder puts the core back and takes the waiters under it, then wakes
//! them. Modelled with loom in `loom_tests`.
//!
//! # Shutdown
//!
//! Dropping the runtime sets the shutdown flag, closes the shared queue
//! (later pushes drop their task reference), takes the core if it is free
//! and empties its local queue and deferred wakers, then closes the owner
//! list, dropping every task's future on the dropping thread. A thread
//! still holding the core (a `Handle::block_on` elsewhere) stops running
//! tasks and empties its queue when it lets the core go. Then the drivers
//! and the blocking pool shut down, as on the multi-thread runtime.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::{Arc as StdArc, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use rt_core::loom::{Arc, AtomicBool, Mutex, Ordering::SeqCst};
use rt_task::{OwnedTasks, Task};

use crate::blocking::BlockingPool;
use crate::builder::Config;
use crate::driver::Drivers;
use crate::metrics::Counters;
use crate::park::{Driver, Handoff, Parker};

/// Ticks between two looks at the shared queue first: tokio's
/// current-thread default (the multi-thread one is 61).
pub(crate) const DEFAULT_GLOBAL_QUEUE_INTERVAL: u32 = 31;

/// The state every handle of one current-thread runtime shares.
pub(crate) struct Shared {
    /// Tasks scheduled from threads that do not hold the core; `None` once
    /// shut down.
    remote: Mutex<Option<VecDeque<Task>>>,
    /// The core while no thread holds it, and the threads waiting for it.
    core: Mutex<CoreSlot>,
    /// Where the core's holder blocks (in the drivers, or on a condvar).
    parker: Parker,
    /// `Parker::park`'s hand-off flag: unused here (one thread turns the
    /// drivers), but the parker's protocol takes one.
    handoff: Handoff,
    /// The drivers, for non-blocking turns (`None` under the loom models).
    driver: Option<StdArc<dyn Driver>>,
    shutdown: AtomicBool,
    pub(crate) owned: OwnedTasks,
    pub(crate) drivers: StdArc<Drivers>,
    pub(crate) blocking: BlockingPool,
    pub(crate) config: Config,
    /// `Handle::id`.
    pub(crate) id: crate::id::Id,
    /// The one "worker"'s counters: the thread holding the core writes
    /// them (`RuntimeMetrics`).
    pub(crate) metrics: Counters,
    /// A `LocalRuntime`'s set, for `spawn_local` where this runtime is
    /// current (`local_runtime`); unset on a plain current-thread runtime.
    pub(crate) local: OnceLock<crate::local::LocalSpawner>,
}

struct CoreSlot {
    core: Option<Box<Core>>,
    /// Threads in `block_on` waiting for the core.
    waiters: Vec<Waker>,
}

/// What the thread that runs the tasks owns.
#[derive(Default)]
struct Core {
    queue: VecDeque<Task>,
    tick: u32,
    /// Tasks that yielded (or ran out of budget): woken after the queue
    /// was run and the drivers turned.
    deferred: Vec<Waker>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("current_thread::Shared")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub(crate) fn new(config: Config, drivers: StdArc<Drivers>) -> Arc<Shared> {
        let driver: StdArc<dyn Driver> = drivers.clone();
        Shared::with_driver(config, drivers, Some(driver))
    }

    /// `new`, with `driver` where the holder blocks (`None`: on a condvar
    /// only; the loom models).
    pub(crate) fn with_driver(
        config: Config,
        drivers: StdArc<Drivers>,
        driver: Option<StdArc<dyn Driver>>,
    ) -> Arc<Shared> {
        Arc::new(Shared {
            remote: Mutex::new(Some(VecDeque::new())),
            core: Mutex::new(CoreSlot {
                core: Some(Box::default()),
                waiters: Vec::new(),
            }),
            parker: Parker::new(driver.clone()),
            handoff: Handoff::default(),
            driver,
            shutdown: AtomicBool::new(false),
            owned: OwnedTasks::new(),
            blocking: BlockingPool::new(&config, drivers.time.clone()),
            drivers,
            config,
            id: crate::id::Id::next(),
            metrics: Counters::new(1),
            local: OnceLock::new(),
        })
    }

    /// Tasks queued from threads not holding the core (`RuntimeMetrics`).
    pub(crate) fn remote_len(&self) -> usize {
        self.remote.lock().as_ref().map_or(0, VecDeque::len)
    }

    fn is_shutdown(&self) -> bool {
        // SeqCst: pairs with the store in `shutdown`; not a hot path.
        self.shutdown.load(SeqCst)
    }

    /// Queue `task` for the core's holder and wake it (see "Protocol").
    fn push_remote(&self, task: Task) {
        let mut remote = self.remote.lock();
        match remote.as_mut() {
            Some(queue) => {
                queue.push_back(task);
                drop(remote);
                // After the push: the holder's park returns, and its next
                // look at the queue (under the mutex) finds the task.
                self.parker.unpark();
            }
            None => {
                drop(remote);
                // Shut down: the owner list cancelled the task; this
                // queue reference just goes.
                drop(task);
            }
        }
    }

    fn pop_remote(&self) -> Option<Task> {
        self.remote.lock().as_mut()?.pop_front()
    }

    /// Take the core if it is free; else, with `waiter`, be woken when it
    /// is put back.
    fn take_core(&self, waiter: Option<&Waker>) -> Option<Box<Core>> {
        let mut slot = self.core.lock();
        if let Some(core) = slot.core.take() {
            return Some(core);
        }
        if let Some(waiter) = waiter
            && !slot.waiters.iter().any(|w| w.will_wake(waiter))
        {
            slot.waiters.push(waiter.clone());
        }
        None
    }

    /// Put the core back and wake the threads waiting for it.
    fn release_core(&self, core: Box<Core>) {
        let waiters = {
            let mut slot = self.core.lock();
            slot.core = Some(core);
            std::mem::take(&mut slot.waiters)
        };
        rt_core::wake_all_contained(waiters.into_iter());
    }

    /// Shut the runtime down (see "Shutdown" in the module docs).
    pub(crate) fn shutdown(&self, deadline: Option<Instant>) {
        // SeqCst: pairs with `is_shutdown`.
        self.shutdown.store(true, SeqCst);
        let remote = self.remote.lock().take();
        drop(remote);
        if let Some(mut core) = self.take_core(None) {
            let queue = std::mem::take(&mut core.queue);
            let deferred = std::mem::take(&mut core.deferred);
            // Back in its slot: a later `Handle::block_on` still runs its
            // own future (every task is cancelled by then).
            self.release_core(core);
            drop(queue);
            drop(deferred);
        }
        self.owned.close_and_shutdown_all();
        self.drivers.shutdown();
        self.blocking.shutdown(deadline);
        // A holder on another thread stops running tasks.
        self.parker.unpark();
    }
}

/// What the thread holding the core exposes to `schedule` and `defer`.
struct CoreContext {
    shared: Arc<Shared>,
    /// The core; borrowed only for queue operations, never across a poll,
    /// a wake or a drop of user code.
    core: RefCell<Option<Box<Core>>>,
}

rt_core::loom::thread_local! {
    static CURRENT: Cell<*const CoreContext> = const { Cell::new(std::ptr::null()) };
}

/// Run `f` with this thread's core context, if it holds a core.
fn with_context<R>(f: impl FnOnce(Option<&CoreContext>) -> R) -> R {
    CURRENT.with(|c| {
        let ptr = c.get();
        // SAFETY: the pointer is non-null only while a `Driving` guard is
        // alive, and the guard borrows the `CoreContext` it points at (on
        // `drive`'s stack frame, not moved meanwhile); it is only shared.
        f(unsafe { ptr.as_ref() })
    })
}

/// Queue `task` on the runtime `shared` (see the module docs).
pub(crate) fn schedule(shared: &Arc<Shared>, task: Task) {
    if let Err(task) = schedule_owned(&**shared, task) {
        shared.push_remote(task);
    }
}

/// Queue a newly spawned `task` and count the spawn: on the thread holding
/// the core, with the core's single-writer counter (a load and a store);
/// from elsewhere, with the shared count (an atomic add).
pub(crate) fn spawn(shared: &Arc<Shared>, task: Task) {
    match schedule_owned(&**shared, task) {
        // This thread holds the core: it is the counter's one writer.
        Ok(()) => shared.metrics.worker(0).spawned(),
        Err(task) => {
            shared.metrics.spawned_remotely();
            shared.push_remote(task);
        }
    }
}

/// `Schedule::schedule_owned` for the runtime whose shared state is at
/// `this` (compared, never dereferenced): pushes `task` on the local queue
/// if this thread holds that runtime's core (its context keeps the shared
/// state alive; nothing of the task's cell is read after the push);
/// returns it otherwise.
pub(crate) fn schedule_owned(this: *const Shared, task: Task) -> Result<(), Task> {
    with_context(|cx| {
        let Some(cx) = cx.filter(|cx| std::ptr::eq::<Shared>(&*cx.shared, this)) else {
            return Err(task);
        };
        let Ok(mut core) = cx.core.try_borrow_mut() else {
            return Err(task);
        };
        match core.as_mut() {
            Some(core) if !cx.shared.is_shutdown() => {
                core.queue.push_back(task);
                Ok(())
            }
            _ => Err(task),
        }
    })
}

/// Defer `waker` to after the holder's next driver turn if this thread
/// holds a current-thread core; returns whether it did.
pub(crate) fn defer(waker: &Waker) -> bool {
    with_context(|cx| {
        let Some(cx) = cx else { return false };
        let Ok(mut core) = cx.core.try_borrow_mut() else {
            return false;
        };
        let Some(core) = core.as_mut() else {
            return false;
        };
        crate::context::push_deferred(&mut core.deferred, waker);
        true
    })
}

/// The cooperative budget's hook on the core's thread.
fn defer_or_wake(waker: &Waker) {
    if !defer(waker) {
        waker.wake_by_ref();
    }
}

/// The block_on future's waker (see "Protocol" for `driving`).
struct BlockOnWaker {
    woken: AtomicBool,
    driving: AtomicBool,
    /// The thread's own parker, once it has had to wait for the core.
    thread: OnceLock<StdArc<crate::block_on::ThreadWaker>>,
    shared: Arc<Shared>,
}

impl Wake for BlockOnWaker {
    fn wake(self: StdArc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &StdArc<Self>) {
        // SeqCst write then load: pairs with the store of `driving` and the
        // load of `woken` in `drive` (see "Protocol"). A swap, not a store:
        // a read-modify-write continues the release sequence of an earlier
        // wake's write, so the holder's swap that reads this one also sees
        // what that wake's waker wrote (a store would cut it off, and the
        // poll after it could miss that wake's writes while consuming it).
        self.woken.swap(true, SeqCst);
        if self.driving.load(SeqCst) {
            self.shared.parker.unpark();
        } else if let Some(thread) = self.thread.get() {
            thread.0.unpark();
        }
    }
}

/// Run `future` to completion on this thread, running the runtime's tasks
/// while this thread holds the core.
pub(crate) fn block_on<F: Future>(shared: &Arc<Shared>, future: F) -> F::Output {
    let state = StdArc::new(BlockOnWaker {
        // Polled once at the start.
        woken: AtomicBool::new(true),
        driving: AtomicBool::new(false),
        thread: OnceLock::new(),
        shared: shared.clone(),
    });
    let waker = Waker::from(state.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Some(core) = shared.take_core(None) {
            return drive(shared, core, &state, future, &mut cx);
        }
        // Another thread holds the core: poll our future when woken, and
        // wait for either a wake or the core.
        let thread = state.thread.get_or_init(crate::block_on::thread_parker);
        // SeqCst: pairs with the waker's store (see "Protocol").
        if state.woken.swap(false, SeqCst) {
            if let Poll::Ready(out) = rt_core::coop::budget(|| future.as_mut().poll(&mut cx)) {
                return out;
            }
            continue;
        }
        let thread_waker = Waker::from(thread.clone());
        if let Some(core) = shared.take_core(Some(&thread_waker)) {
            return drive(shared, core, &state, future, &mut cx);
        }
        // A wake or a release after the checks above left a token.
        thread.0.park(&Handoff::default());
    }
}

/// The core's holder: sets the thread's context, and on drop (a return or
/// a panic of the future) clears it and puts the core back.
struct Driving<'a> {
    cx: &'a CoreContext,
    state: &'a BlockOnWaker,
    prev: *const CoreContext,
    prev_hook: Option<fn(&Waker)>,
    /// `runtime::worker_index()` before: the core's thread is worker 0.
    prev_index: Option<usize>,
}

impl Drop for Driving<'_> {
    fn drop(&mut self) {
        self.state.driving.store(false, SeqCst);
        rt_core::context::set_worker_index(self.prev_index);
        rt_core::coop::set_defer(self.prev_hook);
        CURRENT.with(|c| c.set(self.prev));
        let core = self.cx.core.borrow_mut().take();
        if let Some(mut core) = core {
            let shared = &self.cx.shared;
            let (queue, deferred) = if shared.is_shutdown() {
                (
                    std::mem::take(&mut core.queue),
                    std::mem::take(&mut core.deferred),
                )
            } else {
                Default::default()
            };
            shared.release_core(core);
            drop(queue);
            drop(deferred);
        }
    }
}

fn drive<F: Future>(
    shared: &Arc<Shared>,
    core: Box<Core>,
    state: &BlockOnWaker,
    mut future: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> F::Output {
    let context = CoreContext {
        shared: shared.clone(),
        core: RefCell::new(Some(core)),
    };
    let _driving = Driving {
        cx: &context,
        state,
        prev: CURRENT.with(|c| c.replace(&context)),
        prev_hook: rt_core::coop::set_defer(Some(defer_or_wake)),
        prev_index: rt_core::context::worker_index(),
    };
    // The thread holding the core is the runtime's one worker, index 0 (as
    // tokio's); a second `block_on` waiting for the core is no worker.
    rt_core::context::set_worker_index(Some(0));
    // SeqCst: then `woken` is read below (see "Protocol").
    state.driving.store(true, SeqCst);
    let event_interval = shared.config.event_interval;
    let counters = shared.metrics.worker(0);
    let poll_hooks = shared.config.task_hooks.poll.as_ref();
    let mut busy_since = std::time::Instant::now();
    loop {
        // SeqCst: pairs with the waker's store.
        if state.woken.swap(false, SeqCst)
            && let Poll::Ready(out) = rt_core::coop::budget(|| future.as_mut().poll(cx))
        {
            // The busy period that ends with `block_on` counts too
            // (a `block_on` that never parked would report none).
            counters.busy_until_now(busy_since);
            return out;
        }
        let mut drained = false;
        for _ in 0..event_interval {
            let Some(task) = context.next_task() else {
                drained = true;
                break;
            };
            counters.polled();
            rt_core::coop::budget(|| crate::hooks::run(poll_hooks, task));
        }
        let idle = || drained && !context.has_deferred() && !state.woken.load(SeqCst);
        // `on_thread_park` runs before the thread would block; it may
        // spawn, wake or defer: then the thread turns the drivers without
        // blocking instead, and `on_thread_unpark` still pairs with it.
        let parking = idle();
        if parking {
            shared.config.thread_parking();
        }
        if parking && idle() && !context.has_queued() {
            // Nothing to run: block in the drivers until a wake-up (a
            // remote push, the future's waker), an I/O event or a timer.
            counters.parking(busy_since);
            shared.parker.park(&shared.handoff);
            counters.unparked();
            busy_since = std::time::Instant::now();
        } else if let Some(driver) = &shared.driver {
            // Busy: a turn without blocking, so I/O and timers flow.
            driver.try_turn(Some(Duration::ZERO), &mut |_| true);
        }
        if parking {
            shared.config.thread_unparked();
        }
        context.wake_deferred();
    }
}

impl CoreContext {
    /// The next task: from the local queue, or the shared one (first,
    /// every `global_queue_interval` ticks).
    fn next_task(&self) -> Option<Task> {
        let shared = &self.shared;
        if shared.is_shutdown() {
            let queue = self
                .core
                .borrow_mut()
                .as_mut()
                .map(|c| std::mem::take(&mut c.queue));
            drop(queue);
            return None;
        }
        let mut core = self.core.borrow_mut();
        let core = core.as_mut()?;
        core.tick = core.tick.wrapping_add(1);
        if core
            .tick
            .is_multiple_of(shared.config.global_queue_interval)
        {
            shared.pop_remote().or_else(|| core.queue.pop_front())
        } else {
            core.queue.pop_front().or_else(|| shared.pop_remote())
        }
    }

    /// Whether the local queue holds a task.
    fn has_queued(&self) -> bool {
        self.core
            .borrow()
            .as_ref()
            .is_some_and(|c| !c.queue.is_empty())
    }

    fn has_deferred(&self) -> bool {
        self.core
            .borrow()
            .as_ref()
            .is_some_and(|c| !c.deferred.is_empty())
    }

    /// Wake the tasks that yielded: they go to the back of the local queue.
    fn wake_deferred(&self) {
        let deferred = match self.core.borrow_mut().as_mut() {
            Some(core) => std::mem::take(&mut core.deferred),
            None => return,
        };
        // A panicking waker (user code) is contained.
        rt_core::wake_all_contained(deferred.into_iter());
    }
}
