//! `rt::sync` against `tokio::sync`: each workload written once and run
//! with each runtime's own primitives on its own runtime, with the same
//! worker count ([`common::WORKERS`]).
//!
//! One criterion group per workload, one function per runtime, so the
//! report reads `mpsc_bounded_1p/rt`, `mpsc_bounded_1p/tokio`, … Every
//! task of a workload is spawned onto the workers; `block_on` only joins
//! them, so the bench thread does none of the work.
//!
//! The workloads (per iteration):
//!
//! - `mpsc_{bounded,unbounded}_{1p,4p}`: 1,000,000 messages, as the issue
//!   asks, from 1 or 4 producer tasks to one consumer task; the bounded
//!   channel holds [`MPSC_CAPACITY`]. An iteration takes tens of
//!   milliseconds, so these groups take [`MPSC_SAMPLE_SIZE`] samples over
//!   [`MPSC_MEASUREMENT`] (criterion's least).
//! - `oneshot_ping_pong`: 1,000 round trips between two tasks, two fresh
//!   oneshot channels per trip (each message carries the sender of the
//!   reply).
//! - `semaphore_contended`, `mutex_contended`: 8 tasks × 1,000
//!   acquire/release each, holding the permit (2 of them) or the lock
//!   across a `yield_now` so that the others queue up behind it.
//! - `broadcast_fan_out`: 10,000 messages to 16 receiver tasks; the
//!   capacity holds them all, so no receiver lags.
//! - `watch_100_subscribers`: 1,000 sends to 100 subscriber tasks, each
//!   awaiting `changed` for every one: the sender waits until all 100 have
//!   seen a value before sending the next (that acknowledgement goes
//!   through [`common::oneshot`], the same code on both runtimes).
//!
//! ```text
//! cargo bench --bench sync
//! cargo bench --bench sync -- mpsc_bounded    # some workloads
//! ```

mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};

/// Messages per iteration of the mpsc workloads (the issue's figure).
const MPSC_MESSAGES: usize = 1_000_000;
/// Capacity of the bounded mpsc channel: small enough that a producer
/// ahead of the consumer waits for room.
const MPSC_CAPACITY: usize = 1_024;
/// Producers of the `_4p` mpsc workloads (each sends a quarter).
const MPSC_PRODUCERS: usize = 4;
/// `oneshot_ping_pong`: round trips per iteration.
const PING_PONGS: usize = 1_000;
/// `semaphore_contended`, `mutex_contended`: tasks, and acquisitions each.
const CONTENDERS: usize = 8;
const ACQUIRES: usize = 1_000;
/// `semaphore_contended`: permits shared by the contenders.
const PERMITS: usize = 2;
/// `broadcast_fan_out`: messages, receivers, and a capacity that holds
/// every message (a power of two at least `BROADCAST_MESSAGES`).
const BROADCAST_MESSAGES: usize = 10_000;
const BROADCAST_RECEIVERS: usize = 16;
const BROADCAST_CAPACITY: usize = 16_384;
/// `watch_100_subscribers`: values sent, and subscriber tasks.
const WATCH_SENDS: usize = 1_000;
const WATCH_SUBSCRIBERS: usize = 100;

/// Criterion settings: the whole bench (9 workloads × 2 runtimes, the
/// mpsc groups with their own below) runs in under three minutes on 2
/// cores. Flat sampling: most iterations take
/// milliseconds, too long for criterion's linear ramp.
const SAMPLE_SIZE: usize = 30;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASUREMENT: Duration = Duration::from_secs(2);
/// The mpsc groups' settings: an iteration of 1,000,000 messages takes
/// 20–180 ms on 2 cores, so 10 samples (criterion's least) of a few
/// iterations each fill [`MPSC_MEASUREMENT`]: about 6 s per runtime and
/// group, under a minute for the four groups.
const MPSC_SAMPLE_SIZE: usize = 10;
const MPSC_MEASUREMENT: Duration = Duration::from_secs(5);

