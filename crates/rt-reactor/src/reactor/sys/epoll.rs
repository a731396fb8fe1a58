//! The Linux backend: an epoll instance and an eventfd of our own.
//!
//! Everything here is ours: the epoll descriptor (`epoll_create1`, closed
//! on drop), the eventfd that `notify` writes, and the keys in the events'
//! data. The owner's wait is one `epoll_wait(2)`; `polling`'s
//! `Poller::wait` costs five system calls on Linux whatever the timeout (it
//! re-arms a timerfd and its notification eventfd around `epoll_pwait`).
//!
//! Edge mode adds each source once with `EPOLLIN | EPOLLPRI | EPOLLOUT |
//! EPOLLRDHUP | EPOLLET`. `EPOLLRDHUP` tells when the peer's FIN came in,
//! even under the same edge as the data, which is what lets a short read
//! clear read readiness (`source.rs`, "Short operations"). Oneshot mode adds
//! with `EPOLLONESHOT` and no interest, and re-arms with `EPOLL_CTL_MOD`.
//!
//! # Notify
//!
//! `notified` says a wake-up is pending. `notify` sets it and, only if it
//! was clear, writes the eventfd; the owner clears it when the eventfd's
//! event comes out of a wait. So between two such events the eventfd is
//! written at most once, and its counter is never read back: it is added
//! edge-triggered, so each write is one event however high the counter
//! (which would take centuries to near 2^64).

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{Mode, RESERVED_KEY};
use crate::reactor::source::{ERROR, PRIORITY, READABLE, READ_CLOSED, WRITABLE, WRITE_CLOSED};

/// Events report the read half closing (`EPOLLRDHUP`).
pub(super) const REPORTS_READ_CLOSED: bool = true;

/// The key of the eventfd's events.
const NOTIFY_KEY: u64 = RESERVED_KEY as u64;

/// An epoll instance with its wake-up eventfd.
pub(super) struct Poller {
    epoll: OwnedFd,
    eventfd: OwnedFd,
    /// A wake-up is pending: the eventfd was written and its event not yet
    /// taken by a wait (see the module docs).
    notified: AtomicBool,
    mode: Mode,
}

/// The owner's epoll event buffer.
pub(super) struct Events {
    events: Vec<libc::epoll_event>,
}

