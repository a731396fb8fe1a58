//! The current-thread runtime (`Builder::new_current_thread`): its tasks
//! run on the thread in `block_on`, wakes from other threads reach it, I/O
//! and timers work, two `block_on` callers share it, and shutdown drops
//! every task's future without leaving a thread behind.

use crate::support;

use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use support::{channel, current_thread, run_isolated, thread_count, watchdog, Counter};

/// Bound on each test (a hang fails instead of blocking the suite).
const LIMIT: Duration = Duration::from_secs(60);
/// Tasks spawned by the tests that spawn many.
const TASKS: usize = 100;

#[test]
fn tasks_run_on_the_thread_in_block_on() {
    watchdog(LIMIT, || {
        let rt = current_thread();
        let here = thread::current().id();
        let ids: Vec<ThreadId> = rt.block_on(async {
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| rt::spawn(async { thread::current().id() }))
                .collect();
            let mut ids = Vec::new();
            for task in tasks {
                ids.push(task.await.unwrap());
            }
            ids
        });
        assert!(ids.iter().all(|id| *id == here));
    });
}

#[test]
fn a_spawn_from_another_thread_runs() {
    watchdog(LIMIT, || {
        let rt = current_thread();
        let handle = rt.handle().clone();
        let here = thread::current().id();
        let (tx, mut rx) = channel();
        // Spawned while the block_on thread is parked: only the spawn's
        // wake-up can get the task run.
        let remote = thread::spawn(move || {
            thread::sleep(Duration::from_millis(50));
            drop(handle.spawn(async move { tx.send(thread::current().id()) }));
        });
        let ran_on = rt.block_on(rx.recv());
        remote.join().unwrap();
        assert_eq!(ran_on, Some(here));
    });
}

#[test]
fn a_task_woken_from_a_blocking_thread_runs() {
    watchdog(LIMIT, || {
        let rt = current_thread();
        let got = rt.block_on(async {
            let (tx, mut rx) = channel();
            let task = rt::spawn(async move { rx.recv().await });
            rt::task::spawn_blocking(move || {
                // Long enough for the block_on thread to park first.
                thread::sleep(Duration::from_millis(50));
                tx.send(7);
            });
            task.await.unwrap()
        });
        assert_eq!(got, Some(7));
    });
}

#[test]
fn timers_and_sockets_work() {
    watchdog(LIMIT, || {
        let rt = current_thread();
        rt.block_on(async {
            let start = std::time::Instant::now();
            rt::time::sleep(Duration::from_millis(20)).await;
            assert!(start.elapsed() >= Duration::from_millis(20));

            use rt::io::{AsyncReadExt, AsyncWriteExt};
            let listener = rt::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = rt::spawn(async move {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut buf = [0u8; 4];
                stream.read_exact(&mut buf).await.unwrap();
                stream.write_all(&buf).await.unwrap();
            });
            let mut client = rt::net::TcpStream::connect(addr).await.unwrap();
            client.write_all(b"ping").await.unwrap();
            let mut buf = [0u8; 4];
            client.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"ping");
            server.await.unwrap();
        });
    });
}

#[test]
fn tasks_spawned_outside_block_on_run_at_the_next_one() {
    watchdog(LIMIT, || {
        let rt = current_thread();
        let ran = Counter::new();
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let ran = ran.clone();
                rt.spawn(async move {
                    ran.incr();
                })
            })
            .collect();
        thread::sleep(Duration::from_millis(10));
        assert_eq!(ran.get(), 0, "no thread runs them before block_on");
        rt.block_on(async {
            for task in tasks {
                task.await.unwrap();
            }
        });
        assert_eq!(ran.get(), TASKS);
    });
}

/// One thread holds the runtime's core and runs the tasks; a second
/// `block_on` caller polls only its own future, and takes the core over
/// when the first returns.
#[test]
fn two_block_on_callers_share_the_runtime() {
    watchdog(LIMIT, || {
        let rt = Arc::new(current_thread());
        let (release_tx, mut release_rx) = channel::<()>();
        let (returned_tx, mut returned_rx) = channel::<()>();
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let first = {
            let rt = rt.clone();
            thread::spawn(move || {
                rt.block_on(async move {
                    started_tx.send(()).unwrap();
                    release_rx.recv().await;
                });
                // From a thread outside the runtime, once it let the core go.
                returned_tx.send(());
                thread::current().id()
            })
        };
        started_rx.recv().unwrap();
        let second_id = thread::current().id();
        let (while_held, after) = rt.block_on(async move {
            // The first caller holds the core: it runs this task.
            let while_held = rt::spawn(async { thread::current().id() }).await.unwrap();
            // This one can finish only after the first caller returned:
            // then this thread, woken as a waiter for the core, runs it.
            let after = rt::spawn(async move {
                returned_rx.recv().await;
                thread::current().id()
            });
            release_tx.send(());
            (while_held, after.await.unwrap())
        });
        let first_id = first.join().unwrap();
        assert_eq!(while_held, first_id);
        assert_eq!(after, second_id);
    });
}

