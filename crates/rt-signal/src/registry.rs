//! The process-wide part: one slot per signal number, the self-pipe, and
//! the handler installed once per signal.
//!
//! See the crate docs ("Delivery") for the protocol; the handler's half is
//! [`on_signal`], the driver's half is [`dispatch_pending`].

use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::OnceLock;

use crate::slot::Slot;

/// How installing a handler went: `Err` holds the OS error code, if any.
type Installed = Result<(), Option<i32>>;

/// The process-wide state, made on first use.
#[derive(Debug)]
pub(crate) struct Globals {
    /// Indexed by signal number (0 unused).
    slots: Box<[Slot]>,
    /// The outcome of installing each signal's handler (once per signal).
    installed: Box<[OnceLock<Installed>]>,
    /// The handler writes a byte here; non-blocking, so a full pipe never
    /// blocks a handler (the pending flags carry the information).
    write_end: UnixStream,
    /// Each runtime's dispatcher registers a duplicate of this.
    read_end: UnixStream,
}

/// The process-wide state.
pub(crate) fn globals() -> &'static Globals {
    static GLOBALS: OnceLock<Globals> = OnceLock::new();
    GLOBALS.get_or_init(|| {
        let (read_end, write_end) = UnixStream::pair().expect("failed to create the signal pipe");
        read_end
            .set_nonblocking(true)
            .expect("failed to set the signal pipe non-blocking");
        write_end
            .set_nonblocking(true)
            .expect("failed to set the signal pipe non-blocking");
        // Every number up to the highest real-time signal on Linux, the
        // 33 reliable ones elsewhere (tokio's range).
        #[cfg(target_os = "linux")]
        let count = libc::SIGRTMAX() as usize + 1;
        #[cfg(not(target_os = "linux"))]
        let count = 34;
        Globals {
            slots: (0..count).map(|_| Slot::new()).collect(),
            installed: (0..count).map(|_| OnceLock::new()).collect(),
            write_end,
            read_end,
        }
    })
}

impl Globals {
    /// The slot of `signum`, if it is in range.
    pub(crate) fn slot(&self, signum: i32) -> Option<&Slot> {
        usize::try_from(signum)
            .ok()
            .filter(|&n| n > 0)
            .and_then(|n| self.slots.get(n))
    }

    /// A duplicate of the pipe's read end, for one more reactor.
    pub(crate) fn read_end_dup(&self) -> io::Result<UnixStream> {
        self.read_end.try_clone()
    }
}

/// Installs the handler for `signum` once; later calls return the first
/// outcome.
pub(crate) fn install(signum: i32) -> io::Result<()> {
    let globals = globals();
    let Some(installed) = usize::try_from(signum)
        .ok()
        .and_then(|n| globals.installed.get(n))
        .filter(|_| signum > 0)
    else {
        return Err(io::Error::other("signal too large"));
    };
    (*installed.get_or_init(|| {
        // SAFETY: `on_signal` only does async-signal-safe work (an atomic
        // store and a `write(2)` on a descriptor that `globals`, a
        // `'static` never dropped, keeps open); `signum` was checked
        // against the forbidden list by the caller.
        let registered =
            unsafe { signal_hook_registry::register(signum, move || on_signal(globals, signum)) };
        registered.map(drop).map_err(|err| err.raw_os_error())
    }))
    .map_err(|code| match code {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::other("registering the signal handler failed"),
    })
}

/// The handler: marks `signum` pending, then wakes the dispatchers with a
/// byte on the pipe. Runs in signal context: nothing but an atomic store
/// and one `write(2)`.
fn on_signal(globals: &Globals, signum: i32) {
    if let Some(slot) = globals.slot(signum) {
        slot.mark_pending(); // before the byte: see `Slot::mark_pending`
    }
    let byte = [1u8];
    // SAFETY: the descriptor stays open for the life of the process (in a
    // `'static`), and `byte` lives across the call. A full pipe fails with
    // EAGAIN, which is fine: a byte is already waiting to wake a reader.
    unsafe {
        libc::write(globals.write_end.as_raw_fd(), byte.as_ptr().cast(), 1);
    }
}

/// The dispatcher's half: after draining the pipe, delivers every pending
/// signal to its listeners (a new generation, and their wakers woken).
pub(crate) fn dispatch_pending(globals: &Globals) {
    for slot in globals.slots.iter() {
        slot.deliver_if_pending();
    }
}
