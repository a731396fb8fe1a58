//! [`Elapsed`]: the error of a [`Timeout`](super::Timeout).

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
