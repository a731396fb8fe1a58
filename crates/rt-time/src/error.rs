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
/// ```no_run
/// # async fn example() -> std::io::Result<()> {
/// use rt::time::{timeout, Duration};
///
/// // `Elapsed` becomes `io::ErrorKind::TimedOut` through `?`.
/// let answer = timeout(Duration::from_secs(1), async { 42 }).await?;
/// assert_eq!(answer, 42);
/// # Ok(())
/// # }
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
