//! The C10k echo server on tokio: `echo_server`'s twin, for comparison.
//!
//! ```text
//! cargo run --release --example echo_server_tokio -- [--addr 127.0.0.1:7000] [--workers N]
//! ```
//!
//! The same server as `echo_server` (`rt_suite::echo::serve`), written
//! line for line on tokio: a listen backlog of 4096, `TCP_NODELAY`, one
//! task and one 4 KiB buffer per connection (read, write it all back, read
//! again), the same accept back-off and counters (`AcceptErrors`,
//! `Counters`), the same signals, lines and totals. The accept loop runs in
//! `block_on`, as in `echo_server`. `c10k --compare tokio` runs both.

use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use rt_suite::echo::{AcceptErrors, ConnectionGuard, Counters, Options, Totals};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::{sleep, Duration, Instant};

#[path = "common/server_cli.rs"]
mod server_cli;
use server_cli::{finish, start, watch_signals, Config};

const USAGE: &str = "\
usage: echo_server_tokio [--addr ADDR] [--workers N]

  --addr ADDR    address to listen on (default 127.0.0.1:7000; port 0 picks a free one)
  --workers N    worker threads (default: the number of CPUs)

Stops on SIGINT or SIGTERM and prints its totals.";

/// The listen backlog, as rt's `TcpListener::bind` (std and mio use 128).
const BACKLOG: u32 = 4096;
/// How often the grace period checks the count of open connections, as rt's.
const GRACE_POLL: Duration = Duration::from_millis(10);

fn main() -> ExitCode {
    let (Config { addr, workers }, shutdown) = match start("echo_server_tokio", USAGE) {
        Ok(started) => started,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("echo-worker")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("echo_server_tokio: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let counters = Arc::new(Counters::new());
    let options = Options {
        name: "echo_server_tokio",
        ..Options::default()
    };
    let result = runtime.block_on(async {
        watch_signals!(tokio, "echo_server_tokio", shutdown.clone());
        let listener = bind(addr)?;
        println!(
            "echo_server (tokio, {workers} workers) pid {} listening on {}",
            std::process::id(),
            listener.local_addr()?
        );
        io::stdout().flush()?;
        io::Result::Ok(serve(listener, options, counters, shutdown.wait()).await)
    });
    runtime.shutdown_background();
    finish("echo_server_tokio", addr, result)
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

/// `rt_suite::echo::serve` on tokio.
async fn serve(
    listener: TcpListener,
    options: Options,
    counters: Arc<Counters>,
    shutdown: impl Future<Output = ()>,
) -> Totals {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut errors = AcceptErrors::new(options.name);
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
                let _ = stream.set_nodelay(options.nodelay);
                tokio::spawn(echo(stream, options.buffer_size, guard));
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
    let deadline = Instant::now() + options.grace;
    while counters.open() > 0 && Instant::now() < deadline {
        sleep(GRACE_POLL).await;
    }
    counters.totals()
}

/// One connection, as rt's: read, write it all back, repeat.
async fn echo(mut stream: TcpStream, buffer_size: usize, guard: ConnectionGuard) {
    let counters = guard.counters();
    let mut buf = vec![0; buffer_size];
    // Bytes read and not yet echoed, dropped if the connection fails.
    let mut pending = 0;
    let result: io::Result<()> = async {
        loop {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Ok(());
            }
            counters.read(n);
            pending = n;
            stream.write_all(&buf[..n]).await?;
            counters.echoed(n);
            pending = 0;
        }
    }
    .await;
    if result.is_err() {
        counters.dropped(pending);
        counters.connection_error();
    }
}