/// Writes every workload once, in a module `$module` that uses
/// `$krate::sync` on the runtime `$runtime` (rt's primitives carry
/// tokio's names, so the same text compiles against both).
macro_rules! sync_workloads {
    ($module:ident, $krate:ident, $runtime:ty) => {
        mod $module {
            use std::sync::atomic::AtomicUsize;
            use std::sync::atomic::Ordering::{AcqRel, Relaxed};
            use std::sync::{Arc, Mutex as StdMutex};

            use $krate::sync::{broadcast, mpsc, oneshot, watch, Mutex, Semaphore};

            use crate::common::{self, BenchRuntime, Group, WORKERS};
            use crate::*;

            type R = $runtime;

            /// `MPSC_MESSAGES` split among `producers` tasks, sent through
            /// a bounded or an unbounded channel to one consumer task.
            fn mpsc_workload(group: &mut Group<'_>, producers: usize, bounded: bool) {
                let rt = <R as BenchRuntime>::new(WORKERS);
                let per_producer = MPSC_MESSAGES / producers;
                group.bench_function(<R as BenchRuntime>::NAME, |b| {
                    b.iter(|| {
                        rt.block_on(async {
                            let mut handles = Vec::with_capacity(producers + 1);
                            let received = if bounded {
                                let (tx, mut rx) = mpsc::channel::<usize>(MPSC_CAPACITY);
                                for _ in 0..producers {
                                    let tx = tx.clone();
                                    handles.push(R::spawn_current(async move {
                                        for i in 0..per_producer {
                                            tx.send(i).await.expect("the consumer is gone");
                                        }
                                    }));
                                }
                                drop(tx);
                                R::spawn_current(async move {
                                    let mut n = 0;
                                    while rx.recv().await.is_some() {
                                        n += 1;
                                    }
                                    n
                                })
                            } else {
                                let (tx, mut rx) = mpsc::unbounded_channel::<usize>();
                                for _ in 0..producers {
                                    let tx = tx.clone();
                                    handles.push(R::spawn_current(async move {
                                        for i in 0..per_producer {
                                            tx.send(i).expect("the consumer is gone");
                                        }
                                    }));
                                }
                                drop(tx);
                                R::spawn_current(async move {
                                    let mut n = 0;
                                    while rx.recv().await.is_some() {
                                        n += 1;
                                    }
                                    n
                                })
                            };
                            for handle in handles {
                                handle.await;
                            }
                            assert_eq!(received.await, per_producer * producers);
                        })
                    })
                });
            }

            pub(crate) fn mpsc_bounded_1p(group: &mut Group<'_>) {
                mpsc_workload(group, 1, true);
            }

            pub(crate) fn mpsc_bounded_4p(group: &mut Group<'_>) {
                mpsc_workload(group, MPSC_PRODUCERS, true);
            }

            pub(crate) fn mpsc_unbounded_1p(group: &mut Group<'_>) {
                mpsc_workload(group, 1, false);
            }

            pub(crate) fn mpsc_unbounded_4p(group: &mut Group<'_>) {
                mpsc_workload(group, MPSC_PRODUCERS, false);
            }

            /// A ping: carries where to send the pong.
            struct Ping(oneshot::Sender<Pong>);
            /// A pong: carries where to send the next ping.
            struct Pong(oneshot::Sender<Ping>);

            pub(crate) fn oneshot_ping_pong(group: &mut Group<'_>) {
                let rt = <R as BenchRuntime>::new(WORKERS);
                group.bench_function(<R as BenchRuntime>::NAME, |b| {
                    b.iter(|| {
                        rt.block_on(async {
                            let (first_tx, first_rx) = oneshot::channel::<Ping>();
                            let ponger = R::spawn_current(async move {
                                let mut ping_rx = first_rx;
                                for _ in 0..PING_PONGS {
                                    let Ping(pong_tx) = ping_rx.await.expect("pinger gone");
                                    let (next_tx, next_rx) = oneshot::channel();
                                    assert!(pong_tx.send(Pong(next_tx)).is_ok());
                                    ping_rx = next_rx;
                                }
                            });
                            let pinger = R::spawn_current(async move {
                                let mut ping_tx = first_tx;
                                for _ in 0..PING_PONGS {
                                    let (pong_tx, pong_rx) = oneshot::channel();
                                    assert!(ping_tx.send(Ping(pong_tx)).is_ok());
                                    let Pong(next) = pong_rx.await.expect("ponger gone");
                                    ping_tx = next;
                                }
                            });
                            pinger.await;
                            ponger.await;
                        })
                    })
                });
            }

            pub(crate) fn semaphore_contended(group: &mut Group<'_>) {
                let rt = <R as BenchRuntime>::new(WORKERS);
                group.bench_function(<R as BenchRuntime>::NAME, |b| {
                    b.iter(|| {
                        rt.block_on(async {
                            let semaphore = Arc::new(Semaphore::new(PERMITS));
                            let handles: Vec<_> = (0..CONTENDERS)
                                .map(|_| {
                                    let semaphore = semaphore.clone();
                                    R::spawn_current(async move {
                                        for _ in 0..ACQUIRES {
                                            let _permit =
                                                semaphore.acquire().await.expect("closed");
                                            R::yield_now().await;
                                        }
                                    })
                                })
                                .collect();
                            for handle in handles {
                                handle.await;
                            }
                            assert_eq!(semaphore.available_permits(), PERMITS);
                        })
                    })
                });
            }

            pub(crate) fn mutex_contended(group: &mut Group<'_>) {
                let rt = <R as BenchRuntime>::new(WORKERS);
                group.bench_function(<R as BenchRuntime>::NAME, |b| {
                    b.iter(|| {
                        rt.block_on(async {
                            let mutex = Arc::new(Mutex::new(0usize));
                            let handles: Vec<_> = (0..CONTENDERS)
                                .map(|_| {
                                    let mutex = mutex.clone();
                                    R::spawn_current(async move {
                                        for _ in 0..ACQUIRES {
                                            let mut count = mutex.lock().await;
                                            *count += 1;
                                            R::yield_now().await;
                                        }
                                    })
                                })
                                .collect();
                            for handle in handles {
                                handle.await;
                            }
                            assert_eq!(*mutex.lock().await, CONTENDERS * ACQUIRES);
                        })
                    })
                });
            }

            pub(crate) fn broadcast_fan_out(group: &mut Group<'_>) {
                let rt = <R as BenchRuntime>::new(WORKERS);
                group.bench_function(<R as BenchRuntime>::NAME, |b| {
                    b.iter(|| {
                        rt.block_on(async {
                            let (tx, _) = broadcast::channel::<usize>(BROADCAST_CAPACITY);
                            let receivers: Vec<_> = (0..BROADCAST_RECEIVERS)
                                .map(|_| {
                                    let mut rx = tx.subscribe();
                                    R::spawn_current(async move {
                                        let mut n = 0;
                                        loop {
                                            match rx.recv().await {
                                                Ok(_) => n += 1,
                                                Err(broadcast::error::RecvError::Closed) => {
                                                    break n
                                                }
                                                Err(e) => panic!("receiver: {e:?}"),
                                            }
                                        }
                                    })
                                })
                                .collect();
                            let sender = R::spawn_current(async move {
                                for i in 0..BROADCAST_MESSAGES {
                                    tx.send(i).expect("every receiver is gone");
                                }
                            });
                            sender.await;
                            for receiver in receivers {
                                assert_eq!(receiver.await, BROADCAST_MESSAGES);
                            }
                        })
                    })
                });
            }

            /// The acknowledgement of one `watch_100_subscribers` round:
            /// the last subscriber to see the value completes it.
            struct Round {
                /// Subscribers yet to see this round's value.
                remaining: AtomicUsize,
                /// Completed by the subscriber that takes `remaining` to 0.
                done: StdMutex<Option<common::oneshot::Sender<()>>>,
            }

            pub(crate) fn watch_100_subscribers(group: &mut Group<'_>) {
                let rt = <R as BenchRuntime>::new(WORKERS);
                group.bench_function(<R as BenchRuntime>::NAME, |b| {
                    b.iter(|| {
                        rt.block_on(async {
                            let (tx, _) = watch::channel(0usize);
                            let round = Arc::new(Round {
                                remaining: AtomicUsize::new(0),
                                done: StdMutex::new(None),
                            });
                            let subscribers: Vec<_> = (0..WATCH_SUBSCRIBERS)
                                .map(|_| {
                                    let mut rx = tx.subscribe();
                                    let round = round.clone();
                                    R::spawn_current(async move {
                                        for expected in 1..=WATCH_SENDS {
                                            rx.changed().await.expect("sender gone");
                                            assert_eq!(*rx.borrow_and_update(), expected);
                                            // AcqRel: the sender stored
                                            // `remaining` before its send,
                                            // which `changed` synchronised
                                            // with; the RMW chain makes
                                            // exactly one subscriber see 1.
                                            if round.remaining.fetch_sub(1, AcqRel) == 1 {
                                                let done = round.done.lock().unwrap().take();
                                                done.expect("round without an ack").send(());
                                            }
                                        }
                                    })
                                })
                                .collect();
                            let sender = R::spawn_current(async move {
                                for value in 1..=WATCH_SENDS {
                                    let (ack_tx, ack_rx) = common::oneshot::channel();
                                    *round.done.lock().unwrap() = Some(ack_tx);
                                    // Relaxed: published to the
                                    // subscribers by the watch send below.
                                    round.remaining.store(WATCH_SUBSCRIBERS, Relaxed);
                                    tx.send(value).expect("every subscriber is gone");
                                    ack_rx.await.expect("a subscriber dropped the ack");
                                }
                            });
                            sender.await;
                            for subscriber in subscribers {
                                subscriber.await;
                            }
                        })
                    })
                });
            }
        }
    };
}

