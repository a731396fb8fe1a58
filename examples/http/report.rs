//! The printed results: the table of runs, each round's req/s, and with
//! `--compare` the rt/tokio ratios.
//!
//! Each takes the runs grouped by connection count and server, one group
//! per table row, each group's rounds in run order; a row shows the
//! group's medians (see `figures.rs`).

use rt_suite::args::num_cpus;

use super::args::Config;
use super::figures::{figures, median_figures, median_u64, Figures};
use super::table::{micros, print_columns, thousands};
use super::{Row, RT, TOKIO};

pub(super) fn print_table(config: &Config, groups: &[Vec<Row>]) {
    let load = match config.echo {
        Some(size) => format!("POST /echo with {size} bytes"),
        None => "GET /".into(),
    };
    let mode = match config.rate {
        Some(rate) => format!("{rate} req/s per connection (latency from the scheduled send)"),
        None => "closed loop".into(),
    };
    println!(
        "HTTP/1.1 keep-alive, {load}, {mode}: {} s measured per run, servers with {} workers, \
         client with {}, {} CPUs",
        config.duration,
        config.workers,
        config.client_workers,
        num_cpus()
    );
    let header = [
        "conns",
        "server",
        "req/s",
        "p50",
        "p99",
        "p99.9",
        "max",
        "CPU µs/req",
        "ctx sw/req",
        "peak RSS",
    ];
    let mut table: Vec<Vec<String>> = vec![header.iter().map(ToString::to_string).collect()];
    for rounds in groups {
        let row = &rounds[0];
        let mut cells = vec![row.connections.to_string(), row.server.label.to_string()];
        match median_figures(rounds) {
            Some(f) => cells.extend([
                thousands(f.reqs_per_sec.round() as u64),
                micros(f.p50),
                micros(f.p99),
                micros(f.p999),
                micros(f.max),
                f.cpu_us_per_req.map_or("-".into(), |c| format!("{c:.2}")),
                f.switches_per_req.map_or("-".into(), |s| format!("{s:.3}")),
                format!("{:.1} MB", f.peak_rss_kib as f64 * 1024.0 / 1e6),
            ]),
            None => cells.push("FAILED".into()),
        }
        table.push(cells);
    }
    print_columns(&table);
    println!(
        "CPU and context switches: the server's (user + system; voluntary + involuntary, \
         all threads) over the measured window, per good response"
    );
    if config.rate.is_some() {
        // The client's own lateness is part of the fixed-rate latency: show
        // it, so a client-bound run is not mistaken for a slow server.
        let lags: Vec<String> = groups
            .iter()
            .filter_map(|rounds| {
                let lag = median_u64(
                    rounds
                        .iter()
                        .filter_map(|row| row.client["send_lag_p99_us"].as_u64()),
                )?;
                let row = &rounds[0];
                Some(format!(
                    "{} {} {}",
                    row.connections,
                    row.server.label,
                    micros(lag)
                ))
            })
            .collect();
        println!(
            "fixed rate: the client's sends left late by up to (p99) {}; included in the latency",
            lags.join(", ")
        );
    }
    if config.rounds > 1 {
        println!("medians of {} rounds; each round's req/s:", config.rounds);
        print_rounds(groups);
    }
}

/// Each round's req/s, in run order, one line per connection count and server.
fn print_rounds(groups: &[Vec<Row>]) {
    let mut table = Vec::new();
    for rounds in groups {
        let mut cells = vec![
            format!("{} conns", rounds[0].connections),
            format!("{}:", rounds[0].server.label),
        ];
        cells.extend(rounds.iter().map(|row| match figures(row) {
            None => "FAILED".into(),
            Some(f) if !row.failures.is_empty() => {
                format!("{} (FAILED)", thousands(f.reqs_per_sec.round() as u64))
            }
            Some(f) => thousands(f.reqs_per_sec.round() as u64),
        }));
        table.push(cells);
    }
    print_columns(&table);
}

/// rt/tokio of the medians, for each connection count.
pub(super) fn print_comparison(groups: &[Vec<Row>]) {
    let header = [
        "rt/tokio",
        "req/s",
        "p50",
        "p99",
        "p99.9",
        "CPU/req",
        "ctx sw/req",
        "peak RSS",
    ];
    let mut table = vec![header.iter().map(ToString::to_string).collect::<Vec<_>>()];
    for rt in groups.iter().filter(|g| g[0].server.label == RT.label) {
        let tokio = groups
            .iter()
            .find(|t| t[0].server.label == TOKIO.label && t[0].connections == rt[0].connections);
        let (Some(a), Some(b)) = (median_figures(rt), tokio.and_then(|t| median_figures(t))) else {
            continue;
        };
        let both = |pick: fn(&Figures) -> Option<f64>| match (pick(&a), pick(&b)) {
            (Some(x), Some(y)) => ratio(x, y),
            _ => "-".into(),
        };
        table.push(vec![
            format!("{} conns", rt[0].connections),
            ratio(a.reqs_per_sec, b.reqs_per_sec),
            ratio(a.p50 as f64, b.p50 as f64),
            ratio(a.p99 as f64, b.p99 as f64),
            ratio(a.p999 as f64, b.p999 as f64),
            both(|f| f.cpu_us_per_req),
            both(|f| f.switches_per_req),
            ratio(a.peak_rss_kib as f64, b.peak_rss_kib as f64),
        ]);
    }
    print_columns(&table);
}

/// `x / y` as `1.23×`, or `-` without a divisor.
fn ratio(x: f64, y: f64) -> String {
    if y > 0.0 {
        format!("{:.2}×", x / y)
    } else {
        "-".into()
    }
}
