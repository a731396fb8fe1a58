//! Unix signals: [`signal`], [`SignalKind`], [`Signal`].

use std::io;
use std::os::raw::c_int;
use std::task::{Context, Poll};

use crate::driver::{ensure_dispatcher, ensure_dispatcher_if_in_runtime};
use crate::registry::{globals, install};
use crate::slot::Slot;

/// A Unix signal number, with constructors for the common ones.
///
/// # Examples
///
/// ```
/// use rt::signal::unix::SignalKind;
///
/// assert_eq!(SignalKind::interrupt().as_raw_value(), libc::SIGINT);
/// assert_eq!(SignalKind::from_raw(libc::SIGUSR1), SignalKind::user_defined1());
/// let raw: i32 = SignalKind::terminate().into();
/// assert_eq!(raw, libc::SIGTERM);
/// ```
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct SignalKind(c_int);

impl SignalKind {
    /// The signal numbered `signum`; any number is accepted here,
    /// [`signal`] checks it.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::signal::unix::SignalKind;
    ///
    /// let rt_min = SignalKind::from_raw(libc::SIGRTMIN());
    /// assert_eq!(rt_min.as_raw_value(), libc::SIGRTMIN());
    /// ```
    pub const fn from_raw(signum: c_int) -> Self {
        SignalKind(signum)
    }

    /// The signal's number.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::hangup().as_raw_value(), libc::SIGHUP);
    /// ```
    pub const fn as_raw_value(&self) -> c_int {
        self.0
    }

    /// `SIGALRM`: a timer set with `alarm(2)` expired.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::signal::unix::SignalKind::alarm().as_raw_value(), libc::SIGALRM);
    /// ```
    pub const fn alarm() -> Self {
        SignalKind(libc::SIGALRM)
    }

    /// `SIGCHLD`: a child process stopped or exited.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::signal::unix::SignalKind::child().as_raw_value(), libc::SIGCHLD);
    /// ```
    pub const fn child() -> Self {
        SignalKind(libc::SIGCHLD)
    }

    /// `SIGHUP`: the terminal hung up; daemons take it as "reload".
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::signal::unix::SignalKind::hangup().as_raw_value(), libc::SIGHUP);
    /// ```
    pub const fn hangup() -> Self {
        SignalKind(libc::SIGHUP)
    }

    /// `SIGINFO` (the BSDs and macOS): a status request from the terminal.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(target_os = "macos")]
    /// assert_eq!(rt::signal::unix::SignalKind::info().as_raw_value(), libc::SIGINFO);
    /// ```
    #[cfg(any(
        target_os = "dragonfly",
        target_os = "freebsd",
        target_os = "macos",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "illumos"
    ))]
    pub const fn info() -> Self {
        SignalKind(libc::SIGINFO)
    }

    /// `SIGINT`: the terminal's interrupt key (Ctrl-C).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::signal::unix::SignalKind::interrupt().as_raw_value(), libc::SIGINT);
    /// ```
    pub const fn interrupt() -> Self {
        SignalKind(libc::SIGINT)
    }

    /// `SIGIO`: I/O is possible on a descriptor set up for it.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::signal::unix::SignalKind::io().as_raw_value(), libc::SIGIO);
    /// ```
    pub const fn io() -> Self {
        SignalKind(libc::SIGIO)
    }

    /// `SIGPIPE`: a write to a pipe with no reader.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::signal::unix::SignalKind::pipe().as_raw_value(), libc::SIGPIPE);
    /// ```
    pub const fn pipe() -> Self {
        SignalKind(libc::SIGPIPE)
    }

    /// `SIGQUIT`: the terminal's quit key (Ctrl-\\).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::signal::unix::SignalKind::quit().as_raw_value(), libc::SIGQUIT);
    /// ```
    pub const fn quit() -> Self {
        SignalKind(libc::SIGQUIT)
    }

    /// `SIGTERM`: a request to terminate (what `kill` sends by default).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::signal::unix::SignalKind::terminate().as_raw_value(), libc::SIGTERM);
    /// ```
    pub const fn terminate() -> Self {
        SignalKind(libc::SIGTERM)
    }

    /// `SIGUSR1`: for the program's own use.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::signal::unix::SignalKind::user_defined1().as_raw_value(), libc::SIGUSR1);
    /// ```
    pub const fn user_defined1() -> Self {
        SignalKind(libc::SIGUSR1)
    }

    /// `SIGUSR2`: for the program's own use.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::signal::unix::SignalKind::user_defined2().as_raw_value(), libc::SIGUSR2);
    /// ```
    pub const fn user_defined2() -> Self {
        SignalKind(libc::SIGUSR2)
    }

    /// `SIGWINCH`: the terminal's window changed size.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(rt::signal::unix::SignalKind::window_change().as_raw_value(), libc::SIGWINCH);
    /// ```
    pub const fn window_change() -> Self {
        SignalKind(libc::SIGWINCH)
    }
}