sync_workloads!(on_rt, rt, rt::Runtime);
sync_workloads!(on_tokio, tokio, tokio::runtime::Runtime);

/// Run `workload` with rt's primitives on rt, then tokio's on tokio, in
/// one group named after it. Each runtime is built and dropped inside the
/// workload, so at most one runs at a time. `mpsc` gives the group the
/// mpsc settings.
macro_rules! compare {
    ($c:expr_2021, $workload:ident, mpsc) => {{
        compare!($c, $workload, |group: &mut common::Group<'_>| {
            group
                .sample_size(MPSC_SAMPLE_SIZE)
                .measurement_time(MPSC_MEASUREMENT);
        })
    }};
    ($c:expr_2021, $workload:ident) => {{
        compare!($c, $workload, |_: &mut common::Group<'_>| {})
    }};
    ($c:expr_2021, $workload:ident, $configure:expr_2021) => {{
        let mut group = $c.benchmark_group(stringify!($workload));
        group.sampling_mode(SamplingMode::Flat);
        ($configure)(&mut group);
        on_rt::$workload(&mut group);
        on_tokio::$workload(&mut group);
        group.finish();
    }};
}

fn sync(c: &mut Criterion) {
    compare!(c, mpsc_bounded_1p, mpsc);
    compare!(c, mpsc_bounded_4p, mpsc);
    compare!(c, mpsc_unbounded_1p, mpsc);
    compare!(c, mpsc_unbounded_4p, mpsc);
    compare!(c, oneshot_ping_pong);
    compare!(c, semaphore_contended);
    compare!(c, mutex_contended);
    compare!(c, broadcast_fan_out);
    compare!(c, watch_100_subscribers);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(SAMPLE_SIZE)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT);
    targets = sync
}
criterion_main!(benches);
