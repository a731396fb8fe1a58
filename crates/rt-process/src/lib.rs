//! rt's process: tokio's `process` API, child exit observed on rt's
//! reactor.
//!
//! [`Command`] is std's builder; [`Command::spawn`] returns a [`Child`]
//! whose [`wait`](Child::wait) costs no thread, and whose piped standard
//! streams ([`ChildStdin`], [`ChildStdout`], [`ChildStderr`]) are pipes on
//! the reactor implementing `rt::io`'s `AsyncWrite`/`AsyncRead`.
//!
//! # Observing exit
//!
//! Only our own children are ever reaped: every reap is `waitpid` on one
//! pid we spawned (std's `try_wait`), never `waitpid(-1)`, so children a
//! program starts by other means are left to it.
//!
//! - **pidfd** (Linux 5.3 and later): at spawn, `pidfd_open` gives a
//!   descriptor that turns readable when the child exits; it is registered
//!   on the reactor, and a waiter's operation is `try_wait`: while the child
//!   runs it reports `WouldBlock`, which clears the cached readiness, and
//!   the exit's event wakes the waiter.
//! - **SIGCHLD**, where `pidfd_open` fails with `ENOSYS` (or `EPERM`, a
//!   seccomp filter), or when `RT_PROCESS_PIDFD=0` is set: each child has an
//!   `rt::signal` listener for `SIGCHLD`, made right after the spawn; a
//!   waiter runs `try_wait`, and while the child runs waits for the next
//!   delivery. A `SIGCHLD` after the listener was made is never missed, and
//!   the first `try_wait` comes after it, so no exit is — as long as the
//!   signal reaches rt's handler. It may not: a program may block SIGCHLD
//!   in every thread (to take its signals with `sigwait` or a signalfd), a
//!   library may replace the handler, and under ThreadSanitizer a signal
//!   is handled only when the thread it was delivered to (the one that
//!   spawned the child, if it can take it) next leaves one of TSan's
//!   interceptors, which a thread parked in an untimed futex wait never
//!   does (`.ci/tsan.sh` has the details). So while a waiter waits, a
//!   timer on the runtime's timer wheel (`recheck.rs`: a sleep, no
//!   descriptor) also wakes it, after 10 ms, then twice as long each time
//!   up to once a second: an exit whose SIGCHLD was lost is seen at most
//!   about a second late, for one `waitpid` a second per waiting child.
//!   (tokio's SIGCHLD path has no such net: its wait hangs in those
//!   programs.) The net needs a running timer driver whose clock is not
//!   paused: a wait polled outside a runtime, after its runtime shut down,
//!   or on a paused clock has SIGCHLD alone, as in tokio.
//!
//! A child spawned in one runtime may be awaited in another: if its pidfd's
//! runtime has shut down, the pidfd is registered again with the current
//! one.
//!
//! # Dropped children
//!
//! Dropping a [`Child`] that has not been reaped kills it first if
//! [`Command::kill_on_drop`] was set, then hands it to the orphan reaper
//! (`orphan.rs`): its notifier stays registered with a waker of its own,
//! which reaps the child from the reactor's turn when it exits. No task, no
//! thread, and no zombie while the runtime lives; an orphan whose runtime
//! shut down is reaped by the next spawn or drop of a child.
//!
//! # Examples
//!
//! ```
//! use std::process::Stdio;
//! use rt::io::{AsyncBufReadExt, BufReader};
//! use rt::process::Command;
//!
//! # rt::Runtime::new()?.block_on(async {
//! let mut child = Command::new("printf")
//!     .arg("one\ntwo\n")
//!     .stdout(Stdio::piped())
//!     .spawn()?;
//! let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
//! let mut seen = Vec::new();
//! while let Some(line) = lines.next_line().await? {
//!     seen.push(line);
//! }
//! assert_eq!(seen, ["one", "two"]);
//! assert!(child.wait().await?.success());
//! # std::io::Result::Ok(()) })?;
//! # std::io::Result::Ok(())
//! ```

#[cfg(not(unix))]
compile_error!("rt-process supports Unix only");

mod child;
mod command;
mod exit;
#[cfg(all(test, loom))]
mod loom_tests;
mod orphan;
mod pipe;
mod recheck;

pub use child::Child;
pub use command::Command;
pub use pipe::{ChildStderr, ChildStdin, ChildStdout};
