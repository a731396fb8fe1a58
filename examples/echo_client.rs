//! The C10k load generator, on rt: many connections, every byte checked.
//!
//! ```text
//! cargo run --release --example echo_client -- [--addr 127.0.0.1:7000] [--connections 10000]
//!     [--size 64] [--duration 10] [--warmup 1] [--rate MSGS_PER_SEC] [--workers N] [--json]
//! ```
//!
//! Opens `--connections` connections, `--batch` (500) at a time, then has
//! each of them send `--size`-byte messages and read the echo back, for
//! `--warmup` seconds (not counted) and then `--duration` seconds.
//!
//! - **Closed loop** (no `--rate`): each connection sends its next message
//!   as soon as the previous echo is back. Latency is reply time − send time.
//! - **Fixed rate** (`--rate R`): each connection sends a message every
//!   `1/R` s, connections spread evenly over the period; one message in
//!   flight per connection. Latency is measured from the *scheduled* send
//!   time, so a server that falls behind cannot hide its queueing delay by
//!   slowing the client down (coordinated omission; wrk2 does the same).
//!
//! Every message is a byte stream generated from (connection, sequence
//! number), so an echo that is corrupted, truncated, from another message or
//! from another connection does not match. Latencies go to one HDR
//! histogram per worker thread (not per connection: 10,000 of those would
//! take hundreds of MB), merged at the end.
//!
//! Prints connections held and failed, the time to connect them all,
//! messages/s, MB/s (echoed payload, one direction), latency percentiles,
//! the fewest and most round trips any connection made and Jain's index
//! of the round trips per connection (fairness: 1 when all made as many), and the
//! errors. `--json` prints one JSON line instead, for `c10k`. Exits 1 if
//! any byte was wrong or any connection failed to connect or was lost (an
//! error, an early end-of-file, or, after the window, no echo on any
//! connection for 10 s while it still waited for one), and 2
//! on a usage error or a limit too low for the run (open files, ports).
//!
//! Stderr carries a progress line while connecting and two marker lines,
//! [`WINDOW_OPENS`] and [`WINDOW_CLOSES`], when the measured window starts
//! and ends; `c10k` samples the server's CPU time on them.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, IsTerminal};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hdrhistogram::Histogram;
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::TcpStream;
use rt::task::JoinHandle;
use rt::time::{sleep, sleep_until, timeout, Instant};
use rt_suite::args::Args;

const USAGE: &str = "\
usage: echo_client [options]

  --addr ADDR[,ADDR...]  server address(es); connections go round-robin (default 127.0.0.1:7000)
  --connections N        connections to open and hold (default 10000)
  --size BYTES           message size (default 64)
  --duration SECS        measured time (default 10)
  --warmup SECS          time before that, not counted (default 1)
  --rate R               messages per second per connection; absent: closed loop
  --batch N              connections opened at once (default 500)
  --workers N            worker threads (default: the number of CPUs)
  --json                 print one JSON line of results instead of the report";

/// Printed to stderr when the measured window opens (`c10k` looks for it).
const WINDOW_OPENS: &str = "echo_client: measurement window opens";
/// Printed to stderr when the measured window closes (`c10k` looks for it).
const WINDOW_CLOSES: &str = "echo_client: measurement window closes";

/// Connections opened at once: enough to connect 10,000 in well under a
/// second, few enough to stay far below the listen backlog (4096).
const DEFAULT_BATCH: usize = 500;
/// A connect that takes longer has failed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
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
/// Descriptors the process needs besides its connections (stdio, the
/// reactor's epoll and eventfd, ...), with room to spare.
const FD_RESERVE: u64 = 64;
/// Highest latency the histograms hold: one hour, in µs (higher values are
/// recorded as this).
const MAX_LATENCY_US: u64 = 3_600_000_000;

/// What to run, from the command line.
#[derive(Clone, Debug)]
struct Config {
    addrs: Vec<SocketAddr>,
    connections: usize,
    size: usize,
    duration: Duration,
    warmup: Duration,
    rate: Option<f64>,
    batch: usize,
    workers: usize,
    json: bool,
}

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

/// Everything the report prints.
#[derive(Debug, Default)]
struct Results {
    connected: usize,
    connect_failed: usize,
    lost: usize,
    corrupt_connections: usize,
    wrong_bytes: u64,
    connect_time: Duration,
    round_trips: u64,
    min_round_trips: u64,
    max_round_trips: u64,
    /// Jain's fairness index of the round trips per held connection:
    /// (Σx)² / (n·Σx²), 1 when all made as many, 1/n when one made them all.
    jain: f64,
    errors: BTreeMap<String, u64>,
    latency: Option<Histogram<u64>>,
    /// Fixed rate: how late sends started after their scheduled time.
    send_lag: Option<Histogram<u64>>,
}

