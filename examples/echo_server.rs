//! The C10k echo server on rt: one task and one 4 KiB buffer per connection.
//!
//! ```text
//! cargo run --release --example echo_server -- [--addr 127.0.0.1:7000] [--workers N]
//! ```
//!
//! Prints `echo_server (rt, N workers) pid PID listening on ADDR` once it
//! accepts connections (with `--addr 127.0.0.1:0`, ADDR has the port the
//! system chose), and on SIGINT (Ctrl-C) or SIGTERM stops accepting, gives
//! open connections a second to close, and prints `totals: accepted=...
//! bytes_echoed=... accept_errors=...`. A second signal exits at once. The
//! server logic is `rt_suite::echo::serve` (`src/echo/`); the fault tests
//! run the same function in-process. `echo_server_tokio` is its twin on
//! tokio; `c10k` drives both with `echo_client`.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use rt_suite::args::Args;
use rt_suite::echo::{serve, Counters, Options, Shutdown};

const USAGE: &str = "\
usage: echo_server [--addr ADDR] [--workers N]

  --addr ADDR    address to listen on (default 127.0.0.1:7000; port 0 picks a free one)
  --workers N    worker threads (default: the number of CPUs)

Stops on SIGINT or SIGTERM and prints its totals.";

fn main() -> ExitCode {
    let mut args = Args::from_env(USAGE);
    let addr: SocketAddr = args
        .value("addr")
        .unwrap_or_else(|| "127.0.0.1:7000".parse().unwrap());
    let workers: usize = args.value("workers").unwrap_or_else(num_cpus);
    args.finish();
    if workers == 0 {
        eprintln!("echo_server: --workers must be at least 1");
        return ExitCode::from(2);
    }
    // Every connection is a descriptor: allow as many as the hard limit.
    if let Err(err) = rlimit::increase_nofile_limit(u64::MAX) {
        eprintln!("echo_server: cannot raise the open-files limit: {err}");
    }

    let shutdown = Shutdown::new();
    if let Err(err) = on_signals(shutdown.clone()) {
        eprintln!("echo_server: cannot install signal handlers: {err}");
        return ExitCode::FAILURE;
    }
    let runtime = match rt::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("echo-worker")
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("echo_server: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let counters = Arc::new(Counters::new());
    let result = runtime.block_on(async {
        let listener = rt::net::TcpListener::bind(addr).await?;
        println!(
            "echo_server (rt, {workers} workers) pid {} listening on {}",
            std::process::id(),
            listener.local_addr()?
        );
        std::io::stdout().flush()?;
        std::io::Result::Ok(serve(listener, Options::default(), counters, shutdown.wait()).await)
    });
    match result {
        Ok(totals) => {
            println!("totals: {totals}");
            // Connections still open after the grace period are not waited for.
            runtime.shutdown_background();
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("echo_server: cannot listen on {addr}: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Triggers `shutdown` on the first SIGINT or SIGTERM; exits at once on
/// the second (status 130), for a server whose connections do not close.
fn on_signals(shutdown: Shutdown) -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if shutdown.is_triggered() {
                    std::process::exit(130);
                }
                eprintln!("echo_server: signal {signal}: shutting down");
                shutdown.trigger();
            }
        })?;
    Ok(())
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
