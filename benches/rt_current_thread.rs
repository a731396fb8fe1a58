//! tokio's current-thread workloads (`spawn_many_local`, `yield_many`,
//! `ping_pong`, `chained_spawn`, with `rt_multi_threaded.rs`'s sizes),
//! each written once and run on rt's and tokio's current-thread runtimes
//! (`Builder::new_current_thread()`).
//!
//! One criterion group per workload, one function per runtime, so the
//! report reads `spawn_many_local/rt`, `spawn_many_local/tokio`, … Every
//! task runs on the bench thread, inside `block_on`, so completion is
//! awaited (join handles, [`common::oneshot`]), never blocked on.
//!
//! ```text
//! cargo bench --bench rt_current_thread
//! cargo bench --bench rt_current_thread -- ping_pong    # one workload
//! ```

mod common;

use std::future::Future;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};

use common::{oneshot, ping_pong_pair, Group, Unwrap};

/// Tasks per iteration of `spawn_many_local` (tokio's figure).
const NUM_SPAWN: usize = 10_000;
/// `yield_many`: tasks, and yields each (tokio's figures).
const YIELD_TASKS: usize = 200;
const NUM_YIELD: usize = 1_000;
/// `ping_pong`: round trips per iteration (tokio's figure).
const NUM_PINGS: usize = 1_000;
/// `chained_spawn`: length of the chain (tokio's figure).
const CHAIN_LEN: usize = 1_000;

/// Criterion settings, as in `rt_multi_threaded.rs`.
const SAMPLE_SIZE: usize = 30;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASUREMENT: Duration = Duration::from_secs(3);

/// What a workload needs from a current-thread runtime.
trait CurrentThread: Sized + 'static {
    /// The function name in a criterion group (`rt`, `tokio`).
    const NAME: &'static str;

    /// Awaits a spawned task's output.
    type JoinHandle<T: Send + 'static>: Future<Output = T> + Send + Unpin + 'static;

    /// A current-thread runtime with I/O and timers enabled.
    fn new() -> Self;

    /// Run `future` and the runtime's tasks on the calling thread.
    fn block_on<F: Future>(&self, future: F) -> F::Output;

    /// Spawn onto the runtime this thread is in.
    fn spawn_current<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// The runtime's own `yield_now`.
    fn yield_now() -> impl Future<Output = ()> + Send;
}

impl CurrentThread for rt::Runtime {
    const NAME: &'static str = "rt";
    type JoinHandle<T: Send + 'static> = Unwrap<rt::task::JoinHandle<T>>;

    fn new() -> Self {
        rt::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("build an rt runtime")
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        rt::Runtime::block_on(self, future)
    }

    fn spawn_current<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Unwrap::new(rt::spawn(future))
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        rt::task::yield_now()
    }
}

impl CurrentThread for tokio::runtime::Runtime {
    const NAME: &'static str = "tokio";
    type JoinHandle<T: Send + 'static> = Unwrap<tokio::task::JoinHandle<T>>;

    fn new() -> Self {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("build a tokio runtime")
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        tokio::runtime::Runtime::block_on(self, future)
    }

    fn spawn_current<F>(future: F) -> Self::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Unwrap::new(tokio::spawn(future))
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }
}

/// Run `workload` on each runtime, in one group named `name`.
macro_rules! compare {
    ($c:expr_2021, $name:literal, $workload:ident) => {{
        let mut group = $c.benchmark_group($name);
        group.sampling_mode(SamplingMode::Flat);
        $workload::<rt::Runtime>(&mut group);
        $workload::<tokio::runtime::Runtime>(&mut group);
        group.finish();
    }};
}

/// 10,000 empty tasks spawned from `block_on`, then joined there.
fn spawn_many_local<R: CurrentThread>(group: &mut Group<'_>) {
    let rt = R::new();
    let mut handles = Vec::with_capacity(NUM_SPAWN);
    group.bench_function(R::NAME, |b| {
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..NUM_SPAWN {
                    handles.push(R::spawn_current(async {}));
                }
                for handle in handles.drain(..) {
                    handle.await;
                }
            })
        })
    });
}

/// 200 tasks, each yielding 1,000 times, joined from `block_on`.
fn yield_many<R: CurrentThread>(group: &mut Group<'_>) {
    let rt = R::new();
    let mut handles = Vec::with_capacity(YIELD_TASKS);
    group.bench_function(R::NAME, |b| {
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..YIELD_TASKS {
                    handles.push(R::spawn_current(async {
                        for _ in 0..NUM_YIELD {
                            R::yield_now().await;
                        }
                    }));
                }
                for handle in handles.drain(..) {
                    handle.await;
                }
            })
        })
    });
}

/// 1,000 rounds, each a task that spawns a partner, sends it a oneshot
/// message and awaits the answer on another: 2,001 spawns and 2,000
/// cross-task wakes per iteration.
fn ping_pong<R: CurrentThread>(group: &mut Group<'_>) {
    let rt = R::new();
    group.bench_function(R::NAME, |b| {
        b.iter(|| {
            rt.block_on(async {
                R::spawn_current(async {
                    let mut rounds = Vec::with_capacity(NUM_PINGS);
                    for _ in 0..NUM_PINGS {
                        rounds.push(R::spawn_current(async {
                            let (partner, pinger) = ping_pong_pair();
                            drop(R::spawn_current(partner));
                            pinger.await;
                        }));
                    }
                    for round in rounds {
                        round.await;
                    }
                })
                .await;
            })
        })
    });
}

/// A chain of 1,000 tasks, each spawning the next.
fn chained_spawn<R: CurrentThread>(group: &mut Group<'_>) {
    fn link<R: CurrentThread>(done: oneshot::Sender<()>, n: usize) {
        if n == 0 {
            done.send(());
        } else {
            drop(R::spawn_current(async move { link::<R>(done, n - 1) }));
        }
    }
    let rt = R::new();
    group.bench_function(R::NAME, |b| {
        b.iter(|| {
            rt.block_on(async {
                let (done_tx, done_rx) = oneshot::channel();
                drop(R::spawn_current(
                    async move { link::<R>(done_tx, CHAIN_LEN) },
                ));
                done_rx.await.unwrap();
            })
        })
    });
}

fn rt_current_thread(c: &mut Criterion) {
    compare!(c, "spawn_many_local", spawn_many_local);
    compare!(c, "yield_many", yield_many);
    compare!(c, "ping_pong", ping_pong);
    compare!(c, "chained_spawn", chained_spawn);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(SAMPLE_SIZE)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT);
    targets = rt_current_thread
}
criterion_main!(benches);
