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

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rt_suite::args::Args;
use rt_suite::echo::Totals;
use serde_json::Value;

const USAGE: &str = "\
usage: c10k [options]

  --connections N     connections per run (default 10000)
  --duration SECS     measured time per scenario (default 10)
  --warmup SECS       unmeasured time before it (default: duration / 5, from 1 to 2 s)
  --size BYTES        message size (default 64)
  --rate R            messages/s per connection in the fixed-rate scenario (default 1)
  --workers N         server worker threads (default: the number of CPUs)
  --client-workers N  client worker threads (default: the number of CPUs)
  --compare tokio     also run every scenario against echo_server_tokio
  --no-build          do not run `cargo build` for the sibling programs";

/// The client's stderr markers (see `echo_client.rs`): the server's CPU
/// time is sampled when they appear.
const WINDOW_OPENS: &str = "echo_client: measurement window opens";
const WINDOW_CLOSES: &str = "echo_client: measurement window closes";
/// A server that has not said "listening on" by then has failed to start.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// A server that has not exited this long after SIGTERM is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
struct Config {
    connections: usize,
    duration: f64,
    warmup: f64,
    size: usize,
    rate: f64,
    workers: usize,
    client_workers: usize,
    compare: bool,
    build: bool,
}

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

fn parse_args() -> Config {
    let mut args = Args::from_env(USAGE);
    let duration: f64 = args.value("duration").unwrap_or(10.0);
    let compare: Option<String> = args.value("compare");
    let config = Config {
        connections: args.value("connections").unwrap_or(10_000),
        duration,
        warmup: args
            .value("warmup")
            .unwrap_or_else(|| (duration / 5.0).clamp(1.0, 2.0)),
        size: args.value("size").unwrap_or(64),
        rate: args.value("rate").unwrap_or(1.0),
        workers: args.value("workers").unwrap_or_else(num_cpus),
        client_workers: args.value("client-workers").unwrap_or_else(num_cpus),
        compare: match compare.as_deref() {
            None => false,
            Some("tokio") => true,
            Some(other) => args.fail(&format!("--compare {other:?}: only tokio is known")),
        },
        build: !args.flag("no-build"),
    };
    args.finish();
    config
}

/// Makes sure the sibling programs exist: with cargo (started by `cargo
/// run`, or found on the PATH when one is missing), builds them in this
/// program's profile.
fn ensure_built(dir: &Path, names: &[&str], build: bool) -> Result<(), String> {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| !dir.join(name).is_file())
        .collect();
    let under_cargo = std::env::var_os("CARGO").is_some();
    if build && (under_cargo || !missing.is_empty()) {
        // target/<profile dir>/examples/c10k: cargo's profile of that dir.
        let profile_dir = dir
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .unwrap_or("release");
        let profile = if profile_dir == "debug" {
            "dev"
        } else {
            profile_dir
        };
        if profile != "release" {
            eprintln!("c10k: warning: not a release build; run it with `cargo run --release`");
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let mut command = Command::new(cargo);
        command
            .args(["build", "--quiet", "--profile", profile, "--manifest-path"])
            .arg(&manifest);
        for name in names {
            command.args(["--example", name]);
        }
        eprintln!("c10k: building {} ({profile})", names.join(", "));
        let status = command
            .status()
            .map_err(|err| format!("cannot run cargo: {err}"))?;
        if !status.success() {
            return Err(format!("`cargo build` of {} failed", names.join(", ")));
        }
    }
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| !dir.join(name).is_file())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} not found in {}: build them with `cargo build --release --examples`",
            missing.join(", "),
            dir.display()
        ))
    }
}

/// Runs `scenario` against a fresh `server` process.
fn run(dir: &Path, server: Server, scenario: Scenario, config: &Config) -> Row {
    let mut row = Row {
        scenario,
        server,
        client: Value::Null,
        rss_before_kib: 0,
        peak_rss_kib: 0,
        cpu_secs: None,
        totals: None,
        failures: Vec::new(),
    };
    let mut child = match Command::new(dir.join(server.binary))
        .args(["--addr", "127.0.0.1:0", "--workers"])
        .arg(config.workers.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(err) => {
            row.failures
                .push(format!("cannot start {}: {err}", server.binary));
            return row;
        }
    };
    let pid = child.id();
    let stdout = lines(child.stdout.take().expect("piped"));
    let stderr = lines(child.stderr.take().expect("piped"));
    let addr = match wait_listening(&stdout) {
        Ok(addr) => addr,
        Err(err) => {
            row.failures.push(err);
            let _ = child.kill();
            let _ = child.wait();
            return row;
        }
    };
    row.rss_before_kib = status_kib(pid, "VmRSS").unwrap_or(0);

    match run_client(dir, &addr, pid, scenario, config) {
        Ok((client, cpu_secs)) => {
            row.client = client;
            row.cpu_secs = cpu_secs;
        }
        Err(err) => row.failures.push(err),
    }
    row.peak_rss_kib = status_kib(pid, "VmHWM").unwrap_or(0);

    match stop(&mut child) {
        Ok(()) => {}
        Err(err) => row.failures.push(err),
    }
    // The server has exited: its pipes are closed, so these end.
    for line in stdout.iter() {
        if let Some(totals) = line.strip_prefix("totals: ").and_then(Totals::parse) {
            row.totals = Some(totals);
        }
    }
    for line in stderr.iter() {
        if !line.contains("shutting down") {
            eprintln!("  [{} server] {line}", server.label);
        }
    }
    if row.totals.is_none() && row.failures.is_empty() {
        row.failures.push("the server printed no totals".into());
    }
    check_client(&mut row);
    row
}

