//! `spawn_blocking` runs a closure on a thread of its own — never a worker —
//! and hands back its value (or its panic): blocking work does not stall
//! async tasks, and `max_blocking_threads` bounds how many run at once.

use crate::support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use rt::runtime::{Builder, Handle, Runtime};
use rt::task::yield_now;
use support::{wait_until, watchdog, Counter};

/// Worker threads in the thread-identity test.
const WORKERS: usize = 2;
/// Async tasks that must finish while one blocking job sleeps.
const ASYNC_TASKS: usize = 100;
/// How long the blocking job sleeps.
const BLOCKING_SLEEP: Duration = Duration::from_millis(500);
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(30);

/// A runtime that records the id of every thread it starts (workers first;
/// blocking threads run `on_thread_start` too).
fn recording_runtime(workers: usize, started: &Arc<Mutex<Vec<ThreadId>>>) -> Runtime {
    let s = started.clone();
    Builder::new_multi_thread()
        .worker_threads(workers)
        .on_thread_start(move || s.lock().unwrap().push(std::thread::current().id()))
        .build()
        .expect("build the runtime")
}

#[test]
fn a_blocking_closure_runs_off_the_workers_and_returns_its_value() {
    watchdog(LIMIT, || {
        let started = Arc::new(Mutex::new(Vec::new()));
        let rt = recording_runtime(WORKERS, &started);
        assert!(
            wait_until(Duration::from_secs(10), || started.lock().unwrap().len()
                == WORKERS),
            "every worker started"
        );
        let workers: HashSet<ThreadId> = started.lock().unwrap().iter().copied().collect();
        let (out, blocking_thread, task_thread) = rt.block_on(async {
            let task_thread = rt::spawn(async { std::thread::current().id() })
                .await
                .unwrap();
            let (out, blocking_thread) =
                rt::task::spawn_blocking(|| (6 * 7, std::thread::current().id()))
                    .await
                    .expect("the closure returns");
            (out, blocking_thread, task_thread)
        });
        assert_eq!(out, 42);
        assert!(
            workers.contains(&task_thread),
            "tasks run on the recorded workers"
        );
        assert!(
            !workers.contains(&blocking_thread),
            "the closure ran on a worker thread"
        );
        assert_ne!(blocking_thread, std::thread::current().id());
    });
}

#[test]
fn blocking_work_does_not_stall_async_tasks_on_the_only_worker() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .expect("build the runtime");
        let sleeping = Counter::new();
        let s = sleeping.clone();
        // Spawned from the only worker: if the closure ran there, nothing
        // else could run for the whole sleep.
        let job = rt.spawn(async move {
            rt::task::spawn_blocking(move || {
                s.incr();
                std::thread::sleep(BLOCKING_SLEEP);
                Instant::now()
            })
            .await
            .expect("the job completes")
        });
        assert!(
            wait_until(Duration::from_secs(10), || sleeping.get() == 1),
            "the blocking job started"
        );
        let start = Instant::now();
        let done = rt.block_on(async {
            let tasks: Vec<_> = (0..ASYNC_TASKS)
                .map(|i| {
                    rt::spawn(async move {
                        yield_now().await;
                        i
                    })
                })
                .collect();
            let mut sum = 0;
            for t in tasks {
                sum += t.await.unwrap();
            }
            assert_eq!(sum, ASYNC_TASKS * (ASYNC_TASKS - 1) / 2);
            Instant::now()
        });
        let async_took = done - start;
        assert!(
            !job.is_finished(),
            "the async tasks finished only after the blocking job ({async_took:?})"
        );
        assert!(
            async_took < BLOCKING_SLEEP / 2,
            "{ASYNC_TASKS} async tasks took {async_took:?} beside a blocking job"
        );
        let job_done = rt.block_on(job).unwrap();
        assert!(done < job_done, "the async tasks finished first");
    });
}

