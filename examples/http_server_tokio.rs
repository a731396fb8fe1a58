//! The HTTP demo server on tokio: `http_server`'s twin, for comparison.
//!
//! ```text
//! cargo run --release --example http_server_tokio -- [--addr 127.0.0.1:7000] [--workers N]
//! ```
//!
//! The same server as `http_server`, with tokio for the runtime: hyper's
//! HTTP/1.1 connection (keep-alive) over hyper-util's `TokioIo`, serving
//! the shared service of `common/http_service.rs` (`GET /`, `POST /echo`);
//! one task per connection, a listen backlog of 4096, `TCP_NODELAY`, the
//! echo servers' accept back-off, counters, signals and lines
//! (`common/server_cli.rs`, `rt_suite::echo`). Prints
//! `http_server_tokio (tokio, N workers) pid PID listening on ADDR`, and on
//! SIGINT or SIGTERM stops accepting, gives open connections a second to
//! close and prints its totals (the byte counts stay 0: hyper owns the
//! bytes). `http --compare tokio` runs both.

use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use rt_suite::echo::{AcceptErrors, ConnectionGuard, Counters, Totals, GRACE};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::{sleep, Duration, Instant};

#[path = "common/http_service.rs"]
mod http_service;
#[path = "common/server_cli.rs"]
mod server_cli;
use server_cli::{finish, start, watch_signals, Config};

const NAME: &str = "http_server_tokio";
const USAGE: &str = "\
usage: http_server_tokio [--addr ADDR] [--workers N]

  --addr ADDR    address to listen on (default 127.0.0.1:7000; port 0 picks a free one)
  --workers N    worker threads (default: the number of CPUs)

Stops on SIGINT or SIGTERM and prints its totals.";

/// The listen backlog, as rt's `TcpListener::bind` (std and mio use 128).
const BACKLOG: u32 = 4096;
/// How often the grace period checks the count of open connections.
const GRACE_POLL: Duration = Duration::from_millis(10);

fn main() -> ExitCode {
    let (Config { addr, workers }, shutdown) = match start(NAME, USAGE) {
        Ok(started) => started,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("http-worker")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("{NAME}: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let counters = Arc::new(Counters::new());
    let result = runtime.block_on(async {
        watch_signals!(tokio, NAME, shutdown.clone());
        let listener = bind(addr)?;
        println!(
            "{NAME} (tokio, {workers} workers) pid {} listening on {}",
            std::process::id(),
            listener.local_addr()?
        );
        io::stdout().flush()?;
        io::Result::Ok(serve(listener, counters, shutdown.wait()).await)
    });
    // Connections still open after the grace period are not waited for.
    runtime.shutdown_background();
    finish(NAME, addr, result)
}

/// A listener with `SO_REUSEADDR` and a backlog of 4096, as rt's `bind`.
fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Accepts until `shutdown`, one task per connection; then waits up to
/// [`GRACE`] for the open connections to close.
async fn serve(
    listener: TcpListener,
    counters: Arc<Counters>,
    shutdown: impl Future<Output = ()>,
) -> Totals {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut errors = AcceptErrors::new(NAME);
    loop {
        let accepted = tokio::select! {
            biased;
            accepted = listener.accept() => accepted,
            () = shutdown.as_mut() => break,
        };
        match accepted {
            Ok((stream, _peer)) => {
                errors.accepted();
                let guard = counters.open_connection();
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(stream, guard));
            }
            Err(err) => {
                counters.accept_error();
                if let Some(pause) = errors.failed(&err) {
                    tokio::select! {
                        biased;
                        () = sleep(pause) => {}
                        () = shutdown.as_mut() => break,
                    }
                }
            }
        }
    }
    drop(listener);
    let deadline = Instant::now() + GRACE;
    while counters.open() > 0 && Instant::now() < deadline {
        sleep(GRACE_POLL).await;
    }
    counters.totals()
}

/// One connection: hyper's HTTP/1.1 (keep-alive) until the client closes.
/// With a timer, as the rt server: hyper then times each request's header
/// read (30 s by default), the same per-request work on both runtimes.
async fn connection(stream: TcpStream, guard: ConnectionGuard) {
    let served = http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service_fn(http_service::handle))
        .await;
    if served.is_err() {
        guard.counters().connection_error();
    }
}
