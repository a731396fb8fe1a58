//! [`Instant`]: a point on the runtime's clock.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::Duration;

/// A measurement of the runtime's clock, as tokio's `time::Instant`.
///
/// It reads the clock of the runtime the current thread runs for: the
/// system's monotonic clock (what [`std::time::Instant`] reads) unless
/// that runtime's time was paused ([`pause`](crate::pause)), in which case
/// it stands still and moves only by [`advance`](crate::advance) and
/// auto-advance. Outside a runtime it reads the system clock. Every rt-time
/// API that takes or returns an instant (`sleep_until`, `timeout_at`,
/// `interval_at`, `Sleep::deadline`, `Interval::tick`) uses this type; it
/// converts to and from `std`'s with [`From`], [`Instant::from_std`] and
/// [`Instant::into_std`].
///
/// Subtracting a later instant gives a zero duration (no panic), as tokio's.
///
/// # Examples
///
/// ```
/// use rt::time::{sleep, Duration, Instant};
///
/// # rt::Runtime::new()?.block_on(async {
/// let start = Instant::now();
/// sleep(Duration::from_millis(10)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// assert_eq!(start - Instant::now(), Duration::ZERO); // saturates
/// let std: std::time::Instant = start.into_std();
/// assert_eq!(Instant::from_std(std), start);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    std: std::time::Instant,
}

impl Instant {
    /// The current instant on the runtime's clock (the system clock
    /// outside a runtime, or when time is not paused).
    ///
    /// # Examples
    ///
    /// ```
    /// let earlier = rt::time::Instant::now();
    /// assert!(rt::time::Instant::now() >= earlier);
    /// ```
    pub fn now() -> Instant {
        Instant::from_std(crate::clock::now())
    }

    /// Wraps a `std` instant.
    ///
    /// # Examples
    ///
    /// ```
    /// let std = std::time::Instant::now();
    /// assert_eq!(rt::time::Instant::from_std(std).into_std(), std);
    /// ```
    pub fn from_std(std: std::time::Instant) -> Instant {
        Instant { std }
    }

    /// The `std` instant this one wraps.
    ///
    /// # Examples
    ///
    /// ```
    /// let now = rt::time::Instant::now();
    /// let std: std::time::Instant = now.into_std();
    /// assert_eq!(rt::time::Instant::from(std), now);
    /// ```
    pub fn into_std(self) -> std::time::Instant {
        self.std
    }

    /// Time from `earlier` to `self`, or zero if `earlier` is later.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{Duration, Instant};
    ///
    /// let a = Instant::now();
    /// let b = a + Duration::from_secs(1);
    /// assert_eq!(b.duration_since(a), Duration::from_secs(1));
    /// assert_eq!(a.duration_since(b), Duration::ZERO);
    /// ```
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// Time from `earlier` to `self`, or `None` if `earlier` is later.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{Duration, Instant};
    ///
    /// let a = Instant::now();
    /// let b = a + Duration::from_secs(1);
    /// assert_eq!(b.checked_duration_since(a), Some(Duration::from_secs(1)));
    /// assert_eq!(a.checked_duration_since(b), None);
    /// ```
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.std.checked_duration_since(earlier.std)
    }

    /// Time from `earlier` to `self`, or zero if `earlier` is later.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{Duration, Instant};
    ///
    /// let a = Instant::now();
    /// assert_eq!(a.saturating_duration_since(a + Duration::from_secs(1)), Duration::ZERO);
    /// ```
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// Time since `self` on the runtime's clock (`Instant::now() - self`).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{pause, advance, Duration, Instant};
    ///
    /// # let rt = rt::runtime::Builder::new_current_thread().enable_all().build()?;
    /// # rt.block_on(async {
    /// pause();
    /// let start = Instant::now();
    /// advance(Duration::from_secs(5)).await;
    /// assert_eq!(start.elapsed(), Duration::from_secs(5));
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn elapsed(&self) -> Duration {
        Instant::now().duration_since(*self)
    }

    /// `self + duration`, or `None` if that cannot be represented.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{Duration, Instant};
    ///
    /// let now = Instant::now();
    /// assert!(now.checked_add(Duration::from_secs(1)).is_some());
    /// assert!(now.checked_add(Duration::MAX).is_none());
    /// ```
    pub fn checked_add(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_add(duration).map(Instant::from_std)
    }

    /// `self - duration`, or `None` if that cannot be represented.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{Duration, Instant};
    ///
    /// assert!(Instant::now().checked_sub(Duration::MAX).is_none());
    /// ```
    pub fn checked_sub(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_sub(duration).map(Instant::from_std)
    }
}

impl From<std::time::Instant> for Instant {
    fn from(std: std::time::Instant) -> Instant {
        Instant::from_std(std)
    }
}

impl From<Instant> for std::time::Instant {
    fn from(instant: Instant) -> std::time::Instant {
        instant.into_std()
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    /// # Panics
    ///
    /// If the result cannot be represented (as `std`'s).
    fn add(self, rhs: Duration) -> Instant {
        Instant::from_std(self.std + rhs)
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        *self = *self + rhs;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;

    fn sub(self, rhs: Duration) -> Instant {
        Instant::from_std(self.std - rhs)
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, rhs: Duration) {
        *self = *self - rhs;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;

    /// Saturates at zero, as [`Instant::duration_since`].
    fn sub(self, rhs: Instant) -> Duration {
        self.duration_since(rhs)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.std.fmt(f)
    }
}
