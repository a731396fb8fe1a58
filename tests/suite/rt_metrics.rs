//! `Runtime::metrics()` counts what the workers do: an idle worker's parks
//! (and its unparks), every poll, tasks stolen between two workers,
//! spawns from workers and from other threads, budget-forced yields, I/O
//! readiness, busy time; and shows the depth of the global and of a
//! worker's queue. Conditions are generous: counts that must grow are
//! waited for (bounded by a deadline), never timed.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::runtime::{Builder, Runtime, RuntimeMetrics};

/// How long a count may take to reach what it must (it takes
/// milliseconds when the runtime is right).
const DEADLINE: Duration = Duration::from_secs(30);
/// Tasks in the spawning and stealing tests.
const TASKS: usize = 100;

fn runtime(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .expect("build the runtime")
}

/// Wait until `f` holds, failing after `DEADLINE`.
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < DEADLINE, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn total(metrics: &RuntimeMetrics, f: impl Fn(&RuntimeMetrics, usize) -> u64) -> u64 {
    (0..metrics.num_workers()).map(|w| f(metrics, w)).sum()
}

#[test]
fn an_idle_worker_counts_its_parks_and_unparks() {
    let rt = runtime(1);
    let metrics = rt.metrics();
    eventually("the idle worker parks", || {
        metrics.worker_park_count(0) >= 1
    });
    eventually("and stays parked (odd park/unpark count)", || {
        metrics.worker_park_unpark_count(0) % 2 == 1
    });
    let parks = metrics.worker_park_count(0);
    // Work wakes it; once done it parks again.
    rt.block_on(rt.spawn(async {})).unwrap();
    eventually("it parks again after the task", || {
        metrics.worker_park_count(0) > parks
    });
    assert!(metrics.worker_park_unpark_count(0) > 2 * parks);
}

