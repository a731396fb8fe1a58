//! [`Timer`]: hyper's `rt::Timer` on rt's timer wheel.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// hyper's [`Timer`](hyper::rt::Timer) on rt's timer wheel: its sleeps are
/// [`rt::time::Sleep`](rt_time::Sleep)s, and resetting one moves the armed
/// timer in place ([`Sleep::reset`](rt_time::Sleep::reset)) instead of
/// allocating a new sleep.
///
/// hyper needs a timer for its timeouts: HTTP/1's
/// `header_read_timeout` (without one, a client that connects and sends
/// nothing holds its connection open forever), HTTP/2's keep-alive pings.
///
/// # Panics
///
/// Its methods panic outside a runtime, as `rt::time::sleep` does.
///
/// # Examples
///
/// ```
/// use hyper::rt::Timer as _;
/// use rt::hyper::Timer;
/// use rt::time::{Duration, Instant};
///
/// # rt::Runtime::new()?.block_on(async {
/// let start = Instant::now();
/// Timer.sleep(Duration::from_millis(10)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
///
/// // hyper moves a deadline with `reset`: an hour becomes 10 ms.
/// let mut nap = Timer.sleep(Duration::from_secs(3600));
/// let deadline = Instant::now() + Duration::from_millis(10);
/// Timer.reset(&mut nap, deadline.into_std()); // hyper speaks std's Instant
/// nap.await;
/// assert!(Instant::now() >= deadline);
/// # });
/// # std::io::Result::Ok(())
/// ```
///
/// In a server, so that a client that sends no request is dropped:
///
/// ```
/// use hyper::server::conn::http1;
/// use rt::hyper::Timer;
/// use rt::time::Duration;
///
/// let mut builder = http1::Builder::new();
/// builder.timer(Timer).header_read_timeout(Duration::from_secs(1));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Timer;

impl hyper::rt::Timer for Timer {
    #[track_caller]
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(Sleep(rt_time::sleep(duration)))
    }

    #[track_caller]
    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        // hyper's deadlines are its clock reading plus a timeout: armed on
        // the first poll without a second clock read (a header-read timer
        // armed and dropped per request costs one clock read, as tokio's).
        Box::pin(Sleep(rt_time::sleep_until_by_wheel(deadline.into())))
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<Sleep>() {
            // Ours: move the timer in place, no allocation.
            Some(ours) => Pin::new(&mut ours.get_mut().0).reset(new_deadline.into()),
            // Another timer's sleep: replace it.
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// The sleep [`Timer`] hands hyper: rt's, under a type of ours so that
/// `reset` can recognise it.
#[derive(Debug)]
struct Sleep(rt_time::Sleep);

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // `rt_time::Sleep` is `Unpin`.
        Pin::new(&mut self.0).poll(cx)
    }
}

impl hyper::rt::Sleep for Sleep {}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::rt::Timer as _;

    /// `reset` keeps hyper's box (and rt's armed timer in it), and the
    /// new deadline holds.
    #[test]
    fn reset_moves_our_sleep_in_place() {
        rt::Runtime::new().unwrap().block_on(async {
            let mut nap = Timer.sleep(Duration::from_secs(3600));
            // Arm it on the wheel.
            let waker = std::task::Waker::noop();
            assert!(nap
                .as_mut()
                .poll(&mut Context::from_waker(waker))
                .is_pending());
            let before: *const dyn hyper::rt::Sleep = &*nap;
            let deadline = Instant::now() + Duration::from_millis(20);
            Timer.reset(&mut nap, deadline);
            let after: *const dyn hyper::rt::Sleep = &*nap;
            assert!(
                std::ptr::addr_eq(before, after),
                "reset allocated a new sleep"
            );
            rt::time::timeout(Duration::from_secs(10), nap)
                .await
                .unwrap();
            assert!(Instant::now() >= deadline);
        });
    }
}
