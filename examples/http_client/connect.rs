//! Opening the connections, in batches, after checking the open-files limit.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use rt::net::TcpStream;
use rt::time::timeout;

use super::args::Config;
use super::Results;

/// Connections opened at once: far below the servers' listen backlog (4096).
const BATCH: usize = 500;
/// A connect that takes longer has failed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Descriptors the process needs besides its connections (stdio, the
/// reactor's epoll and eventfd, ...), with room to spare.
const FD_RESERVE: u64 = 64;

/// Raises the open-files soft limit to the hard limit, and checks that it
/// suffices for the connections asked.
pub(super) fn check_limits(config: &Config) -> Result<(), String> {
    let need = config.connections as u64 + FD_RESERVE;
    let soft = rlimit::increase_nofile_limit(u64::MAX)
        .map_err(|err| format!("cannot raise the open-files limit: {err}"))?;
    if soft < need {
        return Err(format!(
            "{} connections need about {need} open files, but this process may open only \
             {soft}: raise the hard limit (`ulimit -Hn`) or ask for fewer --connections",
            config.connections
        ));
    }
    Ok(())
}

/// Opens the connections [`BATCH`] at a time; returns them with their ids,
/// and counts the failures in `results`.
pub(super) async fn connect_all(config: &Config, results: &mut Results) -> Vec<(u64, TcpStream)> {
    let mut streams = Vec::with_capacity(config.connections);
    for first in (0..config.connections).step_by(BATCH) {
        let attempts: Vec<_> = (first..(first + BATCH).min(config.connections))
            .map(|id| (id as u64, rt::spawn(connect(config.addr))))
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
    }
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
