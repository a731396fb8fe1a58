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
//!   as soon as the previous echo is back, after yielding once so every
//!   connection of a worker gets its turn. Latency is reply time − send time.
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

mod args;
mod connect;
#[path = "../common/latency.rs"]
mod latency;
mod limits;
mod load;
mod report;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

use hdrhistogram::Histogram;

use args::parse_args;
use limits::check_limits;
use load::run;
use report::{json, report};

/// Printed to stderr when the measured window opens (`c10k` looks for it).
const WINDOW_OPENS: &str = "echo_client: measurement window opens";
/// Printed to stderr when the measured window closes (`c10k` looks for it).
const WINDOW_CLOSES: &str = "echo_client: measurement window closes";

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
