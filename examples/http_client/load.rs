//! The load: each connection's requests and checked responses, the window,
//! the drain.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use rt::net::TcpStream;
use rt::task::{yield_now, JoinHandle};
use rt::time::{sleep, sleep_until, Instant};
use rt_suite::payload::fill;

use super::args::{Config, Load};
use super::connect::connect_all;
use super::http::{Connection, Request};
use super::latency;
use super::{Results, WINDOW_CLOSES, WINDOW_OPENS};

/// After the window closes, the connections finish their last request: if
/// no response at all arrives for this long, those still waiting are
/// stalled and count as lost (progress, not a fixed deadline, as
/// `echo_client`'s drain) ...
const DRAIN: Duration = Duration::from_secs(10);
/// ... and whatever still runs this long after the window closed too.
const DRAIN_MAX: Duration = Duration::from_secs(60);
/// How often the drain checks for progress.
const DRAIN_CHECK: Duration = Duration::from_millis(100);

/// The run's schedule, shared by the connection tasks.
#[derive(Debug)]
struct Plan {
    config: Config,
    /// Time between two requests of one connection, in fixed-rate mode.
    period: Option<Duration>,
    start: Instant,
    window_opens: Instant,
    window_closes: Instant,
    /// Responses received so far, on all connections (for the drain).
    completed: AtomicU64,
}

/// How one connection's run ended.
#[derive(Debug, Default)]
struct Outcome {
    /// Good responses to requests scheduled inside the window.
    requests: u64,
    /// Why the connection stopped early, if it did.
    error: Option<String>,
    /// Whether that was a response with the wrong status or body.
    bad_response: bool,
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
        period: config.rate.map(|r| Duration::from_secs_f64(1.0 / r)),
        start,
        window_opens: start + config.warmup,
        window_closes: start + config.warmup + config.duration,
        completed: AtomicU64::new(0),
        config,
    });
    let tasks: Vec<_> = streams
        .into_iter()
        .map(|(id, stream)| rt::spawn(drive(id, stream, plan.clone())))
        .collect();
    sleep_until(plan.window_opens).await;
    eprintln!("{WINDOW_OPENS}");
    sleep_until(plan.window_closes).await;
    eprintln!("{WINDOW_CLOSES}");

    let stalled = drain(&tasks, &plan).await;
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
        results.requests += outcome.requests;
        results.bad_responses += u64::from(outcome.bad_response);
        if let Some(error) = outcome.error {
            results.lost += 1;
            *results.errors.entry(error).or_default() += 1;
        }
    }
    let merged = latency::merged();
    results.latency = Some(merged.latency);
    results.send_lag = Some(merged.send_lag);
    results
}

/// Waits, after the window, for the connections to finish their last
/// request, as long as responses keep arriving (see [`DRAIN`]); returns
/// the reason to give for those still running.
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
            return format!(
                "stalled: no response for {} s after the end",
                DRAIN.as_secs()
            );
        }
        sleep(DRAIN_CHECK).await;
        let completed = plan.completed.load(Relaxed);
        if completed != seen {
            (seen, last_progress) = (completed, Instant::now());
        }
    }
}

/// One connection's load: requests until the window closes, each response
/// checked (status 200, the expected body).
async fn drive(id: u64, stream: TcpStream, plan: Arc<Plan>) -> Outcome {
    let config = &plan.config;
    let mut outcome = Outcome::default();
    let mut connection = Connection::new(stream);
    let mut request = match &config.load {
        Load::Get { path, .. } => Request::get(config.addr, path),
        Load::Echo(size) => Request::post(config.addr, "/echo", *size),
    };
    // Fixed rate: connection `id` sends at start + offset + k * period,
    // the offsets spreading the connections evenly over one period.
    let offset = plan
        .period
        .map(|p| p.mul_f64(id as f64 / config.connections as f64));
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
        if let Load::Echo(_) = config.load {
            fill(request.body_mut(), id, seq);
        }
        let send_lag = plan.period.map(|_| scheduled.elapsed());
        let response = match connection.round_trip(&request).await {
            Ok(response) => response,
            Err(error) => {
                outcome.error = Some(error);
                break;
            }
        };
        let done = Instant::now();
        // Relaxed: a statistic for the drain; it publishes nothing.
        plan.completed.fetch_add(1, Relaxed);
        let expected = match &config.load {
            Load::Get { expect, .. } => expect.as_slice(),
            Load::Echo(_) => request.body(),
        };
        if response.status != 200 || response.body != expected {
            outcome.bad_response = true;
            outcome.error = Some(match response.status {
                200 => "a response with the wrong body".into(),
                status => format!("a response with status {status}"),
            });
            break;
        }
        if scheduled >= plan.window_opens {
            outcome.requests += 1;
            latency::record(done.duration_since(scheduled), send_lag);
        }
        if plan.period.is_none() {
            // Closed loop: one request per turn, then the back of the queue,
            // so a connection whose response is always ready at once does
            // not keep its worker from the others (as `echo_client`).
            yield_now().await;
        }
    }
    outcome
}
