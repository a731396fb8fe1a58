//! One run: a scenario against a fresh server process, measured by the client.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use rt_suite::echo::Totals;
use serde_json::Value;

use super::args::Config;
use super::process::{cpu_secs, lines, status_kib, stop, wait_listening};
use super::{Row, Scenario, Server, CLIENT};

/// The client's stderr markers (see `echo_client/main.rs`): the server's CPU
/// time is sampled when they appear.
const WINDOW_OPENS: &str = "echo_client: measurement window opens";
const WINDOW_CLOSES: &str = "echo_client: measurement window closes";

/// Runs `scenario` against a fresh `server` process.
pub(super) fn run(dir: &Path, server: Server, scenario: Scenario, config: &Config) -> Row {
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