/// Run two jobs that each sleep and record when they ran and where.
fn two_sleeping_jobs(rt: &Runtime) -> Vec<(Instant, Instant, ThreadId)> {
    rt.block_on(async {
        let jobs: Vec<_> = (0..2)
            .map(|_| {
                rt::task::spawn_blocking(|| {
                    let start = Instant::now();
                    std::thread::sleep(Duration::from_millis(100));
                    (start, Instant::now(), std::thread::current().id())
                })
            })
            .collect();
        let mut out = Vec::new();
        for j in jobs {
            out.push(j.await.expect("the job completes"));
        }
        out
    })
}

#[test]
fn one_blocking_thread_runs_two_jobs_one_after_the_other() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(1)
            .build()
            .expect("build the runtime");
        let ran = two_sleeping_jobs(&rt);
        assert_eq!(ran.len(), 2, "both jobs completed");
        let (first, second) = if ran[0].0 <= ran[1].0 {
            (ran[0], ran[1])
        } else {
            (ran[1], ran[0])
        };
        assert!(
            first.1 <= second.0,
            "with one blocking thread the jobs overlapped"
        );
        assert_eq!(first.2, second.2, "both ran on the one blocking thread");
    });
}

#[test]
fn blocking_jobs_run_in_parallel_below_the_thread_limit() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .expect("build the runtime");
        // Two jobs that each wait (bounded) for the other to arrive: they
        // only both succeed if they run at the same time.
        let arrived = Counter::new();
        let met = rt.block_on(async {
            let jobs: Vec<_> = (0..2)
                .map(|_| {
                    let arrived = arrived.clone();
                    rt::task::spawn_blocking(move || {
                        arrived.incr();
                        wait_until(Duration::from_secs(5), || arrived.get() == 2)
                    })
                })
                .collect();
            let mut met = Vec::new();
            for j in jobs {
                met.push(j.await.expect("the job completes"));
            }
            met
        });
        assert_eq!(met, vec![true, true], "the two jobs ran at the same time");
    });
}

#[test]
fn a_panic_in_a_blocking_closure_reaches_the_join_handle() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .expect("build the runtime");
        let err = rt
            .block_on(rt.spawn_blocking(|| -> u32 { panic!("blocking boom") }))
            .expect_err("the closure panicked");
        assert!(err.is_panic(), "expected a panic, got {err:?}");
        assert_eq!(
            err.into_panic().downcast_ref::<&'static str>().copied(),
            Some("blocking boom")
        );
        // The pool still works afterwards.
        assert_eq!(rt.block_on(rt.spawn_blocking(|| 5)).unwrap(), 5);
    });
}

#[test]
fn a_blocking_closure_runs_inside_the_runtime_context() {
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .expect("build the runtime");
        let out = rt
            .block_on(rt.spawn_blocking(|| {
                let handle = Handle::current();
                // Block this (blocking) thread on a task: allowed here.
                handle.block_on(rt::spawn(async { 40 + 2 })).unwrap()
            }))
            .expect("the closure returns");
        assert_eq!(out, 42);
    });
}

#[test]
fn an_idle_blocking_thread_exits_after_its_keep_alive() {
    const NAME: &str = "rt-blk-keep";
    const KEEP_ALIVE: Duration = Duration::from_millis(300);
    watchdog(LIMIT, || {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name(NAME)
            .thread_keep_alive(KEEP_ALIVE)
            .build()
            .expect("build the runtime");
        assert_eq!(rt.block_on(rt.spawn_blocking(|| 3)).unwrap(), 3);
        // A thread takes its name when it first runs; the worker may not
        // have run yet (nothing here needed it).
        assert!(
            wait_until(KEEP_ALIVE * 20, || support::threads_named(NAME) >= 2),
            "a worker and a blocking thread"
        );
        assert!(
            wait_until(KEEP_ALIVE * 20, || support::threads_named(NAME) == 1),
            "the idle blocking thread is still there ({} threads)",
            support::threads_named(NAME)
        );
        // A new job starts a new thread.
        assert_eq!(rt.block_on(rt.spawn_blocking(|| 4)).unwrap(), 4);
    });
}
