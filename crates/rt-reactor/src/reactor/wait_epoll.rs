//! Linux: the owner's wait as one `epoll_wait(2)` on the poller's epoll
//! descriptor, and `notify` as a write to an eventfd of our own.
//!
//! `polling`'s `Poller::wait` costs five system calls on Linux whatever the
//! timeout (it re-arms a timerfd and its notification eventfd around the
//! `epoll_pwait`), against one for mio. Measured with
//! `examples/echo_round_trip.rs` under `strace -c -f`: 16.2 system calls per
//! echo round trip through `Poller::wait`, 8.0 for tokio. Sources are still
//! registered, modified and deleted through `polling` (which stores our key
//! in the epoll event's data); only the wait and the wake-up are ours, and
//! the one-waiter rule still holds (the reactor's try-lock). polling's own
//! notifier and timerfd never fire: we never call its `notify` or `wait`.
//!
//! Edge-triggered sources are added here too, with one `epoll_ctl` of our
//! own, for one flag polling does not offer: `EPOLLRDHUP`. It tells when the
//! peer's FIN came in with the data of the same edge, which is what lets a
//! short read clear read readiness (see `source.rs`). They are still
//! deleted through polling (`epoll_ctl(DEL)` ignores the flags).

use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use polling::{Event, PollMode, Poller};

use super::source::{READABLE, READ_CLOSED, WRITABLE};
use super::WAKE_KEY;

/// Whether events say when the read half closed ([`READ_CLOSED`]): yes,
/// for sources added with [`add_edge`].
pub(super) const REPORTS_READ_CLOSED: bool = true;

/// Adds `fd` to the poller edge-triggered for both directions, with
/// `EPOLLRDHUP`, its events carrying `key`.
///
/// # Safety
///
/// `fd` must be open; it must be deleted from the poller before it closes.
pub(super) unsafe fn add_edge(poller: &Poller, fd: RawFd, key: usize) -> io::Result<()> {
    let mut event = libc::epoll_event {
        events: (libc::EPOLLIN
            | libc::EPOLLPRI
            | libc::EPOLLOUT
            | libc::EPOLLRDHUP
            | libc::EPOLLHUP
            | libc::EPOLLERR
            | libc::EPOLLET) as u32,
        u64: key as u64,
    };
    // SAFETY: `event` is a valid epoll_event that outlives the call (the
    // kernel copies it); the poller's descriptor is an open epoll instance
    // and `fd` is open (this function's contract).
    let rc = unsafe { libc::epoll_ctl(poller.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut event) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The eventfd that wakes the owner; shared by every thread.
pub(super) struct Notifier {
    eventfd: OwnedFd,
}

/// The owner's epoll event buffer.
pub(super) struct Waiter {
    events: Vec<libc::epoll_event>,
}

impl Notifier {
    pub(super) fn new(poller: &Poller) -> io::Result<Notifier> {
        // SAFETY: plain FFI call with valid flags; the result is checked.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by eventfd(2) and is owned by no one
        // else.
        let eventfd = unsafe { OwnedFd::from_raw_fd(fd) };
        // Edge-triggered: every write raises an event, so the counter never
        // has to be drained for the next notify to be seen.
        // SAFETY: the eventfd lives as long as the poller's user (the
        // reactor drops the poller before or with it) and is never closed
        // while registered.
        unsafe {
            poller.add_with_mode(
                eventfd.as_raw_fd(),
                Event::readable(WAKE_KEY),
                PollMode::Edge,
            )?;
        }
        Ok(Notifier { eventfd })
    }

    /// Wake the thread blocked in `wait` (or make the next `wait` return).
    pub(super) fn notify(&self, _poller: &Poller) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live u64 to our eventfd. A failure
        // (EAGAIN at a counter near 2^64) still leaves an event pending.
        let _ = unsafe {
            libc::write(
                self.eventfd.as_raw_fd(),
                (&one as *const u64).cast(),
                std::mem::size_of::<u64>(),
            )
        };
    }

    /// Reset the eventfd counter (one read), so it never nears overflow.
    fn drain(&self) {
        let mut buf = 0u64;
        // SAFETY: reads at most 8 bytes into a live u64 from our eventfd
        // (non-blocking: EAGAIN if already zero, which is fine).
        let _ = unsafe {
            libc::read(
                self.eventfd.as_fd().as_raw_fd(),
                (&mut buf as *mut u64).cast(),
                std::mem::size_of::<u64>(),
            )
        };
    }
}

impl Waiter {
    pub(super) fn new(capacity: usize) -> Waiter {
        Waiter {
            events: Vec::with_capacity(capacity),
        }
    }

    /// Wait for events for at most `timeout` (None: forever) and hand each
    /// one to `f` as (key, readiness bits: `READABLE`, `WRITABLE`,
    /// `READ_CLOSED`). A wake-up is consumed here.
    pub(super) fn wait(
        &mut self,
        poller: &Poller,
        notifier: &Notifier,
        timeout: Option<Duration>,
        mut f: impl FnMut(usize, usize),
    ) {
        let timeout_ms = match timeout {
            None => -1,
            // Round up: a timer must never fire early.
            Some(t) => t.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32,
        };
        self.events.clear();
        // SAFETY: the buffer has `capacity` slots of writable, properly
        // aligned epoll_event; the kernel writes at most that many and
        // returns how many it wrote, which we set as the length below.
        let n = unsafe {
            libc::epoll_wait(
                poller.as_raw_fd(),
                self.events.as_mut_ptr(),
                self.events.capacity().min(i32::MAX as usize) as i32,
                timeout_ms,
            )
        };
        // n < 0: EINTR (or a broken descriptor, which no retry mends):
        // report no events; the caller still processes its timers.
        let n = usize::try_from(n).unwrap_or(0);
        // SAFETY: epoll_wait initialised the first `n` entries.
        unsafe { self.events.set_len(n) };
        for ev in &self.events {
            let key = ev.u64 as usize;
            if key == WAKE_KEY {
                notifier.drain();
                continue;
            }
            f(key, readiness(ev.events as libc::c_int));
        }
    }
}

/// An epoll event's flags as readiness bits. Readable and writable as
/// polling maps them; read-closed for a FIN (`EPOLLRDHUP`), a hang-up or an
/// error: from then on a read returns at once (0 or the error), forever.
fn readiness(flags: libc::c_int) -> usize {
    let mut bits = 0;
    if flags & (libc::EPOLLIN | libc::EPOLLHUP | libc::EPOLLERR | libc::EPOLLPRI) != 0 {
        bits |= READABLE;
    }
    if flags & (libc::EPOLLOUT | libc::EPOLLHUP | libc::EPOLLERR) != 0 {
        bits |= WRITABLE;
    }
    if flags & (libc::EPOLLRDHUP | libc::EPOLLHUP | libc::EPOLLERR) != 0 {
        bits |= READ_CLOSED | READABLE;
    }
    bits
}