/// A future that records the thread it is dropped on.
struct RecordDrop(Arc<Mutex<Vec<ThreadId>>>);

impl Drop for RecordDrop {
    fn drop(&mut self) {
        self.0.lock().unwrap().push(thread::current().id());
    }
}

#[test]
fn dropping_the_runtime_drops_every_future_on_the_dropping_thread() {
    watchdog(LIMIT, || {
        let rt = current_thread();
        let drops = Arc::new(Mutex::new(Vec::new()));
        rt.block_on(async {
            for _ in 0..TASKS {
                let guard = RecordDrop(drops.clone());
                rt::spawn(async move {
                    let _guard = guard;
                    std::future::pending::<()>().await;
                });
            }
            // Polled once each: parked on a pending future.
            rt::task::yield_now().await;
        });
        // And some never polled.
        for _ in 0..TASKS {
            let guard = RecordDrop(drops.clone());
            rt.spawn(async move {
                let _guard = guard;
            });
        }
        let handle = rt.handle().clone();
        drop(rt);
        let drops = drops.lock().unwrap();
        assert_eq!(drops.len(), 2 * TASKS);
        assert!(drops.iter().all(|id| *id == thread::current().id()));
        // A spawn after shutdown is cancelled at once.
        let late = handle.spawn(async {});
        let err = handle.block_on(late).unwrap_err();
        assert!(err.is_cancelled());
    });
}

#[test]
fn no_worker_thread_is_started() {
    if !run_isolated(module_path!(), "no_worker_thread_is_started", LIMIT) {
        return;
    }
    let before = thread_count();
    let rt = current_thread();
    assert_eq!(thread_count(), before, "building starts no thread");
    rt.block_on(async {
        for _ in 0..TASKS {
            rt::spawn(async {}).await.unwrap();
        }
        rt::time::sleep(Duration::from_millis(1)).await;
    });
    assert_eq!(thread_count(), before, "running tasks starts no thread");
    drop(rt);
    assert_eq!(thread_count(), before);
}

/// The rest of the runtime API on this flavor: `Handle::current`, `enter`,
/// `JoinSet`, `spawn_blocking`, and `shutdown_timeout` not waiting for a
/// blocking job past its deadline.
#[test]
fn the_runtime_api_works_and_shutdown_timeout_does_not_wait_past_its_deadline() {
    watchdog(LIMIT, || {
        let rt = current_thread();
        let guard = rt.enter();
        let early = rt::spawn(async { 1 });
        drop(guard);
        let total = rt.block_on(async {
            let handle = rt::runtime::Handle::current();
            assert_eq!(
                handle.runtime_flavor(),
                rt::runtime::RuntimeFlavor::CurrentThread
            );
            let mut set = rt::task::JoinSet::new();
            for i in 0..10 {
                set.spawn(async move { i });
            }
            let mut total = early.await.unwrap();
            while let Some(out) = set.join_next().await {
                total += out.unwrap();
            }
            total + rt::task::spawn_blocking(|| 100).await.unwrap()
        });
        assert_eq!(total, 146);
        // A job that would keep a plain drop waiting for a minute.
        rt.spawn_blocking(|| thread::sleep(Duration::from_secs(60)));
        let start = std::time::Instant::now();
        rt.shutdown_timeout(Duration::from_millis(100));
        assert!(start.elapsed() < Duration::from_secs(30));
    });
}

#[test]
fn shutdown_background_works_inside_another_runtime() {
    watchdog(LIMIT, || {
        let inner = current_thread();
        let task = inner.spawn(std::future::pending::<()>());
        current_thread().block_on(async move {
            // This thread runs tasks: a plain drop would panic here.
            inner.shutdown_background();
        });
        assert!(task.is_finished());
    });
}
