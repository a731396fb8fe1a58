//! I/O and timer workloads, each written once and run on rt and on tokio
//! with the same worker count.
//!
//! One criterion group per workload, one function per runtime, so the
//! report reads `tcp_ping_pong/1conn/rt`, `tcp_ping_pong/1conn/tokio`, …
//!
//! | group | one iteration |
//! |---|---|
//! | `tcp_ping_pong/1conn` | [`PINGS_ONE`] round trips of a [`MSG_LEN`]-byte message on one connection |
//! | `tcp_ping_pong/100conn` | [`CONNS`] connections doing [`PINGS_EACH`] round trips each, concurrently; done when all are |
//! | `timer_arm_cancel` | [`ARM_CANCEL`] times: make a 60 s `sleep`, poll it once (armed), drop it (cancelled) |
//! | `sleeping_tasks_10k` | spawn [`SLEEPERS`] tasks that each sleep [`SLEEP`], join them all |
//!
//! Client and echo server are tasks of the same runtime, over 127.0.0.1
//! with `TCP_NODELAY` on both ends. Connections are made once per bench
//! function, outside the timed region, and kept across iterations. Each
//! workload is timed inside a task on the runtime (`iter_custom`), so
//! `block_on`'s hand-off from the bench thread is not measured.
//!
//! The workloads are the body of [`workloads!`], expanded once per runtime
//! with that runtime's `net`, `io`, `time` and `spawn`: the logic is the
//! same text for both. The one difference is [`workloads!`]'s
//! `unconstrained` argument, see `timer_arm_cancel`.
//!
//! ```text
//! cargo bench --bench io
//! cargo bench --bench io -- tcp_ping_pong    # one workload
//! ```

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};

/// Worker threads of both runtimes (the machine has 2 cores).
const WORKERS: usize = 2;
/// Bytes per message in the ping-pong workloads.
const MSG_LEN: usize = 64;
/// `tcp_ping_pong/1conn`: round trips per iteration.
const PINGS_ONE: usize = 1_000;
/// `tcp_ping_pong/100conn`: connections, and round trips each per iteration.
const CONNS: usize = 100;
const PINGS_EACH: usize = 100;
/// `timer_arm_cancel`: timers armed and cancelled per iteration.
const ARM_CANCEL: usize = 1_000;
/// How far away the armed-then-cancelled timers are: never due.
const FAR: Duration = Duration::from_secs(60);
/// `sleeping_tasks_10k`: tasks, and how long each sleeps.
const SLEEPERS: usize = 10_000;
const SLEEP: Duration = Duration::from_millis(1);

/// Criterion settings: 4 workloads × 2 runtimes at about 7 s each (1 s
/// warm-up, 5 s of samples, analysis; `tcp_ping_pong/100conn` about 10 s:
/// one iteration takes 0.2–0.4 s, so it has fewer samples), so the file
/// runs in about a minute and a half plus the build. Flat sampling: an
/// iteration of the TCP and sleeping workloads takes milliseconds, too long
/// for criterion's linear ramp (which would need hundreds of them per
/// sample).
const SAMPLE_SIZE: usize = 30;
const SAMPLE_SIZE_SLOW: usize = 20;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASUREMENT: Duration = Duration::from_secs(5);

