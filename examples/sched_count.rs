//! The `chained_spawn` and `ping_pong` workloads of
//! benches/rt_multi_threaded.rs, run a given number of times on rt or
//! tokio (2 workers) with nothing else in the process: for counts per
//! iteration that do not depend on the machine's load (instructions,
//! syscalls, context switches, parks), not for timing. Prints each
//! worker's park count (and, for rt, polls and steals) at the end.
//!
//! Per-iteration figures are the difference of two runs divided by the
//! difference of their iteration counts (the runtime's start and stop
//! cancel out):
//!
//! ```text
//! cargo build --release --example sched_count
//! B=target/release/examples/sched_count
//! valgrind --tool=callgrind $B rt chain 10     # then 60: Ir per chain
//! perf stat -e context-switches,syscalls:sys_enter_futex $B tokio pp 300
//! ```
//!
//! Arguments: `rt|tokio`, `chain|pp`, iterations.

#[path = "../benches/common/mod.rs"]
mod common;

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{mpsc, Arc};

use common::{oneshot, BenchRuntime, WORKERS};

const NUM_PINGS: usize = 1_000;
const CHAIN_LEN: usize = 1_000;

fn chain<R: BenchRuntime>(rt: &R, done_tx: &mpsc::SyncSender<()>, done_rx: &mpsc::Receiver<()>) {
    fn link<R: BenchRuntime>(done_tx: mpsc::SyncSender<()>, n: usize) {
        if n == 0 {
            done_tx.send(()).unwrap();
        } else {
            drop(R::spawn_current(async move { link::<R>(done_tx, n - 1) }));
        }
    }
    let done_tx = done_tx.clone();
    rt.block_on(async {
        drop(R::spawn_current(
            async move { link::<R>(done_tx, CHAIN_LEN) },
        ));
        done_rx.recv().unwrap();
    });
}

fn ping_pong<R: BenchRuntime>(
    rt: &R,
    done_tx: &mpsc::SyncSender<()>,
    done_rx: &mpsc::Receiver<()>,
    rem: &Arc<AtomicUsize>,
) {
    let done_tx = done_tx.clone();
    let rem = rem.clone();
    rem.store(NUM_PINGS, Relaxed);
    rt.block_on(async {
        drop(R::spawn_current(async move {
            for _ in 0..NUM_PINGS {
                let rem = rem.clone();
                let done_tx = done_tx.clone();
                drop(R::spawn_current(async move {
                    let (tx1, rx1) = oneshot::channel();
                    let (tx2, rx2) = oneshot::channel();
                    drop(R::spawn_current(async move {
                        rx1.await.unwrap();
                        tx2.send(());
                    }));
                    tx1.send(());
                    rx2.await.unwrap();
                    if 1 == rem.fetch_sub(1, Relaxed) {
                        done_tx.send(()).unwrap();
                    }
                }));
            }
        }));
        done_rx.recv().unwrap();
    });
}

fn go<R: BenchRuntime>(work: &str, n: usize) -> R {
    let rt = R::new(WORKERS);
    let (done_tx, done_rx) = mpsc::sync_channel(1000);
    let rem = Arc::new(AtomicUsize::new(0));
    for _ in 0..n {
        match work {
            "chain" => chain(&rt, &done_tx, &done_rx),
            "pp" => ping_pong(&rt, &done_tx, &done_rx, &rem),
            _ => panic!("chain or pp, not {work}"),
        }
    }
    rt
}

fn main() {
    const USAGE: &str = "usage: sched_count rt|tokio chain|pp ITERATIONS";
    let args: Vec<String> = std::env::args().collect();
    assert!(args.len() == 4, "{USAGE}");
    let n: usize = args[3].parse().expect(USAGE);
    match args[1].as_str() {
        "rt" => {
            let rt = go::<rt::Runtime>(&args[2], n);
            let m = rt.metrics();
            for w in 0..WORKERS {
                eprintln!(
                    "rt worker {w}: parks {} polls {} steals {}",
                    m.worker_park_count(w),
                    m.worker_poll_count(w),
                    m.worker_steal_count(w)
                );
            }
        }
        "tokio" => {
            let rt = go::<tokio::runtime::Runtime>(&args[2], n);
            let m = rt.metrics();
            for w in 0..WORKERS {
                eprintln!("tokio worker {w}: parks {}", m.worker_park_count(w));
            }
        }
        _ => panic!("{USAGE}"),
    }
}
