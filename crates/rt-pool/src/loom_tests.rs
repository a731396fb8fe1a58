//! loom models of the park/notify protocol (`park`, with and without a
//! driver) and of the idle set
//! (`idle`): no wake-up is lost. A lost wake-up leaves a worker parked
//! forever, which loom reports as a deadlock. Run with
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p rt-pool --release --lib`.

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use loom::sync::Arc;
use loom::thread;

use crate::idle::Idle;
use crate::park::{Handoff, Parker};

#[test]
fn unpark_before_or_during_park_is_never_lost() {
    loom::model(|| {
        let parker = Arc::new(Parker::new(None));
        let p = parker.clone();
        let t = thread::spawn(move || p.unpark());
        parker.park(&Handoff::default());
        t.join().unwrap();
    });
}

#[test]
fn two_unparks_two_parks() {
    loom::model(|| {
        let parker = Arc::new(Parker::new(None));
        let flag = Arc::new(AtomicUsize::new(0));
        let (p, f) = (parker.clone(), flag.clone());
        let t = thread::spawn(move || {
            f.store(1, SeqCst);
            p.unpark();
            f.store(2, SeqCst);
            p.unpark();
        });
        while flag.load(SeqCst) < 2 {
            parker.park(&Handoff::default());
        }
        t.join().unwrap();
    });
}

/// The runtime in miniature: `workers` workers, a queue of task counts,
/// one producer. Each worker runs the real idle-set transitions in the
/// worker loop's order; the worker that takes the last task stops the rest.
struct Mini {
    idle: Idle,
    parkers: Vec<Parker>,
    queue: AtomicUsize,
    done: AtomicBool,
}

impl Mini {
    fn new(workers: usize) -> Arc<Mini> {
        Arc::new(Mini {
            idle: Idle::new(workers),
            parkers: (0..workers).map(|_| Parker::new(None)).collect(),
            queue: AtomicUsize::new(0),
            done: AtomicBool::new(false),
        })
    }

    fn notify(&self) {
        if let Some(w) = self.idle.worker_to_notify(|s| s.len().checked_sub(1)) {
            self.parkers[w].unpark();
        }
    }

    fn take(&self) -> bool {
        self.queue
            .fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    fn worker(&self, me: usize, tasks: usize) {
        let mut searching = false;
        while !self.done.load(SeqCst) {
            // The injector is checked whether or not the worker searches
            // (as `next_task` does); only stealing needs the searcher slot.
            if !searching {
                searching = self.idle.transition_worker_to_searching();
            }
            if self.take() {
                if std::mem::take(&mut searching) && self.idle.transition_worker_from_searching() {
                    self.notify();
                }
                // Ran the last task: stop everyone.
                if self.queue.load(SeqCst) == 0 && tasks == 1 {
                    self.done.store(true, SeqCst);
                    for p in &self.parkers {
                        p.unpark();
                    }
                }
                continue;
            }
            let was_last = self.idle.transition_worker_to_parked(me, searching);
            searching = false;
            if was_last && self.queue.load(SeqCst) > 0 {
                self.notify();
            }
            if !self.done.load(SeqCst) {
                self.parkers[me].park(&Handoff::default());
            }
            if !self.idle.unpark_worker_by_id(me) {
                searching = true;
            }
        }
    }
}

#[test]
fn one_worker_one_task_no_lost_wakeup() {
    loom::model(|| {
        let mini = Mini::new(1);
        let m = mini.clone();
        let producer = thread::spawn(move || {
            m.queue.fetch_add(1, SeqCst);
            m.notify();
        });
        mini.worker(0, 1);
        producer.join().unwrap();
        assert_eq!(mini.queue.load(SeqCst), 0);
    });
}

#[test]
fn two_workers_one_remote_task_no_lost_wakeup() {
    loom::model(|| {
        let mini = Mini::new(2);
        let m = mini.clone();
        let other = thread::spawn(move || m.worker(1, 1));
        let m = mini.clone();
        let producer = thread::spawn(move || {
            m.queue.fetch_add(1, SeqCst);
            m.notify();
        });
        mini.worker(0, 1);
        producer.join().unwrap();
        other.join().unwrap();
        assert_eq!(mini.queue.load(SeqCst), 0);
    });
}

/// The reactor in miniature, for `park`'s driver path: one holder at a
/// time (a try-lock), and a wake-up token that the holder's wait consumes —
/// pending until some holder waits, as an eventfd write is. Its blocking
/// wait returns only on that token (no I/O, no timers), the strictest case.
#[derive(Debug, Default)]
struct MiniDriver {
    /// The try-lock: an atomic flag (as parking_lot's lock word is), so
    /// that loom orders a failed try against the holder's release.
    holder: AtomicBool,
    token: loom::sync::Mutex<bool>,
    woken: loom::sync::Condvar,
    /// Set when a parker has armed itself in the driver (see
    /// `wait_for_a_parker`).
    entered: loom::sync::Mutex<bool>,
    entered_cv: loom::sync::Condvar,
}

impl crate::park::Driver for MiniDriver {
    fn try_turn(
        &self,
        timeout: Option<std::time::Duration>,
        arm: &mut dyn FnMut(&mut Option<std::time::Duration>) -> bool,
    ) -> Option<usize> {
        // SeqCst: the model's lock word; the real one is parking_lot's.
        self.holder
            .compare_exchange(false, true, SeqCst, SeqCst)
            .ok()?;
        let turn = self.turn(timeout, arm);
        self.holder.store(false, SeqCst);
        Some(turn)
    }

    fn unpark(&self) {
        *self.token.lock().unwrap() = true;
        self.woken.notify_all();
    }

    fn turns(&self) -> u64 {
        0
    }
}

impl MiniDriver {
    /// One turn, the holder's part of `try_turn`.
    fn turn(
        &self,
        timeout: Option<std::time::Duration>,
        arm: &mut dyn FnMut(&mut Option<std::time::Duration>) -> bool,
    ) -> usize {
        let mut timeout = timeout;
        if !arm(&mut timeout) {
            return 0;
        }
        *self.entered.lock().unwrap() = true;
        self.entered_cv.notify_all();
        let mut token = self.token.lock().unwrap();
        if timeout != Some(std::time::Duration::ZERO) {
            while !*token {
                token = self.woken.wait(token).unwrap();
            }
        }
        // A zero-timeout turn (a busy worker's periodic check) consumes a
        // pending token too, as `epoll_wait` with timeout 0 drains the
        // eventfd's edge.
        usize::from(std::mem::take(&mut *token))
    }

    /// Blocks until a parker has armed itself in the driver: forever (a
    /// deadlock loom reports) if none ever does.
    fn wait_for_a_parker(&self) {
        let mut entered = self.entered.lock().unwrap();
        while !*entered {
            entered = self.entered_cv.wait(entered).unwrap();
        }
    }
}

/// A worker parks in the driver while a busy worker's zero-timeout turn
/// may take the driver at any moment, and a third thread unparks the first.
/// The unpark must reach it: if the parker could announce `PARKED_DRIVER`
/// before holding the driver, the busy turn would swallow the driver's
/// wake-up and the parker would then block in the driver for good (a hang
/// the executor benches hit; loom reports it as a deadlock).
#[test]
fn a_busy_workers_turn_never_swallows_a_parkers_wakeup() {
    loom::model(|| {
        // A std `Arc`: the parker's driver handle is one (it is not part
        // of the protocol; the driver's own lock and token are loom's).
        let driver = std::sync::Arc::new(MiniDriver::default());
        let parker = Arc::new(Parker::new(Some(driver.clone())));
        let busy = {
            let driver = driver.clone();
            thread::spawn(move || {
                use crate::park::Driver;
                let _ = driver.try_turn(Some(std::time::Duration::ZERO), &mut |_| true);
            })
        };
        let unparker = {
            let parker = parker.clone();
            thread::spawn(move || parker.unpark())
        };
        parker.park(&Handoff::default());
        busy.join().unwrap();
        unparker.join().unwrap();
    });
}

/// The reactor's hand-off ("Who watches the reactor" in `park`): a worker
/// parks while another holds the driver; the holder then leaves it to run
/// a task and hands off. The parker must end up in the driver — by its
/// second look, or woken by the hand-off — never asleep on its condvar
/// while the driver is free (the holder's task may block its thread, and
/// I/O would wait for it). A lost hand-off leaves the main thread waiting
/// for the parker to reach the driver forever: a deadlock, which loom
/// reports.
#[test]
fn a_parker_that_finds_the_driver_held_is_handed_it() {
    loom::model(|| {
        let driver = std::sync::Arc::new(MiniDriver::default());
        let parker = Arc::new(Parker::new(Some(driver.clone())));
        let handoff = Arc::new(Handoff::default());
        // This thread holds the driver, as a worker in a turn does.
        driver.holder.store(true, SeqCst);
        let sleeper = {
            let (parker, handoff) = (parker.clone(), handoff.clone());
            thread::spawn(move || parker.park(&handoff))
        };
        // It leaves the driver and starts a task: the worker's hand-off.
        driver.holder.store(false, SeqCst);
        if handoff.take_wanted() {
            parker.recheck();
        }
        driver.wait_for_a_parker();
        parker.unpark();
        assert!(sleeper.join().unwrap(), "the park ended in the driver");
    });
}

/// The real worker loop (`worker::run`: next task, search, park, shutdown)
/// on `workers` modelled threads, driven by the real `Handle::spawn` from
/// another thread, then the real shutdown signal. A lost wake-up leaves a
/// worker parked with the task queued (loom: deadlock); a worker that
/// misses the shutdown never exits (deadlock too). Workers park on their
/// condvars (no driver: the reactor is a real epoll, which loom cannot
/// model; the driver path has its own model above).
fn real_workers_run_a_remote_spawn_then_stop(workers: usize) {
    loom::model(move || {
        let workers = RealWorkers::start(workers);
        let ran = Arc::new(AtomicBool::new(false));
        let r = ran.clone();
        let join = workers.handle.spawn(async move { r.store(true, SeqCst) });
        while !join.is_finished() {
            thread::yield_now();
        }
        workers.stop();
        assert!(ran.load(SeqCst));
    });
}

/// The multi-thread runtime's real workers on loom threads (no driver
/// threads of their own: each worker parks on its condvar), for the
/// models above and below.
struct RealWorkers {
    shared: Arc<crate::worker::Shared>,
    handle: crate::Handle,
    threads: Vec<thread::JoinHandle<()>>,
}

impl RealWorkers {
    fn start(workers: usize) -> RealWorkers {
        use crate::worker::{self, Shared};
        use crate::{Builder, Handle};

        let config = Builder::new_multi_thread().worker_threads(workers).config();
        let drivers = std::sync::Arc::new(crate::driver::Drivers::new(workers).expect("a reactor"));
        let (shared, locals) = Shared::with_driver(config, drivers, None);
        let handle = Handle::multi_thread(shared.clone());
        let threads = locals
            .into_iter()
            .map(|local| {
                let handle = handle.clone();
                thread::spawn(move || worker::run(handle, local))
            })
            .collect();
        RealWorkers {
            shared,
            handle,
            threads,
        }
    }

    /// Signals shutdown, joins the workers, and runs the rest of
    /// `Runtime::shutdown`'s steps that hold references.
    fn stop(self) {
        self.shared.begin_shutdown();
        for t in self.threads {
            t.join().unwrap();
        }
        drop(self.shared.queues.close_remote());
        self.shared.owned.close_and_shutdown_all();
    }
}

/// Spawns made on a worker go to its LIFO slot, a second one displacing
/// the first into the deque (the only case that notifies a sibling, who
/// may steal it): two workers, a remote task that spawns two children,
/// all three run exactly once and the workers stop. A lost task leaves
/// the count short (loom: the main thread spins forever, a deadlock).
#[test]
fn real_worker_loop_spawns_on_a_worker_run_once() {
    loom::model(|| {
        let workers = RealWorkers::start(2);
        let ran = Arc::new(AtomicUsize::new(0));
        let r = ran.clone();
        drop(workers.handle.spawn(async move {
            for _ in 0..2 {
                let r = r.clone();
                drop(crate::spawn(async move {
                    r.fetch_add(1, SeqCst);
                }));
            }
            r.fetch_add(1, SeqCst);
        }));
        while ran.load(SeqCst) < 3 {
            thread::yield_now();
        }
        workers.stop();
        assert_eq!(ran.load(SeqCst), 3, "a task ran twice");
    });
}

#[test]
fn real_worker_loop_one_worker() {
    real_workers_run_a_remote_spawn_then_stop(1);
}

#[test]
fn real_worker_loop_two_workers() {
    real_workers_run_a_remote_spawn_then_stop(2);
}

/// The rescue watch's flag (`rescue`, "The flag"): the driver's holder
/// decides how long to wait while another worker wakes up and slots a task
/// without waking anyone. Either the holder sees that worker running and
/// bounds its wait (so it will look at the slot), or the worker sees the
/// flag clear and wakes the holder: never an unbounded wait with a task
/// slotted and nobody told.
#[test]
fn a_slotted_task_is_watched_or_the_holder_woken() {
    use crate::rescue::Watch;

    loom::model(|| {
        let idle = Arc::new(Idle::new(2));
        let watch = Arc::new(Watch::new(2));
        // The holder's previous wait was bounded (worker 1 was running):
        // the flag is set.
        assert!(watch.bound_for_wait(|| true).is_some());
        // Both workers parked; worker 0 holds the driver.
        idle.transition_worker_to_parked(0, false);
        idle.transition_worker_to_parked(1, false);
        let slotting = {
            let (idle, watch) = (idle.clone(), watch.clone());
            thread::spawn(move || {
                // Worker 1 wakes on its own, runs a task that slots another.
                assert!(idle.unpark_worker_by_id(1));
                watch.ensure_watched()
            })
        };
        let bound = watch.bound_for_wait(|| idle.any_unparked());
        let woke_holder = slotting.join().unwrap();
        assert!(
            bound.is_some() || woke_holder,
            "the holder waits unbounded and nobody woke it"
        );
    });
}

/// What a current-thread model's `block_on` future waits for: a flag and
/// its waker, with a correct waker protocol (the firer sets the flag, then
/// takes the waker under the lock; the waiter registers, then looks again).
#[derive(Default)]
struct Signal {
    fired: AtomicBool,
    waker: loom::sync::Mutex<Option<std::task::Waker>>,
}

impl Signal {
    fn fire(&self) {
        self.fired.store(true, SeqCst);
        let waker = self.waker.lock().unwrap().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn poll_fired(&self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        use std::task::Poll;
        if self.fired.load(SeqCst) {
            return Poll::Ready(());
        }
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        if self.fired.load(SeqCst) {
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

/// The current-thread runtime's wake-ups (`current_thread`, "Protocol"):
/// the real `block_on` holds the core, finds nothing to run and parks (on
/// its condvar: no driver under loom), while another thread spawns onto it
/// (`wake` false) or wakes its future (`wake` true). Either the holder's
/// checks see the task or the wake, or the park returns on the token the
/// other thread left: a lost wake-up is a deadlock here.
fn current_thread_block_on_sees_a_remote(wake: bool) {
    use std::future::poll_fn;
    use std::sync::Arc as StdArc;

    use crate::current_thread::{self, Shared};
    use crate::{Builder, Handle};

    loom::model(move || {
        let config = Builder::new_current_thread().config();
        let drivers = StdArc::new(crate::driver::Drivers::new(1).expect("a reactor"));
        let shared = Shared::with_driver(config, drivers, None);
        let handle = Handle::current_thread(shared.clone());
        // What the block_on future waits for.
        let signal = Arc::new(Signal::default());
        let fire = signal.clone();
        let other = thread::spawn(move || {
            if wake {
                fire.fire();
            } else {
                // The task runs on the block_on thread and fires there.
                drop(handle.spawn(async move { fire.fire() }));
            }
        });
        current_thread::block_on(&shared, poll_fn(|cx| signal.poll_fired(cx)));
        other.join().unwrap();
        drop(signal.waker.lock().unwrap().take());
        shared.shutdown(None);
    });
}

/// A second thread in `block_on` waits for the core (`current_thread`,
/// "Protocol", the core slot): each thread's future waits for a task it
/// spawned, which only the core's holder runs. Whichever thread takes the
/// core first, the other is woken when it is put back, or its task is run
/// by the holder and its future woken: a waiter never woken is a deadlock
/// here.
///
/// The tasks signal through a flag and a waker slot of the model's own
/// (the join's hand-off has its model in rt-task). Each future keeps a
/// clone of its waker in `kept` until both threads are joined: the waker's state lives in a std `Arc`
/// (`Wake` needs one), whose count loom cannot see either, so its last
/// drop must come after every use in an order loom does see.
#[test]
fn current_thread_second_block_on_gets_the_core_when_it_is_released() {
    use std::future::poll_fn;
    use std::sync::Arc as StdArc;
    use std::task::Waker;

    use loom::sync::Mutex;

    use crate::current_thread::{self, Shared};
    use crate::{Builder, Handle};

    /// Spawns a task that fires a signal, and waits for it in `block_on`.
    fn spawn_and_wait(shared: &Arc<Shared>, handle: &Handle, kept: &Mutex<Vec<Waker>>) {
        let signal = Arc::new(Signal::default());
        let fire = signal.clone();
        drop(handle.spawn(async move { fire.fire() }));
        current_thread::block_on(
            shared,
            poll_fn(|cx| {
                kept.lock().unwrap().push(cx.waker().clone());
                signal.poll_fired(cx)
            }),
        );
    }

    loom::model(|| {
        let config = Builder::new_current_thread().config();
        let drivers = StdArc::new(crate::driver::Drivers::new(1).expect("a reactor"));
        let shared = Shared::with_driver(config, drivers, None);
        let handle = Handle::current_thread(shared.clone());
        let kept = Arc::new(Mutex::new(Vec::new()));
        let other = {
            let (shared, handle, kept) = (shared.clone(), handle.clone(), kept.clone());
            thread::spawn(move || spawn_and_wait(&shared, &handle, &kept))
        };
        spawn_and_wait(&shared, &handle, &kept);
        other.join().unwrap();
        drop(std::mem::take(&mut *kept.lock().unwrap()));
        shared.shutdown(None);
    });
}

#[test]
fn current_thread_remote_spawn_is_never_lost() {
    current_thread_block_on_sees_a_remote(false);
}

#[test]
fn current_thread_remote_wake_of_block_on_is_never_lost() {
    current_thread_block_on_sees_a_remote(true);
}

/// Two threads each publish a result and wake the block_on future (the
/// real `block_on` holding the core, as above). A wake orders what its
/// waker wrote before the poll it causes (as a task's wake does, rt-task's
/// `to_notified`), so the results are plain `Relaxed` flags: whichever
/// wake the holder consumes last, the poll after it sees both. A wake
/// whose writes the holder's poll does not see is lost (its token is used
/// up by a park that does not poll again): a deadlock here.
#[test]
fn current_thread_two_wakes_of_block_on_each_order_their_writes() {
    use std::cell::RefCell;
    use std::future::poll_fn;
    use std::sync::Arc as StdArc;
    use std::task::Poll;

    use loom::sync::atomic::Ordering::Relaxed;

    use crate::current_thread::{self, Shared};
    use crate::Builder;

    loom::model(|| {
        let config = Builder::new_current_thread().config();
        let drivers = StdArc::new(crate::driver::Drivers::new(1).expect("a reactor"));
        let shared = Shared::with_driver(config, drivers, None);
        let results = Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
        let producers = RefCell::new(Vec::new());
        current_thread::block_on(
            &shared,
            poll_fn(|cx| {
                if producers.borrow().is_empty() {
                    // First poll: hand the waker to the two producers.
                    for i in 0..2 {
                        let (results, waker) = (results.clone(), cx.waker().clone());
                        producers.borrow_mut().push(thread::spawn(move || {
                            // Relaxed: the wake is what publishes it.
                            results[i].store(true, Relaxed);
                            waker.wake();
                        }));
                    }
                    return Poll::Pending;
                }
                let done = |i: usize| results[i].load(Relaxed);
                if done(0) && done(1) {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }),
        );
        for t in producers.take() {
            t.join().unwrap();
        }
        shared.shutdown(None);
    });
}

/// `block_in_place`'s hand-off (see its module docs): the giver puts the
/// core in a one-shot slot and a job races it to take the core back. Exactly
/// one of them runs the core, and whoever does sees every write the giver
/// made to it before the hand-off. The core is a `loom` cell written without
/// synchronisation of its own (as a worker's queues and counters are): loom
/// reports any two threads touching it unordered.
#[test]
fn block_in_place_core_goes_to_exactly_one_thread() {
    use crate::block_in_place::Slot;
    use loom::cell::UnsafeCell;

    struct Core(UnsafeCell<usize>);
    // SAFETY: test only; the model checks that one thread at a time uses it.
    unsafe impl Sync for Core {}

    fn run(core: &Core) {
        // SAFETY: the slot gives the core to one thread (what loom checks).
        core.0.with_mut(|polls| unsafe { *polls += 1 });
    }

    for job_runs in [true, false] {
        loom::model(move || {
            let core = Arc::new(Core(UnsafeCell::new(0)));
            // The giver polls with the core, then hands it off.
            run(&core);
            let slot = Arc::new(Slot::new(core.clone()));
            let taker = slot.clone();
            // The job; when it does not run, the pool dropped it unrun.
            let job = thread::spawn(move || {
                if job_runs {
                    taker.take().map(|core| run(&core)).is_some()
                } else {
                    drop(taker);
                    false
                }
            });
            // `f` returned: take it back if the job has not.
            let mine = slot.take().map(|core| run(&core)).is_some();
            let theirs = job.join().unwrap();
            assert!(mine ^ theirs, "exactly one thread runs the core");
            assert!(
                job_runs || mine,
                "a job dropped unrun leaves it to the giver"
            );
            // SAFETY: both threads are done.
            core.0.with(|polls| assert_eq!(unsafe { *polls }, 2));
        });
    }
}