/// The workloads, for the runtime whose crate is `$rt`. `$unconstrained`
/// wraps the timer loop's future: identity for rt; for tokio,
/// `tokio::task::unconstrained`, or tokio's cooperative budget (128 polls
/// of its resources per task poll) would make every `Sleep::poll` after the
/// 128th return `Pending` without arming the timer, and the bench would
/// measure nothing.
macro_rules! workloads {
    ($module:ident, $rt:ident, unconstrained = $unconstrained:path) => {
        mod $module {
            use std::future::Future;
            use std::net::SocketAddr;
            use std::pin::pin;
            use std::time::{Duration, Instant};

            use futures_lite::future::poll_once;
            use $rt::io::{AsyncReadExt, AsyncWriteExt};
            use $rt::net::{TcpListener, TcpStream};
            use $rt::runtime::{Builder, Runtime};
            use $rt::spawn;
            use $rt::time::sleep;

            use super::{ARM_CANCEL, FAR, MSG_LEN, SLEEP, SLEEPERS, WORKERS};

            /// The runtime under test: multi-threaded, [`WORKERS`] workers.
            pub(crate) fn runtime() -> Runtime {
                Builder::new_multi_thread()
                    .worker_threads(WORKERS)
                    .enable_all()
                    .build()
                    .expect("build the runtime")
            }

            /// Runs `future` as a task on `runtime` and waits for it.
            fn run_task<T: Send + 'static>(
                runtime: &Runtime,
                future: impl Future<Output = T> + Send + 'static,
            ) -> T {
                runtime
                    .block_on(async { spawn(future).await })
                    .expect("bench task panicked")
            }

            /// Starts an echo server task and opens `n` connections to it
            /// (`TCP_NODELAY` on both ends).
            pub(crate) fn connect(runtime: &Runtime, n: usize) -> Vec<TcpStream> {
                run_task(runtime, async move {
                    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                    let addr: SocketAddr = listener.local_addr().expect("local_addr");
                    spawn(async move {
                        while let Ok((stream, _)) = listener.accept().await {
                            stream.set_nodelay(true).expect("set_nodelay");
                            spawn(echo(stream));
                        }
                    });
                    let mut conns = Vec::with_capacity(n);
                    for _ in 0..n {
                        let stream = TcpStream::connect(addr).await.expect("connect");
                        stream.set_nodelay(true).expect("set_nodelay");
                        conns.push(stream);
                    }
                    conns
                })
            }

            /// The server side of a connection: writes back what it reads,
            /// until end of stream.
            async fn echo(mut stream: TcpStream) {
                let mut buf = [0; MSG_LEN];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }

            /// The client side: `rounds` round trips of one message.
            async fn ping(stream: &mut TcpStream, rounds: usize) {
                let msg = [b'x'; MSG_LEN];
                let mut buf = [0; MSG_LEN];
                for _ in 0..rounds {
                    stream.write_all(&msg).await.expect("write");
                    stream.read_exact(&mut buf).await.expect("read");
                }
            }

            /// `iters` iterations of `rounds` round trips on the connection
            /// `conn`, timed inside one task.
            pub(crate) fn ping_pong_one(
                runtime: &Runtime,
                conn: &mut Option<TcpStream>,
                iters: u64,
                rounds: usize,
            ) -> Duration {
                let mut stream = conn.take().expect("connection");
                let (stream, elapsed) = run_task(runtime, async move {
                    let start = Instant::now();
                    for _ in 0..iters {
                        ping(&mut stream, rounds).await;
                    }
                    (stream, start.elapsed())
                });
                *conn = Some(stream);
                elapsed
            }

            /// `iters` iterations in which every connection of `conns` does
            /// `rounds` round trips in its own task, all at once; an
            /// iteration ends when the last one has.
            pub(crate) fn ping_pong_many(
                runtime: &Runtime,
                conns: &mut Vec<TcpStream>,
                iters: u64,
                rounds: usize,
            ) -> Duration {
                let mut streams = std::mem::take(conns);
                let (streams, elapsed) = run_task(runtime, async move {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let clients: Vec<_> = streams
                            .drain(..)
                            .map(|mut stream| {
                                spawn(async move {
                                    ping(&mut stream, rounds).await;
                                    stream
                                })
                            })
                            .collect();
                        for client in clients {
                            streams.push(client.await.expect("client task panicked"));
                        }
                    }
                    (streams, start.elapsed())
                });
                *conns = streams;
                elapsed
            }

            /// `iters` iterations of [`ARM_CANCEL`] timers armed (a 60 s
            /// `sleep` polled once) and cancelled (dropped).
            pub(crate) fn timer_arm_cancel(runtime: &Runtime, iters: u64) -> Duration {
                run_task(
                    runtime,
                    $unconstrained(async move {
                        let start = Instant::now();
                        for _ in 0..iters {
                            for _ in 0..ARM_CANCEL {
                                let mut sleep = pin!(sleep(FAR));
                                let polled = poll_once(sleep.as_mut()).await;
                                assert!(polled.is_none(), "a 60 s sleep completed");
                            }
                        }
                        start.elapsed()
                    }),
                )
            }

            /// `iters` iterations of: spawn [`SLEEPERS`] tasks sleeping
            /// [`SLEEP`] each, then join them all.
            pub(crate) fn sleeping_tasks(runtime: &Runtime, iters: u64) -> Duration {
                run_task(runtime, async move {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let tasks: Vec<_> = (0..SLEEPERS).map(|_| spawn(sleep(SLEEP))).collect();
                        for task in tasks {
                            task.await.expect("sleeper panicked");
                        }
                    }
                    start.elapsed()
                })
            }
        }
    };
}