fn main() -> ExitCode {
    let config = parse_args();
    if let Err(message) = check_limits(&config) {
        eprintln!("echo_client: {message}");
        return ExitCode::from(2);
    }
    let runtime = match rt::runtime::Builder::new_multi_thread()
        .worker_threads(config.workers)
        .thread_name("client-worker")
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("echo_client: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let results = runtime.block_on(run(config.clone()));
    runtime.shutdown_background();
    if config.json {
        println!("{}", json(&config, &results));
    } else {
        report(&config, &results);
    }
    if results.connect_failed + results.lost > 0 || results.wrong_bytes > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn parse_args() -> Config {
    let mut args = Args::from_env(USAGE);
    let addrs: String = args
        .value("addr")
        .unwrap_or_else(|| "127.0.0.1:7000".into());
    let addrs: Vec<SocketAddr> = match addrs.split(',').map(str::parse).collect() {
        Ok(addrs) => addrs,
        Err(err) => args.fail(&format!("--addr {addrs:?}: {err}")),
    };
    let secs = |args: &mut Args, name: &str, default: f64| {
        let secs: f64 = args.value(name).unwrap_or(default);
        Duration::try_from_secs_f64(secs)
            .unwrap_or_else(|_| args.fail(&format!("--{name} must be a number of seconds ≥ 0")))
    };
    let config = Config {
        addrs,
        connections: args.value("connections").unwrap_or(10_000),
        size: args.value("size").unwrap_or(64),
        duration: secs(&mut args, "duration", 10.0),
        warmup: secs(&mut args, "warmup", 1.0),
        rate: args.value("rate"),
        batch: args.value("batch").unwrap_or(DEFAULT_BATCH),
        workers: args.value("workers").unwrap_or_else(num_cpus),
        json: args.flag("json"),
    };
    if config.connections == 0 || config.size == 0 || config.batch == 0 || config.workers == 0 {
        args.fail("--connections, --size, --batch and --workers must be at least 1");
    }
    if config.duration.is_zero() {
        args.fail("--duration must be more than 0");
    }
    if config.rate.is_some_and(|r| !(r > 0.0 && r.is_finite())) {
        args.fail("--rate must be a number of messages per second, more than 0");
    }
    args.finish();
    config
}

/// Raises the open-files soft limit to the hard limit, and checks that it
/// and the ephemeral ports suffice for the connections asked.
fn check_limits(config: &Config) -> Result<(), String> {
    let need = config.connections as u64 + FD_RESERVE;
    let soft = rlimit::increase_nofile_limit(u64::MAX)
        .map_err(|err| format!("cannot raise the open-files limit: {err}"))?;
    if soft < need {
        let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap_or((soft, soft));
        return Err(format!(
            "{} connections need about {need} open files, but this process may open only \
             {soft} (hard limit {hard}). Raise the hard limit (`ulimit -Hn`, limits.conf) or \
             ask for fewer --connections.",
            config.connections
        ));
    }
    // Each connection to one destination needs its own ephemeral port.
    if let Some(ports) = ephemeral_ports() {
        let per_addr = config.connections.div_ceil(config.addrs.len()) as u64;
        if per_addr > ports {
            return Err(format!(
                "{per_addr} connections per server address, but only {ports} ephemeral ports \
                 (net.ipv4.ip_local_port_range): give several addresses, e.g. a server on \
                 0.0.0.0:PORT and --addr 127.0.0.1:PORT,127.0.0.2:PORT,..."
            ));
        }
    }
    Ok(())
}

/// How many ephemeral ports the kernel hands out, if it says.
fn ephemeral_ports() -> Option<u64> {
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok()?;
    let mut bounds = range.split_whitespace().map(|n| n.parse::<u64>());
    let (low, high) = (bounds.next()?.ok()?, bounds.next()?.ok()?);
    Some(high.saturating_sub(low) + 1)
}

/// Connects, runs the load, and gathers the results.
async fn run(config: Config) -> Results {
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

/// Opens the connections `config.batch` at a time; returns them with their
/// ids, and counts the failures in `results`.
async fn connect_all(config: &Config, results: &mut Results) -> Vec<(usize, TcpStream)> {
    let mut streams = Vec::with_capacity(config.connections);
    let mut progress = Progress::new(config.connections);
    for first in (0..config.connections).step_by(config.batch) {
        let ids = first..(first + config.batch).min(config.connections);
        let attempts: Vec<_> = ids
            .map(|id| {
                let addr = config.addrs[id % config.addrs.len()];
                (id, rt::spawn(connect(addr)))
            })
            .collect();
        for (id, attempt) in attempts {
            let error = match attempt.await {
                Ok(Ok(stream)) => {
                    streams.push((id, stream));
                    continue;
                }
                Ok(Err(err)) => format!("connect: {err}"),
                Err(join_error) => format!("connect task failed: {join_error}"),
            };
            results.connect_failed += 1;
            *results.errors.entry(error).or_default() += 1;
        }
        progress.show(streams.len(), results.connect_failed);
    }
    progress.done(streams.len(), results.connect_failed);
    streams
}

/// One connection with `TCP_NODELAY`, or why not within the time limit.
async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = timeout(CONNECT_TIMEOUT, TcpStream::connect(addr))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "timed out"))??;
    stream.set_nodelay(true)?;
    Ok(stream)
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
    }
    outcome
}

