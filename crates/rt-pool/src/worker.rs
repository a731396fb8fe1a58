//! The worker loop and the state all workers share.
//!
//! A worker repeats: take the next task (scheduler order), else search
//! (steal) if allowed, else park — in the reactor if it is free, else on its
//! condvar. See `idle` for how workers are woken and `park` for how they
//! block.

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::time::Duration;

use rt_scheduler::{Local, Queues};
use rt_task::{OwnedTasks, Task};

use crate::blocking::BlockingPool;
use crate::builder::Config;
use crate::context::{self, WorkerContext};
use crate::driver::Drivers;
use crate::idle::Idle;
use crate::park::{Driver, Handoff, Parker};
use crate::rescue::{Rescue, Watch};
use crate::Handle;
// The shared state's `Arc` goes through the loom shim: the models then
// see its lifetime (a reference left behind at shutdown is a leak loom
// reports).
use rt_core::loom::Arc as SharedArc;
use rt_core::loom::{
    AtomicBool, AtomicUsize, Condvar, Mutex, Ordering::Acquire, Ordering::Release, Ordering::SeqCst,
};

/// Everything the workers and handles of one runtime share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) queues: Queues,
    pub(crate) idle: Idle,
    pub(crate) parkers: Box<[Parker]>,
    /// Who watches the reactor when its owner leaves it (see `park`).
    pub(crate) handoff: Handoff,
    /// Whether the driver's holder watches for a stuck worker (`rescue`).
    pub(crate) watch: Watch,
    pub(crate) owned: OwnedTasks,
    pub(crate) drivers: Arc<Drivers>,
    pub(crate) driver: Option<Arc<dyn Driver>>,
    pub(crate) blocking: BlockingPool,
    pub(crate) config: Config,
    /// This runtime's id (`Handle::id`).
    pub(crate) id: crate::id::Id,
    /// The workers' counters (`metrics`).
    pub(crate) metrics: crate::metrics::Counters,
    shutdown: AtomicBool,
    /// How many threads are inside `block_in_place`'s closure having given
    /// their core away: shutdown may then have threads to leave behind.
    away: AtomicUsize,
    /// How many worker threads have left their loop (for shutdown_timeout).
    exited: Mutex<usize>,
    exited_cv: Condvar,
}

impl Shared {
    pub(crate) fn new(config: Config, drivers: Arc<Drivers>) -> (SharedArc<Shared>, Vec<Local>) {
        let driver: Arc<dyn Driver> = drivers.clone();
        Shared::with_driver(config, drivers, Some(driver))
    }

    /// `new`, with `driver` where idle workers block instead of the
    /// reactor (`None`: on their condvars only; the loom models).
    pub(crate) fn with_driver(
        config: Config,
        drivers: Arc<Drivers>,
        driver: Option<Arc<dyn Driver>>,
    ) -> (SharedArc<Shared>, Vec<Local>) {
        let n = config.worker_threads;
        let (queues, locals) = Queues::new(n, config.global_queue_interval);
        let blocking = BlockingPool::new(&config, drivers.time.clone());
        let shared = SharedArc::new(Shared {
            queues,
            idle: Idle::new(n),
            parkers: (0..n).map(|_| Parker::new(driver.clone())).collect(),
            handoff: Handoff::default(),
            watch: Watch::new(n),
            owned: OwnedTasks::new(),
            drivers,
            driver,
            blocking,
            config,
            id: crate::id::Id::next(),
            metrics: crate::metrics::Counters::new(n),
            shutdown: AtomicBool::new(false),
            away: AtomicUsize::new(0),
            exited: Mutex::new(0),
            exited_cv: Condvar::new(),
        });
        (shared, locals)
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        // Acquire: pairs with the Release in `begin_shutdown`.
        self.shutdown.load(Acquire)
    }

    /// Ask every worker to stop, waking the parked ones.
    pub(crate) fn begin_shutdown(&self) {
        self.shutdown.store(true, Release);
        for p in self.parkers.iter() {
            p.unpark();
        }
    }

