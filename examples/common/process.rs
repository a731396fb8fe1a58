//! The child processes of the demos that drive servers (`c10k`, `http`):
//! building them, reading their output, stopping the server, and reading
//! its memory and CPU time from `/proc`. Included by each with `#[path]`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// A server that has not said "listening on" by then has failed to start.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// A server that has not exited this long after SIGTERM is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// Makes sure the sibling programs exist: with cargo (started by `cargo
/// run`, or found on the PATH when one is missing), builds them in this
/// program's profile. `me` (this program's name) prefixes the messages.
pub(super) fn ensure_built(
    me: &str,
    dir: &Path,
    names: &[&str],
    build: bool,
) -> Result<(), String> {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| !dir.join(name).is_file())
        .collect();
    let under_cargo = std::env::var_os("CARGO").is_some();
    if build && (under_cargo || !missing.is_empty()) {
        // target/<profile dir>/examples/<me>: cargo's profile of that dir.
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
            eprintln!("{me}: warning: not a release build; run it with `cargo run --release`");
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
        eprintln!("{me}: building {} ({profile})", names.join(", "));
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

/// Forwards a child's output, line by line, to a channel.
pub(super) fn lines(pipe: impl std::io::Read + Send + 'static) -> Receiver<String> {
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
pub(super) fn wait_listening(stdout: &Receiver<String>) -> Result<String, String> {
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
pub(super) fn stop(child: &mut Child) -> Result<(), String> {
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
pub(super) fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status
        .lines()
        .find(|l| l.starts_with(&format!("{field}:")))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU seconds (user + system) the process has used so far.
pub(super) fn cpu_secs(pid: u32) -> Option<f64> {
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
