//! The command line: the usage text, the run's settings and their parsing.

use std::net::SocketAddr;
use std::time::Duration;

use rt_suite::args::{num_cpus, Args};

const USAGE: &str = "\
usage: echo_client [options]

  --addr ADDR[,ADDR...]  server address(es); connections go round-robin (default 127.0.0.1:7000)
  --connections N        connections to open and hold (default 10000)
  --size BYTES           message size (default 64)
  --duration SECS        measured time (default 10)
  --warmup SECS          time before that, not counted (default 1)
  --rate R               messages per second per connection; absent: closed loop
  --batch N              connections opened at once (default 500)
  --workers N            worker threads (default: the number of CPUs)
  --json                 print one JSON line of results instead of the report";

/// Connections opened at once: enough to connect 10,000 in well under a
/// second, few enough to stay far below the listen backlog (4096).
const DEFAULT_BATCH: usize = 500;

/// What to run, from the command line.
#[derive(Clone, Debug)]
pub(super) struct Config {
    pub(super) addrs: Vec<SocketAddr>,
    pub(super) connections: usize,
    pub(super) size: usize,
    pub(super) duration: Duration,
    pub(super) warmup: Duration,
    pub(super) rate: Option<f64>,
    pub(super) batch: usize,
    pub(super) workers: usize,
    pub(super) json: bool,
}

pub(super) fn parse_args() -> Config {
    let mut args = Args::from_env(USAGE);
    let addrs: String = args
        .value("addr")
        .unwrap_or_else(|| "127.0.0.1:7000".into());
    let addrs: Vec<SocketAddr> = match addrs.split(',').map(str::parse).collect() {
        Ok(addrs) => addrs,
        Err(err) => args.fail(&format!("--addr {addrs:?}: {err}")),
    };
    let secs = |args: &mut Args, name: &str, default: f64| {
        let secs: f64 = args.value(name).unwrap_or(default);
        Duration::try_from_secs_f64(secs)
            .unwrap_or_else(|_| args.fail(&format!("--{name} must be a number of seconds ≥ 0")))
    };
    let config = Config {
        addrs,
        connections: args.value("connections").unwrap_or(10_000),
        size: args.value("size").unwrap_or(64),
        duration: secs(&mut args, "duration", 10.0),
        warmup: secs(&mut args, "warmup", 1.0),
        rate: args.value("rate"),
        batch: args.value("batch").unwrap_or(DEFAULT_BATCH),
        workers: args.value("workers").unwrap_or_else(num_cpus),
        json: args.flag("json"),
    };
    if config.connections == 0 || config.size == 0 || config.batch == 0 || config.workers == 0 {
        args.fail("--connections, --size, --batch and --workers must be at least 1");
    }
    if config.duration.is_zero() {
        args.fail("--duration must be more than 0");
    }
    if config.rate.is_some_and(|r| !(r > 0.0 && r.is_finite())) {
        args.fail("--rate must be a number of messages per second, more than 0");
    }
    args.finish();
    config
}
