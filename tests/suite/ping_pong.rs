//! No lost wake-ups: tasks bounce a message back and forth a million times
//! over a plain `Mutex` + `Waker` channel. One lost wake-up leaves a pair
//! waiting forever, which the watchdog turns into a failure, not a hang.
//!
//! Inside one runtime the LIFO slot keeps each pair on one worker (the
//! woken task runs next, where its waker ran), so the first test mostly
//! exercises same-worker wakes. The second puts the two halves of every
//! pair on different runtimes, so every wake crosses worker threads (into
//! the other runtime's injector, often unparking its worker); the third
//! plays against plain threads, so every wake also crosses a thread park.

use crate::support;

use std::thread::ThreadId;
use std::time::{Duration, Instant};

use rt::runtime::{Builder, Handle, Runtime};
use support::{channel, watchdog, Counter, Receiver, Sender};

/// Task pairs playing at once.
const PAIRS: usize = 10;
/// Round trips per pair: `PAIRS * ROUND_TRIPS` = 1,000,000.
const ROUND_TRIPS: usize = 100_000;
/// Plain threads in the thread-to-task test, and round trips each.
const THREADS: usize = 2;
const THREAD_ROUND_TRIPS: usize = 50_000;
/// A lost wake-up shows up as this timeout instead of a hang.
const LIMIT: Duration = Duration::from_secs(120);

fn runtime(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .expect("build the runtime")
}

/// One ball: its number and the thread that sent it.
type Ball = (usize, ThreadId);

/// Serve `ROUND_TRIPS` balls and check each comes back; counts trips.
async fn pinger(pair: usize, ping: Sender<Ball>, mut pong: Receiver<usize>, trips: Counter) {
    for i in 0..ROUND_TRIPS {
        let ball = pair * ROUND_TRIPS + i;
        ping.send((ball, std::thread::current().id()));
        let back = pong.recv().await.expect("the ponger is alive");
        assert_eq!(back, ball, "pair {pair} got the wrong ball");
        trips.incr();
    }
    // Dropping `ping` ends the ponger.
}

/// Return every ball; counts the ones that came from another thread.
async fn ponger(mut ping: Receiver<Ball>, pong: Sender<usize>, crossed: Counter) {
    while let Some((ball, from)) = ping.recv().await {
        if from != std::thread::current().id() {
            crossed.incr();
        }
        pong.send(ball);
    }
}

/// Play `PAIRS` pairs, pingers on `pings`, pongers on `pongs`; returns
/// (round trips, pings that crossed threads, time taken).
fn play(pings: &Handle, pongs: &Handle) -> (usize, usize, Duration) {
    let (trips, crossed) = (Counter::new(), Counter::new());
    let start = Instant::now();
    let mut players = Vec::new();
    for pair in 0..PAIRS {
        let (ping_tx, ping_rx) = channel();
        let (pong_tx, pong_rx) = channel();
        players.push(pongs.spawn(ponger(ping_rx, pong_tx, crossed.clone())));
        players.push(pings.spawn(pinger(pair, ping_tx, pong_rx, trips.clone())));
    }
    for p in players {
        futures_lite::future::block_on(p).expect("a player completes");
    }
    (trips.get(), crossed.get(), start.elapsed())
}

#[test]
fn a_million_ping_pongs_between_task_pairs_complete() {
    let (trips, crossed, took) = watchdog(LIMIT, || {
        let rt = runtime(2);
        play(rt.handle(), rt.handle())
    });
    eprintln!("one runtime, 2 workers: {trips} round trips in {took:?}, {crossed} crossed workers");
    assert_eq!(trips, PAIRS * ROUND_TRIPS);
}

#[test]
fn a_million_ping_pongs_complete_when_every_wake_crosses_workers() {
    let (trips, crossed, took) = watchdog(LIMIT, || {
        let (left, right) = (runtime(1), runtime(1));
        play(left.handle(), right.handle())
    });
    eprintln!("two runtimes: {trips} round trips in {took:?}, {crossed} crossed workers");
    assert_eq!(trips, PAIRS * ROUND_TRIPS);
    assert_eq!(
        crossed, trips,
        "every ping crossed to the other runtime's worker"
    );
}

#[test]
fn ping_pongs_between_plain_threads_and_tasks_complete() {
    let (trips, took) = watchdog(LIMIT, || {
        let rt = runtime(2);
        let trips = Counter::new();
        let start = Instant::now();
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let (ping_tx, ping_rx) = channel();
                let (pong_tx, mut pong_rx) = channel();
                let ponger = rt.spawn(ponger(ping_rx, pong_tx, Counter::new()));
                let trips = trips.clone();
                std::thread::spawn(move || {
                    for i in 0..THREAD_ROUND_TRIPS {
                        let ball = t * THREAD_ROUND_TRIPS + i;
                        ping_tx.send((ball, std::thread::current().id()));
                        // Parks this thread until the task's wake.
                        let back = futures_lite::future::block_on(pong_rx.recv());
                        assert_eq!(back, Some(ball));
                        trips.incr();
                    }
                    drop(ping_tx);
                    futures_lite::future::block_on(ponger).expect("the ponger completes");
                })
            })
            .collect();
        for t in threads {
            t.join().expect("the thread played to the end");
        }
        (trips.get(), start.elapsed())
    });
    eprintln!("threads and tasks: {trips} round trips in {took:?}");
    assert_eq!(trips, THREADS * THREAD_ROUND_TRIPS);
}
