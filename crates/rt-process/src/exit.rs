//! How a child's exit is observed: its pidfd on the reactor, or SIGCHLD.
//!
//! See the crate docs ("Observing exit") for the protocol.

use std::io;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Child as StdChild, ExitStatus};
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{ready, Context, Poll};

use rt_reactor::{Async, Reactor};
use rt_signal::unix::{signal, Signal, SignalKind};

use crate::recheck::Recheck;

/// What wakes a waiter when the child may have exited.
#[derive(Debug)]
pub(crate) enum Exit {
    /// The child's pidfd, readable once it exits. `None` between a
    /// registration lost to a runtime's shutdown and the next one.
    Pidfd(Option<Async<OwnedFd>>, Option<OwnedFd>),
    /// A SIGCHLD listener, made before the first `try_wait`, and the
    /// safety net for a SIGCHLD that never reaches it (`recheck.rs`).
    Sigchld(Signal, Recheck),
}

/// Whether `pidfd_open` works here: 0 not yet known, 1 yes, 2 no.
static PIDFD: AtomicU8 = AtomicU8::new(0);

impl Exit {
    /// The notifier for the child `pid`, just spawned.
    #[track_caller]
    pub(crate) fn new(pid: u32) -> io::Result<Exit> {
        // Relaxed: a cache of a fact about the kernel; racing threads
        // compute the same value.
        if PIDFD.load(Ordering::Relaxed) != 2 && !pidfd_disabled() {
            match pidfd_open(pid) {
                Ok(fd) => {
                    PIDFD.store(1, Ordering::Relaxed);
                    // Never read: registered for readiness only, so it
                    // needs no O_NONBLOCK.
                    return Ok(Exit::Pidfd(Some(Async::new_nonblocking(fd, true)?), None));
                }
                // ENOSYS: before Linux 5.3; EPERM: a seccomp filter.
                Err(err) if matches!(err.raw_os_error(), Some(libc::ENOSYS | libc::EPERM)) => {
                    PIDFD.store(2, Ordering::Relaxed);
                }
                Err(err) => return Err(err),
            }
        }
        Ok(Exit::Sigchld(
            signal(SignalKind::child())?,
            Recheck::default(),
        ))
    }

    /// Polls for the exit of `child`: `try_wait`, and if it is still running,
    /// leaves `cx`'s waker with the notifier. `reregister`: a pidfd whose
    /// runtime shut down is registered again with the current one (a child
    /// spawned in one runtime and awaited in another).
    pub(crate) fn poll(
        &mut self,
        child: &mut StdChild,
        cx: &mut Context<'_>,
        reregister: bool,
    ) -> Poll<io::Result<ExitStatus>> {
        match self {
            Exit::Pidfd(registered, spare) => loop {
                if registered.is_none() {
                    match spare.take() {
                        Some(fd) if reregister && Reactor::try_current().is_some() => {
                            *registered = Some(Async::new_nonblocking(fd, true)?);
                        }
                        fd => {
                            *spare = fd;
                            return Poll::Ready(Err(rt_reactor::shutdown_error()));
                        }
                    }
                }
                let pidfd = registered.as_ref().expect("registered above");
                // The operation is `try_wait`: `WouldBlock` while the child
                // runs clears the readiness, and the pidfd's next event
                // (the exit) wakes `cx`.
                let polled = pidfd.poll_read_with(cx, |_| match child.try_wait() {
                    Ok(Some(status)) => Ok(status),
                    Ok(None) => Err(io::ErrorKind::WouldBlock.into()),
                    Err(err) => Err(err),
                });
                match polled {
                    Poll::Ready(Err(err)) if rt_reactor::is_shutdown_error(&err) => {
                        let fd = registered.take().expect("registered").into_inner()?;
                        *spare = Some(fd);
                        if !reregister {
                            return Poll::Ready(Err(err));
                        }
                    }
                    other => return other,
                }
            },
            Exit::Sigchld(sigchld, recheck) => loop {
                // The listener was made before this `try_wait`: an exit
                // after it is a SIGCHLD the listener receives, if the
                // signal reaches rt's handler; if not, the net's timer
                // has this look again.
                if let Some(status) = child.try_wait()? {
                    return Poll::Ready(Ok(status));
                }
                if sigchld.poll_recv(cx).is_pending() {
                    ready!(recheck.poll(cx, reregister));
                }
            },
        }
    }
}

/// `RT_PROCESS_PIDFD=0` forces the SIGCHLD path (for tests of it).
fn pidfd_disabled() -> bool {
    std::env::var_os("RT_PROCESS_PIDFD").is_some_and(|v| v == "0")
}

#[cfg(target_os = "linux")]
fn pidfd_open(pid: u32) -> io::Result<OwnedFd> {
    // SAFETY: `pidfd_open(2)` takes a pid and flags and returns a new
    // descriptor or -1; no memory is passed.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel returned a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

#[cfg(not(target_os = "linux"))]
fn pidfd_open(_pid: u32) -> io::Result<OwnedFd> {
    Err(io::Error::from_raw_os_error(libc::ENOSYS))
}
