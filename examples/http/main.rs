//! The HTTP demo: rt's hyper server against its tokio twin, in one command.
//!
//! ```text
//! cargo run --release --example http                         # rt alone
//! cargo run --release --example http -- --compare tokio      # 3 rounds of each
//! cargo run --release --example http -- --server tokio       # tokio alone
//! cargo run --release --example http -- --connections 50 --duration 1   # CI's smoke run
//! ```
//!
//! For each connection count (`--connections`, default 100 and 1,000),
//! runs `http_client` (a process of its own, on rt, 2 workers) against a
//! fresh `http_server` process (rt, 2 workers), and with `--compare tokio`
//! against a fresh `http_server_tokio` too: the same hyper service
//! (`common/http_service.rs`), with hyper-util's tokio adapters for the
//! runtime. Closed loop by default, `--rate R` requests/s per connection
//! for a fixed rate (latency from the scheduled send time); `GET /`, or
//! `POST /echo` with `--echo BYTES`.
//!
//! A shared machine is noisy, so each connection count runs `--rounds`
//! times against each server (default 3 with `--compare`, else 1), the
//! servers interleaved ABBA-wise as in `c10k` (rt tokio, tokio rt, …; every
//! other connection count starts with tokio).
//!
//! It prints one table, a row per connection count and server: requests/s,
//! latency p50/p99/p99.9/max, the server's CPU time per request (`utime +
//! stime` over the measured window, `/proc/PID/stat`), its context switches
//! per request (voluntary + involuntary, every thread's
//! `/proc/PID/task/TID/status`, over the window) and its peak RSS
//! (`VmHWM`); over several rounds each figure is the median of the rounds'
//! (of an even count, the mean of the two middle ones), and each round's
//! req/s follow. With `--compare`, the rt/tokio ratios of the medians.
//! Exits 1 if any run, in any round, had a response fail (an error, a
//! wrong status or body, a lost connection) or a process failed.
//!
//! The programs are this one's siblings in the target directory. Started
//! by `cargo run`, it first runs `cargo build` for them (a no-op when they
//! are fresh); `--no-build` skips that, and without cargo they must
//! already be built (`cargo build --release --examples`).

mod args;
mod figures;
#[path = "../common/process.rs"]
mod process;
mod report;
mod run;
#[path = "../common/table.rs"]
mod table;
mod usage;

use std::process::ExitCode;

use serde_json::Value;

use args::parse_args;
use process::ensure_built;
use report::{print_comparison, print_table};
use run::run;
use usage::Usage;

/// One HTTP server program.
#[derive(Clone, Copy, Debug)]
struct Server {
    label: &'static str,
    binary: &'static str,
}

const RT: Server = Server {
    label: "rt",
    binary: "http_server",
};
const TOKIO: Server = Server {
    label: "tokio",
    binary: "http_server_tokio",
};
const CLIENT: &str = "http_client";

/// What one run (a connection count against one server) measured.
#[derive(Debug)]
struct Row {
    connections: usize,
    server: Server,
    /// The client's `--json` line.
    client: Value,
    /// The server's peak RSS, in KiB.
    peak_rss_kib: u64,
    /// The server's usage over the measured window.
    usage: Option<Usage>,
    /// Why this run failed (a failed response, a process error).
    failures: Vec<String>,
}

fn main() -> ExitCode {
    let config = parse_args();
    let dir = match std::env::current_exe() {
        Ok(exe) => exe
            .parent()
            .expect("an executable has a directory")
            .to_owned(),
        Err(err) => {
            eprintln!("http: cannot find my own executable: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut needed: Vec<&str> = config.servers.iter().map(|s| s.binary).collect();
    needed.push(CLIENT);
    if let Err(err) = ensure_built("http", &dir, &needed, config.build) {
        eprintln!("http: {err}");
        return ExitCode::FAILURE;
    }

    // One group per table row (connection count × server), its rounds in run order.
    let mut groups: Vec<Vec<Row>> = Vec::new();
    for (i, &connections) in config.connections.iter().enumerate() {
        let mut by_server: Vec<Vec<Row>> = config.servers.iter().map(|_| Vec::new()).collect();
        for round in 0..config.rounds {
            let of = round_of(round, config.rounds);
            for server in run_order(&config.servers, i, round) {
                eprintln!(
                    "http: {connections} connections against {}{of} ...",
                    server.label
                );
                let row = run(&dir, server, connections, &config);
                for failure in &row.failures {
                    eprintln!(
                        "http: FAILED ({connections} connections, {}{of}): {failure}",
                        server.label
                    );
                }
                // Printed in the same order for every count: rt, then tokio.
                let slot = config.servers.iter().position(|s| s.label == server.label);
                by_server[slot.expect("one of the servers")].push(row);
            }
        }
        groups.extend(by_server);
    }

    println!();
    print_table(&config, &groups);
    if config.compare() {
        println!();
        print_comparison(&groups);
    }
    let failures: Vec<String> = groups
        .iter()
        .flat_map(|rounds| rounds.iter().enumerate())
        .flat_map(|(round, row)| {
            let of = round_of(round, config.rounds);
            row.failures.iter().map(move |failure| {
                format!(
                    "  {} connections, {}{of}: {failure}",
                    row.connections, row.server.label
                )
            })
        })
        .collect();
    if failures.is_empty() {
        return ExitCode::SUCCESS;
    }
    println!("\nhttp: FAILED: a response failed, or a process did:");
    for failure in failures {
        println!("{failure}");
    }
    ExitCode::FAILURE
}

/// The order of the servers in `round` (from 0) of the `count`-th
/// connection count: reversed in every other round (ABBA), so that slow
/// drift of the machine weighs on both alike, and every other count starts
/// reversed, so that neither server always runs first.
fn run_order<T: Copy>(servers: &[T], count: usize, round: usize) -> Vec<T> {
    let mut order = servers.to_vec();
    if (count + round) % 2 == 1 {
        order.reverse();
    }
    order
}

/// `", round 2 of 3"` for the messages, or nothing with a single round.
fn round_of(round: usize, rounds: usize) -> String {
    if rounds > 1 {
        format!(", round {} of {rounds}", round + 1)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_run_abba_and_counts_alternate() {
        let orders = |count| -> Vec<String> {
            (0..4)
                .map(|round| run_order(&['A', 'B'], count, round).into_iter().collect())
                .collect()
        };
        assert_eq!(orders(0), ["AB", "BA", "AB", "BA"]);
        assert_eq!(orders(1), ["BA", "AB", "BA", "AB"]);
        assert_eq!(round_of(1, 3), ", round 2 of 3");
        assert_eq!(round_of(0, 1), "");
    }
}