/// Runs the client against `addr`; returns its JSON result and the server's
/// CPU seconds over the measured window.
fn run_client(
    dir: &Path,
    addr: &str,
    server_pid: u32,
    scenario: Scenario,
    config: &Config,
) -> Result<(Value, Option<f64>), String> {
    let mut command = Command::new(dir.join(CLIENT));
    command
        .args(["--addr", addr, "--json"])
        .args(["--connections", &config.connections.to_string()])
        .args(["--duration", &config.duration.to_string()])
        .args(["--warmup", &config.warmup.to_string()])
        .args(["--size", &config.size.to_string()])
        .args(["--workers", &config.client_workers.to_string()]);
    if let Scenario::FixedRate(rate) = scenario {
        command.args(["--rate", &rate.to_string()]);
    }
    let mut client = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start {CLIENT}: {err}"))?;

    // Sample the server's CPU time on the client's window markers; pass the
    // client's other lines (progress, errors) through.
    let samples: Arc<Mutex<Vec<Option<f64>>>> = Arc::default();
    let stderr = client.stderr.take().expect("piped");
    let marker_samples = samples.clone();
    let watcher = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line == WINDOW_OPENS || line == WINDOW_CLOSES {
                marker_samples.lock().unwrap().push(cpu_secs(server_pid));
            } else {
                eprintln!("  {line}");
            }
        }
    });
    let output = client
        .wait_with_output()
        .map_err(|err| format!("waiting for {CLIENT}: {err}"))?;
    let _ = watcher.join();

    let stdout = String::from_utf8_lossy(&output.stdout);
    let json = stdout
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str::<Value>(line).ok());
    let cpu = match samples.lock().unwrap().as_slice() {
        [Some(opened), Some(closed)] => Some(closed - opened),
        _ => None,
    };
    match (json, output.status.success()) {
        (Some(json), _) => Ok((json, cpu)),
        (None, true) => Err(format!("{CLIENT} printed no result")),
        (None, false) => Err(format!("{CLIENT} failed ({})", output.status)),
    }
}

/// Turns the client's result into failures: lost connections or bytes.
fn check_client(row: &mut Row) {
    if row.client.is_null() {
        return;
    }
    let c = &row.client;
    let count = |key: &str| c[key].as_u64().unwrap_or(0);
    if count("connect_failed") > 0 {
        row.failures.push(format!(
            "{} connections failed to connect",
            count("connect_failed")
        ));
    }
    if count("lost") > 0 {
        row.failures
            .push(format!("{} connections lost", count("lost")));
    }
    if count("wrong_bytes") > 0 {
        row.failures.push(format!(
            "{} wrong bytes on {} connections",
            count("wrong_bytes"),
            count("corrupt_connections")
        ));
    }
    if let Some(errors) = c["errors"].as_object() {
        for (error, n) in errors {
            row.failures.push(format!("{n} × {error}"));
        }
    }
}

/// Forwards a child's output, line by line, to a channel.
fn lines(pipe: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// Waits for the server's "listening on ADDR" line; returns ADDR.
fn wait_listening(stdout: &Receiver<String>) -> Result<String, String> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match stdout.recv_timeout(left) {
            Ok(line) => {
                if let Some((_, addr)) = line.split_once(" listening on ") {
                    return Ok(addr.trim().to_string());
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!(
                    "the server did not say \"listening on\" within {} s",
                    START_TIMEOUT.as_secs()
                ))
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err("the server exited before listening".into())
            }
        }
    }
}