    /// Wake one parked worker if none is searching (work was queued).
    /// `me`: the calling worker, never chosen (it may be the reactor's owner
    /// queuing what the reactor woke).
    pub(crate) fn notify_parked(&self, me: Option<usize>) {
        self.wake_one(me, true);
    }

    /// The same for a guess that more work may be queued (the last searcher
    /// found some): the reactor's owner is pulled out of its wait only if a
    /// queue really holds work; a producer that queues later wakes a worker
    /// itself.
    pub(crate) fn notify_parked_maybe_work(&self, me: usize) {
        self.wake_one(Some(me), false);
    }

    fn wake_one(&self, me: Option<usize>, work_queued: bool) {
        let pick = self.idle.worker_to_notify(|sleepers| {
            let eligible = |w: &usize| Some(*w) != me;
            // Prefer a condvar sleeper: the reactor's owner stays in the
            // reactor, waiting for I/O, while a sibling takes the work.
            sleepers
                .iter()
                .rposition(|w| eligible(w) && !self.parkers[*w].in_driver())
                .or_else(|| {
                    (work_queued || self.queues.has_work())
                        .then(|| sleepers.iter().rposition(eligible))
                        .flatten()
                })
        });
        if let Some(worker) = pick {
            self.parkers[worker].unpark();
        }
    }

    /// A thread gave its core away in `block_in_place` (`true`), or is
    /// back from the closure (`false`).
    pub(crate) fn core_away(&self, away: bool) {
        // SeqCst (and the hand-off's mutexes): an increment made before a
        // core went to another thread is seen by shutdown, which reads this
        // after that core's loop counted its exit.
        if away {
            self.away.fetch_add(1, SeqCst);
        } else {
            self.away.fetch_sub(1, SeqCst);
        }
    }

    /// Whether some thread may be inside `block_in_place`'s closure with
    /// its core given away (see `core_away`).
    pub(crate) fn any_core_away(&self) -> bool {
        // SeqCst: see `core_away`.
        self.away.load(SeqCst) > 0
    }

    fn worker_exited(&self) {
        *self.exited.lock() += 1;
        self.exited_cv.notify_one();
    }

    /// `n` workers will never run (their threads could not be spawned):
    /// count them as exited.
    pub(crate) fn workers_not_started(&self, n: usize) {
        if n > 0 {
            *self.exited.lock() += n;
            self.exited_cv.notify_one();
        }
    }

    /// Wait until all workers have left their loops, or `deadline` passes.
    /// Returns whether they all did.
    pub(crate) fn wait_workers_exited(&self, deadline: Option<std::time::Instant>) -> bool {
        let n = self.config.worker_threads;
        let mut exited = self.exited.lock();
        while *exited < n {
            match deadline {
                None => exited = self.exited_cv.wait(exited),
                Some(d) => {
                    let now = std::time::Instant::now();
                    if now >= d {
                        return false;
                    }
                    drop(exited);
                    // parking_lot's timed wait is not in the loom shim; a
                    // short sleep-and-recheck is fine for a shutdown path.
                    std::thread::sleep((d - now).min(Duration::from_millis(1)));
                    exited = self.exited.lock();
                }
            }
        }
        true
    }
}

/// Where a task being queued comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Newly spawned.
    Spawn,
    /// Woken by someone (maybe the running task).
    Wake,
    /// Woke itself during its own poll (`yield_now`).
    Yield,
}

impl Shared {
    /// Queue `task`: on this runtime's worker, into its own queues (the LIFO
    /// slot for a task the running task woke or spawned); elsewhere, the injector.
    pub(crate) fn schedule_task(&self, task: Task, origin: Origin) {
        context::with_worker(|worker| match worker {
            Some(w)
                if w.handle
                    .as_multi_thread()
                    .is_some_and(|s| std::ptr::eq::<Shared>(&**s, self)) =>
            {
                self.schedule_on_worker(w, task, origin);
            }
            _ => match self.queues.push_remote(task) {
                Ok(()) if origin == Origin::Spawn => {
                    self.metrics.spawned_remotely();
                    self.notify_parked(None);
                }
                Ok(()) => self.notify_parked(None),
                // Shut down: the owner list cancels the task; this queue
                // reference just goes.
                Err(task) => drop(task),
            },
        });
    }

