//! A task that blocks its worker thread does not stall anyone else's I/O or
//! timers: with two workers, while one task sits in
//! `std::thread::sleep(BLOCK)`, the other tasks' work finishes within
//! `BOUND`. tokio fails this by default (its issue 4730: the worker holding
//! the I/O driver runs the task that blocks).
//!
//! Each round, the blocking task starts first (it raises a flag when it
//! begins to block); then, in two phases:
//! 1. work only the reactor can finish: a read that was already pending
//!    gets its byte, a timer armed before the block comes due — nothing is
//!    spawned or woken from outside, so this holds only if another worker
//!    takes the reactor (a worker that leaves the reactor to run a task
//!    hands it to a sleeping one first, if one asked for it);
//! 2. new tasks spawned from outside: a TCP round trip and a 10 ms sleep.
//!
//! The blocking task is placed in the ways that matter: spawned from
//! outside (the injector), spawned from inside a task (a worker's LIFO
//! slot), woken by I/O and woken by a timer (both run by the worker that
//! turned the reactor, which leaves it to block). Each is repeated
//! `ROUNDS` times on one runtime.
//!
//! The tests measure time, so they run one at a time.
//!
//! (An executable of its own, not a module of tests/suite: its latency bounds
//! (100 ms) are measured against a machine-stall canary that other tests' load
//! in the same process would blur.)

#[path = "suite/io_support/mod.rs"]
mod io_support;
#[path = "suite/support/mod.rs"]
mod support;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

use io_support::{echo, runtime, serial, wait_until, watchdog, Canary};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream, UnixStream};
use rt::runtime::Runtime;
use rt::task::JoinHandle;
use rt::time::sleep;

/// Repetitions of each placement.
const ROUNDS: usize = 5;
/// How long the blocking task blocks its thread.
const BLOCK: Duration = Duration::from_millis(500);
/// How soon the other tasks' work must finish: a round trip and a 10 ms
/// sleep take a few ms when a worker is free. The worst stall the `Canary`
/// saw during the round is added, so a VM that freezes every thread does
/// not fail the test; the work that waits for the blocked worker takes
/// `BLOCK` and fails it.
const BOUND: Duration = Duration::from_millis(100);
/// The short sleep measured while the worker is blocked.
const SHORT_SLEEP: Duration = Duration::from_millis(10);
/// When the timer armed before the blocker is due: after the blocker has
/// started (a few ms), well before it stops.
const ARMED_TIMER: Duration = Duration::from_millis(60);
/// Bound on each test: `ROUNDS` x `BLOCK` plus set-up.
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn a_task_spawned_from_outside_blocking_its_worker_stalls_nothing() {
    scenario(Placement::Outside);
}

#[test]
fn a_task_spawned_from_a_task_blocking_its_worker_stalls_nothing() {
    scenario(Placement::FromTask);
}

#[test]
fn a_task_blocking_right_after_an_io_wake_stalls_nothing() {
    scenario(Placement::AfterIoWake);
}

#[test]
fn a_task_blocking_right_after_a_timer_wake_stalls_nothing() {
    scenario(Placement::AfterTimerWake);
}

/// Where the blocking task comes from.
#[derive(Clone, Copy, Debug)]
enum Placement {
    /// `Runtime::spawn` from the test thread: the injector.
    Outside,
    /// `rt::spawn` inside a task: that worker's LIFO slot.
    FromTask,
    /// It first waits for a byte on a socket, then blocks as soon as the
    /// reactor wakes it: it runs on (or is stolen from) the worker that
    /// turned the reactor.
    AfterIoWake,
    /// It first sleeps 20 ms, then blocks as soon as the timer wakes it.
    AfterTimerWake,
}

/// Flags the blocking task raises.
#[derive(Clone, Default)]
struct Flags {
    /// It is about to block (set just before `thread::sleep`).
    blocking: Arc<AtomicBool>,
    /// It has finished blocking.
    done: Arc<AtomicBool>,
}

fn scenario(placement: Placement) {
    watchdog(LIMIT, move || {
        let _serial = serial();
        let rt = runtime(2);
        // The echo server of the round trips, spawned once.
        let server = rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            rt::spawn(async move {
                loop {
                    let (stream, _) = listener.accept().await.unwrap();
                    rt::spawn(echo(stream));
                }
            });
            addr
        });
        for round in 0..ROUNDS {
            one_round(&rt, placement, server, round);
        }
    });
}

