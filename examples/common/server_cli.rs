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

/// Parses the command line, raises the open-files limit and installs the
/// signal handlers. `name` prefixes the error lines; on an error the
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
    if let Err(err) = on_signals(name, shutdown.clone()) {
        eprintln!("{name}: cannot install signal handlers: {err}");
        return Err(ExitCode::FAILURE);
    }
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
fn on_signals(name: &'static str, shutdown: Shutdown) -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if shutdown.is_triggered() {
                    std::process::exit(130);
                }
                eprintln!("{name}: signal {signal}: shutting down");
                shutdown.trigger();
            }
        })?;
    Ok(())
}
