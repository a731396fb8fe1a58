//! The reactor's poller: two backends behind one set of names.
//!
//! - `epoll` (Linux only, the default there): an epoll instance, an eventfd
//!   and a key space that are ours outright; one `epoll_wait(2)` per wait.
//! - `polling` (every platform; the only one off Linux): the `polling`
//!   crate through its documented API only.
//!
//! [`Poller`] and [`Events`] are enums over the two, chosen once by
//! [`Poller::new`] (the reactor reads the environment, see the parent
//! module's docs); each call is one `match` on the variant, no `dyn`. Both
//! backends have the same shape, so the rest of the reactor reads only the
//! names below:
//!
//! - `add(fd, key)` registers a descriptor: edge mode, both directions
//!   for good; oneshot mode, no interest until the first `rearm`.
//! - `rearm(fd, key, interest)` re-enables a oneshot descriptor for
//!   `interest` (bits of `READABLE` and `WRITABLE`).
//! - `delete(fd)`, before the descriptor closes.
//! - `wait(events, timeout, f)` hands each event to `f` as (key, readiness
//!   bits: `READABLE`, `WRITABLE`, and where the backend reports it,
//!   `READ_CLOSED`), and consumes a `notify`.
//! - `notify()` ends the current wait, or makes the next one return at once.
//!
//! Keys are the reactor's (see the parent module's docs) and never equal
//! [`RESERVED_KEY`], `usize::MAX`: `polling` documents it as reserved, and
//! the epoll backend keys its own eventfd with it.

#[cfg(target_os = "linux")]
mod epoll;
mod polling;

use std::io;
use std::os::fd::{BorrowedFd, RawFd};
use std::time::Duration;

/// The one key no source may have (see the module docs).
pub(super) const RESERVED_KEY: usize = usize::MAX;

/// Which backend a reactor uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Backend {
    /// Our own epoll instance (Linux).
    #[cfg(target_os = "linux")]
    Epoll,
    /// The `polling` crate.
    Polling,
}

impl Backend {
    /// The platform's default: `Epoll` on Linux, else `Polling`.
    pub(super) const DEFAULT: Backend = {
        #[cfg(target_os = "linux")]
        let backend = Backend::Epoll;
        #[cfg(not(target_os = "linux"))]
        let backend = Backend::Polling;
        backend
    };

    /// The backend named `name` ("epoll" or "polling"), if this platform has it.
    pub(super) fn from_name(name: &str) -> Option<Backend> {
        match name {
            #[cfg(target_os = "linux")]
            "epoll" => Some(Backend::Epoll),
            "polling" => Some(Backend::Polling),
            _ => None,
        }
    }
}

/// How sources are registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// Once, for both directions; each readiness change is reported once.
    Edge,
    /// Disarmed after each event; re-armed with `rearm`.
    Oneshot,
}

/// A poller of either backend.
pub(super) struct Poller(PollerOf);

/// [`Poller`]'s backends.
enum PollerOf {
    /// Our own epoll instance.
    #[cfg(target_os = "linux")]
    Epoll(epoll::Poller),
    /// A `polling::Poller`.
    Polling(polling::Poller),
}

/// The owner's event buffer, of the same backend as its poller.
pub(super) struct Events(EventsOf);

/// [`Events`]' backends.
enum EventsOf {
    /// For the epoll backend.
    #[cfg(target_os = "linux")]
    Epoll(epoll::Events),
    /// For the polling backend.
    Polling(polling::Events),
}

impl Poller {
    /// A poller of `backend`, in edge mode unless `oneshot` is asked for or
    /// the backend has no edge mode.
    pub(super) fn new(backend: Backend, oneshot: bool) -> io::Result<Poller> {
        Ok(Poller(match backend {
            #[cfg(target_os = "linux")]
            Backend::Epoll => PollerOf::Epoll(epoll::Poller::new(oneshot)?),
            Backend::Polling => PollerOf::Polling(polling::Poller::new(oneshot)?),
        }))
    }

