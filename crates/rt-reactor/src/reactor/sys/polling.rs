//! The portable backend: the `polling` crate, through its documented API
//! only (`Poller::new`, `add_with_mode`, `modify_with_mode`, `delete`,
//! `wait`, `notify`, `supports_edge`, `AsRawFd`). Nothing here depends on
//! how `polling` encodes keys or which descriptors it keeps; the one key it
//! reserves (`usize::MAX`, documented) is never a source's.
//!
//! Edge mode when the platform has it (`Poller::supports_edge`), else
//! oneshot. `polling` reports no FIN apart from readability, so a short read
//! must not clear read readiness here (`REPORTS_READ_CLOSED`).

use std::io;
use std::num::NonZeroUsize;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

use ::polling::{Event, PollMode};

use super::Mode;
use crate::reactor::source::{READABLE, WRITABLE};

/// Events do not report the read half closing apart from readability.
pub(super) const REPORTS_READ_CLOSED: bool = false;

/// A `polling::Poller` and the mode its sources are added in.
pub(super) struct Poller {
    poller: ::polling::Poller,
    mode: Mode,
}

/// The owner's event buffer.
pub(super) struct Events {
    events: ::polling::Events,
}

impl Poller {
    /// A poller in edge mode, unless `oneshot` or the platform has none.
    pub(super) fn new(oneshot: bool) -> io::Result<Poller> {
        let poller = ::polling::Poller::new()?;
        let mode = if poller.supports_edge() && !oneshot {
            Mode::Edge
        } else {
            Mode::Oneshot
        };
        Ok(Poller { poller, mode })
    }

    pub(super) fn mode(&self) -> Mode {
        self.mode
    }

    /// Adds `fd`: in edge mode for both directions, in oneshot mode with no
    /// interest until `rearm`.
    ///
    /// # Safety
    ///
    /// - `fd` must be open, and must be deleted before it is closed.
    pub(super) unsafe fn add(&self, fd: RawFd, key: usize) -> io::Result<()> {
        let (event, mode) = match self.mode {
            Mode::Edge => (Event::all(key), PollMode::Edge),
            Mode::Oneshot => (Event::none(key), PollMode::Oneshot),
        };
        // SAFETY: `add_with_mode`'s contract is this function's: `fd` is
        // open and is deleted before it closes.
        unsafe { self.poller.add_with_mode(fd, event, mode) }
    }

    /// Re-arms oneshot `fd` for `interest` (`READABLE`, `WRITABLE`).
    pub(super) fn rearm(&self, fd: BorrowedFd<'_>, key: usize, interest: usize) -> io::Result<()> {
        let event = Event::new(key, interest & READABLE != 0, interest & WRITABLE != 0);
        self.poller.modify_with_mode(fd, event, PollMode::Oneshot)
    }

    pub(super) fn delete(&self, fd: BorrowedFd<'_>) -> io::Result<()> {
        self.poller.delete(fd)
    }

    /// `Poller::wait` for at most `timeout`; each event goes to `f` as (key,
    /// readiness bits). A zero `timeout` (a busy worker's periodic check)
    /// first asks one `poll(2)` whether the poller's descriptor has
    /// anything to report, since `Poller::wait` costs five system calls on
    /// Linux.
    pub(super) fn wait(
        &self,
        events: &mut Events,
        timeout: Option<Duration>,
        mut f: impl FnMut(usize, usize),
    ) {
        let events = &mut events.events;
        events.clear();
        if timeout == Some(Duration::ZERO) && !self.has_events() {
            return;
        }
        // An error (polling retries EINTR itself) means a broken poller;
        // there is nothing to dispatch, and the caller still runs its timers.
        let _ = self.poller.wait(events, timeout);
        for event in events.iter() {
            let mut bits = 0;
            if event.readable {
                bits |= READABLE;
            }
            if event.writable {
                bits |= WRITABLE;
            }
            f(event.key, bits);
        }
    }

    /// Whether the poller's descriptor (`AsRawFd`) is readable: an event or
    /// a notification is pending. On error, says yes: the full wait then
    /// reports the error's consequences itself.
    fn has_events(&self) -> bool {
        let mut pfd = libc::pollfd {
            fd: self.poller.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: `pfd` is one valid, initialised `pollfd` that outlives the
        // call; the count is 1 and the timeout 0, so nothing is retained.
        let n = unsafe { libc::poll(&mut pfd, 1, 0) };
        n != 0
    }

    pub(super) fn notify(&self) {
        // Only fails if the notifier's write fails, far from any overflow.
        let _ = self.poller.notify();
    }
}

impl Events {
    pub(super) fn new(capacity: usize) -> Events {
        let capacity = NonZeroUsize::new(capacity).expect("nonzero capacity");
        Events {
            events: ::polling::Events::with_capacity(capacity),
        }
    }
}
