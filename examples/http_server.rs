//! An HTTP server on rt with hyper 1.x: HTTP/1.1 with keep-alive (or
//! HTTP/2 with `--http2`), `GET /` answering a fixed 13-byte body and
//! `POST /echo` the request's body (`examples/common/http_service.rs`).
//!
//! ```text
//! cargo run --release --example http_server -- [--addr 127.0.0.1:8080] [--workers N] [--http2]
//! ```
//!
//! Prints `http_server (rt, N workers) pid PID listening on ADDR` once it
//! accepts connections (with `--addr 127.0.0.1:0`, ADDR has the port the
//! system chose); on SIGINT (Ctrl-C) or SIGTERM it stops accepting and
//! exits 0 (a second signal exits at once). hyper runs on rt with no glue:
//! rt's `TcpStream` is hyper's I/O as it is, `rt::hyper::Timer` gives
//! HTTP/1 its header-read timeout (hyper's default, 30 s, which also
//! closes a keep-alive connection idle that long) and `rt::hyper::Executor`
//! runs HTTP/2's streams. `http_server_tokio` is its twin on tokio.

use std::io::Write;
use std::process::ExitCode;

use futures_lite::future;
use hyper::server::conn::{http1, http2};
use hyper::service::service_fn;
use rt::hyper::{Executor, Timer};
use rt::net::TcpStream;

#[path = "common/http_service.rs"]
mod http_service;
#[path = "common/server_cli.rs"]
mod server_cli;
use server_cli::{start_with, watch_signals, Config};

const USAGE: &str = "\
usage: http_server [--addr ADDR] [--workers N] [--http2]

  --addr ADDR    address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
  --workers N    worker threads (default: the number of CPUs)
  --http2        serve HTTP/2 with prior knowledge (h2c) instead of HTTP/1.1

GET / answers \"Hello, world!\"; POST /echo answers the request's body.
Stops accepting on SIGINT or SIGTERM and exits.";

fn main() -> ExitCode {
    let (Config { addr, workers }, http2, shutdown) =
        match start_with("http_server", USAGE, "127.0.0.1:8080", |args| {
            args.flag("http2")
        }) {
            Ok(started) => started,
            Err(code) => return code,
        };
    let runtime = match rt::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("http-worker")
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("http_server: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        watch_signals!(rt, "http_server", shutdown.clone());
        let listener = rt::net::TcpListener::bind(addr).await?;
        println!(
            "http_server (rt, {workers} workers) pid {} listening on {}",
            std::process::id(),
            listener.local_addr()?
        );
        std::io::stdout().flush()?;
        let stop = shutdown.wait();
        let mut stop = std::pin::pin!(stop);
        loop {
            let accepted = future::or(async { Some(listener.accept().await) }, async {
                stop.as_mut().await;
                None
            });
            match accepted.await {
                // One task type per protocol: a future holding both
                // connection types would be as large as the larger
                // (HTTP/2's), and every HTTP/1 task would carry it.
                Some(Ok((stream, _peer))) if http2 => {
                    rt::spawn(serve_http2(stream));
                }
                Some(Ok((stream, _peer))) => {
                    rt::spawn(serve_http1(stream));
                }
                // Out of descriptors, or a connection reset before it was
                // accepted: keep serving the others.
                Some(Err(err)) => {
                    eprintln!("http_server: accept: {err}");
                    rt::time::sleep(rt::time::Duration::from_millis(10)).await;
                }
                None => return std::io::Result::Ok(()),
            }
        }
    });
    // Connections still open are not waited for.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("http_server: cannot listen on {addr}: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Serves one HTTP/1.1 connection (keep-alive) until the client closes it
/// (or it errs: a reset, a malformed request, a header-read timeout).
async fn serve_http1(stream: TcpStream) {
    // Responses go out at once, not after the client's delayed ACK.
    let _ = stream.set_nodelay(true);
    let _ = http1::Builder::new()
        .timer(Timer)
        .keep_alive(true)
        .serve_connection(stream, service_fn(http_service::handle))
        .await;
}

/// [`serve_http1`] for HTTP/2 with prior knowledge (h2c).
async fn serve_http2(stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let _ = http2::Builder::new(Executor)
        .timer(Timer)
        .serve_connection(stream, service_fn(http_service::handle))
        .await;
}
