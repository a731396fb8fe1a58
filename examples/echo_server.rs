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
use std::process::ExitCode;
use std::sync::Arc;

use rt_suite::echo::{serve, Counters, Options};

#[path = "common/server_cli.rs"]
mod server_cli;
use server_cli::{finish, start, watch_signals, Config};

const USAGE: &str = "\
usage: echo_server [--addr ADDR] [--workers N]

  --addr ADDR    address to listen on (default 127.0.0.1:7000; port 0 picks a free one)
  --workers N    worker threads (default: the number of CPUs)

Stops on SIGINT or SIGTERM and prints its totals.";

fn main() -> ExitCode {
    let (Config { addr, workers }, shutdown) = match start("echo_server", USAGE) {
        Ok(started) => started,
        Err(code) => return code,
    };
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
        watch_signals!(rt, "echo_server", shutdown.clone());
        let listener = rt::net::TcpListener::bind(addr).await?;
        println!(
            "echo_server (rt, {workers} workers) pid {} listening on {}",
            std::process::id(),
            listener.local_addr()?
        );
        std::io::stdout().flush()?;
        std::io::Result::Ok(serve(listener, Options::default(), counters, shutdown.wait()).await)
    });
    // Connections still open after the grace period are not waited for.
    runtime.shutdown_background();
    finish("echo_server", addr, result)
}