    /// `Schedule::schedule_owned` for a runtime whose shared state is at
    /// `this` (compared, never dereferenced): queues `task` if this thread
    /// is one of that runtime's workers — whose context keeps the shared
    /// state alive, so nothing of the task's cell is read after the push —
    /// and returns it otherwise.
    pub(crate) fn schedule_owned(
        this: *const Shared,
        task: Task,
        origin: Origin,
    ) -> Result<(), Task> {
        context::with_worker(|worker| {
            let Some(w) = worker else { return Err(task) };
            match w.handle.as_multi_thread() {
                Some(s) if std::ptr::eq::<Shared>(&**s, this) => {
                    s.schedule_on_worker(w, task, origin);
                    Ok(())
                }
                _ => Err(task),
            }
        })
    }

    /// Queue `task` on the worker `w` of this runtime (this thread's).
    fn schedule_on_worker(&self, w: &WorkerContext, task: Task, origin: Origin) {
        let me = w.local.index();
        if origin == Origin::Spawn {
            self.metrics.worker(me).spawned();
        }
        if w.local_only.get() {
            // Woken by this worker's reactor turn: it runs the task
            // itself when the turn returns (see `Worker::park`).
            w.local.push(task);
            return;
        }
        // A task the running task spawned or woke goes to the LIFO slot
        // and runs next, here, where what the two share is hot: a chain of
        // spawns or a message exchange stays on one worker and wakes no
        // sibling, which would only steal it (a migration and a context
        // switch per link). A task yielding goes to the back of the deque.
        if origin != Origin::Yield && w.polling.get() {
            if !w.local.push_lifo(task) {
                // Nothing new to steal: the slotted task runs next, here —
                // unless this poll goes on for long; the driver's holder
                // watches for that (`rescue`), if told to. (Tasks already
                // in the deque had their notify when they were queued, as
                // in tokio: a notify per slotted task, a SeqCst fence and a
                // read of the idle state, cost ping_pong ~3.5% of its CPU.)
                if self.watch.ensure_watched()
                    && let Some(driver) = &self.driver
                {
                    driver.unpark();
                }
                return;
            }
        } else {
            w.local.push(task);
        }
        self.notify_parked(Some(me));
    }
}

/// Most yielded tasks woken per round: crossbeam's smallest deque buffer.
const DEFERRED_BATCH: usize = 64;

/// A worker's core: its queues, deferred wakers and busy period — what
/// `block_in_place` hands to another thread while its task blocks.
///
/// One thread at a time runs a core (the hand-off protocol in
/// `block_in_place` decides which); the thread it left keeps an `Arc` to it
/// only to keep the memory its `Worker` borrows alive, and touches it no
/// more.
#[derive(Debug)]
pub(crate) struct Core(pub(crate) WorkerContext);

// SAFETY: `WorkerContext` is `Send` (a `Local`, cells, wakers, a handle)
// but not `Sync` (its cells). An `Arc<Core>` is shared between threads only
// through `block_in_place`'s hand-off, after which the thread that gave the
// core away never reads or writes it again (its loop stops at the end of
// the poll, `Owner::handed_off`); the hand-off's mutex orders everything the
// giver did before everything the taker does. So the cells are never used
// by two threads at once.
unsafe impl Sync for Core {}

// SAFETY: what keeps `WorkerContext` from being `Send` is `owner`, a
// pointer to the `Owner` on the stack of the thread running the core. Only
// that thread dereferences it (`block_in_place`, inside a poll of that
// loop); a thread that takes the core over sets its own before it reads it.
unsafe impl Send for Core {}

// What the `Send` claim above rests on, checked: everything else in a
// `WorkerContext` is `Send` of its own.
const _: () = {
    fn send<T: Send>() {}
    let _ = send::<Local>;
    let _ = send::<Handle>;
    let _ = send::<RefCell<Vec<std::task::Waker>>>;
};

