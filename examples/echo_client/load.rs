//! The load: each connection's messages and checked echoes, the window, the drain.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::TcpStream;
use rt::task::{yield_now, JoinHandle};
use rt::time::{sleep, sleep_until, Instant};
use rt_suite::payload::fill;

use super::args::Config;
use super::connect::connect_all;
use super::latency;
use super::{Results, WINDOW_CLOSES, WINDOW_OPENS};

/// After the window closes, the connections finish their last round trip:
/// if no echo at all arrives for this long, those still waiting are
/// stalled and count as lost. (Progress, not a fixed deadline: on an
/// overloaded machine a client seconds behind its schedule is slow, not
/// broken.)
const DRAIN: Duration = Duration::from_secs(10);
/// ... and however well they progress, whatever still runs this long after
/// the window closed counts as lost.
const DRAIN_MAX: Duration = Duration::from_secs(60);
/// How often the drain checks for progress.
const DRAIN_CHECK: Duration = Duration::from_millis(100);

/// The run's schedule, shared by the connection tasks.
#[derive(Debug)]
struct Plan {
    size: usize,
    connections: usize,
    /// Time between two messages of one connection, in fixed-rate mode.
    period: Option<Duration>,
    start: Instant,
    window_opens: Instant,
    window_closes: Instant,
    /// Round trips completed so far, by all connections (for the drain).
    completed: AtomicU64,
}

/// How one connection's run ended.
#[derive(Debug, Default)]
struct Outcome {
    /// Round trips whose send was scheduled inside the window.
    round_trips: u64,
    /// Why the connection was lost, if it was.
    error: Option<String>,
    /// Echoed bytes that differed from those sent.
    wrong_bytes: u64,
}

/// Connects, runs the load, and gathers the results.
pub(super) async fn run(config: Config) -> Results {
    let mut results = Results::default();
    let connect_started = Instant::now();
    let streams = connect_all(&config, &mut results).await;
    results.connect_time = connect_started.elapsed();
    results.connected = streams.len();
    if streams.is_empty() {
        return results;
    }

    let start = Instant::now();
    let plan = Arc::new(Plan {
        size: config.size,
        connections: config.connections,
        period: config.rate.map(|r| Duration::from_secs_f64(1.0 / r)),
        start,
        window_opens: start + config.warmup,
        window_closes: start + config.warmup + config.duration,
        completed: AtomicU64::new(0),
    });
    let tasks: Vec<_> = streams
        .into_iter()
        .map(|(id, stream)| rt::spawn(drive(id as u64, stream, plan.clone())))
        .collect();
    sleep_until(plan.window_opens).await;
    eprintln!("{WINDOW_OPENS}");
    sleep_until(plan.window_closes).await;
    eprintln!("{WINDOW_CLOSES}");

    let stalled = drain(&tasks, &plan).await;

    let mut fairness = (u64::MAX, 0);
    let (mut sum, mut sum_squares, mut held) = (0.0, 0.0, 0.0);
    for task in tasks {
        let outcome = if task.is_finished() {
            task.await.unwrap_or_else(|join_error| Outcome {
                error: Some(format!("task failed: {join_error}")),
                ..Outcome::default()
            })
        } else {
            task.abort();
            Outcome {
                error: Some(stalled.clone()),
                ..Outcome::default()
            }
        };
        results.round_trips += outcome.round_trips;
        if outcome.wrong_bytes > 0 {
            results.corrupt_connections += 1;
            results.wrong_bytes += outcome.wrong_bytes;
        }
        match outcome.error {
            Some(error) => {
                results.lost += 1;
                *results.errors.entry(error).or_default() += 1;
            }
            None => {
                fairness.0 = fairness.0.min(outcome.round_trips);
                fairness.1 = fairness.1.max(outcome.round_trips);
                let x = outcome.round_trips as f64;
                (sum, sum_squares, held) = (sum + x, sum_squares + x * x, held + 1.0);
            }
        }
    }
    if fairness.0 != u64::MAX {
        (results.min_round_trips, results.max_round_trips) = fairness;
    }
    if sum_squares > 0.0 {
        results.jain = sum * sum / (held * sum_squares);
    }
    let merged = latency::merged();
    results.latency = Some(merged.latency);
    results.send_lag = Some(merged.send_lag);
    results
}

/// Waits, after the window, for the connections to finish their last
/// round trip, as long as echoes keep arriving (see [`DRAIN`]); returns the
/// reason to give for those still running.
async fn drain(tasks: &[JoinHandle<Outcome>], plan: &Plan) -> String {
    let mut seen = plan.completed.load(Relaxed);
    let mut last_progress = Instant::now();
    loop {
        if tasks.iter().all(JoinHandle::is_finished) {
            return String::new();
        }
        if plan.window_closes.elapsed() >= DRAIN_MAX {
            return format!("still running {} s after the end", DRAIN_MAX.as_secs());
        }
        if last_progress.elapsed() >= DRAIN {
            return format!("stalled: no echo for {} s after the end", DRAIN.as_secs());
        }
        sleep(DRAIN_CHECK).await;
        let completed = plan.completed.load(Relaxed);
        if completed != seen {
            (seen, last_progress) = (completed, Instant::now());
        }
    }
}

/// One connection's load: messages until the window closes, each echo
/// checked byte for byte.
async fn drive(id: u64, mut stream: TcpStream, plan: Arc<Plan>) -> Outcome {
    let mut outcome = Outcome::default();
    let mut message = vec![0; plan.size];
    let mut echo = vec![0; plan.size];
    // Fixed rate: connection `id` sends at start + offset + k * period,
    // the offsets spreading the connections evenly over one period.
    let offset = plan
        .period
        .map(|p| p.mul_f64(id as f64 / plan.connections as f64));
    for seq in 0u64.. {
        let scheduled = match (plan.period, offset) {
            (Some(period), Some(offset)) => {
                let at = plan.start
                    + offset
                    + period.saturating_mul(u32::try_from(seq).unwrap_or(u32::MAX));
                if at >= plan.window_closes {
                    break;
                }
                if at > Instant::now() {
                    sleep_until(at).await;
                }
                at
            }
            _ => {
                let now = Instant::now();
                if now >= plan.window_closes {
                    break;
                }
                now
            }
        };
        fill(&mut message, id, seq);
        let send_lag = plan.period.map(|_| scheduled.elapsed());
        let round_trip = async {
            stream.write_all(&message).await?;
            stream.read_exact(&mut echo).await
        };
        if let Err(err) = round_trip.await {
            outcome.error = Some(match err.kind() {
                io::ErrorKind::UnexpectedEof => "the server closed the connection".into(),
                _ => err.to_string(),
            });
            break;
        }
        let done = Instant::now();
        // Relaxed: a statistic for the drain; it publishes nothing.
        plan.completed.fetch_add(1, Relaxed);
        if echo != message {
            outcome.wrong_bytes = echo.iter().zip(&message).filter(|(a, b)| a != b).count() as u64;
            outcome.error = Some(format!("wrong bytes in echo of message {seq}"));
            break;
        }
        if scheduled >= plan.window_opens {
            outcome.round_trips += 1;
            latency::record(done.duration_since(scheduled), send_lag);
        }
        if plan.period.is_none() {
            // Closed loop: one round trip per turn, then the back of the
            // queue. A connection whose echo is already there when it reads
            // never returns Pending otherwise, and keeps its worker: one
            // made 253 round trips in a single poll (to a median
            // connection's 97 in the whole run) while the other
            // connections' echoes waited, which made the fairness figures
            // measure the client instead of the server.
            yield_now().await;
        }
    }
    outcome
}
