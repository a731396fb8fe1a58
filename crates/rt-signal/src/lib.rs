//! rt's signal: tokio's `signal` API, delivered through a self-pipe on
//! rt's reactor.
//!
//! [`ctrl_c`] waits for Ctrl-C (`SIGINT`); [`unix::signal`] listens for any
//! signal a program may handle. Each listener receives every delivery of
//! its signal that happens after it was made, coalesced between two
//! receives; any number of listeners may exist for one signal.
//!
//! # Delivery
//!
//! A signal handler is process-wide, and may do almost nothing
//! (async-signal-safe calls only), so delivery has three parts:
//!
//! 1. **The handler**, installed once per signal on its first listener,
//!    stores `true` in the signal's *pending* flag, then writes one byte to
//!    a process-wide non-blocking pipe (a full pipe already holds a byte, so
//!    a failed write loses nothing).
//! 2. **The dispatcher** of each runtime that has listeners (`driver.rs`)
//!    holds a duplicate of the pipe's read end registered on that
//!    runtime's reactor, with itself as the waker. When the reactor reports
//!    the pipe readable, the dispatcher drains the pipe, then swaps each
//!    pending flag back to `false`; for each that was set it increments the
//!    signal's *generation* and wakes the wakers of its listeners. Several
//!    runtimes may race for the bytes: whichever drains them delivers to
//!    every listener of every runtime, so no runtime needs its own.
//! 3. **A listener** ([`unix::Signal`]) remembers the generation it last
//!    saw; a larger one is a delivery. Waiting, it stores its waker and
//!    re-reads the generation under the lock the dispatcher takes the
//!    wakers under after its increment, so a delivery is never missed.
//!
//! No thread is started, and no task: the reactor's own turn runs the
//! dispatcher. The handlers are installed with `signal-hook-registry`
//! (what tokio uses): it chains to a handler installed before, lets several
//! libraries share one signal, and has the `sigaction` details right; a
//! handler of our own would have to redo all three.
//!
//! # Examples
//!
//! A server that stops on Ctrl-C:
//!
//! ```no_run
//! #[rt::main]
//! async fn main() -> std::io::Result<()> {
//!     let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
//!     rt::select! {
//!         _ = async { while let Ok(_conn) = listener.accept().await {} } => {}
//!         result = rt::signal::ctrl_c() => result?,
//!     }
//!     println!("shutting down");
//!     Ok(())
//! }
//! ```

mod driver;
#[cfg(all(test, loom))]
mod loom_tests;
mod registry;
mod slot;
pub mod unix;

use std::io;

/// Waits for the next Ctrl-C (`SIGINT`).
///
/// The listener is made when the future is first polled, and receives
/// only a `SIGINT` that comes after. The first call installs a process-wide
/// handler that stays for the life of the process: from then on, Ctrl-C no
/// longer ends the program by itself.
///
/// # Errors
///
/// If the handler cannot be installed, or the runtime has shut down.
///
/// # Panics
///
/// When polled outside the context of a runtime.
///
/// # Examples
///
/// ```
/// use std::future::{poll_fn, Future};
/// use std::task::Poll;
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut ctrl_c = std::pin::pin!(rt::signal::ctrl_c());
/// // One poll makes the listener.
/// poll_fn(|cx| {
///     assert!(ctrl_c.as_mut().poll(cx).is_pending());
///     Poll::Ready(())
/// })
/// .await;
/// // SAFETY: `kill` with our own pid and a valid signal number.
/// unsafe { libc::kill(libc::getpid(), libc::SIGINT) };
/// ctrl_c.await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn ctrl_c() -> io::Result<()> {
    let mut listener = unix::signal(unix::SignalKind::interrupt())?;
    listener.recv().await;
    Ok(())
}