/// Fills `buf` with message `seq` of connection `id`: bytes from a
/// generator (splitmix64) seeded by both, so any other message's bytes,
/// shifted bytes or a changed byte do not match.
fn fill(buf: &mut [u8], id: u64, seq: u64) {
    let mut state = id.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seq.rotate_left(32);
    for chunk in buf.chunks_mut(8) {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
    }
}

/// Latency histograms, one pair per thread that records, merged at the end.
mod latency {
    use super::*;

    /// One thread's histograms, in µs: the round trips' latency, and in
    /// fixed-rate mode how late each send started after its scheduled time
    /// (the client's own lag: timers, scheduling; part of the latency).
    pub(super) struct Shard {
        pub(super) latency: Histogram<u64>,
        pub(super) send_lag: Histogram<u64>,
    }

    /// Every thread's shard, to merge at the end. Each one's lock is only
    /// ever taken by its own thread until then, so it is uncontended.
    static SHARDS: Mutex<Vec<Arc<Mutex<Shard>>>> = Mutex::new(Vec::new());

    thread_local! {
        static SHARD: RefCell<Option<Arc<Mutex<Shard>>>> = const { RefCell::new(None) };
    }

    fn new_histogram() -> Histogram<u64> {
        Histogram::new_with_bounds(1, MAX_LATENCY_US, 3).expect("valid histogram bounds")
    }

    fn new_shard() -> Shard {
        Shard {
            latency: new_histogram(),
            send_lag: new_histogram(),
        }
    }

    fn micros(d: Duration) -> u64 {
        u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
    }

    /// Records one round trip in this thread's shard.
    pub(super) fn record(latency: Duration, send_lag: Option<Duration>) {
        SHARD.with(|shard| {
            let mut shard = shard.borrow_mut();
            let shard = shard.get_or_insert_with(|| {
                let shard = Arc::new(Mutex::new(new_shard()));
                SHARDS.lock().unwrap().push(shard.clone());
                shard
            });
            let mut shard = shard.lock().unwrap();
            shard.latency.saturating_record(micros(latency));
            if let Some(lag) = send_lag {
                shard.send_lag.saturating_record(micros(lag));
            }
        });
    }

    /// All threads' shards added together.
    pub(super) fn merged() -> Shard {
        let mut all = new_shard();
        for shard in SHARDS.lock().unwrap().iter() {
            let shard = shard.lock().unwrap();
            all.latency
                .add(&shard.latency)
                .expect("histograms with the same bounds add");
            all.send_lag
                .add(&shard.send_lag)
                .expect("histograms with the same bounds add");
        }
        all
    }
}

/// The connect progress line on stderr: rewritten in place on a terminal,
/// else one line a second.
struct Progress {
    total: usize,
    started: Instant,
    last: Option<Instant>,
    terminal: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            started: Instant::now(),
            last: None,
            terminal: io::stderr().is_terminal(),
        }
    }

    fn line(&self, connected: usize, failed: usize) -> String {
        format!(
            "echo_client: connected {connected}/{} ({failed} failed) in {:.2} s",
            self.total,
            self.started.elapsed().as_secs_f64()
        )
    }

    fn show(&mut self, connected: usize, failed: usize) {
        if self.terminal {
            eprint!("\r{}", self.line(connected, failed));
        } else if connected + failed < self.total
            && self
                .last
                .is_none_or(|t| t.elapsed() >= Duration::from_secs(1))
        {
            eprintln!("{}", self.line(connected, failed));
            self.last = Some(Instant::now());
        }
    }

    fn done(&mut self, connected: usize, failed: usize) {
        if self.terminal {
            eprintln!("\r{}", self.line(connected, failed));
        } else {
            eprintln!("{}", self.line(connected, failed));
        }
    }
}

