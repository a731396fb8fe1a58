//! The SIGCHLD path's safety net: a timer on the reactor that has a waiter
//! look at its child again now and then, in case its SIGCHLD never reaches
//! rt's handler (see the crate docs, "Observing exit").
//!
//! A one-shot `timerfd` (Linux), registered like any source: readable when
//! it expires. Each expiry found re-arms it with twice the delay, from
//! [`FIRST`] up to [`LONGEST`], so a child that runs for hours costs one
//! wake-up and one `waitpid` per [`LONGEST`]. Made lazily, on the first
//! poll that leaves a waker, so a child reaped at once costs nothing. Where
//! there is no `timerfd` (other Unixes, which never have pidfd either and
//! so always take the SIGCHLD path) there is no net: SIGCHLD alone, as
//! tokio's.

use std::io;
use std::os::fd::OwnedFd;
use std::task::{Context, Poll};
use std::time::Duration;

use rt_reactor::{Async, Reactor};

/// The first delay: short, so a lost SIGCHLD after a short-lived child
/// costs little.
const FIRST: Duration = Duration::from_millis(10);
/// The longest delay: the bound on how late a lost SIGCHLD's exit is seen.
const LONGEST: Duration = Duration::from_secs(1);

/// The timer of one waiting child; `None` until first needed, and after its
/// runtime shut down (until a poll with `reregister` in another runtime).
#[derive(Debug, Default)]
pub(crate) struct Recheck(Option<Timer>);

#[derive(Debug)]
struct Timer {
    fd: Async<OwnedFd>,
    /// The delay the timer is armed with now.
    delay: Duration,
}

impl Recheck {
    /// Ready when the child should be looked at again (the timer expired;
    /// it is re-armed with a longer delay). Otherwise `Pending` with `cx`'s
    /// waker left with the timer, or with nothing if no timer can be had
    /// here (no reactor, its runtime shut down, no `timerfd`): SIGCHLD
    /// alone then, until a later poll can make one. `reregister`: a timer
    /// whose runtime shut down is replaced in this same poll by one on the
    /// current runtime's reactor (a child awaited in another runtime);
    /// without it, by the next poll's.
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>, reregister: bool) -> Poll<()> {
        let mut made_here = false;
        loop {
            if self.0.is_none() {
                if made_here || Reactor::try_current().is_none() {
                    return Poll::Pending;
                }
                made_here = true;
                // No timer (out of descriptors, no timerfd): no net.
                let Ok(timer) = Timer::new() else {
                    return Poll::Pending;
                };
                self.0 = Some(timer);
            }
            let timer = self.0.as_mut().expect("made above");
            match timer.fd.poll_read_with(cx, expired) {
                Poll::Ready(Ok(())) => {
                    timer.delay = (timer.delay * 2).min(LONGEST);
                    if sys::arm(timer.fd.get_ref(), timer.delay).is_err() {
                        self.0 = None; // cannot happen with a valid fd
                    }
                    return Poll::Ready(());
                }
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(err)) => {
                    // Its runtime shut down (or the fd failed): let it go,
                    // and make a new one here if this poll may.
                    self.0 = None;
                    if !(reregister && rt_reactor::is_shutdown_error(&err)) {
                        return Poll::Pending;
                    }
                }
            }
        }
    }
}

impl Timer {
    fn new() -> io::Result<Timer> {
        let fd = sys::timer()?;
        sys::arm(&fd, FIRST)?;
        Ok(Timer {
            // Non-blocking from its creation; the first read finds out
            // whether it expired already.
            fd: Async::new_nonblocking(fd, true)?,
            delay: FIRST,
        })
    }
}

/// The read operation: `Ok` once the timer has expired (the read clears
/// it), `WouldBlock` before.
fn expired(fd: &OwnedFd) -> io::Result<()> {
    sys::read_expirations(fd)
}

#[cfg(target_os = "linux")]
mod sys {
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::time::Duration;

    /// A new non-blocking, close-on-exec monotonic timerfd, disarmed.
    pub(super) fn timer() -> io::Result<OwnedFd> {
        // SAFETY: `timerfd_create(2)` takes a clock id and flags, no memory,
        // and returns a new descriptor or -1.
        let fd = unsafe {
            libc::timerfd_create(
                libc::CLOCK_MONOTONIC,
                libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the kernel returned a new descriptor that nothing else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    /// Arms `fd` to expire once, `delay` from now.
    pub(super) fn arm(fd: &OwnedFd, delay: Duration) -> io::Result<()> {
        let spec = libc::itimerspec {
            it_interval: libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: libc::timespec {
                // The delays are at most a second: no overflow.
                tv_sec: delay.as_secs() as libc::time_t,
                tv_nsec: delay.subsec_nanos() as libc::c_long,
            },
        };
        // SAFETY: `fd` is an open timerfd (borrowed for the call); `spec`
        // lives on this stack across the call and is only read; a null old
        // value asks for nothing back.
        let rc = unsafe { libc::timerfd_settime(fd.as_raw_fd(), 0, &spec, std::ptr::null_mut()) };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Reads (and so clears) the expiration count: `WouldBlock` if the
    /// timer has not expired.
    pub(super) fn read_expirations(fd: &OwnedFd) -> io::Result<()> {
        let mut count = 0u64;
        loop {
            // SAFETY: `fd` is open (borrowed for the call); `count` is 8
            // writable bytes on this stack, alive across the call, the size
            // a timerfd read needs.
            let n = unsafe { libc::read(fd.as_raw_fd(), (&raw mut count).cast(), 8) };
            if n == 8 {
                return Ok(());
            }
            let err = io::Error::last_os_error();
            if n < 0 && err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(if n < 0 {
                err
            } else {
                io::Error::other("short timerfd read")
            });
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod sys {
    use std::io;
    use std::os::fd::OwnedFd;
    use std::time::Duration;

    pub(super) fn timer() -> io::Result<OwnedFd> {
        Err(io::ErrorKind::Unsupported.into())
    }

    pub(super) fn arm(_fd: &OwnedFd, _delay: Duration) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }

    pub(super) fn read_expirations(_fd: &OwnedFd) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }
}
