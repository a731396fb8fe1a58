//! What the servers (`echo_server`, `echo_server_tokio`, `http_server`,
//! `axum_server`) do before and after their runtime runs, written once: the command line,
//! the open-files limit, the signals, and the last lines they print.
//! Included by each with `#[path]`; the runtimes themselves stay in the
//! servers.

use std::net::SocketAddr;
use std::process::ExitCode;

use rt_suite::args::{num_cpus, Args};
use rt_suite::echo::{Shutdown, Totals};

/// The command line of an echo server.
pub(crate) struct Config {
    pub(crate) addr: SocketAddr,
    pub(crate) workers: usize,
}

/// Parses the command line and raises the open-files limit (the server
/// then watches its signals with [`watch_signals!`] inside its runtime).
/// `name` prefixes the error lines; on an error the
/// caller exits with the returned code.
// The HTTP servers call `start_with` instead.
#[allow(dead_code)]
pub(crate) fn start(
    name: &'static str,
    usage: &'static str,
) -> Result<(Config, Shutdown), ExitCode> {
    start_with(name, usage, "127.0.0.1:7000", |_| ())
        .map(|(config, (), shutdown)| (config, shutdown))
}

/// [`start`] for a server with arguments of its own, which `more` takes
/// from the command line (before unknown ones are refused), and its own
/// default address.
pub(crate) fn start_with<T>(
    name: &'static str,
    usage: &'static str,
    default_addr: &str,
    more: impl FnOnce(&mut Args) -> T,
) -> Result<(Config, T, Shutdown), ExitCode> {
    let mut args = Args::from_env(usage);
    let addr: SocketAddr = args
        .value("addr")
        .unwrap_or_else(|| default_addr.parse().unwrap());
    let workers: usize = args.value("workers").unwrap_or_else(num_cpus);
    let more = more(&mut args);
    args.finish();
    if workers == 0 {
        eprintln!("{name}: --workers must be at least 1");
        return Err(ExitCode::from(2));
    }
    // Every connection is a descriptor: allow as many as the hard limit.
    if let Err(err) = rlimit::increase_nofile_limit(u64::MAX) {
        eprintln!("{name}: cannot raise the open-files limit: {err}");
    }
    let shutdown = Shutdown::new();
    Ok((Config { addr, workers }, more, shutdown))
}

/// Prints the totals, or why the server could not listen; the exit code.
// The echo servers' totals; the HTTP servers print none.
#[allow(dead_code)]
pub(crate) fn finish(name: &str, addr: SocketAddr, result: std::io::Result<Totals>) -> ExitCode {
    match result {
        Ok(totals) => {
            println!("totals: {totals}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{name}: cannot listen on {addr}: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Triggers `shutdown` on the first SIGINT or SIGTERM; exits at once on
/// the second (status 130), for a server whose connections do not close.
/// Called inside the runtime, before the server says it listens, with the
/// runtime's crate (`rt` or `tokio`: the same signal API) as the first
/// argument; `?` on its result fails if a handler cannot be installed.
///
/// `ctrl_c()`'s listener is made when the future is first polled, so it is
/// polled once here: a SIGINT sent as soon as the server says it listens
/// is then already the server's, not the default action's.
macro_rules! watch_signals {
    ($rt:ident, $name:expr, $shutdown:expr) => {{
        use std::future::Future as _;
        let name: &'static str = $name;
        let shutdown: rt_suite::echo::Shutdown = $shutdown;
        let mut terminate = $rt::signal::unix::signal($rt::signal::unix::SignalKind::terminate())?;
        let mut ctrl_c = Box::pin($rt::signal::ctrl_c());
        let mut noop = std::task::Context::from_waker(std::task::Waker::noop());
        if let std::task::Poll::Ready(Err(err)) = ctrl_c.as_mut().poll(&mut noop) {
            return Err(err);
        }
        $rt::spawn(async move {
            loop {
                let signal = $rt::select! {
                    _ = &mut ctrl_c => {
                        ctrl_c = Box::pin($rt::signal::ctrl_c());
                        "SIGINT"
                    }
                    _ = terminate.recv() => "SIGTERM",
                };
                if shutdown.is_triggered() {
                    std::process::exit(130);
                }
                eprintln!("{name}: {signal}: shutting down");
                shutdown.trigger();
            }
        });
    }};
}
#[allow(unused_imports)]
pub(crate) use watch_signals;
