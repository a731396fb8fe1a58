//! `JoinSet`'s tokio additions: `join_all` (outputs in the order tasks
//! finish; a task's panic resumes in the caller), `spawn_blocking` (its
//! closure joins like a task, and reports even when aborted unrun),
//! `FromIterator`/`Extend` (spawn each future), and the `_with_id` joins
//! (the id of the task that finished).

use std::collections::HashSet;
use std::sync::mpsc;
use std::time::Duration;

use rt::runtime::{Builder, Runtime};
use rt::task::{Id, JoinSet};

/// Bound on waiting for a blocking closure to start.
const DEADLINE: Duration = Duration::from_secs(30);

fn runtime() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(1)
        .build()
        .expect("build the runtime")
}

#[test]
fn join_all_returns_outputs_in_the_order_tasks_finish() {
    const TASKS: usize = 5;
    // One worker: task i - 1 runs only once task i has returned.
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    rt.block_on(async {
        // Task i waits for a signal, then signals task i - 1: started from
        // the last, they finish in the reverse of their spawning order.
        let (txs, rxs): (Vec<_>, Vec<_>) = (0..TASKS)
            .map(|_| rt::sync::oneshot::channel::<()>())
            .unzip();
        let mut txs: Vec<_> = txs.into_iter().map(Some).collect();
        let last = txs[TASKS - 1].take().unwrap();
        let mut set = JoinSet::new();
        for (i, rx) in rxs.into_iter().enumerate() {
            let release = if i > 0 { txs[i - 1].take() } else { None };
            set.spawn(async move {
                rx.await.unwrap();
                if let Some(release) = release {
                    release.send(()).unwrap();
                }
                i
            });
        }
        last.send(()).unwrap();
        assert_eq!(set.join_all().await, [4, 3, 2, 1, 0]);
    });
}

#[test]
fn join_all_resumes_a_tasks_panic() {
    let rt = runtime();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            let mut set = JoinSet::new();
            set.spawn(async { 1 });
            set.spawn(async { std::panic::panic_any(42u32) });
            set.join_all().await
        })
    }));
    let payload = caught.expect_err("join_all panics");
    assert_eq!(payload.downcast_ref::<u32>(), Some(&42));
}

#[test]
fn a_blocking_closure_joins_like_a_task() {
    runtime().block_on(async {
        let mut set = JoinSet::new();
        set.spawn(async { 1 });
        set.spawn_blocking(|| {
            std::thread::sleep(Duration::from_millis(1));
            2
        });
        let mut all = set.join_all().await;
        all.sort();
        assert_eq!(all, [1, 2]);
    });
}

#[test]
fn an_aborted_blocking_closure_that_never_ran_is_joined_as_cancelled() {
    let rt = runtime();
    rt.block_on(async {
        let (started_tx, started_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let mut set = JoinSet::new();
        // The only blocking thread is held by the first closure...
        set.spawn_blocking(move || {
            started_tx.send(()).unwrap();
            release_rx.recv_timeout(DEADLINE).unwrap();
            "ran"
        });
        started_rx.recv_timeout(DEADLINE).unwrap();
        // ...so this one waits in the queue, and is aborted there (the
        // pool drops it, unrun, when it comes to it).
        let queued = set.spawn_blocking(|| "never");
        queued.abort();
        release_tx.send(()).unwrap();
        let mut ran = 0;
        let mut cancelled = 0;
        while let Some(out) = set.join_next().await {
            match out {
                Ok(output) => {
                    assert_eq!(output, "ran");
                    ran += 1;
                }
                Err(err) => {
                    assert!(err.is_cancelled());
                    cancelled += 1;
                }
            }
        }
        assert_eq!((ran, cancelled), (1, 1));
    });
}

#[test]
fn collect_and_extend_spawn_every_future() {
    runtime().block_on(async {
        let mut set: JoinSet<usize> = (0..10).map(|i| async move { i }).collect();
        assert_eq!(set.len(), 10);
        set.extend((10..20).map(|i| async move { i }));
        assert_eq!(set.len(), 20);
        let mut all = set.join_all().await;
        all.sort_unstable();
        assert_eq!(all, (0..20).collect::<Vec<_>>());
    });
}

#[test]
fn joins_with_id_name_the_task_that_finished() {
    runtime().block_on(async {
        let mut set = JoinSet::new();
        let mut ids: HashSet<Id> = (0..5u32)
            .map(|i| set.spawn(async move { (i, rt::task::id()) }).id())
            .collect();
        while let Some(out) = set.join_next_with_id().await {
            let (id, (_, inside)) = out.unwrap();
            assert_eq!(id, inside, "the id is the finished task's");
            assert!(ids.remove(&id), "each id once");
        }
        assert!(ids.is_empty());

        let stuck = set.spawn(std::future::pending()).id();
        set.abort_all();
        let err = set.join_next_with_id().await.unwrap().unwrap_err();
        assert_eq!(err.id(), stuck);

        let id = set.spawn(async { (7, rt::task::id()) }).id();
        let out = loop {
            match set.try_join_next_with_id() {
                Some(out) => break out.unwrap(),
                None => rt::task::yield_now().await,
            }
        };
        assert_eq!(out.0, id);
        assert_eq!(out.1 .1, id);
    });
}