/// Stops the server with SIGTERM, as an operator would, and checks that it
/// exits cleanly.
fn stop(child: &mut Child) -> Result<(), String> {
    let pid = libc::pid_t::try_from(child.id()).map_err(|_| "pid out of range".to_string())?;
    // SAFETY: kill(2) touches no memory of ours. `pid` is our child, which
    // has not been waited for (`child` is not reaped until below), so the
    // pid still names it and cannot have been reused.
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    if sent != 0 {
        return Err(format!(
            "cannot signal the server: {}",
            std::io::Error::last_os_error()
        ));
    }
    let deadline = Instant::now() + STOP_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("the server exited with {status}")),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the server did not exit within {} s of SIGTERM",
                    STOP_TIMEOUT.as_secs()
                ));
            }
            Err(err) => return Err(format!("waiting for the server: {err}")),
        }
    }
}

/// A `/proc/PID/status` field given in kB (`VmRSS`, `VmHWM`).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status
        .lines()
        .find(|l| l.starts_with(&format!("{field}:")))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU seconds (user + system) the process has used so far.
fn cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may
    // hold spaces: state is field 3, utime 14 and stime 15.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // SAFETY: sysconf(3) reads a system setting and touches no memory of ours.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (ticks > 0).then(|| (utime + stime) as f64 / ticks as f64)
}

/// The figures of a row, `None` where the run produced none.
#[derive(Clone, Copy, Debug, Default)]
struct Figures {
    held: u64,
    connect_secs: f64,
    msgs_per_sec: f64,
    p50: u64,
    p99: u64,
    p999: u64,
    max: u64,
    min_rt: u64,
    max_rt: u64,
    jain: f64,
    peak_rss_kib: u64,
    bytes_per_conn: Option<f64>,
    cpu_per_million: Option<f64>,
}

fn figures(row: &Row) -> Option<Figures> {
    let c = &row.client;
    if c.is_null() {
        return None;
    }
    let u = |key: &str| c[key].as_u64().unwrap_or(0);
    let f = |key: &str| c[key].as_f64().unwrap_or(0.0);
    let held = u("held");
    let messages = u("messages");
    Some(Figures {
        held,
        connect_secs: f("connect_secs"),
        msgs_per_sec: f("msgs_per_sec"),
        p50: u("p50_us"),
        p99: u("p99_us"),
        p999: u("p999_us"),
        max: u("max_us"),
        min_rt: u("min_round_trips"),
        max_rt: u("max_round_trips"),
        jain: f("jain_fairness"),
        peak_rss_kib: row.peak_rss_kib,
        bytes_per_conn: (held > 0 && row.peak_rss_kib > 0).then(|| {
            row.peak_rss_kib.saturating_sub(row.rss_before_kib) as f64 * 1024.0 / held as f64
        }),
        cpu_per_million: row
            .cpu_secs
            .filter(|_| messages > 0)
            .map(|cpu| cpu / (messages as f64 / 1e6)),
    })
}

fn print_table(config: &Config, rows: &[Row]) {
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
    for row in rows {
        let mut cells = vec![row.scenario.label(), row.server.label.to_string()];
        match figures(row) {
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
    // The client's own lateness is part of the fixed-rate latency: show it,
    // so a client-bound run is not mistaken for a slow server.
    let lags: Vec<String> = rows
        .iter()
        .filter(|row| matches!(row.scenario, Scenario::FixedRate(_)))
        .filter_map(|row| {
            let lag = row.client["send_lag_p99_us"].as_u64()?;
            Some(format!("{} {}", row.server.label, micros(lag)))
        })
        .collect();
    if !lags.is_empty() {
        println!(
            "fixed rate: the client's sends left late by up to (p99) {}; included in the latency",
            lags.join(", ")
        );
    }
}

/// rt/tokio for each scenario, and the issue's bars.
fn print_comparison(rows: &[Row]) {
    let pairs: Vec<(&Row, &Row)> = rows
        .iter()
        .filter(|r| r.server.label == RT.label)
        .filter_map(|rt| {
            let tokio = rows.iter().find(|t| {
                t.server.label == TOKIO.label && t.scenario.label() == rt.scenario.label()
            })?;
            Some((rt, tokio))
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
        let (Some(a), Some(b)) = (figures(rt), figures(tokio)) else {
            continue;
        };
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
            format!("{:.2} vs {:.2}", fair(&a), fair(&b)),
            format!("{:.3} vs {:.3}", a.jain, b.jain),
        ]);
        let yes = |ok: bool| if ok { "yes" } else { "NO" };
        let fairer = |rt: f64, tokio: f64| match rt.partial_cmp(&tokio) {
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
            yes(a.min_rt > 0),
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

/// Prints rows of cells as left-aligned columns.
fn print_columns(table: &[Vec<String>]) {
    let columns = table.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            table
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in table {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| format!("{cell:<w$}"))
            .collect();
        println!("{}", line.join("  ").trim_end());
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

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
