//! The command line: the usage text, the run's settings and their parsing.

use rt_suite::args::Args;

use super::{Server, RT, TOKIO};

const USAGE: &str = "\
usage: http [options]

  --connections N[,N...]  connection counts, one scenario each (default 100,1000)
  --duration SECS         measured time per run (default 10)
  --warmup SECS           unmeasured time before it (default: duration / 5, from 1 to 2 s)
  --rate R                requests/s per connection (fixed rate); absent: closed loop
  --echo BYTES            POST /echo with a body of BYTES bytes instead of GET /
  --workers N             server worker threads (default 2)
  --client-workers N      client worker threads (default 2)
  --compare tokio         run every scenario against http_server and http_server_tokio
  --server rt|tokio       without --compare, the server to run (default rt)
  --rounds N              runs per scenario and server, interleaved (rt tokio, tokio rt, ...);
                          the table shows medians (default: 3 with --compare, else 1)
  --no-build              do not run `cargo build` for the sibling programs";

#[derive(Clone, Debug)]
pub(super) struct Config {
    pub(super) connections: Vec<usize>,
    pub(super) duration: f64,
    pub(super) warmup: f64,
    pub(super) rate: Option<f64>,
    pub(super) echo: Option<usize>,
    pub(super) workers: usize,
    pub(super) client_workers: usize,
    /// The servers to run, in the table's order; two with `--compare`.
    pub(super) servers: Vec<Server>,
    /// Runs of each scenario against each server; at least 1.
    pub(super) rounds: usize,
    pub(super) build: bool,
}

impl Config {
    pub(super) fn compare(&self) -> bool {
        self.servers.len() > 1
    }
}

pub(super) fn parse_args() -> Config {
    let mut args = Args::from_env(USAGE);
    let connections: String = args
        .value("connections")
        .unwrap_or_else(|| "100,1000".into());
    let connections: Vec<usize> = match connections.split(',').map(str::parse).collect() {
        Ok(counts) => counts,
        Err(err) => args.fail(&format!("--connections {connections:?}: {err}")),
    };
    let duration: f64 = args.value("duration").unwrap_or(10.0);
    let warmup: f64 = args
        .value("warmup")
        .unwrap_or_else(|| (duration / 5.0).clamp(1.0, 2.0));
    let compare: Option<String> = args.value("compare");
    let server: Option<String> = args.value("server");
    let servers = match (compare.as_deref(), server.as_deref()) {
        (Some("tokio"), None) => vec![RT, TOKIO],
        (Some(other), None) => args.fail(&format!("--compare {other:?}: only tokio is known")),
        (Some(_), Some(_)) => args.fail("--compare runs both servers: it takes no --server"),
        (None, None | Some("rt")) => vec![RT],
        (None, Some("tokio")) => vec![TOKIO],
        (None, Some(other)) => args.fail(&format!("--server {other:?}: rt or tokio")),
    };
    let rounds: usize = args
        .value("rounds")
        .unwrap_or(if servers.len() > 1 { 3 } else { 1 });
    let config = Config {
        connections,
        duration,
        warmup,
        rate: args.value("rate"),
        echo: args.value("echo"),
        workers: args.value("workers").unwrap_or(2),
        client_workers: args.value("client-workers").unwrap_or(2),
        servers,
        rounds,
        build: !args.flag("no-build"),
    };
    if config.connections.contains(&0) || config.rounds == 0 || config.echo == Some(0) {
        args.fail("--connections, --rounds and --echo must be at least 1");
    }
    if config.workers == 0 || config.client_workers == 0 {
        args.fail("--workers and --client-workers must be at least 1");
    }
    if !(config.duration > 0.0 && config.duration.is_finite() && config.warmup >= 0.0) {
        args.fail("--duration must be more than 0 seconds, --warmup at least 0");
    }
    if config.rate.is_some_and(|r| !(r > 0.0 && r.is_finite())) {
        args.fail("--rate must be a number of requests per second, more than 0");
    }
    args.finish();
    config
}
