//! Opening the connections, in batches, with a progress line on stderr.

use std::io::{self, IsTerminal};
use std::net::SocketAddr;
use std::time::Duration;

use rt::net::TcpStream;
use rt::time::{timeout, Instant};

use super::args::Config;
use super::Results;

/// A connect that takes longer has failed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens the connections `config.batch` at a time; returns them with their
/// ids, and counts the failures in `results`.
pub(super) async fn connect_all(config: &Config, results: &mut Results) -> Vec<(usize, TcpStream)> {
    let mut streams = Vec::with_capacity(config.connections);
    let mut progress = Progress::new(config.connections);
    for first in (0..config.connections).step_by(config.batch) {
        let ids = first..(first + config.batch).min(config.connections);
        let attempts: Vec<_> = ids
            .map(|id| {
                let addr = config.addrs[id % config.addrs.len()];
                (id, rt::spawn(connect(addr)))
            })
            .collect();
        for (id, attempt) in attempts {
            let error = match attempt.await {
                Ok(Ok(stream)) => {
                    streams.push((id, stream));
                    continue;
                }
                Ok(Err(err)) => format!("connect: {err}"),
                Err(join_error) => format!("connect task failed: {join_error}"),
            };
            results.connect_failed += 1;
            *results.errors.entry(error).or_default() += 1;
        }
        progress.show(streams.len(), results.connect_failed);
    }
    progress.done(streams.len(), results.connect_failed);
    streams
}

/// One connection with `TCP_NODELAY`, or why not within the time limit.
async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = timeout(CONNECT_TIMEOUT, TcpStream::connect(addr))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "timed out"))??;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// The connect progress line on stderr: rewritten in place on a terminal,
/// else one line a second.
struct Progress {
    total: usize,
    started: Instant,
    last: Option<Instant>,
    terminal: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            started: Instant::now(),
            last: None,
            terminal: io::stderr().is_terminal(),
        }
    }

    fn line(&self, connected: usize, failed: usize) -> String {
        format!(
            "echo_client: connected {connected}/{} ({failed} failed) in {:.2} s",
            self.total,
            self.started.elapsed().as_secs_f64()
        )
    }

    fn show(&mut self, connected: usize, failed: usize) {
        if self.terminal {
            eprint!("\r{}", self.line(connected, failed));
        } else if connected + failed < self.total
            && self
                .last
                .is_none_or(|t| t.elapsed() >= Duration::from_secs(1))
        {
            eprintln!("{}", self.line(connected, failed));
            self.last = Some(Instant::now());
        }
    }

    fn done(&mut self, connected: usize, failed: usize) {
        if self.terminal {
            eprintln!("\r{}", self.line(connected, failed));
        } else {
            eprintln!("{}", self.line(connected, failed));
        }
    }
}
