//! `yield_now` lets other tasks run: on a single worker, two busy tasks
//! that loop with `yield_now` take turns instead of one starving the other.

use crate::support;

use std::time::Duration;

use rt::task::yield_now;
use support::{one_worker, watchdog, Counter};

/// Iterations each busy task makes (one yield each).
const ROUNDS: usize = 1_000;
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(30);

/// A busy task: bump `mine`, yield, and count the rounds in which `theirs`
/// advanced meanwhile. Never waits on anything but its own yields.
async fn busy(mine: Counter, theirs: Counter, started: Counter) -> usize {
    // Start together: neither counts rounds before both are running (the
    // second one arrives through the injector a few ticks later).
    started.incr();
    while started.get() < 2 {
        yield_now().await;
    }
    let mut advances = 0;
    let mut last = theirs.get();
    for _ in 0..ROUNDS {
        mine.incr();
        yield_now().await;
        let now = theirs.get();
        if now != last {
            advances += 1;
            last = now;
        }
    }
    advances
}

#[test]
fn two_busy_yielding_tasks_interleave_on_one_worker() {
    let (a_advances, b_advances) = watchdog(LIMIT, || {
        let rt = one_worker();
        let (a, b, started) = (Counter::new(), Counter::new(), Counter::new());
        let ta = rt.spawn(busy(a.clone(), b.clone(), started.clone()));
        let tb = rt.spawn(busy(b.clone(), a.clone(), started.clone()));
        let out = rt.block_on(async { (ta.await.unwrap(), tb.await.unwrap()) });
        assert_eq!((a.get(), b.get()), (ROUNDS, ROUNDS), "both finished");
        out
    });
    // On one worker, each yield must let the other ready task run: each
    // sees the other advance in (nearly) every round. Without a real yield
    // one task would run all its rounds first and see at most a handful.
    assert!(
        a_advances >= ROUNDS / 2 && b_advances >= ROUNDS / 2,
        "each task saw the other advance in only {a_advances} / {b_advances} of {ROUNDS} rounds"
    );
}

#[test]
fn a_yielding_task_is_polled_again_and_completes() {
    let polls = watchdog(LIMIT, || {
        let rt = one_worker();
        let polls = Counter::new();
        let p = polls.clone();
        let task = rt.spawn(support::Counted::new(
            async {
                for _ in 0..ROUNDS {
                    yield_now().await;
                }
                ROUNDS
            },
            &p,
            &Counter::new(),
        ));
        assert_eq!(rt.block_on(task).unwrap(), ROUNDS);
        polls.get()
    });
    assert_eq!(polls, ROUNDS + 1, "one poll per yield, plus the last");
}

#[test]
fn yield_now_in_block_on_returns() {
    let out = watchdog(LIMIT, || {
        let rt = one_worker();
        rt.block_on(async {
            for _ in 0..ROUNDS {
                yield_now().await;
            }
            7
        })
    });
    assert_eq!(out, 7);
}

/// On the current-thread runtime a task that yields runs again only after
/// the drivers were polled: a task whose socket became readable meanwhile
/// runs first.
#[test]
fn a_yield_on_the_current_thread_runtime_lets_the_drivers_run_first() {
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use std::sync::Arc;

    watchdog(LIMIT, || {
        let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let receiver = rt::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let to = receiver.local_addr().unwrap();
            let received = Arc::new(AtomicBool::new(false));
            let flag = received.clone();
            let reader = rt::spawn(async move {
                let mut buf = [0u8; 8];
                receiver.recv_from(&mut buf).await.unwrap();
                flag.store(true, SeqCst);
            });
            // Let the reader find its socket empty and wait for readiness.
            yield_now().await;
            let yielder = rt::spawn(async move {
                let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
                sender.send_to(b"ready", to).unwrap();
                // Only a driver poll can see the datagram and wake the reader.
                yield_now().await;
                received.load(SeqCst)
            });
            assert!(yielder.await.unwrap(), "the yielder ran before the reader");
            reader.await.unwrap();
        });
    });
}

/// A task that yields on a multi-thread runtime kept saturated by tasks
/// that wake each other forever (ping-pong pairs: the queues never run
/// dry) still runs again and completes, on one worker and on two.
#[test]
fn a_yielding_task_completes_under_a_saturating_ping_pong_load() {
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    use std::sync::Arc;

    const PAIRS: usize = 50;
    for workers in [1, 2] {
        watchdog(LIMIT, move || {
            let rt = support::runtime(workers);
            let running = Arc::new(AtomicBool::new(true));
            rt.block_on(async {
                let mut tasks = Vec::new();
                for _ in 0..PAIRS {
                    let (ping_tx, mut ping_rx) = rt::sync::mpsc::unbounded_channel::<()>();
                    let (pong_tx, mut pong_rx) = rt::sync::mpsc::unbounded_channel::<()>();
                    let running = running.clone();
                    tasks.push(rt::spawn(async move {
                        while running.load(Relaxed) {
                            ping_tx.send(()).unwrap();
                            pong_rx.recv().await.unwrap();
                        }
                    }));
                    tasks.push(rt::spawn(async move {
                        while ping_rx.recv().await.is_some() {
                            let _ = pong_tx.send(());
                        }
                    }));
                }
                let yielder = rt::spawn(async {
                    for _ in 0..5 {
                        yield_now().await;
                    }
                });
                yielder.await.unwrap();
                running.store(false, Relaxed);
                for task in tasks {
                    task.await.unwrap();
                }
            });
        });
    }
}
