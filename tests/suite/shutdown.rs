//! Dropping a runtime stops it promptly and cleanly: tasks that would never
//! finish (pending forever, in a cycle of wakers, busy yielding) have their
//! futures dropped, every runtime thread exits and runs `on_thread_stop`;
//! `shutdown_timeout` bounds the wait for a task stuck in a poll; and a
//! handle that outlives its runtime spawns cancelled tasks, never panics.

use crate::support;

use std::collections::HashSet;
use std::future::pending;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use rt::runtime::{Builder, Runtime};
use rt::task::yield_now;
use support::{
    channel, run_isolated, thread_count, threads_named, wait_until, watchdog, Counted, Counter,
    DropGuard,
};

/// Worker threads per runtime.
const WORKERS: usize = 2;
/// Tasks pending forever on `std::future::pending`.
const PENDING: usize = 100;
/// Tasks in one ring: each holds the sender of the next one's channel and
/// waits on its own, so their wakers reference each other in a cycle.
const RING: usize = 50;
/// Tasks looping on `yield_now` forever.
const BUSY: usize = 4;
/// Dropping the runtime must take less than this.
const PROMPT: Duration = Duration::from_secs(2);
/// How long threads get to disappear from `/proc` after they were joined
/// or detached.
const SETTLE: Duration = Duration::from_secs(2);
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(60);

/// The threads a runtime started and stopped (through its callbacks).
#[derive(Clone, Default)]
struct Lifecycle {
    started: Arc<Mutex<Vec<ThreadId>>>,
    stopped: Arc<Mutex<Vec<ThreadId>>>,
}

impl Lifecycle {
    /// A builder for `WORKERS` workers named `name`, recording lifecycles.
    fn builder(&self, name: &str) -> Builder {
        let (started, stopped) = (self.started.clone(), self.stopped.clone());
        let mut b = Builder::new_multi_thread();
        b.worker_threads(WORKERS)
            .thread_name(name)
            .on_thread_start(move || started.lock().unwrap().push(std::thread::current().id()))
            .on_thread_stop(move || stopped.lock().unwrap().push(std::thread::current().id()));
        b
    }

    fn started(&self) -> Vec<ThreadId> {
        self.started.lock().unwrap().clone()
    }

    fn stopped(&self) -> Vec<ThreadId> {
        self.stopped.lock().unwrap().clone()
    }
}

/// Spawn a ring of `RING` tasks, each waiting on its channel while holding
/// the next one's sender: none can ever finish, and each one's waker is
/// kept alive by a channel that another of them keeps alive.
fn spawn_ring(rt: &Runtime, polls: &Counter, drops: &Counter) {
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..RING).map(|_| channel::<()>()).unzip();
    let mut senders: Vec<_> = senders.into_iter().map(Some).collect();
    for (i, mut rx) in receivers.into_iter().enumerate() {
        let next = senders[(i + 1) % RING].take().unwrap();
        drop(rt.spawn(Counted::new(
            async move {
                let _next = next;
                rx.recv().await;
                unreachable!("nobody sends and a sender is always alive");
            },
            polls,
            drops,
        )));
    }
}

#[test]
fn dropping_a_runtime_drops_never_ending_tasks_and_stops_its_threads() {
    const NAME: &str = "rt-shut-drop";
    // It counts every thread of the process: run it in a process of its own.
    if !run_isolated(
        module_path!(),
        "dropping_a_runtime_drops_never_ending_tasks_and_stops_its_threads",
        LIMIT + Duration::from_secs(10),
    ) {
        return;
    }
    watchdog(LIMIT, || {
        let threads_before = thread_count();
        assert_eq!(threads_named(NAME), 0);
        let life = Lifecycle::default();
        let rt = life.builder(NAME).build().expect("build the runtime");

        let (polls, drops) = (Counter::new(), Counter::new());
        for _ in 0..PENDING {
            drop(rt.spawn(Counted::new(pending::<()>(), &polls, &drops)));
        }
        spawn_ring(&rt, &polls, &drops);
        for _ in 0..BUSY {
            drop(rt.spawn(Counted::new(
                async {
                    loop {
                        yield_now().await;
                    }
                },
                &Counter::new(),
                &drops,
            )));
        }
        // An idle blocking thread, so the pool's threads are covered too.
        assert_eq!(rt.block_on(rt.spawn_blocking(|| 5)).unwrap(), 5);
        let total = PENDING + RING + BUSY;
        assert!(
            wait_until(Duration::from_secs(10), || polls.get() >= PENDING + RING),
            "every waiting task was polled once (its waker registered)"
        );
        // A few more, queued but maybe never polled.
        for _ in 0..PENDING {
            drop(rt.spawn(Counted::new(pending::<()>(), &Counter::new(), &drops)));
        }
        let total = total + PENDING;
        let runtime_threads = WORKERS + 1;
        // A thread takes its name when it first runs: on a loaded machine a
        // worker may not have been scheduled yet.
        assert!(
            wait_until(Duration::from_secs(10), || threads_named(NAME)
                == runtime_threads),
            "counting threads works: {} named threads, expected {runtime_threads}",
            threads_named(NAME)
        );
        assert_eq!(drops.get(), 0);

        let start = Instant::now();
        drop(rt);
        let took = start.elapsed();
        assert!(took < PROMPT, "dropping the runtime took {took:?}");

        assert_eq!(drops.get(), total, "every task's future was dropped once");
        let (started, stopped) = (life.started(), life.stopped());
        assert_eq!(started.len(), runtime_threads, "started: {started:?}");
        assert_eq!(
            started.iter().collect::<HashSet<_>>(),
            stopped.iter().collect::<HashSet<_>>(),
            "on_thread_stop ran on every thread that ran on_thread_start"
        );
        assert_eq!(stopped.len(), runtime_threads, "stopped once each");
        assert!(
            wait_until(SETTLE, || threads_named(NAME) == 0),
            "{} runtime threads left behind",
            threads_named(NAME)
        );
        assert!(
            wait_until(SETTLE, || thread_count() <= threads_before),
            "the process has {} threads, {threads_before} before the runtime",
            thread_count()
        );
    });
}

