//! One run: a connection count against a fresh server process, measured by
//! the client.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::args::Config;
use super::process::{lines, status_kib, stop, wait_listening};
use super::usage::Usage;
use super::{Row, Server, CLIENT};

/// The client's stderr markers (see `http_client/main.rs`): the server's
/// usage is sampled when they appear.
const WINDOW_OPENS: &str = "http_client: measurement window opens";
const WINDOW_CLOSES: &str = "http_client: measurement window closes";

/// Runs `connections` connections against a fresh `server` process.
pub(super) fn run(dir: &Path, server: Server, connections: usize, config: &Config) -> Row {
    let mut row = Row {
        connections,
        server,
        client: Value::Null,
        peak_rss_kib: 0,
        usage: None,
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
    match wait_listening(&stdout) {
        Ok(addr) => {
            match run_client(dir, &addr, pid, connections, config) {
                Ok((client, usage)) => (row.client, row.usage) = (client, usage),
                Err(err) => row.failures.push(err),
            }
            row.peak_rss_kib = status_kib(pid, "VmHWM").unwrap_or(0);
            if let Err(err) = stop(&mut child) {
                row.failures.push(err);
            }
        }
        Err(err) => {
            row.failures.push(err);
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    // The server has exited: its pipes are closed, so this ends.
    for line in stderr.iter() {
        if !line.contains("shutting down") {
            eprintln!("  [{} server] {line}", server.label);
        }
    }
    check_client(&mut row);
    row
}

/// Runs the client against `addr`; returns its JSON result and the
/// server's usage over the measured window.
fn run_client(
    dir: &Path,
    addr: &str,
    server_pid: u32,
    connections: usize,
    config: &Config,
) -> Result<(Value, Option<Usage>), String> {
    let mut command = Command::new(dir.join(CLIENT));
    command
        .args(["--addr", addr, "--json"])
        .args(["--connections", &connections.to_string()])
        .args(["--duration", &config.duration.to_string()])
        .args(["--warmup", &config.warmup.to_string()])
        .args(["--workers", &config.client_workers.to_string()]);
    if let Some(rate) = config.rate {
        command.args(["--rate", &rate.to_string()]);
    }
    if let Some(size) = config.echo {
        command.args(["--echo", &size.to_string()]);
    }
    let mut client = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start {CLIENT}: {err}"))?;

    // Sample the server on the client's window markers; pass the client's
    // other lines (errors) through. The client bounds its own run (its
    // drain gives up on a stalled server), so this wait ends.
    let samples: Arc<Mutex<Vec<Option<Usage>>>> = Arc::default();
    let stderr = client.stderr.take().expect("piped");
    let marker_samples = samples.clone();
    let watcher = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line == WINDOW_OPENS || line == WINDOW_CLOSES {
                marker_samples
                    .lock()
                    .unwrap()
                    .push(Usage::sample(server_pid));
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
    let usage = match samples.lock().unwrap().as_slice() {
        [Some(opened), Some(closed)] => Some(closed.since(*opened)),
        _ => None,
    };
    match (json, output.status.success()) {
        (Some(json), _) => Ok((json, usage)),
        (None, true) => Err(format!("{CLIENT} printed no result")),
        (None, false) => Err(format!("{CLIENT} failed ({})", output.status)),
    }
}

/// Turns the client's result into failures: connections that failed or
/// were lost, wrong responses, no response at all.
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
    if count("bad_responses") > 0 {
        row.failures
            .push(format!("{} wrong responses", count("bad_responses")));
    }
    if count("requests") == 0 {
        row.failures
            .push("no request completed in the window".into());
    }
    if let Some(errors) = c["errors"].as_object() {
        for (error, n) in errors {
            row.failures.push(format!("{n} × {error}"));
        }
    }
}