/// The loop that holds a core, on its thread's stack: what
/// `block_in_place` needs to give the core away and tell the loop so.
#[derive(Debug)]
pub(crate) struct Owner {
    pub(crate) core: Arc<Core>,
    /// Set by `block_in_place` when the core went to another thread and
    /// did not come back: the loop stops after the poll it is in, touching
    /// the core no more.
    pub(crate) handed_off: Cell<bool>,
}

/// One worker thread's loop.
struct Worker<'a> {
    cx: &'a WorkerContext,
    owner: &'a Owner,
    shared: &'a Shared,
    searching: bool,
    /// A buffer kept for `wake_deferred`, so its capacity is reused.
    spare: Vec<std::task::Waker>,
    /// How many of the deferred wakers (from the front) were deferred
    /// before this worker's last reactor turn: those may run without
    /// another turn.
    turned: usize,
    /// This worker held the driver since it last parked: before its next
    /// task it hands the driver off if a parker asked (`hand_off_driver`).
    owe_handoff: bool,
    /// What this worker saw of the others' LIFO slots (`rescue`).
    rescue: Rescue,
    /// A park ended since the last rescue check.
    rescue_due: bool,
    /// `Local::queue_picks` at the last event-interval reactor turn
    /// (`run_task`).
    turned_at: u32,
}

/// Counts a worker's exit when dropped, so that shutdown (which waits for
/// every worker to leave its loop) is told even if the thread unwinds. A
/// loop whose core went elsewhere (`block_in_place`) is not the worker's
/// exit: the loop that runs the core last counts it.
struct ExitGuard<'a>(&'a Shared, &'a Owner);

impl Drop for ExitGuard<'_> {
    fn drop(&mut self) {
        if !self.1.handed_off.get() {
            self.0.worker_exited();
        }
    }
}

/// The body of worker thread `local.index()`.
pub(crate) fn run(handle: Handle, local: Local) {
    let core = Arc::new(Core(WorkerContext {
        handle,
        local,
        polling: Cell::new(false),
        local_only: Cell::new(false),
        deferred: RefCell::new(Vec::new()),
        busy_since: Cell::new(std::time::Instant::now()),
        owner: Cell::new(std::ptr::null()),
    }));
    run_core(core, true);
}

/// Run `core`'s worker loop on this thread until shutdown, or until
/// `block_in_place` gives the core to another thread and keeps it there.
/// `thread_hooks`: this thread is a worker thread of its own (not a
/// blocking-pool thread, whose pool calls the start and stop hooks).
pub(crate) fn run_core(core: Arc<Core>, thread_hooks: bool) {
    let owner = Owner {
        core,
        handed_off: Cell::new(false),
    };
    let cx = &owner.core.0;
    let shared: &Shared = cx
        .handle
        .as_multi_thread()
        .expect("a worker runs a multi-thread runtime");
    let _exit = ExitGuard(shared, &owner);
    let _current = context::set_current(&cx.handle);
    cx.owner.set(&owner);
    let _worker = context::enter_worker(cx);
    if thread_hooks {
        shared.config.thread_started();
    }
    Worker {
        cx,
        owner: &owner,
        shared,
        searching: false,
        spare: Vec::new(),
        turned: 0,
        owe_handoff: false,
        rescue: Rescue::new(shared.config.worker_threads),
        rescue_due: false,
        turned_at: 0,
    }
    .run();
    if !owner.handed_off.get() {
        // Drop the queue references and deferred wakers this worker still
        // holds; the tasks themselves are shut down through the owner list.
        drop(cx.local.drain());
        drop(cx.deferred.take());
    }
    if thread_hooks {
        shared.config.thread_stopped();
    }
}