/// Records the drop of a future that, while being dropped, spawns another
/// task through the runtime's handle (as a destructor might).
struct SpawnOnDrop {
    handle: rt::runtime::Handle,
    child_drops: Counter,
    spawned: Counter,
    _guard: DropGuard,
}

impl Drop for SpawnOnDrop {
    fn drop(&mut self) {
        let guard = self.child_drops.drop_guard();
        let join = self.handle.spawn(async move {
            let _guard = guard;
            pending::<()>().await;
        });
        self.spawned.incr();
        drop(join);
    }
}

#[test]
fn a_destructor_that_spawns_during_shutdown_does_not_hang_or_leak() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .build()
            .expect("build the runtime");
        let (drops, child_drops, spawned, polls) = (
            Counter::new(),
            Counter::new(),
            Counter::new(),
            Counter::new(),
        );
        let holder = SpawnOnDrop {
            handle: rt.handle().clone(),
            child_drops: child_drops.clone(),
            spawned: spawned.clone(),
            _guard: drops.drop_guard(),
        };
        drop(rt.spawn(Counted::new(
            async move {
                let _holder = holder;
                pending::<()>().await;
            },
            &polls,
            &Counter::new(),
        )));
        assert!(wait_until(Duration::from_secs(10), || polls.get() == 1));
        let start = Instant::now();
        drop(rt);
        assert!(start.elapsed() < PROMPT, "drop took {:?}", start.elapsed());
        assert_eq!(drops.get(), 1);
        assert_eq!(spawned.get(), 1, "the destructor ran and spawned");
        assert_eq!(
            child_drops.get(),
            1,
            "the late task was dropped, not leaked"
        );
    });
}

#[test]
fn shutdown_timeout_returns_in_time_when_a_task_blocks_its_worker() {
    const NAME: &str = "rt-shut-tmo";
    const BLOCK: Duration = Duration::from_secs(3);
    const TIMEOUT: Duration = Duration::from_millis(100);
    const SLACK: Duration = Duration::from_millis(900);
    watchdog(LIMIT, || {
        let life = Lifecycle::default();
        let rt = life.builder(NAME).build().expect("build the runtime");
        let (started, drops) = (Counter::new(), Counter::new());
        let s = started.clone();
        let guard = drops.drop_guard();
        drop(rt.spawn(async move {
            let _guard = guard;
            s.incr();
            // Blocks the worker thread: a bug in user code, which shutdown
            // must not wait out.
            std::thread::sleep(BLOCK);
        }));
        assert!(wait_until(Duration::from_secs(10), || started.get() == 1));

        let start = Instant::now();
        rt.shutdown_timeout(TIMEOUT);
        let took = start.elapsed();
        assert!(
            took < TIMEOUT + SLACK,
            "shutdown_timeout({TIMEOUT:?}) took {took:?}"
        );
        assert!(
            life.stopped().len() < WORKERS,
            "the blocked worker cannot have stopped yet"
        );
        // The left-behind worker exits once its poll returns, and the task
        // it was polling is dropped then.
        assert!(
            wait_until(BLOCK + SETTLE, || threads_named(NAME) == 0),
            "the blocked worker never exited"
        );
        assert_eq!(life.stopped().len(), WORKERS);
        assert_eq!(drops.get(), 1);
    });
}

