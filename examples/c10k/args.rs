//! The command line: the usage text, the run's settings and their parsing.

use rt_suite::args::Args;

use rt_suite::args::num_cpus;

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
  --rounds N          runs per scenario and server, interleaved (rt tokio, tokio rt, ...);
                      the table shows medians (default: 3 with --compare, else 1)
  --no-build          do not run `cargo build` for the sibling programs";

#[derive(Clone, Debug)]
pub(super) struct Config {
    pub(super) connections: usize,
    pub(super) duration: f64,
    pub(super) warmup: f64,
    pub(super) size: usize,
    pub(super) rate: f64,
    pub(super) workers: usize,
    pub(super) client_workers: usize,
    pub(super) compare: bool,
    /// Runs of each scenario against each server; at least 1.
    pub(super) rounds: usize,
    pub(super) build: bool,
}

pub(super) fn parse_args() -> Config {
    let mut args = Args::from_env(USAGE);
    let duration: f64 = args.value("duration").unwrap_or(10.0);
    let compare: Option<String> = args.value("compare");
    let rounds: Option<usize> = args.value("rounds");
    if rounds == Some(0) {
        args.fail("--rounds 0: at least 1 round is needed");
    }
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
        rounds: rounds.unwrap_or(if compare.is_some() { 3 } else { 1 }),
        build: !args.flag("no-build"),
    };
    args.finish();
    config
}