fn one_round(rt: &Runtime, placement: Placement, server: SocketAddr, round: usize) {
    let what = format!("{placement:?}, round {round}");
    let canary = Canary::start();

    // Work already pending before the worker blocks: a read that only the
    // reactor can complete, and a timer.
    let armed = Arc::new(AtomicUsize::new(0));
    let (probe_end, mut probe_peer) = std::os::unix::net::UnixStream::pair().unwrap();
    let pending_read = {
        let armed = armed.clone();
        rt.spawn(async move {
            let mut end = UnixStream::from_std(probe_end).unwrap();
            armed.fetch_add(1, SeqCst);
            end.read_exact(&mut [0; 1]).await.unwrap();
            Instant::now()
        })
    };
    let timer_deadline = Instant::now() + ARMED_TIMER;
    let pending_timer = {
        let armed = armed.clone();
        rt.spawn(async move {
            armed.fetch_add(1, SeqCst);
            rt::time::sleep_until(timer_deadline.into()).await;
            Instant::now()
        })
    };
    assert!(wait_until(Duration::from_secs(10), || armed.load(SeqCst) == 2));
    // Let both reach their await (microseconds after the counter).
    std::thread::sleep(Duration::from_millis(5));

    // The blocking task; the measured work starts once it blocks.
    let flags = Flags::default();
    let blocker = start_blocker(rt, placement, &flags);
    assert!(
        wait_until(Duration::from_secs(10), || flags.blocking.load(SeqCst)),
        "{what}: the blocking task never started"
    );
    let t0 = Instant::now();

    // Phase 1: only the reactor can finish these (no task is spawned or
    // woken from outside): the byte for the pending read arrives now, the
    // armed timer comes due during the block.
    probe_peer.write_all(b"!").unwrap();
    let (read, timer) =
        rt.block_on(async { (pending_read.await.unwrap(), pending_timer.await.unwrap()) });

    // Phase 2: new tasks, spawned from outside.
    let t1 = Instant::now();
    let round_trip = rt.spawn(async move {
        let mut stream = TcpStream::connect(server).await.unwrap();
        let message = *b"a round trip while a worker is blocked";
        stream.write_all(&message).await.unwrap();
        let mut back = [0; 38];
        stream.read_exact(&mut back).await.unwrap();
        assert_eq!(back, message);
        Instant::now()
    });
    let short_sleep = rt.spawn(async {
        sleep(SHORT_SLEEP).await;
        Instant::now()
    });
    let (round_trip, short_sleep) =
        rt.block_on(async { (round_trip.await.unwrap(), short_sleep.await.unwrap()) });

    let still_blocked = !flags.done.load(SeqCst);
    let machine = canary.stop();
    let bound = BOUND + machine.max;
    let read = read.saturating_duration_since(t0);
    let timer_late = timer.saturating_duration_since(timer_deadline);
    let round_trip = round_trip.saturating_duration_since(t1);
    let short_sleep = short_sleep.saturating_duration_since(t1);
    println!(
        "{what}: pending read {read:?}, armed timer {timer_late:?} late, round trip \
         {round_trip:?}, {SHORT_SLEEP:?} sleep {short_sleep:?} (bound {bound:?}; canary {machine})",
    );
    assert!(
        read <= bound,
        "{what}: a pending read took {read:?} to see its byte while a worker was blocked"
    );
    assert!(
        timer >= timer_deadline,
        "{what}: the armed timer fired early"
    );
    assert!(
        timer_late <= bound,
        "{what}: the armed timer fired {timer_late:?} late while a worker was blocked"
    );
    assert!(
        round_trip <= bound,
        "{what}: the round trip took {round_trip:?} while a worker was blocked"
    );
    assert!(short_sleep >= SHORT_SLEEP);
    assert!(
        short_sleep <= bound,
        "{what}: a {SHORT_SLEEP:?} sleep took {short_sleep:?} while a worker was blocked"
    );
    assert!(
        still_blocked,
        "{what}: the work finished only after the blocking task did"
    );
    rt.block_on(blocker).unwrap();
}

