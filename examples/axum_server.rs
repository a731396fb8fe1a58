//! An axum `Router` served on rt: axum's `serve` wants tokio's listener,
//! so the router goes through hyper on rt's listener instead, with
//! hyper-util's `TowerToHyperService` (a `Router` is a tower `Service`).
//! No tokio runtime is involved.
//!
//! ```text
//! cargo run --release --example axum_server -- [--addr 127.0.0.1:8080] [--workers N]
//! ```
//!
//! `GET /` answers `Hello, world!`, `POST /echo` the request's body.
//! Prints `axum_server (rt, N workers) pid PID listening on ADDR` once it
//! accepts connections; stops accepting on SIGINT or SIGTERM and exits 0.

use std::io::Write;
use std::process::ExitCode;

use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use futures_lite::future;
use hyper::server::conn::http1;
use hyper_util::service::TowerToHyperService;

#[path = "common/server_cli.rs"]
mod server_cli;
use server_cli::{start_with, watch_signals, Config};

const USAGE: &str = "\
usage: axum_server [--addr ADDR] [--workers N]

  --addr ADDR    address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
  --workers N    worker threads (default: the number of CPUs)

GET / answers \"Hello, world!\"; POST /echo answers the request's body.
Stops accepting on SIGINT or SIGTERM and exits.";

/// The application: plain axum, nothing rt-specific.
fn app() -> Router {
    Router::new()
        .route("/", get(|| async { "Hello, world!" }))
        .route("/echo", post(|body: Bytes| async move { body }))
}

fn main() -> ExitCode {
    let (Config { addr, workers }, (), shutdown) =
        match start_with("axum_server", USAGE, "127.0.0.1:8080", |_| ()) {
            Ok(started) => started,
            Err(code) => return code,
        };
    let runtime = match rt::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("axum_server: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        watch_signals!(rt, "axum_server", shutdown.clone());
        let listener = rt::net::TcpListener::bind(addr).await?;
        println!(
            "axum_server (rt, {workers} workers) pid {} listening on {}",
            std::process::id(),
            listener.local_addr()?
        );
        std::io::stdout().flush()?;
        let app = app();
        let stop = shutdown.wait();
        let mut stop = std::pin::pin!(stop);
        loop {
            let accepted = future::or(async { Some(listener.accept().await) }, async {
                stop.as_mut().await;
                None
            });
            match accepted.await {
                Some(Ok((stream, _peer))) => {
                    // The router as a hyper service, on rt's stream as is.
                    let service = TowerToHyperService::new(app.clone());
                    rt::spawn(async move {
                        let _ = http1::Builder::new()
                            .timer(rt::hyper::Timer)
                            .serve_connection(stream, service)
                            .await;
                    });
                }
                Some(Err(err)) => {
                    eprintln!("axum_server: accept: {err}");
                    rt::time::sleep(rt::time::Duration::from_millis(10)).await;
                }
                None => return std::io::Result::Ok(()),
            }
        }
    });
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("axum_server: cannot listen on {addr}: {err}");
            ExitCode::FAILURE
        }
    }
}
