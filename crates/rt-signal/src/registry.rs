//! The process-wide part: one slot per signal number, the self-pipe, and
//! the handler installed once per signal.
//!
//! See the crate docs ("Delivery") for the protocol; the handler's half is
//! [`on_signal`], the driver's half is [`dispatch_pending`].

use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::OnceLock;
use std::task::Waker;

use rt_core::loom::{AtomicBool, AtomicUsize, Mutex, Ordering};

/// One signal number's state.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    /// Set by the handler, cleared by the dispatcher (see "Delivery").
    pending: AtomicBool,
    /// How many deliveries the dispatcher made: a listener that saw a
    /// smaller number has one (or several, coalesced) to receive.
    pub(crate) generation: AtomicUsize,
    /// The listeners' wakers, by listener key (`None`: not waiting).
    pub(crate) wakers: Mutex<Vec<Option<Waker>>>,
    /// Free keys in `wakers`, reused by the next listener.
    pub(crate) free: Mutex<Vec<usize>>,
    /// The outcome of installing the handler (once per signal).
    installed: OnceLock<Result<(), Option<i32>>>,
}

/// The process-wide state, made on first use.
#[derive(Debug)]
pub(crate) struct Globals {
    /// Indexed by signal number (0 unused).
    slots: Box<[Slot]>,
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
            slots: (0..count).map(|_| Slot::default()).collect(),
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
    let Some(slot) = globals.slot(signum) else {
        return Err(io::Error::other("signal too large"));
    };
    (*slot.installed.get_or_init(|| {
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
        // SeqCst: the flag is stored before the byte is written; the
        // dispatcher reads the byte, then swaps the flag (`dispatch_pending`),
        // so a dispatcher woken by this byte sees this flag.
        slot.pending.store(true, Ordering::SeqCst);
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
        // SeqCst: pairs with the handler's store (see `on_signal`).
        if !slot.pending.swap(false, Ordering::SeqCst) {
            continue;
        }
        // Release: pairs with the Acquire load of a listener's `poll_recv`.
        // The increment comes before the wakers are taken, under the lock a
        // listener stores its waker with and re-reads the generation under
        // (see `Signal::poll_recv`): no lost wake-up.
        slot.generation.fetch_add(1, Ordering::Release);
        let wakers: Vec<Waker> = {
            let mut wakers = slot.wakers.lock();
            wakers.iter_mut().filter_map(Option::take).collect()
        };
        rt_core::wake_all_contained(wakers.into_iter());
    }
}
