//! `rt::runtime::worker_index()` is `Some(i)` on worker `i` of a runtime
//! (`i < num_workers`, every index seen when all workers run a task at
//! once) and `None` on every other thread: `block_on`'s, the blocking
//! pool's, a plain thread.

use std::sync::{Arc, Barrier};

use rt::runtime::{worker_index, Builder};

const WORKERS: usize = 2;

#[test]
fn workers_have_their_index_and_other_threads_none() {
    assert_eq!(worker_index(), None);
    let rt = Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .build()
        .unwrap();
    rt.block_on(async {
        assert_eq!(worker_index(), None, "block_on's thread is no worker");
        let blocking = rt::task::spawn_blocking(worker_index).await.unwrap();
        assert_eq!(blocking, None, "a blocking-pool thread is no worker");

        // One task per worker, each holding its worker until all have
        // started: they must be on distinct workers.
        let barrier = Arc::new(Barrier::new(WORKERS));
        let tasks: Vec<_> = (0..WORKERS)
            .map(|_| {
                let barrier = barrier.clone();
                rt::spawn(async move {
                    let index = worker_index();
                    barrier.wait();
                    index
                })
            })
            .collect();
        let mut seen = Vec::new();
        for task in tasks {
            seen.push(task.await.unwrap().expect("a task runs on a worker"));
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..WORKERS).collect::<Vec<_>>());
    });
    let plain = std::thread::spawn(worker_index).join().unwrap();
    assert_eq!(plain, None);
}

/// On the current-thread runtime the thread in `block_on` runs the tasks:
/// it is worker 0, in `block_on`'s future and in the tasks (as tokio's),
/// and no worker again once `block_on` returns.
#[test]
fn the_current_thread_runtimes_block_on_thread_is_worker_zero() {
    let rt = Builder::new_current_thread().build().unwrap();
    let (outer, inner) = rt.block_on(async {
        let inner = rt::spawn(async { worker_index() }).await.unwrap();
        (worker_index(), inner)
    });
    assert_eq!((outer, inner), (Some(0), Some(0)));
    assert_eq!(worker_index(), None);
}