impl From<c_int> for SignalKind {
    fn from(signum: c_int) -> Self {
        SignalKind::from_raw(signum)
    }
}

impl From<SignalKind> for c_int {
    fn from(kind: SignalKind) -> Self {
        kind.as_raw_value()
    }
}

/// A listener for one kind of signal, made by [`signal`].
///
/// It receives each delivery of its signal that happens after it was made;
/// deliveries between two receives are coalesced into one (the operating
/// system coalesces them too). Any number of listeners may exist for one
/// signal, in one runtime or several: each receives every delivery.
/// Dropping the last listener does not restore the signal's default action
/// (the handler stays installed for the life of the process, as tokio's).
///
/// # Examples
///
/// ```
/// use rt::signal::unix::{signal, SignalKind};
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut hangups = signal(SignalKind::hangup())?;
/// // SAFETY: `kill` with our own pid and a valid signal number.
/// unsafe { libc::kill(libc::getpid(), libc::SIGHUP) };
/// hangups.recv().await;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct Signal {
    slot: &'static Slot,
    /// The slot's generation at the last receive (or at creation).
    seen: usize,
    /// This listener's place in the slot's waker list.
    key: usize,
}

/// Listens for the signal `kind`.
///
/// The first listener of a signal installs a process-wide handler for it
/// (kept for the life of the process; see the crate docs).
///
/// # Errors
///
/// - `kind` is not a valid signal or is one that may not be handled:
///   `SIGKILL`, `SIGSTOP`, `SIGILL`, `SIGFPE`, `SIGSEGV`;
/// - installing the handler failed;
/// - the current runtime has shut down.
///
/// # Panics
///
/// Outside the context of a runtime.
///
/// # Examples
///
/// ```
/// use rt::signal::unix::{signal, SignalKind};
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut first = signal(SignalKind::user_defined2())?;
/// let mut second = signal(SignalKind::user_defined2())?;
/// // SAFETY: `kill` with our own pid and a valid signal number.
/// unsafe { libc::kill(libc::getpid(), libc::SIGUSR2) };
/// first.recv().await;
/// second.recv().await; // both listeners receive it
///
/// assert!(signal(SignalKind::from_raw(libc::SIGKILL)).is_err());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    let signum = kind.as_raw_value();
    if signum <= 0 || signal_hook_registry::FORBIDDEN.contains(&signum) {
        return Err(io::Error::other(format!(
            "refusing to register signal {signum}"
        )));
    }
    ensure_dispatcher()?;
    install(signum)?;
    let slot = globals()
        .slot(signum)
        .ok_or_else(|| io::Error::other("signal too large"))?;
    let (key, seen) = slot.listen();
    Ok(Signal { slot, seen, key })
}

impl Signal {
    /// Waits for the next delivery of the signal.
    ///
    /// Always returns `Some(())` (the `Option` is tokio's signature: a
    /// stream that never ends). Cancel safe: a delivery is not lost if the
    /// future is dropped before it completes.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::signal::unix::{signal, SignalKind};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut usr1 = signal(SignalKind::user_defined1())?;
    /// // SAFETY: `kill` with our own pid and a valid signal number.
    /// unsafe { libc::kill(libc::getpid(), libc::SIGUSR1) };
    /// assert_eq!(usr1.recv().await, Some(()));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv(&mut self) -> Option<()> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next delivery: `Ready(Some(()))` if one happened since
    /// the last, otherwise `Pending` with `cx`'s waker kept (only the last
    /// waker given is woken).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use rt::signal::unix::{signal, SignalKind};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut winch = signal(SignalKind::window_change())?;
    /// // SAFETY: `kill` with our own pid and a valid signal number.
    /// unsafe { libc::kill(libc::getpid(), libc::SIGWINCH) };
    /// poll_fn(|cx| winch.poll_recv(cx)).await;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        let coop = std::task::ready!(rt_core::coop::poll_proceed(cx));
        if self
            .slot
            .poll_delivery(self.key, &mut self.seen, cx)
            .is_pending()
        {
            // Parked (the waker is stored): make sure the runtime polling
            // it has a dispatcher, as the one this listener was made on may
            // have shut down. A dispatcher made now drains the pipe and
            // delivers, waking the waker just stored.
            ensure_dispatcher_if_in_runtime();
            return Poll::Pending;
        }
        coop.made_progress();
        Poll::Ready(Some(()))
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        self.slot.unlisten(self.key);
    }
}
