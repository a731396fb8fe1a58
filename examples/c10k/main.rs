//! The C10k demo: 10,000 connections to an rt echo server, in one command.
//!
//! ```text
//! cargo run --release --example c10k                  # rt alone
//! cargo run --release --example c10k -- --compare tokio
//! cargo run --release --example c10k -- --connections 1000 --duration 2   # CI's smoke run
//! ```
//!
//! Runs two scenarios — closed loop, and a fixed rate of 1 message/s per
//! connection (latency from the scheduled send time) — each against a fresh
//! `echo_server` process, and with `--compare tokio` against a fresh
//! `echo_server_tokio` too, one after the other. The load comes from
//! `echo_client`, another process: one process may hold only 20,000 files
//! here, and each side of 10,000 connections needs 10,000.
//!
//! It prints one table: connections held, time to connect them, messages/s,
//! latency p50/p99/p99.9/max, fairness (the fewest and the most round trips
//! one connection made; with `--compare`, also Jain's index of them), the server's peak RSS (`VmHWM`), its memory per
//! connection ((peak RSS − RSS before any connection) / connections) and
//! its CPU time per million messages (`utime + stime` over the measured
//! window); with `--compare`, the rt/tokio ratios and the issue's bars.
//! Exits 1 if any run lost a connection or a byte, or a process failed.
//!
//! The three programs are this one's siblings in the target directory.
//! Started by `cargo run`, it first runs `cargo build` for them (a no-op
//! when they are fresh), so the one command works on a fresh clone;
//! `--no-build` skips that, and without cargo they must already be built
//! (`cargo build --release --examples`).

mod args;
mod process;
mod report;
mod run;

use std::process::ExitCode;

use rt_suite::echo::Totals;
use serde_json::Value;

use args::parse_args;
use process::ensure_built;
use report::{print_comparison, print_table};
use run::run;

/// One echo server program.
#[derive(Clone, Copy, Debug)]
struct Server {
    label: &'static str,
    binary: &'static str,
}

const RT: Server = Server {
    label: "rt",
    binary: "echo_server",
};
const TOKIO: Server = Server {
    label: "tokio",
    binary: "echo_server_tokio",
};
const CLIENT: &str = "echo_client";

/// One load pattern.
#[derive(Clone, Copy, Debug)]
enum Scenario {
    ClosedLoop,
    FixedRate(f64),
}

impl Scenario {
    fn label(self) -> String {
        match self {
            Scenario::ClosedLoop => "closed loop".into(),
            Scenario::FixedRate(r) => format!("{r} msg/s/conn"),
        }
    }
}

/// What one run (one scenario against one server) measured.
#[derive(Debug)]
struct Row {
    scenario: Scenario,
    server: Server,
    /// The client's `--json` line.
    client: Value,
    /// Server RSS before any connection, and its peak, in KiB.
    rss_before_kib: u64,
    peak_rss_kib: u64,
    /// Server CPU seconds (user + system) over the measured window.
    cpu_secs: Option<f64>,
    totals: Option<Totals>,
    /// Why this run failed (lost connections or bytes, a process error).
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
            eprintln!("c10k: cannot find my own executable: {err}");
            return ExitCode::FAILURE;
        }
    };
    let servers: &[Server] = if config.compare { &[RT, TOKIO] } else { &[RT] };
    let mut needed: Vec<&str> = servers.iter().map(|s| s.binary).collect();
    needed.push(CLIENT);
    if let Err(err) = ensure_built(&dir, &needed, config.build) {
        eprintln!("c10k: {err}");
        return ExitCode::FAILURE;
    }

    eprintln!(
        "c10k: {} connections, {}-byte messages, {} s per scenario after {} s warmup; \
         servers with {} workers, client with {}, on {} CPUs",
        config.connections,
        config.size,
        config.duration,
        config.warmup,
        config.workers,
        config.client_workers,
        num_cpus()
    );
    let scenarios = [Scenario::ClosedLoop, Scenario::FixedRate(config.rate)];
    let mut rows = Vec::new();
    for (i, scenario) in scenarios.into_iter().enumerate() {
        // Every other scenario in reverse order, so that neither server
        // always runs first (on a cold machine) or last (after the most
        // sockets in TIME_WAIT).
        let mut order = servers.to_vec();
        if i % 2 == 1 {
            order.reverse();
        }
        let mut scenario_rows = Vec::new();
        for server in order {
            eprintln!("c10k: {} against {} ...", scenario.label(), server.label);
            let row = run(&dir, server, scenario, &config);
            for failure in &row.failures {
                eprintln!(
                    "c10k: FAILED ({}, {}): {failure}",
                    scenario.label(),
                    server.label
                );
            }
            scenario_rows.push(row);
        }
        // Printed in the same order for every scenario: rt, then tokio.
        scenario_rows.sort_by_key(|row| servers.iter().position(|s| s.label == row.server.label));
        rows.extend(scenario_rows);
    }

    println!();
    print_table(&config, &rows);
    if config.compare {
        println!();
        print_comparison(&rows);
    }
    if rows.iter().any(|r| !r.failures.is_empty()) {
        println!("\nc10k: FAILED: a run lost a connection or a byte, or a process failed:");
        for row in &rows {
            for failure in &row.failures {
                println!(
                    "  {}, {}: {failure}",
                    row.scenario.label(),
                    row.server.label
                );
            }
        }
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
