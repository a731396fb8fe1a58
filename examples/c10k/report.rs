//! The printed results: the table of runs and, with `--compare`, the ratios and the bars.
//!
//! Each takes the runs grouped by scenario and server, one group per table
//! row, each group's rounds in run order; a row shows the group's medians
//! (see `figures.rs`).

use super::args::Config;
use super::figures::{figures, median_figures, median_u64, Figures};
use super::table::{micros, print_columns, thousands};
use super::{Row, Scenario, RT, TOKIO};
use rt_suite::args::num_cpus;

pub(super) fn print_table(config: &Config, groups: &[Vec<Row>]) {
    println!(
        "C10k echo: {} connections, {}-byte messages, {} s measured per run, \
         servers with {} workers, {} CPUs",
        config.connections,
        config.size,
        config.duration,
        config.workers,
        num_cpus()
    );
    let header = [
        "scenario",
        "server",
        "conns held",
        "connect",
        "msg/s",
        "p50",
        "p99",
        "p99.9",
        "max",
        "round trips min/max",
        "peak RSS",
        "B/conn",
        "CPU s/M msgs",
    ];
    let mut table: Vec<Vec<String>> = vec![header.iter().map(ToString::to_string).collect()];
    for rounds in groups {
        let row = &rounds[0];
        let mut cells = vec![row.scenario.label(), row.server.label.to_string()];
        match median_figures(rounds) {
            Some(f) => cells.extend([
                format!("{}/{}", f.held, config.connections),
                format!("{:.2} s", f.connect_secs),
                thousands(f.msgs_per_sec.round() as u64),
                micros(f.p50),
                micros(f.p99),
                micros(f.p999),
                micros(f.max),
                format!("{}/{}", f.min_rt, f.max_rt),
                format!("{:.1} MB", f.peak_rss_kib as f64 * 1024.0 / 1e6),
                f.bytes_per_conn
                    .map_or("-".into(), |b| thousands(b.round() as u64)),
                f.cpu_per_million.map_or("-".into(), |c| format!("{c:.2}")),
            ]),
            None => cells.push("FAILED".into()),
        }
        table.push(cells);
    }
    print_columns(&table);
    if config.rounds > 1 {
        println!(
            "medians of {} rounds; fairness: median fewest / median most; \
             conns held: the worst round",
            config.rounds
        );
    }
    // The client's own lateness is part of the fixed-rate latency: show it,
    // so a client-bound run is not mistaken for a slow server.
    let lags: Vec<String> = groups
        .iter()
        .filter(|rounds| matches!(rounds[0].scenario, Scenario::FixedRate(_)))
        .filter_map(|rounds| {
            let lag = median_u64(
                rounds
                    .iter()
                    .filter_map(|row| row.client["send_lag_p99_us"].as_u64()),
            )?;
            Some(format!("{} {}", rounds[0].server.label, micros(lag)))
        })
        .collect();
    if !lags.is_empty() {
        println!(
            "fixed rate: the client's sends left late by up to (p99) {}; included in the latency",
            lags.join(", ")
        );
    }
    if config.rounds > 1 {
        println!();
        print_rounds(groups);
    }
}

/// Each round's msg/s, in run order, one line per scenario and server.
fn print_rounds(groups: &[Vec<Row>]) {
    let label = |row: &Row| format!("rounds, {}, {}:", row.scenario.label(), row.server.label);
    let width = groups
        .iter()
        .map(|rounds| label(&rounds[0]).chars().count())
        .max()
        .unwrap_or(0);
    for rounds in groups {
        let values: Vec<String> = rounds
            .iter()
            .map(|row| match figures(row) {
                None => "FAILED".into(),
                Some(f) if !row.failures.is_empty() => {
                    format!("{} (FAILED)", thousands(f.msgs_per_sec.round() as u64))
                }
                Some(f) => thousands(f.msgs_per_sec.round() as u64),
            })
            .collect();
        println!("{:<width$}  {}", label(&rounds[0]), values.join("  "));
    }
}

/// rt/tokio for each scenario (of the medians), and the bars.
pub(super) fn print_comparison(groups: &[Vec<Row>]) {
    let pairs: Vec<(&[Row], &[Row])> = groups
        .iter()
        .filter(|rt| rt[0].server.label == RT.label)
        .filter_map(|rt| {
            let tokio = groups.iter().find(|t| {
                t[0].server.label == TOKIO.label && t[0].scenario.label() == rt[0].scenario.label()
            })?;
            Some((rt.as_slice(), tokio.as_slice()))
        })
        .collect();
    let mut table = vec![[
        "rt/tokio",
        "msg/s",
        "p50",
        "p99",
        "p99.9",
        "peak RSS",
        "B/conn",
        "CPU/msg",
        "fairness min/max rt vs tokio",
        "Jain's index rt vs tokio",
    ]
    .iter()
    .map(ToString::to_string)
    .collect::<Vec<_>>()];
    let mut bars = Vec::new();
    for (rt, tokio) in pairs {
        let (Some(a), Some(b)) = (median_figures(rt), median_figures(tokio)) else {
            continue;
        };
        let rt = &rt[0];
        let ratio = |x: f64, y: f64| {
            if y > 0.0 {
                format!("{:.2}×", x / y)
            } else {
                "-".into()
            }
        };
        let fair = |f: &Figures| f.min_rt as f64 / f.max_rt.max(1) as f64;
        table.push(vec![
            rt.scenario.label(),
            ratio(a.msgs_per_sec, b.msgs_per_sec),
            ratio(a.p50 as f64, b.p50 as f64),
            ratio(a.p99 as f64, b.p99 as f64),
            ratio(a.p999 as f64, b.p999 as f64),
            ratio(a.peak_rss_kib as f64, b.peak_rss_kib as f64),
            match (a.bytes_per_conn, b.bytes_per_conn) {
                (Some(x), Some(y)) => ratio(x, y),
                _ => "-".into(),
            },
            match (a.cpu_per_million, b.cpu_per_million) {
                (Some(x), Some(y)) => ratio(x, y),
                _ => "-".into(),
            },
            format!("{:.3} vs {:.3}", fair(&a), fair(&b)),
            format!("{:.3} vs {:.3}", a.jain, b.jain),
        ]);
        let yes = |ok: bool| if ok { "yes" } else { "NO" };
        // Compared as printed (3 decimals): a difference the table cannot
        // show is no difference (100 connections: 0.9651 vs 0.9653).
        let printed = |x: f64| (x * 1000.0).round();
        let fairer = |rt: f64, tokio: f64| match printed(rt).partial_cmp(&printed(tokio)) {
            Some(std::cmp::Ordering::Greater) => "yes",
            Some(std::cmp::Ordering::Equal) => "equal",
            _ => "NO",
        };
        bars.push(format!(
            "{}: msg/s rt ≥ tokio: {}; p99 rt ≤ tokio: {}; peak RSS rt ≤ tokio: {}; \
             every connection progressed: {}; rt fairer (min/max): {}; rt fairer (Jain): {}",
            rt.scenario.label(),
            yes(a.msgs_per_sec >= b.msgs_per_sec),
            yes(a.p99 <= b.p99),
            yes(a.peak_rss_kib <= b.peak_rss_kib),
            // The worst round, not the median: one starved connection is enough.
            yes(a.worst_min_rt > 0),
            fairer(fair(&a), fair(&b)),
            fairer(a.jain, b.jain),
        ));
    }
    print_columns(&table);
    println!();
    for bar in bars {
        println!("bars, {bar}");
    }
}
