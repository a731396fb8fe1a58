//! A plain thread outside the runtime spawns tasks through a cloned
//! `Handle` and gets their outputs back.

use crate::support;

use std::time::Duration;

use rt::runtime::{Builder, Handle, Runtime};
use support::{watchdog, Counter};

/// Plain threads spawning at once.
const THREADS: usize = 4;
/// Tasks each thread spawns.
const TASKS_PER_THREAD: usize = 1_000;
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(60);

fn runtime() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("build the runtime")
}

fn value(thread: usize, i: usize) -> usize {
    thread * 1_000_000 + i
}

#[test]
fn plain_threads_spawn_through_a_cloned_handle_and_await_the_outputs() {
    watchdog(LIMIT, || {
        let rt = runtime();
        let ran = Counter::new();
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let handle: Handle = rt.handle().clone();
                let ran = ran.clone();
                std::thread::spawn(move || {
                    assert!(
                        Handle::try_current().is_err(),
                        "a plain thread is outside the runtime"
                    );
                    let joins: Vec<_> = (0..TASKS_PER_THREAD)
                        .map(|i| {
                            let ran = ran.clone();
                            handle.spawn(async move {
                                ran.incr();
                                value(t, i)
                            })
                        })
                        .collect();
                    // Awaited with another executor's block_on: the join
                    // handle needs no runtime context on this thread.
                    let outs: Vec<usize> = joins
                        .into_iter()
                        .map(|j| futures_lite::future::block_on(j).expect("the task completes"))
                        .collect();
                    outs
                })
            })
            .collect();
        for (t, thread) in threads.into_iter().enumerate() {
            let outs = thread.join().expect("the spawning thread succeeded");
            let expected: Vec<usize> = (0..TASKS_PER_THREAD).map(|i| value(t, i)).collect();
            assert_eq!(outs, expected, "thread {t} got its own outputs, in order");
        }
        assert_eq!(ran.get(), THREADS * TASKS_PER_THREAD);
    });
}

#[test]
fn handles_spawned_from_a_plain_thread_are_awaited_in_block_on() {
    watchdog(LIMIT, || {
        let rt = runtime();
        let handle = rt.handle().clone();
        let joins = std::thread::spawn(move || {
            (0..TASKS_PER_THREAD)
                .map(|i| handle.spawn(async move { value(1, i) }))
                .collect::<Vec<_>>()
        })
        .join()
        .expect("the spawning thread succeeded");
        let outs: Vec<usize> = rt.block_on(async {
            let mut outs = Vec::new();
            for j in joins {
                outs.push(j.await.expect("the task completes"));
            }
            outs
        });
        let expected: Vec<usize> = (0..TASKS_PER_THREAD).map(|i| value(1, i)).collect();
        assert_eq!(outs, expected);
    });
}

#[test]
fn a_remotely_spawned_task_runs_inside_the_runtime() {
    watchdog(LIMIT, || {
        let rt = runtime();
        let handle = rt.handle().clone();
        let out = std::thread::spawn(move || {
            let join = handle.spawn(async {
                // In the task: the runtime's context, so nested spawns work.
                let current = Handle::current();
                let nested = rt::spawn(async { 20 }).await.unwrap();
                let via_handle = current.spawn(async { 22 }).await.unwrap();
                (current.num_workers(), nested + via_handle)
            });
            handle.block_on(join).expect("the task completes")
        })
        .join()
        .expect("the spawning thread succeeded");
        assert_eq!(out, (2, 42));
    });
}
