//! I/O and timers stay responsive while every worker is busy: with
//! `2 x WORKERS` CPU-bound tasks that spin ~100 µs and then `yield_now`,
//! for as long as the measurement runs (at least `LOAD`), a task's TCP echo
//! round trips and short sleeps still complete within a few ms — the busy
//! workers turn the reactor between tasks (before re-running tasks that
//! yielded, and every `event_interval` polls), they do not wait to go idle.
//!
//! The test measures time, and is alone in its file.
//!
//! (An executable of its own, not a module of tests/suite: its latency bounds
//! (20 ms plus the canary's stalls) are timing-sensitive; other tests in the
//! process would add load of their own.)

#[path = "suite/io_support/mod.rs"]
mod io_support;
#[path = "suite/support/mod.rs"]
mod support;

use rt::time::Instant;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use io_support::{echo, runtime, tcp_pair, watchdog, Canary, Percentiles};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::TcpStream;
use rt::task::yield_now;
use rt::time::{sleep, sleep_until};

/// Worker threads; the spinning tasks are twice as many.
const WORKERS: usize = 2;
/// How long a spinning task spins between yields.
const SPIN: Duration = Duration::from_micros(100);
/// The load lasts at least this long (and until the measurement is done).
const LOAD: Duration = Duration::from_secs(1);
/// Echo round trips measured, and short sleeps measured.
const ROUND_TRIPS: usize = 100;
const SLEEPS: usize = 50;
const SHORT_SLEEP: Duration = Duration::from_millis(2);
/// Bounds on the 99th percentile of a round trip and of a sleep's lateness.
///
/// Measured in debug on the shared 2-core VM: round trips p50 0.23 to
/// 0.26 ms, p99 0.38 to 0.44 ms; 2 ms sleeps p99 1.1 to 1.2 ms late (the
/// tick rounds up). tokio on the same load: round trips p50 0.45 ms, p99 1
/// to 4.5 ms. Before `yield_now` deferred the task until the worker had
/// turned the reactor (commit cf4e095), a busy worker turned it only every
/// 61 polls (61 x 100 µs = 6.1 ms of spinning), and rt measured p50 12 to
/// 24 ms, p99 28 to 65 ms here: the 20 ms bound fails that design, and
/// leaves a margin of 40x over today's figures for a noisy machine. The
/// `Canary`'s worst stall, or the longest a worker was descheduled in the
/// middle of a spin, whichever is larger, is added: when the machine takes
/// the CPU away (other builds on the box: 30 to 80 ms at load average 6),
/// that is not rt's latency.
const ROUND_TRIP_BOUND: Duration = Duration::from_millis(20);
const SLEEP_BOUND: Duration = Duration::from_millis(20);
/// A gap this long between two clock reads of a spin means the worker was
/// descheduled (a spin reads the clock every few hundred ns).
const DESCHEDULED: Duration = Duration::from_micros(500);
/// Bound on the test.
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn round_trips_and_sleeps_stay_fast_while_every_worker_spins() {
    watchdog(LIMIT, || {
        let rt = runtime(WORKERS);
        let canary = Canary::start();
        let load = Load::default();
        let (mut round_trips, mut lateness, spins, took) = rt.block_on({
            let load = load.clone();
            async move {
                let (client, server) = tcp_pair().await;
                rt::spawn(echo(server));
                let started = Instant::now();
                let spinners: Vec<_> = (0..2 * WORKERS)
                    .map(|_| rt::spawn(load.clone().spin()))
                    .collect();
                let probe = rt::spawn(measure(client, load.clone()));
                let (round_trips, lateness, spins) = probe.await.unwrap();
                // Keep the load for at least LOAD.
                sleep_until(started + LOAD).await;
                load.stop.store(true, SeqCst);
                for spinner in spinners {
                    spinner.await.unwrap();
                }
                (round_trips, lateness, spins, started.elapsed())
            }
        });
        let machine = canary.stop();
        let descheduled = Duration::from_nanos(load.longest_gap.load(SeqCst));
        let noise = machine.max.max(descheduled);
        let round_trips = Percentiles::of(&mut round_trips);
        let lateness = Percentiles::of(&mut lateness);
        println!(
            "{} spinning tasks on {WORKERS} workers for {took:?} ({spins} spins of {SPIN:?} \
             during the measurement): round trips {round_trips}; {SHORT_SLEEP:?} sleeps \
             late by {lateness}; canary {machine}; a worker was descheduled up to \
             {descheduled:?} mid-spin",
            2 * WORKERS
        );
        // The spinners kept the workers busy while we measured: at least
        // half of the measurement's wall time went to spinning.
        let measured = round_trips.p50 * ROUND_TRIPS as u32 + SHORT_SLEEP * SLEEPS as u32;
        assert!(
            SPIN * spins as u32 >= measured / 2,
            "the load was not running during the measurement ({spins} spins)"
        );
        let bound = ROUND_TRIP_BOUND + noise;
        assert!(
            round_trips.p99 < bound,
            "p99 round trip {:?} exceeds {bound:?} under load ({round_trips})",
            round_trips.p99
        );
        let bound = SLEEP_BOUND + noise;
        assert!(
            lateness.p99 < bound,
            "p99 lateness of a {SHORT_SLEEP:?} sleep {:?} exceeds {bound:?} under load \
             ({lateness})",
            lateness.p99
        );
    });
}

/// The CPU-bound load and what it saw.
#[derive(Clone, Default)]
struct Load {
    stop: Arc<AtomicBool>,
    /// Spins done so far.
    spins: Arc<AtomicU64>,
    /// The longest gap between two clock reads inside a spin, in ns.
    longest_gap: Arc<AtomicU64>,
}

impl Load {
    /// Spin `SPIN`, yield, repeat until stopped.
    async fn spin(self) {
        while !self.stop.load(SeqCst) {
            let start = Instant::now();
            let mut last = start;
            while last - start < SPIN {
                std::hint::spin_loop();
                let now = Instant::now();
                if now - last > DESCHEDULED {
                    let gap = u64::try_from((now - last).as_nanos()).unwrap_or(u64::MAX);
                    self.longest_gap.fetch_max(gap, SeqCst);
                }
                last = now;
            }
            self.spins.fetch_add(1, SeqCst);
            yield_now().await;
        }
    }
}

/// Once the load runs: `ROUND_TRIPS` echo round trips (1 ms apart), then
/// `SLEEPS` short sleeps. Returns the round trips, the sleeps' lateness,
/// and how many spins the load did meanwhile.
async fn measure(mut client: TcpStream, load: Load) -> (Vec<Duration>, Vec<Duration>, u64) {
    // Every worker is busy before the first measurement.
    while load.spins.load(SeqCst) < 100 {
        yield_now().await;
    }
    let spins_before = load.spins.load(SeqCst);
    let mut round_trips = Vec::with_capacity(ROUND_TRIPS);
    for i in 0..ROUND_TRIPS {
        let message = [i as u8; 64];
        let start = Instant::now();
        client.write_all(&message).await.unwrap();
        let mut back = [0; 64];
        client.read_exact(&mut back).await.unwrap();
        round_trips.push(start.elapsed());
        assert_eq!(back, message);
        sleep(Duration::from_millis(1)).await;
    }
    let mut lateness = Vec::with_capacity(SLEEPS);
    for _ in 0..SLEEPS {
        let deadline = Instant::now() + SHORT_SLEEP;
        sleep_until(deadline).await;
        lateness.push(Instant::now() - deadline);
    }
    (
        round_trips,
        lateness,
        load.spins.load(SeqCst) - spins_before,
    )
}