#[test]
fn shutdown_timeout_returns_in_time_when_a_blocking_job_runs_long() {
    const NAME: &str = "rt-shut-blk";
    const BLOCK: Duration = Duration::from_secs(3);
    const TIMEOUT: Duration = Duration::from_millis(100);
    const SLACK: Duration = Duration::from_millis(900);
    watchdog(LIMIT, || {
        let life = Lifecycle::default();
        let rt = life.builder(NAME).build().expect("build the runtime");
        let started = Counter::new();
        let s = started.clone();
        let job = rt.spawn_blocking(move || {
            s.incr();
            std::thread::sleep(BLOCK);
            1
        });
        assert!(wait_until(Duration::from_secs(10), || started.get() == 1));

        let start = Instant::now();
        rt.shutdown_timeout(TIMEOUT);
        let took = start.elapsed();
        assert!(
            took < TIMEOUT + SLACK,
            "shutdown_timeout({TIMEOUT:?}) took {took:?}"
        );
        // A job already running is not interrupted: it finishes, and its
        // handle still gets the value.
        let out = futures_lite::future::block_on(job);
        assert_eq!(out.expect("the running job finishes"), 1);
        assert!(
            wait_until(SETTLE, || threads_named(NAME) == 0),
            "the blocking thread never exited"
        );
    });
}

#[test]
fn spawning_through_a_handle_after_the_runtime_is_dropped_gives_cancelled() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .build()
            .expect("build the runtime");
        let handle = rt.handle().clone();
        drop(rt);

        let (polls, drops) = (Counter::new(), Counter::new());
        let join = handle.spawn(Counted::new(async { 1 }, &polls, &drops));
        assert!(join.is_finished(), "cancelled at once");
        let err = futures_lite::future::block_on(join).expect_err("no runtime to run it");
        assert!(err.is_cancelled(), "expected cancelled, got {err:?}");
        assert_eq!(polls.get(), 0, "never polled");
        assert_eq!(drops.get(), 1, "its future was dropped");

        let ran = Counter::new();
        let r = ran.clone();
        let job = handle.spawn_blocking(move || r.incr());
        let err = futures_lite::future::block_on(job).expect_err("no pool to run it");
        assert!(err.is_cancelled(), "expected cancelled, got {err:?}");
        assert_eq!(ran.get(), 0);
    });
}

#[test]
fn a_thread_awaiting_a_never_ending_task_gets_cancelled_when_the_runtime_drops() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .build()
            .expect("build the runtime");
        let join = rt.spawn(pending::<()>());
        let waiting = Counter::new();
        let w = waiting.clone();
        let joiner = std::thread::spawn(move || {
            futures_lite::future::block_on(async move {
                w.incr();
                join.await
            })
        });
        assert!(wait_until(Duration::from_secs(10), || waiting.get() == 1));
        std::thread::sleep(Duration::from_millis(20));
        drop(rt);
        // The shutdown must wake the joiner, or it would wait forever.
        let err = joiner
            .join()
            .expect("the joiner returns")
            .expect_err("the task was shut down");
        assert!(err.is_cancelled(), "expected cancelled, got {err:?}");
    });
}

#[test]
fn a_finished_tasks_output_outlives_the_runtime() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .build()
            .expect("build the runtime");
        let join = rt.spawn(async { String::from("kept") });
        assert!(wait_until(Duration::from_secs(10), || join.is_finished()));
        drop(rt);
        let out = futures_lite::future::block_on(join);
        assert_eq!(out.expect("the output was stored before shutdown"), "kept");
    });
}

#[test]
fn a_blocking_job_spawned_just_before_shutdown_runs_on_the_thread_started_for_it() {
    // A thread is started for the job; the shutdown comes before that
    // thread has looked at the queue, yet the job runs and its value
    // arrives (the job is not one waiting behind a busy thread).
    for current_thread in [true, false] {
        watchdog(LIMIT, move || {
            let rt = if current_thread {
                Builder::new_current_thread().build()
            } else {
                Builder::new_multi_thread().worker_threads(1).build()
            }
            .expect("build the runtime");
            let job = rt.spawn_blocking(|| {
                std::thread::sleep(Duration::from_millis(50));
                42
            });
            rt.shutdown_timeout(LIMIT);
            let out = futures_lite::future::block_on(job);
            assert_eq!(
                out.expect("the job runs to its end"),
                42,
                "current_thread: {current_thread}"
            );
        });
    }
}

#[test]
fn a_queued_blocking_job_is_cancelled_at_shutdown_not_run() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(1)
            .build()
            .expect("build the runtime");
        let (started, ran_second) = (Counter::new(), Counter::new());
        let s = started.clone();
        let first = rt.spawn_blocking(move || {
            s.incr();
            std::thread::sleep(Duration::from_millis(200));
            1
        });
        assert!(wait_until(Duration::from_secs(10), || started.get() == 1));
        let r = ran_second.clone();
        // The only blocking thread is busy: this one waits in the queue.
        let second = rt.spawn_blocking(move || r.incr());
        let start = Instant::now();
        drop(rt);
        assert!(start.elapsed() < PROMPT, "drop took {:?}", start.elapsed());
        assert_eq!(
            futures_lite::future::block_on(first).expect("a running job finishes"),
            1
        );
        let err = futures_lite::future::block_on(second).expect_err("the queued job was dropped");
        assert!(err.is_cancelled(), "expected cancelled, got {err:?}");
        assert_eq!(ran_second.get(), 0, "the queued closure never ran");
    });
}