impl Worker<'_> {
    fn run(&mut self) {
        // `handed_off`: a plain read of this thread's own stack, once per
        // pass (no atomic, no thread-local).
        while !self.owner.handed_off.get() && !self.shared.is_shutdown() {
            if let Some(task) = self.cx.local.next_task(&self.shared.queues) {
                self.run_task(task);
                continue;
            }
            if !self.searching {
                self.searching = self.shared.idle.transition_worker_to_searching();
            }
            if self.searching {
                let counters = self.shared.metrics.worker(self.cx.local.index());
                let mut stolen = |n| counters.stole(n);
                if let Some(task) = self
                    .cx
                    .local
                    .steal_counted(&self.shared.queues, &mut stolen)
                {
                    self.run_task(task);
                    continue;
                }
            }
            // Once per park (the watcher's bounded waits end every
            // `CHECK_INTERVAL`), not per pass: reading the others' ticks
            // pulls their cache lines.
            if std::mem::take(&mut self.rescue_due)
                && let Some(task) = self
                    .rescue
                    .check(&self.shared.queues, self.cx.local.index())
            {
                // Taken from a sibling's queue (its LIFO slot): a steal.
                let counters = self.shared.metrics.worker(self.cx.local.index());
                counters.stole(1);
                self.run_task(task);
                continue;
            }
            if !self.cx.deferred.borrow().is_empty() {
                // Tasks that yielded run after a reactor turn that came
                // after their yield: turn it, unless the last turn did.
                if self.turned == 0 {
                    self.turn_reactor();
                }
                self.wake_deferred();
                continue;
            }
            // The hook may spawn, wake or defer: that work runs first (and
            // `on_thread_unpark` still pairs with it).
            self.shared.config.thread_parking();
            if self.cx.local.is_empty() && self.cx.deferred.borrow().is_empty() {
                self.park();
            }
            self.shared.config.thread_unparked();
        }
        if self.owner.handed_off.get() {
            // The core runs on another thread, which counts on.
            return;
        }
        // The last busy period, from the last unpark to shutdown.
        let counters = self.shared.metrics.worker(self.cx.local.index());
        counters.busy_until_now(self.cx.busy_since.get());
    }

    fn run_task(&mut self, task: Task) {
        if self.owe_handoff {
            self.owe_handoff = false;
            self.hand_off_driver();
        }
        if self.searching {
            self.searching = false;
            if self.shared.idle.transition_worker_from_searching() {
                // The last searcher found work: there may be more.
                self.shared.notify_parked_maybe_work(self.cx.local.index());
            }
        }
        self.shared.metrics.worker(self.cx.local.index()).polled();
        self.cx.polling.set(true);
        // A fresh cooperative budget for this poll (`rt_core::coop`); an
        // exhausted task is deferred through the hook `enter_worker` set.
        let poll_hooks = self.shared.config.task_hooks.poll.as_ref();
        rt_core::coop::budget(|| crate::hooks::run(poll_hooks, task));
        if self.owner.handed_off.get() {
            // The task called `block_in_place` and the core stayed with the
            // thread it went to: it is not this loop's any more.
            return;
        }
        self.cx.polling.set(false);
        // Once per `event_interval` picks from the queues (a task from the
        // LIFO slot, as in tokio, or one stolen or rescued, is none: the
        // count may not have moved since the last turn).
        let picks = self.cx.local.queue_picks();
        if picks.is_multiple_of(self.shared.config.event_interval) && picks != self.turned_at {
            self.turned_at = picks;
            self.turn_reactor();
            // Tasks that yielded rejoin the queue here too, not only when
            // the queues run dry: under a load that never lets them (tasks
            // waking each other forever) they would wait for good.
            if !self.cx.deferred.borrow().is_empty() {
                self.wake_deferred();
            }
        }
    }

    /// Wake the tasks that yielded before the last reactor turn, at most
    /// `DEFERRED_BATCH` at a time so the deque never has to grow
    /// (crossbeam reallocates its buffer past 64 tasks and again when it
    /// drains; README.md, "Figures behind the constants"). The rest wait for
    /// the next round, which needs no new turn for them (`turned`): one
    /// `epoll_wait` per round of every yielded task, not per batch of 64.
    /// One notify for the batch, not one per task.
    fn wake_deferred(&mut self) {
        let mut batch = std::mem::take(&mut self.spare);
        {
            let mut deferred = self.cx.deferred.borrow_mut();
            let n = deferred.len().min(DEFERRED_BATCH).min(self.turned);
            batch.extend(deferred.drain(..n));
            self.turned -= n;
        }
        // A panicking waker (user code) is contained.
        self.queue_locally(|| rt_core::wake_all_contained(batch.drain(..)));
        self.spare = batch;
        self.offer_surplus();
    }

    /// Run `f` with what it wakes queued on this worker's deque and no
    /// sibling woken per task (see `WorkerContext::local_only`); the caller
    /// then shares with `offer_surplus`.
    fn queue_locally<R>(&self, f: impl FnOnce() -> R) -> R {
        self.cx.local_only.set(true);
        let out = f();
        self.cx.local_only.set(false);
        out
    }

    /// This worker held the driver and now runs a task, which may block
    /// its thread: if a parker asked for the driver meanwhile, ask one
    /// condvar sleeper to take it (`park`, "Who watches the reactor").
    fn hand_off_driver(&self) {
        if self.shared.handoff.take_wanted() {
            // The parker that asked may not sleep on its condvar yet: a
            // recheck waits for it (the flag is sticky). So prefer one that
            // sleeps there, else any sleeper not in the driver.
            let parkers = &self.shared.parkers;
            let idle = &self.shared.idle;
            let sleeper = idle
                .find_sleeper(|w| parkers[w].in_condvar())
                .or_else(|| idle.find_sleeper(|w| !parkers[w].in_driver()));
            if let Some(sleeper) = sleeper {
                parkers[sleeper].recheck();
            }
        }
    }

    /// Wake a sibling if this worker holds more than the task it runs next.
    fn offer_surplus(&self) {
        if self.cx.local.len() > 1 {
            self.shared.notify_parked(Some(self.cx.local.index()));
        }
    }

    /// Turn the reactor without blocking, if no other thread holds it:
    /// every `event_interval` ticks (so I/O and timers flow while every
    /// worker is busy) and before re-running tasks that yielded.
    fn turn_reactor(&mut self) {
        // Every task deferred so far yielded before this turn.
        self.turned = self.cx.deferred.borrow().len();
        if let Some(driver) = &self.shared.driver {
            // What the turn wakes is queued here without a wake-up per task;
            // siblings are woken only if there is more than this worker's
            // next task. (A wake per task pulls an idle sibling in, which
            // then steals the task: a context switch where none is needed;
            // README.md, "Figures behind the constants".)
            let turned =
                self.queue_locally(|| driver.try_turn(Some(Duration::ZERO), &mut |_| true));
            // While this worker held the driver, a parker may have found it
            // held and gone to sleep: it is owed a look (see `park`).
            self.owe_handoff |= turned.is_some();
            self.offer_surplus();
        }
    }

    fn park(&mut self) {
        let me = self.cx.local.index();
        let counters = self.shared.metrics.worker(me);
        counters.parking(self.cx.busy_since.get());
        let was_last = self
            .shared
            .idle
            .transition_worker_to_parked(me, self.searching);
        self.searching = false;
        if was_last && self.shared.queues.has_work() {
            // Work arrived while we were the only one looking: make sure a
            // worker (maybe this one) is awake for it.
            self.shared.notify_parked(None);
        }
        // Parking, this worker takes the driver itself if it is free.
        self.owe_handoff = false;
        if !self.shared.is_shutdown() {
            let shared = self.shared;
            // In the driver, it watches the others while one runs
            // (`rescue`): its wait is bounded then.
            let mut bound = || shared.watch.bound_for_wait(|| shared.idle.any_unparked());
            let in_driver =
                self.queue_locally(|| shared.parkers[me].park_bounded(&shared.handoff, &mut bound));
            // Held the driver: if a task runs next, a sleeper takes over.
            self.owe_handoff = in_driver;
        }
        counters.unparked();
        self.cx.busy_since.set(std::time::Instant::now());
        self.rescue_due = true;
        if !self.shared.idle.unpark_worker_by_id(me) {
            // A producer popped us: we count as a searcher.
            self.searching = true;
        }
        // The reactor may have woken more than this worker will run next.
        self.offer_surplus();
    }
}