impl Poller {
    /// An epoll instance and eventfd, in edge mode unless `oneshot`.
    pub(super) fn new(oneshot: bool) -> io::Result<Poller> {
        // SAFETY: plain FFI call with a valid flag; the result is checked.
        let epoll = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
        // SAFETY: `epoll` was just returned by epoll_create1 and is owned by
        // no one else.
        let epoll = unsafe { OwnedFd::from_raw_fd(epoll) };
        // SAFETY: as above, for eventfd(2).
        let eventfd = cvt(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })?;
        // SAFETY: as above.
        let eventfd = unsafe { OwnedFd::from_raw_fd(eventfd) };
        let poller = Poller {
            epoll,
            eventfd,
            notified: AtomicBool::new(false),
            mode: if oneshot { Mode::Oneshot } else { Mode::Edge },
        };
        // Edge-triggered: every write is an event (see the module docs). The
        // eventfd is a field, so it stays open while registered and closes
        // with the epoll instance.
        let flags = libc::EPOLLIN | libc::EPOLLET;
        poller.ctl(
            libc::EPOLL_CTL_ADD,
            poller.eventfd.as_raw_fd(),
            flags,
            NOTIFY_KEY,
        )?;
        Ok(poller)
    }

    pub(super) fn mode(&self) -> Mode {
        self.mode
    }

    /// Adds `fd`: in edge mode for both directions with `EPOLLRDHUP`, in
    /// oneshot mode with no interest until `rearm`.
    ///
    /// # Safety
    ///
    /// - `fd` must be open, and must be deleted before it is closed.
    pub(super) unsafe fn add(&self, fd: RawFd, key: usize) -> io::Result<()> {
        let flags = match self.mode {
            Mode::Edge => {
                libc::EPOLLIN | libc::EPOLLPRI | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET
            }
            Mode::Oneshot => libc::EPOLLONESHOT,
        };
        self.ctl(libc::EPOLL_CTL_ADD, fd, flags, key as u64)
    }

    /// Re-arms oneshot `fd` for `interest` (`READABLE`, `WRITABLE`).
    pub(super) fn rearm(&self, fd: BorrowedFd<'_>, key: usize, interest: usize) -> io::Result<()> {
        let mut flags = libc::EPOLLONESHOT;
        if interest & READABLE != 0 {
            flags |= libc::EPOLLIN | libc::EPOLLPRI | libc::EPOLLRDHUP;
        }
        if interest & WRITABLE != 0 {
            flags |= libc::EPOLLOUT;
        }
        self.ctl(libc::EPOLL_CTL_MOD, fd.as_raw_fd(), flags, key as u64)
    }

    /// Deletes `fd` (`EPOLL_CTL_DEL`).
    pub(super) fn delete(&self, fd: BorrowedFd<'_>) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_DEL, fd.as_raw_fd(), 0, 0)
    }

    /// One `epoll_ctl(2)`. `fd` is open: every caller borrows it, or (`add`)
    /// has it open by contract.
    fn ctl(&self, op: libc::c_int, fd: RawFd, flags: libc::c_int, key: u64) -> io::Result<()> {
        let mut event = libc::epoll_event {
            events: flags as u32,
            u64: key,
        };
        // SAFETY: `event` is a valid epoll_event that outlives the call (the
        // kernel copies it; DEL ignores it); `self.epoll` is an open epoll
        // instance. A closed or reused `fd` is the caller's bug, and the
        // kernel only reports it (EBADF, ENOENT) or registers the wrong file.
        cvt(unsafe { libc::epoll_ctl(self.epoll.as_raw_fd(), op, fd, &mut event) }).map(drop)
    }

    /// One `epoll_wait(2)` of at most `timeout`, rounded up to whole
    /// milliseconds (a timer must never fire early); each event goes to `f`
    /// as (key, readiness bits). `EINTR`, or any error, is no events.
    pub(super) fn wait(
        &self,
        events: &mut Events,
        timeout: Option<Duration>,
        mut f: impl FnMut(usize, usize),
    ) {
        let timeout_ms = match timeout {
            None => -1,
            Some(t) => t.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32,
        };
        let events = &mut events.events;
        events.clear();
        // SAFETY: the buffer has `capacity` writable, aligned epoll_event
        // slots; the kernel writes at most that many and returns how many it
        // wrote, which becomes the length below.
        let n = unsafe {
            libc::epoll_wait(
                self.epoll.as_raw_fd(),
                events.as_mut_ptr(),
                events.capacity().min(i32::MAX as usize) as i32,
                timeout_ms,
            )
        };
        let n = usize::try_from(n).unwrap_or(0);
        // SAFETY: epoll_wait initialised the first `n` entries (0 on error).
        unsafe { events.set_len(n) };
        for event in events.iter() {
            // Copies out of the (packed on x86_64) struct.
            let (key, flags) = (event.u64, event.events as libc::c_int);
            if key == NOTIFY_KEY {
                // AcqRel: the Acquire pairs with the Release of the `notify`
                // whose `swap` came last before this one, so the owner sees
                // what the notifiers published (new work) before notifying;
                // the Release orders this clear before a later notify's
                // write, which then raises a new event.
                self.notified.swap(false, Ordering::AcqRel);
                continue;
            }
            f(key as usize, readiness(flags));
        }
    }

    /// Ends the current wait, or makes the next one return at once.
    pub(super) fn notify(&self) {
        // AcqRel: the Release publishes the caller's writes to the owner's
        // clearing `swap` in `wait` (see there); the Acquire orders this
        // swap after that clear when it reads `false`.
        if self.notified.swap(true, Ordering::AcqRel) {
            return; // a wake-up is pending: its event is still to come
        }
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live u64 to our open eventfd. It
        // cannot fail: the counter stays far from 2^64 - 1 (module docs).
        let _ = unsafe {
            libc::write(
                self.eventfd.as_raw_fd(),
                (&one as *const u64).cast(),
                std::mem::size_of::<u64>(),
            )
        };
    }
}

impl Events {
    pub(super) fn new(capacity: usize) -> Events {
        Events {
            events: Vec::with_capacity(capacity),
        }
    }
}

/// An epoll event's flags as readiness bits. Readable and writable as
/// `polling` maps them; read-closed for a FIN (`EPOLLRDHUP`), a hang-up or
/// an error: from then on a read returns at once (0 or the error), forever.
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
    // As mio reports them (the readiness `AsyncFd` users see): the write
    // half closed on a hang-up, or on an error alone or with `EPOLLOUT`.
    let err_only = flags & !libc::EPOLLET == libc::EPOLLERR;
    if flags & libc::EPOLLHUP != 0
        || err_only
        || flags & (libc::EPOLLOUT | libc::EPOLLERR) == libc::EPOLLOUT | libc::EPOLLERR
    {
        bits |= WRITE_CLOSED;
    }
    if flags & libc::EPOLLPRI != 0 {
        bits |= PRIORITY;
    }
    if flags & libc::EPOLLERR != 0 {
        bits |= ERROR;
    }
    bits
}

/// A syscall's result: `Err(errno)` when negative.
fn cvt(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}