/// rt has no cooperative budget: the timer loop runs as it is.
fn identity<F>(future: F) -> F {
    future
}

workloads!(on_rt, rt, unconstrained = super::identity);
workloads!(on_tokio, tokio, unconstrained = tokio::task::unconstrained);

/// Benches `$workload` on each runtime, in one group named `$name` with
/// functions `rt` and `tokio`, `$samples` samples each. `|runtime, iters| body` is the timed part; an
/// optional `setup = |runtime| expr` runs once per runtime, outside the
/// timing, and the body sees its value as `state`. Each runtime is built and
/// dropped around its own function, so only one exists at a time.
macro_rules! compare {
    (
        $c:expr_2021, $name:literal, $throughput:expr_2021, $mode:expr_2021, samples = $samples:expr_2021,
        |$runtime:ident, $state:ident, $iters:ident| $body:expr_2021,
        setup = |$setup_rt:ident| $setup:expr_2021
    ) => {{
        let mut group = $c.benchmark_group($name);
        group
            .throughput($throughput)
            .sampling_mode($mode)
            .sample_size($samples);
        {
            use on_rt as on;
            let $runtime = on::runtime();
            let $setup_rt = &$runtime;
            #[allow(unused_mut)] // reason: some workloads' state is not mutated
            let mut $state = $setup;
            group.bench_function("rt", |b| {
                b.iter_custom(|$iters| {
                    let $runtime = &$runtime;
                    $body
                })
            });
        }
        {
            use on_tokio as on;
            let $runtime = on::runtime();
            let $setup_rt = &$runtime;
            #[allow(unused_mut)] // reason: some workloads' state is not mutated
            let mut $state = $setup;
            group.bench_function("tokio", |b| {
                b.iter_custom(|$iters| {
                    let $runtime = &$runtime;
                    $body
                })
            });
        }
        group.finish();
    }};
}

fn tcp_ping_pong(c: &mut Criterion) {
    compare!(
        c,
        "tcp_ping_pong/1conn",
        Throughput::Elements(PINGS_ONE as u64),
        SamplingMode::Flat,
        samples = SAMPLE_SIZE,
        |runtime, conn, iters| on::ping_pong_one(runtime, &mut conn, iters, PINGS_ONE),
        setup = |runtime| on::connect(runtime, 1).pop()
    );
    compare!(
        c,
        "tcp_ping_pong/100conn",
        Throughput::Elements((CONNS * PINGS_EACH) as u64),
        SamplingMode::Flat,
        samples = SAMPLE_SIZE_SLOW,
        |runtime, conns, iters| on::ping_pong_many(runtime, &mut conns, iters, PINGS_EACH),
        setup = |runtime| on::connect(runtime, CONNS)
    );
}

fn timers(c: &mut Criterion) {
    compare!(
        c,
        "timer_arm_cancel",
        Throughput::Elements(ARM_CANCEL as u64),
        SamplingMode::Auto,
        samples = SAMPLE_SIZE,
        |runtime, _unit, iters| on::timer_arm_cancel(runtime, iters),
        setup = |_runtime| ()
    );
    compare!(
        c,
        "sleeping_tasks_10k",
        Throughput::Elements(SLEEPERS as u64),
        SamplingMode::Flat,
        samples = SAMPLE_SIZE,
        |runtime, _unit, iters| on::sleeping_tasks(runtime, iters),
        setup = |_runtime| ()
    );
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(SAMPLE_SIZE)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT)
}

criterion_group! {
    name = benches;
    config = config();
    targets = tcp_ping_pong, timers
}
criterion_main!(benches);
