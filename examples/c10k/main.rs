//! The C10k demo: 10,000 connections to an rt echo server, in one command.
//!
//! ```text
//! cargo run --release --example c10k                  # rt alone
//! cargo run --release --example c10k -- --compare tokio   # 3 rounds of each
//! cargo run --release --example c10k -- --compare tokio --rounds 5
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
//! A shared machine is noisy (one 10 s run of the same server varies by
//! ±20% in msg/s), so each scenario runs `--rounds` times against each
//! server (default 3 with `--compare`, else 1), the servers interleaved
//! ABBA-wise to cancel drift: rt tokio, tokio rt, rt tokio, … (every other
//! scenario starts with tokio, so neither always runs first).
//!
//! It prints one table, a row per scenario and server: connections held,
//! time to connect them, messages/s, latency p50/p99/p99.9/max, fairness
//! (the fewest and the most round trips one connection made; with
//! `--compare`, also Jain's index of them), the server's peak RSS
//! (`VmHWM`), its memory per connection ((peak RSS − RSS before any
//! connection) / connections) and its CPU time per million messages
//! (`utime + stime` over the measured window). Over several rounds each
//! figure is the median of the rounds' (of an even count, the mean of the
//! two middle ones), fairness the median fewest and the median most, and
//! connections held the worst round's; each round's msg/s follow the table.
//! With `--compare`, the rt/tokio ratios of the medians and the issue's
//! bars ("every connection progressed" from the worst round). Exits 1 if
//! any run, in any round, lost a connection or a byte, or a process failed.
//!
//! The three programs are this one's siblings in the target directory.
//! Started by `cargo run`, it first runs `cargo build` for them (a no-op
//! when they are fresh), so the one command works on a fresh clone;
//! `--no-build` skips that, and without cargo they must already be built
//! (`cargo build --release --examples`).

mod args;
mod figures;
#[path = "../common/process.rs"]
mod process;
mod report;
mod run;
#[path = "../common/table.rs"]
mod table;

use std::process::ExitCode;

use rt_suite::args::num_cpus;
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
    if let Err(err) = ensure_built("c10k", &dir, &needed, config.build) {
        eprintln!("c10k: {err}");
        return ExitCode::FAILURE;
    }

    eprintln!(
        "c10k: {} connections, {}-byte messages, {} s per scenario after {} s warmup; \
         servers with {} workers, client with {}, on {} CPUs{}",
        config.connections,
        config.size,
        config.duration,
        config.warmup,
        config.workers,
        config.client_workers,
        num_cpus(),
        if config.rounds > 1 {
            format!("; {} rounds, medians reported", config.rounds)
        } else {
            String::new()
        }
    );
    let scenarios = [Scenario::ClosedLoop, Scenario::FixedRate(config.rate)];
    // One group per table row (scenario × server), its rounds in run order.
    let mut groups: Vec<Vec<Row>> = Vec::new();
    for (i, scenario) in scenarios.into_iter().enumerate() {
        let mut by_server: Vec<Vec<Row>> = servers.iter().map(|_| Vec::new()).collect();
        for round in 0..config.rounds {
            let of = round_of(round, config.rounds);
            for server in run_order(servers, i, round) {
                eprintln!(
                    "c10k: {} against {}{of} ...",
                    scenario.label(),
                    server.label
                );
                let row = run(&dir, server, scenario, &config);
                for failure in &row.failures {
                    eprintln!(
                        "c10k: FAILED ({}, {}{of}): {failure}",
                        scenario.label(),
                        server.label
                    );
                }
                // Printed in the same order for every scenario: rt, then tokio.
                let slot = servers.iter().position(|s| s.label == server.label);
                by_server[slot.expect("one of the servers")].push(row);
            }
        }
        groups.extend(by_server);
    }

    println!();
    print_table(&config, &groups);
    if config.compare {
        println!();
        print_comparison(&groups);
    }
    let failed = groups.iter().flatten().any(|r| !r.failures.is_empty());
    if failed {
        println!("\nc10k: FAILED: a run lost a connection or a byte, or a process failed:");
        for rounds in &groups {
            for (round, row) in rounds.iter().enumerate() {
                let of = round_of(round, config.rounds);
                for failure in &row.failures {
                    println!(
                        "  {}, {}{of}: {failure}",
                        row.scenario.label(),
                        row.server.label
                    );
                }
            }
        }
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The order of the servers in `round` (from 0) of the `scenario`-th
/// scenario: ABBA, reversed in every other round, so that slow drift of
/// the machine (another job starting, the CPUs' clocks) weighs on both
/// alike; and every other scenario starts reversed, so that neither server
/// always runs first (on a cold machine) or last (after the most sockets
/// in TIME_WAIT).
fn run_order<T: Copy>(servers: &[T], scenario: usize, round: usize) -> Vec<T> {
    let mut order = servers.to_vec();
    if (scenario + round) % 2 == 1 {
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
    fn rounds_run_abba_and_scenarios_alternate() {
        let orders = |scenario| -> Vec<String> {
            (0..4)
                .map(|round| {
                    run_order(&['A', 'B'], scenario, round)
                        .into_iter()
                        .collect()
                })
                .collect()
        };
        assert_eq!(orders(0), ["AB", "BA", "AB", "BA"]);
        assert_eq!(orders(1), ["BA", "AB", "BA", "AB"]);
        assert_eq!(run_order(&['A'], 1, 2), ['A']);
    }

    #[test]
    fn messages_name_the_round_only_when_there_are_several() {
        assert_eq!(round_of(0, 1), "");
        assert_eq!(round_of(1, 3), ", round 2 of 3");
    }
}
