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
use std::sync::{mpsc, Arc};

use common::{chained_spawn_once, ping_pong_once, BenchRuntime, WORKERS};

const NUM_PINGS: usize = 1_000;
const CHAIN_LEN: usize = 1_000;

fn go<R: BenchRuntime>(work: &str, n: usize) -> R {
    let rt = R::new(WORKERS);
    let (done_tx, done_rx) = mpsc::sync_channel(1000);
    let rem = Arc::new(AtomicUsize::new(0));
    for _ in 0..n {
        match work {
            "chain" => chained_spawn_once(&rt, CHAIN_LEN, (&done_tx, &done_rx)),
            "pp" => ping_pong_once(&rt, NUM_PINGS, (&done_tx, &done_rx), &rem),
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