#[test]
fn every_poll_is_counted() {
    const YIELDS: usize = 5;
    let rt = runtime(2);
    let metrics = rt.metrics();
    rt.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                rt::spawn(async {
                    for _ in 0..YIELDS {
                        rt::task::yield_now().await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    let polls = total(&metrics, RuntimeMetrics::worker_poll_count);
    assert!(
        polls >= (TASKS * (YIELDS + 1)) as u64,
        "{polls} polls counted"
    );
}

#[test]
fn tasks_taken_from_a_blocked_worker_count_as_steals() {
    let rt = runtime(2);
    let metrics = rt.metrics();
    let ran = Arc::new(AtomicUsize::new(0));
    let ran2 = ran.clone();
    let (done_tx, done_rx) = mpsc::channel();
    rt.block_on(async move {
        rt::spawn(async move {
            // Spawned here, these queue on this worker's deque (the last
            // one in its LIFO slot); this worker then blocks, so only the
            // other one can run them, by stealing them (the last one
            // rescued from the slot).
            for _ in 0..TASKS {
                let ran = ran2.clone();
                let done = done_tx.clone();
                rt::spawn(async move {
                    if ran.fetch_add(1, SeqCst) + 1 == TASKS {
                        done.send(()).unwrap();
                    }
                });
            }
            done_rx
                .recv_timeout(DEADLINE)
                .expect("the other worker ran the tasks");
        })
        .await
        .unwrap();
    });
    assert_eq!(ran.load(SeqCst), TASKS);
    let steals = total(&metrics, RuntimeMetrics::worker_steal_count);
    assert!(steals >= TASKS as u64, "{steals} steals counted");
}

#[test]
fn spawns_are_counted_from_workers_and_from_other_threads() {
    let rt = runtime(2);
    let metrics = rt.metrics();
    assert_eq!(metrics.spawned_tasks_count(), 0);
    // From block_on's thread (not a worker): 1; from a worker: TASKS.
    rt.block_on(rt.spawn(async {
        let tasks: Vec<_> = (0..TASKS).map(|_| rt::spawn(async {})).collect();
        for task in tasks {
            task.await.unwrap();
        }
    }))
    .unwrap();
    assert_eq!(metrics.spawned_tasks_count(), TASKS as u64 + 1);
}

#[test]
fn current_thread_counts_spawns_from_its_thread_and_from_others() {
    let rt = Builder::new_current_thread()
        .build()
        .expect("build the runtime");
    let metrics = rt.metrics();
    let handle = rt.handle().clone();
    // From another thread (through the shared count): TASKS.
    let remote: Vec<_> = std::thread::spawn(move || {
        (0..TASKS)
            .map(|_| handle.spawn(async {}))
            .collect::<Vec<_>>()
    })
    .join()
    .expect("the spawning thread");
    assert_eq!(metrics.spawned_tasks_count(), TASKS as u64);
    // From the thread holding the core (its own counter): TASKS more.
    rt.block_on(async {
        let local: Vec<_> = (0..TASKS).map(|_| rt::spawn(async {})).collect();
        for task in remote.into_iter().chain(local) {
            task.await.unwrap();
        }
    });
    assert_eq!(metrics.spawned_tasks_count(), 2 * TASKS as u64);
}

#[test]
fn a_task_out_of_budget_counts_a_forced_yield() {
    let rt = runtime(1);
    let metrics = rt.metrics();
    assert_eq!(metrics.budget_forced_yield_count(), 0);
    rt.block_on(rt.spawn(async {
        // 128 units a poll: this runs out several times.
        for _ in 0..1_000 {
            rt::task::consume_budget().await;
        }
    }))
    .unwrap();
    assert!(metrics.budget_forced_yield_count() >= 1);
}

#[test]
fn socket_readiness_counts_io_driver_events() {
    let rt = runtime(1);
    let metrics = rt.metrics();
    let before = metrics.io_driver_ready_count();
    rt.block_on(async {
        let (mut a, mut b) = rt::net::UnixStream::pair().unwrap();
        let (waiting_tx, waiting_rx) = rt::sync::oneshot::channel();
        let reader = rt::spawn(async move {
            let mut byte = [0];
            let read = b.read_exact(&mut byte);
            rt::pin!(read);
            // One poll first: the reader waits on the socket.
            assert!(futures_poll_once(read.as_mut()).await.is_none());
            waiting_tx.send(()).unwrap();
            read.await.unwrap();
            byte[0]
        });
        waiting_rx.await.unwrap();
        a.write_all(&[9]).await.unwrap();
        assert_eq!(reader.await.unwrap(), 9);
    });
    assert!(metrics.io_driver_ready_count() > before);
}

/// Poll `fut` once: `Some(output)` if it was ready.
async fn futures_poll_once<F: std::future::Future + Unpin>(mut fut: F) -> Option<F::Output> {
    std::future::poll_fn(|cx| {
        std::task::Poll::Ready(match std::pin::Pin::new(&mut fut).poll(cx) {
            std::task::Poll::Ready(out) => Some(out),
            std::task::Poll::Pending => None,
        })
    })
    .await
}

#[test]
fn queue_depths_show_waiting_tasks() {
    const QUEUED: usize = 10;
    let rt = runtime(1);
    let metrics = rt.metrics();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (queued_tx, queued_rx) = mpsc::channel::<()>();
    // The only worker spawns QUEUED tasks onto its own queues, then blocks:
    // the last one waits in its LIFO slot (not counted, as in tokio), the
    // others in its deque.
    let blocker = rt.spawn(async move {
        let tasks: Vec<_> = (0..QUEUED).map(|_| rt::spawn(async {})).collect();
        queued_tx.send(()).unwrap();
        release_rx.recv_timeout(DEADLINE).unwrap();
        tasks
    });
    queued_rx.recv_timeout(DEADLINE).unwrap();
    assert_eq!(metrics.worker_local_queue_depth(0), QUEUED - 1);
    // What another thread spawns meanwhile waits in the global queue.
    let remote = rt.spawn(async {});
    assert_eq!(metrics.global_queue_depth(), 1);
    assert_eq!(metrics.num_alive_tasks(), QUEUED + 2);
    release_tx.send(()).unwrap();
    rt.block_on(async {
        for task in blocker.await.unwrap() {
            task.await.unwrap();
        }
        remote.await.unwrap();
    });
    assert_eq!(metrics.worker_local_queue_depth(0), 0);
    assert_eq!(metrics.global_queue_depth(), 0);
}

#[test]
fn busy_time_includes_a_long_poll() {
    let rt = runtime(1);
    let metrics = rt.metrics();
    rt.block_on(rt.spawn(async {
        std::thread::sleep(Duration::from_millis(20));
    }))
    .unwrap();
    // Added when the worker parks after the task.
    eventually("busy time covers the 20 ms poll", || {
        metrics.worker_total_busy_duration(0) >= Duration::from_millis(20)
    });
}

#[test]
fn overflow_is_always_zero_and_a_bad_index_panics() {
    let rt = runtime(2);
    let metrics = rt.metrics();
    assert_eq!(metrics.worker_overflow_count(1), 0);
    let bad = std::panic::catch_unwind(|| metrics.worker_poll_count(2));
    assert!(bad.is_err());
    assert_eq!(rt.handle().metrics().num_workers(), 2);
}

#[test]
fn busy_time_includes_a_poll_cut_short_by_shutdown() {
    let rt = runtime(1);
    let metrics = rt.metrics();
    let _running = rt.spawn(async {
        std::thread::sleep(Duration::from_millis(50));
    });
    eventually("the poll started", || metrics.worker_poll_count(0) == 1);
    // Shutdown waits for the poll; the worker never parks after it.
    drop(rt);
    assert!(metrics.worker_total_busy_duration(0) >= Duration::from_millis(50));
}

/// On the current-thread runtime the thread in `block_on` is the worker:
/// the busy period that ends when `block_on` returns counts, even if the
/// thread never parked (here: a 20 ms poll, then `block_on` returns).
#[test]
fn current_thread_busy_time_counts_a_block_on_that_never_parked() {
    let rt = Builder::new_current_thread().build().unwrap();
    let metrics = rt.metrics();
    rt.block_on(async {
        rt::spawn(async { std::thread::sleep(Duration::from_millis(20)) })
            .await
            .unwrap();
    });
    assert_eq!(metrics.worker_park_count(0), 0, "the test's premise");
    assert!(metrics.worker_total_busy_duration(0) >= Duration::from_millis(20));
}
