//! `Counters`, `Totals` and the guard that counts a connection as open.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

/// What an echo server has done so far, updated live by its tasks.
///
/// Every field is an independent statistic, so every access is `Relaxed`:
/// no counter publishes memory to another thread, and a reader only needs
/// each value to be one that was written (a snapshot of several counters is
/// not atomic as a whole). Each connection costs two increments per round
/// trip ([`read`](Counters::read) and [`echoed`](Counters::echoed)); both
/// servers, rt's and tokio's, pay them alike.
#[derive(Debug, Default)]
pub struct Counters {
    accepted: AtomicU64,
    open: AtomicU64,
    peak_open: AtomicU64,
    bytes_read: AtomicU64,
    bytes_echoed: AtomicU64,
    bytes_dropped: AtomicU64,
    accept_errors: AtomicU64,
    connection_errors: AtomicU64,
}

/// A snapshot of [`Counters`], printed by the servers when they stop.
///
/// Its [`Display`](fmt::Display) form is one line of `key=value` pairs,
/// which [`Totals::parse`] reads back (c10k reads the servers' last line).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Connections accepted.
    pub accepted: u64,
    /// Connections open when the snapshot was taken.
    pub open: u64,
    /// The most connections open at once.
    pub peak_open: u64,
    /// Bytes read from clients.
    pub bytes_read: u64,
    /// Bytes written back to clients (whole reads only: a read's bytes
    /// count once all of them have been written).
    pub bytes_echoed: u64,
    /// Bytes read but never echoed, because the connection failed first
    /// (the client reset it, ...).
    pub bytes_dropped: u64,
    /// Failed `accept` calls (`EMFILE`, `ECONNABORTED`, ...).
    pub accept_errors: u64,
    /// Connections that ended with an I/O error (reset by the peer, ...)
    /// rather than end-of-file.
    pub connection_errors: u64,
}

/// Counts a connection as open until dropped (with its task, however the
/// task ends: end-of-file, error, or cancellation at runtime shutdown).
#[derive(Debug)]
pub struct ConnectionGuard {
    counters: Arc<Counters>,
}

impl Counters {
    /// All zero.
    pub fn new() -> Counters {
        Counters::default()
    }

    /// Counts an accepted connection as open; it stays open until the
    /// guard is dropped.
    pub fn open_connection(self: &Arc<Self>) -> ConnectionGuard {
        self.accepted.fetch_add(1, Relaxed);
        let open = self.open.fetch_add(1, Relaxed) + 1;
        self.peak_open.fetch_max(open, Relaxed);
        ConnectionGuard {
            counters: self.clone(),
        }
    }

    /// Counts `n` bytes read from a client.
    pub fn read(&self, n: usize) {
        self.bytes_read.fetch_add(n as u64, Relaxed);
    }

    /// Counts `n` bytes written back in full.
    pub fn echoed(&self, n: usize) {
        self.bytes_echoed.fetch_add(n as u64, Relaxed);
    }

    /// Counts `n` bytes read but never echoed: the connection failed.
    pub fn dropped(&self, n: usize) {
        self.bytes_dropped.fetch_add(n as u64, Relaxed);
    }

    /// Counts a failed `accept`.
    pub fn accept_error(&self) {
        self.accept_errors.fetch_add(1, Relaxed);
    }

    /// Counts a connection that ended with an error.
    pub fn connection_error(&self) {
        self.connection_errors.fetch_add(1, Relaxed);
    }

    /// Connections open now.
    pub fn open(&self) -> u64 {
        self.open.load(Relaxed)
    }

    /// Bytes read but not yet echoed nor dropped: what the server holds in
    /// its connection buffers now, at most one buffer per open connection.
    /// (While connections are active the counters are read one after the
    /// other, the bytes read last, so the figure may err high, never low:
    /// a safe upper bound.)
    pub fn in_flight(&self) -> u64 {
        let done = self.bytes_echoed.load(Relaxed) + self.bytes_dropped.load(Relaxed);
        self.bytes_read.load(Relaxed).saturating_sub(done)
    }

    /// A snapshot of every counter.
    pub fn totals(&self) -> Totals {
        Totals {
            accepted: self.accepted.load(Relaxed),
            open: self.open.load(Relaxed),
            peak_open: self.peak_open.load(Relaxed),
            bytes_read: self.bytes_read.load(Relaxed),
            bytes_echoed: self.bytes_echoed.load(Relaxed),
            bytes_dropped: self.bytes_dropped.load(Relaxed),
            accept_errors: self.accept_errors.load(Relaxed),
            connection_errors: self.connection_errors.load(Relaxed),
        }
    }
}

impl ConnectionGuard {
    /// The counters this connection is counted in.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.counters.open.fetch_sub(1, Relaxed);
    }
}

impl Totals {
    /// Reads back a line printed with `Display` (other text around the
    /// pairs is ignored); `None` if a field is missing.
    ///
    /// ```
    /// use rt_suite::echo::Totals;
    /// let totals = Totals { accepted: 3, bytes_echoed: 640, ..Totals::default() };
    /// assert_eq!(Totals::parse(&format!("totals: {totals}")), Some(totals));
    /// ```
    pub fn parse(line: &str) -> Option<Totals> {
        let field = |name: &str| -> Option<u64> {
            line.split_whitespace()
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))?
                .parse()
                .ok()
        };
        Some(Totals {
            accepted: field("accepted")?,
            open: field("open")?,
            peak_open: field("peak_open")?,
            bytes_read: field("bytes_read")?,
            bytes_echoed: field("bytes_echoed")?,
            bytes_dropped: field("bytes_dropped")?,
            accept_errors: field("accept_errors")?,
            connection_errors: field("connection_errors")?,
        })
    }
}

impl fmt::Display for Totals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "accepted={} open={} peak_open={} bytes_read={} bytes_echoed={} \
             bytes_dropped={} accept_errors={} connection_errors={}",
            self.accepted,
            self.open,
            self.peak_open,
            self.bytes_read,
            self.bytes_echoed,
            self.bytes_dropped,
            self.accept_errors,
            self.connection_errors
        )
    }
}
