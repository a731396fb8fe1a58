//! The HTTP/1.1 load generator, on rt: keep-alive connections, every
//! response checked.
//!
//! ```text
//! cargo run --release --example http_client -- [--addr 127.0.0.1:7000] [--connections 100]
//!     [--duration 10] [--warmup 1] [--rate REQS_PER_SEC] [--path / | --echo BYTES]
//!     [--workers N] [--json]
//! ```
//!
//! Opens `--connections` keep-alive connections, then has each of them
//! send requests, one at a time, for `--warmup` seconds (not counted) and
//! then `--duration` seconds: `GET --path` (default `/`), or with
//! `--echo BYTES`, `POST /echo` with a body of that size, new bytes each
//! time. The HTTP/1.1 side is its own (`http.rs`: request bytes out,
//! status line, headers and a `Content-Length` body in), not hyper's, so
//! the client stays lean and is not the bottleneck it measures.
//!
//! - **Closed loop** (no `--rate`): each connection sends its next request
//!   as soon as the previous response is in, after yielding once so every
//!   connection of a worker gets its turn. Latency is response time − send
//!   time.
//! - **Fixed rate** (`--rate R`): each connection sends a request every
//!   `1/R` s, connections spread evenly over the period; one request in
//!   flight per connection. Latency is measured from the *scheduled* send
//!   time, so a server that falls behind cannot hide its queueing delay by
//!   slowing the client down (coordinated omission; wrk2 does the same).
//!
//! Every response is checked: status 200 and the expected body (`--expect`,
//! by default the demo servers' `Hello, world!`; with `--echo`, the body
//! sent). Latencies go to one HDR histogram per worker thread
//! (`common/latency.rs`, shared with `echo_client`), merged at the end.
//!
//! Prints connections held and failed, requests/s, latency percentiles
//! (p50, p99, p99.9, max) and the errors; `--json` prints one JSON line
//! instead, for `http`. Exits 1 if any connection failed to connect or was
//! lost (an I/O error, a malformed or wrong response, or, after the window,
//! no response on any connection for 10 s while it still waited for one),
//! or if no request completed in the window; 2 on a usage error or an
//! open-files limit too low for the run.
//!
//! Stderr carries two marker lines, [`WINDOW_OPENS`] and [`WINDOW_CLOSES`],
//! when the measured window starts and ends; `http` samples the server's
//! CPU time and context switches on them.

mod args;
mod connect;
mod http;
#[path = "../common/latency.rs"]
mod latency;
mod load;
mod report;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

use hdrhistogram::Histogram;

use args::parse_args;
use connect::check_limits;
use load::run;
use report::{json, report};

/// Printed to stderr when the measured window opens (`http` looks for it).
const WINDOW_OPENS: &str = "http_client: measurement window opens";
/// Printed to stderr when the measured window closes (`http` looks for it).
const WINDOW_CLOSES: &str = "http_client: measurement window closes";

/// Everything the report prints.
#[derive(Debug, Default)]
struct Results {
    connected: usize,
    connect_failed: usize,
    /// Connections that stopped early (an error or a bad response).
    lost: usize,
    /// Responses with the wrong status or body (each also lost its connection).
    bad_responses: u64,
    connect_time: Duration,
    /// Good responses to requests scheduled inside the window.
    requests: u64,
    errors: BTreeMap<String, u64>,
    latency: Option<Histogram<u64>>,
    /// Fixed rate: how late sends started after their scheduled time.
    send_lag: Option<Histogram<u64>>,
}

impl Results {
    fn failed(&self) -> bool {
        self.connect_failed + self.lost > 0 || self.requests == 0
    }
}

fn main() -> ExitCode {
    let config = parse_args();
    if let Err(message) = check_limits(&config) {
        eprintln!("http_client: {message}");
        return ExitCode::from(2);
    }
    let runtime = match rt::runtime::Builder::new_multi_thread()
        .worker_threads(config.workers)
        .thread_name("client-worker")
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("http_client: cannot start the runtime: {err}");
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
    if results.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
