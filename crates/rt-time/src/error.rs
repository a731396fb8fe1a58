//! [`Elapsed`]: the error of a [`Timeout`](super::Timeout); [`ShutDown`]:
//! a timer's runtime has shut down.

use std::error::Error;
use std::fmt;
use std::io;

/// The error a [`Timeout`](super::Timeout) yields when its deadline passes
/// before the future completes.
///
/// Converts into an [`io::Error`] of kind [`TimedOut`](io::ErrorKind::TimedOut),
/// so `?` works in functions returning `io::Result`.
///
/// # Examples
///
/// ```
/// use std::io;
/// use rt::time::{sleep, timeout, Duration, Elapsed};
///
/// async fn answer() -> io::Result<u32> {
///     // `Elapsed` becomes `io::ErrorKind::TimedOut` through `?`.
///     let answer = timeout(Duration::from_secs(1), async { 42 }).await?;
///     Ok(answer)
/// }
///
/// # rt::Runtime::new()?.block_on(async {
/// assert_eq!(answer().await?, 42);
///
/// let err: Elapsed = timeout(Duration::from_millis(1), sleep(Duration::from_secs(3600)))
///     .await
///     .unwrap_err();
/// assert_eq!(io::Error::from(err).kind(), io::ErrorKind::TimedOut);
/// # io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl Elapsed {
    pub(super) fn new() -> Elapsed {
        Elapsed(())
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl Error for Elapsed {}

impl From<Elapsed> for io::Error {
    fn from(err: Elapsed) -> io::Error {
        io::Error::new(io::ErrorKind::TimedOut, err)
    }
}

/// The timer driver a [`Sleep`](super::Sleep) belongs to has shut down
/// (its runtime stopped): nothing will ever fire it. Returned by
/// [`poll_unless_shut_down`](super::poll_unless_shut_down), where polling
/// the `Sleep` as a future would panic.
///
/// # Examples
///
/// ```
/// use std::task::{Context, Poll, Waker};
/// use rt_time::{poll_unless_shut_down, ShutDown};
///
/// let runtime = rt::Runtime::new()?;
/// let mut nap = runtime.block_on(async { rt::time::sleep(rt::time::Duration::from_secs(60)) });
/// drop(runtime);
/// let mut cx = Context::from_waker(Waker::noop());
/// assert_eq!(poll_unless_shut_down(&mut nap, &mut cx), Poll::Ready(Err(ShutDown)));
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutDown;

impl fmt::Display for ShutDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the timer's runtime has shut down")
    }
}

impl Error for ShutDown {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_tokio() {
        let err = Elapsed::new();
        assert_eq!(err.to_string(), "deadline has elapsed");
        assert_eq!(err, err.clone());
        assert_eq!(format!("{err:?}"), "Elapsed(())");
        let io: io::Error = err.into();
        assert_eq!(io.kind(), io::ErrorKind::TimedOut);
        let _: &dyn Error = &err;
    }
}