/// Spawns the task that blocks its thread for `BLOCK`, placed as asked.
fn start_blocker(rt: &Runtime, placement: Placement, flags: &Flags) -> JoinHandle<()> {
    let flags = flags.clone();
    let block = move || {
        flags.blocking.store(true, SeqCst);
        std::thread::sleep(BLOCK);
        flags.done.store(true, SeqCst);
    };
    match placement {
        Placement::Outside => rt.spawn(async move { block() }),
        Placement::FromTask => rt.spawn(async move {
            rt::spawn(async move { block() }).await.unwrap();
        }),
        Placement::AfterIoWake => {
            let (end, mut peer) = std::os::unix::net::UnixStream::pair().unwrap();
            let waiting = Arc::new(AtomicBool::new(false));
            let task = {
                let waiting = waiting.clone();
                rt.spawn(async move {
                    let mut end = UnixStream::from_std(end).unwrap();
                    waiting.store(true, SeqCst);
                    end.read_exact(&mut [0; 1]).await.unwrap();
                    block();
                })
            };
            assert!(wait_until(Duration::from_secs(10), || waiting.load(SeqCst)));
            std::thread::sleep(Duration::from_millis(5));
            peer.write_all(b"!").unwrap();
            task
        }
        Placement::AfterTimerWake => rt.spawn(async move {
            sleep(Duration::from_millis(20)).await;
            block();
        }),
    }
}

/// A task woken by the task that then blocks is run by the free worker.
///
/// The woken task goes to the blocking worker's LIFO slot, and nobody is
/// woken for it (the worker would run it next). The free worker, waiting
/// in the driver, watches while another worker runs and takes the slotted
/// task of a worker stuck in one poll (rt-pool's `rescue`). Without the
/// rescue, or without the wake-up that makes an idle driver holder start
/// watching, the task waits for the whole `BLOCK` (seen: 499 ms); with
/// both, 3 to 5 ms. tokio 1.x waits the whole block (500.1 ms, 5 of 5,
/// same scenario with a oneshot channel).
#[test]
fn a_task_woken_right_before_its_waker_blocks_runs_on_the_free_worker() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let rt = runtime(2);
        for round in 0..ROUNDS {
            let gate = io_support::Gate::new();
            let woken = {
                let gate = gate.clone();
                rt.spawn(async move {
                    gate.wait().await;
                    Instant::now()
                })
            };
            // The woken task is pending on the gate.
            std::thread::sleep(Duration::from_millis(20));
            let flags = Flags::default();
            let blocker = {
                let flags = flags.clone();
                rt.spawn(async move {
                    flags.blocking.store(true, SeqCst);
                    gate.open(); // a wake from inside a task: the LIFO slot
                    std::thread::sleep(BLOCK);
                    flags.done.store(true, SeqCst);
                })
            };
            assert!(wait_until(Duration::from_secs(10), || flags
                .blocking
                .load(SeqCst)));
            let t0 = Instant::now();
            let ran = rt.block_on(woken).unwrap();
            let took = ran.saturating_duration_since(t0);
            assert!(
                took <= BOUND && !flags.done.load(SeqCst),
                "round {round}: the woken task ran {took:?} after its waker blocked"
            );
            rt.block_on(blocker).unwrap();
        }
    });
}

/// A task spawned by a task that then blocks is run by the free worker.
///
/// A spawned task goes to the spawner's LIFO slot, as a woken one does,
/// and nobody is woken for it: the same rescue as in the test above takes
/// it from a worker stuck in one poll. (A spawned task went to the deque
/// and woke a sibling before it went to the slot, like tokio's.)
#[test]
fn a_task_spawned_right_before_its_spawner_blocks_runs_on_the_free_worker() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let rt = runtime(2);
        for round in 0..ROUNDS {
            let flags = Flags::default();
            let (spawned_tx, spawned_rx) = std::sync::mpsc::channel();
            let gate = io_support::Gate::new();
            let blocker = {
                let flags = flags.clone();
                let gate = gate.clone();
                rt.spawn(async move {
                    gate.wait().await;
                    let spawned = rt::spawn(async { Instant::now() });
                    spawned_tx.send(spawned).unwrap();
                    flags.blocking.store(true, SeqCst);
                    std::thread::sleep(BLOCK);
                    flags.done.store(true, SeqCst);
                })
            };
            // Every worker parks (one in the driver, waiting unbounded) before
            // the spawner is woken, from outside.
            std::thread::sleep(Duration::from_millis(20));
            gate.open();
            assert!(wait_until(Duration::from_secs(10), || flags
                .blocking
                .load(SeqCst)));
            let t0 = Instant::now();
            let spawned = spawned_rx.recv().unwrap();
            let ran = rt.block_on(spawned).unwrap();
            let took = ran.saturating_duration_since(t0);
            assert!(
                took <= BOUND && !flags.done.load(SeqCst),
                "round {round}: the spawned task ran {took:?} after its spawner blocked"
            );
            rt.block_on(blocker).unwrap();
        }
    });
}