    /// Which backend this is.
    pub(super) fn backend(&self) -> Backend {
        match &self.0 {
            #[cfg(target_os = "linux")]
            PollerOf::Epoll(_) => Backend::Epoll,
            PollerOf::Polling(_) => Backend::Polling,
        }
    }

    /// The mode sources are registered in.
    pub(super) fn mode(&self) -> Mode {
        match &self.0 {
            #[cfg(target_os = "linux")]
            PollerOf::Epoll(p) => p.mode(),
            PollerOf::Polling(p) => p.mode(),
        }
    }

    /// Whether events report the read half closing (`READ_CLOSED`).
    pub(super) fn reports_read_closed(&self) -> bool {
        match &self.0 {
            #[cfg(target_os = "linux")]
            PollerOf::Epoll(_) => epoll::REPORTS_READ_CLOSED,
            PollerOf::Polling(_) => polling::REPORTS_READ_CLOSED,
        }
    }

    /// An event buffer for this poller's `wait`, of `capacity` events.
    pub(super) fn events(&self, capacity: usize) -> Events {
        Events(match &self.0 {
            #[cfg(target_os = "linux")]
            PollerOf::Epoll(_) => EventsOf::Epoll(epoll::Events::new(capacity)),
            PollerOf::Polling(_) => EventsOf::Polling(polling::Events::new(capacity)),
        })
    }

    /// Registers `fd` with events carrying `key` (see the module docs).
    ///
    /// # Safety
    ///
    /// - `fd` must be open, and must be deleted before it is closed.
    pub(super) unsafe fn add(&self, fd: RawFd, key: usize) -> io::Result<()> {
        debug_assert_ne!(key, RESERVED_KEY);
        match &self.0 {
            // SAFETY: forwarded from this function's contract.
            #[cfg(target_os = "linux")]
            PollerOf::Epoll(p) => unsafe { p.add(fd, key) },
            // SAFETY: as above.
            PollerOf::Polling(p) => unsafe { p.add(fd, key) },
        }
    }

    /// Re-arms the oneshot descriptor `fd` for `interest`.
    pub(super) fn rearm(&self, fd: BorrowedFd<'_>, key: usize, interest: usize) -> io::Result<()> {
        match &self.0 {
            #[cfg(target_os = "linux")]
            PollerOf::Epoll(p) => p.rearm(fd, key, interest),
            PollerOf::Polling(p) => p.rearm(fd, key, interest),
        }
    }

    /// Deletes `fd`.
    pub(super) fn delete(&self, fd: BorrowedFd<'_>) -> io::Result<()> {
        match &self.0 {
            #[cfg(target_os = "linux")]
            PollerOf::Epoll(p) => p.delete(fd),
            PollerOf::Polling(p) => p.delete(fd),
        }
    }

    /// Waits for at most `timeout` (`None`: forever) and hands each event
    /// to `f`; see the module docs. Errors (`EINTR`) end the wait with no
    /// events: the caller still runs its timers and comes back.
    ///
    /// # Panics
    ///
    /// Panics if `events` was made by a poller of another backend.
    pub(super) fn wait(
        &self,
        events: &mut Events,
        timeout: Option<Duration>,
        f: impl FnMut(usize, usize),
    ) {
        match (&self.0, &mut events.0) {
            #[cfg(target_os = "linux")]
            (PollerOf::Epoll(p), EventsOf::Epoll(events)) => p.wait(events, timeout, f),
            (PollerOf::Polling(p), EventsOf::Polling(events)) => p.wait(events, timeout, f),
            #[cfg(target_os = "linux")]
            _ => unreachable!("an event buffer of another backend"),
        }
    }

    /// Ends the current wait, or makes the next one return at once.
    pub(super) fn notify(&self) {
        match &self.0 {
            #[cfg(target_os = "linux")]
            PollerOf::Epoll(p) => p.notify(),
            PollerOf::Polling(p) => p.notify(),
        }
    }
}
