//! The command line: the usage text, the run's settings and their parsing.

use std::net::SocketAddr;
use std::time::Duration;

use rt_suite::args::{num_cpus, Args};

const USAGE: &str = "\
usage: http_client [options]

  --addr ADDR        server address (default 127.0.0.1:7000)
  --connections N    keep-alive connections, one request in flight on each (default 100)
  --duration SECS    measured time (default 10)
  --warmup SECS      time before that, not counted (default 1)
  --rate R           requests per second per connection; absent: closed loop
  --path PATH        GET PATH (default /) ...
  --expect TEXT      ... and expect this body (default: the demo servers' \"Hello, world!\")
  --echo BYTES       POST /echo with a body of BYTES bytes instead, and expect it back
  --workers N        worker threads (default: the number of CPUs)
  --json             print one JSON line of results instead of the report";

/// The body the demo servers answer `GET /` with (`common/http_service.rs`).
const HELLO: &str = "Hello, world!";

/// The requests to send.
#[derive(Clone, Debug)]
pub(super) enum Load {
    /// `GET path`, answered with `expect`.
    Get { path: String, expect: Vec<u8> },
    /// `POST /echo` with a body of this many bytes, answered with the body.
    Echo(usize),
}

/// What to run, from the command line.
#[derive(Clone, Debug)]
pub(super) struct Config {
    pub(super) addr: SocketAddr,
    pub(super) connections: usize,
    pub(super) duration: Duration,
    pub(super) warmup: Duration,
    pub(super) rate: Option<f64>,
    pub(super) load: Load,
    pub(super) workers: usize,
    pub(super) json: bool,
}

pub(super) fn parse_args() -> Config {
    let mut args = Args::from_env(USAGE);
    let secs = |args: &mut Args, name: &str, default: f64| {
        let secs: f64 = args.value(name).unwrap_or(default);
        Duration::try_from_secs_f64(secs)
            .unwrap_or_else(|_| args.fail(&format!("--{name} must be a number of seconds ≥ 0")))
    };
    let path: Option<String> = args.value("path");
    let expect: Option<String> = args.value("expect");
    let echo: Option<usize> = args.value("echo");
    let load = match (echo, path, expect) {
        (Some(0), _, _) => args.fail("--echo must be at least 1 byte"),
        (Some(size), None, None) => Load::Echo(size),
        (Some(_), _, _) => args.fail("--echo sends POST /echo: it takes no --path or --expect"),
        (None, path, expect) => {
            let path = path.unwrap_or_else(|| "/".into());
            if !path.starts_with('/') || path.contains(char::is_whitespace) {
                args.fail(&format!(
                    "--path {path:?}: a path starts with / and has no spaces"
                ));
            }
            let expect = expect.unwrap_or_else(|| HELLO.into()).into_bytes();
            Load::Get { path, expect }
        }
    };
    let config = Config {
        addr: args
            .value("addr")
            .unwrap_or_else(|| "127.0.0.1:7000".parse().unwrap()),
        connections: args.value("connections").unwrap_or(100),
        duration: secs(&mut args, "duration", 10.0),
        warmup: secs(&mut args, "warmup", 1.0),
        rate: args.value("rate"),
        load,
        workers: args.value("workers").unwrap_or_else(num_cpus),
        json: args.flag("json"),
    };
    if config.connections == 0 || config.workers == 0 {
        args.fail("--connections and --workers must be at least 1");
    }
    if config.duration.is_zero() {
        args.fail("--duration must be more than 0");
    }
    if config.rate.is_some_and(|r| !(r > 0.0 && r.is_finite())) {
        args.fail("--rate must be a number of requests per second, more than 0");
    }
    args.finish();
    config
}
