//! The SIGCHLD path's safety net: a timer that has a waiter look at its
//! child again now and then, in case its SIGCHLD never reaches rt's
//! handler (see the crate docs, "Observing exit").
//!
//! The timer is a [`Sleep`] on rt-time's wheel, the timer driver of the
//! runtime the waiter is first polled in: an entry in the wheel, no
//! descriptor. Each expiry moves its deadline on by twice the delay, from
//! [`FIRST`] up to [`LONGEST`], so a child that runs for hours costs one
//! wake-up and one `waitpid` per [`LONGEST`]. Made lazily, on the first
//! poll that leaves a waker, so a child reaped at once costs nothing.
//!
//! There is no net — SIGCHLD alone, as in tokio — while no timer driver
//! can serve it; a poll then only leaves its waker with the SIGCHLD
//! listener, never panics and never fails:
//!
//! - **No timer driver on this thread** (a wait polled outside any
//!   runtime). A later poll inside one makes the net.
//! - **Its runtime has shut down.** Found by the poll, which lets the timer
//!   go ([`rt_time::poll_unless_shut_down`]: where polling the `Sleep` as a
//!   future would panic, it reports it). With `reregister` (a child awaited
//!   in another runtime) a new one is made in the same poll on the current
//!   driver; without it (the orphan reaper) at the next poll that can.
//! - **The driver's clock is paused** (a test's `rt::time::pause`). A
//!   paused clock moves only by `advance` and auto-advance, and
//!   auto-advance jumps it to the next timer whenever the runtime idles: a
//!   net there would have the wait spin, looking at the child again and
//!   pushing the clock a second further each time, as long as the child
//!   runs. So a paused clock gets no net, and an armed one is let go at
//!   the next poll that finds the clock paused (one expiry, at most
//!   [`LONGEST`] of virtual time, may come first if the clock was paused
//!   while it was armed).

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use rt_time::{ShutDown, Sleep, Timers};

/// The first delay: short, so a lost SIGCHLD after a short-lived child
/// costs little.
const FIRST: Duration = Duration::from_millis(10);
/// The longest delay: the bound on how late a lost SIGCHLD's exit is seen.
const LONGEST: Duration = Duration::from_secs(1);

/// The net of one waiting child; `None` until first needed, and while no
/// timer driver can serve it (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct Recheck(Option<Net>);

struct Net {
    /// The driver `sleep` is on: its clock (the next deadline, whether it
    /// is paused).
    timers: Arc<Timers>,
    sleep: Sleep,
    /// The delay `sleep` was armed with.
    delay: Duration,
}

impl Recheck {
    /// Ready when the child should be looked at again (the timer expired;
    /// it is set again with a longer delay). Otherwise `Pending` with `cx`'s
    /// waker left with the timer, or with nothing if no timer can serve
    /// here (see the module docs): SIGCHLD alone then, until a later poll
    /// can make one. `reregister`: a timer whose runtime shut down is
    /// replaced in this same poll by one on the current runtime's driver
    /// (a child awaited in another runtime); without it, by the next
    /// poll's.
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>, reregister: bool) -> Poll<()> {
        let mut made_here = false;
        loop {
            let net = match &mut self.0 {
                Some(net) => net,
                None if made_here => return Poll::Pending,
                None => {
                    made_here = true;
                    let Some(net) = Net::new() else {
                        return Poll::Pending;
                    };
                    self.0.insert(net)
                }
            };
            if net.timers.is_paused() {
                self.0 = None; // see the module docs: it would spin
                return Poll::Pending;
            }
            match rt_time::poll_unless_shut_down(&mut net.sleep, cx) {
                Poll::Ready(Ok(())) => {
                    net.delay = (net.delay * 2).min(LONGEST);
                    let next = net.timers.now() + net.delay;
                    // Expired, so unarmed: the next poll arms it.
                    Pin::new(&mut net.sleep).reset(next);
                    return Poll::Ready(());
                }
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(ShutDown)) => {
                    // Its runtime shut down: let it go, and make a new one
                    // here if this poll may.
                    self.0 = None;
                    if !reregister {
                        return Poll::Pending;
                    }
                }
            }
        }
    }
}

impl Net {
    /// A net on this thread's timer driver, if it has one that can serve
    /// (running, its clock not paused).
    fn new() -> Option<Net> {
        let timers = Timers::try_current()?;
        if timers.is_shut_down() || timers.is_paused() {
            return None;
        }
        Some(Net {
            // On `timers`: the driver `try_current` just read, still this
            // thread's. Armed at its first poll.
            sleep: rt_time::sleep(FIRST),
            timers,
            delay: FIRST,
        })
    }
}

impl fmt::Debug for Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Net")
            .field("sleep", &self.sleep)
            .field("delay", &self.delay)
            .finish_non_exhaustive()
    }
}