/// Quantiles of a merged histogram, in µs: p50, p99, p99.9, max.
fn quantiles(histogram: &Option<Histogram<u64>>) -> [u64; 4] {
    match histogram {
        Some(h) if !h.is_empty() => [
            h.value_at_quantile(0.50),
            h.value_at_quantile(0.99),
            h.value_at_quantile(0.999),
            h.max(),
        ],
        _ => [0; 4],
    }
}

fn held(results: &Results) -> usize {
    results.connected - results.lost
}

fn json(config: &Config, results: &Results) -> serde_json::Value {
    let secs = config.duration.as_secs_f64();
    let [p50, p99, p999, max] = quantiles(&results.latency);
    let [_, lag_p99, _, lag_max] = quantiles(&results.send_lag);
    serde_json::json!({
        "connections": config.connections,
        "held": held(results),
        "connect_failed": results.connect_failed,
        "lost": results.lost,
        "corrupt_connections": results.corrupt_connections,
        "wrong_bytes": results.wrong_bytes,
        "connect_secs": results.connect_time.as_secs_f64(),
        "size": config.size,
        "rate": config.rate,
        "duration_secs": secs,
        "messages": results.round_trips,
        "msgs_per_sec": results.round_trips as f64 / secs,
        "mb_per_sec": (results.round_trips * config.size as u64) as f64 / secs / 1e6,
        "p50_us": p50,
        "p99_us": p99,
        "p999_us": p999,
        "max_us": max,
        "send_lag_p99_us": lag_p99,
        "send_lag_max_us": lag_max,
        "min_round_trips": results.min_round_trips,
        "max_round_trips": results.max_round_trips,
        "jain_fairness": results.jain,
        "errors": results.errors,
    })
}

fn report(config: &Config, results: &Results) {
    let secs = config.duration.as_secs_f64();
    let mode = match config.rate {
        Some(r) => format!("{r} msg/s per connection (latency from the scheduled send time)"),
        None => "closed loop".into(),
    };
    let addrs: Vec<String> = config.addrs.iter().map(ToString::to_string).collect();
    println!(
        "echo_client: {} connections to {}, {}-byte messages, {mode}, {secs} s measured after {} s warmup",
        config.connections,
        addrs.join(","),
        config.size,
        config.warmup.as_secs_f64()
    );
    println!(
        "connections  {} held, {} failed to connect, {} lost; connected in {:.2} s",
        held(results),
        results.connect_failed,
        results.lost,
        results.connect_time.as_secs_f64()
    );
    let rate = results.round_trips as f64 / secs;
    println!(
        "throughput   {rate:.0} msg/s, {:.2} MB/s echoed ({} round trips)",
        rate * config.size as f64 / 1e6,
        results.round_trips
    );
    let [p50, p99, p999, max] = quantiles(&results.latency);
    println!(
        "latency      p50 {}, p99 {}, p99.9 {}, max {}",
        micros(p50),
        micros(p99),
        micros(p999),
        micros(max)
    );
    if config.rate.is_some() {
        let [_, lag_p99, _, lag_max] = quantiles(&results.send_lag);
        println!(
            "send lag     p99 {}, max {} (how late sends left; included in the latency)",
            micros(lag_p99),
            micros(lag_max)
        );
    }
    println!(
        "fairness     round trips per connection: fewest {}, most {}; Jain's index {:.3}",
        results.min_round_trips, results.max_round_trips, results.jain
    );
    if results.wrong_bytes > 0 {
        println!(
            "CORRUPT      {} wrong bytes on {} connections",
            results.wrong_bytes, results.corrupt_connections
        );
    }
    if results.errors.is_empty() {
        println!("errors       none");
    }
    for (error, count) in &results.errors {
        println!("errors       {count} × {error}");
    }
}

/// A latency in µs, in the unit that reads best.
fn micros(us: u64) -> String {
    match us {
        0..1_000 => format!("{us} µs"),
        1_000..1_000_000 => format!("{:.1} ms", us as f64 / 1e3),
        _ => format!("{:.2} s", us as f64 / 1e6),
    }
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
