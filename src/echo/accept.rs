//! `AcceptErrors`: what an accept loop does after a failed `accept`.

use std::io;
use std::time::{Duration, Instant};

/// How long to pause after the first resource error in a row (`EMFILE`,
/// `ENFILE`, `ENOBUFS`, `ENOMEM`): long enough that a loop out of
/// descriptors does not spin, short enough to notice freed ones soon.
pub const MIN_BACKOFF: Duration = Duration::from_millis(10);
/// The longest pause: doubling stops here, so a server that ran out of
/// descriptors accepts again at most 100 ms after some are freed.
pub const MAX_BACKOFF: Duration = Duration::from_millis(100);
/// At most one log line per this interval; the lines in between are
/// counted and reported with the next one.
pub const LOG_INTERVAL: Duration = Duration::from_secs(1);

/// The back-off and rate-limited logging of an accept loop.
///
/// Errors about one pending connection (`ECONNABORTED`: the peer reset it
/// while it was queued; `EINTR`; `EPERM` from a firewall) leave the next
/// one acceptable, so the loop retries at once. Any other error is taken
/// as a resource error: the listener stays readable (the connection is
/// still queued) and retrying at once would spin, so the loop pauses,
/// 10 ms at first, doubling up to 100 ms while the errors go on. Existing
/// connections are served meanwhile: they are other tasks.
///
/// # Examples
///
/// ```
/// use std::io;
/// use rt_suite::echo::AcceptErrors;
///
/// let mut errors = AcceptErrors::new("demo");
/// let emfile = io::Error::from_raw_os_error(24); // EMFILE on Linux
/// assert_eq!(errors.failed(&emfile).unwrap().as_millis(), 10);
/// assert_eq!(errors.failed(&emfile).unwrap().as_millis(), 20);
/// let aborted = io::Error::from(io::ErrorKind::ConnectionAborted);
/// assert_eq!(errors.failed(&aborted), None);
/// errors.accepted();
/// assert_eq!(errors.failed(&emfile).unwrap().as_millis(), 10);
/// ```
#[derive(Debug)]
pub struct AcceptErrors {
    name: &'static str,
    backoff: Duration,
    last_log: Option<Instant>,
    unlogged: u64,
}

impl AcceptErrors {
    /// No error yet; `name` prefixes the log lines.
    pub fn new(name: &'static str) -> AcceptErrors {
        AcceptErrors {
            name,
            backoff: MIN_BACKOFF,
            last_log: None,
            unlogged: 0,
        }
    }

    /// A connection was accepted: the next resource error pauses for the
    /// shortest time again.
    pub fn accepted(&mut self) {
        self.backoff = MIN_BACKOFF;
    }

    /// An `accept` failed with `err`: logs it (at most one line per second)
    /// and returns how long to pause before the next `accept`, if at all.
    pub fn failed(&mut self, err: &io::Error) -> Option<Duration> {
        let pause = match err.kind() {
            io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::PermissionDenied => None,
            _ => {
                let pause = self.backoff;
                self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
                Some(pause)
            }
        };
        let now = Instant::now();
        if self
            .last_log
            .is_none_or(|last| now.duration_since(last) >= LOG_INTERVAL)
        {
            let also = match self.unlogged {
                0 => String::new(),
                n => format!(" (and {n} more accept errors since the last report)"),
            };
            let pause_text = match pause {
                Some(p) => format!("; pausing accept for {} ms", p.as_millis()),
                None => String::new(),
            };
            eprintln!("{}: accept failed: {err}{pause_text}{also}", self.name);
            self.last_log = Some(now);
            self.unlogged = 0;
        } else {
            self.unlogged += 1;
        }
        pause
    }
}
